// SPDX-License-Identifier: BSL-1.0
// TLS: mailwire-send --provider against local stand-ins for the providers: aiosmtpd with STARTTLS
// required, a certificate from the test CA for the providers' host names, the provider's greeting,
// its AUTH mechanisms and its error text for rejected credentials, reached with --connect-to
// 127.0.0.1 (so the certificate is still checked for the preset's host: a wrong host in a preset
// fails the handshake). Each checks what the preset fills in (host with its region, AUTH mechanism,
// fixed user names, From from the user name), that the message arrives encrypted, and that a
// rejected AUTH ends with 77 and the provider's own advice, with the secret never shown.
#include "tls_fixture.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>
#include <vector>

#ifdef MAILWIRE_SEND_EXE

namespace {

using interop::process_result;
using interop::server_options;
using interop::smtp_server;
using tlstest::pki;

/// A certificate from the test CA for every host a stand-in plays, made once per test process.
const std::string& providers_dir() {
    static const std::string dir = [] {
        std::string tmpl = "/tmp/mailwire-providers-XXXXXX";
        if (::mkdtemp(&tmpl[0]) == nullptr) return std::string();
        const std::string san =
            "subjectAltName=DNS:smtp.gmail.com,DNS:smtp.office365.com,DNS:email-smtp.eu-west-1.amazonaws.com,"
            "DNS:smtp.sendgrid.net,DNS:smtp.sparkpostmail.com,DNS:smtp.eu.mailgun.org,DNS:smtp.postmarkapp.com,"
            "DNS:smtp.zoho.eu";
        const process_result r = interop::run_process(
            {"/bin/sh", "-c",
             "set -e; cd '" + tmpl + "'; "
             "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out p.key 2>/dev/null; "
             "openssl req -new -key p.key -subj /CN=provider-standins -addext '" + san + "' -out p.csr 2>/dev/null; "
             "openssl x509 -req -in p.csr -CA '" + pki("ca.pem") + "' -CAkey '" + pki("ca.key") +
                 "' -set_serial 4242 -days 30 -sha256 -copy_extensions copy -out p.pem 2>/dev/null"},
            "");
        return r.status == 0 ? tmpl : std::string();
    }();
    return dir;
}

struct standin {
    std::string host;     ///< the greeting's name
    std::string ident;    ///< the rest of the greeting
    std::string auth;     ///< USER:SECRET the server accepts
    std::string fail;     ///< its reply to rejected credentials
    bool xoauth2_only = false;
};

server_options options_for(const standin& p, const std::string& cert = "") {
    server_options o;
    o.auth = p.auth;
    const std::string dir = providers_dir();
    o.extra_args = {"--tls-cert", cert.empty() ? dir + "/p.pem" : pki(cert + ".pem"),
                    "--tls-key",  cert.empty() ? dir + "/p.key" : pki(cert + ".key"),
                    "--hostname", p.host, "--ident", p.ident, "--auth-fail", p.fail};
    if (p.xoauth2_only) {
        o.extra_args.push_back("--xoauth2");
        o.extra_args.push_back("--no-plain-auth");
    }
    return o;
}

process_result send(const smtp_server& server, std::vector<std::string> args, const std::string& secret) {
    std::vector<std::string> argv = {MAILWIRE_SEND_EXE, "--connect-to", "127.0.0.1", "--port",
                                     std::to_string(server.port()), "--cafile", pki("ca.pem"),
                                     "--password-env", "STANDIN_SECRET"};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.push_back("friend@example.org");
    return interop::run_process(argv, "Subject: stand-in\n\nhello\n", {"STANDIN_SECRET=" + secret});
}

struct family {
    const char* provider;     ///< --provider
    standin server;
    std::vector<std::string> args; ///< besides the provider and the secret
    const char* secret;
    const char* expect_login;
    const char* expect_mechanism;
    const char* expect_from;
    const char* title;         ///< the preset's title in "advice (TITLE): ..."
    const char* advice_word;   ///< a word of the provider's advice for a rejected AUTH
};

} // namespace

