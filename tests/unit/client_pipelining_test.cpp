// SPDX-License-Identifier: BSL-1.0
// PIPELINING (RFC 2920) over the scripted peer (client.hpp): MAIL, RCPT and DATA in one write with
// the replies matched in order, each command waiting for its reply without it, and the first-failure
// rules (every recipient refused, a refused MAIL, a 421 or a lost connection among the replies).
// The window and reading while writing are in client_pipelining_window_test.cpp.
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

} // namespace

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
