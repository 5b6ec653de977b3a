// SPDX-License-Identifier: BSL-1.0
// Advice (issue item 6): one line a person can act on, with the specific sentences the issue asks
// for — port 25 blocked (suggest 587 or 2525), credentials refused (app password, OAuth2), a TLS
// server on a plaintext connection (name the profile submissions) — and never an empty one.
//
// Advice that fits the case (the port doctor's item 6): the replies real providers send, each
// through a whole scripted dialogue, and the rules that keep advice from sending a person in a
// circle (never the port that just failed; STARTTLS, not credentials, when encryption is missing).
#include "support.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <string>

using mailwire::cause;
using mailwire::encryption;
using mailwire::error;
using mailwire::error_kind;
using mailwire::io_status;
using mailwire::phase;
using mwtest::session;

namespace {
bool mentions(const error& e, const std::string& needle) { return mwtest::advice_mentions(e, needle); }
} // namespace

TEST_CASE("a connect timeout on port 25 says it is often blocked and suggests 587 and 2525", "[unit][advice]") {
    session t; // relay profile: port 25
    const error e = mwtest::connect_timeout(t);
    INFO(mwtest::describe(e));
    CHECK(e.where == phase::connect);
    CHECK(e.kind == error_kind::timeout);
    CHECK(t.s.connected_port == 25);
    CHECK(mentions(e, "25"));
    CHECK(mentions(e, "block"));
    CHECK(mentions(e, "587"));
    CHECK(mentions(e, "2525"));
    CHECK_FALSE(t.c.is_open());

    SECTION("on another port it does not blame port 25") {
        mwtest::basic_session<mailwire::profile<2525, mailwire::encryption::none>> u;
        const error f = mwtest::connect_timeout(u);
        INFO(mwtest::describe(f));
        CHECK(f.kind == error_kind::timeout);
        CHECK(std::string(f.advice()) != "");
        CHECK_FALSE(mentions(f, "port 25"));
    }
}

TEST_CASE("other connect failures carry advice", "[unit][advice]") {
    struct failure {
        io_status status;
        error_kind kind;
    };
    for (const failure& f : {failure{io_status::refused, error_kind::network}, failure{io_status::unreachable, error_kind::network},
                             failure{io_status::resolve, error_kind::resolve}, failure{io_status::error, error_kind::network}}) {
        session t;
        t.s.fail_connect(f.status);
        const error e = t.c.open("smtp.example");
        INFO(mwtest::describe(e));
        CHECK(e.where == phase::connect);
        CHECK(e.kind == f.kind);
        CHECK(std::string(e.advice()) != "");
        if (f.status == io_status::refused) CHECK(e.why == cause::connection_refused);
    }
}

TEST_CASE("a 535 says the credentials were refused and mentions app passwords and OAuth2", "[unit][advice][auth]") {
    session t;
    const error e = mwtest::login_refused(t);
    INFO(mwtest::describe(e));
    CHECK(e.kind == error_kind::auth);
    CHECK(mentions(e, "app password"));
    CHECK(mentions(e, "OAuth2"));
    CHECK((mentions(e, "refused") || mentions(e, "rejected")));
}

TEST_CASE("a server that accepts and never greets is named as such, and the advice names a proxy or firewall", "[unit][advice]") {
    session t;
    t.s.silence();
    const error e = t.c.open("smtp.example");
    INFO(mwtest::describe(e));
    CHECK(e.where == phase::greeting);
    CHECK(e.kind == error_kind::protocol);
    CHECK(e.why == cause::no_greeting);
    CHECK_FALSE(e.retryable());
    CHECK(mentions(e, "proxy"));
    CHECK(mentions(e, "firewall"));
}

TEST_CASE("no greeting on port 465 from a client without TLS names implicit TLS as the likely cause", "[unit][advice]") {
    session t;
    t.c.options().port = 465;
    t.s.silence();
    const error e = t.c.open("smtp.example");
    INFO(mwtest::describe(e));
    CHECK(e.why == cause::no_greeting);
    CHECK(mentions(e, "implicit TLS"));
}

TEST_CASE("a server that closes before any greeting octet is no greeting, not a lost connection", "[unit][advice]") {
    session t;
    t.s.close();
    const error e = t.c.open("smtp.example");
    INFO(mwtest::describe(e));
    CHECK(e.where == phase::greeting);
    CHECK(e.why == cause::no_greeting);
    CHECK(e.kind == error_kind::protocol);
    CHECK_FALSE(e.retryable());
}

