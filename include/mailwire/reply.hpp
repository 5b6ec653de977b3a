// SPDX-License-Identifier: BSL-1.0
// mailwire - one SMTP reply as the client keeps it: code, RFC 3463 enhanced status, bounded text.
#ifndef MAILWIRE_REPLY_HPP
#define MAILWIRE_REPLY_HPP

#include "config.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mailwire {
inline namespace MAILWIRE_ABI {

/// A reply with a bounded copy of its text. Multi-line texts are joined with '\n'; what does not
/// fit in MAILWIRE_REPLY_TEXT_SIZE is cut (and `truncated` says so).
struct reply {
    std::uint16_t code = 0;  ///< 0 when no reply was received
    char enhanced[12] = {};  ///< "5.7.8" when the first line carries an RFC 3463 code, else ""
    char text[MAILWIRE_REPLY_TEXT_SIZE] = {};
    std::uint16_t text_size = 0;
    bool truncated = false;

    constexpr bool empty() const noexcept { return code == 0; }
    constexpr int cls() const noexcept { return code / 100; } ///< 2, 3, 4 or 5
    constexpr bool positive() const noexcept { return code >= 200 && code < 400; }
    constexpr bool transient() const noexcept { return code >= 400 && code < 500; }
    constexpr bool permanent() const noexcept { return code >= 500 && code < 600; }
    std::string_view enhanced_status() const noexcept { return std::string_view(enhanced); }
    std::string_view message() const noexcept { return std::string_view(text, text_size); }

    void clear() noexcept {
        code = 0;
        enhanced[0] = '\0';
        text_size = 0;
        text[0] = '\0';
        truncated = false;
    }
    /// Appends one line's text, joining lines with '\n'. What does not fit (the NUL needs the
    /// last place) is dropped, and `truncated` says so.
    void append_text(std::string_view line) noexcept {
        // Octet 0 is the '\n' that joins the line to the text before it, when there is one.
        for (std::size_t i = text_size == 0 ? 1 : 0; i <= line.size(); ++i) {
            if (text_size + 1u >= sizeof(text)) {
                truncated = true;
                break;
            }
            text[text_size++] = i == 0 ? '\n' : line[i - 1];
        }
        text[text_size] = '\0';
    }
};

} // inline namespace MAILWIRE_ABI
} // namespace mailwire

#endif // MAILWIRE_REPLY_HPP
