// SPDX-License-Identifier: BSL-1.0
// CHUNKING (RFC 3030, chunking.hpp) over the scripted peer: BDAT in DATA's place, pipelined with
// MAIL and RCPT in one write, counted chunks with CRLF line ends and nothing stuffed, the refusals
// (MAIL, every recipient, a chunk, the LAST one) and what follows them, the outcome after LAST,
// a server that offers CHUNKING and then does not know BDAT, and the option that turns it off.
#include "support.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using mailwire::cause;
using mailwire::error;
using mailwire::error_kind;
using mailwire::phase;
using mwtest::recipients;
using mwtest::session;

namespace {

const std::string message = "Subject: t\r\n\r\n.a dot\nhi"; // a leading dot, a bare LF, no final line end
const std::string on_wire = "Subject: t\r\n\r\n.a dot\r\nhi\r\n"; // what BDAT carries: CRLF, nothing stuffed

void open_with(session& t) {
    const error e = t.c.open("mx.example");
    INFO(mwtest::describe(e));
    REQUIRE(e.ok());
    REQUIRE(t.c.server_capabilities().chunking);
}

/// A body of several send buffers: so many chunks.
std::string big_body() {
    std::string b = "Subject: big\r\n\r\n";
    for (std::size_t i = 0; b.size() < 3 * MAILWIRE_TX_BUFFER_SIZE + 100; ++i)
        b += (i % 5 == 0 ? "." : "") + std::string(20 + i % 50, static_cast<char>('a' + i % 26)) + "\r\n";
    return b;
}

/// A source that is not in memory (no take()): read in pieces, chunked through the send buffer.
struct piecewise {
    std::string_view data;
    std::size_t at = 0;
    std::ptrdiff_t read(char* buf, std::size_t cap) {
        const std::size_t n = data.size() - at < cap ? data.size() - at : cap;
        data.copy(buf, n, at);
        at += n;
        return static_cast<std::ptrdiff_t>(n);
    }
};

std::string joined(const std::vector<std::string>& chunks) {
    std::string all;
    for (const std::string& c : chunks) all += c;
    return all;
}

} // namespace

TEST_CASE("BDAT: a small message goes with MAIL and RCPT in one write, counted, unstuffed", "[unit][chunking]") {
    session t;
    mwtest::greet(t.s, {"PIPELINING", "CHUNKING", "SIZE 100000"});
    t.s.reply("250 ok\r\n").reply("250 ok\r\n").reply("250 2.0.0 queued\r\n");
    open_with(t);
    recipients to({"b@example.org"});
    mailwire::envelope env = to.envelope("a@example.org");
    const std::size_t writes_before = t.s.writes();
    const mailwire::send_result r = t.c.send(env, message);
    INFO(mwtest::describe(r.err));
    REQUIRE(r.ok());
    if (MAILWIRE_TX_BUFFER_SIZE >= 256) CHECK(t.s.writes() == writes_before + 1); // one write, one round trip
    REQUIRE(t.s.commands.size() >= 4);
    CHECK(t.s.commands[1] == "MAIL FROM:<a@example.org> SIZE=" + std::to_string(on_wire.size()));
    CHECK(t.s.commands[2] == "RCPT TO:<b@example.org>");
    CHECK(t.s.commands[3] == "BDAT " + std::to_string(on_wire.size()) + " LAST");
    REQUIRE(t.s.chunks.size() == 1);
    CHECK(t.s.chunks[0] == on_wire);
    CHECK(t.s.contents.empty()); // no DATA
}

