// SPDX-License-Identifier: BSL-1.0
// TLS against real servers: python3-aiosmtpd with STARTTLS (TLS required before AUTH) and with
// implicit TLS, through the library and through mailwire-send; messages arrive byte-exact.
#include "tls_fixture.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using interop::process_result;
using mailwire::cause;
using mailwire::error;
using mailwire::phase;
using mailwire::profiles::submission;
using mailwire::profiles::submissions;
using tlstest::aiosmtpd_tls;
using tlstest::describe;
using tlstest::pki;
using tlstest::smtp_server;
using tlstest::tls_client;

namespace {

const std::string body_in = "From: a@example.org\r\nTo: b@example.org\r\nSubject: over TLS\r\n\r\n"
                            ".leading dot\r\nline two\r\n.\r\nlast line\r\n";

template <class Profile>
void deliver_through(bool implicit) {
    smtp_server server(aiosmtpd_tls(implicit, "user:pa55word"));
    INFO("server: " << server.problem() << server.server_stderr());
    REQUIRE(server.ok());
    tls_client<Profile> t(server.port(), 10000);
    const error e = t.c.open("localhost");
    INFO(describe(e) << " | " << t.c.tls().failure_detail());
    REQUIRE(e.ok());
    CHECK(t.c.encrypted());
    const error a = t.c.authenticate({"user", "pa55word"});
    INFO(describe(a));
    REQUIRE(a.ok());
    mailwire::recipient r[2] = {{"b@example.org", {}}, {"c@example.org", {}}};
    mailwire::envelope env;
    env.sender = "a@example.org";
    env.recipients = r;
    env.recipient_count = 2;
    const mailwire::send_result s = t.c.send(env, body_in);
    INFO(describe(s.err));
    CHECK(s.ok());
    CHECK(t.c.quit().ok());
    const std::vector<interop::received_message> got = server.messages();
    REQUIRE(got.size() == 1);
    CHECK(got[0].tls);
    CHECK(got[0].authenticated);
    CHECK(got[0].mail_from == "a@example.org");
    CHECK(got[0].rcpt_tos == std::vector<std::string>{"b@example.org", "c@example.org"});
    CHECK(got[0].content == body_in);
}

process_result run_send(const std::vector<std::string>& args, const std::string& input,
                        const std::vector<std::string>& env = {}) {
    std::vector<std::string> argv = {MAILWIRE_SEND_EXE};
    argv.insert(argv.end(), args.begin(), args.end());
    return interop::run_process(argv, input, env);
}

} // namespace

TEST_CASE("library: submission over STARTTLS to aiosmtpd, AUTH only after TLS, byte-exact", "[tls][real][starttls]") {
    deliver_through<submission>(false);
}

TEST_CASE("library: submissions over implicit TLS to aiosmtpd, byte-exact", "[tls][real][implicit]") {
    deliver_through<submissions>(true);
}

TEST_CASE("library: opportunistic relay upgrades when STARTTLS is offered", "[tls][real][starttls]") {
    smtp_server server(aiosmtpd_tls(false));
    REQUIRE(server.ok());
    tls_client<mailwire::profiles::relay> t(server.port(), 10000);
    const error e = t.c.open("localhost");
    INFO(describe(e));
    REQUIRE(e.ok());
    CHECK(t.c.encrypted());
    (void)t.c.quit();
}

#ifdef MAILWIRE_SEND_EXE

TEST_CASE("mailwire-send: the default profile over STARTTLS with --cafile (exit 0)", "[tls][real][send]") {
    smtp_server server(aiosmtpd_tls(false, "user:pa55word"));
    REQUIRE(server.ok());
    const process_result r =
        run_send({"-v", "--host", "localhost", "--port", std::to_string(server.port()), "--cafile", pki("ca.pem"),
                  "--from", "a@example.org", "--user", "user", "--password-env", "MW_TLS_TEST_PW", "b@example.org"},
                 "Subject: x\n\nhello\n", {"MW_TLS_TEST_PW=pa55word"});
    INFO(r.describe());
    CHECK(r.exited);
    CHECK(r.status == 0);
    CHECK(r.err.find("C: STARTTLS") != std::string::npos);
    CHECK(r.err.find("pa55word") == std::string::npos);
    const std::vector<interop::received_message> got = server.messages();
    REQUIRE(got.size() == 1);
    CHECK(got[0].tls);
    CHECK(got[0].content == "Subject: x\r\n\r\nhello\r\n");
}

