// SPDX-License-Identifier: BSL-1.0
// The client's session over the scripted peer (client.hpp): the exact bytes of a whole session,
// HELO fallback, several messages on one connection, NOOP and RSET, commands without a
// connection, hostile replies that must end in bounded time (overlong lines, changing codes,
// endless continuations, replies nobody asked for), bounded copies of long refusals, and QUIT.
#include "support.hpp"

#include <catch2/catch.hpp>

#include <cstring>
#include <string>
#include <vector>

using mailwire::cause;
using mailwire::error;
using mailwire::error_kind;
using mailwire::phase;
using mwtest::recipients;
using mwtest::session;

namespace {

const std::string message = "Subject: t\r\n\r\nhi\r\n"; // 18 octets on the wire (RFC 1870 counts CRLF)

/// Opens the session (its script already holds greeting and EHLO reply); the test stops if that fails.
void open_with(session& t) {
    const error e = t.c.open("mx.example");
    INFO(mwtest::describe(e));
    REQUIRE(e.ok());
}

/// The number of CRLF-terminated lines in `s`.
std::size_t count_lines(const std::string& s) {
    std::size_t n = 0;
    for (std::size_t i = 0; i + 1 < s.size(); ++i)
        if (s[i] == '\r' && s[i + 1] == '\n') ++n;
    return n;
}

} // namespace

TEST_CASE("a whole session writes exactly the commands RFC 5321 prescribes", "[unit][dialogue]") {
    session t;
    mwtest::greet(t.s);
    t.s.reply("250 2.1.0 Sender ok\r\n")
        .reply("250 2.1.5 Recipient ok\r\n")
        .reply("354 End data with <CR><LF>.<CR><LF>\r\n")
        .reply("250 2.0.0 Ok: queued as 12345\r\n")
        .reply("221 2.0.0 Bye\r\n");
    REQUIRE(t.c.open("mx.example").ok());
    CHECK(t.c.is_open());
    CHECK(t.c.last_reply().code == 250);
    CHECK(t.c.server_capabilities().esmtp);

    recipients to({"b@example.org"});
    mailwire::envelope env = to.envelope("a@example.org");
    const mailwire::send_result r = t.c.send(env, message);
    INFO(mwtest::describe(r.err));
    CHECK(r.ok());
    CHECK(r.delivered());
    CHECK(r.accepted == 1);
    CHECK(r.refused == 0);
    CHECK(to.list[0].result.code == 250);
    CHECK(to.list[0].result.enhanced_status() == "2.1.5");
    CHECK(t.c.last_reply().code == 250);
    CHECK(t.c.last_reply().message() == "Ok: queued as 12345");

    const error q = t.c.quit();
    CHECK(q.ok());
    CHECK_FALSE(t.c.is_open());
    CHECK(t.s.closed_by_client);

    CHECK(t.s.written == "EHLO client.example\r\n"
                         "MAIL FROM:<a@example.org>\r\n"
                         "RCPT TO:<b@example.org>\r\n"
                         "DATA\r\n"
                         "Subject: t\r\n\r\nhi\r\n.\r\n"
                         "QUIT\r\n");
    REQUIRE(t.s.contents.size() == 1);
    CHECK(t.s.contents[0] == message + ".\r\n");
    CHECK(t.s.turns_left() == 0);
    CHECK(t.s.connected_host == "mx.example");
}