TEST_CASE("BDAT: a body of many buffers goes in chunks of at most one buffer, the last one LAST", "[unit][chunking]") {
    const std::string body = big_body();
    for (bool pipelining : {true, false}) {
        INFO((pipelining ? "pipelined" : "lock-step"));
        session t;
        mwtest::greet(t.s, pipelining ? std::vector<std::string>{"PIPELINING", "CHUNKING"} : std::vector<std::string>{"CHUNKING"});
        t.s.reply("250 ok\r\n").reply("250 ok\r\n");
        for (int i = 0; i < 64; ++i) t.s.reply("250 2.0.0 chunk ok\r\n");
        open_with(t);
        recipients to({"b@example.org"});
        mailwire::envelope env = to.envelope("a@example.org");
        piecewise src{body};
        const mailwire::send_result r = t.c.send(env, src);
        INFO(mwtest::describe(r.err));
        REQUIRE(r.ok());
        REQUIRE(t.s.chunks.size() >= 3);
        CHECK(joined(t.s.chunks) == body); // CRLF already: as it is, dots and all
        for (std::size_t i = 0; i < t.s.chunks.size(); ++i) {
            CHECK(t.s.chunks[i].size() <= MAILWIRE_TX_BUFFER_SIZE);
            CHECK_FALSE(t.s.chunks[i].empty());
        }
        std::size_t bdat = 0, last = 0;
        for (const std::string& c : t.s.commands) {
            if (c.rfind("BDAT ", 0) != 0) continue;
            ++bdat;
            if (c.find(" LAST") != std::string::npos) ++last;
        }
        CHECK(bdat == t.s.chunks.size());
        CHECK(last == 1);
        CHECK(t.s.commands.back().find(" LAST") != std::string::npos);
    }
}

TEST_CASE("BDAT: a message in memory goes as one chunk written from where it lies, then BDAT 0 LAST",
          "[unit][chunking]") {
    // With a large send buffer (hosted builds), a run of a buffer's worth or more that needs no
    // change is a chunk of its own, not copied; without, the same content in buffer-sized chunks.
    const std::string body = big_body();
    session t;
    mwtest::greet(t.s, {"PIPELINING", "CHUNKING"});
    t.s.reply("250 ok\r\n").reply("250 ok\r\n");
    for (int i = 0; i < 64; ++i) t.s.reply("250 2.0.0 chunk ok\r\n");
    open_with(t);
    recipients to({"b@example.org"});
    mailwire::envelope env = to.envelope("a@example.org");
    const mailwire::send_result r = t.c.send(env, body);
    INFO(mwtest::describe(r.err));
    REQUIRE(r.ok());
    CHECK(joined(t.s.chunks) == body);
    CHECK(t.s.commands.back().find(" LAST") != std::string::npos);
    if (MAILWIRE_BULK_CONTENT) {
        REQUIRE(t.s.chunks.size() == 2);
        CHECK(t.s.chunks[0] == body);
        CHECK(t.s.commands.back() == "BDAT 0 LAST"); // RFC 3030 §2: a LAST chunk may be empty
    } else {
        CHECK(t.s.chunks.size() >= 3);
    }
}

TEST_CASE("BDAT: refused MAIL or every recipient is reported as such, RSET follows, no DATA", "[unit][chunking]") {
    SECTION("MAIL refused") {
        session t;
        mwtest::greet(t.s, {"PIPELINING", "CHUNKING"});
        t.s.reply("550 5.7.1 sender refused\r\n").reply("503 5.5.1 no sender\r\n").reply("503 5.5.1 no valid recipients\r\n")
            .reply("250 reset\r\n");
        open_with(t);
        recipients to({"b@example.org"});
        mailwire::envelope env = to.envelope("a@example.org");
        const mailwire::send_result r = t.c.send(env, message);
        CHECK_FALSE(r.delivered());
        CHECK(r.err.where == phase::mail);
        CHECK(r.err.kind == error_kind::permanent);
        CHECK(r.err.server.code == 550);
        CHECK(t.s.commands.back() == "RSET");
        CHECK(t.c.is_open());
    }
    SECTION("every recipient refused") {
        session t;
        mwtest::greet(t.s, {"PIPELINING", "CHUNKING"});
        t.s.reply("250 ok\r\n").reply("550 5.1.1 no such user\r\n").reply("554 5.5.1 no valid recipients\r\n")
            .reply("250 reset\r\n");
        open_with(t);
        recipients to({"b@example.org"});
        mailwire::envelope env = to.envelope("a@example.org");
        const mailwire::send_result r = t.c.send(env, message);
        CHECK_FALSE(r.delivered());
        CHECK(r.err.why == cause::all_recipients_refused);
        CHECK(r.err.server.code == 550);
        CHECK(to.list[0].result.code == 550);
        CHECK(t.s.commands.back() == "RSET");
    }
}

