// SPDX-License-Identifier: BSL-1.0
// Scripted dialogues: the exact bytes the client writes in a whole session, HELO fallback, several
// messages on one connection, NOOP and RSET, PIPELINING (RFC 2920) and its absence, per-recipient
// results, SIZE (RFC 1870), SMTPUTF8 (RFC 6531), 8BITMIME (RFC 6152), address checks before
// anything leaves, a failing message source, and hostile replies that must end in bounded time.
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

TEST_CASE("with PIPELINING, MAIL, every RCPT and DATA leave in one write and replies match in order",
          "[unit][dialogue][pipelining]") {
    // RFC 2920 §3.1: the client may send MAIL, RCPT and DATA together when PIPELINING is offered.
    session t;
    mwtest::greet(t.s, {"PIPELINING", "8BITMIME"});
    t.s.reply("250 2.1.0 Sender ok\r\n")
        .reply("250 2.1.5 Recipient ok\r\n")
        .reply("550 5.1.1 No such user\r\n")
        .reply("451 4.2.1 Mailbox busy\r\n")
        .reply("354 go ahead\r\n")
        .reply("250 2.0.0 queued\r\n");
    open_with(t);
    mwtest::trace_log log;
    log.attach(t.c);

    recipients to({"ok@example.org", "gone@example.org", "busy@example.org"});
    mailwire::envelope env = to.envelope("a@example.org");
    const std::size_t writes_before = t.s.writes();
    const mailwire::send_result r = t.c.send(env, message);
    INFO(mwtest::describe(r.err));
    INFO(log.all());

    REQUIRE(t.s.writes() >= writes_before + 1);
    const std::string batch = "MAIL FROM:<a@example.org>\r\n"
                              "RCPT TO:<ok@example.org>\r\n"
                              "RCPT TO:<gone@example.org>\r\n"
                              "RCPT TO:<busy@example.org>\r\n"
                              "DATA\r\n";
    if (MAILWIRE_TX_BUFFER_SIZE >= 512) CHECK(t.s.write(writes_before) == batch);
    else CHECK(t.s.written.find(batch) != std::string::npos); // a smaller send buffer splits it
    // Per recipient, in order.
    CHECK(to.list[0].result.code == 250);
    CHECK(to.list[0].accepted());
    CHECK(to.list[1].result.code == 550);
    CHECK(to.list[1].result.enhanced_status() == "5.1.1");
    CHECK(to.list[1].result.message() == "No such user");
    CHECK_FALSE(to.list[1].accepted());
    CHECK(to.list[2].result.code == 451);
    CHECK(to.list[2].result.enhanced_status() == "4.2.1");
    CHECK_FALSE(to.list[2].accepted());
    // Partial delivery: the message went to the accepted recipient.
    CHECK(r.delivered());
    CHECK_FALSE(r.ok());
    CHECK(r.accepted == 1);
    CHECK(r.refused == 2);
    REQUIRE(t.s.contents.size() == 1);
    CHECK(t.s.contents[0] == message + ".\r\n");
    // The trace shows the batch leaving before any of its replies was read.
    CHECK(log.directions() == "CCCCCSSSSSCCS");
}

