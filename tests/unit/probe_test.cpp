// SPDX-License-Identifier: BSL-1.0
// The port probe (probe.hpp) over the scripted peer: every class from a dialogue, what a result
// keeps (greeting, capabilities, TLS version and cipher suite, the certificate's detail, AUTH),
// the recommendation's order, the advice when nothing works, and that no probe ever writes
// MAIL FROM (RFC 5321 §4.1.1.2: the probe must never start a transaction).
#include "support.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using mailwire::cause;
using mailwire::encryption;
using mailwire::error;
using mailwire::error_kind;
using mailwire::io_result;
using mailwire::phase;
using mailwire::probe_auth;
using mailwire::probe_candidate;
using mailwire::probe_class;
using mailwire::probe_result;
using mwtest::script;

namespace {

/// What the fake TLS policy does at its handshake, and what it reports.
struct tls_plan {
    mailwire::io_status fail = mailwire::io_status::ok; ///< ok: the handshake works
    cause failure = cause::none;
    const char* detail = "";
    int handshakes = 0;
    bool established = false;
};

/// A TLS policy that encrypts nothing (bytes pass through to the scripted peer) and has the
/// mbedTLS policy's optional accessors: failure(), failure_detail(), version(), cipher_suite().
struct fake_tls {
    static constexpr bool available = true;
    tls_plan* plan = nullptr;

    template <class Transport, class Timer>
    io_result handshake(Transport&, std::string_view, const Timer&) {
        ++plan->handshakes;
        if (plan->fail != mailwire::io_status::ok) return io_result::fail(plan->fail);
        plan->established = true;
        return io_result::done(0);
    }
    template <class Transport, class Timer>
    io_result read_some(Transport& t, char* buf, std::size_t len, const Timer& timer) {
        return t.read_some(buf, len, timer.remaining_ms());
    }
    template <class Transport, class Timer>
    io_result write_some(Transport& t, const char* buf, std::size_t len, const Timer& timer) {
        return t.write_some(buf, len, timer.remaining_ms());
    }
    template <class Transport>
    void close(Transport&) {
        plan->established = false;
    }
    cause failure() const noexcept { return plan->failure; }
    const char* failure_detail() const noexcept { return plan->detail; }
    const char* version() const noexcept { return plan->established ? "TLSv1.3" : ""; }
    const char* cipher_suite() const noexcept { return plan->established ? "TLS1-3-AES-128-GCM-SHA256" : ""; }
};

/// profiles::runtime over the scripted peer, wrapped in budget_transport on the manual clock.
using probe_client =
    mailwire::basic_client<mailwire::budget_transport<mwtest::scripted_transport, mwtest::manual_clock>, fake_tls,
                           mailwire::profiles::runtime, mwtest::manual_clock>;

struct probe_session {
    script s;
    tls_plan plan;
    probe_client c{mailwire::budget_transport<mwtest::scripted_transport, mwtest::manual_clock>(
                       mwtest::scripted_transport(s), s.clock()),
                   fake_tls{&plan}, s.clock()};
    probe_result r;
    mailwire::probe_settings settings;

    probe_session() {
        c.options().ehlo_name = mwtest::ehlo_name;
        settings.budget_ms = 10000;
    }

    /// Probes one candidate and checks what must hold for every probe: nothing that starts a mail
    /// transaction was written, and the client's options are as they were.
    probe_class run(std::uint16_t port, encryption mode) {
        const std::uint16_t port_before = c.options().port;
        const bool override_before = c.options().override_encryption;
        const probe_class got = mailwire::probe(c, "smtp.example", probe_candidate{port, mode}, r, settings);
        INFO("written: " << mwtest::escaped(s.written) << "\nerror: " << mwtest::describe(r.err));
        CHECK(s.written.find("MAIL FROM") == std::string::npos);
        CHECK(s.written.find("RCPT TO") == std::string::npos);
        CHECK(s.written.find("DATA") == std::string::npos);
        CHECK(c.options().port == port_before);
        CHECK(c.options().override_encryption == override_before);
        CHECK(c.options().trace == nullptr);
        CHECK_FALSE(c.is_open());
        return got;
    }
};

const mailwire::credentials alice{"alice", "secret"};

probe_result made(std::uint16_t port, encryption mode, probe_class outcome, bool encrypted = true,
                  probe_auth auth = probe_auth::not_tried, cause why = cause::none) {
    probe_result r;
    r.candidate = probe_candidate{port, mode};
    r.outcome = outcome;
    r.encrypted = encrypted;
    r.auth = auth;
    r.err.why = why;
    if (outcome != probe_class::ok) r.err.kind = error_kind::network;
    return r;
}

} // namespace

