// SPDX-License-Identifier: BSL-1.0
// mailwire interop tests: the fixture. `smtp_server` runs tests/interop/aiosmtpd_server.py on a
// free loopback port in its own temporary directory and reads back what it received;
// `run_process` runs a program (mailwire-send) with given standard input and captures the rest.
//
// No shell anywhere: fork + execve with pipes. Every pipe is close-on-exec, so one child never
// holds another's pipe open. The server's standard input is a pipe whose write end only this
// process holds: if the test process dies without running destructors (a failed REQUIRE without
// exceptions aborts), the server sees end of file and exits by itself.
#ifndef MAILWIRE_TESTS_INTEROP_FIXTURE_HPP
#define MAILWIRE_TESTS_INTEROP_FIXTURE_HPP

#include <mailwire/mailwire.hpp> // base64_decode; the single header has only this one

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/prctl.h>
#endif

extern char** environ;

#ifndef MAILWIRE_TEST_PYTHON
#define MAILWIRE_TEST_PYTHON "/usr/bin/python3"
#endif
#ifndef MAILWIRE_TEST_SOURCE_DIR
#error "MAILWIRE_TEST_SOURCE_DIR must name the repository root"
#endif

namespace interop {

// ------------------------------------------------------------------------------ small helpers

inline std::int64_t monotonic_ms() {
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

inline void sleep_ms(int ms) {
    timespec ts{ms / 1000, static_cast<long>(ms % 1000) * 1000000L};
    while (::nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

inline bool make_pipe(int fds[2]) {
#if defined(__linux__)
    return ::pipe2(fds, O_CLOEXEC) == 0;
#else
    if (::pipe(fds) != 0) return false;
    ::fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    ::fcntl(fds[1], F_SETFD, FD_CLOEXEC);
    return true;
#endif
}

inline void close_fd(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
}

inline std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

/// Waits for a child, at most `ms`; true and its status when it ended.
inline bool wait_child(pid_t pid, int ms, int& status) {
    const std::int64_t end = monotonic_ms() + ms;
    for (;;) {
        const pid_t r = ::waitpid(pid, &status, WNOHANG);
        if (r == pid) return true;
        if (r < 0 && errno != EINTR) return true; // not ours any more
        if (monotonic_ms() >= end) return false;
        sleep_ms(10);
    }
}

/// A TCP port on 127.0.0.1 where nothing listens (bound, then closed). Another process could take
/// it in between; for "connection refused" that is good enough on a test machine.
inline std::uint16_t unused_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return 0;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    std::uint16_t port = 0;
    socklen_t len = sizeof(a);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0)
        port = ntohs(a.sin_port);
    ::close(fd);
    return port;
}

/// RFC 5321 §2.3.8 / §4.5.2, written independently of the library: what the server must store for
/// `in`. Every line end (CRLF, a lone LF, a lone CR) is CRLF; a last line without a line end gets
/// one. The server removes the dot-stuffing, so no dots are added here.
inline std::string crlf_normalised(const std::string& in) {
    std::string out;
    out.reserve(in.size() + in.size() / 8 + 2);
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] == '\r') {
            out += "\r\n";
            if (i + 1 < in.size() && in[i + 1] == '\n') ++i;
        } else if (in[i] == '\n') {
            out += "\r\n";
        } else {
            out += in[i];
        }
    }
    if (!out.empty() && !(out.size() >= 2 && out.compare(out.size() - 2, 2, "\r\n") == 0)) out += "\r\n";
    return out;
}

