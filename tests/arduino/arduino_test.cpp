// SPDX-License-Identifier: BSL-1.0
// mailwire::arduino_client_transport on the host: Arduino Clients stand-ins (tests/arduino/host:
// WiFiClient over a POSIX socket, WiFiClientSecure doing its own TLS with mbedTLS) against real
// servers (aiosmtpd, plain, STARTTLS and implicit TLS) and against peers that stall or close. The
// client keeps its deadlines with arduino_clock (millis()), as on a board without clock_gettime.
// The example sketch (examples/arduino/send_mail) is built in its three variants and run here too.
#include "fixture.hpp"
#include "probe_support.hpp"
#include "tls_fixture.hpp"

#include <catch2/catch.hpp>

#include <Arduino.h>
#include <WiFiClient.h>
#include <WiFiClientSecure.h>

#include <mailwire/arduino_client_transport.hpp>
#include <mailwire/mailwire.hpp>
#include <mailwire/mbedtls_tls.hpp>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <sys/socket.h>
#include <unistd.h>

namespace {

using interop::server_options;
using interop::smtp_server;

template <class ClientT>
using transport = mailwire::arduino_client_transport<ClientT>;
using plain_client = mailwire::basic_client<transport<WiFiClient>, mailwire::no_tls,
                                            mailwire::profile<0, mailwire::encryption::none>, mailwire::arduino_clock>;
/// The Client's own TLS (WiFiClientSecure), implicit TLS.
using secure_client = mailwire::basic_client<transport<WiFiClientSecure>, mailwire::transport_tls,
                                             mailwire::profiles::submissions, mailwire::arduino_clock>;

const char message_text[] = "From: <board@arduino.test>\r\n"
                            "To: <ops@arduino.test>\r\n"
                            "Subject: over an Arduino Client\r\n"
                            "\r\n"
                            "line one\r\n"
                            ".a line that starts with a dot\r\n";

std::string describe(const mailwire::error& e) {
    return std::string(mailwire::to_string(e.where)) + "/" + mailwire::to_string(e.kind) + "/" +
           mailwire::to_string(e.why) + ": " + e.advice();
}

template <class Client>
mailwire::send_result send_one(Client& c) {
    static mailwire::recipient to[] = {{"ops@arduino.test", {}}};
    mailwire::envelope env{"board@arduino.test", to, 1};
    return c.send(env, std::string_view(message_text, sizeof(message_text) - 1));
}

/// On an open encrypted session: AUTH as board/secret, one message, QUIT; what the server stored.
template <class Client>
std::vector<interop::received_message> authenticate_and_send(Client& c, const smtp_server& server) {
    CHECK(c.encrypted());
    const mailwire::error e = c.authenticate({"board", "secret"}); // refused where the client sees plaintext
    INFO(describe(e));
    REQUIRE(e.ok());
    REQUIRE(send_one(c).delivered());
    (void)c.quit();
    const auto messages = server.messages();
    REQUIRE(messages.size() == 1);
    CHECK(messages[0].tls);
    return messages;
}

/// A peer that accepts one connection, greets, reads the EHLO line and closes the connection.
class closing_peer {
public:
    closing_peer() {
        fd_ = probetest::listen_on_loopback(4, port_);
        if (port_ == 0) return;
        thread_ = std::thread([this] {
            const int c = ::accept(fd_, nullptr, nullptr);
            if (c < 0) return;
            const char greeting[] = "220 closing.test ESMTP\r\n";
            (void)::send(c, greeting, sizeof(greeting) - 1, MSG_NOSIGNAL);
            char buf[512];
            std::string got;
            while (got.find("\r\n") == std::string::npos) {
                const ssize_t n = ::recv(c, buf, sizeof(buf), 0);
                if (n <= 0) break;
                got.append(buf, static_cast<std::size_t>(n));
            }
            received_ehlo_ = got.compare(0, 5, "EHLO ") == 0;
            ::close(c);
        });
    }
    closing_peer(const closing_peer&) = delete;
    closing_peer& operator=(const closing_peer&) = delete;
    ~closing_peer() {
        if (thread_.joinable()) thread_.join();
        if (fd_ >= 0) ::close(fd_);
    }
    std::uint16_t port() const { return port_; }
    bool received_ehlo() {
        if (thread_.joinable()) thread_.join();
        return received_ehlo_;
    }

private:
    int fd_ = -1;
    std::uint16_t port_ = 0;
    std::atomic<bool> received_ehlo_{false};
    std::thread thread_;
};

} // namespace

