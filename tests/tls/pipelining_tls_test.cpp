// SPDX-License-Identifier: BSL-1.0
// PIPELINING over TLS (issue 17): through mbedTLS the client keeps to the window (a TLS record may
// be half written, and decrypted replies may sit in the TLS policy where poll() cannot see them),
// and 5000 recipients still go through a server with 4 KiB socket buffers that answers each
// command as it reads it (tests/interop/lockstep_server.py with STARTTLS), with Nagle's algorithm
// off and on. Run once more in a namespace whose TCP buffers cannot grow (CTest:
// tls/pipelining_small_tcp_namespace), where a client without the window deadlocks.
#include "tls_fixture.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using tlstest::describe;
using tlstest::smtp_server;

namespace {

constexpr std::size_t recipient_count = 5000;

void send_many_over_tls(bool nagle) {
    interop::server_options o;
    o.script = "tests/interop/lockstep_server.py";
    o.extra_args = {"--tls-cert", tlstest::pki("good.pem"), "--tls-key", tlstest::pki("good.key")};
    if (nagle) o.extra_args.push_back("--nagle");
    smtp_server server(o);
    INFO("server: " << server.problem());
    REQUIRE(server.ok());

    std::vector<std::string> addresses;
    for (std::size_t i = 1; i <= recipient_count; ++i) addresses.push_back("tls" + std::to_string(i) + "@example.org");
    std::vector<mailwire::recipient> to(addresses.size());
    for (std::size_t i = 0; i < addresses.size(); ++i) to[i].address = addresses[i];
    mailwire::envelope env;
    env.sender = "sender@example.org";
    env.recipients = to.data();
    env.recipient_count = to.size();

    tlstest::tls_client<mailwire::profiles::submission> t(server.port(), 20000);
    const mailwire::error e = t.c.open("localhost");
    INFO(describe(e) << " | " << t.c.tls().failure_detail());
    REQUIRE(e.ok());
    REQUIRE(t.c.encrypted());
    REQUIRE(t.c.server_capabilities().pipelining);
    const mailwire::send_result r = t.c.send(env, "Subject: many over TLS\r\n\r\nbody\r\n");
    INFO(describe(r.err));
    CHECK(r.ok());
    CHECK(r.accepted == recipient_count);
    (void)t.c.quit();

    const std::vector<interop::received_message> got = server.messages();
    REQUIRE(got.size() == 1);
    CHECK(got[0].rcpt_tos == addresses);
}

} // namespace

TEST_CASE("pipelining over STARTTLS: 5000 recipients through a server with 4 KiB buffers that answers as it reads",
          "[tls][pipelining]") {
    SECTION("TCP_NODELAY at the server") { send_many_over_tls(false); }
    SECTION("Nagle's algorithm at the server") { send_many_over_tls(true); }
}
