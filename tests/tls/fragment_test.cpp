// SPDX-License-Identifier: BSL-1.0
// Small targets: tls_settings::max_fragment asks the server for smaller records (RFC 6066 §4), so
// that mbedTLS built with smaller record buffers (MBEDTLS_SSL_IN_CONTENT_LEN) still receives whole
// records. A message far larger than one record goes through, over STARTTLS and implicit TLS.
#include "tls_fixture.hpp"

#include <catch2/catch.hpp>

#include <string>

using mailwire::error;
using tlstest::describe;
using tlstest::smtp_server;
using tlstest::tls_client;

namespace {

template <class Profile>
void send_with_fragment(const char* scenario, std::uint16_t fragment) {
    smtp_server server(tlstest::hostile(scenario));
    REQUIRE(server.ok());
    tls_client<Profile> t(server.port());
    t.c.tls().settings().max_fragment = fragment;
    const error e = t.c.open("localhost");
    INFO(describe(e) << " | " << t.c.tls().failure_detail());
    REQUIRE(e.ok());
    mailwire::recipient r{"b@example.org", {}};
    mailwire::envelope env;
    env.sender = "a@example.org";
    env.recipients = &r;
    env.recipient_count = 1;
    std::string body = "Subject: records\r\n\r\n";
    for (int i = 0; i < 400; ++i) body += std::string(70, static_cast<char>('a' + i % 26)) + "\r\n";
    const mailwire::send_result s = t.c.send(env, body);
    INFO(describe(s.err));
    CHECK(s.delivered());
    CHECK(t.c.quit().ok());
}

} // namespace

TEST_CASE("max_fragment 512 and 4096: a 28 KB message over STARTTLS and implicit TLS", "[tls][memory]") {
    for (std::uint16_t fragment : {512, 4096}) {
        INFO("max_fragment " << fragment);
        send_with_fragment<mailwire::profiles::submission>("good-starttls", fragment);
        send_with_fragment<mailwire::profiles::submissions>("good-implicit", fragment);
    }
}

TEST_CASE("max_fragment must be one of RFC 6066's sizes: anything else is a setup error", "[tls][memory]") {
    smtp_server server(tlstest::hostile("good-implicit"));
    REQUIRE(server.ok());
    tls_client<mailwire::profiles::submissions> t(server.port());
    t.c.tls().settings().max_fragment = 1000;
    const error e = t.c.open("localhost");
    INFO(describe(e));
    CHECK(e.where == mailwire::phase::tls);
    CHECK(e.why == mailwire::cause::tls_setup_failed);
    CHECK(std::string(t.c.tls().failure_detail()).find("512, 1024, 2048 or 4096") != std::string::npos);
}
