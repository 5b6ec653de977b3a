// SPDX-License-Identifier: BSL-1.0
// Deadlines: the per-phase defaults of RFC 5321 §4.5.3.2, measured on the scripted peer's manual
// clock (a silent server makes the clock jump to the deadline; nothing here sleeps), and a server
// that trickles its reply one octet at a time cannot stretch a step past its deadline.
#include "support.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

using mailwire::cause;
using mailwire::error;
using mailwire::error_kind;
using mailwire::millis;
using mailwire::phase;
using mwtest::recipients;
using mwtest::session;

namespace {

constexpr millis minutes(millis m) { return m * 60 * 1000; }

/// Sends a one-recipient message; the script decides where the server goes silent.
mailwire::send_result send_one(session& t) {
    static const std::string message = "Subject: t\r\n\r\nhi\r\n";
    recipients to({"b@example.org"});
    mailwire::envelope env = to.envelope("a@example.org");
    return t.c.send(env, message);
}

/// The scripted transport, recording the time limit the client passes to each call; write number
/// `stall_write` (1-based, 0: none) does not complete: the peer stops reading, the limit passes.
struct recording_transport {
    struct call {
        char what; // 'c' connect, 'r' read_some, 'w' write_some
        std::uint32_t timeout_ms;
    };
    mwtest::script* s = nullptr;
    std::vector<call>* calls = nullptr;
    std::size_t stall_write = 0;
    std::size_t writes = 0;

    mailwire::io_result connect(std::string_view host, std::uint16_t port, std::uint32_t ms) {
        calls->push_back({'c', ms});
        return mwtest::scripted_transport(*s).connect(host, port, ms);
    }
    mailwire::io_result read_some(char* buf, std::size_t len, std::uint32_t ms) {
        calls->push_back({'r', ms});
        return mwtest::scripted_transport(*s).read_some(buf, len, ms);
    }
    mailwire::io_result write_some(const char* buf, std::size_t len, std::uint32_t ms) {
        calls->push_back({'w', ms});
        if (++writes == stall_write) {
            s->now_ms += ms;
            return mailwire::io_result::fail(mailwire::io_status::timeout);
        }
        return mwtest::scripted_transport(*s).write_some(buf, len, ms);
    }
    void close() { mwtest::scripted_transport(*s).close(); }
};
using recording_client = mailwire::basic_client<recording_transport, mailwire::no_tls, mailwire::profiles::relay,
                                                mwtest::manual_clock>;

} // namespace

TEST_CASE("the default timeouts are those of RFC 5321 section 4.5.3.2", "[unit][deadline]") {
    const mailwire::timeouts d = mailwire::timeouts::defaults();
    CHECK(d.greeting == minutes(5));   // §4.5.3.2.1 initial 220 message: 5 minutes
    CHECK(d.mail == minutes(5));       // §4.5.3.2.2 MAIL command: 5 minutes
    CHECK(d.rcpt == minutes(5));       // §4.5.3.2.3 RCPT command: 5 minutes
    CHECK(d.data_init == minutes(2));  // §4.5.3.2.4 DATA initiation: 2 minutes
    CHECK(d.data_block == minutes(3)); // §4.5.3.2.5 data block: 3 minutes
    CHECK(d.data_end == minutes(10));  // §4.5.3.2.6 DATA termination: 10 minutes
    // Not named by the RFC: finite, and not longer than the longest RFC step.
    CHECK(d.connect > 0);
    CHECK(d.connect <= minutes(10));
    CHECK(d.command > 0);
    CHECK(d.command <= minutes(10));
    CHECK(d.quit > 0);
    CHECK(d.quit <= minutes(10));
    CHECK(d.tls_handshake > 0);
    CHECK(d.tls_handshake <= minutes(10));
    // The options hold 0 for "the default" (so a client is all zero bits); what 0 costs is in the
    // next test case.
    const mailwire::client_options o;
    CHECK(o.timeout.greeting == 0);
    CHECK(o.timeout.data_end == 0);
}

