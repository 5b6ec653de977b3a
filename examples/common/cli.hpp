// SPDX-License-Identifier: BSL-1.0
// What mailwire-send and mailwire-probe share: text shown from a server (control characters made
// visible), a reply on one line, JSON strings, and the parsing of numbers, timeouts and the
// default EHLO name. The tools use the heap; the library never includes this.
#ifndef MAILWIRE_EXAMPLES_CLI_HPP
#define MAILWIRE_EXAMPLES_CLI_HPP

#include <mailwire/probe.hpp>
#include <mailwire/profiles.hpp>
#include <mailwire/reply.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <unistd.h>

namespace mailwire_cli {

// ============================================================================ text helpers
/// The text with control characters made visible (\r, \n, \t, \0, \xNN), for addresses from the
/// command line and for what a server sends (which must not reach the terminal raw).
inline std::string visible(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char ch : s) {
        const unsigned char c = static_cast<unsigned char>(ch);
        switch (c) {
        case '\r': out += "\\r"; break;
        case '\n': out += "\\n"; break;
        case '\t': out += "\\t"; break;
        case '\0': out += "\\0"; break;
        default:
            if (c < 0x20 || c == 0x7f) {
                static const char hex[] = "0123456789abcdef";
                out += "\\x";
                out += hex[c >> 4];
                out += hex[c & 15];
            } else {
                out += ch;
            }
        }
    }
    return out;
}
/// "550 5.7.1 text": the reply on one line (multi-line replies joined by " / ").
inline std::string describe_reply(const mailwire::reply& r) {
    if (r.empty()) return std::string();
    std::string out = std::to_string(r.code);
    if (!r.enhanced_status().empty()) out += " " + std::string(r.enhanced_status());
    std::string_view text = r.message();
    for (bool first = true; first || !text.empty(); first = false) {
        const std::size_t nl = text.find('\n');
        const std::string_view line = text.substr(0, nl);
        if (!line.empty()) out += (first ? " " : " / ") + visible(line);
        if (nl == std::string_view::npos) break;
        text.remove_prefix(nl + 1);
    }
    if (r.truncated) out += " [...]";
    return out;
}
/// A JSON string (RFC 8259 §7): quotes, backslash and control characters escaped (\u00XX), valid
/// UTF-8 kept, each byte of an invalid sequence replaced by U+FFFD so the output always parses.
inline std::string json_string(std::string_view s) {
    static const char hex[] = "0123456789abcdef";
    std::string out = "\"";
    for (std::size_t i = 0; i < s.size();) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
            ++i;
        } else if (c < 0x20 || c == 0x7f) {
            out += "\\u00";
            out += hex[c >> 4];
            out += hex[c & 15];
            ++i;
        } else if (c < 0x80) {
            out += static_cast<char>(c);
            ++i;
        } else {
            // RFC 3629 §4: the length from the first byte, continuation bytes 10xxxxxx, no overlong
            // forms (C0, C1, E0 80-9F, F0 80-8F), no surrogates (ED A0-BF), nothing above U+10FFFF.
            const std::size_t len = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
            bool valid = len != 0 && i + len <= s.size();
            for (std::size_t k = 1; valid && k < len; ++k) {
                const unsigned char d = static_cast<unsigned char>(s[i + k]);
                valid = (d & 0xC0) == 0x80;
                if (k == 1) {
                    if (c == 0xE0 && d < 0xA0) valid = false;
                    if (c == 0xED && d > 0x9F) valid = false;
                    if (c == 0xF0 && d < 0x90) valid = false;
                    if (c == 0xF4 && d > 0x8F) valid = false;
                }
            }
            if (valid) {
                out.append(s.data() + i, len);
                i += len;
            } else {
                out += "\\ufffd";
                ++i;
            }
        }
    }
    return out + "\"";
}
inline bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
        if (x != y) return false;
    }
    return true;
}
/// A decimal number without sign or spaces, at most `max`. (Not strtoul: it skips spaces and
/// accepts a sign; no locale, no errno, no exceptions here.)
inline bool parse_unsigned(std::string_view text, std::uint64_t max, std::uint64_t& out) {
    if (text.empty()) return false;
    std::uint64_t v = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return false;
        v = v * 10 + static_cast<std::uint64_t>(c - '0');
        if (v > max) return false;
    }
    out = v;
    return true;
}
/// Seconds with up to three decimals as milliseconds, above 0 and at most 2^31 - 1 ms.
inline bool parse_timeout(std::string_view text, std::uint32_t& ms) {
    const std::size_t dot = text.find('.');
    const std::string_view whole = text.substr(0, dot);
    const std::string_view fraction = dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
    if (dot != std::string_view::npos && (fraction.empty() || fraction.size() > 3)) return false;
    std::uint64_t seconds = 0, frac = 0;
    if (!parse_unsigned(whole, 0x7FFFFFFFu / 1000, seconds)) return false;
    if (!fraction.empty() && !parse_unsigned(fraction, 999, frac)) return false;
    for (std::size_t i = fraction.size(); i < 3; ++i) frac *= 10;
    const std::uint64_t total = seconds * 1000 + frac;
    if (total == 0 || total > 0x7FFFFFFFu) return false;
    ms = static_cast<std::uint32_t>(total);
    return true;
}
/// "587,465/implicit,25/none": each PORT takes the encryption the port implies
/// (mailwire::encryption_for_port), PORT/MODE the one named. Returns "" when the list is good,
/// else what is wrong with which item (mailwire-probe --ports, mailwire-send --fallback=LIST).
inline std::string parse_candidates(std::string_view list, std::vector<mailwire::probe_candidate>& out) {
    out.clear();
    while (true) {
        const std::size_t comma = list.find(',');
        const std::string_view item = list.substr(0, comma);
        const std::size_t slash = item.find('/');
        std::uint64_t port = 0;
        if (!parse_unsigned(item.substr(0, slash), 65535, port) || port == 0)
            return "'" + visible(item) + "': not a port number (1 to 65535), optionally /MODE";
        mailwire::probe_candidate c{static_cast<std::uint16_t>(port),
                                    mailwire::encryption_for_port(static_cast<std::uint16_t>(port))};
        if (slash != std::string_view::npos) {
            const std::string_view mode = item.substr(slash + 1);
            if (iequals(mode, "implicit") || iequals(mode, "ssl") || iequals(mode, "smtps") || iequals(mode, "tls"))
                c.mode = mailwire::encryption::implicit;
            else if (iequals(mode, "starttls")) c.mode = mailwire::encryption::starttls;
            else if (iequals(mode, "opportunistic")) c.mode = mailwire::encryption::opportunistic;
            else if (iequals(mode, "none")) c.mode = mailwire::encryption::none;
            else return "'" + visible(item) + "': MODE is one of implicit (ssl, smtps, tls), starttls, opportunistic, none";
        }
        out.push_back(c);
        if (comma == std::string_view::npos) return std::string();
        list.remove_prefix(comma + 1);
    }
}
/// The default EHLO name: this host's name when it is fully qualified, else empty (the library
/// then says EHLO with the local address literal, RFC 5321 §4.1.4).
inline std::string default_ehlo_name() {
    char name[256] = {};
    if (::gethostname(name, sizeof(name) - 1) != 0) return std::string();
    std::string_view n(name);
    while (!n.empty() && n.back() == '.') n.remove_suffix(1);
    if (n.find('.') == std::string_view::npos || n.size() > 255) return std::string();
    for (char ch : n) {
        const unsigned char c = static_cast<unsigned char>(ch);
        if (c <= 32 || c >= 127) return std::string();
    }
    return std::string(n);
}

/// "mbedTLS 2.28.3" (the library the program runs with, where it says so; else the one it was
/// built against), or "TLS not built in". Pass MBEDTLS_VERSION_STRING's value from a translation
/// unit that includes mbedTLS, or nullptr.
inline std::string tls_version_text(const char* built_with, const char* running = nullptr) {
    if (built_with == nullptr) return "TLS not built in";
    std::string text = std::string("mbedTLS ") + (running != nullptr && *running != '\0' ? running : built_with);
    return text;
}

} // namespace mailwire_cli

#endif // MAILWIRE_EXAMPLES_CLI_HPP