TEST_CASE("BDAT: a refused chunk ends the sending: no more BDAT, no LAST, RSET", "[unit][chunking]") {
    // Lock-step (no PIPELINING): each chunk waits for its reply, so the refusal of the second
    // one is read before a third could go (RFC 3030 §2).
    const std::string body = big_body();
    session t;
    mwtest::greet(t.s, {"CHUNKING"});
    t.s.reply("250 ok\r\n").reply("250 ok\r\n").reply("250 2.0.0 chunk ok\r\n").reply("552 5.3.4 message too big\r\n")
        .reply("250 reset\r\n");
    open_with(t);
    recipients to({"b@example.org"});
    mailwire::envelope env = to.envelope("a@example.org");
    piecewise src{body};
    const mailwire::send_result r = t.c.send(env, src);
    CHECK_FALSE(r.delivered());
    CHECK(r.err.where == phase::data);
    CHECK(r.err.kind == error_kind::permanent);
    CHECK(r.err.server.code == 552);
    CHECK(t.s.chunks.size() == 2);
    for (const std::string& c : t.s.commands) CHECK(c.find(" LAST") == std::string::npos);
    CHECK(t.s.commands.back() == "RSET");
    CHECK(t.c.is_open());
}

TEST_CASE("BDAT: the LAST chunk refused is the message refused, at the end of the data", "[unit][chunking]") {
    session t;
    mwtest::greet(t.s, {"PIPELINING", "CHUNKING"});
    t.s.reply("250 ok\r\n").reply("250 ok\r\n").reply("554 5.7.1 spam\r\n").reply("250 reset\r\n");
    open_with(t);
    recipients to({"b@example.org"});
    mailwire::envelope env = to.envelope("a@example.org");
    const mailwire::send_result r = t.c.send(env, message);
    CHECK_FALSE(r.delivered());
    CHECK(r.err.where == phase::end_of_data);
    CHECK(r.err.kind == error_kind::permanent);
    CHECK(r.err.why == cause::none);
    CHECK(r.err.server.code == 554);
}

TEST_CASE("BDAT: once LAST is out, a lost connection or silence leaves the outcome unknown", "[unit][chunking]") {
    SECTION("closed before any reply (pipelined: even MAIL's reply is after LAST)") {
        session t;
        mwtest::greet(t.s, {"PIPELINING", "CHUNKING"});
        t.s.close();
        open_with(t);
        recipients to({"b@example.org"});
        mailwire::envelope env = to.envelope("a@example.org");
        const mailwire::send_result r = t.c.send(env, message);
        CHECK_FALSE(r.delivered());
        CHECK(r.err.why == cause::outcome_unknown);
        CHECK(r.err.retryable());
        CHECK(t.s.chunks.size() == 1);
    }
    SECTION("silence after MAIL and RCPT were answered") {
        session t;
        mwtest::greet(t.s, {"PIPELINING", "CHUNKING"});
        t.s.reply("250 ok\r\n").reply("250 ok\r\n");
        open_with(t);
        recipients to({"b@example.org"});
        mailwire::envelope env = to.envelope("a@example.org");
        const mailwire::send_result r = t.c.send(env, message);
        CHECK_FALSE(r.delivered());
        CHECK(r.err.where == phase::end_of_data);
        CHECK(r.err.kind == error_kind::timeout);
        CHECK(r.err.why == cause::outcome_unknown);
    }
}

TEST_CASE("BDAT: a server that offers CHUNKING but does not know BDAT is left at once", "[unit][chunking]") {
    // The chunk's octets went out with the BDAT line; a server that did not take the line reads
    // them as commands, so nothing it says after can be trusted: no RSET, no QUIT, the advice
    // says to turn chunking off.
    session t;
    mwtest::greet(t.s, {"PIPELINING", "CHUNKING"});
    t.s.reply("250 ok\r\n").reply("250 ok\r\n").reply("502 5.5.1 command not implemented\r\n")
        .reply("500 5.5.2 what?\r\n").reply("500 5.5.2 what?\r\n");
    open_with(t);
    recipients to({"b@example.org"});
    mailwire::envelope env = to.envelope("a@example.org");
    const mailwire::send_result r = t.c.send(env, message);
    CHECK_FALSE(r.delivered());
    CHECK(r.err.why == cause::chunking_refused);
    CHECK(r.err.kind == error_kind::protocol);
    CHECK(r.err.server.code == 502);
    CHECK(mwtest::advice_mentions(r.err, "chunking"));
    CHECK_FALSE(t.c.is_open());
    CHECK(t.s.commands.back().rfind("BDAT ", 0) == 0);
}

