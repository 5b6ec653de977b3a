// SPDX-License-Identifier: BSL-1.0
// mailwire - IP address literals for the TLS policy: parsed into the octets a certificate's
// iPAddress entry holds (RFC 5280 §4.2.1.6), and formatted back for diagnostics. mailwire's own,
// so an IP host is checked the same on mbedTLS 2.28 and 3.x (no inet_pton needed on firmware).
#ifndef MAILWIRE_IP_ADDRESS_HPP
#define MAILWIRE_IP_ADDRESS_HPP

#include "config.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mailwire {
inline namespace MAILWIRE_ABI {

namespace detail::ip {

/// An IP address literal as the octets a certificate's iPAddress entry holds (RFC 5280
/// §4.2.1.6): 4 for IPv4, 16 for IPv6; size 0 when the text is no address.
struct address {
    std::uint8_t octets[16] = {};
    std::uint8_t size = 0;
};

constexpr int hex_value(char c) noexcept {
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/// Dotted quad, four decimal octets. A leading zero is refused: inet_aton reads "010" as octal 8,
/// so such text names different addresses to different readers.
[[nodiscard]] constexpr bool parse_ipv4(std::string_view s, std::uint8_t* out) noexcept {
    std::size_t i = 0;
    for (int part = 0; part < 4; ++part) {
        if (part != 0) {
            if (i >= s.size() || s[i] != '.') return false;
            ++i;
        }
        const std::size_t start = i;
        unsigned value = 0;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i - start < 3) value = value * 10 + unsigned(s[i++] - '0');
        if (i == start || value > 255 || (s[start] == '0' && i - start > 1)) return false;
        out[part] = static_cast<std::uint8_t>(value);
    }
    return i == s.size();
}

/// RFC 4291 §2.2: eight groups of one to four hex digits; "::" once for one or more zero groups;
/// the last 32 bits optionally as a dotted quad (::ffff:127.0.0.1). No zone index (RFC 6874).
[[nodiscard]] constexpr bool parse_ipv6(std::string_view s, std::uint8_t* out) noexcept {
    std::uint16_t groups[8] = {};
    int n = 0;
    int gap = -1; // the group index where "::" stands
    std::size_t i = 0;
    if (s.size() >= 2 && s[0] == ':' && s[1] == ':') {
        gap = 0;
        i = 2;
    }
    while (i < s.size()) {
        std::size_t end = i;
        while (end < s.size() && s[end] != ':') ++end;
        const std::string_view piece(s.data() + i, end - i); // not substr(): it may throw
        if (piece.find('.') != std::string_view::npos) {
            std::uint8_t v4[4] = {};
            if (end != s.size() || n > 6 || !parse_ipv4(piece, v4)) return false;
            groups[n++] = static_cast<std::uint16_t>(v4[0] << 8 | v4[1]);
            groups[n++] = static_cast<std::uint16_t>(v4[2] << 8 | v4[3]);
            break;
        }
        if (piece.empty() || piece.size() > 4 || n == 8) return false;
        unsigned value = 0;
        for (char c : piece) {
            const int h = hex_value(c);
            if (h < 0) return false;
            value = value << 4 | unsigned(h);
        }
        groups[n++] = static_cast<std::uint16_t>(value);
        if (end == s.size()) break;
        if (end + 1 < s.size() && s[end + 1] == ':') {
            if (gap >= 0) return false;
            gap = n;
            i = end + 2;
        } else {
            i = end + 1;
            if (i == s.size()) return false; // a lone trailing ':'
        }
    }
    if (gap < 0 ? n != 8 : n > 7) return false;
    const int zeros = 8 - n;
    for (int g = 0, from = 0; g < 8; ++g) {
        const std::uint16_t v = (gap >= 0 && g >= gap && g < gap + zeros) ? 0 : groups[from++];
        const std::size_t at = 2 * static_cast<std::size_t>(g);
        out[at] = static_cast<std::uint8_t>(v >> 8);
        out[at + 1] = static_cast<std::uint8_t>(v & 0xFF);
    }
    return true;
}

/// The address a host names when it is an IP literal: a dotted quad, an IPv6 text form, or one
/// in brackets as URIs write it (RFC 3986 §3.2.2). Anything else is a host name.
[[nodiscard]] constexpr address parse_host(std::string_view host) noexcept {
    address a;
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        if (parse_ipv6(std::string_view(host.data() + 1, host.size() - 2), a.octets)) a.size = 16;
    } else if (parse_ipv4(host, a.octets)) {
        a.size = 4;
    } else if (parse_ipv6(host, a.octets)) {
        a.size = 16;
    }
    return a;
}

/// Writes an address as text (IPv6 in RFC 5952 §4 form: lower case, no leading zeros, the
/// longest run of two or more zero groups as "::"), NUL-terminated; returns its length.
/// `out` holds 40 characters.
inline std::size_t format(const std::uint8_t* octets, std::size_t size, char* out) noexcept {
    std::size_t n = 0;
    auto number = [&](unsigned v, unsigned base) {
        char digits[5];
        int nd = 0;
        do {
            digits[nd++] = "0123456789abcdef"[v % base];
            v /= base;
        } while (v != 0);
        while (nd > 0) out[n++] = digits[--nd];
    };
    if (size == 4) {
        for (std::size_t i = 0; i < 4; ++i) {
            if (i != 0) out[n++] = '.';
            number(octets[i], 10);
        }
    } else if (size == 16) {
        unsigned groups[8];
        for (std::size_t g = 0; g < 8; ++g) groups[g] = unsigned(octets[2 * g]) << 8 | octets[2 * g + 1];
        int best = -1, best_len = 1; // a single zero group is not shortened (RFC 5952 §4.2.2)
        for (int g = 0; g < 8;) {
            int len = 0;
            while (g + len < 8 && groups[g + len] == 0) ++len;
            if (len > best_len) {
                best = g;
                best_len = len;
            }
            g += len != 0 ? len : 1;
        }
        for (int g = 0; g < 8; ++g) {
            if (g == best) {
                out[n++] = ':';
                out[n++] = ':';
                g += best_len - 1;
                continue;
            }
            if (g != 0 && g != best + best_len) out[n++] = ':';
            number(groups[g], 16);
        }
    }
    out[n] = '\0';
    return n;
}

} // namespace detail::ip

} // inline namespace MAILWIRE_ABI
} // namespace mailwire

#endif // MAILWIRE_IP_ADDRESS_HPP