TEST_CASE("EHLO refused with 500 or 502 falls back to HELO", "[unit][dialogue]") {
    // RFC 5321 §3.2 / §4.1.4: a server that does not know EHLO answers 500 or 502; HELO follows.
    for (const char* refusal : {"500 5.5.1 Command unrecognized\r\n", "502 5.5.2 Command not implemented\r\n"}) {
        INFO(refusal);
        session t;
        t.s.reply("220 old.example SMTP\r\n").reply(refusal).reply("250 old.example\r\n");
        t.s.reply("250 ok\r\n").reply("250 ok\r\n").reply("250 ok\r\n").reply("354 go\r\n").reply("250 queued\r\n");
        const error e = t.c.open("old.example");
        INFO(mwtest::describe(e));
        REQUIRE(e.ok());
        CHECK(t.s.written == mwtest::ehlo_line() + mwtest::helo_line());
        CHECK_FALSE(t.c.server_capabilities().esmtp);
        CHECK_FALSE(t.c.server_capabilities().pipelining);

        // Without extensions: one command per write, no SIZE= (RFC 1870 needs the EHLO keyword).
        const std::size_t mark = t.s.written.size();
        recipients to({"b@example.org", "c@example.org"});
        mailwire::envelope env = to.envelope("a@example.org");
        const mailwire::send_result r = t.c.send(env, message);
        INFO(mwtest::describe(r.err));
        CHECK(r.ok());
        CHECK(t.s.written.substr(mark) == "MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.org>\r\n"
                                          "RCPT TO:<c@example.org>\r\nDATA\r\n" + message + ".\r\n");
    }
}

TEST_CASE("EHLO refused with 501 does not fall back to HELO", "[unit][dialogue]") {
    // 501 is a syntax error in the argument: EHLO is known, the name was not liked.
    session t;
    t.s.reply("220 mx.example ESMTP\r\n").reply("501 5.5.4 Invalid domain name\r\n").reply("221 bye\r\n");
    const error e = t.c.open("mx.example");
    INFO(mwtest::describe(e));
    CHECK(e.where == phase::ehlo);
    CHECK(e.kind == error_kind::permanent);
    CHECK(e.server.code == 501);
    CHECK(t.s.written.find("HELO") == std::string::npos);
    CHECK(t.s.written == mwtest::ehlo_line() + "QUIT\r\n");
}

TEST_CASE("several messages on one connection, with RSET after a failed one", "[unit][dialogue]") {
    session t;
    mwtest::greet(t.s);
    // First message: the only recipient is refused -> RSET.
    t.s.reply("250 2.1.0 ok\r\n").reply("550 5.1.1 no such user\r\n").reply("250 2.0.0 reset\r\n");
    // Second message: delivered.
    t.s.reply("250 2.1.0 ok\r\n").reply("250 2.1.5 ok\r\n").reply("354 go\r\n").reply("250 2.0.0 queued\r\n");
    // Third message on the same connection, to two recipients.
    t.s.reply("250 2.1.0 ok\r\n").reply("250 2.1.5 ok\r\n").reply("250 2.1.5 ok\r\n").reply("354 go\r\n").reply("250 2.0.0 queued\r\n");
    t.s.reply("221 bye\r\n");
    open_with(t);

    recipients first({"nobody@example.org"});
    mailwire::envelope env1 = first.envelope("a@example.org");
    const mailwire::send_result r1 = t.c.send(env1, "first\r\n");
    INFO(mwtest::describe(r1.err));
    CHECK_FALSE(r1.delivered());
    CHECK(r1.err.why == cause::all_recipients_refused);
    CHECK(r1.err.where == phase::rcpt);
    CHECK(r1.err.kind == error_kind::permanent);
    CHECK(r1.refused == 1);
    CHECK(first.list[0].result.code == 550);
    CHECK(t.c.is_open());

    recipients second({"b@example.org"});
    mailwire::envelope env2 = second.envelope("a@example.org");
    const mailwire::send_result r2 = t.c.send(env2, "second\r\n");
    INFO(mwtest::describe(r2.err));
    CHECK(r2.ok());

    recipients third({"c@example.org", "d@example.org"});
    mailwire::envelope env3 = third.envelope("a@example.org");
    const mailwire::send_result r3 = t.c.send(env3, "third\r\n");
    INFO(mwtest::describe(r3.err));
    CHECK(r3.ok());
    CHECK(r3.accepted == 2);
    CHECK(t.c.quit().ok());

    CHECK(t.s.commands == std::vector<std::string>{"EHLO client.example", "MAIL FROM:<a@example.org>",
                                                   "RCPT TO:<nobody@example.org>", "RSET", "MAIL FROM:<a@example.org>",
                                                   "RCPT TO:<b@example.org>", "DATA", "MAIL FROM:<a@example.org>",
                                                   "RCPT TO:<c@example.org>", "RCPT TO:<d@example.org>", "DATA", "QUIT"});
    CHECK(t.s.contents == std::vector<std::string>{"second\r\n.\r\n", "third\r\n.\r\n"});
    CHECK(t.s.turns_left() == 0);
}

