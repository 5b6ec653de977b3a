// SPDX-License-Identifier: BSL-1.0
// Every reply class at every phase: for each step of the dialogue (greeting, EHLO, HELO, AUTH,
// MAIL, RCPT, DATA, end of data, RSET, NOOP, QUIT) the scripted server answers with an unexpected
// 2xx or 3xx, a 4xx, a 5xx, a 421, a disconnect, a reset, garbage or silence, or the client's write
// fails. Each row states the error the client must return (phase, kind, cause, the server's code),
// that it carries advice, what the client writes afterwards and whether the connection stays open.
//
// What the client writes after a failure follows RFC 5321: after a refused greeting, EHLO or AUTH
// the session is over and the client says QUIT (§3.1 asks for it after a 554 greeting, RFC 4954
// §4 allows nothing but a new AUTH or QUIT after a failed AUTH); after a refused MAIL, RCPT or DATA
// the transaction is abandoned with RSET (§4.1.1.5) so the connection can carry another message;
// after the reply to the final "." the transaction is over anyway (§4.1.1.4), so nothing is sent.
// A 421 means the server is closing the channel (§3.8): nothing more is sent. After a lost
// connection, garbage or silence the dialogue cannot be resynchronised and the client closes.
// Once the final "." has left, an error without a real 4xx/5xx reply leaves the outcome unknown
// (§4.5.3.2.6, §6.1): the server may have accepted the message.
#include "support.hpp"

#include <catch2/catch.hpp>

#include <cerrno>
#include <string>
#include <vector>

using mailwire::cause;
using mailwire::error;
using mailwire::error_kind;
using mailwire::phase;
using mwtest::script;
using mwtest::session;

