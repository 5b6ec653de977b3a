// SPDX-License-Identifier: BSL-1.0
// mailwire - the DATA encoder: every line end becomes CRLF and every line starting with "." gets a
// second one, so nothing the input contains can end the data early or smuggle a command.
#ifndef MAILWIRE_DOT_STUFFER_HPP
#define MAILWIRE_DOT_STUFFER_HPP

#include "config.hpp"

#include "error.hpp"

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

/// Whether `message` holds an octet from 0x80 on (8-bit content, RFC 6152), eight octets at a time.
inline bool eight_bit_content(std::string_view message) noexcept {
    const char* p = message.data();
    std::size_t n = message.size();
    for (; n >= 8; p += 8, n -= 8) {
        std::uint64_t word;
        std::memcpy(&word, p, 8);
        if ((word & 0x8080808080808080u) != 0) return true;
    }
    for (; n != 0; ++p, --n)
        if (static_cast<unsigned char>(*p) >= 0x80) return true;
    return false;
}

/// Watches streamed content, block by block, that goes as SMTP text: no NUL and no line longer
/// than 998 octets (RFC 5322 §2.1.1, RFC 5321 §4.5.3.1.6), and, to a server that did not offer
/// 8BITMIME, no octet from 0x80 on (RFC 6152 §3). A line ends at a CR or an LF, as the
/// dot-stuffer makes each of them a line end. A message send() gets in memory is looked at whole
/// before MAIL instead (scan_message, eight_bit_content). What the caller did not declare cannot
/// reach a server that may not take it: the transaction is abandoned before its end.
class text_guard {
public:
    constexpr explicit text_guard(bool seven_bit) noexcept : seven_bit_(seven_bit) {}

    /// cause::none while the content keeps to the rules; not_text or eight_bit_not_supported at
    /// the first block that breaks one. Lines found with memchr where the client moves runs in
    /// bulk (MAILWIRE_BULK_CONTENT), octet by octet, the smaller code, where it keeps the octet
    /// loops (firmware).
    cause check(const char* p, std::size_t n) noexcept {
        if constexpr (MAILWIRE_BULK_CONTENT) return check_lines(p, n);
        else return check_octets(p, n);
    }

private:
    cause check_lines(const char* p, std::size_t n) noexcept {
        if (n == 0) return cause::none;
        if (std::memchr(p, '\0', n) != nullptr) return cause::not_text;
        if (seven_bit_ && eight_bit_content(std::string_view(p, n))) return cause::eight_bit_not_supported;
        const char* const end = p + n;
        while (p != end) {
            const void* lf = std::memchr(p, '\n', static_cast<std::size_t>(end - p));
            const std::size_t run = static_cast<std::size_t>(lf != nullptr ? static_cast<const char*>(lf) - p : end - p);
            const char* const stop = p + run;
            if (lf != nullptr && line_ + run <= 998) {
                line_ = 0; // the common case: a whole line of at most 998 octets (a CR included)
            } else {
                // An open line, or one near or over the limit: octet by octet, a CR ending a line.
                for (const char* q = p; q != stop; ++q) {
                    if (*q == '\r') line_ = 0;
                    else if (++line_ > 998) return cause::not_text;
                }
                if (lf != nullptr) line_ = 0;
            }
            p = lf != nullptr ? stop + 1 : end;
        }
        return cause::none;
    }
    cause check_octets(const char* p, std::size_t n) noexcept {
        for (const char* const end = p + n; p != end; ++p) {
            const unsigned char c = static_cast<unsigned char>(*p);
            if (c == 0) return cause::not_text;
            if (c >= 0x80 && seven_bit_) return cause::eight_bit_not_supported;
            if (c == '\r' || c == '\n') line_ = 0;
            else if (++line_ > 998) return cause::not_text;
        }
        return cause::none;
    }

    bool seven_bit_;
    std::size_t line_ = 0; ///< octets of the open line so far
};

/// What one look at a message in memory finds: its size once its line ends are CRLF and its
/// last line is terminated (what RFC 1870 §3 asks a client to declare in SIZE=; dot-stuffing and
/// the final "." are not counted), and whether it is not line-structured text (a NUL, or a line
/// longer than the 998 octets RFC 5322 §2.1.1 allows: RFC 3030 §3, such content needs
/// BODY=BINARYMIME).
struct message_scan {
    std::uint64_t wire_size = 0; ///< counted only when asked for
    bool binary = false;
};

/// Every line end is CRLF on the wire, so the size is the octets, one more for each lone CR and
/// each lone LF, and CRLF for an open last line. The line ends are found once, with memchr, for
/// both answers, so a big message is looked at at memory speed; a stretch of more than 998
/// octets between two LFs is looked at octet by octet (a lone CR in it ends a line too).
inline message_scan scan_message(std::string_view message, bool count_wire_size) noexcept {
    message_scan s;
    const char* const begin = message.data();
    const char* const end = begin + message.size();
    const auto too_long = [](const char* from, const char* to) {
        return to - from > 998 && text_guard(false).check(from, static_cast<std::size_t>(to - from)) != cause::none;
    };
    std::uint64_t n = message.size();
    s.binary = !message.empty() && std::memchr(begin, '\0', message.size()) != nullptr;
    const char* line = begin;
    for (const char* q = begin; q != end && (q = static_cast<const char*>(std::memchr(q, '\n', static_cast<std::size_t>(end - q)))) != nullptr; ++q) {
        if (q == begin || q[-1] != '\r') ++n; // a lone LF
        s.binary = s.binary || too_long(line, q);
        line = q + 1;
    }
    s.binary = s.binary || too_long(line, end);
    if (count_wire_size) {
        for (const char* q = begin; q != end && (q = static_cast<const char*>(std::memchr(q, '\r', static_cast<std::size_t>(end - q)))) != nullptr; ++q)
            if (q + 1 == end || q[1] != '\n') ++n; // a lone CR
        if (!message.empty() && message.back() != '\n' && message.back() != '\r') n += 2;
        s.wire_size = n;
    }
    return s;
}
inline std::uint64_t wire_size(std::string_view message) noexcept { return scan_message(message, true).wire_size; }
inline bool binary_content(std::string_view message) noexcept { return scan_message(message, false).binary; }

} // inline namespace MAILWIRE_ABI
} // namespace mailwire

#endif // MAILWIRE_DOT_STUFFER_HPP
