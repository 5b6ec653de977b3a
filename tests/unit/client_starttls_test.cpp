// SPDX-License-Identifier: BSL-1.0
// STARTTLS (RFC 3207) and implicit TLS (RFC 8314) as the client drives them, with a pass-through
// TLS policy: its "handshake" only records when it happens, and the bytes then go on through the
// scripted peer unchanged. What is checked is the client's part: when it upgrades, that it forgets
// what the server said before (§4.2), that a required upgrade which fails sends nothing else but
// QUIT, that bytes glued to the 220 are not carried into the encrypted session, and that AUTH is
// allowed once the connection is encrypted.
#include "support.hpp"

#include <catch2/catch.hpp>

#include <string>

using mailwire::cause;
using mailwire::error;
using mailwire::error_kind;
using mailwire::io_result;
using mailwire::phase;
using mwtest::script;

namespace {

struct tls_record {
    int handshakes = 0;
    std::size_t written_at_handshake = 0; ///< what the client had written when the handshake began
    std::size_t reads = 0;                ///< reads through the TLS layer
    std::size_t writes = 0;
    std::string host;
    bool fail = false;
    bool closed = false;
};

/// A TLS policy that encrypts nothing: it meets the interface in tls.hpp and records its use.
struct passthrough_tls {
    static constexpr bool available = true;
    tls_record* rec = nullptr;
    const script* s = nullptr;

    template <class Transport, class Timer>
    io_result handshake(Transport&, std::string_view host, const Timer&) {
        ++rec->handshakes;
        rec->written_at_handshake = s->written.size();
        rec->host.assign(host.data(), host.size());
        return rec->fail ? io_result::fail(mailwire::io_status::error, 0) : io_result::done(0);
    }
    template <class Transport, class Timer>
    io_result read_some(Transport& t, char* buf, std::size_t len, const Timer& timer) {
        ++rec->reads;
        return t.read_some(buf, len, timer.remaining_ms());
    }
    template <class Transport, class Timer>
    io_result write_some(Transport& t, const char* buf, std::size_t len, const Timer& timer) {
        ++rec->writes;
        return t.write_some(buf, len, timer.remaining_ms());
    }
    template <class Transport>
    void close(Transport&) {
        rec->closed = true;
    }
};

template <class Profile>
struct tls_session {
    script s;
    tls_record rec;
    mailwire::basic_client<mwtest::scripted_transport, passthrough_tls, Profile, mwtest::manual_clock> c{
        mwtest::scripted_transport(s), passthrough_tls{&rec, &s}, s.clock()};
    tls_session() { c.options().ehlo_name = mwtest::ehlo_name; }
};

const std::string ehlo = mwtest::ehlo_line();

} // namespace

TEST_CASE("submission upgrades with STARTTLS, says EHLO again and forgets the first answer", "[unit][starttls]") {
    tls_session<mailwire::profiles::submission> t;
    mwtest::greet(t.s, {"PIPELINING", "SIZE 100", "STARTTLS"});
    t.s.reply("220 2.0.0 Ready to start TLS\r\n");
    t.s.reply("250-mx.example\r\n250-SIZE 5000\r\n250 AUTH PLAIN LOGIN\r\n");
    t.s.reply("235 2.7.0 ok\r\n");
    const error e = t.c.open("mx.example");
    INFO(mwtest::describe(e));
    REQUIRE(e.ok());
    CHECK(t.s.connected_port == 587);
    CHECK(t.s.written == ehlo + "STARTTLS\r\n" + ehlo);
    CHECK(t.rec.handshakes == 1);
    CHECK(t.rec.written_at_handshake == (ehlo + "STARTTLS\r\n").size());
    CHECK(t.rec.host == "mx.example");
    CHECK(t.c.encrypted());
    // RFC 3207 §4.2: only what the server says after the upgrade counts.
    const mailwire::capabilities& caps = t.c.server_capabilities();
    CHECK_FALSE(caps.pipelining);
    CHECK_FALSE(caps.starttls);
    CHECK(caps.size_limit == 5000u);
    CHECK(caps.offers(mailwire::auth_mechanism::plain));
    CHECK(t.rec.writes >= 1); // the second EHLO went through the TLS layer

    SECTION("and AUTH is allowed on the encrypted connection without opting in") {
        REQUIRE_FALSE(t.c.options().allow_plaintext_auth);
        const std::size_t mark = t.s.written.size();
        const error a = t.c.authenticate({"user", "pass"});
        INFO(mwtest::describe(a));
        CHECK(a.ok());
        CHECK(t.s.written.substr(mark) == "AUTH PLAIN AHVzZXIAcGFzcw==\r\n");
    }
}

TEST_CASE("a required STARTTLS that is not offered ends the session before anything else is sent", "[unit][starttls]") {
    tls_session<mailwire::profiles::submission> t;
    mwtest::greet(t.s, {"PIPELINING", "AUTH PLAIN LOGIN"});
    t.s.reply("221 bye\r\n");
    const error e = t.c.open("mx.example");
    INFO(mwtest::describe(e));
    CHECK(e.where == phase::starttls);
    CHECK(e.kind == error_kind::tls);
    CHECK(e.why == cause::starttls_not_offered);
    CHECK(std::string(e.advice()) != "");
    CHECK(t.s.written == ehlo + "QUIT\r\n");
    CHECK(t.rec.handshakes == 0);
    CHECK_FALSE(t.c.is_open());
}