// ------------------------------------------------------------------------------------ ok

TEST_CASE("probe: a STARTTLS candidate that works is ok, encrypted, with the greeting, the TLS version and the capabilities",
          "[unit][probe]") {
    probe_session t;
    mwtest::greet(t.s, {"STARTTLS", "SIZE 100"});
    t.s.reply("220 2.0.0 go ahead\r\n");
    t.s.reply("250-mx.example\r\n250-SIZE 35882577\r\n250-PIPELINING\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n"
              "250-CHUNKING\r\n250-DSN\r\n250-ENHANCEDSTATUSCODES\r\n250 AUTH PLAIN LOGIN XOAUTH2\r\n");
    t.s.reply("221 bye\r\n");
    CHECK(t.run(587, encryption::starttls) == probe_class::ok);
    CHECK(t.r.ok());
    CHECK(t.r.err.ok());
    CHECK(t.r.encrypted);
    CHECK(t.r.greeting() == "220 mx.example ESMTP ready");
    CHECK(std::string(t.r.tls_version()) == "TLSv1.3");
    CHECK(std::string(t.r.cipher_suite()) == "TLS1-3-AES-128-GCM-SHA256");
    REQUIRE(t.r.capabilities_known);
    CHECK(t.r.caps.size);
    CHECK(t.r.caps.size_limit == 35882577u); // the answer after STARTTLS, not the one before (RFC 3207 §4.2)
    CHECK(t.r.caps.pipelining);
    CHECK(t.r.caps.eightbitmime);
    CHECK(t.r.caps.smtputf8);
    CHECK(t.r.caps.chunking);
    CHECK(t.r.caps.dsn);
    CHECK(t.r.caps.enhanced_status_codes);
    CHECK(t.r.caps.offers(mailwire::auth_mechanism::plain));
    CHECK(t.r.caps.offers(mailwire::auth_mechanism::xoauth2));
    CHECK(t.r.auth == probe_auth::not_tried);
    CHECK(t.s.commands.back() == "QUIT");
    CHECK(t.r.candidate.port == 587);
    CHECK(t.s.connected_port == 587);
}

TEST_CASE("probe: with credentials AUTH is tried on the encrypted session and its success recorded", "[unit][probe]") {
    probe_session t;
    t.settings.cred = &alice;
    mwtest::greet(t.s, {"STARTTLS"});
    t.s.reply("220 go ahead\r\n");
    t.s.reply("250-mx.example\r\n250 AUTH PLAIN\r\n");
    t.s.reply("235 2.7.0 ok\r\n");
    t.s.reply("221 bye\r\n");
    CHECK(t.run(587, encryption::starttls) == probe_class::ok);
    CHECK(t.r.auth == probe_auth::ok);
    CHECK(t.s.written.find("AUTH PLAIN") != std::string::npos);
    CHECK(t.s.commands.back() == "QUIT");
}

TEST_CASE("probe: implicit TLS starts the handshake before the greeting and is ok", "[unit][probe]") {
    probe_session t;
    mwtest::greet(t.s, {"AUTH PLAIN"});
    t.s.reply("221 bye\r\n");
    CHECK(t.run(465, encryption::implicit) == probe_class::ok);
    CHECK(t.plan.handshakes == 1);
    CHECK(t.r.encrypted);
    CHECK(t.r.greeting() == "220 mx.example ESMTP ready");
}

