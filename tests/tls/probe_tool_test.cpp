// SPDX-License-Identifier: BSL-1.0
// mailwire-probe against aiosmtpd with STARTTLS and with implicit TLS (the test PKI's certificate
// for localhost), on 127.0.0.1 only: ok with the TLS version, the preference for implicit TLS,
// tls_expected (a STARTTLS candidate on the implicit-TLS port), certificate, AUTH accepted and
// rejected, the exit statuses, and that neither server ever saw MAIL FROM.
#include "probe_support.hpp"
#include "tls_fixture.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

#if defined(MAILWIRE_PROBE_EXE)

namespace {

using interop::process_result;
using interop::smtp_server;
using probetest::class_on_line;
using probetest::line_starting;
using tlstest::pki;

const char* const password_var = "MAILWIRE_PROBE_TEST_PASSWORD";

/// The probe for "localhost" at 127.0.0.1 (the certificate names localhost), trusting the test CA.
process_result probe(const std::vector<std::string>& more, const std::vector<std::string>& env = {}) {
    std::vector<std::string> args = {"localhost", "--connect-to", "127.0.0.1", "--cafile", pki("ca.pem"), "--timeout", "2"};
    args.insert(args.end(), more.begin(), more.end());
    return probetest::run_probe(args, env);
}

void check_no_transaction(const smtp_server& s) {
    INFO(s.dialogue());
    CHECK_FALSE(s.received_command("MAIL"));
    CHECK_FALSE(s.received_command("RCPT"));
    CHECK_FALSE(s.received_command("DATA"));
    CHECK(s.messages().empty());
}

} // namespace

TEST_CASE("mailwire-probe: STARTTLS and implicit TLS candidates are ok, and implicit TLS is recommended (exit 0)",
          "[tls][probe]") {
    smtp_server starttls(tlstest::aiosmtpd_tls(false));
    smtp_server implicit(tlstest::aiosmtpd_tls(true));
    INFO("servers: " << starttls.problem() << implicit.problem());
    REQUIRE(starttls.ok());
    REQUIRE(implicit.ok());
    const std::string s = std::to_string(starttls.port()), i = std::to_string(implicit.port());
    // STARTTLS listed first: implicit TLS is still preferred (RFC 8314 §3.3).
    const process_result r = probe({"--ports", s + "/starttls," + i + "/implicit"});
    INFO(r.describe());
    REQUIRE(r.exited);
    CHECK(r.status == 0);
    CHECK(class_on_line(r.out, s + "/starttls") == "ok");
    CHECK(class_on_line(r.out, i + "/implicit") == "ok");
    CHECK(line_starting(r.out, "recommended:") == "recommended: --port " + i + " --tls implicit");
    CHECK(line_starting(r.out, s + "/starttls").find("TLSv1.") != std::string::npos);
    check_no_transaction(starttls);
    check_no_transaction(implicit);
}

TEST_CASE("mailwire-probe: --json reports the TLS version, cipher suite field and STARTTLS extensions", "[tls][probe]") {
    smtp_server starttls(tlstest::aiosmtpd_tls(false));
    INFO("server: " << starttls.problem());
    REQUIRE(starttls.ok());
    const std::string s = std::to_string(starttls.port());
    const process_result r = probe({"--json", "--ports", s + "/starttls"});
    INFO(r.describe());
    REQUIRE(r.exited);
    CHECK(r.status == 0);
    CHECK(probetest::python_parses(r.out));
    interop::json j;
    REQUIRE(interop::json::parse(r.out, j));
    REQUIRE(j["candidates"].a.size() == 1);
    const interop::json& c = j["candidates"].a[0];
    CHECK(c["class"].s == "ok");
    CHECK(c["encrypted"].b);
    CHECK(c["tls_version"].s.compare(0, 5, "TLSv1") == 0);
    CHECK(c["cipher_suite"].t == interop::json::type::string); // filled when the TLS policy has cipher_suite()
    CHECK(c["greeting"].s.compare(0, 4, "220 ") == 0);
    CHECK(j["recommended"]["tls"].s == "starttls");
    check_no_transaction(starttls);
}

TEST_CASE("mailwire-probe: a STARTTLS candidate on the implicit-TLS port is tls_expected (or, with a client that "
          "waits out the greeting, no_greeting) (exit 76)",
          "[tls][probe]") {
    smtp_server implicit(tlstest::aiosmtpd_tls(true));
    INFO("server: " << implicit.problem());
    REQUIRE(implicit.ok());
    const std::string i = std::to_string(implicit.port());
    const process_result r = probe({"--ports", i + "/starttls"});
    INFO(r.describe());
    REQUIRE(r.exited);
    CHECK(r.status == 76);
    const std::string cls = class_on_line(r.out, i + "/starttls");
    // A TLS server waits for the ClientHello, so a client that waits for a greeting sees silence:
    // tls_expected once the client recognises the port (cause::greeting_looks_like_tls), no_greeting
    // while it only times out.
    CHECK((cls == "tls_expected" || cls == "no_greeting"));
    CHECK(line_starting(r.out, "recommended:") == "recommended: none");
    check_no_transaction(implicit);
}