TEST_CASE("a refused STARTTLS ends a required upgrade with QUIT, or nothing after a 421", "[unit][starttls]") {
    SECTION("454") {
        tls_session<mailwire::profiles::alternate> t;
        mwtest::greet(t.s, {"STARTTLS"});
        t.s.reply("454 4.7.0 TLS not available due to temporary reason\r\n").reply("221 bye\r\n");
        const error e = t.c.open("mx.example");
        INFO(mwtest::describe(e));
        CHECK(t.s.connected_port == 2525);
        CHECK(e.where == phase::starttls);
        CHECK(e.kind == error_kind::tls);
        CHECK(e.why == cause::starttls_refused);
        CHECK(e.server.code == 454);
        CHECK(std::string(e.advice()) != "");
        CHECK(t.s.written == ehlo + "STARTTLS\r\nQUIT\r\n");
        CHECK(t.rec.handshakes == 0);
        CHECK_FALSE(t.c.is_open());
    }
    SECTION("421") {
        tls_session<mailwire::profiles::submission> t;
        mwtest::greet(t.s, {"STARTTLS"});
        t.s.reply("421 4.3.2 shutting down\r\n").reply("221 bye\r\n");
        const error e = t.c.open("mx.example");
        INFO(mwtest::describe(e));
        CHECK(e.where == phase::starttls);
        CHECK(e.server.code == 421);
        CHECK(t.s.written == ehlo + "STARTTLS\r\n");
        CHECK_FALSE(t.c.is_open());
    }
}

TEST_CASE("bytes glued to the 220 for STARTTLS are not carried into the encrypted session", "[unit][starttls][hostile]") {
    // A man in the middle appends a fake reply to the plaintext 220; read after the handshake it
    // would answer the encrypted EHLO. The client must not start TLS on such a stream.
    tls_session<mailwire::profiles::submission> t;
    mwtest::greet(t.s, {"STARTTLS"});
    t.s.reply("220 2.0.0 Ready\r\n250-mx.example\r\n250 AUTH PLAIN\r\n");
    const error e = t.c.open("mx.example");
    INFO(mwtest::describe(e));
    CHECK_FALSE(e.ok());
    CHECK(e.where == phase::starttls);
    CHECK(e.kind == error_kind::protocol);
    CHECK(t.rec.handshakes == 0);
    CHECK(t.s.written == ehlo + "STARTTLS\r\n");
    CHECK_FALSE(t.c.is_open());
}

TEST_CASE("a failed TLS handshake ends the session without writing more", "[unit][starttls]") {
    tls_session<mailwire::profiles::submission> t;
    t.rec.fail = true;
    mwtest::greet(t.s, {"STARTTLS"});
    t.s.reply("220 2.0.0 Ready\r\n").reply("250 mx\r\n");
    const error e = t.c.open("mx.example");
    INFO(mwtest::describe(e));
    CHECK(e.where == phase::tls);
    CHECK(e.kind == error_kind::tls);
    CHECK(std::string(e.advice()) != "");
    CHECK(t.rec.handshakes == 1);
    CHECK(t.s.written == ehlo + "STARTTLS\r\n");
    CHECK_FALSE(t.c.is_open());
    CHECK_FALSE(t.c.encrypted());
}

TEST_CASE("relay uses STARTTLS when offered and stays in plaintext when it is refused", "[unit][starttls]") {
    SECTION("offered and accepted") {
        tls_session<mailwire::profiles::relay> t;
        mwtest::greet(t.s, {"STARTTLS"});
        t.s.reply("220 go\r\n").reply("250 mx\r\n");
        REQUIRE(t.c.open("mx.example").ok());
        CHECK(t.c.encrypted());
        CHECK(t.s.written == ehlo + "STARTTLS\r\n" + ehlo);
    }
    SECTION("not offered: plaintext, no STARTTLS") {
        tls_session<mailwire::profiles::relay> t;
        mwtest::greet(t.s, {"PIPELINING"});
        REQUIRE(t.c.open("mx.example").ok());
        CHECK_FALSE(t.c.encrypted());
        CHECK(t.s.written == ehlo);
    }
    SECTION("offered but refused with 454: RFC 3207 section 4.1 lets a relay go on in plaintext") {
        tls_session<mailwire::profiles::relay> t;
        mwtest::greet(t.s, {"STARTTLS", "PIPELINING", "AUTH PLAIN"});
        t.s.reply("454 4.7.0 TLS not available\r\n");
        const error e = t.c.open("mx.example");
        INFO(mwtest::describe(e));
        CHECK(e.ok());
        CHECK_FALSE(t.c.encrypted());
        CHECK(t.c.is_open());
        CHECK(t.rec.handshakes == 0);
        CHECK(t.s.written == ehlo + "STARTTLS\r\n");
        // Still plaintext: credentials stay refused.
        const std::string before = t.s.written;
        CHECK(t.c.authenticate({"user", "pass"}).why == cause::plaintext_auth_refused);
        CHECK(t.s.written == before);
    }
}

TEST_CASE("implicit TLS handshakes before the greeting and never sends STARTTLS", "[unit][starttls]") {
    tls_session<mailwire::profiles::submissions> t;
    mwtest::greet(t.s, {"STARTTLS", "AUTH PLAIN"});
    const error e = t.c.open("mx.example");
    INFO(mwtest::describe(e));
    REQUIRE(e.ok());
    CHECK(t.s.connected_port == 465);
    CHECK(t.rec.handshakes == 1);
    CHECK(t.rec.written_at_handshake == 0);
    CHECK(t.rec.reads >= 1); // the greeting came through the TLS layer
    CHECK(t.c.encrypted());
    CHECK(t.s.written == ehlo);
}