TEST_CASE("probe: opportunistic port 25 without STARTTLS is ok but stays unencrypted, without TLS version", "[unit][probe]") {
    probe_session t;
    mwtest::greet(t.s, {"SIZE 1000"});
    t.s.reply("221 bye\r\n");
    CHECK(t.run(25, encryption::opportunistic) == probe_class::ok);
    CHECK_FALSE(t.r.encrypted);
    CHECK(std::string(t.r.tls_version()).empty());
    CHECK(std::string(t.r.cipher_suite()).empty());
}

TEST_CASE("probe: credentials are never tried on plaintext unless the client allows it", "[unit][probe]") {
    probe_session t;
    t.settings.cred = &alice;
    mwtest::greet(t.s, {"AUTH PLAIN"});
    t.s.reply("221 bye\r\n");
    CHECK(t.run(25, encryption::none) == probe_class::ok);
    CHECK(t.r.auth == probe_auth::not_tried);
    CHECK(t.s.written.find("AUTH") == std::string::npos);
    CHECK_FALSE(mailwire::usable(t.r, true));
}

TEST_CASE("probe: a caller's trace still sees every line while the probe keeps the greeting", "[unit][probe]") {
    probe_session t;
    mwtest::trace_log log;
    mwtest::greet(t.s);
    t.s.reply("221 bye\r\n");
    log.attach(t.c);
    mailwire::probe(t.c, "smtp.example", probe_candidate{25, encryption::none}, t.r, t.settings);
    CHECK(t.r.ok());
    CHECK(t.c.options().trace == &mwtest::trace_log::record);
    CHECK(t.c.options().trace_context == &log);
    if (MAILWIRE_TRACE) {
        CHECK(t.r.greeting() == "220 mx.example ESMTP ready");
        CHECK(log.all().find("S: 220 mx.example ESMTP ready") != std::string::npos);
        CHECK(log.all().find("C: QUIT") != std::string::npos);
    } else {
        CHECK(t.r.greeting().empty());
    }
}

// ------------------------------------------------------------------------- the failures

TEST_CASE("probe: a refused connect is refused", "[unit][probe]") {
    probe_session t;
    t.s.fail_connect(mailwire::io_status::refused);
    CHECK(t.run(587, encryption::starttls) == probe_class::refused);
    CHECK(t.r.err.why == cause::connection_refused);
    CHECK_FALSE(t.r.capabilities_known);
    CHECK(t.r.greeting().empty());
}

TEST_CASE("probe: a connect without answer is connect_timeout", "[unit][probe]") {
    probe_session t;
    t.s.fail_connect(mailwire::io_status::timeout);
    CHECK(t.run(587, encryption::starttls) == probe_class::connect_timeout);
}

TEST_CASE("probe: a name that does not resolve is resolve_failed", "[unit][probe]") {
    probe_session t;
    t.s.fail_connect(mailwire::io_status::resolve);
    CHECK(t.run(587, encryption::starttls) == probe_class::resolve_failed);
}

TEST_CASE("probe: a server that accepts and stays silent is no_greeting, within the candidate's budget",
          "[unit][probe]") {
    probe_session t;
    t.settings.budget_ms = 3000;
    t.s.silence();
    // After the silent first-byte wait the client tries a ClientHello; a silent server leaves it
    // unanswered, as the TLS policy's timeout says.
    t.plan.fail = mailwire::io_status::timeout;
    CHECK(t.run(587, encryption::starttls) == probe_class::no_greeting);
    CHECK(t.r.elapsed_ms <= 3000); // the manual clock: the silence took what the budget allowed
    CHECK(t.s.written.empty());

    SECTION("while a server that answers that ClientHello expects implicit TLS") {
        probe_session u;
        u.s.silence();
        CHECK(u.run(587, encryption::starttls) == probe_class::tls_expected);
        CHECK(u.plan.handshakes == 1);
    }
}

