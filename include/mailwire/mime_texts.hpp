// SPDX-License-Identifier: BSL-1.0
// mailwire - what the composer (composer.hpp) checks and writes as fixed text: the setters' checks
// (no CR, LF or NUL, bounded length; RFC 5322 §3.6.8 field names; RFC 2045 §5.1 tokens and content
// types; content IDs), the one scan that classifies header text, UTF-8 sequence lengths, and the
// fixed texts the composer writes, by name.
#ifndef MAILWIRE_MIME_TEXTS_HPP
#define MAILWIRE_MIME_TEXTS_HPP

#include "config.hpp"

#include "address.hpp"
#include "error.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mailwire {
inline namespace MAILWIRE_ABI {
namespace detail {
namespace mime {


/// The setters' one check of header text: a CR, LF or NUL in it (they could start a header of
/// their own: cause::bad_header), or longer than max (cause::header_too_long); cause::none when
/// it may be written.
constexpr cause text_cause(std::string_view s, std::size_t max) noexcept {
    for (char ch : s)
        if (ch == '\r' || ch == '\n' || ch == '\0') return cause::bad_header;
    return s.size() > max ? cause::header_too_long : cause::none;
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

/// The header fields the composer writes itself, each with the ": " after its name (RFC 5322
/// §2.2; MIME-Version RFC 2045 §4, Content-* RFC 2045 §5-6 and RFC 2183 §2). header() refuses
/// these names (composer::header_cause), so that no message carries two of them.
namespace field {
inline constexpr std::string_view date = "Date: ";
inline constexpr std::string_view from = "From: ";
inline constexpr std::string_view sender = "Sender: ";
inline constexpr std::string_view to = "To: ";
inline constexpr std::string_view cc = "Cc: ";
inline constexpr std::string_view reply_to = "Reply-To: ";
inline constexpr std::string_view subject = "Subject: ";
inline constexpr std::string_view message_id = "Message-ID: ";
inline constexpr std::string_view mime_version = "MIME-Version: ";
inline constexpr std::string_view content_type = "Content-Type: ";
inline constexpr std::string_view content_transfer_encoding = "Content-Transfer-Encoding: ";
inline constexpr std::string_view content_id = "Content-ID: ";
inline constexpr std::string_view content_disposition = "Content-Disposition: ";
/// Never written (Bcc recipients go into the envelope only), but refused as a custom header too.
inline constexpr std::string_view bcc = "Bcc: ";
/// The fields a custom header() may not name: those the message's own header section has
/// (Content-ID and Content-Disposition are only ever in a part's headers).
inline constexpr std::string_view refused_as_custom[] = {
    date, from, sender, to, cc, bcc, reply_to, subject, message_id, mime_version, content_type, content_transfer_encoding};
} // namespace field

/// The other fixed texts of headers and bodies.
namespace token {
inline constexpr std::string_view crlf = "\r\n";
inline constexpr std::string_view mime_1_0 = "1.0";
inline constexpr std::string_view multipart = "multipart/";
inline constexpr std::string_view mixed = "mixed";             // RFC 2046 §5.1.3
inline constexpr std::string_view related = "related";         // RFC 2387
inline constexpr std::string_view alternative = "alternative"; // RFC 2046 §5.1.4
inline constexpr std::string_view text_plain = "text/plain";
inline constexpr std::string_view text_html = "text/html";
inline constexpr std::string_view charset_utf8 = "; charset=utf-8";
inline constexpr std::string_view boundary_param = "; boundary=\"";
/// Every boundary is this and the multipart's level digit (RFC 2046 §5.1.1). "=_" cannot occur
/// in quoted-printable or base64 text, and text that contains "--=_mw_" is not sent as 7bit or
/// 8bit (composer::choose), so no part can contain a boundary.
inline constexpr std::string_view boundary_prefix = "=_mw_";
inline constexpr std::string_view boundary_dashes = "--";
inline constexpr std::string_view cte_7bit = "7bit";
inline constexpr std::string_view cte_8bit = "8bit";
inline constexpr std::string_view cte_qp = "quoted-printable";
inline constexpr std::string_view cte_base64 = "base64";
inline constexpr std::string_view disposition_attachment = "attachment"; // RFC 2183 §2.2
inline constexpr std::string_view disposition_inline = "inline";         // RFC 2183 §2.1
inline constexpr std::string_view name = "name";
inline constexpr std::string_view filename = "filename";     // RFC 2183 §2.3
inline constexpr std::string_view encoded_word_start = "=?UTF-8?B?"; // RFC 2047 §2, §4.1
inline constexpr std::string_view encoded_word_end = "?=";
inline constexpr std::string_view rfc2231_utf8 = "*=UTF-8''"; // RFC 2231 §4
inline constexpr std::string_view qp_soft_break = "=\r\n";   // RFC 2045 §6.7 rule 5
} // namespace token

} // namespace mime
} // namespace detail
} // inline namespace MAILWIRE_ABI
} // namespace mailwire

#endif // MAILWIRE_MIME_TEXTS_HPP
