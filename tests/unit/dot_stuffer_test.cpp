// SPDX-License-Identifier: BSL-1.0
// The DATA encoder (RFC 5321 §4.5.2 transparency, §2.3.8 line ends) and the 2023 SMTP-smuggling
// payloads: whatever the input and however it is cut into chunks, no bare CR or LF and no early
// end-of-data may reach the wire. An independent checker below states what the wire must look
// like; it is itself tested against deliberately broken outputs.
#include "support.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

using mailwire::dot_stuffer;

namespace {

/// Runs the stuffer over `chunks` with an output buffer of `cap` octets, then finish().
/// Fails the test (and returns what it has) if the stuffer stops making progress.
std::string stuff(const std::vector<std::string>& chunks, std::size_t cap) {
    dot_stuffer ds;
    std::string out;
    std::vector<char> buf(cap);
    for (const std::string& chunk : chunks) {
        std::size_t pos = 0;
        int idle = 0;
        while (pos < chunk.size()) {
            std::size_t used = 0;
            const std::size_t n = ds.feed(chunk.data() + pos, chunk.size() - pos, buf.data(), cap, used);
            if (n > cap || used > chunk.size() - pos) {
                FAIL_CHECK("feed wrote " << n << " octets into " << cap << " or consumed more than it was given");
                return out;
            }
            out.append(buf.data(), n);
            pos += used;
            if (n == 0 && used == 0 && ++idle > 2) {
                FAIL_CHECK("the stuffer made no progress with an output buffer of " << cap);
                return out;
            }
        }
    }
    char tail[dot_stuffer::max_finish];
    const std::size_t n = ds.finish(tail, sizeof(tail));
    out.append(tail, n);
    return out;
}

std::string stuff_whole(const std::string& in, std::size_t cap = 4096) { return stuff({in}, cap); }

/// The client's bulk path (basic_client::content with a large send buffer): clean_prefix() runs
/// go out as they are, step() takes the octet after each; then finish().
std::string stuff_bulk(const std::vector<std::string>& chunks) {
    dot_stuffer ds;
    std::string out;
    const auto put = [&out](char c) { out += c; };
    for (const std::string& chunk : chunks) {
        for (std::size_t i = 0; i < chunk.size();) {
            const std::size_t run = ds.clean_prefix(chunk.data() + i, chunk.size() - i);
            if (run > chunk.size() - i) {
                FAIL_CHECK("clean_prefix returned " << run << " of " << chunk.size() - i);
                return out;
            }
            if (run != 0) {
                out.append(chunk, i, run);
                ds.passed(chunk.data() + i, run);
                i += run;
                continue;
            }
            if (ds.step(chunk[i], put)) ++i;
        }
    }
    ds.finish(put);
    return out;
}


std::vector<std::string> byte_by_byte(const std::string& in) {
    std::vector<std::string> v;
    for (char c : in) v.emplace_back(1, c);
    return v;
}

/// RFC 5321 §2.3.8: every line end is CRLF. The reference: CRLF, a lone CR and a lone LF are each
/// one line end; a last line without a line end gets one (the end-of-data needs it).
std::string crlf_normalised(const std::string& in) {
    std::string out;
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] == '\r') {
            if (i + 1 < in.size() && in[i + 1] == '\n') ++i;
            out += "\r\n";
        } else if (in[i] == '\n') {
            out += "\r\n";
        } else {
            out += in[i];
        }
    }
    if (!in.empty() && in.back() != '\r' && in.back() != '\n') out += "\r\n";
    return out;
}