TEST_CASE("a silent server at each phase costs exactly that phase's timeout", "[unit][deadline]") {
    SECTION("greeting: not a single octet within the first-byte wait, 10 s (no greeting)") {
        session t;
        t.s.silence();
        const error e = t.c.open("mx.example");
        INFO(mwtest::describe(e));
        CHECK(e.where == phase::greeting);
        CHECK(e.why == mailwire::cause::no_greeting);
        CHECK(t.s.now_ms == 10000);
        CHECK(t.s.now_ms == mailwire::timeouts::defaults().first_byte);
    }
    SECTION("greeting: a first octet, then silence: 5 minutes") {
        session t;
        t.s.reply("2").silence();
        const error e = t.c.open("mx.example");
        INFO(mwtest::describe(e));
        CHECK(e.where == phase::greeting);
        CHECK(e.kind == error_kind::timeout);
        CHECK(t.s.now_ms == minutes(5));
    }
    SECTION("MAIL: 5 minutes") {
        session t;
        mwtest::greet(t.s);
        t.s.silence();
        REQUIRE(t.c.open("mx.example").ok());
        const millis start = t.s.now_ms;
        const mailwire::send_result r = send_one(t);
        INFO(mwtest::describe(r.err));
        CHECK(r.err.where == phase::mail);
        CHECK(r.err.kind == error_kind::timeout);
        CHECK(t.s.now_ms - start == minutes(5));
    }
    SECTION("RCPT: 5 minutes") {
        session t;
        mwtest::greet(t.s);
        t.s.reply("250 ok\r\n").silence();
        REQUIRE(t.c.open("mx.example").ok());
        const millis start = t.s.now_ms;
        const mailwire::send_result r = send_one(t);
        INFO(mwtest::describe(r.err));
        CHECK(r.err.where == phase::rcpt);
        CHECK(r.err.kind == error_kind::timeout);
        CHECK(t.s.now_ms - start == minutes(5));
    }
    SECTION("DATA initiation: 2 minutes") {
        session t;
        mwtest::greet(t.s);
        t.s.reply("250 ok\r\n").reply("250 ok\r\n").silence();
        REQUIRE(t.c.open("mx.example").ok());
        const millis start = t.s.now_ms;
        const mailwire::send_result r = send_one(t);
        INFO(mwtest::describe(r.err));
        CHECK(r.err.where == phase::data);
        CHECK(r.err.kind == error_kind::timeout);
        CHECK(t.s.now_ms - start == minutes(2));
    }
    SECTION("DATA termination: 10 minutes") {
        session t;
        mwtest::greet(t.s);
        t.s.reply("250 ok\r\n").reply("250 ok\r\n").reply("354 go\r\n").silence();
        REQUIRE(t.c.open("mx.example").ok());
        const millis start = t.s.now_ms;
        const mailwire::send_result r = send_one(t);
        INFO(mwtest::describe(r.err));
        CHECK(r.err.where == phase::end_of_data);
        CHECK(r.err.kind == error_kind::timeout);
        CHECK(r.err.why == cause::outcome_unknown);
        CHECK_FALSE(r.delivered());
        CHECK(t.s.now_ms - start == minutes(10));
    }
    SECTION("EHLO: the command timeout") {
        session t;
        t.s.reply("220 mx ESMTP\r\n").silence();
        const error e = t.c.open("mx.example");
        CHECK(e.where == phase::ehlo);
        CHECK(e.kind == error_kind::timeout);
        CHECK(t.s.now_ms == mailwire::timeouts::defaults().command);
    }
    SECTION("QUIT: the quit timeout") {
        session t;
        mwtest::greet(t.s);
        t.s.silence();
        REQUIRE(t.c.open("mx.example").ok());
        const error e = t.c.quit();
        CHECK(e.where == phase::quit);
        CHECK(e.kind == error_kind::timeout);
        CHECK(t.s.now_ms == mailwire::timeouts::defaults().quit);
        CHECK_FALSE(t.c.is_open());
    }
}

