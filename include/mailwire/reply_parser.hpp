// SPDX-License-Identifier: BSL-1.0
// mailwire - parsing one reply line, and assembling lines into a reply with bounded memory.
#ifndef MAILWIRE_REPLY_PARSER_HPP
#define MAILWIRE_REPLY_PARSER_HPP

#include "config.hpp"

#include "text.hpp"

#include "error.hpp"
#include "limits.hpp"
#include "reply.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mailwire {
inline namespace MAILWIRE_ABI {

/// One parsed line of a reply: "250-PIPELINING" gives code 250, last false, text "PIPELINING".
struct reply_line {
    std::uint16_t code = 0;
    bool last = false;
    std::string_view text;
};

/// Parses a line without its line end. RFC 5321 §4.2: Reply-line = *( Reply-code "-" [ textstring ]
/// CRLF ) Reply-code [ SP textstring ] CRLF; Reply-code = %x32-35 %x30-35 %x30-39.
/// Returns cause::none on success, else malformed_reply or reply_too_long.
constexpr cause parse_reply_line(std::string_view line, reply_line& out) noexcept {
    if (line.size() + 2 > max_reply_line) return cause::reply_too_long;
    if (line.size() < 3) return cause::malformed_reply;
    const char a = line[0], b = line[1], c = line[2];
    if (a < '2' || a > '5' || b < '0' || b > '5' || c < '0' || c > '9') return cause::malformed_reply;
    out.code = static_cast<std::uint16_t>((a - '0') * 100 + (b - '0') * 10 + (c - '0'));
    if (line.size() == 3) {
        out.last = true;
        out.text = std::string_view();
        return cause::none;
    }
    if (line[3] == ' ') {
        out.last = true;
    } else if (line[3] == '-') {
        out.last = false;
    } else {
        return cause::malformed_reply;
    }
    out.text = mailwire::detail::sub(line, 4);
    return cause::none;
}

/// RFC 3463 §2 / RFC 2034 §4: status-code = class "." subject "." detail, class in {2,4,5} and
/// equal to the reply's first digit, subject and detail 1-3 digits, then SP or the end.
/// Returns the length of the code (0 when there is none).
constexpr std::size_t enhanced_status_length(std::string_view text, std::uint16_t code) noexcept {
    const std::size_t n = text.size();
    if (n < 5 || text[1] != '.' || text[0] - '0' != code / 100 || code / 100 == 3) return 0;
    // One walk after the class digit: `run` digits since the last dot, `dots` dots so far.
    unsigned run = 1, dots = 0;
    std::size_t i = 1;
    for (; i < n && text[i] != ' '; ++i) {
        const char c = text[i];
        if (c == '.') {
            if (run == 0 || ++dots > 2) return 0;
            run = 0;
        } else if (c < '0' || c > '9' || ++run > 3) {
            return 0;
        }
    }
    return dots == 2 && run != 0 ? i : 0;
}

/// Feeds lines into a reply: checks that the code stays the same, keeps the enhanced status of the
/// first line and a bounded copy of the text, and bounds the number of lines.
class reply_assembler {
public:
    /// Begins a reply of at most `max_lines` lines (the EHLO reply has its own bound).
    void start(reply& r, std::size_t max_lines = max_reply_lines) noexcept {
        r_ = &r;
        r.clear();
        lines_ = 0;
        max_lines_ = max_lines;
        done_ = false;
    }
    /// Adds one raw line (no line end). Returns cause::none, or why the reply is invalid.
    cause add(std::string_view raw, reply_line& parsed) noexcept {
        cause c = parse_reply_line(raw, parsed);
        if (c != cause::none) return c;
        if (lines_ != 0 && parsed.code != r_->code) return cause::inconsistent_reply;
        if (++lines_ > max_lines_) return cause::too_many_lines;
        r_->code = parsed.code;
        std::string_view text = parsed.text;
        if (std::size_t n = enhanced_status_length(text, parsed.code)) {
            if (lines_ == 1) {
                // n <= 9 ("5.999.999": enhanced_status_length takes at most three digits a part).
                static_assert(sizeof(r_->enhanced) > 9, "an enhanced status code and its NUL fit");
                for (std::size_t i = 0; i < n; ++i) r_->enhanced[i] = text[i];
                r_->enhanced[n] = '\0';
            }
            text.remove_prefix(n);
            if (!text.empty()) text.remove_prefix(1);
        }
        r_->append_text(text);
        done_ = parsed.last;
        return cause::none;
    }
    bool done() const noexcept { return done_; }
    std::size_t lines() const noexcept { return lines_; }

private:
    reply* r_ = nullptr;
    std::size_t lines_ = 0;
    std::size_t max_lines_ = max_reply_lines;
    bool done_ = false;
};

} // inline namespace MAILWIRE_ABI
} // namespace mailwire

#endif // MAILWIRE_REPLY_PARSER_HPP