TEST_CASE("without PIPELINING each command is its own write and waits for its reply", "[unit][dialogue][pipelining]") {
    SECTION("the server does not offer it") {
        session t;
        mwtest::greet(t.s, {"SIZE 1000000"});
        t.s.reply("250 ok\r\n").reply("250 ok\r\n").reply("251 will forward\r\n").reply("354 go\r\n").reply("250 queued\r\n");
        open_with(t);
        mwtest::trace_log log;
        log.attach(t.c);
        recipients to({"b@example.org", "c@example.org"});
        mailwire::envelope env = to.envelope("a@example.org");
        const std::size_t w = t.s.writes();
        const mailwire::send_result r = t.c.send(env, message);
        INFO(mwtest::describe(r.err));
        CHECK(r.ok());
        // RFC 5321 §4.3.2: 251 (user not local, will forward) is a success for RCPT.
        CHECK(r.accepted == 2);
        CHECK(to.list[1].accepted());
        REQUIRE(t.s.writes() == w + 5);
        CHECK(t.s.write(w) == "MAIL FROM:<a@example.org> SIZE=18\r\n");
        CHECK(t.s.write(w + 1) == "RCPT TO:<b@example.org>\r\n");
        CHECK(t.s.write(w + 2) == "RCPT TO:<c@example.org>\r\n");
        CHECK(t.s.write(w + 3) == "DATA\r\n");
        CHECK(t.s.write(w + 4) == message + ".\r\n");
        INFO(log.all());
        // Each command waits for its reply; the content shows as two client lines (summary and ".").
        CHECK(log.directions() == "CSCSCSCSCCS");
    }
    SECTION("the server offers it but the options turn it off") {
        session t;
        mwtest::greet(t.s, {"PIPELINING"});
        t.s.reply("250 ok\r\n").reply("250 ok\r\n").reply("354 go\r\n").reply("250 queued\r\n");
        open_with(t);
        t.c.options().disable_pipelining = true;
        recipients to({"b@example.org"});
        mailwire::envelope env = to.envelope("a@example.org");
        const std::size_t w = t.s.writes();
        CHECK(t.c.send(env, message).ok());
        REQUIRE(t.s.writes() == w + 4);
        CHECK(t.s.write(w) == "MAIL FROM:<a@example.org>\r\n");
        CHECK(t.s.write(w + 1) == "RCPT TO:<b@example.org>\r\n");
    }
    SECTION("a refused MAIL is not followed by RCPT") {
        session t;
        mwtest::greet(t.s);
        t.s.reply("550 5.7.1 sender refused\r\n").reply("250 reset\r\n");
        open_with(t);
        recipients to({"b@example.org"});
        mailwire::envelope env = to.envelope("a@example.org");
        const mailwire::send_result r = t.c.send(env, message);
        CHECK(r.err.where == phase::mail);
        CHECK(t.s.commands == std::vector<std::string>{"EHLO client.example", "MAIL FROM:<a@example.org>", "RSET"});
        CHECK(r.accepted == 0);
        CHECK(r.refused == 0);
    }
}

TEST_CASE("with PIPELINING and every recipient refused, a 354 is answered with an empty message and RSET",
          "[unit][dialogue][pipelining]") {
    // RFC 2920 §3.1: if DATA was pipelined after refused RCPTs and the server still says 354, the
    // client sends the terminating "." at once (no content), then goes on (here: RSET).
    session t;
    mwtest::greet(t.s, {"PIPELINING"});
    t.s.reply("250 2.1.0 ok\r\n")
        .reply("550 5.1.1 unknown\r\n")
        .reply("450 4.2.1 busy\r\n")
        .reply("354 go ahead anyway\r\n")
        .reply("554 5.5.1 no valid recipients\r\n")
        .reply("250 2.0.0 reset\r\n");
    open_with(t);
    recipients to({"x@example.org", "y@example.org"});
    mailwire::envelope env = to.envelope("a@example.org");
    const std::size_t w = t.s.writes();
    const mailwire::send_result r = t.c.send(env, "secret content that must not leave\r\n");
    INFO(mwtest::describe(r.err));
    CHECK_FALSE(r.delivered());
    CHECK(r.err.where == phase::rcpt);
    CHECK(r.err.why == cause::all_recipients_refused);
    // The worst refusal is the permanent one (RFC 5321 §4.2.1: 5yz is permanent).
    CHECK(r.err.kind == error_kind::permanent);
    CHECK(r.err.server.code == 550);
    CHECK(std::string(r.err.advice()) != "");
    CHECK(r.accepted == 0);
    CHECK(r.refused == 2);
    const std::string after_batch = t.s.written.substr(t.s.write_ends[w]);
    if (MAILWIRE_TX_BUFFER_SIZE >= 512) CHECK(after_batch == ".\r\nRSET\r\n");
    else CHECK(after_batch.compare(after_batch.size() - 9, 9, ".\r\nRSET\r\n") == 0);
    CHECK(t.s.written.find("secret") == std::string::npos);
    CHECK(t.s.contents == std::vector<std::string>{".\r\n"});
    CHECK(t.c.is_open());
}

TEST_CASE("with PIPELINING and every recipient refused, a refused DATA is followed by RSET", "[unit][dialogue][pipelining]") {
    session t;
    mwtest::greet(t.s, {"PIPELINING"});
    t.s.reply("250 ok\r\n").reply("451 4.3.0 later\r\n").reply("554 5.5.1 no valid recipients\r\n").reply("250 reset\r\n");
    open_with(t);
    recipients to({"x@example.org"});
    mailwire::envelope env = to.envelope("a@example.org");
    const std::size_t w = t.s.writes();
    const mailwire::send_result r = t.c.send(env, message);
    INFO(mwtest::describe(r.err));
    CHECK(r.err.where == phase::rcpt);
    CHECK(r.err.why == cause::all_recipients_refused);
    CHECK(r.err.kind == error_kind::temporary);
    CHECK(r.err.server.code == 451);
    CHECK(t.s.written.substr(t.s.write_ends[w]) == "RSET\r\n");
    CHECK(t.s.contents.empty());
}

