// SPDX-License-Identifier: BSL-1.0
// mailwire-send --fallback and --backup on loopback (issue 12 item 3): past a closed port, a port
// that accepts and never speaks, and a port whose listener drops the SYN (its backlog full: the
// staggered connect moves on); to a backup after a refused connect, a 421 greeting and a 4xx to
// MAIL FROM; never to a backup after the final "." (the outcome is unknown) nor after a 5xx to
// MAIL FROM. The good server is python3-aiosmtpd; the misbehaving ones are scripted here.
#include "fixture.hpp"
#include "probe_support.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#if defined(MAILWIRE_SEND_EXE) && defined(MAILWIRE_PROBE_EXE) // probe_support.hpp: the silent listener

namespace {

using interop::process_result;
using interop::smtp_server;

const std::string message = "From: sender@example.org\nTo: alice@example.org\nSubject: fallback\n\nbody\n";

process_result run_send(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {MAILWIRE_SEND_EXE, "--host", "127.0.0.1", "--from", "sender@example.org",
                                     "--timeout", "3"};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.push_back("alice@example.org");
    return interop::run_process(argv, message);
}

bool has_line(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

/// A loopback SMTP server scripted in a few rules: the greeting, then a reply per command line
/// (`answer`; "" closes the connection), DATA's content read to the final "." and answered with
/// `after_dot` ("" closes without a word). Records every line it received.
class line_server {
public:
    std::string greeting = "220 scripted ESMTP\r\n";
    std::function<std::string(const std::string&)> answer = [](const std::string& line) -> std::string {
        if (line.compare(0, 4, "EHLO") == 0) return "250 scripted\r\n";
        if (line.compare(0, 4, "DATA") == 0) return "354 go\r\n";
        if (line.compare(0, 4, "QUIT") == 0) return "221 bye\r\n";
        return "250 ok\r\n";
    };
    std::string after_dot = "250 queued\r\n";

    line_server() { fd_ = probetest::listen_on_loopback(8, port_); }
    void start() {
        thread_ = std::thread([this] { serve(); });
    }
    ~line_server() {
        stop_ = true;
        if (thread_.joinable()) thread_.join();
        if (fd_ >= 0) ::close(fd_);
    }
    std::uint16_t port() const { return port_; }
    std::vector<std::string> lines() const {
        const std::lock_guard<std::mutex> g(m_);
        return lines_;
    }
    int connections() const { return connections_; }
    bool received(const std::string& verb) const {
        for (const std::string& l : lines())
            if (l.compare(0, verb.size(), verb) == 0) return true;
        return false;
    }

private:
    void serve() {
        while (!stop_) {
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, 50) <= 0) continue;
            const int c = ::accept(fd_, nullptr, nullptr);
            if (c < 0) continue;
            ++connections_;
            talk(c);
            ::close(c);
        }
    }
    bool say(int c, const std::string& s) { return s.empty() || ::send(c, s.data(), s.size(), MSG_NOSIGNAL) >= 0; }
    void talk(int c) {
        if (!say(c, greeting) || greeting.compare(0, 1, "2") != 0) return;
        std::string buf;
        bool in_data = false;
        for (;;) {
            const std::size_t eol = buf.find("\r\n");
            if (!in_data && eol != std::string::npos) {
                const std::string line = buf.substr(0, eol);
                buf.erase(0, eol + 2);
                {
                    const std::lock_guard<std::mutex> g(m_);
                    lines_.push_back(line);
                }
                const std::string reply = answer(line);
                if (reply.empty() || !say(c, reply)) return;
                if (reply.compare(0, 3, "354") == 0) in_data = true;
                if (reply.compare(0, 3, "221") == 0) return;
                continue;
            }
            if (in_data) {
                const std::size_t end = buf.find("\r\n.\r\n");
                if (end != std::string::npos) {
                    {
                        const std::lock_guard<std::mutex> g(m_);
                        lines_.push_back("<content>");
                    }
                    buf.erase(0, end + 5);
                    in_data = false;
                    if (after_dot.empty() || !say(c, after_dot)) return;
                    continue;
                }
            }
            pollfd p{c, POLLIN, 0};
            if (::poll(&p, 1, 5000) <= 0) return;
            char tmp[4096];
            const ssize_t n = ::recv(c, tmp, sizeof(tmp), 0);
            if (n <= 0) return;
            buf.append(tmp, static_cast<std::size_t>(n));
        }
    }