TEST_CASE("a TLS record where the greeting belongs names the profile submissions", "[unit][advice]") {
    SECTION("a TLS alert whose last octet happens to be a line feed") {
        // content type 0x15 (alert), version 3.1, length 2, fatal, unexpected_message (0x0a).
        session t;
        t.s.reply(std::string("\x15\x03\x01\x00\x02\x02\x0a", 7));
        const error e = t.c.open("smtp.example");
        INFO(mwtest::describe(e));
        CHECK(e.where == phase::greeting);
        CHECK(e.why == cause::greeting_looks_like_tls);
        CHECK(mentions(e, "submissions"));
    }
    SECTION("a TLS alert with no line feed, then the server closes") {
        // handshake_failure (0x28): nothing in it looks like a line end.
        session t;
        t.s.close(std::string("\x15\x03\x03\x00\x02\x02\x28", 7));
        const error e = t.c.open("smtp.example");
        INFO(mwtest::describe(e));
        CHECK(e.where == phase::greeting);
        CHECK(e.why == cause::greeting_looks_like_tls);
        CHECK(mentions(e, "submissions"));
    }
    SECTION("a TLS handshake record with no line feed, then silence") {
        session t;
        t.s.reply(std::string("\x16\x03\x03\x00\x31\x02\x00\x00\x2d\x03\x03", 11));
        const error e = t.c.open("smtp.example");
        INFO(mwtest::describe(e));
        CHECK(e.where == phase::greeting);
        CHECK(mentions(e, "submissions"));
    }
}

TEST_CASE("the plaintext AUTH refusal names the encrypted profiles", "[unit][advice][auth]") {
    session t;
    const error e = mwtest::plaintext_auth(t);
    INFO(mwtest::describe(e));
    CHECK(e.why == cause::plaintext_auth_refused);
    CHECK(mentions(e, "submission"));
    CHECK((mentions(e, "587") || mentions(e, "465")));
}

TEST_CASE("a 5xx at RCPT that denies relaying says to authenticate", "[unit][advice]") {
    session t;
    mwtest::greet(t.s);
    t.s.reply("250 ok\r\n").reply("554 5.7.1 <x@example.net>: Relay access denied\r\n").reply("250 reset\r\n");
    REQUIRE(t.c.open("smtp.example").ok());
    mwtest::recipients to({"x@example.net"});
    mailwire::envelope env = to.envelope("a@example.org");
    const mailwire::send_result r = t.c.send(env, "x\r\n");
    INFO(mwtest::describe(r.err));
    CHECK(r.err.why == cause::all_recipients_refused);
    CHECK(mentions(r.err, "authenticate"));
}

TEST_CASE("every cause and kind has advice, and advise() never returns null or empty for a failure", "[unit][advice]") {
    // A synthetic error for every (phase, kind, cause) a client can produce.
    const phase phases[] = {phase::connect, phase::tls,  phase::greeting, phase::ehlo, phase::starttls, phase::auth, phase::mail,
                            phase::rcpt,    phase::data, phase::body,     phase::end_of_data, phase::rset, phase::noop, phase::quit};
    const error_kind kinds[] = {error_kind::resolve,   error_kind::network,  error_kind::timeout, error_kind::temporary,
                                error_kind::permanent, error_kind::protocol, error_kind::tls,     error_kind::auth,
                                error_kind::usage};
    std::size_t empty = 0;
    for (phase p : phases)
        for (error_kind k : kinds)
            for (int c = 0; c <= static_cast<int>(cause::all_recipients_refused); ++c)
                for (std::uint16_t code : {std::uint16_t(0), std::uint16_t(421), std::uint16_t(450), std::uint16_t(535),
                                           std::uint16_t(550), std::uint16_t(554)}) {
                    error e;
                    e.where = p;
                    e.kind = k;
                    e.why = static_cast<cause>(c);
                    e.server.code = code;
                    for (std::uint16_t port : {std::uint16_t(25), std::uint16_t(465), std::uint16_t(587), std::uint16_t(8025)}) {
                        const char* a = mailwire::advise(e, mailwire::advice_context{port, mailwire::encryption::none, false});
                        if (a == nullptr || a[0] == '\0') {
                            ++empty;
                            if (empty <= 5) {
                                INFO(mailwire::to_string(p) << "/" << mailwire::to_string(k) << "/" << mailwire::to_string(e.why)
                                                            << " code " << code << " port " << port);
                                CHECK(a != nullptr);
                                CHECK(std::string(a ? a : "") != "");
                            }
                        }
                    }
                }
    CHECK(empty == 0);
    error none;
    CHECK(std::string(none.advice()) == ""); // success needs no advice
}