TEST_CASE("with PIPELINING a refused MAIL voids the recipients' replies and resets", "[unit][dialogue][pipelining]") {
    SECTION("the server refuses RCPT and DATA as out of sequence") {
        session t;
        mwtest::greet(t.s, {"PIPELINING"});
        t.s.reply("550 5.7.1 sender refused\r\n")
            .reply("503 5.5.1 need MAIL first\r\n")
            .reply("503 5.5.1 need MAIL first\r\n")
            .reply("503 5.5.1 need MAIL first\r\n")
            .reply("250 reset\r\n");
        open_with(t);
        recipients to({"b@example.org", "c@example.org"});
        mailwire::envelope env = to.envelope("a@example.org");
        const std::size_t w = t.s.writes();
        const mailwire::send_result r = t.c.send(env, message);
        INFO(mwtest::describe(r.err));
        CHECK(r.err.where == phase::mail);
        CHECK(r.err.kind == error_kind::permanent);
        CHECK(r.err.server.code == 550);
        CHECK(r.err.server.enhanced_status() == "5.7.1");
        CHECK(std::string(r.err.advice()) != "");
        CHECK(r.accepted == 0);
        CHECK(r.refused == 0); // the 503s say nothing about the recipients
        CHECK_FALSE(to.list[0].accepted());
        CHECK_FALSE(to.list[1].accepted());
        const std::string after = t.s.written.substr(t.s.write_ends[w]);
        if (MAILWIRE_TX_BUFFER_SIZE >= 512) CHECK(after == "RSET\r\n");
        else CHECK(after.compare(after.size() - 6, 6, "RSET\r\n") == 0);
        CHECK(t.c.is_open());
    }
    SECTION("a broken server accepts RCPT and DATA anyway: no content leaves") {
        session t;
        mwtest::greet(t.s, {"PIPELINING"});
        t.s.reply("550 5.7.1 sender refused\r\n")
            .reply("250 ok\r\n")
            .reply("354 go\r\n")
            .reply("554 no transaction\r\n")
            .reply("250 reset\r\n");
        open_with(t);
        recipients to({"b@example.org"});
        mailwire::envelope env = to.envelope("a@example.org");
        const std::size_t w = t.s.writes();
        const mailwire::send_result r = t.c.send(env, "must not leave\r\n");
        INFO(mwtest::describe(r.err));
        CHECK_FALSE(r.delivered());
        CHECK(r.err.where == phase::mail);
        CHECK(r.err.server.code == 550);
        CHECK(r.accepted == 0);
        CHECK(t.s.written.substr(t.s.write_ends[w]) == ".\r\nRSET\r\n");
        CHECK(t.s.written.find("must not leave") == std::string::npos);
    }
}