    int fd_ = -1;
    std::uint16_t port_ = 0;
    std::thread thread_;
    std::atomic<bool> stop_{false};
    std::atomic<int> connections_{0};
    mutable std::mutex m_;
    std::vector<std::string> lines_;
};

} // namespace

TEST_CASE("mailwire-send --fallback: past a closed port and a silent one to the port that works", "[fallback]") {
    smtp_server good;
    INFO("server: " << good.problem());
    REQUIRE(good.ok());
    probetest::silent_listener silent;
    REQUIRE(silent.port() != 0);
    const std::string closed = std::to_string(interop::unused_port());
    const std::string g = std::to_string(good.port()), q = std::to_string(silent.port());
    const process_result r = run_send({"--fallback=" + closed + "/none," + q + "/none," + g + "/none"});
    INFO(r.describe());
    REQUIRE(r.exited);
    CHECK(r.status == 0);
    CHECK(has_line(r.err, "* using " + q + " (no TLS): " + closed + " refused the connection"));
    CHECK(has_line(r.err, "* using " + g + " (no TLS): " + q + " accepted the connection, but no server spoke"));
    CHECK(has_line(r.err, "* delivered through " + g));
    CHECK(good.messages().size() == 1);
}

TEST_CASE("mailwire-send --fallback: a port that drops the SYN is passed over by the staggered connect",
          "[fallback]") {
    smtp_server good;
    INFO("server: " << good.problem());
    REQUIRE(good.ok());
    probetest::syn_dropper dropper;
    REQUIRE(dropper.port() != 0);
    const std::string d = std::to_string(dropper.port()), g = std::to_string(good.port());
    const process_result r = run_send({"--fallback=" + d + "/none," + g + "/none"});
    INFO(r.describe());
    REQUIRE(r.exited);
    CHECK(r.status == 0);
    // Passed over when the next port connected first, or timed out: either way, named.
    CHECK((has_line(r.err, "* using " + g + " (no TLS): " + d + " had not connected after") ||
           has_line(r.err, "* using " + g + " (no TLS): " + d + " timed out after")));
    CHECK(good.messages().size() == 1);
}

TEST_CASE("mailwire-send --fallback: every port failing ends with the last failure's status and advice",
          "[fallback]") {
    const std::string a = std::to_string(interop::unused_port()), b = std::to_string(interop::unused_port());
    const process_result r = run_send({"--fallback=" + a + "/none," + b + "/none"});
    INFO(r.describe());
    REQUIRE(r.exited);
    CHECK(r.status == 69); // EX_UNAVAILABLE: refused
    CHECK(has_line(r.err, "* using " + b + " (no TLS): " + a + " refused the connection"));
    CHECK(has_line(r.err, "advice: "));
}