TEST_CASE("the reply's code, enhanced status code and words choose the advice", "[unit][advice]") {
    // advise() matches these against tables (advice_reply_codes, _statuses, advice_word_*): each
    // one, and an enhanced status code only when it is the whole code (5.7.1 is not 5.7.14).
    auto advice = [](phase where, error_kind kind, std::uint16_t code, const char* esc, const char* text = "") {
        error e;
        e.where = where;
        e.kind = kind;
        e.server.code = code;
        std::snprintf(e.server.enhanced, sizeof(e.server.enhanced), "%s", esc);
        e.server.text_size = static_cast<std::uint16_t>(std::snprintf(e.server.text, sizeof(e.server.text), "%s", text));
        return std::string(mailwire::advise(e, mailwire::advice_context{587, mailwire::encryption::starttls, true}));
    };
    const std::string refused = advice(phase::auth, error_kind::auth, 535, "5.7.8");
    CHECK(advice(phase::auth, error_kind::auth, 534, "") != refused);
    CHECK(advice(phase::auth, error_kind::auth, 535, "5.7.9") == advice(phase::auth, error_kind::auth, 534, ""));
    CHECK(advice(phase::auth, error_kind::auth, 535, "5.7.14") == advice(phase::auth, error_kind::auth, 534, ""));
    CHECK(advice(phase::auth, error_kind::auth, 535, "5.7.1") == refused);
    CHECK(advice(phase::auth, error_kind::auth, 538, "") == advice(phase::auth, error_kind::auth, 535, "5.7.11"));
    CHECK(advice(phase::auth, error_kind::auth, 538, "").find("TLS") != std::string::npos);

    const std::string sender = advice(phase::mail, error_kind::permanent, 550, "5.1.8", "sender rejected");
    CHECK(advice(phase::mail, error_kind::permanent, 550, "", "Authentication Required") != sender);
    CHECK(advice(phase::mail, error_kind::permanent, 550, "", "Authentication Required") ==
          advice(phase::mail, error_kind::permanent, 530, ""));
    CHECK(advice(phase::mail, error_kind::permanent, 550, "5.7.0") == advice(phase::mail, error_kind::permanent, 530, ""));

    const std::string mailbox = advice(phase::rcpt, error_kind::permanent, 550, "5.1.1", "no such user");
    CHECK(advice(phase::rcpt, error_kind::permanent, 550, "", "RELAYING DENIED") != mailbox);
    CHECK(advice(phase::rcpt, error_kind::permanent, 550, "5.7.1") == advice(phase::rcpt, error_kind::permanent, 550, "", "relay"));

    // Too large only where the message is sent; the same reply elsewhere is a plain refusal.
    CHECK(advice(phase::end_of_data, error_kind::permanent, 552, "").find("too large") != std::string::npos);
    CHECK(advice(phase::data, error_kind::permanent, 554, "5.3.4").find("too large") != std::string::npos);
    CHECK(advice(phase::noop, error_kind::permanent, 552, "5.3.4").find("too large") == std::string::npos);

    CHECK(advice(phase::rcpt, error_kind::temporary, 452, "") != advice(phase::mail, error_kind::temporary, 452, ""));
    CHECK(advice(phase::mail, error_kind::temporary, 421, "").find("closing") != std::string::npos);
}

// ---------------------------------------------------------------- advice that fits the case