TEST_CASE("with PIPELINING a 421 or a lost connection in the batch's replies ends the session", "[unit][dialogue][pipelining]") {
    struct variant {
        const char* name;
        int where_421; // index of the reply that is 421 (0 MAIL, 1 RCPT, 2 DATA), or -1: the server closes after MAIL's reply
        phase where;
        error_kind kind;
    };
    const variant variants[] = {
        {"421 to MAIL", 0, phase::mail, error_kind::temporary},
        {"421 to RCPT", 1, phase::rcpt, error_kind::temporary},
        {"421 to DATA", 2, phase::data, error_kind::temporary},
    };
    for (const variant& v : variants) {
        INFO(v.name);
        session t;
        mwtest::greet(t.s, {"PIPELINING"});
        const char* ok[] = {"250 ok\r\n", "250 ok\r\n", "354 go\r\n"};
        for (int i = 0; i < 3; ++i) t.s.reply(i == v.where_421 ? "421 4.3.2 shutting down\r\n" : ok[i]);
        t.s.reply("250 whatever\r\n");
        open_with(t);
        recipients to({"b@example.org"});
        mailwire::envelope env = to.envelope("a@example.org");
        const std::size_t w = t.s.writes();
        const mailwire::send_result r = t.c.send(env, message);
        INFO(mwtest::describe(r.err));
        CHECK(r.err.where == v.where);
        CHECK(r.err.kind == v.kind);
        CHECK(r.err.server.code == 421);
        CHECK(std::string(r.err.advice()) != "");
        CHECK(t.s.writes() == w + 1); // the batch, then nothing
        CHECK_FALSE(t.c.is_open());
        CHECK_FALSE(t.s.connected);
    }
    SECTION("the connection is lost after the batch") {
        session t;
        mwtest::greet(t.s, {"PIPELINING"});
        t.s.close();
        open_with(t);
        recipients to({"b@example.org"});
        mailwire::envelope env = to.envelope("a@example.org");
        const mailwire::send_result r = t.c.send(env, message);
        INFO(mwtest::describe(r.err));
        CHECK(r.err.where == phase::mail);
        CHECK(r.err.kind == error_kind::network);
        CHECK(r.err.why == cause::connection_lost);
        CHECK_FALSE(t.c.is_open());
    }
    SECTION("the server is silent after the batch") {
        session t;
        mwtest::greet(t.s, {"PIPELINING"});
        t.s.silence();
        open_with(t);
        recipients to({"b@example.org"});
        mailwire::envelope env = to.envelope("a@example.org");
        const mailwire::send_result r = t.c.send(env, message);
        INFO(mwtest::describe(r.err));
        CHECK(r.err.where == phase::mail);
        CHECK(r.err.kind == error_kind::timeout);
        CHECK_FALSE(t.c.is_open());
    }
}

TEST_CASE("without PIPELINING, a partial refusal still delivers to the accepted recipients", "[unit][dialogue]") {
    session t;
    mwtest::greet(t.s);
    t.s.reply("250 ok\r\n")
        .reply("550 5.1.1 unknown user\r\n")
        .reply("250 ok\r\n")
        .reply("452 4.5.3 too many recipients\r\n")
        .reply("354 go\r\n")
        .reply("250 queued\r\n");
    open_with(t);
    recipients to({"a1@example.org", "a2@example.org", "a3@example.org"});
    mailwire::envelope env = to.envelope("s@example.org");
    const mailwire::send_result r = t.c.send(env, message);
    INFO(mwtest::describe(r.err));
    CHECK(r.delivered());
    CHECK_FALSE(r.ok());
    CHECK(r.accepted == 1);
    CHECK(r.refused == 2);
    CHECK(to.list[0].result.code == 550);
    CHECK(to.list[1].result.code == 250);
    CHECK(to.list[2].result.code == 452);
    CHECK(to.list[2].result.enhanced_status() == "4.5.3");
    CHECK(t.s.contents.size() == 1);
}

TEST_CASE("a message source that fails mid-body never gets an end-of-data", "[unit][dialogue][source]") {
    // source.hpp and RFC 5321 §4.1.1.4: there is no way to abort DATA but closing the connection;
    // a "." would make the server deliver a truncated message.
    struct state {
        int calls = 0;
        int fail_at = 0;
    };
    auto fill = [](void* ctx, char* buf, std::size_t cap) -> std::ptrdiff_t {
        state& st = *static_cast<state*>(ctx);
        if (++st.calls == st.fail_at) return -1;
        const char pattern[] = "line of the body\r\n";
        std::size_t n = 0;
        while (n + sizeof(pattern) - 1 <= cap && n < 300) {
            std::memcpy(buf + n, pattern, sizeof(pattern) - 1);
            n += sizeof(pattern) - 1;
        }
        return static_cast<std::ptrdiff_t>(n);
    };
    for (int fail_at : {1, 2, 9}) {
        INFO("the source fails on read " << fail_at);
        session t;
        mwtest::greet(t.s);
        t.s.reply("250 ok\r\n").reply("250 ok\r\n").reply("354 go\r\n").reply("250 queued\r\n").reply("221 bye\r\n");
        open_with(t);
        state st;
        st.fail_at = fail_at;
        mailwire::callback_source src{+fill, &st};
        recipients to({"b@example.org"});
        mailwire::envelope env = to.envelope("a@example.org");
        const mailwire::send_result r = t.c.send(env, src);
        INFO(mwtest::describe(r.err));
        CHECK_FALSE(r.delivered());
        CHECK(r.err.where == phase::body);
        CHECK(r.err.why == cause::source_failed);
        CHECK(std::string(r.err.advice()) != "");
        const std::size_t data_at = t.s.written.find("DATA\r\n");
        REQUIRE(data_at != std::string::npos);
        const std::string body = t.s.written.substr(data_at + 6);
        INFO("body bytes written: " << body.size());
        CHECK(body.find("\r\n.\r\n") == std::string::npos);
        CHECK(body.compare(0, 3, ".\r\n") != 0);
        CHECK(body.find("QUIT") == std::string::npos);
        CHECK(t.s.contents.empty()); // the server never saw the end of the data
        CHECK_FALSE(t.c.is_open());
        CHECK(t.s.closed_by_client);
    }
}

