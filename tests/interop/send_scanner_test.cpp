// SPDX-License-Identifier: BSL-1.0
// mailwire-send's content_scanner (examples/send/stdin_message.hpp): the first 8-bit line, the
// first line over 998 octets and the first NUL, found eight octets at a time where it can, must be
// what an octet-by-octet reading finds, however the message is cut into blocks.
#include <stdin_message.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

namespace {
/// The reference: octet by octet, a CR or an LF ends a line, CRLF is one line end.
content_facts read_octet_by_octet(const std::string& s) {
    content_facts f;
    std::uint64_t line = 1;
    std::size_t octets = 0;
    bool after_cr = false;
    for (char ch : s) {
        const unsigned char c = static_cast<unsigned char>(ch);
        if (c == '\n' || c == '\r') {
            if (!(c == '\n' && after_cr)) ++line;
            after_cr = c == '\r';
            octets = 0;
            continue;
        }
        after_cr = false;
        if (++octets == 999 && f.first_long_line == 0) f.first_long_line = line;
        if (c == 0 && f.first_nul_line == 0) f.first_nul_line = line;
        if (c >= 0x80 && f.first_8bit_line == 0) f.first_8bit_line = line;
    }
    return f;
}
} // namespace

TEST_CASE("mailwire-send: the content scanner finds the first 8-bit, long and NUL lines however the input is cut",
          "[send][scanner]") {
    std::uint32_t seed = 2026;
    const auto next = [&seed](std::uint32_t n) {
        seed = seed * 1664525u + 1013904223u;
        return (seed >> 8) % n;
    };
    int found = 0;
    for (int round = 0; round < 4000; ++round) {
        std::string s;
        const std::uint32_t lines = 1 + next(8);
        for (std::uint32_t l = 0; l < lines; ++l) {
            const std::uint32_t len = next(3) == 0 ? 985 + next(30) : next(120);
            for (std::uint32_t k = 0; k < len; ++k) {
                const std::uint32_t r = next(3000);
                s += r == 0 ? '\0' : r == 1 ? '\xc3' : r == 2 ? '\r' : static_cast<char>('a' + r % 26);
            }
            const std::uint32_t end = next(4);
            s += end == 0 ? "\r\n" : end == 1 ? "\n" : end == 2 ? "\r" : "";
        }
        content_scanner scanner;
        for (std::size_t at = 0; at < s.size();) {
            std::size_t n = 1 + next(300);
            if (n > s.size() - at) n = s.size() - at;
            scanner.feed(s.data() + at, n);
            at += n;
        }
        const content_facts got = scanner.facts(true);
        const content_facts want = read_octet_by_octet(s);
        INFO("round " << round << ", " << s.size() << " octets");
        CHECK(got.first_8bit_line == want.first_8bit_line);
        CHECK(got.first_long_line == want.first_long_line);
        CHECK(got.first_nul_line == want.first_nul_line);
        CHECK(got.complete);
        found += want.not_text() || want.eight_bit() ? 1 : 0;
    }
    CHECK(found > 1000); // messages with something to find, and without
    CHECK(found < 3000);
}