namespace {

enum class server_action { reply, close, reset, silence, write_fails };

struct row {
    const char* name;
    server_action action;
    std::string bytes; ///< for reply
    error_kind kind;
    cause why;
    std::uint16_t code;       ///< the server's code in the error; 0 when there was no reply
    std::string enhanced;     ///< RFC 3463 code expected in the error ("" = none / not checked)
    std::string after;        ///< what the client writes after the phase's own output
    int open_after;           ///< 1 open, 0 closed, -1 not checked
    int sys_error = 0;        ///< errno expected (0 = not checked)
    phase where_override = phase::none;
};

/// One step of the dialogue: the script up to it, how to reach it, and what the client writes.
struct step {
    const char* name;
    phase where;
    void (*prepare)(script&);                  ///< turns before the one under test
    std::string prefix;                        ///< written in the same call before the step's unit
    std::string unit;                          ///< the step's own command (or message content)
    std::size_t writes_before;                 ///< write calls in the same call before the step's unit
    error (*run)(session&, std::size_t& mark, std::size_t fail_write); ///< fail_write: 1-based within the call
};

const std::string sender = "a@example.org";
const std::string rcpt = "b@example.org";
const std::string message = "Subject: t\r\n\r\nhi\r\n";

const std::string mail_line = "MAIL FROM:<a@example.org>\r\n";
const std::string rcpt_line = "RCPT TO:<b@example.org>\r\n";
const std::string data_line = "DATA\r\n";
const std::string content = message + ".\r\n";

std::string plain_line() { return "AUTH PLAIN " + mwtest::ref_base64(std::string("\0user\0pass", 10)) + "\r\n"; }

// ------------------------------------------------------------------ how each step is reached
void prep_none(script&) {}
void prep_greeting(script& s) { s.reply("220 mx.example ESMTP\r\n"); }
void prep_helo(script& s) { s.reply("220 mx.example ESMTP\r\n").reply("500 5.5.1 Command unrecognized\r\n"); }
void prep_open(script& s) { mwtest::greet(s); }
void prep_open_auth(script& s) { mwtest::greet(s, {"AUTH PLAIN LOGIN"}); }
void prep_mail_ok(script& s) {
    mwtest::greet(s);
    s.reply("250 2.1.0 Sender ok\r\n");
}
void prep_rcpt_ok(script& s) {
    prep_mail_ok(s);
    s.reply("250 2.1.5 Recipient ok\r\n");
}
void prep_data_ok(script& s) {
    prep_rcpt_ok(s);
    s.reply("354 End data with <CR><LF>.<CR><LF>\r\n");
}

error run_open(session& t, std::size_t& mark, std::size_t fail_write) {
    if (fail_write != 0) t.s.fail_write_at = fail_write;
    mark = 0;
    return t.c.open("mx.example");
}

template <class Call>
error open_then(session& t, std::size_t& mark, std::size_t fail_write, Call call) {
    const error opened = t.c.open("mx.example");
    if (!opened.ok()) {
        FAIL_CHECK("open failed before the step under test: " << mwtest::describe(opened));
        return opened;
    }
    if (fail_write != 0) t.s.fail_write_at = t.s.writes() + fail_write;
    mark = t.s.written.size();
    return call(t);
}

error run_auth(session& t, std::size_t& mark, std::size_t fail_write) {
    t.c.options().allow_plaintext_auth = true;
    return open_then(t, mark, fail_write, [](session& u) {
        return u.c.authenticate(mailwire::credentials{"user", "pass"}, mailwire::auth_mechanism::plain);
    });
}
error run_send(session& t, std::size_t& mark, std::size_t fail_write) {
    return open_then(t, mark, fail_write, [](session& u) {
        mwtest::recipients to({rcpt});
        mailwire::envelope env = to.envelope(sender);
        return u.c.send(env, message).err;
    });
}
error run_rset(session& t, std::size_t& mark, std::size_t fail_write) {
    return open_then(t, mark, fail_write, [](session& u) { return u.c.reset(); });
}
error run_noop(session& t, std::size_t& mark, std::size_t fail_write) {
    return open_then(t, mark, fail_write, [](session& u) { return u.c.noop(); });
}
error run_quit(session& t, std::size_t& mark, std::size_t fail_write) {
    return open_then(t, mark, fail_write, [](session& u) { return u.c.quit(); });
}

std::vector<step> steps() {
    return {
        {"greeting", phase::greeting, prep_none, "", "", 0, run_open},
        {"EHLO", phase::ehlo, prep_greeting, "", mwtest::ehlo_line(), 0, run_open},
        {"HELO after EHLO got 500", phase::ehlo, prep_helo, mwtest::ehlo_line(), mwtest::helo_line(), 1, run_open},
        {"AUTH", phase::auth, prep_open_auth, "", plain_line(), 0, run_auth},
        {"MAIL", phase::mail, prep_open, "", mail_line, 0, run_send},
        {"RCPT", phase::rcpt, prep_mail_ok, mail_line, rcpt_line, 1, run_send},
        {"DATA", phase::data, prep_rcpt_ok, mail_line + rcpt_line, data_line, 2, run_send},
        {"end of data", phase::end_of_data, prep_data_ok, mail_line + rcpt_line + data_line, content, 3, run_send},
        {"RSET", phase::rset, prep_open, "", "RSET\r\n", 0, run_rset},
        {"NOOP", phase::noop, prep_open, "", "NOOP\r\n", 0, run_noop},
        {"QUIT", phase::quit, prep_open, "", "QUIT\r\n", 0, run_quit},
    };
}

/// The rows every step shares: 421, lost connection, garbage, silence, a failed write.
std::vector<row> transport_rows(phase where, bool message_sent) {
    const cause lost = message_sent ? cause::outcome_unknown : cause::connection_lost;
    std::vector<row> rows = {
        {"421 closing", server_action::reply, "421 4.3.2 Service shutting down\r\n", error_kind::temporary, cause::none, 421,
         "4.3.2", "", 0},
        // Before the greeting's first octet a close or silence is no greeting (a configuration
        // mismatch, not a network failure; RFC 5321 §3.1 has the server greet at once).
        where == phase::greeting
            ? row{"disconnect", server_action::close, "", error_kind::protocol, cause::no_greeting, 0, "", "", 0}
            : row{"disconnect", server_action::close, "", error_kind::network, lost, 0, "", "", 0},
        {"reset", server_action::reset, "", error_kind::network, lost, 0, "", "", 0, ECONNRESET},
        {"garbage", server_action::reply, "hello there\r\n", error_kind::protocol,
         message_sent ? cause::outcome_unknown : cause::malformed_reply, 0, "", "", 0},
        where == phase::greeting
            ? row{"silence", server_action::silence, "", error_kind::protocol, cause::no_greeting, 0, "", "", 0}
            : row{"silence", server_action::silence, "", error_kind::timeout,
                  message_sent ? cause::outcome_unknown : cause::none, 0, "", "", 0},
    };
    if (where != phase::greeting)
        rows.push_back({"the write fails", server_action::write_fails, "", error_kind::network, cause::connection_lost, 0, "",
                        "", 0, EPIPE, message_sent ? phase::body : phase::none});
    return rows;
}

std::vector<row> reply_rows(phase where) {
    const std::string quit = "QUIT\r\n";
    const std::string rset = "RSET\r\n";
    switch (where) {
    case phase::greeting:
        return {
            {"2xx other than 220", server_action::reply, "221 mx.example closing\r\n", error_kind::protocol,
             cause::unexpected_reply, 221, "", quit, 0},
            {"3xx", server_action::reply, "350 what\r\n", error_kind::protocol, cause::unexpected_reply, 350, "", quit, 0},
            {"4xx", server_action::reply, "450 4.3.2 try later\r\n", error_kind::temporary, cause::none, 450, "4.3.2", quit, 0},
            {"554", server_action::reply, "554 5.7.1 no SMTP service here\r\n", error_kind::permanent, cause::none, 554,
             "5.7.1", quit, 0},
        };
    case phase::ehlo:
        return {
            {"2xx other than 250", server_action::reply, "251 hmm\r\n", error_kind::protocol, cause::unexpected_reply, 251, "",
             quit, 0},
            {"3xx", server_action::reply, "350 what\r\n", error_kind::protocol, cause::unexpected_reply, 350, "", quit, 0},
            {"4xx", server_action::reply, "451 4.3.0 try later\r\n", error_kind::temporary, cause::none, 451, "4.3.0", quit, 0},
            {"5xx", server_action::reply, "550 5.7.1 go away\r\n", error_kind::permanent, cause::none, 550, "5.7.1", quit, 0},
            {"501 (a bad argument does not mean EHLO is unknown)", server_action::reply, "501 5.5.4 Invalid domain\r\n",
             error_kind::permanent, cause::none, 501, "5.5.4", quit, 0},
        };
    case phase::auth:
        return {
            {"2xx other than 235", server_action::reply, "250 ok\r\n", error_kind::protocol, cause::unexpected_reply, 250, "",
             quit, 0},
            {"3xx other than 334", server_action::reply, "350 what\r\n", error_kind::protocol, cause::unexpected_reply, 350, "",
             quit, 0},
            // PLAIN sent everything in its initial response: a challenge is cancelled with "*" (RFC 4954 §4).
            {"a 334 challenge PLAIN cannot answer", server_action::reply, "334 dGVzdA==\r\n", error_kind::protocol,
             cause::unexpected_reply, 334, "", "*\r\n" + quit, 0},
            {"4xx", server_action::reply, "454 4.7.0 Temporary authentication failure\r\n", error_kind::temporary, cause::none,
             454, "4.7.0", quit, 0},
            {"535", server_action::reply, "535 5.7.8 Authentication credentials invalid\r\n", error_kind::auth,
             cause::credentials_rejected, 535, "5.7.8", quit, 0},
            {"504 (mechanism unknown, RFC 4954 section 6)", server_action::reply, "504 5.5.4 Unrecognized authentication type\r\n",
             error_kind::auth, cause::mechanism_not_offered, 504, "5.5.4", quit, 0},
        };
    case phase::mail:
        return {
            {"3xx", server_action::reply, "350 what\r\n", error_kind::protocol, cause::unexpected_reply, 350, "", rset, 1},
            {"4xx", server_action::reply, "451 4.3.0 local error\r\n", error_kind::temporary, cause::none, 451, "4.3.0", rset, 1},
            {"5xx", server_action::reply, "550 5.7.1 sender rejected\r\n", error_kind::permanent, cause::none, 550, "5.7.1",
             rset, 1},
            {"530 authentication required", server_action::reply, "530 5.7.0 Authentication required\r\n",
             error_kind::permanent, cause::none, 530, "5.7.0", rset, 1},
        };
    case phase::rcpt:
        return {
            {"3xx", server_action::reply, "350 what\r\n", error_kind::protocol, cause::all_recipients_refused, 350, "", rset, 1},
            {"4xx", server_action::reply, "450 4.2.1 mailbox busy\r\n", error_kind::temporary, cause::all_recipients_refused,
             450, "4.2.1", rset, 1},
            {"5xx", server_action::reply, "550 5.1.1 no such user\r\n", error_kind::permanent, cause::all_recipients_refused,
             550, "5.1.1", rset, 1},
        };
    case phase::data:
        return {
            {"2xx instead of 354", server_action::reply, "250 ok\r\n", error_kind::protocol, cause::unexpected_reply, 250, "",
             rset, 1},
            {"3xx other than 354", server_action::reply, "334 what\r\n", error_kind::protocol, cause::unexpected_reply, 334, "",
             rset, 1},
            {"4xx", server_action::reply, "451 4.3.0 try later\r\n", error_kind::temporary, cause::none, 451, "4.3.0", rset, 1},
            {"5xx", server_action::reply, "554 5.5.1 no valid recipients\r\n", error_kind::permanent, cause::none, 554, "5.5.1",
             rset, 1},
        };
    case phase::end_of_data:
        return {
            // Neither accepted (2xx) nor refused (4xx/5xx): the server may have taken the message.
            {"3xx", server_action::reply, "354 again\r\n", error_kind::protocol, cause::outcome_unknown, 354, "", "", -1},
            {"4xx", server_action::reply, "451 4.3.0 queue full\r\n", error_kind::temporary, cause::none, 451, "4.3.0", "", 1},
            {"5xx", server_action::reply, "554 5.7.1 looks like spam\r\n", error_kind::permanent, cause::none, 554, "5.7.1", "",
             1},
            {"552 too large", server_action::reply, "552 5.3.4 message too big\r\n", error_kind::permanent, cause::none, 552,
             "5.3.4", "", 1},
        };
    case phase::rset:
    case phase::noop:
        return {
            {"3xx", server_action::reply, "350 what\r\n", error_kind::protocol, cause::unexpected_reply, 350, "", "", -1},
            {"4xx", server_action::reply, "451 4.3.0 later\r\n", error_kind::temporary, cause::none, 451, "4.3.0", "", 1},
            {"5xx", server_action::reply, "500 5.5.1 unknown command\r\n", error_kind::permanent, cause::none, 500, "5.5.1", "",
             1},
        };
    case phase::quit:
        return {
            {"2xx other than 221", server_action::reply, "250 ok\r\n", error_kind::protocol, cause::unexpected_reply, 250, "",
             "", 0},
            {"3xx", server_action::reply, "350 what\r\n", error_kind::protocol, cause::unexpected_reply, 350, "", "", 0},
            {"4xx", server_action::reply, "451 4.3.0 later\r\n", error_kind::temporary, cause::none, 451, "4.3.0", "", 0},
            {"5xx", server_action::reply, "500 5.5.1 unknown command\r\n", error_kind::permanent, cause::none, 500, "5.5.1", "",
             0},
        };
    default: return {};
    }
}

// The unexpected 3xx is 350, not 354: the scripted peer (like a real server) takes what follows a
// 354 as message content, and the point here is the client's reaction, not the peer's.

/// Runs one row of one step on a fresh session and checks everything the row states.
void check_row(const step& st, const row& r) {
    session t;
    st.prepare(t.s);
    switch (r.action) {
    case server_action::reply: t.s.reply(r.bytes); break;
    case server_action::close: t.s.close(); break;
    case server_action::reset: t.s.reset(); break;
    case server_action::silence: t.s.silence(); break;
    case server_action::write_fails: break;
    }
    // Answers to whatever the client sends afterwards (RSET, "*", QUIT).
    t.s.reply("250 2.0.0 OK\r\n").reply("221 2.0.0 Bye\r\n");

    std::size_t mark = 0;
    const std::size_t fail_write = r.action == server_action::write_fails ? st.writes_before + 1 : 0;
    const error e = st.run(t, mark, fail_write);
    const std::string since = t.written_since(mark);

    INFO("step: " << st.name << "; server: " << r.name);
    INFO("error: " << mwtest::describe(e));
    INFO("written since the step began: " << mwtest::escaped(since));

    CHECK_FALSE(e.ok());
    CHECK(mailwire::to_string(e.where) == std::string(mailwire::to_string(r.where_override != phase::none ? r.where_override : st.where)));
    CHECK(mailwire::to_string(e.kind) == std::string(mailwire::to_string(r.kind)));
    CHECK(mailwire::to_string(e.why) == std::string(mailwire::to_string(r.why)));
    CHECK(e.server.code == r.code);
    if (!r.enhanced.empty()) CHECK(e.server.enhanced_status() == r.enhanced);
    if (r.code != 0) CHECK_FALSE(e.server.message().empty());
    if (r.sys_error != 0) CHECK(e.sys_error == r.sys_error);
    CHECK(std::string(e.advice()) != "");

    if (r.action == server_action::write_fails) {
        // The step's own output never left; nothing was written after the failed write either.
        CHECK(since == st.prefix);
    } else {
        CHECK(since == st.prefix + st.unit + r.after);
    }
    if (r.open_after == 1) CHECK(t.c.is_open());
    if (r.open_after == 0) {
        CHECK_FALSE(t.c.is_open());
        CHECK_FALSE(t.s.connected); // the transport was closed, not just forgotten
    }
}

void check_step(phase where) {
    for (const step& st : steps()) {
        if (st.where != where) continue;
        const bool message_sent = where == phase::end_of_data;
        for (const row& r : reply_rows(where)) check_row(st, r);
        for (const row& r : transport_rows(where, message_sent)) check_row(st, r);
    }
}

} // namespace

