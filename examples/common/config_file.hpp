// SPDX-License-Identifier: BSL-1.0
// Accounts in a configuration file, in the shape msmtp's users know (msmtp(1), "Configuration
// files"):
//
//   # comment
//   defaults                    settings for every account below
//   tls_trust_file /etc/ssl/certs/ca-certificates.crt
//
//   account work                an account: its settings follow, one "key value" a line
//   provider gmail
//   from me@example.org
//   password_command "pass show mail/gmail"
//
//   account backup : work       starts from a copy of work
//   host mail.example.net
//
//   account default : work      the account used when none is named
//
// A value may be quoted ("...", with \" and \\ inside); "key = value" reads as "key value".
// What the keys mean is the program's business: this file reads accounts, checks who may read and
// change the file (as ssh checks its own), and keeps each setting's file and line for messages.
#ifndef MAILWIRE_EXAMPLES_CONFIG_FILE_HPP
#define MAILWIRE_EXAMPLES_CONFIG_FILE_HPP

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mailwire_config {

struct entry {
    std::string key; ///< lower case, '-' read as '_'
    std::string value;
    std::string where; ///< "FILE:LINE"
};

struct account {
    std::string name;
    std::string where; ///< where the account line is
    std::vector<entry> entries; ///< the defaults and parents first, then its own, in file order
};

struct config {
    std::vector<std::string> files;   ///< the files read, in order
    std::vector<entry> defaults;      ///< the last defaults section's settings
    std::vector<account> accounts;    ///< a later account of the same name replaces an earlier one

    const account* find(std::string_view name) const {
        for (auto it = accounts.rbegin(); it != accounts.rend(); ++it)
            if (it->name == name) return &*it;
        return nullptr;
    }
};

/// Why a file was not read: the message (with "FILE:LINE: " where a line is at fault) and one line
/// of advice a person can act on.
struct problem {
    std::string message;
    std::string advice;
    bool empty() const { return message.empty(); }
};

namespace detail {

inline bool space(char c) { return c == ' ' || c == '\t'; }

/// The value after the key: bare (to the end of the line, trailing blanks dropped) or quoted.
inline bool read_value(std::string_view rest, std::string& out, std::string& why) {
    out.clear();
    if (rest.empty() || rest.front() != '"') {
        while (!rest.empty() && space(rest.back())) rest.remove_suffix(1);
        out.assign(rest);
        return true;
    }
    std::size_t i = 1;
    for (; i < rest.size() && rest[i] != '"'; ++i) {
        if (rest[i] == '\\' && i + 1 < rest.size() && (rest[i + 1] == '"' || rest[i + 1] == '\\')) ++i;
        out += rest[i];
    }
    if (i == rest.size()) {
        why = "the quoted value has no closing \"";
        return false;
    }
    for (++i; i < rest.size(); ++i) {
        if (!space(rest[i])) {
            why = "something follows the quoted value";
            return false;
        }
    }
    return true;
}

inline std::string shell_quoted(const std::string& path) {
    for (char c : path)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '.' || c == '_' || c == '-' || c == '~'))
            return "'" + path + "'"; // (a file name with a quote in it is the user's own puzzle)
    return path;
}

} // namespace detail

