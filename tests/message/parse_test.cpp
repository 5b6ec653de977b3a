// SPDX-License-Identifier: BSL-1.0
// The composer's output, parsed by an independent and widely used parser: Python's email package
// (email.parser.BytesParser with policy.default), through tests/message/check_message.py. The
// expectations are written from the composer's inputs: the Unicode text that went in must come
// out of the decoded headers, each attachment must decode to the bytes that went in (digests), and
// the MIME tree must be the one asked for.
#include "fixture.hpp"

#include <mailwire/mailwire.hpp>

#include <catch2/catch.hpp>

#include <sys/resource.h>

#include <cstdio>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace {

/// A temporary directory for one test, removed at the end.
struct temp_dir {
    std::string path;
    temp_dir() {
        char tmpl[] = "/tmp/mailwire-message-XXXXXX";
        if (::mkdtemp(tmpl) != nullptr) path = tmpl;
    }
    ~temp_dir() {
        std::error_code ec;
        if (!path.empty()) std::filesystem::remove_all(path, ec);
    }
    std::string file(const std::string& name) const { return path + "/" + name; }
};

void write_file(const std::string& path, const std::string& data) {
    std::ofstream out(path, std::ios::binary);
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

std::string json_string(const std::string& s) {
    std::string out = "\"";
    for (char ch : s) {
        const unsigned char c = static_cast<unsigned char>(ch);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += ch;
        } else if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof(buf), "\\u%04x", c);
            out += buf;
        } else {
            out += ch; // UTF-8 passes through
        }
    }
    return out + "\"";
}
std::string json_pair(const std::string& display, const std::string& addr) {
    return "[" + json_string(display) + "," + json_string(addr) + "]";
}

/// Composes the whole message with read() in pieces of `chunk` octets.
template <class M>
std::string compose(M& m, std::size_t chunk = 97) {
    std::string out;
    std::vector<char> buf(chunk);
    for (;;) {
        const std::ptrdiff_t n = m.read(buf.data(), buf.size());
        REQUIRE(n >= 0);
        if (n == 0) break;
        out.append(buf.data(), static_cast<std::size_t>(n));
    }
    return out;
}

/// Runs the checker on the message file with the spec; the checker's complaints are the message.
void check_with_python(const temp_dir& dir, const std::string& message_file, const std::string& spec) {
    write_file(dir.file("spec.json"), spec);
    const interop::process_result r = interop::run_process(
        {MAILWIRE_TEST_PYTHON, std::string(MAILWIRE_TEST_SOURCE_DIR) + "/tests/message/check_message.py",
         message_file, dir.file("spec.json")},
        "");
    INFO("spec: " << spec);
    INFO(r.describe());
    CHECK(r.exited);
    CHECK(r.status == 0);
}

std::string random_bytes(std::size_t n, unsigned seed) {
    std::mt19937 gen(seed);
    std::string s(n, '\0');
    for (char& c : s) c = static_cast<char>(gen() & 0xFF);
    return s;
}

bool fixed_random(void*, unsigned char* buf, std::size_t len) {
    for (std::size_t i = 0; i < len; ++i) buf[i] = static_cast<unsigned char>(i * 7 + 1);
    return true;
}

} // namespace

TEST_CASE("headers in German, CJK and emoji decode to the original text, and Bcc stays out", "[message][parse]") {
    temp_dir dir;
    REQUIRE(!dir.path.empty());
    const std::string subject = "Temperatur über Grenzwert: 温度が高すぎます 🌡️🔥 — bitte prüfen, "
                                "a long subject that must be folded at whitespace to stay within the limits";
    const std::string from_name = "Sensor Nr. 7 (Kühlraum)";
    const std::string to_name = "山田 太郎";
    const std::string cc_name = "Doe, John \"JD\"";
    mailwire::message m;
    m.set_random(&fixed_random);
    REQUIRE(m.from("sensor@example.org", from_name).ok());
    REQUIRE(m.to("yamada@example.jp", to_name).ok());
    REQUIRE(m.to("plain@example.org").ok());
    REQUIRE(m.cc("jd@example.com", cc_name).ok());
    REQUIRE(m.reply_to("ops@example.org", "Ops 🚨").ok());
    REQUIRE(m.bcc("secret@example.org").ok());
    REQUIRE(m.subject(subject).ok());
    REQUIRE(m.header("X-Sensor-Location", "Kühlraum 3, Regal ½").ok());
    REQUIRE(m.text("Grüße aus dem Kühlraum.\n").ok());
    REQUIRE(m.prepare(false, false).ok());
    const std::string out = compose(m);
    write_file(dir.file("m.eml"), out);
    CHECK(m.size() == out.size());
    check_with_python(dir, dir.file("m.eml"),
                      "{\"from\":" + json_pair(from_name, "sensor@example.org") + ",\"to\":[" +
                          json_pair(to_name, "yamada@example.jp") + "," + json_pair("", "plain@example.org") +
                          "],\"cc\":[" + json_pair(cc_name, "jd@example.com") + "],\"reply_to\":[" +
                          json_pair("Ops 🚨", "ops@example.org") + "],\"no_headers\":[\"Bcc\"],\"subject\":" +
                          json_string(subject) + ",\"headers\":{\"X-Sensor-Location\":" +
                          json_string("Kühlraum 3, Regal ½") + "},\"tree\":\"text/plain\",\"texts\":{\"text/plain\":" +
                          json_string("Grüße aus dem Kühlraum.\n") + "},\"cte\":{\"text/plain\":\"quoted-printable\"}," +
                          "\"max_header_line\":78}");
    CHECK(out.find("secret@example.org") == std::string::npos);
}

