// SPDX-License-Identifier: BSL-1.0
// mailwire - the ESMTP extensions a server announces in its EHLO reply (RFC 5321 §4.1.1.1).
#ifndef MAILWIRE_CAPABILITIES_HPP
#define MAILWIRE_CAPABILITIES_HPP

#include "config.hpp"

#include "text.hpp"

#include <cstdint>
#include <string_view>

namespace mailwire {
inline namespace MAILWIRE_ABI {

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

/// Looks the `n` octets at `word` up in `names`, whole and ASCII case-insensitively (RFC 5321
/// §2.4): `names` holds upper-case names, each ended by a byte from 1 to 31, the number returned
/// when that name matches; 0 when none does.
constexpr unsigned lookup(const char* word, std::size_t n, const char* names) noexcept {
    std::size_t i = 0; // octets of `word` matched so far in this name; npos after a mismatch
    for (;; ++names) {
        const unsigned char t = static_cast<unsigned char>(*names);
        if (t >= ' ') {
            i = (i < n && ascii_upper(word[i]) == static_cast<char>(t)) ? i + 1 : std::string_view::npos;
        } else if (t == 0 || i == n) {
            return t;
        } else {
            i = 0;
        }
    }
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
    bool binarymime = false; ///< RFC 3030 §3 (with CHUNKING only)
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
    void add_line(std::string_view line) noexcept { parse_line(line.data(), line.data() + line.size()); }

private:
    void parse_line(const char* p, const char* const end) noexcept {
        // One string and one compare loop for all keywords, and one table of what each switches
        // on: the parser stays small on firmware. The keyword ends at a space or '=' (the old
        // "AUTH=LOGIN"), its parameters start after that one character. SIZE is \10 (8), AUTH \11 (9).
        const unsigned k = next_word(p, end, '=',
                                     "PIPELINING\1STARTTLS\2" "8BITMIME\3SMTPUTF8\4CHUNKING\5DSN\6"
                                     "ENHANCEDSTATUSCODES\7SIZE\10AUTH\11BINARYMIME\12");
        if (k == 0) return;
        static constexpr bool capabilities::*const flags[] = {
            &capabilities::pipelining, &capabilities::starttls, &capabilities::eightbitmime,
            &capabilities::smtputf8,   &capabilities::chunking, &capabilities::dsn,
            &capabilities::enhanced_status_codes, &capabilities::size, &capabilities::auth,
            &capabilities::binarymime,
        };
        this->*flags[k - 1] = true;
        if (p != end) ++p;
        if (k == 8) {
            // RFC 1870 §4: SIZE's argument is the limit; absent (or 0) means none stated. An absurd
            // value is treated as "no limit stated" too, never wrapped into a small one.
            std::uint64_t v = 0;
            for (; p != end && *p >= '0' && *p <= '9'; ++p) {
                if (v > (UINT64_MAX - 9) / 10) {
                    v = 0;
                    break;
                }
                v = v * 10 + static_cast<std::uint64_t>(*p - '0');
            }
            size_limit = v;
        } else if (k == 9) {
            // RFC 4954 §3: the mechanisms, separated by spaces; each name's number is its
            // auth_mechanism value.
            static_assert(static_cast<int>(auth_mechanism::plain) == 1 && static_cast<int>(auth_mechanism::login) == 2 &&
                              static_cast<int>(auth_mechanism::xoauth2) == 3 &&
                              static_cast<int>(auth_mechanism::oauthbearer) == 4,
                          "the mechanism names' numbers follow auth_mechanism");
            while (p != end)
                if (const unsigned m = next_word(p, end, ' ', "PLAIN\1LOGIN\2XOAUTH2\3OAUTHBEARER\4"))
                    auth_mechanisms = static_cast<std::uint8_t>(auth_mechanisms | (1u << m));
        }
    }

    /// Skips spaces, then looks the word up to the next space, `stop` or the end in `names`
    /// (detail::lookup), leaving `p` on the character that ended the word.
    static unsigned next_word(const char*& p, const char* end, char stop, const char* names) noexcept {
        const char* word = p;
        while (word != end && *word == ' ') ++word;
        const char* q = word;
        while (q != end && *q != ' ' && *q != stop) ++q;
        p = q;
        return detail::lookup(word, static_cast<std::size_t>(q - word), names);
    }
};

} // inline namespace MAILWIRE_ABI
} // namespace mailwire

#endif // MAILWIRE_CAPABILITIES_HPP
