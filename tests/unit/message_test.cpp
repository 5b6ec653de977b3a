// SPDX-License-Identifier: BSL-1.0
// The composer without a server: injection attempts in every field, RFC 2045 quoted-printable and
// RFC 2047 encoded-word vectors, folding limits, RFC 5322 dates, capacities, and send_message()
// over the scripted peer (SIZE=, BODY=8BITMIME, Bcc only in the envelope).
#include "support.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using mailwire::cause;
using mailwire::content_source;
using mailwire::error_kind;
using mailwire::text_encoding;

namespace {

template <class M>
std::string compose(M& m) {
    std::string out;
    char buf[61];
    for (;;) {
        const std::ptrdiff_t n = m.read(buf, sizeof(buf));
        REQUIRE(n >= 0);
        if (n == 0) break;
        out.append(buf, static_cast<std::size_t>(n));
    }
    return out;
}

/// The header section, and the body after the blank line.
std::string headers_of(const std::string& m) { return m.substr(0, m.find("\r\n\r\n") + 2); }
std::string body_of(const std::string& m) { return m.substr(m.find("\r\n\r\n") + 4); }

std::vector<std::string> lines_of(const std::string& s) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < s.size()) {
        const std::size_t end = s.find("\r\n", start);
        if (end == std::string::npos) {
            out.push_back(s.substr(start));
            break;
        }
        out.push_back(s.substr(start, end - start));
        start = end + 2;
    }
    return out;
}

/// A minimal valid message: From, To, a fixed date, and no Message-ID (no random source).
bool no_random(void*, unsigned char*, std::size_t) { return false; }
void minimal(mailwire::message& m) {
    REQUIRE(m.from("a@example.org").ok());
    REQUIRE(m.to("b@example.org").ok());
    m.date(0, 0);
    m.set_random(&no_random);
}

} // namespace

TEST_CASE("composer: CR, LF or NUL in any field is refused when it is set, and nothing of it is written",
          "[unit][message][injection]") {
    mailwire::message m;
    minimal(m);
    const std::vector<std::string> attempts = {"\r\nBcc: EVIL@x.example", "\nEVIL: 1", "x\rEVIL",
                                               std::string("x\0EVIL", 6)};
    for (const std::string& b : attempts) {
        INFO("injected: " << mwtest::escaped(b));
        // Named strings: the composer keeps views (a temporary std::string does not compile).
        const std::string address = "c@example.org" + b, leading = b + "c@example.org", name = "Name" + b,
                          subject = "Hello" + b, value = "value" + b, field = "X-Test" + b, file = "file" + b + ".txt",
                          type = "text/plain" + b, id = "id" + b + "@x";
        CHECK(m.to(address).why == cause::bad_address);
        CHECK(m.cc("c@example.org", name).why == cause::bad_header);
        CHECK(m.bcc(leading).why == cause::bad_address);
        CHECK(m.reply_to("c@example.org", b).why == cause::bad_header);
        CHECK(m.subject(subject).why == cause::bad_header);
        CHECK(m.header("X-Test", value).why == cause::bad_header);
        CHECK(m.header(field, "value").why == cause::bad_header);
        CHECK(m.attach(content_source::from_memory("data"), file).why == cause::bad_header);
        CHECK(m.attach(content_source::from_memory("data"), "f.txt", type).why == cause::bad_header);
        CHECK(m.inline_part(content_source::from_memory("x"), id, "image/png").why == cause::bad_header);
    }
    // Header names: printable ASCII without ":" or space; the composer's own names are refused.
    for (const char* name : {"", "X Test", "X:Test", "Bcc", "content-type", "FROM", "Message-ID"})
        CHECK(m.header(name, "v").why == cause::bad_header);
    // A content type with parameters or without a subtype would let a value into the header.
    for (const char* type : {"text/plain; charset=x", "text", "/plain", "text/", "te xt/plain"})
        CHECK(m.attach(content_source::from_memory("d"), "f", type).why == cause::bad_header);
    CHECK(m.inline_part(content_source::from_memory("x"), "no-at-sign", "image/png").why == cause::bad_header);
    CHECK(m.inline_part(content_source::from_memory("x"), "a>b@x", "image/png").why == cause::bad_header);

    // The message keeps the first refusal: it cannot be sent without what was refused.
    CHECK(m.prepare(false, false).why == cause::bad_address);
}

TEST_CASE("composer: errors are usage errors with advice", "[unit][message]") {
    mailwire::message m;
    const mailwire::error e = m.subject("a\nb");
    CHECK(e.kind == error_kind::usage);
    CHECK(std::string(e.advice()).find("CR, LF") != std::string::npos);
}

