// SPDX-License-Identifier: BSL-1.0
// Fuzz target: the reply parser and assembler (RFC 5321 §4.2), the EHLO capability parser, and
// the enhanced status codes (RFC 3463), on arbitrary server lines. Invariants: no crash, bounded
// copies (the reply's text and enhanced code stay NUL-terminated within their arrays), and a
// reply that is done has a code of three digits 200-599.
#include <mailwire/mailwire.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    mailwire::reply r;
    mailwire::reply_assembler as;
    as.start(r);
    mailwire::capabilities caps;
    std::size_t start = 0;
    while (start <= in.size()) {
        std::size_t end = in.find('\n', start);
        if (end == std::string_view::npos) end = in.size();
        std::string_view line = in.substr(start, end - start);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        mailwire::reply_line parsed;
        const mailwire::cause c = as.add(line, parsed);
        if (c == mailwire::cause::none) {
            caps.add_line(parsed.text);
            if (parsed.code < 100 || parsed.code > 599) std::abort();
        }
        if (c != mailwire::cause::none || as.done()) as.start(r);
        if (std::memchr(r.enhanced, '\0', sizeof(r.enhanced)) == nullptr) std::abort();
        if (r.message().size() >= sizeof(r.text)) std::abort();
        start = end + 1;
    }
    (void)caps.offers(mailwire::auth_mechanism::plain);
    return 0;
}