TEST_CASE("mailwire-send: --profile submissions over implicit TLS (exit 0)", "[tls][real][send]") {
    smtp_server server(aiosmtpd_tls(true));
    REQUIRE(server.ok());
    const process_result r = run_send({"--profile", "submissions", "--host", "localhost", "--port",
                                       std::to_string(server.port()), "--cafile", pki("ca.pem"), "--from",
                                       "a@example.org", "b@example.org"},
                                      "Subject: x\n\nhello\n");
    INFO(r.describe());
    CHECK(r.status == 0);
    REQUIRE(server.messages().size() == 1);
    CHECK(server.messages()[0].tls);
}

TEST_CASE("mailwire-send: --tls implicit on a custom port overrides the profile (exit 0)", "[tls][real][send]") {
    smtp_server server(aiosmtpd_tls(true));
    REQUIRE(server.ok());
    const process_result r = run_send({"--profile", "relay", "--tls", "implicit", "--host", "localhost", "--port",
                                       std::to_string(server.port()), "--cafile", pki("ca.pem"), "--from",
                                       "a@example.org", "b@example.org"},
                                      "Subject: x\n\nhello\n");
    INFO(r.describe());
    CHECK(r.status == 0);
    REQUIRE(server.messages().size() == 1);
}

TEST_CASE("a STARTTLS client on aiosmtpd's implicit-TLS port is told the port expects implicit TLS", "[tls][real][diagnostics]") {
    // The server waits for a ClientHello; after the first-byte wait the client sends one, the
    // server answers, and the error names the mode, not a timeout (a retry would not help).
    smtp_server server(aiosmtpd_tls(true));
    REQUIRE(server.ok());
    tls_client<submission> t(server.port(), 2000);
    const error e = t.c.open("localhost");
    INFO(describe(e));
    CHECK(e.where == phase::greeting);
    CHECK(e.why == cause::greeting_looks_like_tls);
    CHECK(e.kind == mailwire::error_kind::protocol);
    CHECK_FALSE(e.retryable());
    CHECK(std::string(e.advice()).find("implicit TLS") != std::string::npos);
    CHECK(server.messages().empty());
}

TEST_CASE("mailwire-send: --tls starttls (or ssl) against implicit TLS and plaintext is a mismatch, exit 76", "[tls][real][send]") {
    smtp_server server(aiosmtpd_tls(true));
    REQUIRE(server.ok());
    const process_result r = run_send({"--tls", "starttls", "--timeout", "2", "--host", "localhost", "--port",
                                       std::to_string(server.port()), "--cafile", pki("ca.pem"), "--from",
                                       "a@example.org", "b@example.org"},
                                      "Subject: x\n\nhello\n");
    INFO(r.describe());
    CHECK(r.status == 76);
    CHECK(r.err.find("expects implicit TLS") != std::string::npos);
    CHECK(r.err.find("--tls implicit") != std::string::npos);
    CHECK(server.messages().empty());

    SECTION("--tls ssl, the guides' name for implicit TLS, delivers") {
        const process_result ok = run_send({"--tls", "ssl", "--host", "localhost", "--port", std::to_string(server.port()),
                                            "--cafile", pki("ca.pem"), "--from", "a@example.org", "b@example.org"},
                                           "Subject: x\n\nhello\n");
        INFO(ok.describe());
        CHECK(ok.status == 0);
        CHECK(server.messages().size() == 1);
    }
}

TEST_CASE("mailwire-send: without the test CA the certificate is untrusted (exit 76)", "[tls][real][send]") {
    smtp_server server(aiosmtpd_tls(true));
    REQUIRE(server.ok());
    // SSL_CERT_FILE points the system-bundle search at a file without our CA, whatever the machine has.
    const process_result r = run_send({"--profile", "submissions", "--host", "localhost", "--port",
                                       std::to_string(server.port()), "--from", "a@example.org", "b@example.org"},
                                      "Subject: x\n\nhello\n", {"SSL_CERT_FILE=" + pki("other-ca.pem")});
    INFO(r.describe());
    CHECK(r.status == 76);
    CHECK(r.err.find("not trusted") != std::string::npos);
    CHECK(r.err.find("advice:") != std::string::npos);
    CHECK(r.err.find("hint: --cafile") != std::string::npos); // the tool names its own option
    CHECK(server.messages().empty());
}