TEST_CASE("SIZE: a message larger than the server's limit is refused before MAIL", "[unit][dialogue][size]") {
    // RFC 1870 §6: a client should not send a message larger than the SIZE the server announced.
    // 101 octets with CRLF line ends: "Subject: x\r\n" 12 + "\r\n" 2 + 85 'a' + "\r\n" 2.
    const std::string large = "Subject: x\n\n" + std::string(85, 'a') + "\n";
    const std::string exact = "Subject: x\n\n" + std::string(84, 'a') + "\n";
    SECTION("one octet over the limit") {
        session t;
        mwtest::greet(t.s, {"SIZE 100"});
        open_with(t);
        const std::size_t mark = t.s.written.size();
        recipients to({"b@example.org"});
        mailwire::envelope env = to.envelope("a@example.org");
        const mailwire::send_result r = t.c.send(env, large);
        INFO(mwtest::describe(r.err));
        CHECK(r.err.why == cause::message_too_large);
        CHECK(r.err.kind == error_kind::usage);
        CHECK(r.err.where == phase::mail);
        CHECK(std::string(r.err.advice()) != "");
        CHECK(t.s.written.size() == mark); // nothing after EHLO
        CHECK(t.c.is_open());
    }
    SECTION("exactly the limit is sent and declared") {
        session t;
        mwtest::greet(t.s, {"SIZE 100"});
        t.s.reply("250 ok\r\n").reply("250 ok\r\n").reply("354 go\r\n").reply("250 queued\r\n");
        open_with(t);
        recipients to({"b@example.org"});
        mailwire::envelope env = to.envelope("a@example.org");
        const mailwire::send_result r = t.c.send(env, exact);
        INFO(mwtest::describe(r.err));
        CHECK(r.ok());
        REQUIRE(t.s.commands.size() >= 2);
        CHECK(t.s.commands[1] == "MAIL FROM:<a@example.org> SIZE=100");
    }
}

TEST_CASE("SIZE= is declared in MAIL FROM exactly when the server offers SIZE", "[unit][dialogue][size]") {
    SECTION("offered with a limit: SIZE= the CRLF size of the message") {
        session t;
        mwtest::greet(t.s, {"SIZE 35882577"});
        t.s.reply("250 ok\r\n").reply("250 ok\r\n").reply("354 go\r\n").reply("250 queued\r\n");
        open_with(t);
        recipients to({"b@example.org"});
        mailwire::envelope env = to.envelope("a@example.org");
        // LF line ends in the input; the wire (and SIZE) counts CRLF: 12 + 2 + 4 = 18.
        CHECK(t.c.send(env, "Subject: t\n\nhi\n").ok());
        CHECK(t.s.commands[1] == "MAIL FROM:<a@example.org> SIZE=18");
        CHECK(t.s.contents[0] == "Subject: t\r\n\r\nhi\r\n.\r\n");
    }
    SECTION("offered without a limit: still declared (RFC 1870 section 6)") {
        session t;
        mwtest::greet(t.s, {"SIZE"});
        t.s.reply("250 ok\r\n").reply("250 ok\r\n").reply("354 go\r\n").reply("250 queued\r\n");
        open_with(t);
        recipients to({"b@example.org"});
        mailwire::envelope env = to.envelope("a@example.org");
        CHECK(t.c.send(env, message).ok());
        CHECK(t.s.commands[1] == "MAIL FROM:<a@example.org> SIZE=18");
    }
    SECTION("not offered: no SIZE parameter") {
        session t;
        mwtest::greet(t.s, {"PIPELINING"});
        t.s.reply("250 ok\r\n").reply("250 ok\r\n").reply("354 go\r\n").reply("250 queued\r\n");
        open_with(t);
        recipients to({"b@example.org"});
        mailwire::envelope env = to.envelope("a@example.org");
        CHECK(t.c.send(env, message).ok());
        CHECK(t.s.commands[1] == "MAIL FROM:<a@example.org>");
    }
}

