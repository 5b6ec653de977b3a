// SPDX-License-Identifier: BSL-1.0
// Where mailwire-send and mailwire-probe take a password or an OAuth2 token from, besides an
// environment variable: the first line of a file, the first line a command prints (how `pass`,
// keyrings, secret managers and OAuth2 token refreshers are used), or ~/.netrc as curl reads it.
// A secret never comes from the command line itself, so it is never in any process's argv.
#ifndef MAILWIRE_EXAMPLES_SECRETS_HPP
#define MAILWIRE_EXAMPLES_SECRETS_HPP

#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace secrets {

/// The first line of `text`, without its line end (CRLF or LF).
inline std::string first_line(std::string_view text) {
    std::size_t end = text.find('\n');
    if (end == std::string_view::npos) end = text.size();
    if (end != 0 && text[end - 1] == '\r') --end;
    return std::string(text.substr(0, end));
}

/// Reads a whole file descriptor (at most `limit` octets); false with errno on a read error.
inline bool read_all(int fd, std::string& out, std::size_t limit = 1u << 16) {
    char buf[4096];
    while (out.size() < limit) {
        const ssize_t n = ::read(fd, buf, sizeof(buf));
        if (n > 0) {
            out.append(buf, static_cast<std::size_t>(n));
        } else if (n == 0) {
            return true;
        } else if (errno != EINTR) {
            return false;
        }
    }
    return true;
}

/// The first line of the file at `path`. On failure `why` says what went wrong.
inline bool from_file(const std::string& path, std::string& secret, std::string& why) {
    int fd;
    do {
        fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        why = std::strerror(errno);
        return false;
    }
    std::string text;
    const bool ok = read_all(fd, text);
    const int err = errno;
    ::close(fd);
    if (!ok) {
        why = std::strerror(err);
        return false;
    }
    secret = first_line(text);
    if (secret.empty()) {
        why = "its first line is empty";
        return false;
    }
    return true;
}

/// Runs `command` with /bin/sh -c (standard input from /dev/null, standard error shared) and takes
/// the first line of what it prints. It must exit with status 0.
inline bool from_command(const std::string& command, std::string& secret, std::string& why) {
    int out[2];
    if (::pipe(out) != 0) {
        why = std::strerror(errno);
        return false;
    }
    const pid_t pid = ::fork();
    if (pid < 0) {
        why = std::strerror(errno);
        ::close(out[0]);
        ::close(out[1]);
        return false;
    }
    if (pid == 0) {
        const int null = ::open("/dev/null", O_RDONLY);
        if (null >= 0) ::dup2(null, 0);
        ::dup2(out[1], 1);
        ::close(out[0]);
        ::close(out[1]);
        ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    ::close(out[1]);
    std::string text;
    const bool read_ok = read_all(out[0], text);
    ::close(out[0]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!read_ok) {
        why = "reading its output failed";
        return false;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        why = WIFEXITED(status) ? "it exited with status " + std::to_string(WEXITSTATUS(status)) : "it was killed by a signal";
        return false;
    }
    secret = first_line(text);
    if (secret.empty()) {
        why = "it printed nothing on its first line";
        return false;
    }
    return true;
}

/// The netrc file curl reads by default: $NETRC, else ~/.netrc.
inline std::string default_netrc() {
    if (const char* n = std::getenv("NETRC"); n != nullptr && *n != '\0') return n;
    const char* home = std::getenv("HOME");
    return std::string(home != nullptr ? home : "") + "/.netrc";
}

/// The login and password for `machine` in a netrc file (the format of ftp(1) and curl: tokens
/// "machine NAME", "default", "login NAME", "password SECRET", "account", "macdef" up to a blank
/// line). With `user` given, an entry for that machine with that login; else the first entry for
/// the machine (or the default entry). Quoted tokens ("a b") as curl takes them.
inline bool from_netrc(const std::string& path, std::string_view machine, std::string_view user, std::string& login,
                       std::string& password, std::string& why) {
    int fd;
    do {
        fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        why = path + ": " + std::strerror(errno);
        return false;
    }
    std::string text;
    const bool ok = read_all(fd, text, 1u << 20);
    ::close(fd);
    if (!ok) {
        why = path + ": " + std::strerror(errno);
        return false;
    }
    // Tokens, separated by white space; a macdef's body runs to the next blank line.
    std::vector<std::string> tokens;
    for (std::size_t i = 0; i < text.size();) {
        while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r')) ++i;
        if (i >= text.size()) break;
        std::string t;
        if (text[i] == '"') {
            for (++i; i < text.size() && text[i] != '"'; ++i) {
                if (text[i] == '\\' && i + 1 < text.size()) ++i;
                t += text[i];
            }
            ++i;
        } else {
            while (i < text.size() && text[i] != ' ' && text[i] != '\t' && text[i] != '\n' && text[i] != '\r') t += text[i++];
        }
        if (t == "macdef") {
            const std::size_t blank = text.find("\n\n", i);
            i = blank == std::string::npos ? text.size() : blank + 2;
            continue;
        }
        tokens.push_back(t);
    }
    // Entries: from one "machine"/"default" to the next.
    bool found = false;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        const bool is_default = tokens[i] == "default";
        if (!(tokens[i] == "machine" && i + 1 < tokens.size()) && !is_default) continue;
        const bool matches = is_default || tokens[i + 1] == machine;
        std::string l, p;
        std::size_t j = i + (is_default ? 1 : 2);
        for (; j + 1 < tokens.size() && tokens[j] != "machine" && tokens[j] != "default"; j += 2) {
            if (tokens[j] == "login") l = tokens[j + 1];
            else if (tokens[j] == "password") p = tokens[j + 1];
        }
        i = j - 1;
        if (!matches || p.empty() || (!user.empty() && l != user)) continue;
        login = l.empty() ? std::string(user) : l;
        password = p;
        found = true;
        if (!is_default) break; // a machine's own entry wins over the default
    }
    if (!found)
        why = path + ": no entry with a password for machine " + std::string(machine) +
              (user.empty() ? std::string() : " and login " + std::string(user));
    return found;
}

} // namespace secrets

#endif // MAILWIRE_EXAMPLES_SECRETS_HPP