/// Checks what a receiver would see on the wire and returns "" or what is wrong:
/// - every CR is followed by LF and every LF preceded by CR (no bare line-end characters);
/// - the data ends with the end-of-data line ".", and no earlier line is "." alone;
/// - every line beginning with "." was stuffed (begins with ".."), as §4.5.2 demands;
/// - removing one leading dot per line (what the server does) gives the CRLF-normalised input.
std::string check_wire(const std::string& wire, const std::string& input) {
    for (std::size_t i = 0; i < wire.size(); ++i) {
        if (wire[i] == '\r' && (i + 1 >= wire.size() || wire[i + 1] != '\n'))
            return "bare CR at offset " + std::to_string(i);
        if (wire[i] == '\n' && (i == 0 || wire[i - 1] != '\r')) return "bare LF at offset " + std::to_string(i);
    }
    if (wire.size() < 3 || wire.compare(wire.size() - 3, 3, ".\r\n") != 0 ||
        (wire.size() > 3 && wire.compare(wire.size() - 5, 2, "\r\n") != 0))
        return "does not end with the end-of-data line";
    // Split into lines (all line ends are CRLF now).
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < wire.size()) {
        const std::size_t end = wire.find("\r\n", start);
        lines.push_back(wire.substr(start, end - start));
        start = end + 2;
    }
    std::string unstuffed;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const std::string& l = lines[i];
        const bool last = i + 1 == lines.size();
        if (l == ".") {
            if (!last) return "early end-of-data on line " + std::to_string(i + 1);
            continue;
        }
        if (last) return "the last line is not the end-of-data line";
        if (!l.empty() && l[0] == '.') {
            if (l.size() < 2 || l[1] != '.') return "unstuffed leading dot on line " + std::to_string(i + 1);
            unstuffed += l.substr(1);
        } else {
            unstuffed += l;
        }
        unstuffed += "\r\n";
    }
    if (unstuffed != crlf_normalised(input)) return "un-stuffed output differs from the normalised input";
    return "";
}

/// A small deterministic generator (xorshift64*), so every run sees the same inputs.
struct prng {
    std::uint64_t state;
    std::uint64_t next() {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        return state * 2685821657736338717ull;
    }
    std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
};

} // namespace

TEST_CASE("the wire checker itself recognises broken output", "[unit][dot]") {
    CHECK(check_wire("a\r\n.\r\n", "a") == "");
    CHECK(check_wire(".\r\n", "") == "");
    CHECK(check_wire("a\n.\r\n", "a") != "");                // bare LF
    CHECK(check_wire("a\r\r\n.\r\n", "a\r") != "");          // bare CR
    CHECK(check_wire("a\r\n.\r\nb\r\n.\r\n", "a\n.\nb") != ""); // early end-of-data
    CHECK(check_wire(".a\r\n.\r\n", ".a") != "");            // leading dot not doubled
    CHECK(check_wire("a\r\n", "a") != "");                   // no end-of-data
    CHECK(check_wire("b\r\n.\r\n", "a") != "");              // content changed
    CHECK(check_wire("a\r\n\r\n.\r\n", "a") != "");          // a line end added
    CHECK(check_wire("..\r\n.\r\n", ".") == "");
}

TEST_CASE("an empty body is just the end-of-data line", "[unit][dot]") {
    CHECK(stuff_whole("") == ".\r\n");
    CHECK(stuff({}, 2) == ".\r\n");
    CHECK(stuff({"", "", ""}, 2) == ".\r\n");
}

TEST_CASE("a body of 100,000 lines of a single dot is stuffed line by line", "[unit][dot]") {
    const std::size_t lines = 100000;
    std::string expected;
    expected.reserve(lines * 4 + 3);
    for (std::size_t i = 0; i < lines; ++i) expected += "..\r\n";
    expected += ".\r\n";

    SECTION("with CRLF line ends") {
        std::string in;
        for (std::size_t i = 0; i < lines; ++i) in += ".\r\n";
        const std::string out = stuff_whole(in, 1024);
        CHECK(out.size() == expected.size());
        CHECK(out == expected);
    }
    SECTION("with LF line ends") {
        std::string in;
        for (std::size_t i = 0; i < lines; ++i) in += ".\n";
        CHECK(stuff_whole(in, 1024) == expected);
    }
    SECTION("in chunks of 7 octets through a 2-octet output buffer") {
        std::string in;
        for (std::size_t i = 0; i < lines; ++i) in += ".\r\n";
        std::vector<std::string> chunks;
        for (std::size_t i = 0; i < in.size(); i += 7) chunks.push_back(in.substr(i, 7));
        CHECK(stuff(chunks, 2) == expected);
    }
}

TEST_CASE("a body that ends in a dot without a line end", "[unit][dot]") {
    CHECK(stuff_whole("hello\r\n.") == "hello\r\n..\r\n.\r\n");
    CHECK(stuff_whole(".") == "..\r\n.\r\n");
    CHECK(stuff_whole("hello.") == "hello.\r\n.\r\n");
    CHECK(stuff_whole("hello\r\n.", 2) == "hello\r\n..\r\n.\r\n");
    CHECK(stuff(byte_by_byte("hello\n."), 2) == "hello\r\n..\r\n.\r\n");
}

