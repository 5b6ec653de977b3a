// SPDX-License-Identifier: BSL-1.0
// mailwire-send --fallback with TLS on loopback (issue 12 item 3): a STARTTLS candidate on the
// implicit-TLS port is the wrong mode, so the next candidate (implicit TLS there) delivers; a
// certificate for another host stops the fallback (it may be an attack), and the plaintext port
// listed after it never sees a connection.
#include "../interop/fixture.hpp"
#include "tls_fixture.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#if defined(MAILWIRE_SEND_EXE)

namespace {

using interop::process_result;
using interop::smtp_server;
using tlstest::pki;

process_result run_send(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {MAILWIRE_SEND_EXE, "--host", "localhost", "--connect-to", "127.0.0.1",
                                     "--cafile", pki("ca.pem"), "--from", "a@example.org", "--timeout", "2"};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.push_back("b@example.org");
    return interop::run_process(argv, "Subject: fallback over TLS\n\nhello\n");
}

} // namespace

TEST_CASE("mailwire-send --fallback: STARTTLS on the implicit-TLS port is the wrong mode, implicit TLS delivers",
          "[tls][fallback]") {
    smtp_server implicit(tlstest::aiosmtpd_tls(true));
    INFO("server: " << implicit.problem());
    REQUIRE(implicit.ok());
    const std::string i = std::to_string(implicit.port());
    const process_result r = run_send({"--fallback=" + i + "/starttls," + i + "/implicit"});
    INFO(r.describe());
    REQUIRE(r.exited);
    CHECK(r.status == 0);
    CHECK(r.err.find("* using " + i + " (implicit TLS): " + i + " expects implicit TLS") != std::string::npos);
    CHECK(implicit.messages().size() == 1);
}

TEST_CASE("mailwire-send --fallback: a certificate failure stops, and says why", "[tls][fallback]") {
    smtp_server wrong(tlstest::hostile("good-implicit", "wrong"));
    smtp_server plain; // would take the message, but protects less and comes after a certificate failure
    INFO("servers: " << wrong.problem() << plain.problem());
    REQUIRE(wrong.ok());
    REQUIRE(plain.ok());
    const std::string w = std::to_string(wrong.port()), p = std::to_string(plain.port());
    const process_result r = run_send({"--fallback=" + w + "/implicit," + p + "/none"});
    INFO(r.describe());
    REQUIRE(r.exited);
    CHECK(r.status == 76);
    CHECK(r.err.find("may be an attack") != std::string::npos);
    CHECK(r.err.find("mail.other-host.example") != std::string::npos); // the names the certificate carries
    CHECK(plain.messages().empty());
    CHECK_FALSE(plain.received_command("EHLO"));
}

#endif