TEST_CASE("with PIPELINING each reply in the batch still has its own phase's timeout", "[unit][deadline][pipelining]") {
    SECTION("silent after MAIL's reply: RCPT's 5 minutes") {
        session t;
        mwtest::greet(t.s, {"PIPELINING"});
        t.s.reply("250 ok\r\n").silence();
        REQUIRE(t.c.open("mx.example").ok());
        const mailwire::send_result r = send_one(t);
        INFO(mwtest::describe(r.err));
        CHECK(r.err.kind == error_kind::timeout);
        CHECK(r.err.where == phase::rcpt);
        CHECK(t.s.now_ms == minutes(5));
    }
    SECTION("silent before DATA's reply: 2 minutes") {
        session t;
        mwtest::greet(t.s, {"PIPELINING"});
        t.s.reply("250 ok\r\n").reply("250 ok\r\n").silence();
        REQUIRE(t.c.open("mx.example").ok());
        const mailwire::send_result r = send_one(t);
        INFO(mwtest::describe(r.err));
        CHECK(r.err.kind == error_kind::timeout);
        CHECK(r.err.where == phase::data);
        CHECK(t.s.now_ms == minutes(2));
    }
}

TEST_CASE("a trickling server cannot stretch a step past its deadline", "[unit][deadline][hostile]") {
    SECTION("greeting: 32 octets at 20 s each would take 640 s, the step allows 300 s") {
        session t;
        const std::string greeting = "220 mx.example.org ESMTP ready\r\n";
        REQUIRE(greeting.size() == 32);
        const millis per_byte = 20000;
        t.c.options().timeout.first_byte = 30000; // the first octet after 20 s is not late
        t.s.trickle(greeting, per_byte);
        const error e = t.c.open("mx.example");
        INFO(mwtest::describe(e) << "; clock " << t.s.now_ms);
        CHECK(e.where == phase::greeting);
        CHECK(e.kind == error_kind::timeout);
        CHECK(t.s.now_ms >= minutes(5));
        CHECK(t.s.now_ms <= minutes(5) + per_byte);
        CHECK_FALSE(t.c.is_open());
    }
    SECTION("MAIL: the reply trickles over 10 minutes, the step allows 5") {
        session t;
        mwtest::greet(t.s);
        const millis per_byte = 30000;
        t.s.trickle("250 2.1.0 Sender ok\r\n", per_byte); // 21 octets: 630 s
        REQUIRE(t.c.open("mx.example").ok());
        const millis start = t.s.now_ms;
        const mailwire::send_result r = send_one(t);
        INFO(mwtest::describe(r.err) << "; clock " << t.s.now_ms);
        CHECK(r.err.where == phase::mail);
        CHECK(r.err.kind == error_kind::timeout);
        CHECK(t.s.now_ms - start >= minutes(5));
        CHECK(t.s.now_ms - start <= minutes(5) + per_byte);
    }
    SECTION("end of data: a reply over 23 minutes cannot stretch the 10-minute step") {
        session t;
        mwtest::greet(t.s);
        const millis per_byte = 50000;
        t.s.reply("250 ok\r\n").reply("250 ok\r\n").reply("354 go\r\n").trickle("250 2.0.0 queued as 12345\r\n", per_byte);
        REQUIRE(t.c.open("mx.example").ok());
        const millis start = t.s.now_ms;
        const mailwire::send_result r = send_one(t);
        INFO(mwtest::describe(r.err) << "; clock " << t.s.now_ms);
        CHECK(r.err.where == phase::end_of_data);
        CHECK(r.err.kind == error_kind::timeout);
        CHECK(r.err.why == cause::outcome_unknown);
        CHECK(t.s.now_ms - start >= minutes(10));
        CHECK(t.s.now_ms - start <= minutes(10) + per_byte);
    }
    SECTION("a multi-line EHLO reply trickled line by line is bounded as a whole") {
        std::string ehlo;
        for (int i = 0; i < 40; ++i) ehlo += "250-X" + std::to_string(i) + "\r\n";
        ehlo += "250 OK\r\n";
        session t;
        t.s.reply("220 mx ESMTP\r\n").trickle(ehlo, 1000); // ~300 octets at 1 s: longer than 5 minutes
        REQUIRE(ehlo.size() * 1000 > mailwire::timeouts::defaults().command);
        const error e = t.c.open("mx.example");
        INFO(mwtest::describe(e) << "; clock " << t.s.now_ms);
        CHECK(e.where == phase::ehlo);
        CHECK(e.kind == error_kind::timeout);
        CHECK(t.s.now_ms <= mailwire::timeouts::defaults().command + 1000);
    }
    SECTION("a trickle that fits in the step succeeds (the manual clock is not what fails)") {
        session t;
        t.s.trickle("220 mx.example ESMTP\r\n", 100).reply("250 mx\r\n");
        const error e = t.c.open("mx.example");
        INFO(mwtest::describe(e));
        CHECK(e.ok());
        CHECK(t.s.now_ms == 22 * 100);
    }
}