TEST_CASE("a body that ends in a bare CR or LF gets exactly one line end", "[unit][dot]") {
    CHECK(stuff_whole("a\r") == "a\r\n.\r\n");
    CHECK(stuff_whole("a\n") == "a\r\n.\r\n");
    CHECK(stuff_whole("a\r\n") == "a\r\n.\r\n");
    CHECK(stuff({"a\r", "\n"}, 2) == "a\r\n.\r\n");
    CHECK(stuff({"a\r", ""}, 2) == "a\r\n.\r\n");
}

TEST_CASE("bare CR and bare LF become CRLF", "[unit][dot]") {
    CHECK(stuff_whole("a\rb") == "a\r\nb\r\n.\r\n");
    CHECK(stuff_whole("a\nb") == "a\r\nb\r\n.\r\n");
    CHECK(stuff_whole("a\r\r\nb") == "a\r\n\r\nb\r\n.\r\n");   // CR, then CRLF: two line ends
    CHECK(stuff_whole("a\n\rb") == "a\r\n\r\nb\r\n.\r\n");     // LF, then CR: two line ends
    CHECK(stuff_whole("a\r\rb") == "a\r\n\r\nb\r\n.\r\n");
    CHECK(stuff_whole("a\n\nb") == "a\r\n\r\nb\r\n.\r\n");
    CHECK(stuff_whole("\r\n\r\n") == "\r\n\r\n.\r\n");
}

TEST_CASE("the SMTP smuggling payloads cannot end the data early", "[unit][dot][smuggling]") {
    // The 2023 findings: "<LF>.<LF>", "<LF>.<CR><LF>", "<CR>.<CR>", "<CR><LF>.<CR>" and the real
    // "<CR><LF>.<CR><LF>" inside a body. Each dot that starts a line must be doubled and every line
    // end must become CRLF, so the only end-of-data is the one finish() writes.
    struct vector_case {
        const char* name;
        std::string in;
        std::string out;
    };
    const std::string smuggled = "MAIL FROM:<evil@example.org>\r\nRCPT TO:<victim@example.org>\r\nDATA\r\n";
    const vector_case cases[] = {
        {"<LF>.<LF>", "a\n.\n" + smuggled, "a\r\n..\r\n" + smuggled + ".\r\n"},
        {"<LF>.<CR><LF>", "a\n.\r\n" + smuggled, "a\r\n..\r\n" + smuggled + ".\r\n"},
        {"<CR>.<CR>", "a\r.\r" + smuggled, "a\r\n..\r\n" + smuggled + ".\r\n"},
        {"<CR><LF>.<CR>", "a\r\n.\r" + smuggled, "a\r\n..\r\n" + smuggled + ".\r\n"},
        {"<CR>.<LF>", "a\r.\n" + smuggled, "a\r\n..\r\n" + smuggled + ".\r\n"},
        {"<CR><LF>.<LF>", "a\r\n.\n" + smuggled, "a\r\n..\r\n" + smuggled + ".\r\n"},
        {"<CR><LF>.<CR><LF>", "a\r\n.\r\n" + smuggled, "a\r\n..\r\n" + smuggled + ".\r\n"},
        {"\\r\\n.\\r at the end", "\r\n.\r", "\r\n..\r\n.\r\n"},
        {"\\n.\\r\\n at the end", "a\n.\r\n", "a\r\n..\r\n.\r\n"},
        {"a dot line first", ".\r\nb", "..\r\nb\r\n.\r\n"},
        {"two dots", "a\r\n..\r\n", "a\r\n...\r\n.\r\n"},
        {"a dot with text", "a\r\n.hidden\r\n", "a\r\n..hidden\r\n.\r\n"},
        {"\\r\\r\\n.\\r\\n", "a\r\r\n.\r\n", "a\r\n\r\n..\r\n.\r\n"},
    };
    for (const vector_case& v : cases) {
        INFO(v.name << ": " << mwtest::escaped(v.in));
        CHECK(stuff_whole(v.in) == v.out);
        CHECK(stuff_whole(v.in, 2) == v.out);
        CHECK(stuff(byte_by_byte(v.in), 2) == v.out);
        CHECK(check_wire(v.out, v.in) == "");
    }
}