TEST_CASE("BDAT: a reply to a chunk before its octets are all sent, or a 354, is a broken server", "[unit][chunking]") {
    session t;
    mwtest::greet(t.s, {"PIPELINING", "CHUNKING"});
    t.s.reply("250 ok\r\n").reply("250 ok\r\n").reply("354 go ahead\r\n");
    open_with(t);
    recipients to({"b@example.org"});
    mailwire::envelope env = to.envelope("a@example.org");
    const mailwire::send_result r = t.c.send(env, message);
    CHECK_FALSE(r.delivered());
    CHECK(r.err.kind == error_kind::protocol);
    CHECK(r.err.why == cause::outcome_unknown); // the 354 answered the LAST chunk: nobody knows
    CHECK_FALSE(t.c.is_open());
    CHECK(t.s.commands.back().rfind("BDAT ", 0) == 0); // no "." after it
}

TEST_CASE("BDAT: a source that fails mid-message gets no LAST and the connection is closed", "[unit][chunking][source]") {
    struct failing {
        int calls = 0;
        std::ptrdiff_t read(char* buf, std::size_t cap) {
            if (++calls > 2) return -1;
            const std::size_t n = cap < 100 ? cap : 100;
            for (std::size_t i = 0; i < n; ++i) buf[i] = 'x';
            return static_cast<std::ptrdiff_t>(n);
        }
    } src;
    session t;
    mwtest::greet(t.s, {"PIPELINING", "CHUNKING"});
    t.s.reply("250 ok\r\n").reply("250 ok\r\n");
    open_with(t);
    recipients to({"b@example.org"});
    mailwire::envelope env = to.envelope("a@example.org");
    const mailwire::send_result r = t.c.send(env, src);
    CHECK_FALSE(r.delivered());
    CHECK(r.err.why == cause::source_failed);
    CHECK_FALSE(t.c.is_open());
    for (const std::string& c : t.s.commands) CHECK(c.find(" LAST") == std::string::npos);
}

TEST_CASE("BDAT: disable_chunking sends DATA, dot-stuffed, to a server that offers CHUNKING", "[unit][chunking]") {
    session t;
    mwtest::greet(t.s, {"PIPELINING", "CHUNKING"});
    t.s.reply("250 ok\r\n").reply("250 ok\r\n").reply("354 go\r\n").reply("250 queued\r\n");
    open_with(t);
    t.c.options().disable_chunking = true;
    recipients to({"b@example.org"});
    mailwire::envelope env = to.envelope("a@example.org");
    const mailwire::send_result r = t.c.send(env, message);
    INFO(mwtest::describe(r.err));
    REQUIRE(r.ok());
    CHECK(t.s.chunks.empty());
    REQUIRE(t.s.contents.size() == 1);
    CHECK(t.s.contents[0] == "Subject: t\r\n\r\n..a dot\r\nhi\r\n.\r\n");
}

