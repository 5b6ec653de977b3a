// SPDX-License-Identifier: BSL-1.0
// PIPELINING that never deadlocks (RFC 2920 §3.1), against a modelled connection with small
// buffers both ways: the server takes at most W octets of the client's writes until it reads
// them, reads a command only when it has written its reply to the one before, and its replies
// wait in a buffer of W octets until the client reads them. A client that writes a long envelope
// before it reads a reply fills both buffers, and then nothing moves: the model reports that as a
// timeout at once (and says so), so a deadlocking client fails the test instead of hanging it.
//
// Swept over windows and recipient counts, with refused recipients in between, through the three
// ways the client pipelines: a transport that says nothing (the 4096-octet default window), one
// that states its window (pipeline_window()), and one that tells which way it is ready
// (wait_ready(): the client reads while it writes).
#include "support.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using mailwire::cause;
using mailwire::error_kind;
using mailwire::io_result;
using mailwire::io_status;
using mailwire::phase;

namespace {

/// The server, the two buffers between it and the client, and the manual clock.
struct link_model {
    std::size_t window = 4096; ///< octets each direction holds before its reader takes them
    std::size_t refuse_every = 0;    ///< RCPT number k (1-based) is refused (550) when k % refuse_every == 0
    std::size_t busy_every = 0;      ///< ... or answered 452 when k % busy_every == 0
    bool refuse_mail = false;
    std::size_t close_at_rcpt = 0;   ///< RCPT number k gets 421 and the server closes
    std::size_t hang_at_rcpt = 0;    ///< after reading RCPT number k the server does nothing more
    bool chunking = false;           ///< offer CHUNKING: BDAT (RFC 3030), each chunk answered

    // observations
    std::vector<std::string> rcpts; ///< the RCPT TO lines the server read, in order
    std::string body;
    std::size_t commands = 0;
    bool stuck = false; ///< the client waited for something that could never come (a deadlock)
    std::uint32_t stalled_ms = 0; ///< the timeout it was given then
    mailwire::millis now_ms = 0;

    // state
    std::string inbound;  ///< written by the client, not yet read by the server (at most window)
    std::string outbound; ///< written by the server, not yet read by the client (at most window)
    std::string pending;  ///< the server's reply that did not fit into outbound yet
    std::string line;
    bool data_mode = false;
    std::size_t chunk_left = 0; ///< octets of the current BDAT chunk still to read
    bool chunk_last = false;
    std::size_t chunks = 0;
    bool mail_ok = false;
    std::size_t accepted = 0;
    bool closed = false;
    bool hung = false;

    void connect() { outbound = "220 mx.example ESMTP Sendmail 8.17.1; ready\r\n"; }

    /// The server as far as it can go: it writes what it can of its reply, and reads the next
    /// octet only when the reply before is written (it answers each command as it reads it).
    void run() {
        while (!hung) {
            if (!pending.empty()) {
                const std::size_t room = window - outbound.size();
                const std::size_t n = pending.size() < room ? pending.size() : room;
                outbound.append(pending, 0, n);
                pending.erase(0, n);
                if (!pending.empty()) return; // blocked writing: it reads no more
            }
            if (closed || inbound.empty()) return;
            line += inbound.front();
            inbound.erase(0, 1);
            if (chunk_left != 0) {
                // Inside a chunk: its octets are the message's, counted, not read as commands.
                body += line;
                line.clear();
                if (--chunk_left == 0) end_chunk();
            } else if (data_mode) {
                if (line.size() >= 5 && line.compare(line.size() - 5, 5, "\r\n.\r\n") == 0) {
                    body = line;
                    line.clear();
                    data_mode = false;
                    pending = "250 2.0.0 5A1B2C3D Message accepted for delivery\r\n";
                }
            } else if (line.size() >= 2 && line.compare(line.size() - 2, 2, "\r\n") == 0) {
                const std::string cmd = line.substr(0, line.size() - 2);
                line.clear();
                answer(cmd);
            }
        }
    }

    void end_chunk() {
        ++chunks;
        if (!mail_ok || accepted == 0) pending = "503 5.5.1 No recipients\r\n";
        else if (chunk_last) pending = "250 2.0.0 5A1B2C3D Message accepted for delivery\r\n";
        else pending = "250 2.0.0 chunk " + std::to_string(chunks) + " received\r\n";
    }