TEST_CASE("composer: quoted-printable follows RFC 2045 section 6.7", "[unit][message][qp]") {
    struct row {
        const char* in;
        const char* out;
    };
    const row rows[] = {
        {"a=b\n", "a=3Db\r\n"},                        // rule 1: "=" itself is encoded
        {"caf\xc3\xa9\n", "caf=C3=A9\r\n"},            // octets above 126
        {"tab\tinside\n", "tab\tinside\r\n"},          // rule 3: white space inside a line stays
        {"trailing space \n", "trailing space=20\r\n"}, // ... but not at the end of a line
        {"trailing tab\t\n", "trailing tab=09\r\n"},
        {"end without line end ", "end without line end=20\r\n"},
        {".leading dot\n", "=2Eleading dot\r\n"}, // no line starts with "." (SMTP's end of data)
        {"cr\rlf\ncrlf\r\n", "cr\r\nlf\r\ncrlf\r\n"}, // every kind of line end becomes CRLF
        {"\x01\x7f\n", "=01=7F\r\n"},
    };
    for (const row& r : rows) {
        INFO("input: " << mwtest::escaped(r.in));
        mailwire::message m;
        minimal(m);
        REQUIRE(m.text(r.in, text_encoding::quoted_printable).ok());
        REQUIRE(m.prepare(false, false).ok());
        CHECK(body_of(compose(m)) == r.out);
    }
    SECTION("rule 5: lines of at most 76 characters, with soft line breaks") {
        mailwire::message m;
        minimal(m);
        const std::string in = std::string(200, 'x') + "\n" + std::string(80, '\xe9') + "\n";
        REQUIRE(m.text(in, text_encoding::quoted_printable).ok());
        REQUIRE(m.prepare(false, false).ok());
        const std::string body = body_of(compose(m));
        std::string decoded;
        for (const std::string& l : lines_of(body)) {
            CHECK(l.size() <= 76);
            if (!l.empty() && l.back() == '=') decoded += l.substr(0, l.size() - 1);
            else decoded += l + "\n";
        }
        // Undo the =E9 escapes: what is left must be the input.
        std::string unescaped;
        for (std::size_t i = 0; i < decoded.size(); ++i) {
            if (decoded.compare(i, 3, "=E9") == 0) {
                unescaped += '\xe9';
                i += 2;
            } else {
                unescaped += decoded[i];
            }
        }
        CHECK(unescaped == in);
    }
}

TEST_CASE("composer: RFC 2047 encoded-words for text that is not ASCII", "[unit][message][2047]") {
    mailwire::message m;
    minimal(m);
    REQUIRE(m.subject("\xc3\xbc" "ber").ok()); // "über"
    REQUIRE(m.prepare(false, false).ok());
    const std::string h = headers_of(compose(m));
    // UTF-8 c3 bc 62 65 72, base64 (RFC 4648): "w7xiZXI=".
    CHECK(h.find("\r\nSubject: =?UTF-8?B?w7xiZXI=?=\r\n") != std::string::npos);

    SECTION("plain ASCII stays readable; '=?' in it is encoded so no reader decodes it") {
        mailwire::message p;
        minimal(p);
        REQUIRE(p.subject("Report =?x?Q?y?= ready").ok());
        REQUIRE(p.prepare(false, false).ok());
        const std::string hp = headers_of(compose(p));
        CHECK(hp.find("Subject: =?UTF-8?B?") != std::string::npos);
        CHECK(hp.find("=?x?Q?y?=") == std::string::npos);
    }
    SECTION("a long Unicode subject: words of at most 75 characters, lines of at most 78, whole characters") {
        mailwire::message p;
        minimal(p);
        std::string subject;
        for (int i = 0; i < 40; ++i) subject += "\xe6\xb8\xa9\xf0\x9f\x94\xa5"; // 温🔥
        REQUIRE(p.subject(subject).ok());
        REQUIRE(p.prepare(false, false).ok());
        const std::string hp = headers_of(compose(p));
        std::string decoded;
        for (const std::string& l : lines_of(hp)) {
            CHECK(l.size() <= 78);
            std::size_t at = 0;
            while ((at = l.find("=?UTF-8?B?", at)) != std::string::npos) {
                const std::size_t end = l.find("?=", at + 10);
                REQUIRE(end != std::string::npos);
                CHECK(end + 2 - at <= 75);
                const std::string b64 = l.substr(at + 10, end - at - 10);
                std::vector<unsigned char> raw(b64.size());
                std::size_t n = 0;
                REQUIRE(mailwire::base64_decode(b64, raw.data(), raw.size(), n));
                const std::string piece(reinterpret_cast<const char*>(raw.data()), n);
                // Each word is whole UTF-8 characters (RFC 2047 §5): "温" is 3 octets, "🔥" 4.
                std::size_t k = 0;
                while (k < piece.size()) {
                    const unsigned char lead = static_cast<unsigned char>(piece[k]);
                    REQUIRE((lead == 0xe6 || lead == 0xf0)); // never a continuation octet
                    k += lead == 0xe6 ? 3 : 4;
                }
                CHECK(k == piece.size());
                decoded += piece;
                at = end + 2;
            }
        }
        CHECK(decoded == subject);
    }
}