/// Reads `path` into `into`. A file that does not exist is skipped unless `must_exist`.
/// `known` says whether a key is one the program understands. Refused (as ssh refuses its
/// configuration): a file that someone other than its owner may change, a file owned by another
/// user than the caller or root, and a file with a password in it that others may read.
template <class Known>
problem read_file(const std::string& path, bool must_exist, const Known& known, config& into) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        const int err = errno;
        if (err == ENOENT && !must_exist) return {};
        return {path + ": " + std::strerror(err), "Give a readable configuration file (--config FILE)."};
    }
    struct stat st {};
    std::string text;
    int err = ::fstat(fd, &st) != 0 ? errno : 0;
    if (err == 0 && S_ISREG(st.st_mode)) {
        char buf[4096];
        for (;;) {
            const ssize_t n = ::read(fd, buf, sizeof buf);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) err = errno;
            if (n <= 0) break;
            text.append(buf, static_cast<std::size_t>(n));
            if (text.size() > (1u << 20)) {
                ::close(fd);
                return {path + ": larger than 1 MiB", "A configuration file holds a few accounts; check the path."};
            }
        }
    }
    ::close(fd);
    if (err != 0) return {path + ": " + std::strerror(err), "Give a readable configuration file (--config FILE)."};
    if (!S_ISREG(st.st_mode)) return {path + ": not a regular file", "Give the configuration file itself (--config FILE)."};
    const std::string quoted = detail::shell_quoted(path);
    if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
        return {path + ": others may change this file, and with it where mail and passwords go",
                "Run: chmod go-w " + quoted};
    if (st.st_uid != ::geteuid() && st.st_uid != 0)
        return {path + ": the file belongs to another user",
                "Use a configuration file of your own (chown it, or copy it and pass --config FILE)."};

    std::vector<account> mine;
    std::vector<entry>& defaults = into.defaults;
    std::vector<entry>* section = &defaults; // settings before any account line are defaults
    bool has_password = false;
    std::size_t line_no = 0;
    for (std::size_t at = 0; at <= text.size();) {
        std::size_t end = text.find('\n', at);
        if (end == std::string::npos) end = text.size();
        std::string_view line(text.data() + at, end - at);
        at = end + 1;
        ++line_no;
        const std::string where = path + ":" + std::to_string(line_no);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        while (!line.empty() && detail::space(line.front())) line.remove_prefix(1);
        if (line.empty() || line.front() == '#') continue;
        for (char c : line) {
            if (static_cast<unsigned char>(c) < 0x20 && c != '\t')
                return {where + ": a control character", "Configuration files are text; remove it."};
        }
        std::size_t k = 0;
        while (k < line.size() && !detail::space(line[k]) && line[k] != '=') ++k;
        std::string key(line.substr(0, k));
        for (char& c : key) c = c == '-' ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        std::string_view rest = line.substr(k);
        while (!rest.empty() && detail::space(rest.front())) rest.remove_prefix(1);
        if (!rest.empty() && rest.front() == '=') {
            rest.remove_prefix(1);
            while (!rest.empty() && detail::space(rest.front())) rest.remove_prefix(1);
        }
        std::string value, why;
        if (!detail::read_value(rest, value, why)) return {where + ": " + why, "Close the quotes: key \"value\"."};

        if (key == "defaults") {
            if (!value.empty()) return {where + ": 'defaults' takes no value", "Write 'defaults' alone on its line."};
            defaults.clear();
            section = &defaults;
            continue;
        }
        if (key == "account") {
            // account NAME [: PARENT[, PARENT...]]
            const std::size_t colon = value.find(':');
            std::string name = value.substr(0, colon);
            while (!name.empty() && detail::space(name.back())) name.pop_back();
            if (name.empty() || name.find_first_of(" \t,") != std::string::npos)
                return {where + ": 'account' needs a name (one word)", "Write 'account NAME' or 'account NAME : PARENT'."};
            account a{name, where, defaults};
            if (colon != std::string::npos) {
                std::string_view parents = std::string_view(value).substr(colon + 1);
                while (!parents.empty()) {
                    const std::size_t comma = parents.find(',');
                    std::string_view p = parents.substr(0, comma);
                    parents = comma == std::string_view::npos ? std::string_view() : parents.substr(comma + 1);
                    while (!p.empty() && detail::space(p.front())) p.remove_prefix(1);
                    while (!p.empty() && detail::space(p.back())) p.remove_suffix(1);
                    const account* parent = nullptr;
                    for (auto it = mine.rbegin(); it != mine.rend() && parent == nullptr; ++it)
                        if (it->name == p) parent = &*it;
                    if (parent == nullptr) parent = into.find(p);
                    if (parent == nullptr)
                        return {where + ": no account '" + std::string(p) + "' above this line",
                                "Define an account before the accounts that start from it."};
                    a.entries.insert(a.entries.end(), parent->entries.begin(), parent->entries.end());
                }
            }
            mine.push_back(std::move(a));
            section = &mine.back().entries;
            continue;
        }
        if (!known(key))
            return {where + ": unknown key '" + key + "'", "docs/cli.md lists the keys a configuration file may hold."};
        if (value.empty()) return {where + ": '" + key + "' needs a value", "Write 'key value' on one line."};
        has_password = has_password || key == "password";
        section->push_back(entry{key, value, where});
    }
    if (has_password && (st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
        return {path + ": holds a password and others may read it", "Run: chmod 600 " + quoted};
    into.files.push_back(path);
    for (account& a : mine) into.accounts.push_back(std::move(a));
    return {};
}

/// The user's configuration file: $XDG_CONFIG_HOME/mailwire/config, else ~/.config/mailwire/config.
inline std::string user_file() {
    const char* xdg = std::getenv("XDG_CONFIG_HOME");
    if (xdg != nullptr && *xdg == '/') return std::string(xdg) + "/mailwire/config";
    const char* home = std::getenv("HOME");
    if (home == nullptr || *home == '\0') return std::string();
    return std::string(home) + "/.config/mailwire/config";
}

} // namespace mailwire_config

#endif // MAILWIRE_EXAMPLES_CONFIG_FILE_HPP