TEST_CASE("every failure at the greeting is reported with phase, kind, cause, reply and advice", "[unit][dialogue][errors]") {
    check_step(phase::greeting);
}

TEST_CASE("every failure of EHLO and of the HELO fallback is reported and ends the session", "[unit][dialogue][errors]") {
    check_step(phase::ehlo);
}

TEST_CASE("every failure of AUTH is reported and followed by QUIT only", "[unit][dialogue][errors][auth]") {
    check_step(phase::auth);
}

TEST_CASE("every failure of MAIL is reported and the transaction reset", "[unit][dialogue][errors]") {
    check_step(phase::mail);
}

TEST_CASE("every failure of RCPT is reported and the transaction reset", "[unit][dialogue][errors]") {
    check_step(phase::rcpt);
}

TEST_CASE("every failure of DATA is reported and the transaction reset", "[unit][dialogue][errors]") {
    check_step(phase::data);
}

TEST_CASE("every failure after the end of data is reported and without a real reply the outcome is unknown",
          "[unit][dialogue][errors]") {
    check_step(phase::end_of_data);
}

TEST_CASE("every failure of RSET is reported", "[unit][dialogue][errors]") { check_step(phase::rset); }

TEST_CASE("every failure of NOOP is reported", "[unit][dialogue][errors]") { check_step(phase::noop); }

