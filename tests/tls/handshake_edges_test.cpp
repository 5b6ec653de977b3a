// SPDX-License-Identifier: BSL-1.0
// Handshakes that real servers make hard, each named for what it is (issue 18, item 4): a
// certificate chain larger than one TLS record, which mbedTLS before 3.6.4 cannot put together and
// later versions only within MBEDTLS_SSL_IN_CONTENT_LEN (aiosmtpd with a 20 KiB certificate); and
// a server that asks to renegotiate inside the session (openssl s_server's HelloRequest), which
// mailwire refuses.
#include "tls_fixture.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

using mailwire::cause;
using mailwire::error;
using mailwire::error_kind;
using mailwire::phase;
using mailwire::profiles::submissions;
using tlstest::describe;
using tlstest::smtp_server;
using tlstest::tls_client;

namespace {
bool contains(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }
} // namespace

TEST_CASE("a certificate chain larger than the TLS receive buffer is named, with how to raise it", "[tls][handshake]") {
    smtp_server server(tlstest::aiosmtpd_tls(true, std::string(), "big"));
    INFO("server: " << server.problem());
    REQUIRE(server.ok());
    tls_client<submissions> t(server.port());
    const error e = t.c.open("localhost");
    INFO(describe(e) << " | " << t.c.tls().failure_detail());
    // mbedTLS 3.6.4 and later reassemble a message split across records, within the receive buffer.
    const bool fits = MBEDTLS_VERSION_NUMBER >= 0x03060400 && mailwire::detail::mbedtls_compat::in_content_len > 24 * 1024;
    if (fits) {
        CHECK(e.ok());
        return;
    }
    CHECK(e.where == phase::tls);
    CHECK(e.kind == error_kind::tls);
    CHECK(e.why == cause::tls_message_too_large);
    CHECK(contains(e.advice(), "MBEDTLS_SSL_IN_CONTENT_LEN"));
    CHECK(contains(t.c.tls().failure_detail(), "certificate chain"));
    CHECK_FALSE(contains(e.advice(), "STARTTLS")); // not the advice about the wrong kind of port
    CHECK(server.messages().empty());
}

TEST_CASE("a server that asks to renegotiate is named as such, not as a lost connection", "[tls][handshake]") {
    smtp_server server(tlstest::renegotiating());
    INFO("server: " << server.problem());
    REQUIRE(server.ok());
    tls_client<submissions> t(server.port());
    const error e = t.c.open("localhost");
    std::string events; // written as it happens: the request may be logged just after the failure
    for (int i = 0; i < 40 && !contains(events = interop::read_file(server.dir() + "/events.log"), "RENEGOTIATE"); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    INFO(describe(e) << " | " << t.c.tls().failure_detail() << "\nserver events:\n" << events);
    REQUIRE(contains(events, "RENEGOTIATE")); // the server did ask
    CHECK_FALSE(e.ok());
    CHECK(e.where == phase::ehlo);
    CHECK(e.kind == error_kind::tls);
    CHECK(e.why == cause::tls_renegotiation_refused);
    CHECK_FALSE(e.retryable());
    CHECK(contains(e.advice(), "renegotiat"));
    CHECK(contains(t.c.tls().failure_detail(), "HelloRequest"));
    CHECK_FALSE(t.c.is_open());
}

#if defined(MAILWIRE_SEND_EXE)
TEST_CASE("mailwire-send: a renegotiating server ends in 76 with the cause named", "[tls][handshake][send]") {
    smtp_server server(tlstest::renegotiating());
    INFO("server: " << server.problem());
    REQUIRE(server.ok());
    const interop::process_result r = interop::run_process(
        {MAILWIRE_SEND_EXE, "--host", "localhost", "--connect-to", "127.0.0.1", "--port", std::to_string(server.port()),
         "--tls", "implicit", "--cafile", tlstest::pki("ca.pem"), "--from", "a@example.org", "--subject", "s",
         "b@example.org"},
        "body\n");
    INFO(r.describe());
    REQUIRE(r.exited);
    CHECK(r.status == 76);
    CHECK(contains(r.err, "asked to renegotiate TLS"));
    CHECK_FALSE(contains(r.err, "check the network"));
}
#endif