TEST_CASE("probe: a server that closes before a greeting is no_greeting", "[unit][probe]") {
    probe_session t;
    t.s.close();
    CHECK(t.run(587, encryption::starttls) == probe_class::no_greeting);
}

TEST_CASE("probe: an implicit TLS handshake that never gets an answer is no_greeting", "[unit][probe]") {
    probe_session t;
    t.plan.fail = mailwire::io_status::timeout;
    CHECK(t.run(465, encryption::implicit) == probe_class::no_greeting);
}

TEST_CASE("probe: classify maps the client's no_greeting cause and a greeting timeout alike", "[unit][probe]") {
    error e;
    e.where = phase::greeting;
    e.kind = error_kind::protocol;
    e.why = cause::no_greeting;
    CHECK(mailwire::classify(e, encryption::starttls) == probe_class::no_greeting);
    e.kind = error_kind::timeout;
    e.why = cause::none;
    CHECK(mailwire::classify(e, encryption::starttls) == probe_class::no_greeting);
    e.kind = error_kind::network;
    e.why = cause::connection_lost;
    CHECK(mailwire::classify(e, encryption::starttls) == probe_class::no_greeting);
}

TEST_CASE("probe: TLS bytes where the greeting belongs are tls_expected", "[unit][probe]") {
    probe_session t;
    t.s.reply(std::string("\x15\x03\x03\x00\x02\x02\x46", 7)); // a TLS alert record (RFC 8446 §5.1)
    CHECK(t.run(587, encryption::starttls) == probe_class::tls_expected);
    CHECK(t.r.err.why == cause::greeting_looks_like_tls);
}

TEST_CASE("probe: implicit TLS against a plaintext server is plaintext_spoken", "[unit][probe]") {
    probe_session t;
    t.plan.fail = mailwire::io_status::error;
    t.plan.failure = cause::tls_plaintext_server;
    t.plan.detail = "the server sent \"220 mx.example\"";
    CHECK(t.run(465, encryption::implicit) == probe_class::plaintext_spoken);
    CHECK(std::string(t.r.detail()) == "the server sent \"220 mx.example\"");
    CHECK_FALSE(t.r.capabilities_known);
}

TEST_CASE("probe: STARTTLS required but not offered is starttls_not_offered, and only QUIT follows", "[unit][probe]") {
    probe_session t;
    mwtest::greet(t.s, {"SIZE 100", "AUTH PLAIN"});
    t.s.reply("221 bye\r\n");
    CHECK(t.run(587, encryption::starttls) == probe_class::starttls_not_offered);
    CHECK(t.s.commands == std::vector<std::string>{"EHLO client.example", "QUIT"});
    CHECK(t.r.capabilities_known);
    CHECK(t.r.caps.size);
    CHECK_FALSE(t.r.caps.starttls);
}

TEST_CASE("probe: a certificate for another name is certificate, with the policy's detail", "[unit][probe]") {
    probe_session t;
    mwtest::greet(t.s, {"STARTTLS"});
    t.s.reply("220 go ahead\r\n");
    t.plan.fail = mailwire::io_status::error;
    t.plan.failure = cause::certificate_wrong_host;
    t.plan.detail = "issued for mail.other-host.example";
    CHECK(t.run(587, encryption::starttls) == probe_class::certificate);
    CHECK(t.r.err.why == cause::certificate_wrong_host);
    CHECK(std::string(t.r.detail()) == "issued for mail.other-host.example");
    CHECK_FALSE(t.r.encrypted);
}

TEST_CASE("probe: STARTTLS refused is tls_failed", "[unit][probe]") {
    probe_session t;
    mwtest::greet(t.s, {"STARTTLS"});
    t.s.reply("454 4.7.0 TLS not available\r\n");
    t.s.reply("221 bye\r\n");
    CHECK(t.run(587, encryption::starttls) == probe_class::tls_failed);
}