TEST_CASE("composer: long ASCII headers fold at white space within 78 characters", "[unit][message][fold]") {
    mailwire::basic_message<32> m;
    REQUIRE(m.from("a@example.org").ok());
    std::string subject;
    for (int i = 0; i < 40; ++i) subject += (i ? " word" : "word") + std::to_string(i);
    REQUIRE(m.subject(subject).ok());
    std::vector<std::string> recipients;
    for (int i = 0; i < 20; ++i) recipients.push_back("recipient" + std::to_string(i) + "@example.org");
    for (const std::string& r : recipients) REQUIRE(m.to(r).ok());
    m.date(0, 0);
    REQUIRE(m.prepare(false, false).ok());
    const std::string h = headers_of(compose(m));
    std::string unfolded;
    for (const std::string& l : lines_of(h)) {
        CHECK(l.size() <= 78);
        unfolded += (l.empty() || (l[0] != ' ' && l[0] != '\t')) ? "\n" + l : l; // RFC 5322 §2.2.3
    }
    CHECK(unfolded.find("\nSubject: " + subject + "\n") != std::string::npos);
    CHECK(unfolded.find("recipient19@example.org") != std::string::npos);
}

TEST_CASE("composer: Date in RFC 5322 form from the clock or a fixed time", "[unit][message][date]") {
    struct row {
        std::int64_t secs;
        int offset;
        const char* text; // from Python's email.utils.format_datetime
    };
    const row rows[] = {
        {0, 0, "Thu, 01 Jan 1970 00:00:00 +0000"},
        {951782400, 0, "Tue, 29 Feb 2000 00:00:00 +0000"},
        {1795411720, -300, "Mon, 23 Nov 2026 00:28:40 -0500"},
        {1795411720, 330, "Mon, 23 Nov 2026 10:58:40 +0530"},
        // Before 1970, past 32-bit seconds, and the ends of four-digit years (RFC 5322 §3.3).
        {-1, 0, "Wed, 31 Dec 1969 23:59:59 +0000"},
        {-86401, 0, "Tue, 30 Dec 1969 23:59:59 +0000"},
        {-62135596800, 0, "Mon, 01 Jan 0001 00:00:00 +0000"},
        {4102444800, 0, "Fri, 01 Jan 2100 00:00:00 +0000"},
        {4294967296, 0, "Sun, 07 Feb 2106 06:28:16 +0000"},
        {253402300799, 0, "Fri, 31 Dec 9999 23:59:59 +0000"},
        {253402300799 + 86400 * 365, 0, "Fri, 31 Dec 9999 23:59:59 +0000"}, // clamped to the last second of 9999
    };
    for (const row& r : rows) {
        mailwire::message m;
        minimal(m);
        m.date(r.secs, r.offset);
        REQUIRE(m.prepare(false, false).ok());
        CHECK(headers_of(compose(m)).find(std::string("Date: ") + r.text + "\r\n") == 0);
    }
    SECTION("without a clock there is no Date, for the submission server to add") {
        mailwire::message m;
        REQUIRE(m.from("a@example.org").ok());
        REQUIRE(m.to("b@example.org").ok());
        m.set_clock([](void*, std::int64_t*, int*) { return false; });
        REQUIRE(m.prepare(false, false).ok());
        CHECK(compose(m).find("Date:") == std::string::npos);
    }
}

