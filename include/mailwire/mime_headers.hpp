// SPDX-License-Identifier: BSL-1.0
// mailwire - how the composer writes header fields: the definitions of the composer members (composer.hpp) that
// write words, phrases and mailboxes (RFC 2047 encoded-words for text that is not ASCII, folding
// within 78 characters, RFC 5322 §2.2.3), MIME parameters (RFC 2045 §5.1, RFC 2231 for names that
// are not ASCII), a part's content headers, Date (RFC 5322 §3.3) and Message-ID.
#ifndef MAILWIRE_MIME_HEADERS_HPP
#define MAILWIRE_MIME_HEADERS_HPP

#include "composer.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mailwire {
inline namespace MAILWIRE_ABI {
namespace detail {
namespace mime {

inline void composer::word(bool space_before, std::size_t len) noexcept {
    if (!space_before) return;
    if (col_ > 1 && col_ + 1 + len > 78) crlf();
    put1(' ');
}

inline void composer::put_words(std::string_view text, bool display) {
    const unsigned f = scan(text);
    // Plain only when folding can keep it exact: single spaces between words, none at either
    // end (a fold turns one space into CRLF SP, and no folded line may be only white space,
    // RFC 5322 §3.2.2). A display name must also be all atoms (atext, RFC 5322 §3.2.3); a
    // non-ASCII character is neither.
    bool plain = (f & ((display ? not_phrase : not_printable) | encoded_like | double_space | edge_space)) == 0;
    if (display) {
        plain = plain && text.size() <= 70;
    } else {
        // Every word must fit a line: the first after "Name: ", the others after a fold.
        std::size_t run = 0, before = col_;
        for (std::size_t i = 0; plain && i < text.size(); ++i) {
            if (text[i] == ' ') {
                run = 0;
                before = 1;
                continue;
            }
            if (before + ++run > 78) plain = false;
        }
    }
    if (plain) {
        put_phrase_words(text);
        return;
    }
    if (display && (f & (not_printable | encoded_like)) == 0 && 2 + text.size() + (f >> specials_shift) <= 72) {
        // The length as a quoted-string (RFC 5322 §3.2.4): it cannot be folded inside, so a
        // longer one is written as encoded-words instead.
        put1('"');
        for (char c : text) {
            if (c == '"' || c == '\\') put1('\\');
            put1(c);
        }
        put1('"');
        return;
    }
    // RFC 2047 §4.1 "B" encoded-words of UTF-8, each at most 75 octets and whole characters
    // (§5), one per folded line after the first.
    // "=?UTF-8?B?" + 4*ceil(n/3) + "?=" <= 75  ->  at most 45 octets of text per word; fewer
    // when that fits the rest of the current line (78), so the first word does not overflow it.
    std::size_t i = 0;
    bool first = true;
    do {
        const std::size_t used = col_ + (first ? 0 : 1) + 12;
        std::size_t max = used < 78 ? (78 - used) / 4 * 3 : 0;
        if (max < 6) {
            if (!first || col_ > 20) {
                crlf(); // a fresh line has room for a whole word
                put1(' ');
                first = true;
            }
            max = 45;
        }
        if (max > 45) max = 45;
        std::size_t n = 0;
        while (i + n < text.size()) {
            const std::size_t len = utf8_len(static_cast<unsigned char>(text[i + n]));
            if (n + len > max) break;
            n += len;
        }
        // (n is not 0 while text is left: max is at least 6, a sequence at most 4 octets.)
        // A truncated sequence at the end counts whole here: only what is there is encoded.
        const std::size_t m = i + n <= text.size() ? n : text.size() - i;
        // (The word fits the line: max was chosen so, or the line is fresh.)
        if (!first) put1(' ');
        put(token::encoded_word_start);
        for (std::size_t k = 0; k < m; k += 3)
            put_b64(reinterpret_cast<const unsigned char*>(text.data()) + i + k, m - k < 3 ? m - k : 3);
        put(token::encoded_word_end);
        first = false;
        i += n;
    } while (i < text.size());
}

inline void composer::put_phrase_words(std::string_view text) {
    const char* p = text.data();
    const char* const end = p + text.size();
    // (The text has single spaces between words and none at either end: put_words checked.)
    for (bool first = true; p != end; first = false) {
        const char* const w = p;
        while (p != end && *p != ' ') ++p;
        const std::size_t n = static_cast<std::size_t>(p - w);
        word(!first, n);
        put(w, n);
        if (p != end) ++p; // the space
    }
}

inline void composer::put_mailbox(const address_entry& m, bool first_in_list) {
    if (!first_in_list) put1(',');
    const bool named = !m.display.empty();
    if (named) {
        if (!first_in_list) {
            if (col_ + 2 > 60) crlf();
            put1(' ');
        }
        put_words(m.display, true); // (not empty)
    }
    // After a display name, the address in angle brackets.
    word(named || !first_in_list, m.address.size() + (named ? 2 : 0));
    if (named) put1('<');
    put(m.address);
    if (named) put1('>');
}

inline void composer::put_param(bool file, std::string_view value) {
    if (value.empty()) return;
    put1(';');
    const unsigned f = scan(value);
    const bool simple = (f & not_printable) == 0 && (f >> specials_shift) == 0;
    // Written once to learn its length; written again after a fold when the line would pass
    // 78 octets with it (as word() decides for the other words).
    const std::size_t at = out_len_, col = col_;
    for (bool again = false;; again = true) {
        put1(' ');
        put(file ? token::filename : token::name);
        if (simple) {
            put1('=');
            put1('"');
            put(value);
            put1('"');
        } else {
            put(token::rfc2231_utf8);
            for (char ch : value) {
                const unsigned char c = static_cast<unsigned char>(ch);
                const bool keep = mailwire::detail::is_let_dig(c) || c == '.' || c == '-' || c == '_';
                put1(keep ? ch : '%');
                if (!keep) put_hex(c);
            }
        }
        if (again || col <= 1 || col + (out_len_ - at) <= 78) return;
        out_len_ = at;
        col_ = col;
        crlf();
    }
}

inline void composer::put_content_headers(std::uint8_t ref) {
    put(field::content_type);
    if (ref >= ref_multipart) {
        const std::uint8_t level = static_cast<std::uint8_t>(ref - ref_multipart);
        put(token::multipart);
        put(multipart_subtype(kinds_[level]));
        put(token::boundary_param);
        put(token::boundary_prefix);
        put1(static_cast<char>('0' + level)); // the boundary of this level (RFC 2046 §5.1.1)
        put1('"');
        crlf();
        return;
    }
    const part* p = nullptr;
    cte c = cte_base64;
    if (ref >= ref_text) {
        put(ref == ref_text ? token::text_plain : token::text_html);
        put(token::charset_utf8);
        c = body_cte_[ref - ref_text];
    } else {
        p = &parts_[ref];
        put(p->type);
        put_param(false, p->filename);
    }
    crlf();
    put(field::content_transfer_encoding);
    put(encoding_name(c));
    crlf();
    if (p == nullptr) return;
    if (!p->content_id.empty()) {
        put(field::content_id);
        put1('<');
        put(p->content_id);
        put1('>');
        crlf();
    }
    put(field::content_disposition);
    put(p->content_id.empty() ? token::disposition_attachment : token::disposition_inline);
    put_param(true, p->filename);
    crlf();
}

inline int composer::write_date(composer& c, stage s) {
    if (s == st_done) {
        if (c.fixed_date_) return true;
        c.date_secs_ = 0;
        c.date_offset_ = 0;
        if (c.clock_ != nullptr) return c.clock_(c.clock_ctx_, &c.date_secs_, &c.date_offset_);
#if defined(MAILWIRE_MESSAGE_POSIX)
        c.date_secs_ = static_cast<std::int64_t>(::time(nullptr));
        return c.date_secs_ > 0;
#else
        return false;
#endif
    }
    if (!c.have_date_) return 0;
    c.put(field::date);
    c.put_date();
    c.crlf();
    return 0;
}

inline int composer::write_message_id(composer& c, stage s) {
    if (s == st_done) {
        if (c.random_ != nullptr) return c.random_(c.random_ctx_, c.id_, sizeof(c.id_));
#if defined(MAILWIRE_MESSAGE_POSIX)
        int fd;
        do {
            fd = ::open("/dev/urandom", O_RDONLY | O_CLOEXEC);
        } while (fd < 0 && errno == EINTR);
        if (fd < 0) return false;
        const bool got = ::read(fd, c.id_, sizeof(c.id_)) == static_cast<ssize_t>(sizeof(c.id_));
        ::close(fd);
        return got;
#else
        return false;
#endif
    }
    if (!c.have_message_id_) return 0;
    c.put(field::message_id);
    c.put1('<');
    for (unsigned char b : c.id_) c.put_hex(b, true);
    c.put(".mailwire@");
    const std::string_view addr = c.from_.address;
    std::size_t at = addr.size();
    while (at > 0 && addr[at - 1] != '@') --at;
    c.put(addr.data() + at, addr.size() - at);
    c.put1('>');
    c.crlf();
    return 0;
}

inline void composer::put_date() {
    // Clamped to the years 0000-9999 (RFC 5322 §3.3 writes four digits), so every step after
    // the first shift fits in 32 bits: a 64-bit division would pull the runtime's
    // __aeabi_ldivmod and __udivmoddi4 (about 900 bytes on a Cortex-M) into firmware.
    constexpr std::int64_t min_local = -62167219200; // 0000-01-01 00:00:00
    constexpr std::int64_t max_local = 253402300799; // 9999-12-31 23:59:59
    std::int64_t local = date_secs_ + static_cast<std::int64_t>(date_offset_) * 60;
    if (local < min_local) local = min_local;
    if (local > max_local) local = max_local;
    // Seconds since 0000-01-01 (below 2^39): a day is 128 * 675 seconds, and the seconds
    // over 128 fit 32 bits.
    const std::uint64_t since = static_cast<std::uint64_t>(local - min_local);
    const std::uint32_t q = static_cast<std::uint32_t>(since >> 7);
    const std::int32_t rem = static_cast<std::int32_t>(q % 675 * 128 + static_cast<std::uint32_t>(since & 127));
    // Days since 0000-01-01 of the proleptic Gregorian calendar (1970-01-01, day 719528, was a
    // Thursday), then whole 400-year cycles, years and months off it.
    std::uint32_t left = q / 675;
    put(&"SatSunMonTueWedThuFri"[static_cast<std::size_t>(left % 7) * 3], 3);
    std::uint32_t y = left / 146097 * 400, m = 0;
    left %= 146097;
    auto leap = [&y] { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); };
    for (;;) {
        const std::uint32_t n = leap() ? 366 : 365;
        if (left < n) break;
        left -= n;
        ++y;
    }
    static constexpr unsigned char month_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    for (;;) {
        const std::uint32_t n = month_days[m] + (m == 1 && leap() ? 1u : 0u);
        if (left < n) break;
        left -= n;
        ++m;
    }
    const std::int32_t d = static_cast<std::int32_t>(left) + 1;
    put(", ");
    put_num(d, 2);
    put1(' ');
    put(&"JanFebMarAprMayJunJulAugSepOctNovDec"[static_cast<std::size_t>(m) * 3], 3);
    put1(' ');
    put_num(static_cast<std::int32_t>(y), 4);
    put1(' ');
    put_num(rem / 3600, 2);
    put1(':');
    put_num(rem / 60 % 60, 2);
    put1(':');
    put_num(rem % 60, 2);
    put1(' ');
    put1(date_offset_ < 0 ? '-' : '+');
    const int off = date_offset_ < 0 ? -date_offset_ : date_offset_;
    put_num(off / 60, 2);
    put_num(off % 60, 2);
}

} // namespace mime
} // namespace detail
} // inline namespace MAILWIRE_ABI
} // namespace mailwire

#endif // MAILWIRE_MIME_HEADERS_HPP