TEST_CASE("probe: a handshake that fails without a certificate problem is tls_failed", "[unit][probe]") {
    probe_session t;
    t.plan.fail = mailwire::io_status::error;
    t.plan.failure = cause::tls_handshake_failed;
    CHECK(t.run(465, encryption::implicit) == probe_class::tls_failed);
}

TEST_CASE("probe: credentials and no AUTH in the EHLO reply is auth_not_offered", "[unit][probe]") {
    probe_session t;
    t.settings.cred = &alice;
    mwtest::greet(t.s, {"STARTTLS"});
    t.s.reply("220 go ahead\r\n");
    t.s.reply("250 mx.example\r\n");
    t.s.reply("221 bye\r\n");
    CHECK(t.run(587, encryption::starttls) == probe_class::auth_not_offered);
    CHECK(t.r.auth == probe_auth::not_offered);
    CHECK(t.r.encrypted); // the session itself worked
}

TEST_CASE("probe: credentials refused with 535 are auth_rejected", "[unit][probe]") {
    probe_session t;
    t.settings.cred = &alice;
    mwtest::greet(t.s, {"AUTH PLAIN LOGIN"});
    t.s.reply("535 5.7.8 Username and Password not accepted\r\n");
    t.s.reply("221 bye\r\n");
    CHECK(t.run(465, encryption::implicit) == probe_class::auth_rejected);
    CHECK(t.r.auth == probe_auth::rejected);
    CHECK(t.r.err.server.code == 535);
    CHECK(std::string(t.r.tls_version()) == "TLSv1.3"); // recorded before AUTH ended the session
}

TEST_CASE("probe: a 554 greeting is server_refused", "[unit][probe]") {
    probe_session t;
    t.s.reply("554 5.7.1 no service for you\r\n");
    t.s.reply("221 bye\r\n");
    CHECK(t.run(587, encryption::starttls) == probe_class::server_refused);
    CHECK(t.r.greeting() == (MAILWIRE_TRACE ? "554 5.7.1 no service for you" : ""));
}

TEST_CASE("probe: a refused EHLO is server_refused", "[unit][probe]") {
    probe_session t;
    t.s.reply("220 mx.example\r\n");
    t.s.reply("550 5.7.1 go away\r\n");
    t.s.reply("221 bye\r\n");
    CHECK(t.run(25, encryption::none) == probe_class::server_refused);
}

TEST_CASE("probe: a connection reset after the greeting is network", "[unit][probe]") {
    probe_session t;
    t.s.reply("220 mx.example\r\n");
    t.s.reset();
    CHECK(t.run(25, encryption::none) == probe_class::network);
}

TEST_CASE("probe: a greeting that is not SMTP is other", "[unit][probe]") {
    probe_session t;
    t.s.reply("HTTP/1.1 400 Bad Request\r\n");
    CHECK(t.run(80, encryption::starttls) == probe_class::other);
}