/// Where two byte strings first differ, for a readable failure message.
inline std::string first_difference(const std::string& expected, const std::string& got) {
    std::size_t i = 0;
    while (i < expected.size() && i < got.size() && expected[i] == got[i]) ++i;
    if (i == expected.size() && i == got.size()) return "identical";
    auto show = [](const std::string& s, std::size_t at) {
        std::string r;
        const std::size_t from = at >= 20 ? at - 20 : 0;
        for (std::size_t k = from; k < s.size() && k < at + 20; ++k) {
            const unsigned char c = static_cast<unsigned char>(s[k]);
            if (c == '\r') r += "\\r";
            else if (c == '\n') r += "\\n";
            else if (c < 32 || c >= 127) {
                char b[8];
                std::snprintf(b, sizeof(b), "\\x%02x", c);
                r += b;
            } else r += static_cast<char>(c);
        }
        return r;
    };
    std::ostringstream o;
    o << "first difference at byte " << i << " (expected " << expected.size() << " bytes, got " << got.size()
      << "): expected \"" << show(expected, i) << "\", got \"" << show(got, i) << "\"";
    return o.str();
}

// ------------------------------------------------------------------------------ a tiny JSON reader
// Enough for the server's msg-<n>.json: objects, arrays, strings (with \uXXXX escapes up to
// U+FFFF, encoded as UTF-8), integers, true, false, null. No exceptions: parse() returns false.

struct json {
    enum class type { null, boolean, number, string, array, object } t = type::null;
    bool b = false;
    long long n = 0;
    std::string s;
    std::vector<json> a;
    std::map<std::string, json> o;

    const json& operator[](const std::string& key) const {
        static const json none;
        auto it = o.find(key);
        return it == o.end() ? none : it->second;
    }
    bool is_null() const { return t == type::null; }
    std::vector<std::string> strings() const {
        std::vector<std::string> r;
        for (const json& v : a) r.push_back(v.s);
        return r;
    }

    static bool parse(const std::string& text, json& out) {
        std::size_t pos = 0;
        if (!value(text, pos, out, 0)) return false;
        skip(text, pos);
        return pos == text.size();
    }

private:
    static void skip(const std::string& t, std::size_t& p) {
        while (p < t.size() && (t[p] == ' ' || t[p] == '\n' || t[p] == '\r' || t[p] == '\t')) ++p;
    }
    static bool literal(const std::string& t, std::size_t& p, const char* word) {
        const std::size_t n = std::strlen(word);
        if (t.compare(p, n, word) != 0) return false;
        p += n;
        return true;
    }
    static void utf8(std::string& s, unsigned cp) {
        if (cp < 0x80) {
            s += static_cast<char>(cp);
        } else if (cp < 0x800) {
            s += static_cast<char>(0xC0 | (cp >> 6));
            s += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            s += static_cast<char>(0xE0 | (cp >> 12));
            s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            s += static_cast<char>(0x80 | (cp & 0x3F));
        }
    }
    static bool string(const std::string& t, std::size_t& p, std::string& s) {
        if (p >= t.size() || t[p] != '"') return false;
        ++p;
        while (p < t.size()) {
            const char c = t[p++];
            if (c == '"') return true;
            if (c != '\\') {
                s += c;
                continue;
            }
            if (p >= t.size()) return false;
            const char e = t[p++];
            switch (e) {
            case '"': s += '"'; break;
            case '\\': s += '\\'; break;
            case '/': s += '/'; break;
            case 'b': s += '\b'; break;
            case 'f': s += '\f'; break;
            case 'n': s += '\n'; break;
            case 'r': s += '\r'; break;
            case 't': s += '\t'; break;
            case 'u': {
                if (p + 4 > t.size()) return false;
                unsigned cp = 0;
                for (int k = 0; k < 4; ++k) {
                    const char h = t[p++];
                    cp <<= 4;
                    if (h >= '0' && h <= '9') cp |= static_cast<unsigned>(h - '0');
                    else if (h >= 'a' && h <= 'f') cp |= static_cast<unsigned>(h - 'a' + 10);
                    else if (h >= 'A' && h <= 'F') cp |= static_cast<unsigned>(h - 'A' + 10);
                    else return false;
                }
                utf8(s, cp);
                break;
            }
            default: return false;
            }
        }
        return false;
    }
    static bool value(const std::string& t, std::size_t& p, json& v, int depth) {
        if (depth > 32) return false;
        skip(t, p);
        if (p >= t.size()) return false;
        const char c = t[p];
        if (c == '{') {
            v.t = type::object;
            ++p;
            skip(t, p);
            if (p < t.size() && t[p] == '}') return ++p, true;
            for (;;) {
                skip(t, p);
                std::string key;
                if (!string(t, p, key)) return false;
                skip(t, p);
                if (p >= t.size() || t[p] != ':') return false;
                ++p;
                json member;
                if (!value(t, p, member, depth + 1)) return false;
                v.o[key] = std::move(member);
                skip(t, p);
                if (p < t.size() && t[p] == ',') {
                    ++p;
                    continue;
                }
                if (p < t.size() && t[p] == '}') return ++p, true;
                return false;
            }
        }
        if (c == '[') {
            v.t = type::array;
            ++p;
            skip(t, p);
            if (p < t.size() && t[p] == ']') return ++p, true;
            for (;;) {
                json item;
                if (!value(t, p, item, depth + 1)) return false;
                v.a.push_back(std::move(item));
                skip(t, p);
                if (p < t.size() && t[p] == ',') {
                    ++p;
                    continue;
                }
                if (p < t.size() && t[p] == ']') return ++p, true;
                return false;
            }
        }
        if (c == '"') {
            v.t = type::string;
            return string(t, p, v.s);
        }
        if (literal(t, p, "true")) {
            v.t = type::boolean;
            v.b = true;
            return true;
        }
        if (literal(t, p, "false")) {
            v.t = type::boolean;
            return true;
        }
        if (literal(t, p, "null")) return true;
        if (c == '-' || (c >= '0' && c <= '9')) {
            v.t = type::number;
            bool neg = c == '-';
            if (neg) ++p;
            if (p >= t.size() || t[p] < '0' || t[p] > '9') return false;
            while (p < t.size() && t[p] >= '0' && t[p] <= '9') v.n = v.n * 10 + (t[p++] - '0');
            if (neg) v.n = -v.n;
            return true;
        }
        return false;
    }
};

