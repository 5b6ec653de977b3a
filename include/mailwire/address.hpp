// SPDX-License-Identifier: BSL-1.0
// mailwire - envelope address checks (RFC 5321 §4.1.2 Mailbox syntax, §4.5.3.1 size limits).
#ifndef MAILWIRE_ADDRESS_HPP
#define MAILWIRE_ADDRESS_HPP

#include "config.hpp"

#include "text.hpp"

#include "capabilities.hpp"
#include "limits.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mailwire {
inline namespace MAILWIRE_ABI {

enum class address_check : unsigned char {
    ok,
    ok_needs_utf8, ///< valid only with SMTPUTF8 (RFC 6531 §3.3)
    control_char,  ///< CR, LF, NUL or another control character: never acceptable
    syntax,
    too_long,
};

namespace detail {
/// A set of printable ASCII characters (32-127), one bit per code: a test is one load and a
/// shift instead of a chain of comparisons, which keeps the checks small on firmware.
struct ascii_set {
    std::uint32_t bits[3];
    /// `c` must be 32 to 127.
    constexpr bool has(unsigned char c) const noexcept { return ((bits[(c >> 5) - 1] >> (c & 31)) & 1u) != 0; }
};
/// The letters and digits, and `others`.
constexpr ascii_set alnum_and(std::string_view others) noexcept {
    ascii_set s{};
    for (unsigned c = 32; c < 128; ++c) {
        bool in = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        for (char o : others) in = in || static_cast<unsigned char>(o) == c;
        if (in) s.bits[(c >> 5) - 1] |= 1u << (c & 31);
    }
    return s;
}
/// [0]: RFC 5322 §3.2.3 atext, the characters of a dot-string's atoms (RFC 5321 §4.1.2 Atom).
/// [1]: Let-dig and '-', the characters of a domain's labels (RFC 5321 §4.1.2 sub-domain).
inline constexpr ascii_set atom_chars[2] = {alnum_and("!#$%&'*+-/=?^_`{|}~"), alnum_and("-")};

constexpr bool is_atext(unsigned char c) noexcept { return c >= 32 && c < 128 && atom_chars[0].has(c); }
constexpr bool is_let_dig(unsigned char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/// One half of a mailbox, [p, e): the local part (`domain` false) or the domain. The caller has
/// already rejected control characters and checked the lengths. Returns address_check::ok,
/// ok_needs_utf8 or syntax as a number: the two halves' answers combine with '|'. Non-ASCII needs
/// SMTPUTF8 (RFC 6531 §3.3: UTF-8 in local parts, U-labels in domains) but is an error inside an
/// address literal.
constexpr unsigned check_mailbox_part(const char* p, const char* e, bool domain) noexcept {
    constexpr unsigned syntax = static_cast<unsigned>(address_check::syntax);
    unsigned utf8 = static_cast<unsigned>(address_check::ok);
    if (p == e) return syntax;
    // Quoted-string: qtextSMTP (32-126 but '"' and backslash) or quoted-pairSMTP (backslash, then
    // any of 32-126).
    // address-literal (§4.1.3): "[" ( IPv4 / "IPv6:" IPv6 / General ) "]", checked loosely:
    // printable characters but space, brackets and backslash inside, at least one.
    const unsigned char open = domain ? '[' : '"';
    const unsigned char close = static_cast<unsigned char>(open + 2 * domain); // ']' or '"'
    if (static_cast<unsigned char>(*p) == open) {
        if (e - p < 2 + domain || static_cast<unsigned char>(e[-1]) != close) return syntax;
        for (++p, --e; p != e; ++p) {
            const unsigned char c = static_cast<unsigned char>(*p);
            if (c >= 0x80) {
                if (domain) return syntax;
                utf8 = static_cast<unsigned>(address_check::ok_needs_utf8);
            } else if (c == '\\') {
                if (domain || ++p == e || static_cast<unsigned char>(*p) >= 0x80) return syntax;
            } else if (c == open || c == close || (domain && c == ' ')) {
                return syntax;
            }
        }
        return utf8;
    }
    // Dot-string = Atom *("." Atom); Domain = sub-domain *("." sub-domain) with sub-domain =
    // Let-dig [Ldh-str]: no '-' first or last, labels of at most 63 octets (RFC 1035 §2.3.4; a
    // local part's atoms are bounded by its 64). The start and the end count as dots.
    const std::size_t longest = 64u - domain;
    const unsigned hyphen_dot = domain ? '-' + '.' : 0; // the sum of a '-' and a '.' side by side
    const char* atom = p;
    unsigned char prev = '.';
    for (;; ++p) {
        const unsigned char c = p != e ? static_cast<unsigned char>(*p) : '.';
        if (c + prev == hyphen_dot) return syntax; // of the characters allowed, only '-' and '.'
        if (c == '.') {
            if (static_cast<std::size_t>(p - atom) - 1 >= longest) return syntax; // empty or too long
            if (p == e) return utf8;
            atom = p + 1;
        } else if (c >= 0x80) {
            utf8 = static_cast<unsigned>(address_check::ok_needs_utf8);
        } else if (!atom_chars[domain].has(c)) {
            return syntax;
        }
        prev = c;
    }
}

/// check_mailbox on the `n` octets at `begin`.
constexpr address_check check_mailbox_octets(const char* begin, std::size_t n) noexcept {
    // One pass from the end finds the controls and the last '@' (a quoted local part may hold more).
    std::size_t at = std::string_view::npos;
    bool loose_syntax = false, loose_utf8 = false; // MAILWIRE_ADDRESS_SYNTAX 0 (config.hpp)
    for (std::size_t i = n; i-- != 0;) {
        const unsigned char c = static_cast<unsigned char>(begin[i]);
        if (c < 32 || c == 127) return address_check::control_char;
        if (c == '@' && at == std::string_view::npos) at = i;
        if (!MAILWIRE_ADDRESS_SYNTAX) {
            loose_syntax |= c == ' ' || c == '<' || c == '>';
            loose_utf8 |= c >= 0x80;
        }
    }
    if (n + 2 > max_path) return address_check::too_long;
    if (at == std::string_view::npos) return address_check::syntax;
    if (!MAILWIRE_ADDRESS_SYNTAX) {
        if (at > max_local_part) return address_check::too_long;
        if (loose_syntax || at == 0 || at + 1 == n) return address_check::syntax;
        return loose_utf8 ? address_check::ok_needs_utf8 : address_check::ok;
    }
    // RFC 5321 §4.5.3.1.1 and §4.5.3.1.2: the local part and the domain have limits of their own;
    // the domain's follows from the path's.
    static_assert(max_path - 3 <= max_domain, "a mailbox short enough for a path has a short enough domain");
    if (at > max_local_part) return address_check::too_long;
    static_assert(static_cast<unsigned>(address_check::ok) == 0 &&
                      static_cast<unsigned>(address_check::ok_needs_utf8) == 1 &&
                      static_cast<unsigned>(address_check::syntax) == 3,
                  "check_mailbox_part's answers combine with '|'");
    return static_cast<address_check>(detail::check_mailbox_part(begin, begin + at, false) |
                                      detail::check_mailbox_part(begin + at + 1, begin + n, true));
}
} // namespace detail

/// Checks a mailbox ("user@example.org", without angle brackets) as RFC 5321 §4.1.2 defines it.
/// CR, LF, NUL and other controls are rejected first and separately: they are how commands get
/// injected. Non-ASCII is accepted but reported as needing SMTPUTF8.
constexpr address_check check_mailbox(std::string_view a) noexcept {
    return detail::check_mailbox_octets(a.data(), a.size());
}

/// The reverse-path may be empty (the null sender "<>", RFC 5321 §4.5.5).
constexpr address_check check_sender(std::string_view a) noexcept {
    return a.empty() ? address_check::ok : check_mailbox(a);
}

/// A recipient may also be the bare "Postmaster" (RFC 5321 §4.1.1.3).
constexpr address_check check_recipient(std::string_view a) noexcept {
    return detail::lookup(a.data(), a.size(), "POSTMASTER\1") != 0 ? address_check::ok : check_mailbox(a);
}

} // inline namespace MAILWIRE_ABI
} // namespace mailwire

#endif // MAILWIRE_ADDRESS_HPP
