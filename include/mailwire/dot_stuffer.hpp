// SPDX-License-Identifier: BSL-1.0
// mailwire - the DATA encoder: every line end becomes CRLF and every line starting with "." gets a
// second one, so nothing the input contains can end the data early or smuggle a command.
#ifndef MAILWIRE_DOT_STUFFER_HPP
#define MAILWIRE_DOT_STUFFER_HPP

#include "config.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace mailwire {
inline namespace MAILWIRE_ABI {

/// Streaming transform for message content (RFC 5321 §4.5.2 transparency, §2.3.8 line ends).
///
/// - CRLF stays CRLF; a lone LF and a lone CR each become CRLF. A CR at the end of one chunk and an
///   LF at the start of the next are still one line end. No bare CR or LF can reach the wire, which
///   closes the "<LF>.<CR><LF>" family of SMTP smuggling tricks (2023).
/// - A "." at the start of a line is doubled, wherever the line boundary falls between chunks.
/// - finish() ends an unterminated last line with CRLF and appends the end-of-data ".\r\n".
///
/// For BDAT (RFC 3030 §2: the chunks are counted, so no dot-stuffing and no end-of-data line),
/// `dot_stuffer(dot_stuffer::lines_only)` makes the line ends CRLF and nothing else, and
/// end_lines() ends an unterminated last line: the server receives the same message either way.
class dot_stuffer {
public:
    enum mode : bool { stuff_dots = true, lines_only = false };
    constexpr dot_stuffer() noexcept = default;
    constexpr explicit dot_stuffer(mode m) noexcept : dots_(m) {}

    /// Most output one input byte can produce (LF -> CRLF, "." -> "..").
    static constexpr std::size_t max_expansion = 2;
    /// Most output finish() produces: "\r\n" + ".\r\n".
    static constexpr std::size_t max_finish = 5;

    /// One step of the transform: writes at most max_expansion octets through `out(char)` and
    /// returns whether `c` was used. A CR held back by the previous step (it may start a CRLF) is
    /// written first; then `c` is looked at again in the next step unless it was that CRLF's LF.
    template <class Out>
    bool step(char c, Out&& out) {
        if (pending_cr_) {
            pending_cr_ = false;
            out('\r');
            out('\n');
            at_line_start_ = true;
            return c == '\n'; // CRLF: one line end
        }
        if (c == '\r') {
            pending_cr_ = true;
        } else if (c == '\n') {
            out('\r');
            out('\n');
            at_line_start_ = true;
        } else {
            if (at_line_start_ && c == '.' && dots_) out('.');
            out(c);
            at_line_start_ = false;
        }
        return true;
    }

    /// Transforms input into `out` (capacity `cap`). Stops when the next byte might not fit.
    /// Returns bytes written; `consumed` says how much input was used.
    std::size_t feed(const char* in, std::size_t n, char* out, std::size_t cap, std::size_t& consumed) noexcept {
        std::size_t o = 0, i = 0;
        while (i < n && o + max_expansion <= cap) {
            if (step(in[i], [&](char c) { out[o++] = c; })) ++i;
        }
        consumed = i;
        bytes_in_ += i;
        return o;
    }

    /// Ends the data through `out(char)`: CRLF if the last line is open, then ".\r\n" (at most
    /// max_finish octets).
    template <class Out>
    void finish(Out&& out) {
        if (pending_cr_ || !at_line_start_) {
            out('\r');
            out('\n');
        }
        out('.');
        out('\r');
        out('\n');
        pending_cr_ = false;
        at_line_start_ = true;
    }
    /// lines_only: ends an unterminated last line with CRLF (at most 2 octets), nothing more.
    template <class Out>
    void end_lines(Out&& out) {
        if (pending_cr_ || !at_line_start_) {
            out('\r');
            out('\n');
        }
        pending_cr_ = false;
        at_line_start_ = true;
    }
    /// The same into a buffer; `cap` must be >= max_finish. Returns the octets written.
    std::size_t finish(char* out, std::size_t cap) noexcept {
        if (cap < max_finish) return 0;
        std::size_t o = 0;
        finish([&](char c) { out[o++] = c; });
        return o;
    }
    /// How many octets at the start of `in` go out unchanged: none while a CR is held back; then
    /// up to the first octet step() would change (a CR or LF that is not part of a CRLF, a "." at
    /// a line's start). A CR at the very end is left out too: the next block may hold its LF.
    /// Lines are found with memchr, so a body of CRLF lines passes at memory speed.
    std::size_t clean_prefix(const char* in, std::size_t n) const noexcept {
        if (pending_cr_) return 0;
        std::size_t i = 0;
        bool line_start = at_line_start_;
        while (i < n) {
            if (line_start && in[i] == '.' && dots_) return i;
            const void* lf = std::memchr(in + i, '\n', n - i);
            const std::size_t end = lf != nullptr ? static_cast<std::size_t>(static_cast<const char*>(lf) - in) : n;
            const void* cr = std::memchr(in + i, '\r', end - i);
            const std::size_t cr_at = cr != nullptr ? static_cast<std::size_t>(static_cast<const char*>(cr) - in) : n;
            if (lf == nullptr) return cr_at < n ? cr_at : n; // an open line: up to a CR, if any
            if (cr_at + 1 != end) return cr_at < end ? cr_at : end; // a stray CR, or a bare LF
            i = end + 1; // a whole CRLF line
            line_start = true;
        }
        return n;
    }
    /// After the first `n` octets of `in` (n <= clean_prefix(in, ...)) went out unchanged.
    void passed(const char* in, std::size_t n) noexcept {
        if (n == 0) return;
        at_line_start_ = in[n - 1] == '\n';
        bytes_in_ += n;
    }

    void reset() noexcept { *this = dot_stuffer(dots_ ? stuff_dots : lines_only); }
    std::uint64_t bytes_in() const noexcept { return bytes_in_; }

private:
    bool dots_ = true;
    bool at_line_start_ = true;
    bool pending_cr_ = false;
    std::uint64_t bytes_in_ = 0;
};

/// The size of `message` once its line ends are CRLF and the last line is terminated: what RFC 1870
/// §3 asks a client to declare in SIZE= (dot-stuffing and the final "." are not counted). Every
/// line end (CRLF, a lone CR, a lone LF) is CRLF on the wire, so the size is the octets, one more
/// for each lone CR and each lone LF, and CRLF for an open last line; the line ends are found with
/// memchr, so a big message is counted at memory speed.
inline std::uint64_t wire_size(std::string_view message) noexcept {
    const char* const begin = message.data();
    const char* const end = begin + message.size();
    std::uint64_t n = message.size();
    for (const char* q = begin; q != end && (q = static_cast<const char*>(std::memchr(q, '\n', static_cast<std::size_t>(end - q)))) != nullptr; ++q)
        if (q == begin || q[-1] != '\r') ++n; // a lone LF
    for (const char* q = begin; q != end && (q = static_cast<const char*>(std::memchr(q, '\r', static_cast<std::size_t>(end - q)))) != nullptr; ++q)
        if (q + 1 == end || q[1] != '\n') ++n; // a lone CR
    if (!message.empty() && message.back() != '\n' && message.back() != '\r') n += 2;
    return n;
}

/// Whether `message` is not line-structured text: it holds a NUL octet, or a line longer than the
/// 998 octets RFC 5322 §2.1.1 allows (RFC 3030 §3: such content needs BODY=BINARYMIME).
inline bool binary_content(std::string_view message) noexcept {
    if (message.empty()) return false;
    if (std::memchr(message.data(), '\0', message.size()) != nullptr) return true;
    const char* p = message.data();
    const char* const end = p + message.size();
    while (p != end) {
        const void* lf = std::memchr(p, '\n', static_cast<std::size_t>(end - p));
        const char* const line_end = lf != nullptr ? static_cast<const char*>(lf) : end;
        if (line_end - p > 999) return true; // 998 octets and a CR before the LF
        p = lf != nullptr ? line_end + 1 : end;
    }
    return false;
}

} // inline namespace MAILWIRE_ABI
} // namespace mailwire

#endif // MAILWIRE_DOT_STUFFER_HPP