TEST_CASE("mailwire-send: --insecure gets past an untrusted certificate, with a warning (exit 0)", "[tls][real][send]") {
    smtp_server server(aiosmtpd_tls(true));
    REQUIRE(server.ok());
    const process_result r = run_send({"--profile", "submissions", "--insecure", "--host", "localhost", "--port",
                                       std::to_string(server.port()), "--from", "a@example.org", "b@example.org"},
                                      "Subject: x\n\nhello\n", {"SSL_CERT_FILE=" + pki("other-ca.pem")});
    INFO(r.describe());
    CHECK(r.status == 0);
    CHECK(r.err.find("warning: --insecure") != std::string::npos);
}

TEST_CASE("mailwire-send: a certificate for another name fails and names it (exit 76)", "[tls][real][send]") {
    smtp_server server(tlstest::hostile("good-implicit", "wrong"));
    REQUIRE(server.ok());
    const process_result r = run_send({"--profile", "submissions", "--host", "localhost", "--port",
                                       std::to_string(server.port()), "--cafile", pki("ca.pem"), "--from",
                                       "a@example.org", "b@example.org"},
                                      "Subject: x\n\nhello\n");
    INFO(r.describe());
    CHECK(r.status == 76);
    CHECK(r.err.find("mail.other-host.example") != std::string::npos);
}

TEST_CASE("mailwire-send: plaintext SMTP on the implicit-TLS profile names the fix (exit 76)", "[tls][real][send]") {
    smtp_server server; // aiosmtpd in plaintext
    REQUIRE(server.ok());
    const process_result r = run_send({"--profile", "submissions", "--host", "localhost", "--port",
                                       std::to_string(server.port()), "--cafile", pki("ca.pem"), "--from",
                                       "a@example.org", "b@example.org"},
                                      "Subject: x\n\nhello\n");
    INFO(r.describe());
    CHECK(r.status == 76);
    CHECK(r.err.find("plaintext") != std::string::npos);
    CHECK(r.err.find("STARTTLS") != std::string::npos);
}

TEST_CASE("mailwire-send: an unreadable --cafile is a configuration error (exit 78)", "[tls][real][send]") {
    const process_result r = run_send({"--profile", "submissions", "--host", "localhost", "--port", "1", "--cafile",
                                       "/nonexistent/ca.pem", "--from", "a@example.org", "b@example.org"},
                                      "Subject: x\n\nhello\n");
    INFO(r.describe());
    CHECK(r.status == 78);
}

#endif

#ifdef MAILWIRE_SEND_EXE
TEST_CASE("mailwire-send: --connect-to reaches an address while the certificate is checked for --host",
          "[tls][real][send]") {
    // The server's certificate is only for mail.other-host.example, which does not resolve.
    smtp_server server(tlstest::hostile("good-implicit", "wrong"));
    REQUIRE(server.ok());
    const process_result r = run_send({"--profile", "submissions", "--host", "mail.other-host.example", "--connect-to",
                                       "127.0.0.1", "--port", std::to_string(server.port()), "--cafile",
                                       pki("ca.pem"), "--from", "a@example.org", "b@example.org"},
                                      "Subject: x\n\nhello\n");
    INFO(r.describe());
    CHECK(r.status == 0);
    // And the same address under a name the certificate does not carry is refused.
    smtp_server again(tlstest::hostile("good-implicit", "wrong"));
    REQUIRE(again.ok());
    const process_result refused = run_send({"--profile", "submissions", "--host", "localhost", "--connect-to",
                                             "127.0.0.1", "--port", std::to_string(again.port()), "--cafile",
                                             pki("ca.pem"), "--from", "a@example.org", "b@example.org"},
                                            "Subject: x\n\nhello\n");
    INFO(refused.describe());
    CHECK(refused.status == 76);
}
#endif