TEST_CASE("NOOP and RSET succeed on 250 and keep the connection", "[unit][dialogue]") {
    session t;
    mwtest::greet(t.s);
    t.s.reply("250 2.0.0 OK\r\n").reply("250 2.0.0 Flushed\r\n").reply("250 2.0.0 OK\r\n");
    open_with(t);
    CHECK(t.c.noop().ok());
    CHECK(t.c.reset().ok());
    CHECK(t.c.noop().ok());
    CHECK(t.c.is_open());
    CHECK(t.s.written == mwtest::ehlo_line() + "NOOP\r\nRSET\r\nNOOP\r\n");
}

TEST_CASE("commands on a client that is not connected fail without writing", "[unit][dialogue]") {
    session t;
    recipients to({"b@example.org"});
    mailwire::envelope env = to.envelope("a@example.org");
    const mailwire::send_result r = t.c.send(env, message);
    CHECK(r.err.why == cause::not_connected);
    CHECK(r.err.kind == error_kind::usage);
    CHECK(std::string(r.err.advice()) != "");
    CHECK(t.c.noop().why == cause::not_connected);
    CHECK(t.c.reset().why == cause::not_connected);
    CHECK(t.c.authenticate({"u", "p"}).why == cause::not_connected);
    CHECK(t.c.quit().ok()); // nothing to quit
    CHECK(t.s.connects == 0);
    CHECK(t.s.written.empty());
}

TEST_CASE("a reply line of 512 octets is accepted and a longer one is a protocol error", "[unit][dialogue][hostile]") {
    // RFC 5321 §4.5.3.1.5: 512 octets including CRLF.
    SECTION("512 with CRLF") {
        session t;
        t.s.reply("220 " + std::string(506, 'g') + "\r\n").reply("250 mx\r\n");
        const error e = t.c.open("mx.example");
        INFO(mwtest::describe(e));
        CHECK(e.ok());
    }
    SECTION("513 with CRLF") {
        session t;
        t.s.reply("220 " + std::string(507, 'g') + "\r\n").reply("250 mx\r\n");
        const error e = t.c.open("mx.example");
        INFO(mwtest::describe(e));
        CHECK(e.where == phase::greeting);
        CHECK(e.kind == error_kind::protocol);
        CHECK(e.why == cause::reply_too_long);
        CHECK(t.s.written.empty());
        CHECK_FALSE(t.c.is_open());
    }
    SECTION("an endless line is not read to its end") {
        // Trickled at 1 ms per octet: the clock shows how much the client read.
        session t;
        mwtest::greet(t.s);
        t.s.trickle("250-" + std::string(100000, 'x') + "\r\n250 end\r\n", 1);
        open_with(t);
        const error e = t.c.noop();
        INFO(mwtest::describe(e));
        CHECK(e.where == phase::noop);
        CHECK(e.kind == error_kind::protocol);
        CHECK(e.why == cause::reply_too_long);
        CHECK(std::string(e.advice()) != "");
        // What was read: one buffer, or with a buffer smaller than a line, the 512 octets a line
        // may have (a cut line is read on to its bound).
        CHECK(t.s.now_ms <= (MAILWIRE_RX_BUFFER_SIZE >= 514 ? MAILWIRE_RX_BUFFER_SIZE : 512));
        CHECK_FALSE(t.c.is_open());
    }
}