// ------------------------------------------------------------------------------ received messages

/// One message as the server stored it.
struct received_message {
    int n = 0;
    std::string mail_from;
    std::vector<std::string> rcpt_tos;
    std::vector<std::string> mail_options;
    std::vector<std::string> rcpt_options;
    std::string content; ///< the DATA bytes after dot-unstuffing, CRLF line ends
    std::string ehlo;
    bool authenticated = false;
    std::string auth_login;
    std::string auth_mechanism;
    bool tls = false; ///< the session was encrypted when the message arrived (TLS fixtures)
    bool valid = false; ///< the file parsed and its base64 decoded
    std::string problem;
};

inline bool decode_base64(const std::string& text, std::string& out) {
    std::size_t n = 0;
    if (!mailwire::base64_decode(text, nullptr, 0, n)) return false;
    std::vector<unsigned char> buf(n + 1);
    if (!mailwire::base64_decode(text, buf.data(), buf.size(), n)) return false;
    out.assign(reinterpret_cast<const char*>(buf.data()), n);
    return true;
}

inline received_message parse_message_file(const std::string& path) {
    received_message m;
    json j;
    if (!json::parse(read_file(path), j) || j.t != json::type::object) {
        m.problem = "cannot parse " + path;
        return m;
    }
    m.n = static_cast<int>(j["n"].n);
    m.mail_from = j["mail_from"].s;
    m.rcpt_tos = j["rcpt_tos"].strings();
    m.mail_options = j["mail_options"].strings();
    m.rcpt_options = j["rcpt_options"].strings();
    m.ehlo = j["ehlo"].s;
    m.authenticated = j["authenticated"].b;
    m.auth_login = j["auth_login"].s;
    m.auth_mechanism = j["auth_mechanism"].s;
    m.tls = j["tls"].b;
    if (!decode_base64(j["content_base64"].s, m.content)) {
        m.problem = "invalid base64 in " + path;
        return m;
    }
    m.valid = true;
    return m;
}

