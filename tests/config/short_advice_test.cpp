// SPDX-License-Identifier: BSL-1.0
// Built with MAILWIRE_ADVICE_SHORT=1 (tests/CMakeLists.txt), as the firmware example is: the short
// advice still says what to do (the port to try, the app password, TLS from the first byte), and
// every failure still gets a line — a short one.
#include "../unit/support.hpp"

#include <catch2/catch.hpp>

#include <cstring>
#include <set>
#include <string>

static_assert(MAILWIRE_ADVICE == 1 && MAILWIRE_ADVICE_SHORT == 1, "built with the short advice texts");

using mailwire::advice_context;
using mailwire::cause;
using mailwire::encryption;
using mailwire::error;
using mailwire::error_kind;
using mailwire::phase;
using mwtest::session;

namespace {
bool says(const char* advice, const std::string& needle) { return mwtest::advice_mentions(advice, needle); }
bool says(const error& e, const std::string& needle) { return says(e.advice(), needle); }

// A reply-driven failure, as the client reports it.
error failure(phase where, error_kind kind, std::uint16_t code, const char* enhanced = "", const char* text = "") {
    error e;
    e.where = where;
    e.kind = kind;
    e.server.code = code;
    std::strncpy(e.server.enhanced, enhanced, sizeof(e.server.enhanced) - 1);
    const std::size_t n = std::strlen(text) < sizeof(e.server.text) ? std::strlen(text) : sizeof(e.server.text) - 1;
    std::memcpy(e.server.text, text, n);
    e.server.text_size = static_cast<std::uint16_t>(n);
    return e;
}
const char* advice_for(const error& e, std::uint16_t port = 587, encryption mode = encryption::starttls,
                       bool encrypted = true) {
    return mailwire::advise(e, advice_context{port, mode, encrypted});
}
} // namespace

TEST_CASE("short advice: no answer on port 25 says it is blocked and names 587 and 2525", "[config][advice]") {
    session t; // relay profile: port 25
    const error e = mwtest::connect_timeout(t);
    INFO(mwtest::describe(e));
    CHECK(e.kind == error_kind::timeout);
    CHECK(says(e, "25"));
    CHECK(says(e, "block"));
    CHECK(says(e, "587"));
    CHECK(says(e, "2525"));

    mwtest::basic_session<mailwire::profile<2525, encryption::none>> u;
    const error f = mwtest::connect_timeout(u);
    INFO(mwtest::describe(f));
    CHECK(std::string(f.advice()) != "");
    CHECK_FALSE(says(f, "port 25"));
}

TEST_CASE("short advice: refused credentials point to an app password or OAuth2", "[config][advice][auth]") {
    session t;
    const error e = mwtest::login_refused(t);
    INFO(mwtest::describe(e));
    CHECK(e.kind == error_kind::auth);
    CHECK(says(e, "app password"));
    CHECK(says(e, "OAuth2"));

    // 534 5.7.9: the provider wants a stronger login than the account password.
    const char* stronger = advice_for(failure(phase::auth, error_kind::auth, 534, "5.7.9"));
    CHECK(says(stronger, "app password"));
    CHECK(says(stronger, "OAuth2"));
    // 538: the mechanism only over an encrypted connection.
    const char* encrypt = advice_for(failure(phase::auth, error_kind::auth, 538));
    CHECK((says(encrypt, "465") || says(encrypt, "587") || says(encrypt, "TLS")));
}

TEST_CASE("short advice: a server that wants TLS from the first byte names port 465", "[config][advice]") {
    SECTION("no greeting on port 465 from a client without TLS") {
        session t;
        t.c.options().port = 465;
        t.s.silence();
        const error e = t.c.open("smtp.example");
        INFO(mwtest::describe(e));
        CHECK(e.where == phase::greeting);
        CHECK(says(e, "TLS"));
        CHECK(says(e, "465"));
    }
    SECTION("a TLS record where the greeting belongs") {
        session t;
        t.s.close(std::string("\x15\x03\x03\x00\x02\x02\x28", 7));
        const error e = t.c.open("smtp.example");
        INFO(mwtest::describe(e));
        CHECK(e.why == cause::greeting_looks_like_tls);
        CHECK(says(e, "465"));
    }
    SECTION("garbage instead of a greeting on port 465 without TLS") {
        error e = failure(phase::greeting, error_kind::protocol, 0);
        e.why = cause::malformed_reply;
        CHECK(says(advice_for(e, 465, encryption::none, false), "465"));
    }
}