TEST_CASE("a line end or a leading dot split across chunks is handled at every split point", "[unit][dot]") {
    const std::string inputs[] = {
        "a\r\n.\r\nb", "\r\n.\r\n", "a\n.\nb", "a\r.\rb", "x\r\r\n.\r\n", ".\r\n.\r\n.", "ab\r\ncd\r\n.e\r\n", ".",
        "\r", "\n.", "..\r\n..",
    };
    for (const std::string& in : inputs) {
        const std::string expected = stuff_whole(in);
        INFO("input " << mwtest::escaped(in));
        REQUIRE(check_wire(expected, in) == "");
        // Two chunks, every split point, and several output capacities.
        for (std::size_t split = 0; split <= in.size(); ++split) {
            for (std::size_t cap : {std::size_t(2), std::size_t(3), std::size_t(4), std::size_t(5), std::size_t(64)}) {
                INFO("split at " << split << ", capacity " << cap);
                CHECK(stuff({in.substr(0, split), in.substr(split)}, cap) == expected);
            }
        }
        // Three chunks, every pair of split points.
        for (std::size_t i = 0; i <= in.size(); ++i)
            for (std::size_t j = i; j <= in.size(); ++j) {
                INFO("splits at " << i << " and " << j);
                CHECK(stuff({in.substr(0, i), in.substr(i, j - i), in.substr(j)}, 2) == expected);
            }
        CHECK(stuff(byte_by_byte(in), 2) == expected);
    }
}

TEST_CASE("generated inputs over CR, LF, dot and a letter always give a safe wire", "[unit][dot][smuggling]") {
    const char alphabet[] = {'\r', '\n', '.', 'a'};
    prng rng{0x9E3779B97F4A7C15ull};
    std::size_t failures = 0;
    const std::size_t runs = 20000;
    for (std::size_t run = 0; run < runs && failures < 5; ++run) {
        const std::size_t len = rng.below(65); // 0..64
        std::string in;
        for (std::size_t i = 0; i < len; ++i) in += alphabet[rng.below(4)];
        // Random chunking, random output capacity from the smallest allowed (2) up.
        std::vector<std::string> chunks;
        std::size_t pos = 0;
        while (pos < in.size()) {
            const std::size_t n = 1 + rng.below(9);
            chunks.push_back(in.substr(pos, n));
            pos += n;
        }
        const std::size_t caps[] = {2, 3, 5, 8, 64};
        const std::size_t cap = caps[rng.below(5)];
        const std::string wire = stuff(chunks, cap);
        const std::string problem = check_wire(wire, in);
        const std::string whole = stuff_whole(in);
        const bool same = wire == whole;
        // RFC 1870 §3: SIZE= counts the message with CRLF line ends, before dot-stuffing.
        const bool size_ok = mailwire::wire_size(in) == crlf_normalised(in).size();
        if (!problem.empty() || !same || !size_ok) {
            ++failures;
            INFO("run " << run << ", capacity " << cap << ", input " << mwtest::escaped(in));
            INFO("wire " << mwtest::escaped(wire));
            CHECK(problem == "");
            CHECK(same);
            CHECK(mailwire::wire_size(in) == crlf_normalised(in).size());
        }
    }
    CHECK(failures == 0);
}

TEST_CASE("wire_size counts CRLF line ends and a terminated last line, not the stuffing", "[unit][dot]") {
    // RFC 1870 §3: the size is that of the message as transmitted with CRLF line ends, without the
    // transparency dots and the final ".".
    CHECK(mailwire::wire_size("") == 0u);
    CHECK(mailwire::wire_size("a") == 3u);        // "a\r\n"
    CHECK(mailwire::wire_size("a\r\n") == 3u);
    CHECK(mailwire::wire_size("a\n") == 3u);
    CHECK(mailwire::wire_size("a\r") == 3u);
    CHECK(mailwire::wire_size(".\n.\n") == 6u);   // ".\r\n.\r\n", the dots not doubled
    CHECK(mailwire::wire_size("Subject: x\n\nhello") == 21u); // "Subject: x\r\n" 12 + "\r\n" 2 + "hello\r\n" 7
    CHECK(mailwire::wire_size("a\r\r\n") == 5u);  // "a\r\n\r\n"
}