TEST_CASE("BDAT with BINARYMIME: content that is not text goes as it is, BODY=BINARYMIME", "[unit][chunking]") {
    // RFC 3030 §3: a NUL octet, or a line longer than 998 octets, is not line-structured text.
    std::string binary = std::string("Subject: b\r\n\r\nnul:") + '\0' + "; bare LF\nand CR\rkept";
    std::string long_line = "Subject: l\r\n\r\n" + std::string(1200, 'x') + "\n";
    for (const std::string* body : {&binary, &long_line}) {
        for (bool offered : {true, false}) {
            INFO((offered ? "BINARYMIME offered" : "BINARYMIME not offered") << ", body of " << body->size());
            session t;
            mwtest::greet(t.s, offered ? std::vector<std::string>{"PIPELINING", "CHUNKING", "BINARYMIME", "8BITMIME", "SIZE 100000"}
                                       : std::vector<std::string>{"PIPELINING", "CHUNKING", "8BITMIME", "SIZE 100000"});
            t.s.reply("250 ok\r\n").reply("250 ok\r\n");
            for (int i = 0; i < 100; ++i) t.s.reply("250 2.0.0 ok\r\n"); // small buffers: many chunks
            open_with(t);
            CHECK(t.c.server_capabilities().binarymime == offered);
            recipients to({"b@example.org"});
            mailwire::envelope env = to.envelope("a@example.org");
            const std::size_t mark = t.s.written.size();
            const mailwire::send_result r = t.c.send(env, *body);
            INFO(mwtest::describe(r.err));
            if (offered) {
                REQUIRE(r.ok());
                CHECK(t.s.commands[1] == "MAIL FROM:<a@example.org> SIZE=" + std::to_string(body->size()) + " BODY=BINARYMIME");
                CHECK(joined(t.s.chunks) == *body); // every octet as it is: the bare LF and CR, no line end added
            } else {
                // As text it would break RFC 5322 §2.1.1: refused before MAIL, nothing written.
                CHECK(r.err.where == phase::mail);
                CHECK(r.err.why == cause::not_text);
                CHECK(t.s.written.size() == mark);
            }
        }
    }
}

TEST_CASE("BDAT with BINARYMIME: envelope::binary marks a streamed source as binary", "[unit][chunking]") {
    static const char raw[] = "\x01\x02\n\r\x03 binary \x00 data";
    const std::string body(raw, sizeof(raw) - 1);
    session t;
    mwtest::greet(t.s, {"PIPELINING", "CHUNKING", "BINARYMIME"});
    t.s.reply("250 ok\r\n").reply("250 ok\r\n");
    for (int i = 0; i < 20; ++i) t.s.reply("250 2.0.0 ok\r\n");
    open_with(t);
    recipients to({"b@example.org"});
    mailwire::envelope env = to.envelope("a@example.org");
    env.binary = true;
    piecewise src{body};
    const mailwire::send_result r = t.c.send(env, src);
    INFO(mwtest::describe(r.err));
    REQUIRE(r.ok());
    CHECK(t.s.commands[1] == "MAIL FROM:<a@example.org> BODY=BINARYMIME");
    CHECK(joined(t.s.chunks) == body);
}

namespace {
/// The scripted peer behind a transport that tells which way it is ready: the client reads
/// replies while it writes a chunk (flush_duplex), so it sees one that comes too early.
class duplex_scripted : public mwtest::scripted_transport {
public:
    explicit duplex_scripted(mwtest::script& s) : scripted_transport(s), s_(&s) {}
    unsigned wait_ready(unsigned wanted, std::uint32_t) {
        return wanted & (mailwire::ready_write | (s_->readable() ? mailwire::ready_read : 0u));
    }

private:
    mwtest::script* s_;
};
} // namespace

TEST_CASE("BDAT: a server that answers a chunk before its octets have arrived is not believed", "[unit][chunking]") {
    // Read while writing (a transport with wait_ready()): the reply to the LAST chunk arrives
    // while the chunk is still being written. The server cannot have read the message: its 250
    // is not a delivery, the connection is dropped.
    mwtest::script s;
    mailwire::basic_client<duplex_scripted, mailwire::no_tls, mailwire::profiles::relay, mwtest::manual_clock> c{
        duplex_scripted(s), mailwire::no_tls{}, s.clock()};
    c.options().ehlo_name = mwtest::ehlo_name;
    mwtest::greet(s, {"PIPELINING", "CHUNKING"});
    s.reply("250 ok\r\n").reply("250 ok\r\n").reply("250 2.0.0 accepted, it says\r\n");
    REQUIRE(c.open("mx.example").ok());
    s.answer_bdat_early = true;
    s.max_write = 8; // the chunk goes out in pieces, so there is a moment to read between them
    recipients to({"b@example.org"});
    mailwire::envelope env = to.envelope("a@example.org");
    const std::string body = "Subject: early\r\n\r\n" + std::string(40, 'x') + "\r\n";
    piecewise src{body};
    const mailwire::send_result r = c.send(env, src);
    INFO(mwtest::describe(r.err));
    CHECK_FALSE(r.delivered());
    CHECK(r.err.kind == error_kind::protocol);
    CHECK_FALSE(c.is_open());
}