    void answer(const std::string& cmd) {
        ++commands;
        if (cmd.rfind("BDAT ", 0) == 0) {
            chunk_left = std::stoul(cmd.substr(5));
            chunk_last = cmd.find(" LAST") != std::string::npos;
            if (chunk_left == 0) end_chunk();
        } else if (cmd.rfind("EHLO", 0) == 0) {
            pending = "250-mx.example Hello client.example, pleased to meet you\r\n250-PIPELINING\r\n250-8BITMIME\r\n" +
                      std::string(chunking ? "250-CHUNKING\r\n" : "") + "250 SIZE 100000000\r\n";
        } else if (cmd.rfind("MAIL FROM:", 0) == 0) {
            mail_ok = !refuse_mail;
            pending = refuse_mail ? "550 5.7.1 " + cmd.substr(10) + "... Sender refused\r\n"
                                  : "250 2.1.0 " + cmd.substr(10) + "... Sender ok\r\n";
        } else if (cmd.rfind("RCPT TO:", 0) == 0) {
            rcpts.push_back(cmd);
            const std::size_t k = rcpts.size();
            const std::string who = cmd.substr(8);
            if (!mail_ok) pending = "503 5.0.0 Need MAIL before RCPT\r\n";
            else if (k == hang_at_rcpt) hung = true;
            else if (k == close_at_rcpt) {
                pending = "421 4.3.2 mx.example closing connection\r\n";
                closed = true;
            } else if (refuse_every != 0 && k % refuse_every == 0) {
                // Multi-line, so that a reply's end is told from a line's.
                pending = "550-5.1.1 " + who + "... User unknown\r\n550 5.1.1 see https://mx.example/550\r\n";
            } else if (busy_every != 0 && k % busy_every == 0) {
                pending = "452 4.2.2 " + who + "... Mailbox full\r\n";
            } else {
                ++accepted;
                pending = "250 2.1.5 " + who + "... Recipient ok\r\n";
            }
        } else if (cmd == "DATA") {
            if (mail_ok && accepted != 0) {
                data_mode = true;
                pending = "354 Enter mail, end with \".\" on a line by itself\r\n";
            } else {
                pending = "503 5.0.0 Need RCPT (recipient)\r\n";
            }
        } else if (cmd == "RSET") {
            mail_ok = false;
            accepted = 0;
            pending = "250 2.0.0 Reset state\r\n";
        } else if (cmd == "QUIT") {
            pending = "221 2.0.0 mx.example closing connection\r\n";
            closed = true;
        } else {
            pending = "500 5.5.1 Command unrecognized\r\n";
        }
    }

    /// Nothing can move: the client waits the whole timeout (the clock says so), and the test
    /// learns that it would have hung.
    io_result stall(std::uint32_t timeout_ms) {
        stuck = true;
        stalled_ms = timeout_ms;
        now_ms += timeout_ms;
        return io_result::fail(io_status::timeout);
    }