TEST_CASE("every failure of QUIT is reported and the connection closed", "[unit][dialogue][errors]") {
    check_step(phase::quit);
}

TEST_CASE("after a failure at the end of data the message counts as not delivered", "[unit][dialogue][errors]") {
    for (const char* name : {"disconnect", "silence", "451", "554"}) {
        session t;
        prep_data_ok(t.s);
        const std::string n = name;
        if (n == "disconnect") t.s.close();
        else if (n == "silence") t.s.silence();
        else if (n == "451") t.s.reply("451 4.3.0 later\r\n");
        else t.s.reply("554 5.7.1 no\r\n");
        REQUIRE(t.c.open("mx.example").ok());
        mwtest::recipients to({rcpt});
        mailwire::envelope env = to.envelope(sender);
        const mailwire::send_result r = t.c.send(env, message);
        INFO(name << ": " << mwtest::describe(r.err));
        CHECK_FALSE(r.delivered());
        CHECK_FALSE(r.ok());
        CHECK(r.err.where == phase::end_of_data);
        // The recipient itself was accepted by RCPT; only the message was not.
        CHECK(to.list[0].accepted());
        CHECK(r.accepted == 1);
        CHECK(t.s.contents.size() == 1);
        if (n == "disconnect" || n == "silence") {
            CHECK(r.err.why == cause::outcome_unknown);
            CHECK(r.err.retryable());
        }
    }
}

TEST_CASE("a greeting with a TLS record where SMTP belongs is named as such", "[unit][dialogue][errors]") {
    // A TLS alert record (content type 0x15, version 3.1, length 2, fatal, unexpected_message 0x0a).
    session t;
    t.s.reply(std::string("\x15\x03\x01\x00\x02\x02\x0a", 7));
    const error e = t.c.open("mx.example");
    INFO(mwtest::describe(e));
    CHECK(e.where == phase::greeting);
    CHECK(e.kind == error_kind::protocol);
    CHECK(e.why == cause::greeting_looks_like_tls);
    CHECK(t.s.written.empty());
    CHECK_FALSE(t.c.is_open());
}
