// SPDX-License-Identifier: BSL-1.0
// mailwire - small helpers that keep firmware images small. std::string_view::substr reports a
// bad position by throwing std::out_of_range (or, without exceptions, abort()), and on newlib
// abort() pulls in signal handling and malloc; a 64-bit division pulls the runtime's
// __udivmoddi4 (about 700 bytes on a Cortex-M). The library uses these instead.
#ifndef MAILWIRE_TEXT_HPP
#define MAILWIRE_TEXT_HPP

#include "config.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mailwire {
inline namespace MAILWIRE_ABI {
namespace detail {

/// s.substr(pos, n), clamped instead of throwing.
constexpr std::string_view sub(std::string_view s, std::size_t pos, std::size_t n = std::string_view::npos) noexcept {
    if (pos > s.size()) pos = s.size();
    const std::size_t left = s.size() - pos;
    return std::string_view(s.data() + pos, n < left ? n : left);
}

/// x / d for a divisor below 2^16, in four 32-bit divisions of 16 bits each (long division).
constexpr std::uint64_t div_u64(std::uint64_t x, std::uint32_t d) noexcept {
    std::uint64_t q = 0;
    std::uint32_t r = 0;
    for (int shift = 48; shift >= 0; shift -= 16) {
        const std::uint32_t cur = (r << 16) | static_cast<std::uint32_t>((x >> shift) & 0xFFFFu);
        q = (q << 16) | (cur / d);
        r = cur % d;
    }
    return q;
}

/// The decimal digits of v into buf (NUL-terminated); returns where they start.
inline const char* format_u64(std::uint64_t v, char (&buf)[24]) noexcept {
    char* p = buf + sizeof(buf) - 1;
    *p = '\0';
    do {
        const std::uint64_t q = div_u64(v, 10);
        *--p = static_cast<char>('0' + static_cast<unsigned>(v - q * 10));
        v = q;
    } while (v != 0);
    return p;
}

} // namespace detail
} // inline namespace MAILWIRE_ABI
} // namespace mailwire

#endif // MAILWIRE_TEXT_HPP