// ------------------------------------------------------------------------------ the server

struct server_options {
    std::string host = "127.0.0.1";
    std::string auth; ///< "USER:PASS": offer AUTH PLAIN and LOGIN, accept only these credentials
    std::vector<std::string> refuse_rcpt;   ///< 550 5.1.1
    std::vector<std::string> tempfail_rcpt; ///< 451 4.3.0
    std::string reject_data;                ///< e.g. "554": the reply to the final "."
    long long size = -1;                    ///< data_size_limit; -1: aiosmtpd's default
    bool smtputf8 = false;
    bool no_8bitmime = false; ///< leave 8BITMIME out of the EHLO reply
    /// Another fixture server with the same interface (READY <port>, --outdir, stdin EOF ends it),
    /// relative to the repository root; empty: tests/interop/aiosmtpd_server.py.
    std::string script;
    std::vector<std::string> extra_args; ///< appended to the command line
    bool pass_host = true;               ///< give --host (scripts that take it)
};

class smtp_server {
public:
    explicit smtp_server(const server_options& opt = server_options()) { start(opt); }
    smtp_server(const smtp_server&) = delete;
    smtp_server& operator=(const smtp_server&) = delete;
    ~smtp_server() { stop(); }

    /// Whether the server is listening. When not, problem() says why.
    bool ok() const { return port_ != 0; }
    const std::string& problem() const { return problem_; }
    /// Whether it could not bind its address (e.g. no ::1 on this machine).
    bool bind_failed() const { return bind_failed_; }
    std::uint16_t port() const { return port_; }
    const std::string& dir() const { return dir_; }

    /// Every message stored so far, in the order received.
    std::vector<received_message> messages() const {
        std::vector<std::pair<int, std::string>> files;
        std::error_code ec;
        for (std::filesystem::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) {
            const std::string name = it->path().filename().string();
            if (name.size() > 9 && name.compare(0, 4, "msg-") == 0 && name.compare(name.size() - 5, 5, ".json") == 0)
                files.emplace_back(std::atoi(name.c_str() + 4), it->path().string());
        }
        std::sort(files.begin(), files.end());
        std::vector<received_message> out;
        for (const auto& f : files) out.push_back(parse_message_file(f.second));
        return out;
    }

