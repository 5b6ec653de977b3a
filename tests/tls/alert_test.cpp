// SPDX-License-Identifier: BSL-1.0
// A server that ends the handshake with a fatal alert (RFC 8446 §6.2, RFC 5246 §7.2.2) is reported
// as that alert, cause::tls_alert with its description in error::tls_alert, not as a version or
// cipher mismatch. The hostile server's alert-N scenario answers the ClientHello with one alert
// record. Also here: cipher_suite(), the negotiated suite, beside version().
#include "tls_fixture.hpp"

#include <catch2/catch.hpp>

#include <string>

using mailwire::cause;
using mailwire::error;
using mailwire::error_kind;
using mailwire::phase;
using mailwire::profiles::submissions;
using tlstest::describe;
using tlstest::hostile;
using tlstest::smtp_server;
using tlstest::tls_client;

TEST_CASE("a fatal alert in answer to the ClientHello is reported as that alert, by number and name",
          "[tls][alert]") {
    struct run {
        int description;
        const char* detail;
    };
    const run runs[] = {
        {80, "the server sent the fatal TLS alert 80 (internal_error)"},
        {40, "the server sent the fatal TLS alert 40 (handshake_failure)"},
        {112, "the server sent the fatal TLS alert 112 (unrecognized_name)"},
        {7, "the server sent the fatal TLS alert 7 (unknown)"},
    };
    for (const run& r : runs) {
        for (bool tls12_only : {false, true}) {
            INFO("alert " << r.description << (tls12_only ? ", TLS 1.2 only" : ""));
            smtp_server server(hostile("alert-" + std::to_string(r.description)));
            REQUIRE(server.ok());
            tls_client<submissions> t(server.port());
            t.c.tls().settings().tls12_only = tls12_only;
            const error e = t.c.open("localhost");
            const std::string detail = t.c.tls().failure_detail();
            INFO(describe(e) << " | " << detail);
            CHECK(e.where == phase::tls);
            CHECK(e.kind == error_kind::tls);
            CHECK(e.why == cause::tls_alert);
            CHECK(e.tls_alert == r.description);
            CHECK(t.c.tls().failure() == cause::tls_alert);
            CHECK(t.c.tls().alert() == r.description);
            CHECK(detail == r.detail);
            // Not the advice for a server that only speaks old TLS: this one answered, and refused.
            const std::string advice = e.advice();
            CHECK(advice.find("old TLS") == std::string::npos);
            CHECK(advice.find("Old TLS") == std::string::npos);
            t.c.close();
            (void)tlstest::received(server);
            const std::string events = tlstest::hostile_events(server);
            CHECK(events.find("TLS-RECORD handshake client_hello") != std::string::npos);
            CHECK(events.find("ALERT-SENT " + std::to_string(r.description)) != std::string::npos);
        }
    }
}

TEST_CASE("alert() is 0 after a handshake that succeeded, and after one that failed otherwise", "[tls][alert]") {
    {
        smtp_server server(hostile("good-implicit"));
        REQUIRE(server.ok());
        tls_client<submissions> t(server.port());
        const error e = t.c.open("localhost");
        INFO(describe(e));
        CHECK(e.ok());
        CHECK(e.tls_alert == 0);
        CHECK(t.c.tls().alert() == 0);
        (void)t.c.quit();
    }
    smtp_server server(hostile("good-implicit", "wrong"));
    REQUIRE(server.ok());
    tls_client<submissions> t(server.port());
    const error e = t.c.open("localhost");
    INFO(describe(e));
    CHECK(e.why == cause::certificate_wrong_host);
    CHECK(e.tls_alert == 0);
    CHECK(t.c.tls().alert() == 0);
}

TEST_CASE("cipher_suite() names the negotiated suite while the session is up, and is empty otherwise",
          "[tls][cipher]") {
    for (bool tls12_only : {false, true}) {
        INFO((tls12_only ? "TLS 1.2 only" : "TLS 1.2 or 1.3"));
        smtp_server server(hostile("good-implicit"));
        REQUIRE(server.ok());
        tls_client<submissions> t(server.port());
        t.c.tls().settings().tls12_only = tls12_only;
        CHECK(std::string(t.c.tls().cipher_suite()).empty());
        const error e = t.c.open("localhost");
        INFO(describe(e));
        REQUIRE(e.ok());
        const std::string suite = t.c.tls().cipher_suite();
        INFO("suite " << suite << ", " << t.c.tls().version());
        CHECK_FALSE(suite.empty());
        CHECK(suite != "unknown");
        // mbedTLS's names: "TLS-ECDHE-ECDSA-WITH-AES-256-GCM-SHA384" (1.2), "TLS1-3-AES-256-GCM-SHA384".
        CHECK(suite.compare(0, 3, "TLS") == 0);
        (void)t.c.quit();
        t.c.close();
        CHECK(std::string(t.c.tls().cipher_suite()).empty());
    }
}