TEST_CASE("timeouts::set_all bounds every step with one value", "[unit][deadline]") {
    mailwire::timeouts to;
    to.set_all(5000);
    CHECK(to.connect == 5000);
    CHECK(to.tls_handshake == 5000);
    CHECK(to.greeting == 5000);
    CHECK(to.command == 5000);
    CHECK(to.mail == 5000);
    CHECK(to.rcpt == 5000);
    CHECK(to.data_init == 5000);
    CHECK(to.data_block == 5000);
    CHECK(to.data_end == 5000);
    CHECK(to.quit == 5000);
    CHECK(to.first_byte == 5000);

    SECTION("a silent greeting then costs 5 s") {
        session t;
        t.c.options().timeout.set_all(5000);
        t.s.silence();
        const error e = t.c.open("mx.example");
        CHECK(e.why == mailwire::cause::no_greeting);
        CHECK(t.s.now_ms == 5000);
    }
    SECTION("and a silent end of data 5 s") {
        session t;
        t.c.options().timeout.set_all(5000);
        mwtest::greet(t.s);
        t.s.reply("250 ok\r\n").reply("250 ok\r\n").reply("354 go\r\n").silence();
        REQUIRE(t.c.open("mx.example").ok());
        const mailwire::send_result r = send_one(t);
        CHECK(r.err.kind == error_kind::timeout);
        CHECK(t.s.now_ms == 5000);
    }
    SECTION("a single option changes only its own step") {
        session t;
        t.c.options().timeout.data_init = 1234;
        mwtest::greet(t.s);
        t.s.reply("250 ok\r\n").reply("250 ok\r\n").silence();
        REQUIRE(t.c.open("mx.example").ok());
        const mailwire::send_result r = send_one(t);
        CHECK(r.err.where == phase::data);
        CHECK(t.s.now_ms == 1234);
    }
}

TEST_CASE("each transport call gets the time left of its own step", "[unit][deadline][transport]") {
    // The scripted peer never blocks a write, so the data block limit (RFC 5321 §4.5.3.2.5: 3
    // minutes per write of the content) is checked on what the client passes to write_some.
    mwtest::script s;
    std::vector<recording_transport::call> calls;
    recording_client c(recording_transport{&s, &calls, 0, 0}, mailwire::no_tls{}, s.clock());
    c.options().ehlo_name = mwtest::ehlo_name;
    mwtest::greet(s);
    s.reply("250 ok\r\n").reply("250 ok\r\n").reply("354 go\r\n").reply("250 queued\r\n");
    REQUIRE(c.open("mx.example").ok());
    recipients to({"b@example.org"});
    mailwire::envelope env = to.envelope("a@example.org");
    const mailwire::send_result r = c.send(env, "Subject: t\r\n\r\nhi\r\n");
    INFO(mwtest::describe(r.err));
    REQUIRE(r.ok());
    std::string sequence;
    std::vector<std::uint32_t> limits;
    for (const auto& call : calls) {
        sequence += call.what;
        limits.push_back(call.timeout_ms);
    }
    // connect, greeting, EHLO + reply, MAIL + reply, RCPT + reply, DATA + reply, content + reply.
    REQUIRE(sequence == "crwrwrwrwrwr");
    const mailwire::timeouts d = mailwire::timeouts::defaults();
    CHECK(limits[0] == d.connect);
    CHECK(limits[1] == d.first_byte); // the greeting's first octets: the first-byte wait
    CHECK(limits[5] == d.mail);    // MAIL's reply
    CHECK(limits[7] == d.rcpt);    // RCPT's reply
    CHECK(limits[9] == d.data_init); // the 354
    CHECK(limits[10] == d.data_block); // the content
    CHECK(limits[10] == 3u * 60u * 1000u);
    CHECK(limits[11] == d.data_end); // the reply to "."
}

