// SPDX-License-Identifier: BSL-1.0
// Interop: PIPELINING that never deadlocks (issue 17, RFC 2920 §3.1), over real loopback sockets.
// The server (lockstep_server.py) has 4 KiB socket buffers and answers each command as soon as it
// reads it, one write per reply, worded as sendmail words them; thousands of recipients then make
// a client that writes the whole envelope before reading deadlock until the deadline. Each run
// must deliver one message to every recipient, with Nagle's algorithm off and on at the server,
// through posix_transport (which reads while it writes) and through a transport that cannot tell
// (the window), and through mailwire-send. No timing is asserted: the deadline is generous, and a
// client that deadlocks fails at it.
#include "fixture.hpp"

#include <mailwire/mailwire.hpp> // posix_transport; the single header is this one file

#include <catch2/catch.hpp>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <string>
#include <vector>

namespace {

using interop::server_options;
using interop::smtp_server;

constexpr std::size_t recipient_count = 5000;
constexpr std::uint32_t deadline_ms = 20000; // every step; a deadlocked client fails here

const std::string message = "From: sender@example.org\r\nTo: undisclosed-recipients:;\r\nSubject: many recipients\r\n\r\n"
                            "One message, five thousand recipients.\r\n";

server_options lockstep(bool nagle) {
    server_options o;
    o.script = "tests/interop/lockstep_server.py";
    if (nagle) o.extra_args.push_back("--nagle");
    return o;
}

std::vector<std::string> addresses() {
    std::vector<std::string> a;
    for (std::size_t i = 1; i <= recipient_count; ++i) a.push_back("rcpt" + std::to_string(i) + "@example.org");
    return a;
}

/// The client's socket buffers set to 4 KiB as well, as a firmware client's lwIP has them. With
/// only the server's small, Linux's loopback defaults (a 128 KiB receive buffer, a send buffer
/// that grows) can hold the whole envelope of 5000 recipients, and a client that writes everything
/// before it reads may get through; with both small it deadlocks every time.
inline mailwire::io_result small_buffers(mailwire::io_result r, int fd) {
    const int size = 4096;
    if (r.ok()) {
        ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
        ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
        // The window already offered is not taken back by a smaller buffer: clamp it too.
        ::setsockopt(fd, IPPROTO_TCP, TCP_WINDOW_CLAMP, &size, sizeof(size));
    }
    return r;
}

/// posix_transport (it reads while it writes: wait_ready()) with 4 KiB socket buffers.
class small_posix : public mailwire::posix_transport {
public:
    mailwire::io_result connect(std::string_view host, std::uint16_t port, std::uint32_t ms) {
        return small_buffers(posix_transport::connect(host, port, ms), native_handle());
    }
};

/// posix_transport without wait_ready(), with 4 KiB socket buffers: the client can only keep to
/// its window.
class window_only {
public:
    mailwire::io_result connect(std::string_view host, std::uint16_t port, std::uint32_t ms) {
        return small_buffers(t_.connect(host, port, ms), t_.native_handle());
    }
    mailwire::io_result read_some(char* buf, std::size_t len, std::uint32_t ms) { return t_.read_some(buf, len, ms); }
    mailwire::io_result write_some(const char* buf, std::size_t len, std::uint32_t ms) {
        return t_.write_some(buf, len, ms);
    }
    void close() { t_.close(); }

private:
    mailwire::posix_transport t_;
};
static_assert(!mailwire::detail::has_wait_ready<window_only>::value);
static_assert(mailwire::detail::has_wait_ready<mailwire::posix_transport>::value);
static_assert(mailwire::detail::has_wait_ready<small_posix>::value);

/// The server got one message, for every recipient in order, with the content as sent.
void check_server(const smtp_server& s, const std::vector<std::string>& to) {
    const std::vector<interop::received_message> got = s.messages();
    INFO(s.server_stderr());
    REQUIRE(got.size() == 1);
    REQUIRE(got[0].valid);
    CHECK(got[0].mail_from == "sender@example.org");
    CHECK(got[0].rcpt_tos.size() == to.size());
    CHECK(got[0].rcpt_tos == to);
    CHECK(interop::crlf_normalised(got[0].content) == interop::crlf_normalised(message));
}

template <class Transport>
void send_many(bool nagle) {
    smtp_server s(lockstep(nagle));
    INFO(s.problem());
    REQUIRE(s.ok());
    mailwire::client<Transport> c;
    c.options().port = s.port();
    c.options().ehlo_name = "client.example";
    c.options().timeout.set_all(deadline_ms);
    const mailwire::error opened = c.open("127.0.0.1");
    INFO(opened.advice());
    REQUIRE(opened.ok());
    REQUIRE(c.server_capabilities().pipelining);
    const std::vector<std::string> to = addresses();
    std::vector<mailwire::recipient> list(to.size());
    for (std::size_t i = 0; i < to.size(); ++i) list[i].address = to[i];
    mailwire::envelope env;
    env.sender = "sender@example.org";
    env.recipients = list.data();
    env.recipient_count = list.size();
    const mailwire::send_result r = c.send(env, message);
    INFO(mailwire::to_string(r.err.where) << "/" << mailwire::to_string(r.err.kind) << ": " << r.err.advice());
    CHECK(r.ok());
    CHECK(r.accepted == recipient_count);
    CHECK(r.refused == 0);
    CHECK(list[recipient_count - 1].result.message() == "<" + to.back() + ">... Recipient ok");
    CHECK(c.quit().ok());
    check_server(s, to);
}

} // namespace

TEST_CASE("pipelining: 5000 recipients through a server with 4 KiB buffers that answers as it reads, reading "
          "while writing (posix_transport)",
          "[interop][pipelining]") {
    SECTION("TCP_NODELAY at the server") { send_many<mailwire::posix_transport>(false); }
    SECTION("Nagle's algorithm at the server") { send_many<mailwire::posix_transport>(true); }
    SECTION("TCP_NODELAY at the server, 4 KiB buffers at the client too") { send_many<small_posix>(false); }
    SECTION("Nagle's algorithm at the server, 4 KiB buffers at the client too") { send_many<small_posix>(true); }
}

TEST_CASE("pipelining: 5000 recipients between 4 KiB buffers at both ends, through a transport that keeps to the "
          "window",
          "[interop][pipelining]") {
    SECTION("TCP_NODELAY at the server") { send_many<window_only>(false); }
    SECTION("Nagle's algorithm at the server") { send_many<window_only>(true); }
}

#if defined(MAILWIRE_SEND_EXE)
TEST_CASE("pipelining: mailwire-send delivers to 5000 recipients through a server with 4 KiB buffers",
          "[interop][pipelining]") {
    for (bool nagle : {false, true}) {
        INFO((nagle ? "Nagle on" : "TCP_NODELAY"));
        smtp_server s(lockstep(nagle));
        INFO(s.problem());
        REQUIRE(s.ok());
        std::vector<std::string> argv = {MAILWIRE_SEND_EXE, "--profile", "relay", "--tls", "none", "--host", "127.0.0.1",
                                         "--port", std::to_string(s.port()), "--from", "sender@example.org",
                                         "--timeout", std::to_string(deadline_ms / 1000), "--"};
        const std::vector<std::string> to = addresses();
        argv.insert(argv.end(), to.begin(), to.end());
        const interop::process_result r = interop::run_process(argv, message);
        INFO(r.describe());
        REQUIRE(r.exited);
        CHECK(r.status == 0);
        check_server(s, to);
    }
}
#endif
