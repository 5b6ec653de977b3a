// SPDX-License-Identifier: BSL-1.0
// STARTTLS and implicit TLS against tests/tls/hostile_server.py: a real TLS server side (Python's
// ssl) playing the attacks of RFC 3207 §6 and Poddebniak et al. (USENIX Security 2021). In every
// failing case the client must stop before a credential or an envelope leaves, and never go on in
// plaintext.
#include "tls_fixture.hpp"

#include <catch2/catch.hpp>

#include <string>

using mailwire::cause;
using mailwire::error;
using mailwire::error_kind;
using mailwire::phase;
using mailwire::profiles::submission;
using mailwire::profiles::submissions;
using tlstest::describe;
using tlstest::hostile;
using tlstest::received;
using tlstest::sent_command;
using tlstest::smtp_server;
using tlstest::tls_client;

namespace {

/// Opens, then tries to authenticate and send as a careless caller would: after a failed open()
/// every further call must be refused locally.
template <class Profile>
error open_and_try_everything(std::uint16_t port, std::uint32_t timeout_ms = 5000) {
    tls_client<Profile> t(port, timeout_ms);
    const error e = t.c.open("localhost");
    const error a = t.c.authenticate({"user", "secret-password"});
    mailwire::recipient r{"rcpt@example.org", {}};
    mailwire::envelope env;
    env.sender = "sender@example.org";
    env.recipients = &r;
    env.recipient_count = 1;
    const mailwire::send_result s = t.c.send(env, "Subject: x\r\n\r\nbody\r\n");
    if (!e.ok()) {
        CHECK(a.why == cause::not_connected);
        CHECK(s.err.why == cause::not_connected);
    }
    t.c.close();
    return e;
}

/// Nothing of the credentials or the envelope reached the server, in plaintext or otherwise.
void check_nothing_leaked(const std::string& log) {
    INFO("received: " << log);
    CHECK_FALSE(sent_command(log, "AUTH"));
    CHECK_FALSE(sent_command(log, "MAIL"));
    CHECK_FALSE(sent_command(log, "RCPT"));
    CHECK(log.find("secret-password") == std::string::npos);
    CHECK(log.find("c2VjcmV0LXBhc3N3b3Jk") == std::string::npos); // base64 of the password
}

} // namespace

TEST_CASE("a well-behaved STARTTLS server: upgrade, EHLO again, then AUTH and the message encrypted",
          "[tls][starttls]") {
    smtp_server server(hostile("good-starttls"));
    INFO("server: " << server.problem());
    REQUIRE(server.ok());
    tls_client<submission> t(server.port());
    const error e = t.c.open("localhost");
    INFO(describe(e));
    REQUIRE(e.ok());
    CHECK(t.c.encrypted());
    REQUIRE(t.c.authenticate({"user", "secret-password"}).ok());
    mailwire::recipient r{"rcpt@example.org", {}};
    mailwire::envelope env;
    env.sender = "sender@example.org";
    env.recipients = &r;
    env.recipient_count = 1;
    CHECK(t.c.send(env, "Subject: x\r\n\r\nbody\r\n").delivered());
    CHECK(t.c.quit().ok());
    const std::string log = received(server);
    const std::size_t marker = log.find("--- TLS ---");
    REQUIRE(marker != std::string::npos);
    const std::string plain = log.substr(0, marker);
    const std::string secure = log.substr(marker);
    // In plaintext: EHLO and STARTTLS only. Through TLS: EHLO again, then the rest.
    CHECK(sent_command(plain, "EHLO"));
    CHECK(sent_command(plain, "STARTTLS"));
    check_nothing_leaked(plain);
    CHECK(sent_command(secure, "EHLO"));
    CHECK(sent_command(secure, "AUTH PLAIN"));
    CHECK(sent_command(secure, "MAIL FROM:<sender@example.org>"));
}

TEST_CASE("any reply to STARTTLS but an exact 220 aborts before credentials or envelope", "[tls][starttls]") {
    for (const char* scenario :
         {"starttls-reply-454", "starttls-reply-501", "starttls-reply-502", "starttls-reply-554", "starttls-reply-250",
          "starttls-reply-221", "starttls-reply-421", "starttls-reply-220-multiline", "starttls-reply-garbage",
          "starttls-reply-close", "starttls-reply-silence"}) {
        INFO("scenario " << scenario);
        smtp_server server(hostile(scenario));
        INFO("server: " << server.problem());
        REQUIRE(server.ok());
        const error e = open_and_try_everything<submission>(server.port(), 1500);
        INFO(describe(e));
        CHECK_FALSE(e.ok());
        const std::string s = scenario;
        if (s == "starttls-reply-220-multiline") {
            // A multi-line 220 is still a 220 (RFC 5321 §4.2.1): the client goes on to the
            // handshake, which this server never starts, so it fails in phase tls. The point is
            // the same: nothing in plaintext after it.
            CHECK((e.where == phase::starttls || e.where == phase::tls));
        } else {
            CHECK(e.where == phase::starttls);
        }
        const std::string log = received(server);
        check_nothing_leaked(log);
        CHECK(log.find("--- TLS ---") == std::string::npos);
    }
}

TEST_CASE("STARTTLS missing from the EHLO reply aborts a required session", "[tls][starttls]") {
    smtp_server server(hostile("no-starttls"));
    REQUIRE(server.ok());
    const error e = open_and_try_everything<submission>(server.port());
    INFO(describe(e));
    CHECK(e.where == phase::starttls);
    CHECK(e.why == cause::starttls_not_offered);
    CHECK(e.kind == error_kind::tls);
    const std::string log = received(server);
    check_nothing_leaked(log);
    CHECK_FALSE(sent_command(log, "STARTTLS"));
}

