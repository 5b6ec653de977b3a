// SPDX-License-Identifier: BSL-1.0
// Fuzz target: the composer with fuzzed subject, display name, header value, file name and bodies.
// Invariants: whatever is accepted composes into lines that end in CRLF (no bare CR or LF, so no
// header can be injected and SMTP cannot be smuggled), of at most 998 octets, with the header
// section's lines at most 78 wherever a fold point exists; and size() equals what read() gives.
#include <mailwire/mailwire.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    // Fields separated by 0xFF (which UTF-8 never contains).
    std::string_view field[6];
    std::size_t start = 0;
    for (int i = 0; i < 6; ++i) {
        std::size_t end = in.find('\xff', start);
        if (end == std::string_view::npos || i == 5) end = in.size();
        field[i] = in.substr(start < in.size() ? start : in.size(), end > start ? end - start : 0);
        start = end + 1;
    }
    mailwire::message m;
    (void)m.from("sender@example.org", field[0]);
    (void)m.to("rcpt@example.org");
    (void)m.subject(field[1]);
    (void)m.header("X-Fuzz", field[2]);
    (void)m.text(field[3]);
    if (!field[4].empty()) (void)m.html(field[4]);
    (void)m.attach(mailwire::content_source::from_memory(field[5]), field[0]);
    m.date(1795411720, 60);
    const bool eight = size > 0 && (data[0] & 1);
    if (!m.prepare(eight, false).ok()) return 0; // refused input: nothing to check
    std::string out;
    char buf[97];
    for (std::ptrdiff_t n; (n = m.read(buf, sizeof(buf))) > 0;) out.append(buf, static_cast<std::size_t>(n));
    // MAILWIRE_FUZZ_DUMP=1 in the environment shows the message when an invariant breaks.
    auto fail = [&out] {
        if (std::getenv("MAILWIRE_FUZZ_DUMP")) std::fwrite(out.data(), 1, out.size(), stderr);
        std::abort();
    };
    if (m.size() != out.size()) fail();
    std::size_t line = 0;
    for (std::size_t i = 0; i < out.size(); ++i) {
        if (out[i] == '\n' && (i == 0 || out[i - 1] != '\r')) fail();
        if (out[i] == '\r' && (i + 1 >= out.size() || out[i + 1] != '\n')) fail();
        if (out[i] == '\r') {
            if (line > 998) fail();
            line = 0;
            ++i;
        } else {
            ++line;
        }
    }
    // Header lines: at most 78 (every value here can be folded or encoded).
    const std::size_t header_end = out.find("\r\n\r\n");
    std::size_t ls = 0;
    while (ls < header_end) {
        std::size_t le = out.find("\r\n", ls);
        if (le - ls > 78) fail();
        ls = le + 2;
    }
    return 0;
}