    io_result read(char* buf, std::size_t len, std::uint32_t timeout_ms) {
        run();
        if (outbound.empty()) return closed && pending.empty() ? io_result::fail(io_status::closed) : stall(timeout_ms);
        const std::size_t n = outbound.size() < len ? outbound.size() : len;
        outbound.copy(buf, n);
        outbound.erase(0, n);
        run();
        return io_result::done(n);
    }
    io_result write(const char* buf, std::size_t len, std::uint32_t timeout_ms) {
        run();
        if (closed) return io_result::done(len); // into the void, as TCP takes it before the reset
        const std::size_t room = window - inbound.size();
        if (room == 0) return stall(timeout_ms);
        const std::size_t n = len < room ? len : room;
        inbound.append(buf, n);
        run();
        return io_result::done(n);
    }
    unsigned ready(unsigned wanted, std::uint32_t timeout_ms) {
        run();
        unsigned r = 0;
        if (!outbound.empty() || (closed && pending.empty())) r |= mailwire::ready_read;
        if (closed || inbound.size() < window) r |= mailwire::ready_write;
        r &= wanted;
        if (r == 0) (void)stall(timeout_ms);
        return r;
    }
};

/// The transport that says nothing about pipelining: the client keeps to its default window.
class quiet_link {
public:
    explicit quiet_link(link_model& m) : m_(&m) {}
    io_result connect(std::string_view, std::uint16_t, std::uint32_t) {
        m_->connect();
        return io_result::done(0);
    }
    io_result read_some(char* buf, std::size_t len, std::uint32_t ms) { return m_->read(buf, len, ms); }
    io_result write_some(const char* buf, std::size_t len, std::uint32_t ms) { return m_->write(buf, len, ms); }
    void close() {}

protected:
    link_model* m_;
};

/// A transport that states its window (a modem, a small lwIP TCP_WND).
class stated_link : public quiet_link {
public:
    using quiet_link::quiet_link;
    std::size_t pipeline_window() const { return m_->window; }
};

/// A transport that tells which way it is ready: the client reads while it writes.
class duplex_link : public quiet_link {
public:
    using quiet_link::quiet_link;
    unsigned wait_ready(unsigned wanted, std::uint32_t ms) { return m_->ready(wanted, ms); }
};

static_assert(!mailwire::detail::has_wait_ready<quiet_link>::value && !mailwire::detail::has_pipeline_window<quiet_link>::value);
static_assert(mailwire::detail::has_pipeline_window<stated_link>::value);
static_assert(mailwire::detail::has_wait_ready<duplex_link>::value);
static_assert(mailwire::detail::has_wait_ready<mailwire::budget_transport<duplex_link, mwtest::manual_clock>>::value);
static_assert(mailwire::detail::has_pipeline_window<mailwire::budget_transport<stated_link, mwtest::manual_clock>>::value);

const std::string message = "Subject: many\r\n\r\nOne message, many recipients.\r\n";

struct outcome {
    mailwire::send_result sent;
    mailwire::error quit;
    std::vector<mailwire::recipient> recipients;
    bool still_open = false;
};

template <class Link>
outcome send_through(link_model& m, std::size_t count, const mailwire::timeouts* t = nullptr) {
    mailwire::basic_client<Link, mailwire::no_tls, mailwire::profiles::relay, mwtest::manual_clock> c{
        Link(m), mailwire::no_tls{}, mwtest::manual_clock{&m.now_ms}};
    c.options().ehlo_name = mwtest::ehlo_name;
    if (t != nullptr) c.options().timeout = *t;
    outcome o;
    const mailwire::error opened = c.open("mx.example");
    INFO(mwtest::describe(opened));
    REQUIRE(opened.ok());
    REQUIRE(c.server_capabilities().pipelining);
    std::vector<std::string> addresses;
    for (std::size_t i = 1; i <= count; ++i) addresses.push_back("user" + std::to_string(i) + "@example.org");
    mwtest::recipients to(addresses);
    mailwire::envelope env = to.envelope("sender@example.net");
    o.sent = c.send(env, message);
    o.recipients = to.list;
    o.still_open = c.is_open();
    o.quit = c.quit();
    return o;
}

/// Delivered to everyone the server took, each recipient's result its own reply.
void check_delivery(const link_model& m, const outcome& o, std::size_t count) {
    INFO(mwtest::describe(o.sent.err));
    CHECK_FALSE(m.stuck);
    REQUIRE(o.sent.delivered());
    REQUIRE(m.rcpts.size() == count);
    std::size_t refused = 0;
    for (std::size_t k = 1; k <= count; ++k) {
        const std::string address = "user" + std::to_string(k) + "@example.org";
        const mailwire::recipient& r = o.recipients[k - 1];
        const bool permanent = m.refuse_every != 0 && k % m.refuse_every == 0;
        const bool busy = !permanent && m.busy_every != 0 && k % m.busy_every == 0;
        if (m.rcpts[k - 1] != "RCPT TO:<" + address + ">") FAIL("RCPT " << k << " was " << m.rcpts[k - 1]);
        const int code = permanent ? 550 : busy ? 452 : 250;
        if (r.result.code != code) FAIL("recipient " << k << ": " << r.result.code << " instead of " << code);
        if (code == 250 && r.result.message() != "<" + address + ">... Recipient ok")
            FAIL("recipient " << k << " has another's reply: " << r.result.message());
        refused += code != 250;
    }
    CHECK(o.sent.refused == refused);
    CHECK(o.sent.accepted == count - refused);
    CHECK(m.body == message + ".\r\n");
    CHECK(o.quit.ok());
}

template <class Link>
void sweep(std::initializer_list<std::size_t> windows) {
    for (std::size_t w : windows) {
        for (std::size_t count : {1u, 2u, 50u, 1000u, 5000u}) {
            INFO("window " << w << ", " << count << " recipients");
            link_model m;
            m.window = w;
            m.refuse_every = 7;
            m.busy_every = 11;
            const outcome o = send_through<Link>(m, count);
            check_delivery(m, o, count);
        }
    }
}

} // namespace