TEST_CASE("each message on one connection declares its own SIZE, also with a reused envelope", "[unit][dialogue][size]") {
    session t;
    mwtest::greet(t.s, {"SIZE 1000000"});
    for (int i = 0; i < 2; ++i) t.s.reply("250 ok\r\n").reply("250 ok\r\n").reply("354 go\r\n").reply("250 queued\r\n");
    open_with(t);
    recipients to({"b@example.org"});
    mailwire::envelope env = to.envelope("a@example.org");
    REQUIRE(t.c.send(env, "short\r\n").ok());                     // 7 octets
    REQUIRE(t.c.send(env, "a much longer second message\r\n").ok()); // 30 octets
    REQUIRE(t.s.commands.size() >= 6);
    CHECK(t.s.commands[1] == "MAIL FROM:<a@example.org> SIZE=7");
    // RFC 1870 §6: the declared size is that of this message; a stale, smaller one lets a server
    // reject a message it would have taken, or take one it cannot store.
    CHECK(t.s.commands[4] == "MAIL FROM:<a@example.org> SIZE=30");
}

TEST_CASE("the SIZE limit is checked against each message, also with a reused envelope", "[unit][dialogue][size]") {
    session t;
    mwtest::greet(t.s, {"SIZE 50"});
    t.s.reply("250 ok\r\n").reply("250 ok\r\n").reply("354 go\r\n").reply("250 queued\r\n");
    t.s.reply("250 ok\r\n").reply("250 ok\r\n").reply("354 go\r\n").reply("250 queued\r\n");
    open_with(t);
    recipients to({"b@example.org"});
    mailwire::envelope env = to.envelope("a@example.org");
    REQUIRE(t.c.send(env, "short\r\n").ok());
    const std::size_t mark = t.s.written.size();
    const mailwire::send_result r = t.c.send(env, std::string(200, 'x') + "\r\n"); // 202 octets > 50
    INFO(mwtest::describe(r.err));
    CHECK(r.err.why == cause::message_too_large);
    CHECK(t.s.written.size() == mark);
}

TEST_CASE("8BITMIME: BODY=8BITMIME is declared only when the content is 8-bit and the server offers it",
          "[unit][dialogue]") {
    for (bool offered : {true, false}) {
        INFO("8BITMIME offered: " << offered);
        session t;
        if (offered) mwtest::greet(t.s, {"8BITMIME"});
        else mwtest::greet(t.s);
        t.s.reply("250 ok\r\n").reply("250 ok\r\n").reply("354 go\r\n").reply("250 queued\r\n");
        open_with(t);
        recipients to({"b@example.org"});
        mailwire::envelope env = to.envelope("a@example.org");
        env.eight_bit = true;
        CHECK(t.c.send(env, "caf\xc3\xa9\r\n").ok());
        CHECK(t.s.commands[1] == (offered ? "MAIL FROM:<a@example.org> BODY=8BITMIME" : "MAIL FROM:<a@example.org>"));
    }
}

TEST_CASE("SMTPUTF8: a non-ASCII address needs the extension", "[unit][dialogue][utf8]") {
    const std::string utf8_rcpt = "j\xc3\xb6rg@example.org";
    SECTION("not offered: refused before MAIL, nothing written after EHLO") {
        for (bool in_sender : {false, true}) {
            session t;
            mwtest::greet(t.s, {"8BITMIME"});
            open_with(t);
            const std::size_t mark = t.s.written.size();
            recipients to({in_sender ? std::string("b@example.org") : utf8_rcpt});
            const std::string sender = in_sender ? utf8_rcpt : std::string("a@example.org"); // outlives env
            mailwire::envelope env = to.envelope(sender);
            const mailwire::send_result r = t.c.send(env, message);
            INFO("in sender: " << in_sender << "; " << mwtest::describe(r.err));
            CHECK(r.err.why == cause::utf8_not_supported);
            CHECK(r.err.kind == error_kind::usage);
            CHECK(std::string(r.err.advice()) != "");
            CHECK(t.s.written.size() == mark);
            CHECK(t.c.is_open());
        }
    }
    SECTION("offered: MAIL FROM carries the SMTPUTF8 parameter (RFC 6531 section 3.4)") {
        session t;
        mwtest::greet(t.s, {"SMTPUTF8", "8BITMIME"});
        t.s.reply("250 ok\r\n").reply("250 ok\r\n").reply("354 go\r\n").reply("250 queued\r\n");
        open_with(t);
        recipients to({utf8_rcpt});
        mailwire::envelope env = to.envelope("a@example.org");
        const mailwire::send_result r = t.c.send(env, message);
        INFO(mwtest::describe(r.err));
        CHECK(r.ok());
        CHECK(t.s.commands[1] == "MAIL FROM:<a@example.org> SMTPUTF8");
        CHECK(t.s.commands[2] == "RCPT TO:<" + utf8_rcpt + ">");
    }
    SECTION("an ASCII envelope does not send SMTPUTF8 even when offered") {
        session t;
        mwtest::greet(t.s, {"SMTPUTF8"});
        t.s.reply("250 ok\r\n").reply("250 ok\r\n").reply("354 go\r\n").reply("250 queued\r\n");
        open_with(t);
        recipients to({"b@example.org"});
        mailwire::envelope env = to.envelope("a@example.org");
        CHECK(t.c.send(env, message).ok());
        CHECK(t.s.commands[1] == "MAIL FROM:<a@example.org>");
    }
}

