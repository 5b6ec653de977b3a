// SPDX-License-Identifier: BSL-1.0
// One transaction over the scripted peer (client.hpp): per-recipient results without
// PIPELINING, a failing message source, SIZE (RFC 1870), 8BITMIME (RFC 6152), SMTPUTF8 (RFC 6531),
// address checks before anything leaves, and the content dot-stuffed with CRLF whatever its line
// ends, through buffers and short reads and writes.
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

TEST_CASE("8BITMIME: 8-bit content goes declared BODY=8BITMIME, and only to a server that offers it",
          "[unit][dialogue]") {
    // RFC 6152 §3: a client must not send 8-bit data to a server that did not offer 8BITMIME. The
    // message in memory is looked at by send() itself: declared or not, the result is the same.
    for (bool declared : {true, false}) {
        for (bool offered : {true, false}) {
            INFO("declared: " << declared << ", 8BITMIME offered: " << offered);
            session t;
            if (offered) mwtest::greet(t.s, {"8BITMIME"});
            else mwtest::greet(t.s);
            t.s.reply("250 ok\r\n").reply("250 ok\r\n").reply("354 go\r\n").reply("250 queued\r\n");
            open_with(t);
            const std::size_t mark = t.s.written.size();
            recipients to({"b@example.org"});
            mailwire::envelope env = to.envelope("a@example.org");
            env.eight_bit = declared;
            const mailwire::send_result r = t.c.send(env, "Subject: t\r\n\r\ncaf\xc3\xa9\r\n");
            INFO(mwtest::describe(r.err));
            if (offered) {
                CHECK(r.ok());
                REQUIRE(t.s.commands.size() > 1);
                CHECK(t.s.commands[1] == "MAIL FROM:<a@example.org> BODY=8BITMIME");
            } else {
                CHECK_FALSE(r.delivered());
                CHECK(r.err.where == phase::mail);
                CHECK(r.err.kind == error_kind::usage);
                CHECK(r.err.why == cause::eight_bit_not_supported);
                CHECK(std::string(r.err.advice()).find("8BITMIME") != std::string::npos);
                CHECK(t.s.written.size() == mark); // refused before MAIL: not a byte went out
                CHECK(t.c.is_open());              // and the session goes on: an ASCII message is fine
                mailwire::envelope plain = to.envelope("a@example.org");
                const mailwire::send_result ascii = t.c.send(plain, "Subject: t\r\n\r\ncafe\r\n");
                INFO(mwtest::describe(ascii.err));
                CHECK(ascii.ok());
                REQUIRE(t.s.commands.size() > 1);
                CHECK(t.s.commands[1] == "MAIL FROM:<a@example.org>");
            }
        }
    }
}

namespace {
/// A source that is not in memory: read in pieces of at most `piece` octets.
struct piecewise {
    std::string_view data;
    std::size_t piece = 700;
    std::size_t at = 0;
    std::ptrdiff_t read(char* buf, std::size_t cap) {
        std::size_t n = data.size() - at < cap ? data.size() - at : cap;
        if (n > piece) n = piece;
        data.copy(buf, n, at);
        at += n;
        return static_cast<std::ptrdiff_t>(n);
    }
};
} // namespace

TEST_CASE("streamed content is looked at as it goes: 8-bit without 8BITMIME, long lines and NUL end the "
          "transaction before its end",
          "[unit][dialogue][source]") {
    // What the caller did not declare (envelope::eight_bit, binary) is found block by block; the
    // connection is closed without the final ".", so the server discards the partial message.
    struct sample {
        const char* what;
        std::string body;
        bool with_8bitmime;
        cause expected;
    };
    std::string lines; // 60 short lines, then the breach, so it comes in a later block
    for (int i = 0; i < 60; ++i) lines += "line " + std::to_string(i) + " of the body, plain ASCII\r\n";
    const sample samples[] = {
        {"8-bit, no 8BITMIME", lines + "gr\xc3\xbc\xc3\x9f" "e\r\n", false, cause::eight_bit_not_supported},
        {"8-bit, 8BITMIME offered", lines + "gr\xc3\xbc\xc3\x9f" "e\r\n", true, cause::none},
        {"a line of 999 octets", lines + std::string(999, 'x') + "\r\n", true, cause::not_text},
        {"a line of 998 octets", lines + std::string(998, 'x') + "\r\n", true, cause::none},
        {"a line of 999 octets with a bare LF", lines + std::string(999, 'x') + "\n", true, cause::not_text},
        {"998 octets, then a lone CR ends the line", lines + std::string(998, 'x') + "\r" + std::string(998, 'y') + "\r\n",
         true, cause::none},
        {"a NUL", lines + std::string("nul \0 here\r\n", 12), true, cause::not_text},
        {"1,500 octets without a line end at all", lines + std::string(1500, 'z'), true, cause::not_text},
    };
    for (const sample& c : samples) {
        for (std::size_t piece : {std::size_t{97}, std::size_t{700}, std::size_t{100000}}) {
            INFO(c.what << ", read in pieces of " << piece);
            session t;
            if (c.with_8bitmime) mwtest::greet(t.s, {"8BITMIME"});
            else mwtest::greet(t.s);
            t.s.reply("250 ok\r\n").reply("250 ok\r\n").reply("354 go\r\n").reply("250 queued\r\n");
            open_with(t);
            recipients to({"b@example.org"});
            mailwire::envelope env = to.envelope("a@example.org");
            piecewise src{c.body, piece};
            const mailwire::send_result r = t.c.send(env, src);
            INFO(mwtest::describe(r.err));
            if (c.expected == cause::none) {
                CHECK(r.ok());
                continue;
            }
            CHECK_FALSE(r.delivered());
            CHECK(r.err.where == phase::body);
            CHECK(r.err.why == c.expected);
            CHECK_FALSE(t.c.is_open());
            CHECK(t.s.closed_by_client);
            CHECK(t.s.contents.empty()); // no end of data: the server has no message
            CHECK(t.s.written.find("\r\n.\r\n") == std::string::npos);
        }
    }
}

