// mailwire - the ESMTP extensions a server announces in its EHLO reply (RFC 5321 §4.1.1.1).
#ifndef MAILWIRE_CAPABILITIES_HPP
#define MAILWIRE_CAPABILITIES_HPP

#include "text.hpp"

#include <cstdint>
#include <string_view>

namespace mailwire {

/// SASL mechanisms mailwire speaks. `automatic` picks the strongest one the server offers that
/// fits a password (PLAIN, then LOGIN); the OAuth2 ones are used when asked for, or when the
/// server offers nothing else.
enum class auth_mechanism : std::uint8_t { automatic, plain, login, xoauth2, oauthbearer };

const char* to_string(auth_mechanism m) noexcept;
inline const char* to_string(auth_mechanism m) noexcept {
    switch (m) {
    case auth_mechanism::automatic: return "auto";
    case auth_mechanism::plain: return "PLAIN";
    case auth_mechanism::login: return "LOGIN";
    case auth_mechanism::xoauth2: return "XOAUTH2";
    case auth_mechanism::oauthbearer: return "OAUTHBEARER";
    }
    return "?";
}

namespace detail {
constexpr char ascii_upper(char c) noexcept { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c; }
constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (ascii_upper(a[i]) != ascii_upper(b[i])) return false;
    return true;
}
constexpr bool istarts_with(std::string_view s, std::string_view prefix) noexcept {
    return s.size() >= prefix.size() && iequals(mailwire::detail::sub(s, 0, prefix.size()), prefix);
}
} // namespace detail

struct capabilities {
    bool esmtp = false; ///< the server answered EHLO (not only HELO)
    bool size = false;
    std::uint64_t size_limit = 0; ///< SIZE's argument; 0 when none was given (RFC 1870 §4)
    bool pipelining = false;
    bool starttls = false;
    bool eightbitmime = false;
    bool smtputf8 = false;
    bool chunking = false;
    bool dsn = false;
    bool enhanced_status_codes = false;
    bool auth = false;
    std::uint8_t auth_mechanisms = 0; ///< bit (1 << auth_mechanism) per offered mechanism

    bool offers(auth_mechanism m) const noexcept {
        return (auth_mechanisms & (1u << static_cast<unsigned>(m))) != 0;
    }

    /// Reads one line of the EHLO reply, without the code ("PIPELINING", "SIZE 35882577",
    /// "AUTH PLAIN LOGIN", the old "AUTH=LOGIN PLAIN"). Keywords are case-insensitive
    /// (RFC 5321 §2.4); unknown or odd lines are ignored. Do not pass the first line: it carries the
    /// server's name, not an extension.
    void add_line(std::string_view line) noexcept {
        std::size_t i = 0;
        while (i < line.size() && line[i] == ' ') ++i;
        line.remove_prefix(i);
        std::size_t end = 0;
        while (end < line.size() && line[end] != ' ' && line[end] != '=') ++end;
        const std::string_view keyword = mailwire::detail::sub(line, 0, end);
        std::string_view params = end < line.size() ? mailwire::detail::sub(line, end + 1) : std::string_view();

        using detail::iequals;
        // Keywords that only switch a flag on, in one table: the code stays small on firmware.
        struct flag {
            const char* name;
            bool capabilities::*member;
        };
        static constexpr flag flags[] = {
            {"PIPELINING", &capabilities::pipelining}, {"STARTTLS", &capabilities::starttls},
            {"8BITMIME", &capabilities::eightbitmime}, {"SMTPUTF8", &capabilities::smtputf8},
            {"CHUNKING", &capabilities::chunking},     {"DSN", &capabilities::dsn},
            {"ENHANCEDSTATUSCODES", &capabilities::enhanced_status_codes},
        };
        for (const flag& f : flags) {
            if (iequals(keyword, f.name)) {
                this->*f.member = true;
                return;
            }
        }
        if (iequals(keyword, "SIZE")) {
            size = true;
            std::uint64_t v = 0;
            bool any = false;
            for (char ch : params) {
                if (ch < '0' || ch > '9') break;
                if (v > (UINT64_MAX - 9) / 10) { // absurd value: treat as "no limit stated"
                    any = false;
                    break;
                }
                v = v * 10 + static_cast<std::uint64_t>(ch - '0');
                any = true;
            }
            size_limit = any ? v : 0;
        } else if (iequals(keyword, "AUTH")) {
            auth = true;
            // The mechanisms in auth_mechanism's order, from plain (1) on.
            static constexpr const char* mechanisms[] = {"PLAIN", "LOGIN", "XOAUTH2", "OAUTHBEARER"};
            static_assert(static_cast<int>(auth_mechanism::plain) == 1 &&
                              static_cast<int>(auth_mechanism::oauthbearer) == 4,
                          "mechanisms[] follows auth_mechanism");
            while (!params.empty()) {
                std::size_t s = 0;
                while (s < params.size() && params[s] == ' ') ++s;
                std::size_t e = s;
                while (e < params.size() && params[e] != ' ') ++e;
                const std::string_view mech = mailwire::detail::sub(params, s, e - s);
                for (unsigned m = 0; m < 4; ++m)
                    if (iequals(mech, mechanisms[m])) set(static_cast<auth_mechanism>(m + 1));
                params.remove_prefix(e);
            }
        }
    }

private:
    void set(auth_mechanism m) noexcept {
        auth_mechanisms = static_cast<std::uint8_t>(auth_mechanisms | (1u << static_cast<unsigned>(m)));
    }
};

} // namespace mailwire

#endif // MAILWIRE_CAPABILITIES_HPP