TEST_CASE("providers: mailwire-send --provider against stand-ins with the providers' names, greetings and errors",
          "[tls][providers]") {
    REQUIRE_FALSE(providers_dir().empty());
    const std::vector<family> families = {
        {"gmail",
         {"smtp.gmail.com", "ESMTP ready", "me@gmail.com:abcd-efgh-ijkl-mnop",
          "535 5.7.8 Username and Password not accepted. For more information, go to "
          "https://support.google.com/mail/?p=BadCredentials"},
         {"--user", "me@gmail.com"}, "abcd-efgh-ijkl-mnop", "me@gmail.com", "PLAIN", "me@gmail.com", "Gmail",
         "app password"},
        {"m365",
         {"smtp.office365.com", "Microsoft ESMTP MAIL Service ready", "me@contoso.com:eyJ0eXAi.token",
          "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant.", true},
         {"--user", "me@contoso.com"}, "eyJ0eXAi.token", "me@contoso.com", "XOAUTH2", "me@contoso.com",
         "Microsoft 365", "5.7.139"},
        {"ses:eu-west-1",
         {"email-smtp.eu-west-1.amazonaws.com", "ESMTP SimpleEmailService", "AKIAEXAMPLE:ses-smtp-password",
          "535 Authentication Credentials Invalid"},
         {"--user", "AKIAEXAMPLE", "--from", "noreply@example.org"}, "ses-smtp-password", "AKIAEXAMPLE", "PLAIN",
         "noreply@example.org", "Amazon SES", "IAM"},
        {"sendgrid",
         {"smtp.sendgrid.net", "ESMTP service ready", "apikey:SG.secret-key",
          "535 Authentication failed: The provided authorization grant is invalid, expired, or revoked"},
         {"--from", "app@example.org"}, "SG.secret-key", "apikey", "PLAIN", "app@example.org", "SendGrid", "apikey"},
        {"sparkpost",
         {"smtp.sparkpostmail.com", "ESMTP", "SMTP_Injection:sp-api-key", "535 5.7.8 Authentication failed"},
         {"--from", "app@example.org"}, "sp-api-key", "SMTP_Injection", "PLAIN", "app@example.org", "SparkPost (US)",
         "Send via SMTP"},
        {"mailgun-eu",
         {"smtp.eu.mailgun.org", "ESMTP ready", "postmaster@mg.example.org:mg-password",
          "535 Authentication failed"},
         {"--user", "postmaster@mg.example.org", "--from", "news@mg.example.org"}, "mg-password",
         "postmaster@mg.example.org", "PLAIN", "news@mg.example.org", "Mailgun (EU)", "region"},
        {"postmark",
         {"smtp.postmarkapp.com", "ESMTP", "srv-token-1234:srv-token-1234", "535 5.7.0 Invalid login or password"},
         {"--user", "srv-token-1234", "--from", "app@example.org"}, "srv-token-1234", "srv-token-1234", "PLAIN",
         "app@example.org", "Postmark", "Server API token"},
        {"zoho:eu",
         {"smtp.zoho.eu", "mx.zohomail.eu SMTP Server ready", "me@example.eu:app-specific",
          "535 Authentication Failed"},
         {"--user", "me@example.eu"}, "app-specific", "me@example.eu", "PLAIN", "me@example.eu", "Zoho Mail",
         "application-specific"},
    };
    for (const family& f : families) {
        INFO("provider " << f.provider);
        smtp_server server(options_for(f.server));
        INFO("server: " << server.problem());
        REQUIRE(server.ok());
        std::vector<std::string> args = {"--provider", f.provider};
        args.insert(args.end(), f.args.begin(), f.args.end());

        const process_result ok = send(server, args, f.secret);
        INFO(ok.describe());
        CHECK(ok.status == 0);
        const auto got = server.messages();
        REQUIRE(got.size() == 1);
        CHECK(got[0].mail_from == f.expect_from);
        CHECK(got[0].auth_login == f.expect_login);
        CHECK(got[0].auth_mechanism == f.expect_mechanism);
        CHECK(got[0].tls);

        const std::string wrong = std::string(f.secret) + "-wrong";
        const process_result refused = send(server, args, wrong);
        INFO(refused.describe());
        CHECK(refused.status == 77);
        CHECK(refused.err.find("advice (" + std::string(f.title) + "): ") != std::string::npos);
        CHECK(refused.err.find(f.advice_word) != std::string::npos);
        for (const std::string& secret : {std::string(f.secret), wrong}) {
            CHECK(refused.err.find(secret) == std::string::npos);
            CHECK(refused.out.find(secret) == std::string::npos);
        }
        CHECK(server.messages().size() == 1);
    }
}

TEST_CASE("providers: a stand-in whose certificate is for another host is refused (76), nothing sent",
          "[tls][providers]") {
    const standin gmail{"smtp.gmail.com", "ESMTP ready", "me@gmail.com:pw", "535 5.7.8 Username and Password not accepted"};
    smtp_server server(options_for(gmail, "wrong")); // a valid certificate, for mail.other-host.example
    INFO("server: " << server.problem());
    REQUIRE(server.ok());
    const process_result r = send(server, {"--provider", "gmail", "--user", "me@gmail.com"}, "pw");
    INFO(r.describe());
    CHECK(r.status == 76);
    CHECK(r.err.find("certificate") != std::string::npos);
    CHECK(r.err.find("AUTH") == std::string::npos);
    CHECK(server.messages().empty());
}

TEST_CASE("providers: --provider ses needs a region, and an unknown name lists the known ones (64)",
          "[tls][providers]") {
    const process_result ses = interop::run_process({MAILWIRE_SEND_EXE, "--provider", "ses", "--from", "a@example.org",
                                                     "b@example.org"},
                                                    "Subject: x\n\ny\n");
    CHECK(ses.status == 64);
    CHECK(ses.err.find("ses:eu-west-1") != std::string::npos);
    const process_result unknown = interop::run_process(
        {MAILWIRE_SEND_EXE, "--provider", "gmial", "--from", "a@example.org", "b@example.org"}, "Subject: x\n\ny\n");
    CHECK(unknown.status == 64);
    CHECK(unknown.err.find("gmail") != std::string::npos);
}

#endif // MAILWIRE_SEND_EXE