TEST_CASE("pipelining: a transport that says nothing keeps 4096 octets unanswered and never deadlocks a server "
          "with 4 KiB buffers",
          "[unit][pipelining]") {
    // RFC 2920 §3.1: "keep each group of commands within the TCP window".
    sweep<quiet_link>({4096, 65536});
}

TEST_CASE("pipelining: a transport that states its window is never sent more than that unanswered",
          "[unit][pipelining]") {
    sweep<stated_link>({64, 200, 512, 4096, 65536});
}

TEST_CASE("pipelining: a transport that tells which way it is ready is read while it is written, whatever its "
          "buffers",
          "[unit][pipelining]") {
    sweep<duplex_link>({64, 200, 512, 4096, 65536});
}

TEST_CASE("pipelining: a window smaller than one command still sends it, alone", "[unit][pipelining]") {
    link_model m;
    m.window = 40; // "MAIL FROM:<sender@example.net> SIZE=51" and the RCPTs are longer than that
    const outcome o = send_through<stated_link>(m, 20);
    check_delivery(m, o, 20);
}

TEST_CASE("pipelining: the first failure rules hold with windows and with reading while writing", "[unit][pipelining]") {
    for (std::size_t w : {64u, 512u, 4096u}) {
        for (int path = 0; path < 2; ++path) {
            INFO("window " << w << (path == 0 ? ", stated" : ", duplex"));
            const auto run = [&](link_model& m, std::size_t count) {
                m.window = w;
                return path == 0 ? send_through<stated_link>(m, count) : send_through<duplex_link>(m, count);
            };
            SECTION("a refused MAIL: no recipient result, RSET, the connection stays") {
                link_model m;
                m.refuse_mail = true;
                const outcome o = run(m, 1000);
                INFO(mwtest::describe(o.sent.err));
                CHECK_FALSE(m.stuck);
                CHECK(o.sent.err.where == phase::mail);
                CHECK(o.sent.err.kind == error_kind::permanent);
                CHECK(o.sent.err.server.code == 550);
                CHECK(o.sent.accepted == 0);
                CHECK(o.sent.refused == 0);
                for (const mailwire::recipient& r : o.recipients) CHECK(r.result.code != 250);
                CHECK(o.still_open);
                CHECK(m.body.empty());
                // Once the refusal is read, nothing more of the transaction is sent.
                if (w <= 512) CHECK(m.rcpts.size() < 1000);
            }
            SECTION("every recipient refused: all_recipients_refused, the worst (permanent) reply") {
                link_model m;
                m.refuse_every = 1;
                const outcome o = run(m, 1000);
                INFO(mwtest::describe(o.sent.err));
                CHECK_FALSE(m.stuck);
                CHECK(o.sent.err.where == phase::rcpt);
                CHECK(o.sent.err.why == cause::all_recipients_refused);
                CHECK(o.sent.err.server.code == 550);
                CHECK(o.sent.refused == 1000);
                CHECK(m.rcpts.size() == 1000);
                CHECK(m.body.empty());
                CHECK(o.still_open);
            }
            SECTION("a 421 in the middle of the envelope ends the session there") {
                link_model m;
                m.close_at_rcpt = 500;
                const outcome o = run(m, 1000);
                INFO(mwtest::describe(o.sent.err));
                CHECK_FALSE(m.stuck);
                CHECK(o.sent.err.where == phase::rcpt);
                CHECK(o.sent.err.kind == error_kind::temporary);
                CHECK(o.sent.err.server.code == 421);
                CHECK(o.sent.accepted == 499);
                CHECK(o.recipients[498].accepted());
                CHECK(o.recipients[499].result.code == 0); // the 421 is the session's, not this recipient's
                CHECK_FALSE(o.still_open);
                CHECK(m.body.empty());
            }
        }
    }
}