TEST_CASE("a source in memory given to send() is looked at as it goes, as a streamed one is", "[unit][dialogue][source]") {
    // string_source has take(): the client reads it where it lies, and still checks each block.
    std::string body = "Subject: t\r\n\r\n";
    for (int i = 0; i < 30; ++i) body += "plain line " + std::to_string(i) + "\r\n";
    body += "caf\xc3\xa9\r\n";
    for (bool chunking : {false, true}) {
        INFO("CHUNKING offered: " << chunking);
        session t;
        if (chunking) mwtest::greet(t.s, {"PIPELINING", "CHUNKING"});
        else mwtest::greet(t.s);
        t.s.reply("250 ok\r\n").reply("250 ok\r\n").reply("354 go\r\n").reply("250 queued\r\n");
        open_with(t);
        recipients to({"b@example.org"});
        mailwire::envelope env = to.envelope("a@example.org"); // eight_bit not declared
        mailwire::string_source src(body);
        const mailwire::send_result r = t.c.send(env, src);
        INFO(mwtest::describe(r.err));
        CHECK_FALSE(r.delivered());
        CHECK(r.err.where == phase::body);
        CHECK(r.err.why == cause::eight_bit_not_supported);
        CHECK(t.s.closed_by_client);
        CHECK(t.s.contents.empty());
        // Chunks before the 8-bit line may have gone (a small send buffer makes several), never
        // the LAST one: the server has no message.
        CHECK(t.s.written.find("LAST") == std::string::npos);
    }
}

TEST_CASE("lines over 998 octets and NUL: refused before MAIL where BINARYMIME cannot carry them", "[unit][dialogue]") {
    // RFC 5322 §2.1.1, RFC 5321 §4.5.3.1.6: a text line holds at most 998 octets. A message in
    // memory is looked at by send(); a streamed one the caller declares (envelope::binary).
    const std::string long_line = "Subject: l\r\n\r\n" + std::string(1500, 'x') + "\r\n";
    for (bool streamed : {false, true}) {
        INFO((streamed ? "streamed, declared binary" : "in memory"));
        session t;
        mwtest::greet(t.s, {"8BITMIME", "PIPELINING"});
        open_with(t);
        const std::size_t mark = t.s.written.size();
        recipients to({"b@example.org"});
        mailwire::envelope env = to.envelope("a@example.org");
        mailwire::send_result r;
        if (streamed) {
            env.binary = true;
            piecewise src{long_line};
            r = t.c.send(env, src);
        } else {
            r = t.c.send(env, long_line);
        }
        INFO(mwtest::describe(r.err));
        CHECK(r.err.where == phase::mail);
        CHECK(r.err.kind == error_kind::usage);
        CHECK(r.err.why == cause::not_text);
        CHECK(t.s.written.size() == mark);
        CHECK(t.c.is_open());
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
    // Lines that need stuffing or a CRLF, then a clean run of CRLF lines longer than twice the
    // buffer (with a large buffer it goes out from where it is, not through the buffer), then
    // more lines that need work.
    for (int i = 0; i < 2000 || body.size() <= 4 * MAILWIRE_TX_BUFFER_SIZE; ++i) {
        const std::string l = (i % 7 == 0 ? "." : "") + std::string("line ") + std::to_string(i);
        body += l + (i % 3 == 0 ? "\n" : "\r\n");
        expected += (l[0] == '.' ? "." : "") + l + "\r\n";
        if (i == 1000) {
            for (std::size_t clean = 0; clean <= 2 * MAILWIRE_TX_BUFFER_SIZE; clean += 40) {
                const std::string c = "clean line " + std::to_string(clean) + std::string(20, 'x') + "\r\n";
                body += c;
                expected += c;
            }
        }
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