TEST_CASE("feed reports how much input it consumed and never overruns the output", "[unit][dot]") {
    dot_stuffer ds;
    char out[2];
    std::size_t used = 99;
    // With room for two octets a leading "." (which becomes "..") is one input byte.
    CHECK(ds.feed(".a", 2, out, sizeof(out), used) == 2);
    CHECK(used == 1);
    CHECK(std::string(out, 2) == "..");
    CHECK(ds.bytes_in() == 1u);
    CHECK(ds.feed("a", 1, out, sizeof(out), used) == 1);
    CHECK(used == 1);
    // finish() needs room for CRLF and ".\r\n".
    char tail[dot_stuffer::max_finish];
    CHECK(ds.finish(tail, sizeof(tail)) == 5);
    CHECK(std::string(tail, 5) == "\r\n.\r\n");
    SECTION("reset starts a new message at the beginning of a line") {
        ds.reset();
        CHECK(ds.bytes_in() == 0u);
        CHECK(ds.feed(".", 1, out, sizeof(out), used) == 2);
        CHECK(std::string(out, 2) == "..");
    }
}

TEST_CASE("the bulk path (clean runs, then the octet loop) gives a safe wire for generated inputs", "[unit][dot][smuggling]") {
    // Inputs over CR, LF, dot and letters, in random chunks: the wire checker must accept the
    // output, and it must be the octet loop's output exactly.
    const char alphabet[] = {'\r', '\n', '.', 'a', 'b', 'c', 'd', '\r', '\n'};
    prng rng{0xC0FFEE1234567ull};
    std::size_t failures = 0;
    for (std::size_t run = 0; run < 20000 && failures < 5; ++run) {
        const std::size_t len = rng.below(200);
        std::string in;
        for (std::size_t i = 0; i < len; ++i) in += alphabet[rng.below(sizeof(alphabet))];
        std::vector<std::string> chunks;
        for (std::size_t pos = 0; pos < in.size();) {
            const std::size_t n = 1 + rng.below(40);
            chunks.push_back(in.substr(pos, n));
            pos += n;
        }
        const std::string wire = stuff_bulk(chunks);
        const std::string problem = check_wire(wire, in);
        if (!problem.empty() || wire != stuff_whole(in)) {
            ++failures;
            INFO("run " << run << ", input " << mwtest::escaped(in));
            CHECK(problem == "");
            CHECK(wire == stuff_whole(in));
        }
    }
    CHECK(failures == 0);
}

TEST_CASE("the bulk path passes whole CRLF lines untouched and stops where the octet loop must act",
          "[unit][dot]") {
    dot_stuffer ds;
    const std::string lines = "Subject: x\r\n\r\nbody line\r\n";
    CHECK(ds.clean_prefix(lines.data(), lines.size()) == lines.size());
    const std::string dot = "ab\r\n.hidden\r\n";
    CHECK(ds.clean_prefix(dot.data(), dot.size()) == 4); // up to the line that starts with "."
    const std::string bare_lf = "ab\ncd";
    CHECK(ds.clean_prefix(bare_lf.data(), bare_lf.size()) == 2);
    const std::string stray_cr = "ab\rcd\r\n";
    CHECK(ds.clean_prefix(stray_cr.data(), stray_cr.size()) == 2);
    const std::string open_cr = "abc\r"; // its LF may come in the next block
    CHECK(ds.clean_prefix(open_cr.data(), open_cr.size()) == 3);
    const std::string open = "no line end yet";
    CHECK(ds.clean_prefix(open.data(), open.size()) == open.size());
    // Mid-line, a "." is just text; at a line's start it is not.
    ds.passed(open.data(), open.size());
    const std::string cont = ".more\r\n.x";
    CHECK(ds.clean_prefix(cont.data(), cont.size()) == 7);
    // A CR held back from the previous block: nothing passes until step() has dealt with it.
    dot_stuffer held;
    std::string out;
    CHECK(held.step('\r', [&out](char c) { out += c; }));
    CHECK(held.clean_prefix("\nabc", 4) == 0);
}

