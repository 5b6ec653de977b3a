// SPDX-License-Identifier: BSL-1.0
// Advice that fits the case (the port doctor's item 6): the replies real providers send, each
// through a whole scripted dialogue, and the rules that keep advice from sending a person in a
// circle (never the port that just failed; STARTTLS, not credentials, when encryption is missing).
#include "support.hpp"

#include <catch2/catch.hpp>

#include <string>

using mailwire::cause;
using mailwire::encryption;
using mailwire::error;
using mailwire::error_kind;
using mailwire::phase;

namespace {
bool mentions(const error& e, const std::string& needle) { return mwtest::advice_mentions(e, needle); }

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

TEST_CASE("STARTTLS missing names stripping on the path; implicit TLS is offered only off port 25", "[unit][advice]") {
    // (The dialogue that ends so is in starttls_test.cpp; here the advice for each port.)
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