    /// The server's event lines (see aiosmtpd_server.py): "EHLO x", "AUTH PLAIN", ...
    std::vector<std::string> events() const {
        std::vector<std::string> out;
        std::istringstream in(read_file(dir_ + "/events.log"));
        for (std::string line; std::getline(in, line);)
            if (!line.empty()) out.push_back(line);
        return out;
    }
    /// How many AUTH commands the server saw.
    std::size_t auth_attempts() const {
        std::size_t n = 0;
        for (const std::string& e : events())
            if (e.compare(0, 5, "AUTH ") == 0) ++n;
        return n;
    }
    /// The command lines the server received, as aiosmtpd logged them (AUTH data masked; the
    /// lines of the message content and of AUTH LOGIN exchanges are not commands).
    std::vector<std::string> commands() const {
        std::vector<std::string> out;
        std::istringstream in(dialogue());
        for (std::string line; std::getline(in, line);) {
            const std::size_t at = line.find(" >> b");
            if (at == std::string::npos || at + 6 > line.size()) continue;
            std::string cmd = line.substr(at + 6); // after the opening quote of b'...'
            if (!cmd.empty()) cmd.pop_back();      // the closing quote
            out.push_back(cmd);
        }
        return out;
    }
    /// Whether any command the server received starts with `verb` (case-insensitive).
    bool received_command(const std::string& verb) const {
        for (const std::string& c : commands()) {
            if (c.size() < verb.size()) continue;
            bool same = true;
            for (std::size_t i = 0; i < verb.size() && same; ++i)
                same = std::toupper(static_cast<unsigned char>(c[i])) == std::toupper(static_cast<unsigned char>(verb[i]));
            if (same) return true;
        }
        return false;
    }
    /// The raw dialogue and the server's own stderr, for failure messages.
    std::string dialogue() const { return read_file(dir_ + "/dialogue.log"); }
    std::string server_stderr() const { return read_file(dir_ + "/stderr.log"); }

private:
    void start(const server_options& opt) {
        char tmpl[] = "/tmp/mailwire-interop-XXXXXX";
        if (::mkdtemp(tmpl) == nullptr) {
            problem_ = std::string("mkdtemp: ") + std::strerror(errno);
            return;
        }
        dir_ = tmpl;

        const std::string script = opt.script.empty() ? std::string("tests/interop/aiosmtpd_server.py") : opt.script;
        std::vector<std::string> args = {MAILWIRE_TEST_PYTHON, "-u",
                                         std::string(MAILWIRE_TEST_SOURCE_DIR) + "/" + script, "--outdir", dir_};
        if (opt.pass_host) args.insert(args.end(), {"--host", opt.host});
        args.insert(args.end(), opt.extra_args.begin(), opt.extra_args.end());
        if (!opt.auth.empty()) args.insert(args.end(), {"--auth", opt.auth});
        for (const std::string& a : opt.refuse_rcpt) args.insert(args.end(), {"--refuse-rcpt", a});
        for (const std::string& a : opt.tempfail_rcpt) args.insert(args.end(), {"--tempfail-rcpt", a});
        if (!opt.reject_data.empty()) args.insert(args.end(), {"--reject-data", opt.reject_data});
        if (opt.size >= 0) args.insert(args.end(), {"--size", std::to_string(opt.size)});
        if (opt.smtputf8) args.push_back("--smtputf8");
        if (opt.no_8bitmime) args.push_back("--no-8bitmime");
        std::vector<char*> argv;
        for (std::string& a : args) argv.push_back(&a[0]);
        argv.push_back(nullptr);
        const std::string err_path = dir_ + "/stderr.log";

        int in[2], out[2];
        if (!make_pipe(in)) {
            problem_ = "pipe failed";
            return;
        }
        if (!make_pipe(out)) {
            ::close(in[0]);
            ::close(in[1]);
            problem_ = "pipe failed";
            return;
        }
        const pid_t parent = ::getpid();
        const pid_t pid = ::fork();
        if (pid < 0) {
            problem_ = std::string("fork: ") + std::strerror(errno);
            ::close(in[0]), ::close(in[1]), ::close(out[0]), ::close(out[1]);
            return;
        }
        if (pid == 0) {
            // Only async-signal-safe calls from here to execve.
#if defined(__linux__)
            ::prctl(PR_SET_PDEATHSIG, SIGTERM);
            if (::getppid() != parent) ::_exit(126);
#else
            (void)parent;
#endif
            ::dup2(in[0], 0);
            ::dup2(out[1], 1);
            const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
            if (err >= 0) ::dup2(err, 2);
            ::execve(argv[0], argv.data(), environ);
            ::_exit(127);
        }
        pid_ = pid;
        ::close(in[0]);
        ::close(out[1]);
        stdin_fd_ = in[1];
        stdout_fd_ = out[0];

        // "READY <port>\n" within 10 s, or a reason.
        std::string got;
        const std::int64_t end = monotonic_ms() + 10000;
        while (got.find('\n') == std::string::npos) {
            const std::int64_t left = end - monotonic_ms();
            if (left <= 0) {
                problem_ = "no READY line from the server within 10 s";
                break;
            }
            pollfd p{stdout_fd_, POLLIN, 0};
            const int r = ::poll(&p, 1, static_cast<int>(left));
            if (r < 0 && errno == EINTR) continue;
            if (r <= 0) continue;
            char buf[256];
            const ssize_t n = ::read(stdout_fd_, buf, sizeof(buf));
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {
                problem_ = "the server exited before it was ready";
                break;
            }
            got.append(buf, static_cast<std::size_t>(n));
        }
        if (got.compare(0, 6, "READY ") == 0) {
            const int p = std::atoi(got.c_str() + 6);
            if (p > 0 && p < 65536) {
                port_ = static_cast<std::uint16_t>(p);
                return;
            }
        }
        if (got.compare(0, 9, "BINDFAIL ") == 0) bind_failed_ = true;
        if (problem_.empty()) problem_ = "unexpected output from the server";
        const std::string line = got.substr(0, got.find('\n'));
        problem_ += " (stdout: \"" + line + "\"";
        stop_process();
        problem_ += ", stderr: \"" + server_stderr() + "\")";
    }