TEST_CASE("probe: every class has a stable lower_snake name", "[unit][probe]") {
    CHECK(std::string(mailwire::to_string(probe_class::ok)) == "ok");
    CHECK(std::string(mailwire::to_string(probe_class::connect_timeout)) == "connect_timeout");
    CHECK(std::string(mailwire::to_string(probe_class::no_greeting)) == "no_greeting");
    CHECK(std::string(mailwire::to_string(probe_class::tls_expected)) == "tls_expected");
    CHECK(std::string(mailwire::to_string(probe_class::plaintext_spoken)) == "plaintext_spoken");
    CHECK(std::string(mailwire::to_string(probe_class::starttls_not_offered)) == "starttls_not_offered");
    CHECK(std::string(mailwire::to_string(probe_class::auth_rejected)) == "auth_rejected");
    CHECK(std::string(mailwire::to_string(probe_class::server_refused)) == "server_refused");
    CHECK(std::string(mailwire::to_string(probe_class::resolve_failed)) == "resolve_failed");
    CHECK(std::string(mailwire::to_string(probe_auth::not_tried)) == "not_tried");
    CHECK(std::string(mailwire::to_string(probe_auth::not_offered)) == "not_offered");
    for (int c = 0; c <= static_cast<int>(probe_class::other); ++c) {
        const std::string name = mailwire::to_string(static_cast<probe_class>(c));
        INFO(name);
        CHECK(name.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") == std::string::npos);
    }
}

TEST_CASE("probe: several candidates run one after another on one client, each with its own result",
          "[unit][probe]") {
    probe_session t;
    // First connection: plaintext, works. Second: STARTTLS required, not offered.
    mwtest::greet(t.s);
    t.s.reply("221 bye\r\n");
    mwtest::greet(t.s, {"SIZE 10"});
    t.s.reply("221 bye\r\n");
    const probe_candidate list[] = {{2525, encryption::none}, {587, encryption::starttls}};
    probe_result results[2];
    CHECK(mailwire::probe(t.c, "smtp.example", list, 2, results, t.settings) == 1);
    CHECK(results[0].outcome == probe_class::ok);
    CHECK(results[1].outcome == probe_class::starttls_not_offered);
    CHECK(t.s.connects == 2);
    CHECK(t.s.written.find("MAIL") == std::string::npos);
}

// ------------------------------------------------------------------------ recommendation

TEST_CASE("recommend: implicit TLS first, then STARTTLS in the order given, then encrypted 25, then listed plaintext",
          "[unit][probe]") {
    probe_result r[] = {
        made(25, encryption::none, probe_class::ok, false),
        made(25, encryption::opportunistic, probe_class::ok, true),
        made(2525, encryption::starttls, probe_class::ok),
        made(587, encryption::starttls, probe_class::ok),
        made(465, encryption::implicit, probe_class::ok),
    };
    CHECK(mailwire::recommend(r, 5, false) == 4);
    r[4].outcome = probe_class::certificate;
    CHECK(mailwire::recommend(r, 5, false) == 2); // 2525 was listed before 587
    r[2].outcome = probe_class::refused;
    CHECK(mailwire::recommend(r, 5, false) == 3);
    r[3].outcome = probe_class::connect_timeout;
    CHECK(mailwire::recommend(r, 5, false) == 1);
    r[1].encrypted = false; // opportunistic that stayed plaintext: never
    CHECK(mailwire::recommend(r, 5, false) == 0); // plaintext, but listed as PORT/none
    r[0].outcome = probe_class::no_greeting;
    CHECK(mailwire::recommend(r, 5, false) == 5);
    CHECK(mailwire::recommend(r, 0, false) == 0);
}

TEST_CASE("recommend: with credentials only a candidate where AUTH succeeded qualifies", "[unit][probe]") {
    probe_result r[] = {
        made(465, encryption::implicit, probe_class::ok, true, probe_auth::not_tried),
        made(587, encryption::starttls, probe_class::ok, true, probe_auth::ok),
    };
    CHECK(mailwire::recommend(r, 2, true) == 1);
    CHECK(mailwire::recommend(r, 2, false) == 0);
    r[1].auth = probe_auth::rejected;
    CHECK(mailwire::recommend(r, 2, true) == 2);
}

// ------------------------------------------------------------------------ advice

TEST_CASE("probe advice: nothing when a candidate is usable", "[unit][probe]") {
    const probe_result r[] = {made(587, encryption::starttls, probe_class::ok),
                              made(465, encryption::implicit, probe_class::refused)};
    CHECK(std::string(mailwire::probe_advice(r, 2, false)).empty());
}

TEST_CASE("probe advice: every connect timed out points at an outbound firewall and the HTTP API", "[unit][probe]") {
    const probe_result r[] = {made(587, encryption::starttls, probe_class::connect_timeout),
                              made(465, encryption::implicit, probe_class::connect_timeout)};
    const char* a = mailwire::probe_advice(r, 2, false);
    if (!MAILWIRE_ADVICE) return;
    CHECK(mwtest::advice_mentions(a, "firewall"));
    CHECK(mwtest::advice_mentions(a, "another network"));
    CHECK(mwtest::advice_mentions(a, "HTTP API"));
}

TEST_CASE("probe advice: every connect refused points at the host", "[unit][probe]") {
    const probe_result r[] = {made(587, encryption::starttls, probe_class::refused),
                              made(465, encryption::implicit, probe_class::refused)};
    const char* a = mailwire::probe_advice(r, 2, false);
    if (!MAILWIRE_ADVICE) return;
    CHECK(mwtest::advice_mentions(a, "wrong host"));
    CHECK(mwtest::advice_mentions(a, "no mail server"));
}

TEST_CASE("probe advice: connections accepted without any greeting point at a proxy or firewall", "[unit][probe]") {
    const probe_result r[] = {made(587, encryption::starttls, probe_class::no_greeting),
                              made(465, encryption::implicit, probe_class::no_greeting)};
    const char* a = mailwire::probe_advice(r, 2, false);
    if (!MAILWIRE_ADVICE) return;
    CHECK(mwtest::advice_mentions(a, "proxy"));
    CHECK(mwtest::advice_mentions(a, "no smtp server answers"));
}

TEST_CASE("probe advice: a certificate failure names the certificate's problem", "[unit][probe]") {
    const probe_result r[] = {
        made(587, encryption::starttls, probe_class::refused),
        made(465, encryption::implicit, probe_class::certificate, false, probe_auth::not_tried, cause::certificate_wrong_host)};
    const char* a = mailwire::probe_advice(r, 2, false);
    if (!MAILWIRE_ADVICE) return;
    CHECK(mwtest::advice_mentions(a, "another host name"));
    probe_result expired[] = {
        made(465, encryption::implicit, probe_class::certificate, false, probe_auth::not_tried, cause::certificate_expired)};
    CHECK(mwtest::advice_mentions(mailwire::probe_advice(expired, 1, false), "expired"));
}

TEST_CASE("probe advice: credentials refused everywhere point at app passwords and OAuth2", "[unit][probe]") {
    const probe_result r[] = {
        made(587, encryption::starttls, probe_class::auth_rejected, true, probe_auth::rejected),
        made(465, encryption::implicit, probe_class::auth_rejected, true, probe_auth::rejected)};
    const char* a = mailwire::probe_advice(r, 2, true);
    if (!MAILWIRE_ADVICE) return;
    CHECK(mwtest::advice_mentions(a, "app password"));
    CHECK(mwtest::advice_mentions(a, "OAuth2"));
}

TEST_CASE("probe advice: in a mixture the failure that got furthest decides", "[unit][probe]") {
    const probe_result r[] = {made(587, encryption::starttls, probe_class::connect_timeout),
                              made(465, encryption::implicit, probe_class::auth_rejected, true, probe_auth::rejected),
                              made(25, encryption::opportunistic, probe_class::refused)};
    CHECK(mailwire::most_telling(r, 3) == 1);
    const char* a = mailwire::probe_advice(r, 3, true);
    if (!MAILWIRE_ADVICE) return;
    CHECK(mwtest::advice_mentions(a, "credentials"));
    const probe_result mixed[] = {made(587, encryption::starttls, probe_class::connect_timeout),
                                  made(25, encryption::opportunistic, probe_class::refused)};
    CHECK(mailwire::most_telling(mixed, 2) == 0);
    CHECK(mwtest::advice_mentions(mailwire::probe_advice(mixed, 2, false), "firewall"));
}

TEST_CASE("probe advice: a server that answered only in plaintext is named as such", "[unit][probe]") {
    const probe_result r[] = {made(25, encryption::opportunistic, probe_class::ok, false)};
    CHECK(mailwire::most_telling(r, 1) == 1);
    const char* a = mailwire::probe_advice(r, 1, false);
    if (!MAILWIRE_ADVICE) return;
    CHECK(mwtest::advice_mentions(a, "without encryption"));
}