TEST_CASE("the MIME tree: mixed(related(alternative(text, html), inline image), attachments)", "[message][parse]") {
    temp_dir dir;
    REQUIRE(!dir.path.empty());
    // Attachment sizes around base64's boundaries: 3 octets per 4 characters, 57 per 76-character line.
    const std::size_t sizes[] = {0, 1, 2, 3, 56, 57, 58, 75, 76, 77, 114, 1000};
    std::vector<std::string> data;
    for (std::size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); ++i) data.push_back(random_bytes(sizes[i], 11u + static_cast<unsigned>(i)));
    const std::string png = random_bytes(300, 5);
    const std::string text = "Hello,\n\nsee the attachments.\n.a line with a leading dot\nTrailing spaces   \n";
    const std::string html = "<html><body><p>Hello <img src=\"cid:logo@mailwire.test\"></p></body></html>\n";

    mailwire::basic_message<4, 4, 16> m;
    REQUIRE(m.from("a@example.org").ok());
    REQUIRE(m.to("b@example.org").ok());
    REQUIRE(m.subject("attachments").ok());
    REQUIRE(m.text(text).ok());
    REQUIRE(m.html(html).ok());
    REQUIRE(m.inline_part(mailwire::content_source::from_memory(png), "logo@mailwire.test", "image/png", "logo.png").ok());
    std::string spec_attachments =
        "{\"filename\":\"logo.png\",\"file\":" + json_string(dir.file("logo.png")) +
        ",\"content_type\":\"image/png\",\"content_id\":\"logo@mailwire.test\"}";
    write_file(dir.file("logo.png"), png);
    std::vector<std::string> names;
    for (std::size_t i = 0; i < data.size(); ++i) names.push_back("file-" + std::to_string(data[i].size()) + "-ü.bin");
    for (std::size_t i = 0; i < data.size(); ++i) {
        REQUIRE(m.attach(mailwire::content_source::from_memory(data[i]), names[i]).ok());
        write_file(dir.file(std::to_string(i)), data[i]);
        spec_attachments += ",{\"filename\":" + json_string(names[i]) + ",\"file\":" + json_string(dir.file(std::to_string(i))) +
                            ",\"content_type\":\"application/octet-stream\",\"content_id\":null}";
    }
    REQUIRE(m.prepare(false, false).ok());
    const std::string out = compose(m, 1);
    CHECK(m.size() == out.size());
    write_file(dir.file("m.eml"), out);
    std::string tree = "multipart/mixed(multipart/related(multipart/alternative(text/plain,text/html),image/png)";
    for (std::size_t i = 0; i < data.size(); ++i) tree += ",application/octet-stream";
    tree += ")";
    check_with_python(dir, dir.file("m.eml"),
                      "{\"tree\":" + json_string(tree) + ",\"texts\":{\"text/plain\":" + json_string(text) +
                          ",\"text/html\":" + json_string(html) + "},\"attachments\":[" + spec_attachments + "]}");
}

