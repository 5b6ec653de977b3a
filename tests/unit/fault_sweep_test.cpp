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

using faulty = faulty_transport<mwtest::scripted_transport>;

struct outcome {
    error open, auth, quit;
    mailwire::send_result sent;
    std::size_t ops_after_open = 0, ops_after_auth = 0, ops_after_send = 0, ops_after_quit = 0;
    bool open_after = true; ///< the client still had a connection at the end of the failing call
    std::string written;
};

template <bool Tls>
outcome run(fault_plan plan) {
    mwtest::script s;
    using profile = std::conditional_t<Tls, mailwire::profiles::submission, mailwire::profiles::relay>;
    using tls = std::conditional_t<Tls, passthrough_tls, mailwire::no_tls>;
    fault_plan* p = &plan;
    mailwire::basic_client<faulty, tls, profile, mwtest::manual_clock> c{faulty(mwtest::scripted_transport(s), p), tls{},
                                                                       s.clock()};
    c.options().ehlo_name = mwtest::ehlo_name;
    c.options().allow_plaintext_auth = true;
    if (Tls) {
        mwtest::greet(s, {"PIPELINING", "STARTTLS"});
        s.reply("220 2.0.0 ready\r\n");
        s.reply("250-mx.example\r\n250-PIPELINING\r\n250 AUTH PLAIN\r\n");
    } else {
        mwtest::greet(s, {"PIPELINING", "AUTH PLAIN"});
    }
    s.reply("235 2.7.0 ok\r\n");
    s.reply("250 ok\r\n").reply("250 ok\r\n").reply("250 ok\r\n").reply("354 go\r\n");
    s.reply("250 2.0.0 queued\r\n");
    s.reply("221 bye\r\n");

    outcome o;
    mwtest::recipients to({"b@example.org", "c@example.org"});
    mailwire::envelope env = to.envelope("a@example.org");
    o.open = c.open("mx.example");
    o.ops_after_open = plan.operations;
    o.auth = c.authenticate({"user", "secret"}, mailwire::auth_mechanism::plain);
    o.ops_after_auth = plan.operations;
    o.sent = c.send(env, "Subject: sweep\r\n\r\nbody\r\n");
    o.ops_after_send = plan.operations;
    o.quit = c.quit();
    o.ops_after_quit = plan.operations;
    o.written = s.written;
    return o;
}

template <bool Tls>
void sweep() {
    const outcome clean = run<Tls>(fault_plan{});
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
            const outcome o = run<Tls>(plan);
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
                if (n == clean.ops_after_send) CHECK(o.sent.err.why == cause::outcome_unknown);
                else CHECK(o.sent.err.why != cause::outcome_unknown);
            } else {
                failing = &o.quit;
                CHECK(o.sent.ok()); // delivered before QUIT failed: still delivered
            }
            INFO(mwtest::describe(*failing));
            CHECK(failing->kind == kind);
            CHECK(failing->retryable());
            CHECK(*failing->advice() != '\0');
            // Nothing was written after the failure but what an orderly end allows (nothing at
            // all: an I/O failure drops the connection without QUIT).
            CHECK(o.written.size() <= clean.written.size());
            CHECK(clean.written.compare(0, o.written.size(), o.written) == 0);
        }
    }
}

template <bool Tls>
void short_io() {
    const outcome clean = run<Tls>(fault_plan{});
    for (std::size_t k = 1; k <= 64; ++k) {
        INFO("reads and writes of at most " << k << " bytes");
        fault_plan plan;
        plan.max_read = k;
        plan.max_write = k;
        const outcome o = run<Tls>(plan);
        INFO(mwtest::describe(o.sent.err));
        CHECK(o.sent.ok());
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

TEST_CASE("short reads and writes of every size from 1 to 64 bytes change nothing", "[unit][faults]") {
    short_io<false>();
    short_io<true>();
}
