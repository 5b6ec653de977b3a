// SPDX-License-Identifier: BSL-1.0
// What the composer's unit tests share: a message read whole through its source interface, its
// header section, body and lines, and a minimal valid message.
#ifndef MAILWIRE_TESTS_COMPOSER_SUPPORT_HPP
#define MAILWIRE_TESTS_COMPOSER_SUPPORT_HPP

#include "support.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace composer_support {
template <class M>
inline std::string compose(M& m) {
    std::string out;
    char buf[61];
    for (;;) {
        const std::ptrdiff_t n = m.read(buf, sizeof(buf));
        REQUIRE(n >= 0);
        if (n == 0) break;
        out.append(buf, static_cast<std::size_t>(n));
    }
    return out;
}

/// The header section, and the body after the blank line.
inline std::string headers_of(const std::string& m) { return m.substr(0, m.find("\r\n\r\n") + 2); }
inline std::string body_of(const std::string& m) { return m.substr(m.find("\r\n\r\n") + 4); }

inline std::vector<std::string> lines_of(const std::string& s) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < s.size()) {
        const std::size_t end = s.find("\r\n", start);
        if (end == std::string::npos) {
            out.push_back(s.substr(start));
            break;
        }
        out.push_back(s.substr(start, end - start));
        start = end + 2;
    }
    return out;
}

/// A minimal valid message: From, To, a fixed date, and no Message-ID (no random source).
inline bool no_random(void*, unsigned char*, std::size_t) { return false; }
inline void minimal(mailwire::message& m) {
    REQUIRE(m.from("a@example.org").ok());
    REQUIRE(m.to("b@example.org").ok());
    m.date(0, 0);
    m.set_random(&no_random);
}

} // namespace composer_support

#endif // MAILWIRE_TESTS_COMPOSER_SUPPORT_HPP