TEST_CASE("pipelining: a server that stops reading and answering ends at that reply's deadline, on either path",
          "[unit][pipelining]") {
    for (int path = 0; path < 2; ++path) {
        INFO((path == 0 ? "stated window" : "duplex"));
        link_model m;
        m.window = 512;
        m.hang_at_rcpt = 300; // reads RCPT 300, then neither answers nor reads again
        mailwire::timeouts t;
        t.mail = 1005;
        t.rcpt = 1006;
        t.data_init = 1007;
        const outcome o = path == 0 ? send_through<stated_link>(m, 1000, &t) : send_through<duplex_link>(m, 1000, &t);
        INFO(mwtest::describe(o.sent.err));
        CHECK(o.sent.err.kind == error_kind::timeout);
        CHECK(o.sent.err.where == phase::rcpt);
        CHECK(m.stalled_ms == t.rcpt); // the awaited reply's own deadline, whole, and no more
        CHECK(o.recipients[298].accepted());
        CHECK(o.recipients[299].result.code == 0);
        CHECK_FALSE(o.still_open);
    }
}

TEST_CASE("pipelining with BDAT: many chunks and many recipients never deadlock, on every path", "[unit][pipelining][chunking]") {
    // A body of many send buffers (each chunk is at most one), so that chunk replies pile up while
    // the client writes: without reading them in time, the server blocks writing them and stops
    // reading chunks. Small windows, many recipients, refusals between them.
    std::string body = "Subject: chunks\r\n\r\n";
    for (std::size_t i = 0; body.size() < 8 * MAILWIRE_TX_BUFFER_SIZE + 1000; ++i)
        body += (i % 9 == 0 ? "." : "") + std::string(10 + i % 70, static_cast<char>('a' + i % 26)) + "\n";
    std::string wire; // what the server must hold: CRLF line ends, nothing stuffed, no "."
    for (char ch : body) {
        if (ch == '\n' && (wire.empty() || wire.back() != '\r')) wire += '\r';
        wire += ch;
    }
    for (std::size_t w : {256u, 4096u}) {
        for (std::size_t count : {1u, 50u, 1000u}) {
            // Reading while writing, a stated window, and (with a window as large as the client's
            // default, MAILWIRE_PIPELINE_WINDOW) a transport that says nothing.
            for (int path = 0; path < (w >= MAILWIRE_PIPELINE_WINDOW ? 3 : 2); ++path) {
                INFO("window " << w << ", " << count << " recipients, path " << path);
                link_model m;
                m.window = w;
                m.chunking = true;
                m.refuse_every = 7;
                mailwire::basic_client<duplex_link, mailwire::no_tls, mailwire::profiles::relay, mwtest::manual_clock> dc{
                    duplex_link(m), mailwire::no_tls{}, mwtest::manual_clock{&m.now_ms}};
                mailwire::basic_client<stated_link, mailwire::no_tls, mailwire::profiles::relay, mwtest::manual_clock> sc{
                    stated_link(m), mailwire::no_tls{}, mwtest::manual_clock{&m.now_ms}};
                mailwire::basic_client<quiet_link, mailwire::no_tls, mailwire::profiles::relay, mwtest::manual_clock> qc{
                    quiet_link(m), mailwire::no_tls{}, mwtest::manual_clock{&m.now_ms}};
                std::vector<std::string> addresses;
                for (std::size_t i = 1; i <= count; ++i) addresses.push_back("user" + std::to_string(i) + "@example.org");
                mwtest::recipients to(addresses);
                mailwire::envelope env = to.envelope("sender@example.net");
                const auto run = [&](auto& c) {
                    c.options().ehlo_name = mwtest::ehlo_name;
                    const mailwire::error opened = c.open("mx.example");
                    REQUIRE(opened.ok());
                    REQUIRE(c.server_capabilities().chunking);
                    return c.send(env, body);
                };
                const mailwire::send_result r = path == 0 ? run(dc) : path == 1 ? run(sc) : run(qc);
                INFO(mwtest::describe(r.err));
                CHECK_FALSE(m.stuck);
                CHECK(r.delivered());
                CHECK(m.chunks >= 8);
                CHECK(m.body == wire);
                CHECK(r.accepted == count - count / 7);
            }
        }
    }
}