TEST_CASE("a reply whose code changes between lines is a protocol error", "[unit][dialogue][hostile]") {
    session t;
    t.s.reply("220 mx.example ESMTP\r\n").reply("250-mx.example\r\n250-PIPELINING\r\n550 AUTH PLAIN\r\n");
    const error e = t.c.open("mx.example");
    INFO(mwtest::describe(e));
    CHECK(e.where == phase::ehlo);
    CHECK(e.kind == error_kind::protocol);
    CHECK(e.why == cause::inconsistent_reply);
    CHECK(std::string(e.advice()) != "");
    CHECK_FALSE(t.c.is_open());
}

TEST_CASE("an endless continuation ends in an error after a bounded number of lines", "[unit][dialogue][hostile]") {
    // 10,000 "250-x" lines, trickled at 1 ms per octet: reading them all would take 70,000 ms. The
    // EHLO reply's bound is 1024 lines (more than other replies': RFC 5321 sets none, and EHLO grows).
    std::string endless;
    for (int i = 0; i < 10000; ++i) endless += "250-x\r\n";
    endless += "250 end\r\n";
    session t;
    t.s.reply("220 mx.example ESMTP\r\n").trickle(endless, 1);
    const error e = t.c.open("mx.example");
    INFO(mwtest::describe(e));
    CHECK(e.where == phase::ehlo);
    CHECK(e.kind == error_kind::protocol);
    CHECK(e.why == cause::too_many_lines);
    CHECK(std::string(e.advice()) != "");
    INFO("clock: " << t.s.now_ms << " ms");
    CHECK(t.s.now_ms <= 7 * (mailwire::max_ehlo_reply_lines + 1));
    CHECK_FALSE(t.c.is_open());
}

TEST_CASE("a reply nobody asked for puts the server out of step and ends the session", "[unit][dialogue][hostile]") {
    // A second reply glued to the greeting would be taken as the answer to EHLO, and every later
    // reply would answer the wrong command (the shape of response injection).
    session t;
    t.s.reply("220 mx.example ESMTP\r\n250 injected\r\n").reply("250 mx\r\n");
    const error e = t.c.open("mx.example");
    INFO(mwtest::describe(e));
    CHECK(e.kind == error_kind::protocol);
    CHECK(e.where == phase::greeting);
    CHECK(t.s.written.empty());
    CHECK_FALSE(t.c.is_open());
}

TEST_CASE("a long multi-line refusal is kept as a bounded, flagged copy in the error", "[unit][dialogue]") {
    std::string refusal;
    std::string full_text;
    for (int i = 0; i < 30; ++i) {
        const std::string text = "5.7.1 policy line " + std::to_string(i) + " explains at length why";
        refusal += (i == 29 ? "550 " : "550-") + text + "\r\n";
    }
    session t;
    mwtest::greet(t.s);
    t.s.reply(refusal).reply("250 reset\r\n");
    open_with(t);
    recipients to({"b@example.org"});
    mailwire::envelope env = to.envelope("a@example.org");
    const mailwire::send_result r = t.c.send(env, message);
    INFO(mwtest::describe(r.err));
    CHECK(r.err.where == phase::mail);
    CHECK(r.err.server.code == 550);
    CHECK(r.err.server.enhanced_status() == "5.7.1");
    CHECK(r.err.server.truncated);
    CHECK(r.err.server.message().size() < MAILWIRE_REPLY_TEXT_SIZE);
    CHECK(r.err.server.message().substr(0, 24) == "policy line 0 explains a");
    CHECK(t.c.is_open());
}

TEST_CASE("QUIT is sent once and the connection closed whatever follows", "[unit][dialogue]") {
    session t;
    mwtest::greet(t.s);
    t.s.reply("221 2.0.0 Bye\r\n");
    open_with(t);
    CHECK(t.c.quit().ok());
    CHECK(t.s.written == mwtest::ehlo_line() + "QUIT\r\n");
    CHECK_FALSE(t.c.is_open());
    CHECK(t.s.closed_by_client);
    CHECK(t.c.quit().ok()); // a second quit on a closed client writes nothing
    CHECK(count_lines(t.s.written) == 2);
}