TEST_CASE("rejects CR, LF or NUL in the sender or a recipient before anything is written", "[unit][dialogue][address]") {
    const std::string injections[] = {
        "a@example.org>\r\nRCPT TO:<evil@example.org",
        "a@example.org\n",
        "a@exa\rmple.org",
        std::string("a@example.org\0evil", 18),
    };
    for (const std::string& bad : injections) {
        for (int where = 0; where < 3; ++where) { // 0 sender, 1 first recipient, 2 last recipient
            INFO("address " << mwtest::escaped(bad) << " as " << (where == 0 ? "sender" : where == 1 ? "first recipient" : "last recipient"));
            session t;
            mwtest::greet(t.s, {"PIPELINING"});
            open_with(t);
            const std::size_t mark = t.s.written.size();
            recipients to({where == 1 ? bad : std::string("b@example.org"), where == 2 ? bad : std::string("c@example.org")});
            const std::string sender = where == 0 ? bad : std::string("a@example.org"); // outlives env
            mailwire::envelope env = to.envelope(sender);
            const mailwire::send_result r = t.c.send(env, message);
            INFO(mwtest::describe(r.err));
            CHECK(r.err.why == cause::bad_address);
            CHECK(r.err.kind == error_kind::usage);
            CHECK(r.err.where == (where == 0 ? phase::mail : phase::rcpt));
            CHECK(std::string(r.err.advice()) != "");
            CHECK(t.s.written.size() == mark);
            CHECK(t.c.is_open());
        }
    }
    SECTION("a syntactically invalid address is refused the same way") {
        session t;
        mwtest::greet(t.s);
        open_with(t);
        const std::size_t mark = t.s.written.size();
        recipients to({"not an address"});
        mailwire::envelope env = to.envelope("a@example.org");
        CHECK(t.c.send(env, message).err.why == cause::bad_address);
        CHECK(t.s.written.size() == mark);
    }
}

TEST_CASE("the null sender and a bare Postmaster recipient are sent as such", "[unit][dialogue][address]") {
    // RFC 5321 §4.5.5 (MAIL FROM:<>) and §4.1.1.3 (RCPT TO:<Postmaster>).
    session t;
    mwtest::greet(t.s);
    t.s.reply("250 ok\r\n").reply("250 ok\r\n").reply("354 go\r\n").reply("250 queued\r\n");
    open_with(t);
    recipients to({"Postmaster"});
    mailwire::envelope env = to.envelope("");
    const mailwire::send_result r = t.c.send(env, message);
    INFO(mwtest::describe(r.err));
    CHECK(r.ok());
    CHECK(t.s.commands[1] == "MAIL FROM:<>");
    CHECK(t.s.commands[2] == "RCPT TO:<Postmaster>");
}

TEST_CASE("an empty recipient list is a usage error", "[unit][dialogue]") {
    session t;
    mwtest::greet(t.s);
    open_with(t);
    const std::size_t mark = t.s.written.size();
    mailwire::envelope env;
    env.sender = "a@example.org";
    const mailwire::send_result r = t.c.send(env, message);
    CHECK(r.err.kind == error_kind::usage);
    CHECK(r.err.why == cause::bad_argument);
    CHECK(t.s.written.size() == mark);
}