TEST_CASE("a peer that stops taking the content fails the data block after 3 minutes", "[unit][deadline]") {
    mwtest::script s;
    std::vector<recording_transport::call> calls;
    // Writes: EHLO, MAIL, RCPT, DATA, then the content (5th) stalls.
    recording_client c(recording_transport{&s, &calls, 5, 0}, mailwire::no_tls{}, s.clock());
    c.options().ehlo_name = mwtest::ehlo_name;
    mwtest::greet(s);
    s.reply("250 ok\r\n").reply("250 ok\r\n").reply("354 go\r\n").reply("250 queued\r\n");
    REQUIRE(c.open("mx.example").ok());
    const millis start = s.now_ms;
    recipients to({"b@example.org"});
    mailwire::envelope env = to.envelope("a@example.org");
    const mailwire::send_result r = c.send(env, "Subject: t\r\n\r\nhi\r\n");
    INFO(mwtest::describe(r.err));
    CHECK(r.err.where == phase::body);
    CHECK(r.err.kind == error_kind::timeout);
    CHECK(std::string(r.err.advice()) != "");
    CHECK(s.now_ms - start == minutes(3));
    CHECK_FALSE(c.is_open());
}

namespace {
/// A 32-bit millisecond tick over the script's clock (HAL_GetTick on a microcontroller): it wraps
/// to 0 every 2^32 ms (49.7 days).
struct tick32_clock {
    millis* now_ms = nullptr;
    millis now() const noexcept { return static_cast<std::uint32_t>(*now_ms); }
};
} // namespace

TEST_CASE("a deadline across the wrap of a 32-bit tick still ends on time", "[unit][deadline]") {
    mwtest::script s;
    mailwire::basic_client<mwtest::scripted_transport, mailwire::no_tls, mailwire::profiles::relay, tick32_clock> c{
        mwtest::scripted_transport(s), mailwire::no_tls{}, tick32_clock{&s.now_ms}};
    c.options().ehlo_name = "client.example";
    SECTION("a silent greeting whose 5 minutes span the wrap") {
        const millis start = 0xFFFFFFFFu - 1000; // a second before the tick wraps
        s.now_ms = start;
        s.silence();
        c.options().timeout.first_byte = 300000;
        const error e = c.open("mx.example");
        CHECK(e.why == mailwire::cause::no_greeting);
        CHECK(e.where == phase::greeting);
        CHECK(s.now_ms - start == minutes(5)); // not 49 days
    }
    SECTION("a reply trickled across the wrap is read, each octet within the deadline") {
        s.now_ms = 0xFFFFFFFFu - 50;
        s.trickle("220 mx.example ready\r\n", 10).reply("250 mx.example\r\n");
        CHECK(c.open("mx.example").ok());
        CHECK(s.now_ms > 0xFFFFFFFFu); // the clock passed the wrap on the way
    }
}

TEST_CASE("open() puts the defaults in place of zero timeouts and bounds them to 2^31 - 1 ms", "[unit][deadline]") {
    mailwire::timeouts to;
    to.greeting = 1234;
    to.data_end = 0xFFFFFFFFu; // "forever" is 24.8 days: deadlines are 32-bit and wrap-safe
    to.settle();
    const mailwire::timeouts d = mailwire::timeouts::defaults();
    CHECK(to.greeting == 1234);
    CHECK(to.connect == d.connect);
    CHECK(to.command == d.command);
    CHECK(to.quit == d.quit);
    CHECK(to.data_end == 0x7FFFFFFFu);

    session t;
    mwtest::greet(t.s);
    t.c.options().timeout.rcpt = 0xFFFFFFFFu;
    REQUIRE(t.c.open("mx.example").ok());
    CHECK(t.c.options().timeout.greeting == minutes(5)); // what the step had
    CHECK(t.c.options().timeout.rcpt == 0x7FFFFFFFu);
    SECTION("and the bound holds: a silent RCPT costs 2^31 - 1 ms") {
        t.s.reply("250 ok\r\n").silence();
        const millis start = t.s.now_ms;
        t.c.options().disable_pipelining = true;
        const mailwire::send_result r = send_one(t);
        CHECK(r.err.where == phase::rcpt);
        CHECK(r.err.kind == error_kind::timeout);
        CHECK(t.s.now_ms - start == 0x7FFFFFFFu);
    }
}