TEST_CASE("mailwire-send --backup: tried after a refused connect, a 421 greeting and a 4xx to MAIL FROM",
          "[fallback]") {
    smtp_server backup;
    INFO("server: " << backup.problem());
    REQUIRE(backup.ok());
    const std::string to_backup = "127.0.0.1:" + std::to_string(backup.port());
    SECTION("refused") {
        const process_result r = run_send({"--host", "localhost", "--connect-to", "127.0.0.1", "--port",
                                           std::to_string(interop::unused_port()), "--tls", "none", "--backup", to_backup});
        INFO(r.describe());
        REQUIRE(r.exited);
        CHECK(r.status == 0);
        CHECK(has_line(r.err, "* using backup 127.0.0.1 port " + std::to_string(backup.port())));
        CHECK(backup.messages().size() == 1);
    }
    SECTION("421 at the greeting") {
        line_server busy;
        busy.greeting = "421 4.3.2 too busy, try later\r\n";
        busy.start();
        const process_result r =
            run_send({"--host", "localhost", "--connect-to", "127.0.0.1", "--port", std::to_string(busy.port()), "--tls",
                      "none", "--backup", to_backup});
        INFO(r.describe());
        REQUIRE(r.exited);
        CHECK(r.status == 0);
        CHECK(has_line(r.err, "421 4.3.2 too busy"));
        CHECK(backup.messages().size() == 1);
    }
    SECTION("451 to MAIL FROM") {
        line_server greylist;
        greylist.answer = [](const std::string& line) -> std::string {
            if (line.compare(0, 4, "EHLO") == 0) return "250 scripted\r\n";
            if (line.compare(0, 4, "MAIL") == 0) return "451 4.7.1 greylisted, try again later\r\n";
            if (line.compare(0, 4, "QUIT") == 0) return "221 bye\r\n";
            return "503 5.5.1 no transaction\r\n";
        };
        greylist.start();
        const process_result r = run_send({"--host", "localhost", "--connect-to", "127.0.0.1", "--port",
                                           std::to_string(greylist.port()), "--tls", "none", "--backup", to_backup});
        INFO(r.describe());
        REQUIRE(r.exited);
        CHECK(r.status == 0);
        CHECK(has_line(r.err, "451 4.7.1 greylisted"));
        CHECK_FALSE(greylist.received("DATA"));
        CHECK(backup.messages().size() == 1);
    }
}

TEST_CASE("mailwire-send --backup: never after the final dot, nor after a 5xx to MAIL FROM", "[fallback]") {
    smtp_server backup;
    INFO("server: " << backup.problem());
    REQUIRE(backup.ok());
    const std::string to_backup = "127.0.0.1:" + std::to_string(backup.port());
    SECTION("the connection closes after the final dot: outcome unknown, exit 74") {
        line_server lost;
        lost.after_dot = ""; // closes without a word
        lost.start();
        const process_result r = run_send({"--host", "localhost", "--connect-to", "127.0.0.1", "--port",
                                           std::to_string(lost.port()), "--tls", "none", "--backup", to_backup});
        INFO(r.describe());
        REQUIRE(r.exited);
        CHECK(r.status == 74);
        CHECK(lost.received("<content>"));
        CHECK(has_line(r.err, "never sent again"));
        CHECK(backup.messages().empty());
        CHECK_FALSE(backup.received_command("MAIL"));
    }
    SECTION("550 to MAIL FROM") {
        line_server refuses;
        refuses.answer = [](const std::string& line) -> std::string {
            if (line.compare(0, 4, "EHLO") == 0) return "250 scripted\r\n";
            if (line.compare(0, 4, "MAIL") == 0) return "550 5.7.1 sender refused\r\n";
            if (line.compare(0, 4, "QUIT") == 0) return "221 bye\r\n";
            return "503 5.5.1 no transaction\r\n";
        };
        refuses.start();
        const process_result r = run_send({"--host", "localhost", "--connect-to", "127.0.0.1", "--port",
                                           std::to_string(refuses.port()), "--tls", "none", "--backup", to_backup});
        INFO(r.describe());
        REQUIRE(r.exited);
        CHECK(r.status == 69);
        CHECK(backup.messages().empty());
        CHECK_FALSE(backup.received_command("MAIL"));
    }
}

TEST_CASE("mailwire-send: --fallback=LIST with --port is a usage error, as is a bad --backup", "[fallback]") {
    const process_result a = run_send({"--fallback=587,465", "--port", "2525"});
    CHECK(a.exited);
    CHECK(a.status == 64);
    const process_result b = run_send({"--backup", "mx.example:0"});
    CHECK(b.exited);
    CHECK(b.status == 64);
    const process_result c = run_send({"--fallback=587/bogus"});
    CHECK(c.exited);
    CHECK(c.status == 64);
}

#endif