TEST_CASE("arduino: a message through aiosmtpd over a WiFiClient, arrives byte for byte", "[arduino]") {
    smtp_server server;
    REQUIRE(server.ok());
    WiFiClient net;
    plain_client c{transport<WiFiClient>(net)};
    c.options().port = server.port();
    c.options().ehlo_name = "board.arduino.test";
    const mailwire::error e = c.open("127.0.0.1");
    REQUIRE(e.ok());
    const mailwire::send_result r = send_one(c);
    INFO(describe(r.err));
    REQUIRE(r.delivered());
    CHECK(c.quit().ok());
    CHECK(net.connects == 1);

    const auto messages = server.messages();
    REQUIRE(messages.size() == 1);
    CHECK(messages[0].mail_from == "board@arduino.test");
    // What the server stores: the content after dot-unstuffing (RFC 5321 §4.5.2), as sent.
    CHECK(messages[0].content == std::string(message_text, sizeof(message_text) - 1));
}

TEST_CASE("arduino: a peer that accepts and never speaks: the greeting's deadline ends the wait", "[arduino]") {
    probetest::silent_listener silent;
    REQUIRE(silent.port() != 0);
    WiFiClient net;
    plain_client c{transport<WiFiClient>(net)};
    c.options().port = silent.port();
    c.options().timeout.first_byte = 300; // the step that waits; its length is not what is tested
    const mailwire::error e = c.open("127.0.0.1");
    INFO(describe(e));
    REQUIRE_FALSE(e.ok());
    CHECK(e.where == mailwire::phase::greeting);
    CHECK(e.kind == mailwire::error_kind::protocol);
    CHECK(e.why == mailwire::cause::no_greeting);
    CHECK_FALSE(c.is_open());
}

TEST_CASE("arduino: a peer that closes after EHLO: connection lost, reported in the EHLO phase", "[arduino]") {
    closing_peer peer;
    REQUIRE(peer.port() != 0);
    WiFiClient net;
    plain_client c{transport<WiFiClient>(net)};
    c.options().port = peer.port();
    const mailwire::error e = c.open("127.0.0.1");
    INFO(describe(e));
    REQUIRE_FALSE(e.ok());
    CHECK(peer.received_ehlo());
    CHECK(e.where == mailwire::phase::ehlo);
    CHECK(e.kind == mailwire::error_kind::network);
    CHECK(e.why == mailwire::cause::connection_lost);
}

TEST_CASE("arduino: nothing listens: the Client's connect fails, reported in the connect phase", "[arduino]") {
    std::uint16_t port = 0;
    const int fd = probetest::listen_on_loopback(1, port);
    REQUIRE(port != 0);
    ::close(fd); // the port is free again, and nothing listens there
    WiFiClient net;
    plain_client c{transport<WiFiClient>(net)};
    c.options().port = port;
    const mailwire::error e = c.open("127.0.0.1");
    INFO(describe(e));
    REQUIRE_FALSE(e.ok());
    CHECK(e.where == mailwire::phase::connect);
    CHECK(e.kind == mailwire::error_kind::network);
}

TEST_CASE("arduino: STARTTLS and AUTH with mbedtls_tls over a plain WiFiClient", "[arduino][tls]") {
    smtp_server server(tlstest::aiosmtpd_tls(false, "board:secret"));
    REQUIRE(server.ok());
    WiFiClient net;
    mailwire::basic_client<transport<WiFiClient>, mailwire::mbedtls_tls, mailwire::profiles::submission,
                           mailwire::arduino_clock>
        c{transport<WiFiClient>(net)};
    c.options().port = server.port();
    c.tls().settings().ca_file = tlstest::ca_file();
    const mailwire::error e = c.open("localhost");
    INFO(describe(e) << " / " << c.tls().failure_detail());
    REQUIRE(e.ok());
    CHECK(authenticate_and_send(c, server)[0].auth_login == "board");
}

