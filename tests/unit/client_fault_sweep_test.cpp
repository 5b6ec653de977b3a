// SPDX-License-Identifier: BSL-1.0
// Fault injection (mailwire/testing/fault_injection.hpp) swept over a whole session — greeting,
// EHLO, [STARTTLS, EHLO,] AUTH PLAIN, a pipelined message to two recipients, QUIT — failing each
// read and write in turn with each kind of failure, in plaintext and through a TLS policy. Every
// run must end with the failing call reporting the right kind, the connection closed, later calls
// refused locally, and "delivered" exactly when the server's 2xx to the data was read; a failure
// while waiting for that reply is "outcome unknown" (RFC 5321 §4.5.3.2.6). Short reads and writes
// of every size from 1 byte up must change nothing.
#include "support.hpp"

#include <mailwire/testing/fault_injection.hpp>

#include <catch2/catch.hpp>

#include <string>

using mailwire::cause;
using mailwire::error;
using mailwire::error_kind;
using mailwire::io_result;
using mailwire::io_status;
using mailwire::testing::fault_plan;
using mailwire::testing::faulty_transport;

namespace {

/// A TLS policy that encrypts nothing: the session goes through its read/write path and STARTTLS
/// logic, over the faulty transport.
struct passthrough_tls {
    static constexpr bool available = true;
    template <class T, class Timer>
    io_result handshake(T&, std::string_view, const Timer&) {
        return io_result::done(0);
    }
    template <class T, class Timer>
    io_result read_some(T& t, char* buf, std::size_t len, const Timer& timer) {
        return t.read_some(buf, len, timer.remaining_ms());
    }
    template <class T, class Timer>
    io_result write_some(T& t, const char* buf, std::size_t len, const Timer& timer) {
        return t.write_some(buf, len, timer.remaining_ms());
    }
    template <class T>
    void close(T&) {}
};

/// The scripted peer as a transport that tells which way it is ready (transport.hpp's
/// wait_ready()): a plaintext pipelined envelope then reads replies while it writes.
class duplex_scripted : public mwtest::scripted_transport {
public:
    explicit duplex_scripted(mwtest::script& s) : scripted_transport(s), s_(&s) {}
    unsigned wait_ready(unsigned wanted, std::uint32_t) {
        return wanted & (mailwire::ready_write | (s_->readable() ? mailwire::ready_read : 0u));
    }

private:
    mwtest::script* s_;
};

template <bool Duplex>
using faulty = faulty_transport<std::conditional_t<Duplex, duplex_scripted, mwtest::scripted_transport>>;

struct outcome {
    error open, auth, quit;
    mailwire::send_result sent;
    std::size_t ops_after_open = 0, ops_after_auth = 0, ops_after_send = 0, ops_after_quit = 0;
    bool open_after = true; ///< the client still had a connection at the end of the failing call
    std::string written;
    mailwire::millis took[4] = {}; ///< manual-clock time spent in open, authenticate, send, quit
    std::uint32_t stalled_ms = 0;  ///< the timeout the stalled operation was given
};

// Distinct per-phase timeouts, so a stall shows which deadline bounded it.
constexpr std::uint32_t stall_connect = 1001, stall_tls = 1002, stall_greeting = 1003, stall_command = 1004,
                        stall_mail = 1005, stall_rcpt = 1006, stall_data_init = 1007, stall_data_block = 1008,
                        stall_data_end = 1009, stall_quit = 1010, stall_first_byte = 1011;

/// Chunking: the server offers CHUNKING, and the message goes as one pipelined "BDAT <n> LAST"
/// with MAIL and RCPT (RFC 3030) instead of DATA.
template <bool Tls, bool Duplex = false, bool Chunking = false>
outcome run(fault_plan plan, bool stall = false) {
    mwtest::script s;
    if (stall) plan.stall_clock = &s.now_ms;
    using profile = std::conditional_t<Tls, mailwire::profiles::submission, mailwire::profiles::relay>;
    using tls = std::conditional_t<Tls, passthrough_tls, mailwire::no_tls>;
    fault_plan* p = &plan;
    using transport = faulty<Duplex>;
    using inner = std::conditional_t<Duplex, duplex_scripted, mwtest::scripted_transport>;
    mailwire::basic_client<transport, tls, profile, mwtest::manual_clock> c{transport(inner(s), p), tls{}, s.clock()};
    c.options().ehlo_name = mwtest::ehlo_name;
    c.options().allow_plaintext_auth = true;
    if (stall) {
        mailwire::timeouts& t = c.options().timeout;
        t.connect = stall_connect, t.tls_handshake = stall_tls, t.greeting = stall_greeting, t.command = stall_command;
        t.mail = stall_mail, t.rcpt = stall_rcpt, t.data_init = stall_data_init, t.data_block = stall_data_block;
        t.data_end = stall_data_end, t.quit = stall_quit, t.first_byte = stall_first_byte;
    }
    if (Tls) {
        mwtest::greet(s, {"PIPELINING", "STARTTLS"});
        s.reply("220 2.0.0 ready\r\n");
        s.reply("250-mx.example\r\n250-PIPELINING\r\n250 AUTH PLAIN\r\n");
    } else if (Chunking) {
        mwtest::greet(s, {"PIPELINING", "CHUNKING", "AUTH PLAIN"});
    } else {
        mwtest::greet(s, {"PIPELINING", "AUTH PLAIN"});
    }
    s.reply("235 2.7.0 ok\r\n");
    s.reply("250 ok\r\n").reply("250 ok\r\n").reply("250 ok\r\n");
    if (!Chunking) s.reply("354 go\r\n");
    s.reply("250 2.0.0 queued\r\n");
    s.reply("221 bye\r\n");

    outcome o;
    mwtest::recipients to({"b@example.org", "c@example.org"});
    mailwire::envelope env = to.envelope("a@example.org");
    mailwire::millis t0 = s.now_ms;
    auto lap = [&](int i) {
        o.took[i] = s.now_ms - t0;
        t0 = s.now_ms;
    };
    o.open = c.open("mx.example");
    o.ops_after_open = plan.operations;
    lap(0);
    o.auth = c.authenticate({"user", "secret"}, mailwire::auth_mechanism::plain);
    o.ops_after_auth = plan.operations;
    lap(1);
    o.sent = c.send(env, "Subject: sweep\r\n\r\nbody\r\n");
    o.ops_after_send = plan.operations;
    lap(2);
    o.quit = c.quit();
    o.ops_after_quit = plan.operations;
    lap(3);
    o.written = s.written;
    o.stalled_ms = plan.stalled_ms;
    return o;
}

/// Whether the peer received the whole LAST chunk: "BDAT <n> LAST" CRLF and its n octets (RFC 3030
/// §2). A small send buffer cuts the message into several chunks, written in several writes.
bool has_whole_last_chunk(const std::string& written) {
    const std::size_t at = written.find(" LAST\r\n");
    const std::size_t start = at == std::string::npos ? at : written.rfind("BDAT ", at);
    if (start == std::string::npos) return false;
    const std::size_t size = std::stoul(written.substr(start + 5, at - start - 5));
    return written.size() >= at + 7 + size;
}

/// The phases a failure of each call may name: open (0), authenticate (1), send (2), quit (3).
bool in_call_phases(const error& e, int call) {
    using mailwire::phase;
    switch (call) {
    case 0:
        return e.where == phase::connect || e.where == phase::greeting || e.where == phase::ehlo ||
               e.where == phase::starttls || e.where == phase::tls;
    case 1: return e.where == phase::auth;
    case 2:
        return e.where == phase::mail || e.where == phase::rcpt || e.where == phase::data || e.where == phase::body ||
               e.where == phase::end_of_data;
    default: return e.where == phase::quit;
    }
}

template <bool Tls, bool Duplex = false, bool Chunking = false>
void sweep() {
    const outcome clean = run<Tls, Duplex, Chunking>(fault_plan{});
    INFO("clean: " << mwtest::describe(clean.sent.err));
    REQUIRE(clean.open.ok());
    REQUIRE(clean.auth.ok());
    REQUIRE(clean.sent.ok());
    REQUIRE(clean.quit.ok());
    const std::size_t total = clean.ops_after_quit;
    REQUIRE(total > 8);

    for (io_status how : {io_status::error, io_status::closed, io_status::timeout}) {
        for (std::size_t n = 1; n <= total; ++n) {
            fault_plan plan;
            plan.fail_at = n;
            plan.fail_with = how;
            const outcome o = run<Tls, Duplex, Chunking>(plan);
            INFO("operation " << n << " of " << total << " fails with status " << static_cast<int>(how));
            const error_kind kind = how == io_status::timeout ? error_kind::timeout : error_kind::network;
            const error* failing = nullptr;
            if (n <= clean.ops_after_open) {
                failing = &o.open;
                CHECK(o.auth.why == cause::not_connected);
                CHECK(o.sent.err.why == cause::not_connected);
            } else if (n <= clean.ops_after_auth) {
                failing = &o.auth;
                CHECK(o.open.ok());
                CHECK(o.sent.err.why == cause::not_connected);
            } else if (n <= clean.ops_after_send) {
                failing = &o.sent.err;
                CHECK(o.auth.ok());
                CHECK_FALSE(o.sent.delivered()); // the 2xx to the data was never read
                // DATA: only the reply to the final "." is unknown's. BDAT: once the server has
                // the whole LAST chunk, every reply read after it may be the last word on the
                // message. (The commands and the chunk leave in one write after AUTH when the
                // send buffer holds them; a 64-octet one takes several, and a failure among them
                // leaves the message undelivered, and known to be.)
                const bool after_end = Chunking ? has_whole_last_chunk(o.written) : n == clean.ops_after_send;
                if (after_end) CHECK(o.sent.err.why == cause::outcome_unknown);
                else CHECK(o.sent.err.why != cause::outcome_unknown);
            } else {
                failing = &o.quit;
                CHECK(o.sent.ok()); // delivered before QUIT failed: still delivered
            }
            INFO(mwtest::describe(*failing));
            if (n == 1 && how != io_status::error) {
                // Closed or silent before the greeting's first octet: no greeting, a mismatch of
                // configuration that a retry cannot mend. Through the TLS policy, which answers
                // any handshake here, the silence is then taken for a port that expects TLS.
                CHECK(failing->kind == error_kind::protocol);
                CHECK(failing->why == (Tls && how == io_status::timeout ? cause::greeting_looks_like_tls
                                                                          : cause::no_greeting));
                CHECK_FALSE(failing->retryable());
                CHECK_FALSE(o.open.ok());
                continue;
            }
            CHECK(failing->kind == kind);
            CHECK(in_call_phases(*failing, n <= clean.ops_after_open   ? 0
                                           : n <= clean.ops_after_auth ? 1
                                           : n <= clean.ops_after_send ? 2
                                                                       : 3));
            CHECK(failing->retryable());
            CHECK(*failing->advice() != '\0');
            // Nothing was written after the failure but what an orderly end allows (nothing at
            // all: an I/O failure drops the connection without QUIT).
            CHECK(o.written.size() <= clean.written.size());
            CHECK(clean.written.compare(0, o.written.size(), o.written) == 0);
        }
    }
}

/// Each operation in turn stalls until its timeout (a peer gone silent): the failing call ends
/// with a timeout after exactly the stall, which is bounded by that step's deadline; no other call
/// waits at all.
template <bool Tls, bool Duplex = false>
void stall_sweep() {
    const outcome clean = run<Tls, Duplex>(fault_plan{}, true);
    REQUIRE(clean.sent.ok());
    const std::size_t total = clean.ops_after_quit;
    for (std::size_t n = 1; n <= total; ++n) {
        fault_plan plan;
        plan.fail_at = n;
        plan.fail_with = io_status::timeout;
        const outcome o = run<Tls, Duplex>(plan, true);
        INFO("operation " << n << " of " << total << " stalls");
        const int call = n <= clean.ops_after_open ? 0 : n <= clean.ops_after_auth ? 1 : n <= clean.ops_after_send ? 2 : 3;
        const error& failing = call == 0 ? o.open : call == 1 ? o.auth : call == 2 ? o.sent.err : o.quit;
        INFO(mwtest::describe(failing));
        CHECK(in_call_phases(failing, call));
        if (n == 1) {
            // The greeting's first octet: bounded by the first-byte wait, and named as no greeting
            // (or, through the TLS policy that answers any handshake, as a port expecting TLS).
            CHECK(failing.kind == error_kind::protocol);
            CHECK(failing.why == (Tls ? cause::greeting_looks_like_tls : cause::no_greeting));
            CHECK(o.stalled_ms == stall_first_byte);
            CHECK(o.took[0] == stall_first_byte);
            continue;
        }
        CHECK(failing.kind == error_kind::timeout);
        // The stall was given a real timeout, no longer than the longest per-step deadline ...
        CHECK(o.stalled_ms > 0);
        CHECK(o.stalled_ms <= stall_quit);
        // ... and the failing call took exactly that: it gave up at its deadline, no later.
        CHECK(o.took[call] == o.stalled_ms);
        for (int i = 0; i < 4; ++i)
            if (i != call) CHECK(o.took[i] == 0);
        if (call == 2) CHECK_FALSE(o.sent.delivered());
        if (call == 3) CHECK(o.sent.ok());
        // Which deadline: the greeting's for the first read, the quit's for QUIT's reply.
        if (n == 1) CHECK(o.stalled_ms == stall_greeting);
        if (call == 3) CHECK(o.stalled_ms == stall_quit);
        if (call == 2 && n == clean.ops_after_send) {
            CHECK(o.stalled_ms == stall_data_end); // the reply to the final dot: 10 minutes in real life
            CHECK(o.sent.err.why == cause::outcome_unknown);
        }
    }
}

template <bool Tls, bool Duplex = false, bool Chunking = false>
void short_io() {
    const outcome clean = run<Tls, Duplex, Chunking>(fault_plan{});
    for (std::size_t k = 1; k <= 64; ++k) {
        INFO("reads and writes of at most " << k << " bytes");
        fault_plan plan;
        plan.max_read = k;
        plan.max_write = k;
        const outcome o = run<Tls, Duplex, Chunking>(plan);
        INFO(mwtest::describe(o.sent.err));
        CHECK(o.sent.ok());
        INFO("quit: " << mwtest::describe(o.quit) << " chunking " << Chunking << " duplex " << Duplex);
        CHECK(o.quit.ok());
        CHECK(o.written == clean.written);
    }
}

} // namespace

TEST_CASE("fault sweep, plaintext: every read and write fails in turn (error, closed, timeout)",
          "[unit][faults]") {
    sweep<false>();
}

TEST_CASE("fault sweep, through a TLS policy with STARTTLS: every read and write fails in turn", "[unit][faults]") {
    sweep<true>();
}

TEST_CASE("fault sweep, plaintext through a transport that tells which way it is ready: every read and write fails in "
          "turn",
          "[unit][faults][pipelining]") {
    sweep<false, true>();
}

TEST_CASE("short reads and writes of every size from 1 to 64 bytes change nothing", "[unit][faults]") {
    short_io<false>();
    short_io<true>();
    short_io<false, true>();
    short_io<false, false, true>();
    short_io<false, true, true>();
}

TEST_CASE("fault sweep with BDAT (CHUNKING): every read and write fails in turn, after LAST the outcome is unknown",
          "[unit][faults][chunking]") {
    sweep<false, false, true>();
    sweep<false, true, true>();
}

TEST_CASE("stall sweep: each read and write in turn stalls until its deadline, and only that call waits",
          "[unit][faults]") {
    stall_sweep<false>();
    stall_sweep<true>();
    stall_sweep<false, true>();
}