TEST_CASE("composer: prepare() checks what it can before anything is sent", "[unit][message]") {
    SECTION("no From") {
        mailwire::message m;
        REQUIRE(m.to("b@example.org").ok());
        CHECK(m.prepare(false, false).why == cause::bad_address);
    }
    SECTION("no recipient") {
        mailwire::message m;
        REQUIRE(m.from("a@example.org").ok());
        CHECK(m.prepare(false, false).why == cause::bad_argument);
    }
    SECTION("an address that needs SMTPUTF8 when the server lacks it") {
        mailwire::message m;
        REQUIRE(m.from("a@example.org").ok());
        REQUIRE(m.to("j\xc3\xb6rg@example.org").ok());
        CHECK(m.prepare(false, false).why == cause::utf8_not_supported);
        CHECK(m.prepare(false, true).ok());
        CHECK(m.needs_smtputf8());
    }
    SECTION("capacity") {
        mailwire::basic_message<2, 1, 1> m;
        REQUIRE(m.to("a@example.org").ok());
        REQUIRE(m.to("b@example.org").ok());
        CHECK(m.to("c@example.org").why == cause::too_many);
        REQUIRE(m.header("X-A", "1").ok());
        CHECK(m.header("X-B", "2").why == cause::too_many);
        REQUIRE(m.attach(content_source::from_memory("x"), "x").ok());
        CHECK(m.attach(content_source::from_memory("y"), "y").why == cause::too_many);
    }
    SECTION("a capacity of 0 custom headers and attachments: nothing of either, the rest as usual") {
        mailwire::basic_message<1, 0, 0> m;
        REQUIRE(m.from("a@example.org").ok());
        REQUIRE(m.to("b@example.org").ok());
        REQUIRE(m.text("hi\n").ok());
        CHECK(m.header("X-A", "1").why == cause::too_many);
        CHECK(m.attach(content_source::from_memory("x"), "x").why == cause::too_many);
        // The first refusal is kept: nothing is sent without what was refused.
        CHECK(m.prepare(false, false).why == cause::too_many);
        mailwire::basic_message<1, 0, 0> clean;
        REQUIRE(clean.from("a@example.org").ok());
        REQUIRE(clean.to("b@example.org").ok());
        REQUIRE(clean.text("hi\n").ok());
        REQUIRE(clean.prepare(false, false).ok());
        CHECK(compose(clean).find("\r\n\r\nhi\r\n") != std::string::npos);
    }
    SECTION("a source of unknown size leaves the size unknown (no SIZE=)") {
        mailwire::message m;
        minimal(m);
        int calls = 0;
        REQUIRE(m.text(content_source::callback(
                           [](void* c, char* buf, std::size_t) -> std::ptrdiff_t {
                               int& n = *static_cast<int*>(c);
                               if (n++ > 0) return 0;
                               buf[0] = 'x';
                               return 1;
                           },
                           &calls))
                    .ok());
        REQUIRE(m.prepare(false, false).ok());
        CHECK(calls == 0); // not read to find the size
        CHECK(m.size() == 0);
        CHECK(body_of(compose(m)) == "x\r\n");
    }
}

TEST_CASE("send_message: SIZE= of the composed message, BODY=8BITMIME when needed, Bcc only in the envelope",
          "[unit][message][send]") {
    mwtest::session t;
    mwtest::greet(t.s, {"PIPELINING", "SIZE 100000", "8BITMIME"});
    t.s.reply("250 ok\r\n").reply("250 ok\r\n").reply("250 ok\r\n").reply("354 go\r\n").reply("250 queued\r\n");
    REQUIRE(t.c.open("mx.example").ok());
    mailwire::message m;
    minimal(m);
    REQUIRE(m.bcc("hidden@example.org").ok());
    REQUIRE(m.text("Gr\xc3\xbc\xc3\x9f" "e\n").ok());
    mailwire::recipient storage[4];
    const mailwire::send_result r = mailwire::send_message(t.c, m, storage, 4);
    INFO(mwtest::describe(r.err));
    REQUIRE(r.ok());
    REQUIRE(t.s.contents.size() == 1);
    const std::string content = t.s.contents[0];
    CHECK(t.s.commands[1] == "MAIL FROM:<a@example.org> SIZE=" + std::to_string(m.size()) + " BODY=8BITMIME");
    CHECK(t.s.commands[2] == "RCPT TO:<b@example.org>");
    CHECK(t.s.commands[3] == "RCPT TO:<hidden@example.org>");
    CHECK(content.find("hidden@example.org") == std::string::npos);
    CHECK(content.find("Content-Transfer-Encoding: 8bit") != std::string::npos);
    CHECK(storage[1].accepted());
}

TEST_CASE("composer: a refused setter also stops prepare(), so nothing goes out without it", "[unit][message]") {
    mailwire::message m;
    minimal(m);
    const std::string bad = "c@example.org\r\nRCPT TO:<evil@example.org>";
    (void)m.to(bad); // the caller ignores the result
    REQUIRE(m.cc("d@example.org").ok());
    const mailwire::error e = m.prepare(false, false);
    CHECK(e.kind == error_kind::usage);
    CHECK(e.why == cause::bad_address);
}