    /// SIGTERM, then SIGKILL after 5 s; the pipes are closed after the server has ended (an end
    /// of file first would tell it that the test process died, and it would remove its directory).
    void stop_process() {
        if (pid_ > 0) {
            int status = 0;
            ::kill(pid_, SIGTERM);
            if (!wait_child(pid_, 5000, status)) {
                ::kill(pid_, SIGKILL);
                while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
                }
            }
            pid_ = -1;
        }
        close_fd(stdin_fd_);
        close_fd(stdout_fd_);
    }

    void stop() {
        stop_process();
        if (!dir_.empty()) {
            std::error_code ec;
            std::filesystem::remove_all(dir_, ec);
            dir_.clear();
        }
    }

    pid_t pid_ = -1;
    int stdin_fd_ = -1;
    int stdout_fd_ = -1;
    std::uint16_t port_ = 0;
    bool bind_failed_ = false;
    std::string dir_;
    std::string problem_;
};

// ------------------------------------------------------------------------------ running a program

struct process_result {
    bool started = false;  ///< fork and exec worked
    bool exited = false;   ///< ended with exit(); else killed by a signal (or never started)
    int status = -1;       ///< exit status when exited, else the signal number
    bool hung = false;     ///< did not end within the safety bound and was killed
    std::string out;       ///< standard output
    std::string err;       ///< standard error
    long max_rss_kib = -1; ///< the program's peak resident set (wait4), not its children's

    std::string describe() const {
        std::ostringstream o;
        if (!started) o << "the program did not start";
        else if (hung) o << "the program did not finish and was killed";
        else if (exited) o << "exit status " << status;
        else o << "killed by signal " << status;
        o << "\n--- stdout ---\n" << out << "\n--- stderr ---\n" << err;
        return o.str();
    }
};

