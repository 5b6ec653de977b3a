// SPDX-License-Identifier: BSL-1.0
// mailwire - what the composer (composer.hpp) checks and writes as fixed text: the setters' checks
// (no CR, LF or NUL, bounded length; RFC 5322 §3.6.8 field names; RFC 2045 §5.1 tokens and content
// types; content IDs), the one scan that classifies header text, UTF-8 sequence lengths, and the
// table of fixed texts the composer writes by number.
#ifndef MAILWIRE_MIME_TEXTS_HPP
#define MAILWIRE_MIME_TEXTS_HPP

#include "config.hpp"

#include "address.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mailwire {
inline namespace MAILWIRE_ABI {
namespace detail {
namespace mime {


/// The setters' one check of header text: longer than max, or a CR, LF or NUL in it.
constexpr bool bad_text(std::string_view s, std::size_t max) noexcept {
    if (s.size() > max) return true;
    for (char ch : s)
        if (ch == '\r' || ch == '\n' || ch == '\0') return true;
    return false;
}
/// Whether s contains c.
constexpr bool has(std::string_view s, char c) noexcept {
    for (char ch : s)
        if (ch == c) return true;
    return false;
}
/// RFC 2045 §5.1 token characters (for type and subtype).
constexpr bool is_token_char(unsigned char c) noexcept {
    if (c <= 32 || c >= 127) return false;
    for (const char* t = "()<>@,;:\\\"/[]?="; *t != '\0'; ++t)
        if (static_cast<unsigned char>(*t) == c) return false;
    return true;
}
constexpr bool valid_content_type(std::string_view t) noexcept {
    std::size_t slash = 0;
    while (slash < t.size() && t[slash] != '/') ++slash;
    if (slash == t.size() || slash == 0 || slash + 1 >= t.size() || t.size() > 127) return false;
    for (std::size_t i = 0; i < t.size(); ++i)
        if (i != slash && !is_token_char(static_cast<unsigned char>(t[i]))) return false;
    return true;
}
/// RFC 5322 §3.6.8 field name: printable ASCII except ":".
constexpr bool valid_field_name(std::string_view n) noexcept {
    if (n.empty() || n.size() > 76) return false;
    for (char ch : n) {
        const unsigned char c = static_cast<unsigned char>(ch);
        if (c < 33 || c > 126 || c == ':') return false;
    }
    return true;
}
/// A Content-ID's inside: id-left "@" id-right, printable ASCII without "<", ">", spaces.
constexpr bool valid_content_id(std::string_view id) noexcept {
    if (id.empty() || id.size() > 250 || !has(id, '@')) return false;
    for (char ch : id) {
        const unsigned char c = static_cast<unsigned char>(ch);
        if (c <= 32 || c >= 127 || c == '<' || c == '>' || c == '"' || c == '\\') return false;
    }
    return true;
}
/// What header text holds, in one pass (scan()): the flags below, and above them (from bit
/// 5) how many '"' and '\\' it has, which a quoted-string escapes (RFC 5322 §3.2.4).
enum scan_flag : unsigned {
    not_printable = 1,   ///< a character outside printable ASCII (32-126)
    not_phrase = 2,      ///< a character that is neither RFC 5322 §3.2.3 atext nor a space
    encoded_like = 4,    ///< "=?", which would read as the start of an RFC 2047 encoded-word
    double_space = 8,    ///< two spaces in a row (a fold could not keep them exactly)
    edge_space = 16,     ///< a space at the beginning or the end
};
constexpr unsigned specials_shift = 5;
constexpr unsigned scan(std::string_view s) noexcept {
    unsigned f = 0;
    char prev = 0;
    for (char ch : s) {
        const unsigned char c = static_cast<unsigned char>(ch);
        if (c < 32 || c > 126) f |= not_printable;
        if (c != ' ' && !mailwire::detail::is_atext(c)) f |= not_phrase;
        if (prev == '=' && ch == '?') f |= encoded_like;
        if (prev == ' ' && ch == ' ') f |= double_space;
        if (ch == '"' || ch == '\\') f += 1u << specials_shift;
        prev = ch;
    }
    if (!s.empty() && (s.front() == ' ' || s.back() == ' ')) f |= edge_space;
    return f;
}
/// Length of the UTF-8 sequence starting with lead byte c (1 for anything that is not a lead).
constexpr std::size_t utf8_len(unsigned char c) noexcept {
    return c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

/// The fixed texts the composer writes (but those of Date and Message-ID, which are linked only
/// when used), each ended by a NUL: composer::put_text(t) writes the one numbered t, so that a
/// call passes one small number instead of an address and a length. An octet from 0x80 up ends
/// a text and names the text written after it (octet - 0x80), so that an ending several texts
/// share (": ", CRLF, "name") is stored once.
enum text_id : std::uint8_t {
    t_content_type,
    t_multipart,
    t_boundary_param,
    t_quote_crlf,
    t_text_plain,
    t_charset,
    t_cte,
    t_7bit,
    t_8bit,
    t_qp,
    t_base64,
    t_disposition,
    t_attachment,
    t_from,
    t_sender,
    t_to,
    t_cc,
    t_reply_to,
    t_subject,
    t_mime,
    t_ew_start,
    t_ew_end,
    t_eq_quote,
    t_rfc2231,
    t_soft_break,
    t_name,
    t_filename,
    t_colon,
    t_mw,
    t_dashes,
    t_crlf,
    t_mixed, // the last of texts: the multipart kinds (mp_*) follow it, as t_mixed + kind
    // In rich_texts, which only the HTML and inline-part setters make reachable (rich_texts_).
    t_related,
    t_alternative,
    t_text_html,
    t_content_id,
    t_gt_crlf,
    t_inline
};
// A reference to text t inside texts (an octal escape, so that no letter after it is read as
// part of a hex escape): "\231" t_name, "\233" t_colon, "\234" t_mw, "\236" t_crlf.
static_assert(t_name == 0231 - 0x80 && t_colon == 0233 - 0x80 && t_mw == 0234 - 0x80 && t_crlf == 0236 - 0x80 &&
                  t_related == t_mixed + 1 && t_alternative == t_mixed + 2,
              "mailwire: the references in texts; the multipart kinds' names in a row across both tables");
inline constexpr char texts[] =
    "Content-Type\233\0"
    "multipart/\0"
    "; boundary=\"\234\0"
    "\"\236\0"
    "text/plain\0"
    "; charset=utf-8\0"
    "\r\nContent-Transfer-Encoding\233\0"
    "7bit\0"
    "8bit\0"
    "quoted-printable\0"
    "base64\0"
    "Content-Disposition\233\0"
    "attachment\0"
    "From\233\0"
    "Sender\233\0"
    "To\233\0"
    "Cc\233\0"
    "Reply-To\233\0"
    "Subject\233\0"
    "MIME-Version: 1.0\236\0"
    "=?UTF-8?B?\0"
    "?=\0"
    "=\"\0"
    "*=UTF-8''\0"
    "=\236\0"
    "name\0"
    "file\231\0"
    ": \0"
    "=_mw_\0" // the boundaries but their level digit (RFC 2046 §5.1.1)
    "--\0"
    "\r\n\0"
    "mixed\0";
/// The texts only messages with HTML or inline parts use, from t_related on: linked only when
/// html() or inline_part() is (they set rich_texts_), as the code of those parts is.
inline constexpr char rich_texts[] =
    "related\0"
    "alternative\0"
    "text/html\0"
    "Content-ID: <\0"
    ">\236\0"
    "inline\0";

} // namespace mime
} // namespace detail
} // inline namespace MAILWIRE_ABI
} // namespace mailwire

#endif // MAILWIRE_MIME_TEXTS_HPP
