// mailwire - envelope address checks (RFC 5321 §4.1.2 Mailbox syntax, §4.5.3.1 size limits).
#ifndef MAILWIRE_ADDRESS_HPP
#define MAILWIRE_ADDRESS_HPP

#include "text.hpp"

#include "capabilities.hpp"
#include "limits.hpp"

#include <cstddef>
#include <string_view>

namespace mailwire {

enum class address_check : unsigned char {
    ok,
    ok_needs_utf8, ///< valid only with SMTPUTF8 (RFC 6531 §3.3)
    control_char,  ///< CR, LF, NUL or another control character: never acceptable
    syntax,
    too_long,
};

namespace detail {
constexpr bool is_atext(unsigned char c) noexcept {
    // RFC 5322 §3.2.3 atext.
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '!' || c == '#' || c == '$' || c == '%' || c == '&' || c == '\'' || c == '*' ||
           c == '+' || c == '-' || c == '/' || c == '=' || c == '?' || c == '^' || c == '_' ||
           c == '`' || c == '{' || c == '|' || c == '}' || c == '~';
}
constexpr bool is_let_dig(unsigned char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

constexpr bool check_domain(std::string_view d, bool& utf8) noexcept {
    if (d.empty() || d.size() > max_domain) return false;
    if (d.front() == '[') {
        // address-literal: "[" ( IPv4 / "IPv6:" IPv6 / General ) "]"; checked loosely, but only
        // printable characters without brackets, backslash or space inside.
        if (d.size() < 3 || d.back() != ']') return false;
        for (std::size_t i = 1; i + 1 < d.size(); ++i) {
            const unsigned char c = static_cast<unsigned char>(d[i]);
            if (c <= 32 || c >= 127 || c == '[' || c == ']' || c == '\\') return false;
        }
        return true;
    }
    // Domain = sub-domain *("." sub-domain); sub-domain = Let-dig [Ldh-str]; U-labels with SMTPUTF8.
    std::size_t label = 0;
    unsigned char prev = '.';
    for (char ch : d) {
        const unsigned char c = static_cast<unsigned char>(ch);
        if (c == '.') {
            if (label == 0 || prev == '-') return false;
            label = 0;
        } else if (c >= 0x80) {
            utf8 = true;
            ++label;
        } else if (is_let_dig(c) || (c == '-' && label != 0)) {
            ++label;
        } else {
            return false;
        }
        if (label > 63) return false;
        prev = c;
    }
    return label != 0 && prev != '-';
}

constexpr bool check_local(std::string_view l, bool& utf8) noexcept {
    if (l.empty() || l.size() > max_local_part) return false;
    if (l.front() == '"') {
        // Quoted-string: qtextSMTP (32-126 but '"' and '\') or quoted-pairSMTP ("\" 32-126).
        if (l.size() < 2 || l.back() != '"') return false;
        for (std::size_t i = 1; i + 1 < l.size(); ++i) {
            const unsigned char c = static_cast<unsigned char>(l[i]);
            if (c == '\\') {
                if (i + 2 >= l.size()) return false;
                const unsigned char n = static_cast<unsigned char>(l[++i]);
                if (n < 32 || n > 126) return false;
            } else if (c >= 0x80) {
                utf8 = true;
            } else if (c == '"' || c < 32 || c > 126) {
                return false;
            }
        }
        return true;
    }
    // Dot-string = Atom *("." Atom)
    bool atom_empty = true;
    for (char ch : l) {
        const unsigned char c = static_cast<unsigned char>(ch);
        if (c == '.') {
            if (atom_empty) return false;
            atom_empty = true;
        } else if (c >= 0x80) {
            utf8 = true;
            atom_empty = false;
        } else if (is_atext(c)) {
            atom_empty = false;
        } else {
            return false;
        }
    }
    return !atom_empty;
}
} // namespace detail

/// Checks a mailbox ("user@example.org", without angle brackets) as RFC 5321 §4.1.2 defines it.
/// CR, LF, NUL and other controls are rejected first and separately: they are how commands get
/// injected. Non-ASCII is accepted but reported as needing SMTPUTF8.
constexpr address_check check_mailbox(std::string_view a) noexcept {
    for (char ch : a) {
        const unsigned char c = static_cast<unsigned char>(ch);
        if (c < 32 || c == 127) return address_check::control_char;
    }
    if (a.size() + 2 > max_path) return address_check::too_long;
    const std::size_t at = a.rfind('@');
    if (at == std::string_view::npos) return address_check::syntax;
    // RFC 5321 §4.5.3.1.1 and §4.5.3.1.2: the local part and the domain have limits of their own.
    if (at > max_local_part || a.size() - at - 1 > max_domain) return address_check::too_long;
    bool utf8 = false;
    if (!detail::check_local(mailwire::detail::sub(a, 0, at), utf8)) return address_check::syntax;
    if (!detail::check_domain(mailwire::detail::sub(a, at + 1), utf8)) return address_check::syntax;
    return utf8 ? address_check::ok_needs_utf8 : address_check::ok;
}

/// The reverse-path may be empty (the null sender "<>", RFC 5321 §4.5.5).
constexpr address_check check_sender(std::string_view a) noexcept {
    return a.empty() ? address_check::ok : check_mailbox(a);
}

/// A recipient may also be the bare "Postmaster" (RFC 5321 §4.1.1.3).
constexpr address_check check_recipient(std::string_view a) noexcept {
    return detail::iequals(a, "postmaster") ? address_check::ok : check_mailbox(a);
}

} // namespace mailwire

#endif // MAILWIRE_ADDRESS_HPP