/// Runs argv[0] (a path, not searched) with `input` on its standard input and captures standard
/// output and error. `env` changes the inherited environment: "NAME=value" sets, "NAME" unsets.
/// Standard input is written as the program reads it (poll), so a large input cannot deadlock
/// against full output pipes. A program that has not ended after `safety_ms` is killed (a guard
/// against a hang, not a timing check: the tests never assert on time). With `stdin_file`,
/// standard input is that file instead (a regular file, as `prog < file` gives it).
inline process_result run_process(const std::vector<std::string>& argv_in, const std::string& input,
                                  const std::vector<std::string>& env = {}, int safety_ms = 100000,
                                  const std::string& stdin_file = std::string()) {
    process_result res;
    std::vector<std::string> envs;
    for (char** e = environ; *e != nullptr; ++e) {
        const std::string entry = *e;
        const std::string name = entry.substr(0, entry.find('='));
        bool replaced = false;
        for (const std::string& c : env)
            if (c.substr(0, c.find('=')) == name) replaced = true;
        if (!replaced) envs.push_back(entry);
    }
    for (const std::string& c : env)
        if (c.find('=') != std::string::npos) envs.push_back(c);
    std::vector<std::string> args = argv_in;
    std::vector<char*> argv, envp;
    for (std::string& a : args) argv.push_back(&a[0]);
    argv.push_back(nullptr);
    for (std::string& e : envs) envp.push_back(&e[0]);
    envp.push_back(nullptr);

    int in[2], out[2], err[2];
    if (!make_pipe(in)) return res;
    if (!make_pipe(out)) {
        ::close(in[0]), ::close(in[1]);
        return res;
    }
    if (!make_pipe(err)) {
        ::close(in[0]), ::close(in[1]), ::close(out[0]), ::close(out[1]);
        return res;
    }
    const pid_t pid = ::fork();
    if (pid < 0) {
        ::close(in[0]), ::close(in[1]), ::close(out[0]), ::close(out[1]), ::close(err[0]), ::close(err[1]);
        return res;
    }
    if (pid == 0) {
        if (!stdin_file.empty()) {
            const int f = ::open(stdin_file.c_str(), O_RDONLY);
            if (f < 0) ::_exit(126);
            ::dup2(f, 0);
        } else {
            ::dup2(in[0], 0);
        }
        ::dup2(out[1], 1);
        ::dup2(err[1], 2);
        ::execve(argv[0], argv.data(), envp.data());
        ::_exit(127);
    }
    res.started = true;
    ::close(in[0]);
    ::close(out[1]);
    ::close(err[1]);
    int fin = in[1], fout = out[0], ferr = err[0];
    ::fcntl(fin, F_SETFL, ::fcntl(fin, F_GETFL) | O_NONBLOCK);
    // A program that exits without reading all of its input must not kill us with SIGPIPE.
    struct sigaction ignore {}, previous{};
    ignore.sa_handler = SIG_IGN;
    ::sigemptyset(&ignore.sa_mask);
    ::sigaction(SIGPIPE, &ignore, &previous);

    std::size_t written = 0;
    if (input.empty() || !stdin_file.empty()) close_fd(fin);
    const std::int64_t end = monotonic_ms() + safety_ms;
    while (fout >= 0 || ferr >= 0) {
        pollfd p[3];
        nfds_t n = 0;
        int* owners[3];
        if (fin >= 0) p[n] = {fin, POLLOUT, 0}, owners[n++] = &fin;
        if (fout >= 0) p[n] = {fout, POLLIN, 0}, owners[n++] = &fout;
        if (ferr >= 0) p[n] = {ferr, POLLIN, 0}, owners[n++] = &ferr;
        const std::int64_t left = end - monotonic_ms();
        if (left <= 0) {
            res.hung = true;
            ::kill(pid, SIGKILL);
            break;
        }
        const int r = ::poll(p, n, static_cast<int>(left < 1000 ? left : 1000));
        if (r < 0 && errno != EINTR) break;
        if (r <= 0) continue;
        for (nfds_t i = 0; i < n; ++i) {
            if (p[i].revents == 0) continue;
            int& fd = *owners[i];
            if (&fd == &fin) {
                const ssize_t w = ::write(fd, input.data() + written, input.size() - written);
                if (w > 0) {
                    written += static_cast<std::size_t>(w);
                    if (written == input.size()) close_fd(fd);
                } else if (w < 0 && errno != EAGAIN && errno != EINTR) {
                    close_fd(fd); // EPIPE: the program stopped reading
                }
            } else {
                char buf[65536];
                const ssize_t got = ::read(fd, buf, sizeof(buf));
                if (got > 0) (&fd == &fout ? res.out : res.err).append(buf, static_cast<std::size_t>(got));
                else if (got == 0 || (errno != EINTR && errno != EAGAIN)) close_fd(fd);
            }
        }
    }
    close_fd(fin);
    close_fd(fout);
    close_fd(ferr);
    int status = 0;
    struct rusage usage {};
    while (::wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) {
    }
    res.max_rss_kib = usage.ru_maxrss;
    ::sigaction(SIGPIPE, &previous, nullptr);
    if (WIFEXITED(status)) {
        res.exited = true;
        res.status = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        res.status = WTERMSIG(status);
    }
    if (res.exited && res.status == 127 && res.err.empty()) res.started = false;
    return res;
}

} // namespace interop

#endif // MAILWIRE_TESTS_INTEROP_FIXTURE_HPP
