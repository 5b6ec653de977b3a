// SPDX-License-Identifier: BSL-1.0
// The fault sweep through the real mbedTLS policy: STARTTLS against the hostile server's
// well-behaved scenario, over a POSIX socket wrapped in the fault injector, failing each read and
// write in turn — inside the TLS handshake too. Every run must end with the failing call
// reporting a network or timeout failure (or a TLS failure, for an I/O error inside the
// handshake), and "delivered" exactly when the server's 2xx to the data was read.
#include "tls_fixture.hpp"

#include <mailwire/testing/fault_injection.hpp>

#include <catch2/catch.hpp>

using mailwire::cause;
using mailwire::error;
using mailwire::error_kind;
using mailwire::io_status;
using mailwire::testing::fault_plan;
using mailwire::testing::faulty_transport;

namespace {

struct outcome {
    error open, auth, quit;
    mailwire::send_result sent;
    std::size_t after_open = 0, after_auth = 0, after_send = 0, after_quit_reply = 0;
};

outcome run(fault_plan plan) {
    tlstest::smtp_server server(tlstest::hostile("good-starttls"));
    REQUIRE(server.ok());
    using transport = faulty_transport<mailwire::posix_transport>;
    mailwire::basic_client<transport, mailwire::mbedtls_tls, mailwire::profiles::submission> c{
        transport(mailwire::posix_transport(), &plan)};
    c.options().port = server.port();
    c.options().ehlo_name = "client.example";
    c.options().timeout.set_all(5000);
    c.tls().settings().ca_file = tlstest::ca_file();
    outcome o;
    o.open = c.open("localhost");
    o.after_open = plan.operations;
    o.auth = c.authenticate({"user", "secret"}, mailwire::auth_mechanism::plain);
    o.after_auth = plan.operations;
    mailwire::recipient to[2] = {{"b@example.org", {}}, {"c@example.org", {}}};
    mailwire::envelope env{"a@example.org", to, 2};
    o.sent = c.send(env, "Subject: sweep\r\n\r\nbody\r\n");
    o.after_send = plan.operations;
    o.quit = c.quit();
    o.after_quit_reply = plan.operations;
    return o;
}

} // namespace

TEST_CASE("fault sweep through mbedTLS: every read and write fails in turn, the handshake's too",
          "[tls][faults]") {
    const outcome clean = run(fault_plan{});
    INFO("clean run: " << tlstest::describe(clean.sent.err));
    REQUIRE(clean.open.ok());
    REQUIRE(clean.auth.ok());
    REQUIRE(clean.sent.ok());
    const std::size_t total = clean.after_quit_reply; // includes close_notify, sent while closing
    for (io_status how : {io_status::error, io_status::timeout}) {
        for (std::size_t n = 1; n <= total; ++n) {
            fault_plan plan;
            plan.fail_at = n;
            plan.fail_with = how;
            const outcome o = run(plan);
            INFO("operation " << n << " of " << total << ", status " << static_cast<int>(how));
            const error* failing = nullptr;
            if (n <= clean.after_open) {
                failing = &o.open;
                CHECK(o.sent.err.why == cause::not_connected);
            } else if (n <= clean.after_auth) {
                failing = &o.auth;
            } else if (n <= clean.after_send) {
                failing = &o.sent.err;
                CHECK_FALSE(o.sent.delivered());
                if (n == clean.after_send) CHECK(o.sent.err.why == cause::outcome_unknown);
            } else {
                CHECK(o.sent.ok()); // delivered; a failure while quitting changes nothing
                continue;           // (and the close_notify write's failure is not reported)
            }
            INFO(tlstest::describe(*failing));
            CHECK_FALSE(failing->ok());
            // A timeout before the server's first octet (its answer to the ClientHello) is no
            // greeting: a silent peer, not a slow one (timeouts::first_byte).
            if (how == io_status::timeout && failing->why == cause::no_greeting) CHECK(n <= 2);
            else if (how == io_status::timeout) CHECK(failing->kind == error_kind::timeout);
            else CHECK((failing->kind == error_kind::network || failing->kind == error_kind::tls));
            // The phase belongs to the call that failed: open's (the handshake is phase tls), AUTH's, or
            // the transaction's.
            using mailwire::phase;
            const phase w = failing->where;
            if (failing == &o.open)
                CHECK((w == phase::connect || w == phase::tls || w == phase::greeting || w == phase::ehlo ||
                       w == phase::starttls));
            else if (failing == &o.auth) CHECK(w == phase::auth);
            else
                CHECK((w == phase::mail || w == phase::rcpt || w == phase::data || w == phase::body ||
                       w == phase::end_of_data));
        }
    }
}