namespace {

/// AUTH refused with `reply` (plaintext AUTH allowed, as on a trusted network).
error auth_refused_with(const std::string& reply) {
    mwtest::session t;
    mwtest::greet(t.s, {"AUTH PLAIN LOGIN"});
    t.s.reply(reply).reply("221 bye\r\n");
    t.c.options().allow_plaintext_auth = true;
    REQUIRE(t.c.open("smtp.example").ok());
    return t.c.authenticate({"user@example.org", "a-correct-password"});
}

/// MAIL FROM refused with `reply`.
error mail_refused_with(const std::string& reply) {
    mwtest::session t;
    mwtest::greet(t.s);
    t.s.reply(reply).reply("250 reset\r\n");
    REQUIRE(t.c.open("smtp.example").ok());
    mwtest::recipients to({"b@example.org"});
    mailwire::envelope env = to.envelope("a@example.org");
    return t.c.send(env, "Subject: t\r\n\r\nhi\r\n").err;
}

/// The whole message refused after the final "." with `reply`.
error message_refused_with(const std::string& reply) {
    mwtest::session t;
    mwtest::greet(t.s);
    t.s.reply("250 ok\r\n").reply("250 ok\r\n").reply("354 go\r\n").reply(reply).reply("250 reset\r\n");
    REQUIRE(t.c.open("smtp.example").ok());
    mwtest::recipients to({"b@example.org"});
    mailwire::envelope env = to.envelope("a@example.org");
    return t.c.send(env, "Subject: t\r\n\r\nhi\r\n").err;
}

/// The advice with the port that failed, where it is named as such ("port N", "on N"), taken out.
std::string without_port_named(const error& e, const std::string& port) {
    std::string a = e.advice();
    for (const std::string& named : {"port " + port, "on " + port})
        for (std::size_t at; (at = a.find(named)) != std::string::npos;) a.erase(at, named.size());
    return a;
}
} // namespace

TEST_CASE("Microsoft 365's 5.7.139 says an administrator must enable SMTP AUTH, not to check the password", "[unit][advice]") {
    const error e = auth_refused_with("535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled "
                                      "for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information.\r\n");
    INFO(mwtest::describe(e));
    CHECK(e.kind == error_kind::auth);
    CHECK(mentions(e, "administrator"));
    CHECK(mentions(e, "OAuth2"));
    CHECK_FALSE(mentions(e, "check user name and password"));
    // The reply is kept whole, the provider's address included.
    if (MAILWIRE_REPLY_TEXT_SIZE >= 400 && MAILWIRE_RX_BUFFER_SIZE >= 514) // (not in the small-buffer build)
        CHECK(e.server.message().find("https://aka.ms/smtp_auth_disabled") != std::string::npos);

    SECTION("and 5.7.3 the same") {
        const error f = auth_refused_with("535 5.7.3 Authentication unsuccessful [AM0PR01CA0001.eurprd01.prod.exchangelabs.com]\r\n");
        INFO(mwtest::describe(f));
        CHECK(std::string(f.advice()) == e.advice());
    }
    SECTION("while a plain 535 5.7.8 still asks to check the credentials") {
        const error f = auth_refused_with("535 5.7.8 Username and Password not accepted\r\n");
        CHECK(mentions(f, "check user name and password"));
    }
}

TEST_CASE("530 'Must issue a STARTTLS command first' on plaintext asks for STARTTLS, not for a login", "[unit][advice]") {
    const error e = mail_refused_with("530 5.7.0 Must issue a STARTTLS command first. - gsmtp\r\n");
    INFO(mwtest::describe(e));
    CHECK(e.where == phase::mail);
    CHECK(mentions(e, "STARTTLS"));
    CHECK_FALSE(mentions(e, "authenticate"));

    SECTION("also when it answers AUTH") {
        const error f = auth_refused_with("530 5.7.0 Must issue a STARTTLS command first\r\n");
        INFO(mwtest::describe(f));
        CHECK(mentions(f, "STARTTLS"));
        CHECK_FALSE(mentions(f, "app password"));
    }
    SECTION("while 530 Authentication required still asks for a login") {
        const error f = mail_refused_with("530 5.7.0 Authentication required\r\n");
        CHECK(mentions(f, "authenticat"));
    }
}

