// SPDX-License-Identifier: BSL-1.0
// Interop: mailwire-probe against the plaintext aiosmtpd fixture, a port nothing listens on and a
// listener that never speaks, all on 127.0.0.1: the classes ok, refused, no_greeting and
// plaintext_spoken, the recommendation line, the exit statuses, the JSON object, and that the
// server never saw MAIL FROM. (STARTTLS and implicit TLS: tests/tls/probe_tool_test.cpp.) No
// timing is asserted; --timeout 2 only keeps the silent cases short.
#include "probe_support.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#if defined(MAILWIRE_PROBE_EXE)

namespace {

using interop::process_result;
using interop::smtp_server;
using probetest::class_on_line;
using probetest::line_starting;
using probetest::run_probe;

bool contains(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

/// The server saw no MAIL (nor RCPT, nor DATA) and stored no message.
void check_no_transaction(const smtp_server& s) {
    INFO(s.dialogue());
    CHECK_FALSE(s.received_command("MAIL"));
    CHECK_FALSE(s.received_command("RCPT"));
    CHECK_FALSE(s.received_command("DATA"));
    CHECK(s.messages().empty());
}

} // namespace

TEST_CASE("mailwire-probe: a plaintext server listed as PORT/none is ok and recommended, and sees no MAIL (exit 0)",
          "[interop][probe]") {
    smtp_server server;
    INFO("server: " << server.problem());
    REQUIRE(server.ok());
    const std::string p = std::to_string(server.port());
    const process_result r = run_probe({"127.0.0.1", "--ports", p + "/none", "--timeout", "2"});
    INFO(r.describe());
    REQUIRE(r.exited);
    CHECK(r.status == 0);
    CHECK(class_on_line(r.out, p + "/none") == "ok");
    CHECK(line_starting(r.out, "recommended:") == "recommended: --port " + p + " --tls none");
    CHECK(server.received_command("EHLO"));
    CHECK(server.received_command("QUIT"));
    check_no_transaction(server);
}

TEST_CASE("mailwire-probe: a port nothing listens on is refused (exit 69, recommended: none, advice)", "[interop][probe]") {
    const std::uint16_t port = interop::unused_port();
    REQUIRE(port != 0);
    const std::string p = std::to_string(port);
    const process_result r = run_probe({"127.0.0.1", "--ports", p + "/starttls", "--timeout", "2"});
    INFO(r.describe());
    REQUIRE(r.exited);
    CHECK(r.status == 69);
    CHECK(class_on_line(r.out, p + "/starttls") == "refused");
    CHECK(line_starting(r.out, "recommended:") == "recommended: none");
    CHECK(contains(line_starting(r.out, "advice:"), "no mail server"));
}

TEST_CASE("mailwire-probe: a listener that accepts and never speaks is no_greeting (exit 76)", "[interop][probe]") {
    probetest::silent_listener silent;
    REQUIRE(silent.port() != 0);
    const std::string p = std::to_string(silent.port());
    const process_result r = run_probe({"127.0.0.1", "--ports", p + "/starttls", "--timeout", "2"});
    INFO(r.describe());
    REQUIRE(r.exited);
    CHECK(r.status == 76);
    CHECK(class_on_line(r.out, p + "/starttls") == "no_greeting");
    CHECK(line_starting(r.out, "recommended:") == "recommended: none");
    CHECK(contains(line_starting(r.out, "advice:"), "proxy"));
}

TEST_CASE("mailwire-probe: a port whose listener drops the SYN is connect_timeout (exit 75, firewall advice)",
          "[interop][probe]") {
    probetest::syn_dropper dropper;
    REQUIRE(dropper.port() != 0);
    const std::string p = std::to_string(dropper.port());
    const process_result r = run_probe({"127.0.0.1", "--ports", p + "/starttls", "--timeout", "1"});
    INFO(r.describe());
    REQUIRE(r.exited);
    CHECK(r.status == 75);
    CHECK(class_on_line(r.out, p + "/starttls") == "connect_timeout");
    CHECK(line_starting(r.out, "recommended:") == "recommended: none");
    CHECK(contains(line_starting(r.out, "advice:"), "firewall"));
}

TEST_CASE("mailwire-probe: implicit TLS against the plaintext server is plaintext_spoken (exit 76)", "[interop][probe]") {
    smtp_server server;
    INFO("server: " << server.problem());
    REQUIRE(server.ok());
    const std::string p = std::to_string(server.port());
    for (const char* mode : {"implicit", "ssl", "smtps", "tls"}) {
        const process_result r = run_probe({"127.0.0.1", "--ports", p + "/" + mode, "--timeout", "2"});
        INFO(mode << "\n" << r.describe());
        REQUIRE(r.exited);
        CHECK(r.status == 76);
        CHECK(class_on_line(r.out, p + "/implicit") == "plaintext_spoken");
        CHECK(line_starting(r.out, "recommended:") == "recommended: none");
    }
    check_no_transaction(server);
}

TEST_CASE("mailwire-probe: an opportunistic session that stayed plaintext is ok but never recommended (exit 69)",
          "[interop][probe]") {
    smtp_server server;
    INFO("server: " << server.problem());
    REQUIRE(server.ok());
    const std::string p = std::to_string(server.port());
    const process_result r = run_probe({"127.0.0.1", "--ports", p + "/opportunistic", "--timeout", "2"});
    INFO(r.describe());
    REQUIRE(r.exited);
    CHECK(r.status == 69);
    CHECK(class_on_line(r.out, p + "/opportunistic") == "ok");
    CHECK(line_starting(r.out, "recommended:") == "recommended: none");
    CHECK(contains(line_starting(r.out, "advice:"), "without encryption"));
    check_no_transaction(server);
}

TEST_CASE("mailwire-probe: --json prints one valid object with every candidate, the recommendation and the errors",
          "[interop][probe]") {
    smtp_server server;
    INFO("server: " << server.problem());
    REQUIRE(server.ok());
    probetest::silent_listener silent;
    REQUIRE(silent.port() != 0);
    const std::uint16_t closed = interop::unused_port();
    REQUIRE(closed != 0);
    const std::string p = std::to_string(server.port());
    const process_result r =
        run_probe({"127.0.0.1", "--json", "--timeout", "2", "--ports",
                   p + "/none," + p + "/implicit," + p + "/starttls," + std::to_string(silent.port()) + "/starttls," +
                       std::to_string(closed) + "/starttls"});
    INFO(r.describe());
    REQUIRE(r.exited);
    CHECK(r.status == 0);
    CHECK(probetest::python_parses(r.out));
    interop::json j;
    REQUIRE(interop::json::parse(r.out, j));
    CHECK(j["host"].s == "127.0.0.1");
    const std::vector<interop::json>& c = j["candidates"].a;
    REQUIRE(c.size() == 5);
    const char* classes[] = {"ok", "plaintext_spoken", "starttls_not_offered", "no_greeting", "refused"};
    for (std::size_t i = 0; i < 5; ++i) {
        INFO("candidate " << i);
        CHECK(c[i]["class"].s == classes[i]);
        CHECK(c[i]["error"].is_null() == (i == 0));
        CHECK(c[i]["auth"].s == "not_tried");
    }
    CHECK(c[0]["port"].n == server.port());
    CHECK(c[0]["mode"].s == "none");
    CHECK(c[0]["greeting"].s.compare(0, 4, "220 ") == 0);
    CHECK(c[0]["encrypted"].t == interop::json::type::boolean);
    CHECK_FALSE(c[0]["encrypted"].b);
    CHECK(c[0]["tls_version"].s.empty());
    REQUIRE(c[0]["extensions"].t == interop::json::type::object);
    CHECK(c[0]["extensions"]["size"].n == 33554432);
    CHECK(c[0]["extensions"]["8bitmime"].b);
    CHECK_FALSE(c[0]["extensions"]["starttls"].b);
    CHECK(c[0]["extensions"]["auth"].t == interop::json::type::array);
    CHECK(c[1]["extensions"].is_null()); // never got to EHLO
    CHECK(c[1]["error"]["phase"].s == "tls");
    CHECK(c[1]["error"]["cause"].s == "tls_plaintext_server");
    CHECK_FALSE(c[1]["error"]["advice"].s.empty());
    CHECK(c[2]["error"]["cause"].s == "starttls_not_offered");
    CHECK(c[4]["error"]["cause"].s == "connection_refused");
    CHECK(j["recommended"]["port"].n == server.port());
    CHECK(j["recommended"]["tls"].s == "none");
    CHECK(j["advice"].is_null());
    check_no_transaction(server);
}

TEST_CASE("mailwire-probe: --json when nothing works has recommended null and the advice", "[interop][probe]") {
    const std::uint16_t closed = interop::unused_port();
    REQUIRE(closed != 0);
    const process_result r =
        run_probe({"127.0.0.1", "--json", "--timeout", "2", "--ports", std::to_string(closed) + "/implicit"});
    INFO(r.describe());
    REQUIRE(r.exited);
    CHECK(r.status == 69);
    CHECK(probetest::python_parses(r.out));
    interop::json j;
    REQUIRE(interop::json::parse(r.out, j));
    CHECK(j["recommended"].is_null());
    CHECK(j["advice"].t == interop::json::type::string);
    CHECK_FALSE(j["advice"].s.empty());
}

TEST_CASE("mailwire-probe: usage errors end with 64, a missing password variable with 78", "[interop][probe]") {
    CHECK(run_probe({}).status == 64);
    CHECK(run_probe({"127.0.0.1", "--ports", "0"}).status == 64);
    CHECK(run_probe({"127.0.0.1", "--ports", "587/quantum"}).status == 64);
    CHECK(run_probe({"127.0.0.1", "--timeout", "0"}).status == 64);
    CHECK(run_probe({"127.0.0.1", "--user", "alice"}).status == 64);
    CHECK(run_probe({"127.0.0.1", "--user", "alice", "--password-env", "MAILWIRE_PROBE_TEST_UNSET"},
                    {"MAILWIRE_PROBE_TEST_UNSET"})
              .status == 78);
    const process_result help = run_probe({"--help"});
    CHECK(help.status == 0);
    CHECK(contains(help.out, "recommended:"));
    CHECK(contains(help.out, "Exit status"));
}

#endif // MAILWIRE_PROBE_EXE