TEST_CASE("short advice: the encrypted alternatives, the ports and what to check", "[config][advice]") {
    session t;
    const error plain = mwtest::plaintext_auth(t);
    INFO(mwtest::describe(plain));
    CHECK(plain.why == cause::plaintext_auth_refused);
    CHECK(says(plain, "587"));
    CHECK(says(plain, "465"));

    error refused = failure(phase::connect, error_kind::network, 0);
    refused.why = cause::connection_refused;
    const char* usual = advice_for(refused, 587);
    CHECK(says(usual, "465"));
    CHECK(says(usual, "2525"));
    CHECK(says(advice_for(refused, 8025), "port")); // an unusual port: check it

    error plaintext_server = failure(phase::tls, error_kind::tls, 0);
    plaintext_server.why = cause::tls_plaintext_server;
    CHECK(says(advice_for(plaintext_server, 465, encryption::implicit, false), "STARTTLS"));

    error starttls_refused = failure(phase::starttls, error_kind::tls, 454);
    starttls_refused.why = cause::starttls_refused;
    CHECK(says(advice_for(starttls_refused, 587, encryption::starttls, false), "465"));

    CHECK(says(advice_for(failure(phase::greeting, error_kind::permanent, 554)), "587"));
}

TEST_CASE("short advice: what the reply says still decides", "[config][advice]") {
    CHECK(says(advice_for(failure(phase::rcpt, error_kind::permanent, 554, "5.7.1", "Relay access denied")),
               "authenticate"));
    CHECK(says(advice_for(failure(phase::rcpt, error_kind::permanent, 550, "", "relaying denied")), "authenticate"));
    CHECK_FALSE(says(advice_for(failure(phase::rcpt, error_kind::permanent, 550, "5.1.1", "no such user")),
                     "authenticate"));
    CHECK(says(advice_for(failure(phase::mail, error_kind::permanent, 530, "5.7.0")), "authenticate"));
    CHECK(says(advice_for(failure(phase::end_of_data, error_kind::permanent, 552, "5.3.4")), "large"));
    CHECK(says(advice_for(failure(phase::rcpt, error_kind::temporary, 452, "4.5.3")), "recipients"));
    CHECK(says(advice_for(failure(phase::ehlo, error_kind::temporary, 421)), "later"));

    // No valid reply after the final ".": the message may have arrived; do not send it twice blindly.
    error unknown = failure(phase::end_of_data, error_kind::network, 0);
    unknown.why = cause::outcome_unknown;
    CHECK(says(advice_for(unknown), "deliver"));
}

TEST_CASE("short advice: every cause and kind gets a short line, never null or empty", "[config][advice]") {
    const phase phases[] = {phase::connect, phase::tls,  phase::greeting, phase::ehlo, phase::starttls, phase::auth, phase::mail,
                            phase::rcpt,    phase::data, phase::body,     phase::end_of_data, phase::rset, phase::noop, phase::quit};
    const error_kind kinds[] = {error_kind::resolve,   error_kind::network,  error_kind::timeout, error_kind::temporary,
                                error_kind::permanent, error_kind::protocol, error_kind::tls,     error_kind::auth,
                                error_kind::usage};
    std::size_t empty = 0;
    std::set<std::string> texts;
    for (phase p : phases)
        for (error_kind k : kinds)
            for (int c = 0; c <= static_cast<int>(cause::all_recipients_refused); ++c)
                for (std::uint16_t code : {0, 421, 450, 452, 530, 534, 535, 538, 550, 552, 554}) {
                    error e = failure(p, k, code);
                    e.why = static_cast<cause>(c);
                    for (std::uint16_t port : {25, 465, 587, 2525, 8025})
                        for (encryption mode : {encryption::none, encryption::starttls, encryption::implicit}) {
                            const char* a = mailwire::advise(e, advice_context{port, mode, false});
                            if (a == nullptr || a[0] == '\0') {
                                if (++empty <= 5) {
                                    INFO(mailwire::to_string(p) << "/" << mailwire::to_string(k) << "/"
                                                                << mailwire::to_string(e.why) << " code " << code
                                                                << " port " << port);
                                    CHECK(a != nullptr);
                                }
                                continue;
                            }
                            texts.insert(a);
                        }
                }
    CHECK(empty == 0);
    CHECK(texts.size() > 40); // the choice is as fine as with the full texts, not one line for all
    std::size_t total = 0;
    for (const std::string& s : texts) {
        INFO(s);
        CHECK(s.size() <= 50);                         // short: one line of a small display
        CHECK(s.find('\n') == std::string::npos);
        CHECK((s.back() == '.' || s.back() == '?')); // a whole sentence, not a cut one
        total += s.size();
    }
    CHECK(total <= 40 * texts.size()); // about 32 characters on average
    error none;
    CHECK(std::string(none.advice()) == "");
    CHECK(std::string(mailwire::advise(none, advice_context{})) == "");
}