TEST_CASE("replies injected in the same segment as the 220 end the session before the handshake",
          "[tls][starttls][injection]") {
    for (const char* scenario : {"inject-after-220", "half-line-after-220"}) {
        INFO("scenario " << scenario);
        smtp_server server(hostile(scenario));
        REQUIRE(server.ok());
        const error e = open_and_try_everything<submission>(server.port());
        INFO(describe(e));
        CHECK(e.where == phase::starttls);
        CHECK(e.kind == error_kind::protocol);
        CHECK(e.why == cause::unexpected_reply);
        const std::string log = received(server);
        check_nothing_leaked(log);
        CHECK(log.find("--- TLS ---") == std::string::npos); // no handshake was even tried
    }
}

TEST_CASE("a reply injected after the 220 is never read as a post-TLS reply", "[tls][starttls][injection]") {
    smtp_server server(hostile("late-injection"));
    REQUIRE(server.ok());
    const error e = open_and_try_everything<submission>(server.port());
    INFO(describe(e));
    CHECK_FALSE(e.ok());
    CHECK((e.where == phase::tls || e.where == phase::starttls));
    check_nothing_leaked(received(server));
}

TEST_CASE("only the EHLO answer after TLS counts", "[tls][starttls]") {
    smtp_server server(hostile("caps-change"));
    REQUIRE(server.ok());
    tls_client<submission> t(server.port());
    const error e = t.c.open("localhost");
    INFO(describe(e));
    REQUIRE(e.ok());
    const mailwire::capabilities& caps = t.c.server_capabilities();
    CHECK(caps.size_limit == 5000);
    CHECK(caps.offers(mailwire::auth_mechanism::xoauth2));
    CHECK_FALSE(caps.offers(mailwire::auth_mechanism::plain));
    CHECK_FALSE(caps.offers(mailwire::auth_mechanism::login));
    // PLAIN was offered only before TLS: asking for it now is refused locally.
    const error a = t.c.authenticate({"user", "secret-password"}, mailwire::auth_mechanism::plain);
    CHECK(a.why == cause::mechanism_not_offered);
    t.c.close();
    CHECK_FALSE(sent_command(received(server), "AUTH"));
}

TEST_CASE("STARTTLS is never sent twice, even when offered again after TLS", "[tls][starttls]") {
    smtp_server server(hostile("starttls-again"));
    REQUIRE(server.ok());
    tls_client<submission> t(server.port());
    const error e = t.c.open("localhost");
    INFO(describe(e));
    REQUIRE(e.ok());
    CHECK(t.c.noop().ok());
    (void)t.c.quit();
    const std::string log = received(server);
    const std::size_t first = log.find("STARTTLS");
    REQUIRE(first != std::string::npos);
    CHECK(log.find("STARTTLS", first + 1) == std::string::npos);
}

TEST_CASE("implicit TLS: never STARTTLS inside TLS", "[tls][implicit]") {
    smtp_server server(hostile("good-implicit"));
    REQUIRE(server.ok());
    tls_client<submissions> t(server.port());
    const error e = t.c.open("localhost");
    INFO(describe(e));
    REQUIRE(e.ok());
    CHECK(t.c.encrypted());
    (void)t.c.quit();
    const std::string log = received(server);
    CHECK(log.rfind("--- TLS ---", 0) == 0); // TLS from the first byte
    CHECK_FALSE(sent_command(log, "STARTTLS"));
}

TEST_CASE("plaintext SMTP on an implicit-TLS port is named, with the profile to use", "[tls][implicit][diagnostics]") {
    smtp_server server(hostile("plaintext-on-implicit"));
    REQUIRE(server.ok());
    const error e = open_and_try_everything<submissions>(server.port());
    INFO(describe(e));
    CHECK(e.where == phase::tls);
    CHECK(e.kind == error_kind::tls);
    CHECK(e.why == cause::tls_plaintext_server);
    CHECK(std::string(e.advice()).find("submission") != std::string::npos);
    check_nothing_leaked(received(server));
}

TEST_CASE("a server that accepts and says nothing, not even to a ClientHello, is no greeting: a silent proxy", "[tls][diagnostics]") {
    // After the first-byte wait the client tries TLS to tell an implicit-TLS port from silence;
    // this one answers neither (an implicit-TLS server would: real_server_test.cpp).
    smtp_server server(hostile("silent"));
    REQUIRE(server.ok());
    const error e = open_and_try_everything<submission>(server.port(), 1000);
    INFO(describe(e));
    CHECK(e.where == phase::greeting);
    CHECK(e.why == cause::no_greeting);
    CHECK(e.kind == error_kind::protocol);
    CHECK_FALSE(e.retryable());
    CHECK(std::string(e.advice()).find("proxy") != std::string::npos);
    check_nothing_leaked(received(server));
}

TEST_CASE("an implicit-TLS client whose ClientHello gets no octet back ends at the first-byte wait", "[tls][implicit][diagnostics]") {
    smtp_server server(hostile("silent"));
    REQUIRE(server.ok());
    const error e = open_and_try_everything<submissions>(server.port(), 1000);
    INFO(describe(e));
    CHECK(e.where == phase::tls);
    CHECK(e.why == cause::no_greeting);
    CHECK(e.kind == error_kind::protocol);
    CHECK_FALSE(e.retryable());
}

TEST_CASE("an EHLO refused after TLS ends the session", "[tls][starttls]") {
    smtp_server server(hostile("reply-after-tls-then-quit"));
    REQUIRE(server.ok());
    const error e = open_and_try_everything<submission>(server.port());
    INFO(describe(e));
    CHECK(e.where == phase::ehlo);
    CHECK(e.server.code == 554);
    check_nothing_leaked(received(server));
}
