// SPDX-License-Identifier: BSL-1.0
// What the mailwire-probe tests share (tests/interop/probe_tool_test.cpp, tests/tls/probe_tool_test.cpp):
// running the tool, its output's lines, its JSON checked twice (Python's json module and the
// fixture's reader), a loopback listener that accepts connections and never says a word, and one
// that drops every SYN (used by the mailwire-send --fallback tests and the Arduino tests too; only
// run_probe needs MAILWIRE_PROBE_EXE).
#ifndef MAILWIRE_TESTS_INTEROP_PROBE_SUPPORT_HPP
#define MAILWIRE_TESTS_INTEROP_PROBE_SUPPORT_HPP

#include "fixture.hpp"

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace probetest {

#if defined(MAILWIRE_PROBE_EXE)
/// mailwire-probe with these arguments (nothing on standard input).
inline interop::process_result run_probe(const std::vector<std::string>& args, const std::vector<std::string>& env = {}) {
    std::vector<std::string> argv = {MAILWIRE_PROBE_EXE};
    argv.insert(argv.end(), args.begin(), args.end());
    return interop::run_process(argv, std::string(), env);
}
#endif

/// The output line that starts with `prefix`, or "" when there is none.
inline std::string line_starting(const std::string& out, const std::string& prefix) {
    std::size_t start = 0;
    while (start < out.size()) {
        std::size_t end = out.find('\n', start);
        if (end == std::string::npos) end = out.size();
        if (out.compare(start, prefix.size(), prefix) == 0) return out.substr(start, end - start);
        start = end + 1;
    }
    return std::string();
}

/// The candidate's class on its line ("587/starttls  ok  12 ms ..." gives "ok").
inline std::string class_on_line(const std::string& out, const std::string& label) {
    const std::string line = line_starting(out, label + " ");
    std::size_t at = label.size();
    while (at < line.size() && line[at] == ' ') ++at;
    const std::size_t end = line.find(' ', at);
    return at < line.size() ? line.substr(at, end == std::string::npos ? std::string::npos : end - at) : std::string();
}

/// Whether Python's json module accepts the text (RFC 8259, strict about control characters).
inline bool python_parses(const std::string& text) {
    const interop::process_result r = interop::run_process(
        {MAILWIRE_TEST_PYTHON, "-c", "import json, sys; json.load(sys.stdin)"}, text);
    return r.started && r.exited && r.status == 0;
}

/// A TCP socket listening on 127.0.0.1 at a port the kernel picks: the descriptor (-1 on
/// failure) and the port in `port` (0 on failure).
inline int listen_on_loopback(int backlog, std::uint16_t& port) {
    port = 0;
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(a);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 || ::listen(fd, backlog) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0)
        return fd; // port stays 0
    port = ntohs(a.sin_port);
    return fd;
}

/// A TCP listener on 127.0.0.1 that accepts every connection and never sends a byte: a firewall
/// or proxy that takes the connection while no SMTP server answers.
class silent_listener {
public:
    silent_listener() {
        fd_ = listen_on_loopback(16, port_);
        if (port_ == 0) return;
        thread_ = std::thread([this] {
            while (!stop_) {
                pollfd p{fd_, POLLIN, 0};
                if (::poll(&p, 1, 50) > 0) {
                    const int c = ::accept(fd_, nullptr, nullptr);
                    if (c >= 0) accepted_.push_back(c);
                }
            }
        });
    }
    silent_listener(const silent_listener&) = delete;
    silent_listener& operator=(const silent_listener&) = delete;
    ~silent_listener() {
        stop_ = true;
        if (thread_.joinable()) thread_.join();
        for (int c : accepted_) ::close(c);
        if (fd_ >= 0) ::close(fd_);
    }
    std::uint16_t port() const { return port_; }

private:
    int fd_ = -1;
    std::uint16_t port_ = 0;
    std::atomic<bool> stop_{false};
    std::vector<int> accepted_; ///< only the thread touches it until it is joined
    std::thread thread_;
};

/// A listener that never completes another handshake: backlog 0, filled by connections never
/// accepted, so the kernel drops further SYNs (a firewall that drops packets, on loopback).
class syn_dropper {
public:
    syn_dropper() {
        fd_ = listen_on_loopback(0, port_);
        if (port_ == 0) return;
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = htons(port_);
        for (int i = 0; i < 4; ++i) {
            const int c = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
            (void)::connect(c, reinterpret_cast<sockaddr*>(&a), sizeof(a));
            fillers_.push_back(c);
        }
        interop::sleep_ms(100); // the fillers take the backlog
    }
    syn_dropper(const syn_dropper&) = delete;
    syn_dropper& operator=(const syn_dropper&) = delete;
    ~syn_dropper() {
        for (int c : fillers_) ::close(c);
        if (fd_ >= 0) ::close(fd_);
    }
    std::uint16_t port() const { return port_; }

private:
    int fd_ = -1;
    std::uint16_t port_ = 0;
    std::vector<int> fillers_;
};

} // namespace probetest

#endif // MAILWIRE_TESTS_INTEROP_PROBE_SUPPORT_HPP