TEST_CASE("mailwire-probe: a certificate from an unknown CA is certificate, with its detail (exit 76)", "[tls][probe]") {
    smtp_server implicit(tlstest::aiosmtpd_tls(true));
    INFO("server: " << implicit.problem());
    REQUIRE(implicit.ok());
    const std::string i = std::to_string(implicit.port());
    const process_result r = probetest::run_probe({"localhost", "--connect-to", "127.0.0.1", "--cafile",
                                                   pki("other-ca.pem"), "--timeout", "2", "--ports", i + "/implicit"});
    INFO(r.describe());
    REQUIRE(r.exited);
    CHECK(r.status == 76);
    CHECK(class_on_line(r.out, i + "/implicit") == "certificate");
    CHECK(line_starting(r.out, "recommended:") == "recommended: none");
    CHECK(line_starting(r.out, "advice:").find("certificate") != std::string::npos);
}

TEST_CASE("mailwire-probe: credentials accepted make AUTH ok, refused ones are auth_rejected (exit 77)", "[tls][probe]") {
    smtp_server implicit(tlstest::aiosmtpd_tls(true, "alice:right-password"));
    INFO("server: " << implicit.problem());
    REQUIRE(implicit.ok());
    const std::string i = std::to_string(implicit.port());
    const std::vector<std::string> creds = {"--user", "alice", "--password-env", password_var, "--ports", i + "/implicit"};

    const process_result good = probe(creds, {std::string(password_var) + "=right-password"});
    INFO(good.describe());
    REQUIRE(good.exited);
    CHECK(good.status == 0);
    CHECK(class_on_line(good.out, i + "/implicit") == "ok");
    CHECK(line_starting(good.out, i + "/implicit").find("auth: ok") != std::string::npos);
    CHECK(line_starting(good.out, "recommended:") == "recommended: --port " + i + " --tls implicit");

    const process_result bad = probe(creds, {std::string(password_var) + "=wrong-password"});
    INFO(bad.describe());
    REQUIRE(bad.exited);
    CHECK(bad.status == 77);
    CHECK(class_on_line(bad.out, i + "/implicit") == "auth_rejected");
    CHECK(line_starting(bad.out, "recommended:") == "recommended: none");
    CHECK(line_starting(bad.out, "advice:").find("app password") != std::string::npos);
    CHECK(bad.out.find("wrong-password") == std::string::npos);
    CHECK(bad.err.find("wrong-password") == std::string::npos);
    check_no_transaction(implicit);
}

TEST_CASE("mailwire-probe: the secret from --password-file or --password-command, never shown", "[tls][probe]") {
    smtp_server implicit(tlstest::aiosmtpd_tls(true, "alice:right-password"));
    INFO("server: " << implicit.problem());
    REQUIRE(implicit.ok());
    const std::string i = std::to_string(implicit.port());
    char dir_template[] = "/tmp/mailwire-probe-secret-XXXXXX";
    REQUIRE(::mkdtemp(dir_template) != nullptr);
    const std::string file = std::string(dir_template) + "/secret";
    std::ofstream(file) << "right-password\nsecond line ignored\n";
    for (const std::vector<std::string>& source :
         {std::vector<std::string>{"--password-file", file},
          std::vector<std::string>{"--password-command", "printf 'right-password\\n'"}}) {
        std::vector<std::string> args = {"--user", "alice", "--ports", i + "/implicit"};
        args.insert(args.end(), source.begin(), source.end());
        const process_result r = probe(args);
        INFO(r.describe());
        CHECK(r.status == 0);
        CHECK(line_starting(r.out, i + "/implicit").find("auth: ok") != std::string::npos);
        CHECK(r.out.find("right-password") == std::string::npos);
        CHECK(r.err.find("right-password") == std::string::npos);
    }
    const process_result missing = probe({"--user", "alice", "--ports", i + "/implicit", "--password-file",
                                          std::string(dir_template) + "/none"});
    CHECK(missing.status == 78);
    const process_result both = probe({"--user", "alice", "--ports", i + "/implicit", "--password-file", file,
                                       "--password-command", "true"});
    CHECK(both.status == 64);
    std::remove(file.c_str());
    ::rmdir(dir_template);
    check_no_transaction(implicit);
}

TEST_CASE("mailwire-probe: Postfix smtpd with STARTTLS and in wrapper mode, and STARTTLS tried on the wrapper port",
          "[tls][probe][postfix]") {
    smtp_server starttls(tlstest::postfix(false));
    smtp_server wrapper(tlstest::postfix(true));
    INFO("servers: " << starttls.problem() << wrapper.problem());
    REQUIRE(starttls.ok());
    REQUIRE(wrapper.ok());
    const std::string s = std::to_string(starttls.port()), w = std::to_string(wrapper.port());
    const process_result r = probe({"--ports", s + "/starttls," + w + "/implicit," + w + "/starttls"});
    INFO(r.describe());
    REQUIRE(r.exited);
    CHECK(r.status == 0);
    CHECK(class_on_line(r.out, s + "/starttls") == "ok");
    CHECK(class_on_line(r.out, w + "/implicit") == "ok");
    CHECK(class_on_line(r.out, w + "/starttls") == "tls_expected");
    CHECK(line_starting(r.out, "recommended:") == "recommended: --port " + w + " --tls implicit");
    // Postfix counts every command of a session when it ends ("disconnect from ... ehlo=2
    // starttls=1 quit=1 commands=4"): no session may count a MAIL, RCPT or DATA.
    for (const smtp_server* server : {&starttls, &wrapper}) {
        const std::string log = interop::read_file(server->dir() + "/maillog");
        INFO(log);
        CHECK(log.find(" disconnect from ") != std::string::npos);
        CHECK(log.find(" mail=") == std::string::npos);
        CHECK(log.find(" rcpt=") == std::string::npos);
        CHECK(log.find(" data=") == std::string::npos);
    }
}

#endif // MAILWIRE_PROBE_EXE