namespace {
/// What text_guard must say of `s`, worked out octet by octet and independently: a NUL, or a line
/// (ended by CR or LF) of more than 998 octets, is not text; an octet from 0x80 on counts only
/// when the server lacks 8BITMIME. The first breach in the content decides.
mailwire::cause expected_guard(const std::string& s, bool seven_bit) {
    std::size_t line = 0;
    for (char ch : s) {
        const unsigned char c = static_cast<unsigned char>(ch);
        if (c == 0) return mailwire::cause::not_text;
        if (seven_bit && c >= 0x80) return mailwire::cause::eight_bit_not_supported;
        if (c == '\r' || c == '\n') line = 0;
        else if (++line > 998) return mailwire::cause::not_text;
    }
    return mailwire::cause::none;
}
} // namespace

TEST_CASE("text_guard: lines, NUL and 8-bit octets found however the content is cut", "[unit][dot_stuffer]") {
    std::uint32_t seed = 12345;
    const auto next = [&seed](std::uint32_t n) {
        seed = seed * 1664525u + 1013904223u;
        return (seed >> 8) % n;
    };
    int breaches = 0, clean = 0;
    for (int round = 0; round < 3000; ++round) {
        // Lines of random lengths around the limit, CRLF, bare LF, lone CR; now and then a NUL or
        // an 8-bit octet.
        std::string s;
        const std::uint32_t lines = 1 + next(6);
        for (std::uint32_t i = 0; i < lines; ++i) {
            const std::uint32_t len = next(3) == 0 ? 990 + next(20) : next(200);
            for (std::uint32_t k = 0; k < len; ++k) {
                const std::uint32_t r = next(4000);
                s += r == 0 ? '\0' : r == 1 ? '\xc3' : static_cast<char>('a' + r % 26);
            }
            const std::uint32_t end = next(4);
            s += end == 0 ? "\r\n" : end == 1 ? "\n" : end == 2 ? "\r" : "";
        }
        for (bool seven_bit : {false, true}) {
            const mailwire::cause want = expected_guard(s, seven_bit);
            // A NUL and an 8-bit octet are found per block, not at their place: the guard may
            // name a later breach first when both are in one block, so both sides name any.
            const bool want_breach = want != mailwire::cause::none;
            mailwire::text_guard guard(seven_bit);
            mailwire::cause got = mailwire::cause::none;
            for (std::size_t at = 0; at < s.size() && got == mailwire::cause::none;) {
                const std::size_t n = 1 + next(static_cast<std::uint32_t>(s.size() - at < 1500 ? s.size() - at : 1500));
                got = guard.check(s.data() + at, n);
                at += n;
            }
            INFO("round " << round << ", seven_bit " << seven_bit << ", size " << s.size());
            CHECK((got != mailwire::cause::none) == want_breach);
            // The whole message in memory, looked at once (scan_message): the same verdict on text.
            if (!seven_bit) CHECK(mailwire::binary_content(s) == want_breach);
            if (want_breach && got != mailwire::cause::none && !seven_bit) CHECK(got == want);
            (want_breach ? breaches : clean) += 1;
        }
    }
    CHECK(breaches > 500); // both outcomes were exercised
    CHECK(clean > 500);
}

TEST_CASE("text_guard: the limit exactly, and content in memory", "[unit][dot_stuffer]") {
    using mailwire::binary_content;
    CHECK_FALSE(binary_content(std::string(998, 'x') + "\r\n"));
    CHECK_FALSE(binary_content(std::string(998, 'x') + "\n"));
    CHECK_FALSE(binary_content(std::string(998, 'x')));
    CHECK(binary_content(std::string(999, 'x') + "\r\n"));
    CHECK(binary_content(std::string(999, 'x') + "\n"));
    CHECK(binary_content(std::string(999, 'x')));
    CHECK(binary_content(std::string("a\0b", 3)));
    CHECK_FALSE(binary_content(std::string(998, 'x') + "\r" + std::string(998, 'y')));
    CHECK_FALSE(mailwire::eight_bit_content("plain ASCII text, longer than eight octets\r\n"));
    for (std::size_t at = 0; at < 20; ++at) {
        std::string s(20, 'a');
        s[at] = '\x80';
        INFO("8-bit octet at " << at);
        CHECK(mailwire::eight_bit_content(s));
    }
}
