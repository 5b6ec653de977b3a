// SPDX-License-Identifier: BSL-1.0
// mailwire-send as sendmail(8): the recipients a message's To, Cc and Bcc fields name (for -t),
// and the Date, Message-ID and From fields a message without them gets (as sendmail and msmtp
// add them).
#ifndef MAILWIRE_SEND_SENDMAIL_HPP
#define MAILWIRE_SEND_SENDMAIL_HPP

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <string>
#include <string_view>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

namespace sendmail {

/// The addresses of an RFC 5322 address list (§3.4): "Name <a@b>", bare addr-specs, groups
/// ("team: a@b, c@d;"), quoted display names with commas, comments in parentheses. Each mailbox's
/// addr-spec is appended to `out` (its angle brackets and surrounding white space removed).
inline void addresses_in(std::string_view value, std::vector<std::string>& out) {
    std::string token, angle;
    bool in_quote = false, in_angle = false, had_angle = false;
    int comment = 0;
    const auto finish = [&] {
        std::string a = had_angle ? angle : token;
        const std::size_t b = a.find_first_not_of(" \t");
        const std::size_t e = a.find_last_not_of(" \t");
        a = b == std::string::npos ? std::string() : a.substr(b, e - b + 1);
        if (!a.empty() && a.find('@') != std::string::npos) out.push_back(a);
        token.clear();
        angle.clear();
        had_angle = false;
    };
    for (std::size_t i = 0; i < value.size(); ++i) {
        const char c = value[i];
        if (comment > 0) {
            if (c == '\\') ++i;
            else if (c == '(') ++comment;
            else if (c == ')') --comment;
            continue;
        }
        if (in_quote) {
            if (c == '\\') ++i;
            else if (c == '"') in_quote = false;
            continue; // a display name: not kept
        }
        if (in_angle) {
            if (c == '>') in_angle = false;
            else angle += c;
            continue;
        }
        switch (c) {
        case '"': in_quote = true; break;
        case '(': comment = 1; break;
        case '<':
            in_angle = true;
            had_angle = true;
            angle.clear();
            break;
        case ',':
        case ';': finish(); break;
        case ':': token.clear(); break; // a group's name
        default: token += c;
        }
    }
    finish();
}

/// RFC 5322 §3.3 date-time of `t`, in UTC: "Sun, 06 Dec 2026 05:20:35 +0000".
inline std::string date(std::time_t t) {
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    static const char* const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char* const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    char buf[64];
    std::snprintf(buf, sizeof(buf), "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday % 7], tm.tm_mday,
                  months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return buf;
}

/// A Message-ID (RFC 5322 §3.6.4): 96 random bits from /dev/urandom (the time and the process
/// if it cannot be read), at the sender's domain.
inline std::string message_id(std::string_view from) {
    unsigned char r[12] = {};
    bool got = false;
    const int fd = ::open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        got = ::read(fd, r, sizeof(r)) == static_cast<ssize_t>(sizeof(r));
        ::close(fd);
    }
    if (!got) {
        const std::uint64_t t = static_cast<std::uint64_t>(std::time(nullptr)) ^ (static_cast<std::uint64_t>(::getpid()) << 32);
        for (std::size_t i = 0; i < sizeof(r); ++i) r[i] = static_cast<unsigned char>(t >> (8 * (i % 8)));
    }
    std::string id = "<";
    static const char hex[] = "0123456789abcdef";
    for (unsigned char b : r) {
        id += hex[b >> 4];
        id += hex[b & 15];
    }
    const std::size_t at = from.rfind('@');
    id += ".mailwire@";
    id += at == std::string_view::npos || at + 1 == from.size() ? std::string("localhost") : std::string(from.substr(at + 1));
    id += '>';
    return id;
}

} // namespace sendmail

#endif // MAILWIRE_SEND_SENDMAIL_HPP