TEST_CASE("composer: a 900-octet subject without white space still folds within 78 and decodes back",
          "[unit][message][fold]") {
    mailwire::message m;
    minimal(m);
    const std::string subject(900, 'x');
    REQUIRE(m.subject(subject).ok());
    CHECK(m.subject(std::string(901, 'x').c_str()).why == cause::bad_header); // the bound, one past it
    REQUIRE(m.prepare(false, false).ok() == false); // the refusal above is kept
}

TEST_CASE("composer: 900 octets of one word fold as encoded-words of at most 78 per line", "[unit][message][fold]") {
    mailwire::message m;
    minimal(m);
    const std::string subject(900, 'x');
    REQUIRE(m.subject(subject).ok());
    REQUIRE(m.prepare(false, false).ok());
    std::string decoded;
    for (const std::string& l : lines_of(headers_of(compose(m)))) {
        CHECK(l.size() <= 78);
        std::size_t at = 0;
        while ((at = l.find("=?UTF-8?B?", at)) != std::string::npos) {
            const std::size_t end = l.find("?=", at + 10);
            REQUIRE(end != std::string::npos);
            const std::string b64 = l.substr(at + 10, end - at - 10);
            std::vector<unsigned char> raw(b64.size());
            std::size_t n = 0;
            REQUIRE(mailwire::base64_decode(b64, raw.data(), raw.size(), n));
            decoded.append(reinterpret_cast<const char*>(raw.data()), n);
            at = end + 2;
        }
    }
    CHECK(decoded == subject);
}

TEST_CASE("composer: the longest headers allowed, in 4-octet characters, fit and fold", "[unit][message][fold]") {
    mailwire::message m;
    minimal(m);
    std::string emoji;
    for (int i = 0; i < 225; ++i) emoji += "\xf0\x9f\x93\x88"; // 📈, 900 octets
    const std::string name(76, 'X');                           // the longest field name taken
    REQUIRE(m.subject(emoji).ok());
    REQUIRE(m.header(name, emoji).ok());
    REQUIRE(m.prepare(false, false).ok());
    const std::string out = compose(m);
    std::size_t words = 0;
    for (const std::string& l : lines_of(headers_of(out))) {
        CHECK(l.size() <= 78);
        for (std::size_t at = 0; (at = l.find("=?UTF-8?B?", at)) != std::string::npos; at += 10) ++words;
    }
    CHECK(words >= 2 * 900 / 44); // every octet went out, in words of whole characters
    CHECK(out.find(name + ":") != std::string::npos);
    CHECK(m.size() == out.size());
}

TEST_CASE("composer: the longest part headers fit in one step of the output buffer", "[unit][message]") {
    // A type of 127 octets, a Content-ID of 250 and a file name of max_file_name octets, all
    // non-ASCII: the file name goes out twice in RFC 2231 form (each octet "%XX"). With 255-octet
    // names this step needed more than the 2,048-octet buffer (an assertion in Debug builds, the
    // headers cut short without one); now the name is bounded.
    const std::string type = "application/" + std::string(115, 'x');
    const std::string cid = std::string(240, 'c') + "@example.o";
    const std::string fname(mailwire::max_file_name, '\xe9');
    const std::string body = "x", html = "<p>y</p>";
    mailwire::basic_message<4, 1, 2> m;
    REQUIRE(m.from("a@example.org").ok());
    REQUIRE(m.to("b@example.org").ok());
    REQUIRE(m.text(body).ok());
    REQUIRE(m.html(html).ok());
    REQUIRE(type.size() == 127);
    REQUIRE(cid.size() == 250);
    REQUIRE(m.inline_part(content_source::from_memory(body), cid, type, fname).ok());
    REQUIRE(m.prepare(true, true).ok());
    const std::string out = compose(m);
    std::string encoded;
    for (std::size_t i = 0; i < fname.size(); ++i) encoded += "%E9";
    std::size_t copies = 0;
    for (std::size_t at = out.find(encoded); at != std::string::npos; at = out.find(encoded, at + 1)) ++copies;
    CHECK(copies == 2);
    CHECK(out.find("Content-ID: <" + cid + ">\r\n") != std::string::npos);
    CHECK(out.find(type) != std::string::npos);
    CHECK(out.size() >= 2 * encoded.size() + cid.size() + type.size());

    mailwire::basic_message<4, 1, 2> longer;
    const std::string one_more = fname + "\xe9"; // outlives the message (text_ref)
    CHECK(longer.inline_part(content_source::from_memory(body), cid, type, one_more).why == cause::bad_header);
    CHECK(longer.attach(content_source::from_memory(body), one_more).why == cause::bad_header);
}