TEST_CASE("the content reaches the server dot-stuffed with CRLF, whatever its line ends", "[unit][dialogue][smuggling]") {
    // The 2023 SMTP-smuggling payloads through the whole client: the server must see exactly one
    // end-of-data, at the end, and the smuggled commands as (stuffed) content.
    const std::string payload = "Subject: hi\n\nbody\n.\nMAIL FROM:<evil@example.org>\r\n.\r\nRCPT TO:<x@example.org>\r."
                                "\rDATA\r\n.\r";
    const std::string expected = "Subject: hi\r\n\r\nbody\r\n..\r\nMAIL FROM:<evil@example.org>\r\n..\r\n"
                                 "RCPT TO:<x@example.org>\r\n..\r\nDATA\r\n..\r\n.\r\n";
    session t;
    mwtest::greet(t.s);
    t.s.reply("250 ok\r\n").reply("250 ok\r\n").reply("354 go\r\n").reply("250 queued\r\n");
    open_with(t);
    recipients to({"b@example.org"});
    mailwire::envelope env = to.envelope("a@example.org");
    const mailwire::send_result r = t.c.send(env, payload);
    INFO(mwtest::describe(r.err));
    CHECK(r.ok());
    REQUIRE(t.s.contents.size() == 1);
    CHECK(t.s.contents[0] == expected);
    CHECK(t.s.commands == std::vector<std::string>{"EHLO client.example", "MAIL FROM:<a@example.org>",
                                                   "RCPT TO:<b@example.org>", "DATA"});
    CHECK(t.s.turns_left() == 0);
}

TEST_CASE("a body larger than the transmit buffer streams through intact", "[unit][dialogue]") {
    std::string body;
    std::string expected;
    for (int i = 0; i < 2000; ++i) {
        const std::string l = (i % 7 == 0 ? "." : "") + std::string("line ") + std::to_string(i);
        body += l + (i % 3 == 0 ? "\n" : "\r\n");
        expected += (l[0] == '.' ? "." : "") + l + "\r\n";
    }
    expected += ".\r\n";
    REQUIRE(body.size() > 4 * MAILWIRE_TX_BUFFER_SIZE);
    session t;
    mwtest::greet(t.s, {"SIZE 100000000", "PIPELINING"});
    t.s.reply("250 ok\r\n").reply("250 ok\r\n").reply("354 go\r\n").reply("250 queued\r\n");
    open_with(t);
    recipients to({"b@example.org"});
    mailwire::envelope env = to.envelope("a@example.org");
    const mailwire::send_result r = t.c.send(env, body);
    INFO(mwtest::describe(r.err));
    CHECK(r.ok());
    REQUIRE(t.s.contents.size() == 1);
    CHECK(t.s.contents[0] == expected);
}

TEST_CASE("short reads and short writes do not change the dialogue", "[unit][dialogue]") {
    for (std::size_t limit : {std::size_t(1), std::size_t(3), std::size_t(7)}) {
        INFO("reads and writes of at most " << limit << " octets");
        session t;
        t.s.max_read = limit;
        t.s.max_write = limit;
        mwtest::greet(t.s, {"PIPELINING", "SIZE 1000000", "AUTH PLAIN"});
        t.s.reply("235 ok\r\n");
        t.s.reply("250 ok\r\n").reply("250 ok\r\n").reply("550 no\r\n").reply("354 go\r\n").reply("250 queued\r\n");
        t.s.reply("221 bye\r\n");
        t.c.options().allow_plaintext_auth = true;
        open_with(t);
        CHECK(t.c.authenticate({"user", "pass"}).ok());
        recipients to({"b@example.org", "c@example.org"});
        mailwire::envelope env = to.envelope("a@example.org");
        const mailwire::send_result r = t.c.send(env, message);
        INFO(mwtest::describe(r.err));
        CHECK(r.delivered());
        CHECK(r.refused == 1);
        CHECK(t.c.quit().ok());
        CHECK(t.s.written == mwtest::ehlo_line() + "AUTH PLAIN " + mwtest::ref_base64(std::string("\0user\0pass", 10)) +
                                 "\r\nMAIL FROM:<a@example.org> SIZE=18\r\nRCPT TO:<b@example.org>\r\n"
                                 "RCPT TO:<c@example.org>\r\nDATA\r\n" + message + ".\r\nQUIT\r\n");
        CHECK(t.s.turns_left() == 0);
    }
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
    // 10,000 "250-x" lines, trickled at 1 ms per octet: reading them all would take 70,000 ms.
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
    CHECK(t.s.now_ms <= 7 * (MAILWIRE_MAX_REPLY_LINES + 1));
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