TEST_CASE("arduino: the Client's own TLS (WiFiClientSecure) with transport_tls: implicit TLS, AUTH allowed",
          "[arduino][tls]") {
    smtp_server server(tlstest::aiosmtpd_tls(true, "board:secret"));
    REQUIRE(server.ok());
    const std::string ca = interop::read_file(tlstest::pki("ca.pem"));
    WiFiClientSecure net;
    net.setCACert(ca.c_str());
    secure_client c{transport<WiFiClientSecure>(net)};
    c.options().port = server.port();
    const mailwire::error e = c.open("localhost");
    INFO(describe(e));
    REQUIRE(e.ok());
    CHECK(authenticate_and_send(c, server)[0].authenticated);
}

TEST_CASE("arduino: WiFiClientSecure with a CA that did not sign the server's certificate: connect fails, nothing sent",
          "[arduino][tls]") {
    smtp_server server(tlstest::aiosmtpd_tls(true));
    REQUIRE(server.ok());
    const std::string other_ca = interop::read_file(tlstest::pki("other-ca.pem"));
    WiFiClientSecure net;
    net.setCACert(other_ca.c_str());
    secure_client c{transport<WiFiClientSecure>(net)};
    c.options().port = server.port();
    const mailwire::error e = c.open("localhost");
    INFO(describe(e));
    REQUIRE_FALSE(e.ok());
    CHECK(e.where == mailwire::phase::connect);
    CHECK(server.messages().empty());
}

// ------------------------------------------------------------------ the example sketch, on the host
#if defined(MAILWIRE_SKETCH_PLAIN) && defined(MAILWIRE_SKETCH_CLIENT_TLS) && defined(MAILWIRE_SKETCH_MBEDTLS)
namespace {
interop::process_result run_sketch(const char* exe, const smtp_server& server) {
    return interop::run_process({exe}, "",
                                {"SKETCH_SMTP_PORT=" + std::to_string(server.port()), "SKETCH_CA_FILE=" + tlstest::pki("ca.pem")});
}
void check_delivered(const interop::process_result& run, const smtp_server& server, bool tls) {
    INFO(run.out << run.err);
    REQUIRE(run.exited);
    CHECK(run.status == 0);
    CHECK(run.out.find("delivered: 250") != std::string::npos);
    const auto messages = server.messages();
    REQUIRE(messages.size() == 1);
    CHECK(messages[0].tls == tls);
    CHECK(messages[0].content.find("Subject: Hello from an Arduino\r\n") != std::string::npos);
}
} // namespace

TEST_CASE("arduino: the example sketch, plain WiFiClient, delivers through aiosmtpd", "[arduino][sketch]") {
    smtp_server server;
    REQUIRE(server.ok());
    check_delivered(run_sketch(MAILWIRE_SKETCH_PLAIN, server), server, false);
}

TEST_CASE("arduino: the example sketch, WiFiClientSecure (its own TLS), delivers over implicit TLS with AUTH",
          "[arduino][sketch]") {
    smtp_server server(tlstest::aiosmtpd_tls(true, "device@example.org:app-password"));
    REQUIRE(server.ok());
    check_delivered(run_sketch(MAILWIRE_SKETCH_CLIENT_TLS, server), server, true);
    CHECK(server.messages()[0].authenticated);
}

TEST_CASE("arduino: the example sketch, mbedtls_tls over WiFiClient, delivers over STARTTLS with AUTH",
          "[arduino][sketch]") {
    smtp_server server(tlstest::aiosmtpd_tls(false, "device@example.org:app-password"));
    REQUIRE(server.ok());
    check_delivered(run_sketch(MAILWIRE_SKETCH_MBEDTLS, server), server, true);
    CHECK(server.messages()[0].authenticated);
}
#endif