TEST_CASE("text encodings: 7bit, 8bit only with 8BITMIME, quoted-printable otherwise", "[message][parse]") {
    struct row {
        const char* what;
        std::string text;
        bool eightbitmime;
        const char* cte;
    };
    const std::string long_line = std::string(1200, 'x') + "\n";
    const row rows[] = {
        {"ASCII", "plain ascii\nsecond line\n", false, "7bit"},
        {"UTF-8 with 8BITMIME", "Grüße\n", true, "8bit"},
        {"UTF-8 without 8BITMIME", "Grüße\n", false, "quoted-printable"},
        {"a line over 998 octets", long_line, true, "quoted-printable"},
        {"text that looks like our boundary", "--=_mw_0\nnot a boundary\n", false, "quoted-printable"},
        {"CR, LF and CRLF line ends", "one\rtwo\nthree\r\nfour", false, "7bit"},
        {"= and tabs\tand trailing tab\t", "a=b\tc\t\n", false, "7bit"},
    };
    for (const row& r : rows) {
        INFO(r.what);
        temp_dir dir;
        mailwire::message m;
        REQUIRE(m.from("a@example.org").ok());
        REQUIRE(m.to("b@example.org").ok());
        REQUIRE(m.text(r.text).ok());
        REQUIRE(m.prepare(r.eightbitmime, false).ok());
        CHECK(m.eight_bit() == (std::string(r.cte) == "8bit"));
        const std::string out = compose(m);
        CHECK(m.size() == out.size());
        write_file(dir.file("m.eml"), out);
        // The text as a reader gets it: line ends made LF, and a last line ended.
        std::string expected;
        for (std::size_t i = 0; i < r.text.size(); ++i) {
            if (r.text[i] == '\r') {
                expected += '\n';
                if (i + 1 < r.text.size() && r.text[i + 1] == '\n') ++i;
            } else {
                expected += r.text[i];
            }
        }
        if (!expected.empty() && expected.back() != '\n') expected += '\n';
        check_with_python(dir, dir.file("m.eml"),
                          "{\"tree\":\"text/plain\",\"texts\":{\"text/plain\":" + json_string(expected) +
                              "},\"cte\":{\"text/plain\":\"" + r.cte + "\"}}");
    }
}

TEST_CASE("50 MB streamed from a file: byte-exact, and the composer's memory does not grow", "[message][parse][large]") {
    temp_dir dir;
    REQUIRE(!dir.path.empty());
    const std::string input = dir.file("big.bin");
    {
        std::ofstream out(input, std::ios::binary);
        std::mt19937 gen(42);
        std::vector<char> block(1 << 20);
        for (int i = 0; i < 50; ++i) {
            for (char& c : block) c = static_cast<char>(gen() & 0xFF);
            out.write(block.data(), static_cast<std::streamsize>(block.size()));
        }
    }
    rusage before{};
    ::getrusage(RUSAGE_SELF, &before);
    mailwire::file_reader file(input.c_str());
    REQUIRE(file.is_open());
    REQUIRE(file.size() == 50 * (1 << 20));
    mailwire::message m;
    REQUIRE(m.from("a@example.org").ok());
    REQUIRE(m.to("b@example.org").ok());
    REQUIRE(m.text("50 MB attached.\n").ok());
    REQUIRE(m.attach(file.source(), "big.bin").ok());
    REQUIRE(m.prepare(false, false).ok());
    // Straight to a file, through a 4 KiB buffer: nothing the size of the attachment in memory.
    const std::string output = dir.file("m.eml");
    std::FILE* out = std::fopen(output.c_str(), "wb");
    REQUIRE(out != nullptr);
    char buf[4096];
    std::uint64_t total = 0;
    for (;;) {
        const std::ptrdiff_t n = m.read(buf, sizeof(buf));
        REQUIRE(n >= 0);
        if (n == 0) break;
        std::fwrite(buf, 1, static_cast<std::size_t>(n), out);
        total += static_cast<std::uint64_t>(n);
    }
    std::fclose(out);
    rusage after{};
    ::getrusage(RUSAGE_SELF, &after);
    CHECK(m.size() == total);
    const long grown_kib = after.ru_maxrss - before.ru_maxrss;
    std::printf("mailwire composer, 50 MB attachment: %llu octets composed; sizeof(message) = %zu; peak RSS grew by "
                "%ld KiB (peak %ld KiB)\n",
                static_cast<unsigned long long>(total), sizeof(mailwire::message), grown_kib, after.ru_maxrss);
    CHECK(grown_kib < 4096); // the composer streams: far below the 50 MB it sent
    check_with_python(dir, output,
                      "{\"tree\":\"multipart/mixed(text/plain,application/octet-stream)\",\"attachments\":[{\"filename\":"
                      "\"big.bin\",\"file\":" +
                          json_string(input) + ",\"content_type\":\"application/octet-stream\",\"content_id\":null}]}");
}

TEST_CASE("a message with a file attachment can be prepared and read twice: the file is read from the start",
          "[message][file]") {
    temp_dir dir;
    REQUIRE(!dir.path.empty());
    write_file(dir.file("a.bin"), random_bytes(5000, 3));
    mailwire::file_reader file(dir.file("a.bin").c_str());
    REQUIRE(file.is_open());
    mailwire::message m;
    REQUIRE(m.from("a@example.org").ok());
    REQUIRE(m.to("b@example.org").ok());
    m.date(0, 0);
    m.set_random(&fixed_random);
    REQUIRE(m.attach(file.source(), "a.bin").ok());
    REQUIRE(m.prepare(false, false).ok());
    const std::string first = compose(m);
    REQUIRE(m.prepare(false, false).ok());
    const std::string second = compose(m);
    CHECK(first.size() == m.size());
    CHECK(second == first);
}