TEST_CASE("DMARC, SPF and DKIM refusals name the sender domain's authentication", "[unit][advice]") {
    const std::string gmail =
        "550-5.7.26 Unauthenticated email from example.org is not accepted due to domain's\r\n"
        "550-5.7.26 DMARC policy. Please contact the administrator of example.org domain if\r\n"
        "550-5.7.26 this was a legitimate mail. To learn about the DMARC initiative, go to\r\n"
        "550 5.7.26  https://support.google.com/mail/?p=DmarcRejection - gsmtp\r\n";
    const error e = message_refused_with(gmail);
    INFO(mwtest::describe(e));
    CHECK(e.where == phase::end_of_data);
    CHECK(mentions(e, "SPF"));
    CHECK(mentions(e, "DKIM"));
    CHECK(mentions(e, "sender's domain"));
    // Every line is kept, up to the last one's address.
    if (MAILWIRE_REPLY_TEXT_SIZE >= 400 && MAILWIRE_RX_BUFFER_SIZE >= 514) // (not in the small-buffer build)
        CHECK(e.server.message().find("https://support.google.com/mail/?p=DmarcRejection") != std::string::npos);

    SECTION("SPF named in the text alone (no enhanced status code)") {
        const error f = message_refused_with("550 Rejected: SPF check failed for example.org\r\n");
        CHECK(std::string(f.advice()) == e.advice());
    }
    SECTION("RFC 7372's 5.7.23 at MAIL FROM") {
        const error f = mail_refused_with("550 5.7.23 SPF validation failed\r\n");
        CHECK(std::string(f.advice()) == e.advice());
    }
    SECTION("a sender the provider has not verified") {
        const error f = message_refused_with("554 Email address is not verified.\r\n");
        INFO(mwtest::describe(f));
        CHECK(mentions(f, "verify"));
        CHECK(std::string(f.advice()) != e.advice());
    }
}

TEST_CASE("a port that timed out or refused is never the port the advice suggests", "[unit][advice]") {
    for (const char* port_text : {"465", "587", "2525", "25"}) {
        const auto port = static_cast<std::uint16_t>(std::stoi(port_text));
        INFO("port " << port_text);
        {
            mwtest::session t;
            t.c.options().port = port;
            const error e = mwtest::connect_timeout(t);
            INFO(mwtest::describe(e));
            CHECK(e.kind == error_kind::timeout);
            CHECK(without_port_named(e, port_text).find(std::string(" ") + port_text) == std::string::npos);
            CHECK(mentions(e, port == 587 ? "465" : "587"));
        }
        {
            mwtest::session t;
            t.c.options().port = port;
            t.s.fail_connect(mailwire::io_status::refused);
            const error e = t.c.open("smtp.example");
            INFO(mwtest::describe(e));
            CHECK(e.why == cause::connection_refused);
            CHECK(without_port_named(e, port_text).find(std::string(" ") + port_text) == std::string::npos);
        }
    }
}

TEST_CASE("STARTTLS missing names stripping on the path, implicit TLS is offered only off port 25", "[unit][advice]") {
    // (The dialogue that ends so is in client_starttls_test.cpp; here the advice for each port.)
    auto not_offered_on = [](std::uint16_t port) {
        error e;
        e.where = phase::starttls;
        e.kind = error_kind::tls;
        e.why = cause::starttls_not_offered;
        e.advice_text = mailwire::advise(e, mailwire::advice_context{port, encryption::starttls, false, true});
        return e;
    };
    const error on587 = not_offered_on(587);
    CHECK(mentions(on587, "strip"));
    CHECK(mentions(on587, "465"));
    const error on25 = not_offered_on(25);
    CHECK(mentions(on25, "strip"));
    CHECK_FALSE(mentions(on25, "465"));
}

TEST_CASE("a fatal TLS alert gets advice that follows from the alert", "[unit][advice]") {
    auto for_alert = [](std::uint8_t alert) {
        error e;
        e.where = phase::tls;
        e.kind = error_kind::tls;
        e.why = cause::tls_alert;
        e.tls_alert = alert;
        return std::string(mailwire::advise(e, mailwire::advice_context{465, encryption::implicit, false, true}));
    };
    CHECK(for_alert(80).find("internal_error") != std::string::npos);
    CHECK(for_alert(80).find("old") == std::string::npos); // not "the server may only offer old TLS"
    CHECK(for_alert(40).find("version or cipher") != std::string::npos);
    CHECK(for_alert(70) == for_alert(40));
    CHECK(for_alert(112).find("unrecognized_name") != std::string::npos);
    CHECK(for_alert(116).find("client certificate") != std::string::npos);
    CHECK(for_alert(99) != "");
    CHECK(std::string(mailwire::tls_alert_name(80)) == "internal_error");
    CHECK(std::string(mailwire::tls_alert_name(40)) == "handshake_failure");
    CHECK(std::string(mailwire::tls_alert_name(99)) == "unknown");
}
