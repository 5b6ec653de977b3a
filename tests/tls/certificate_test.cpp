// SPDX-License-Identifier: BSL-1.0
// Certificate verification with the mbedTLS policy, against the hostile server's well-behaved
// scenarios with certificates from the test PKI (tests/tls/pki.sh): the failure names its reason
// (untrusted issuer, expired, issued for which name), and nothing leaves after it.
#include "tls_fixture.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

using mailwire::cause;
using mailwire::error;
using mailwire::error_kind;
using mailwire::phase;
using mailwire::profiles::submission;
using mailwire::profiles::submissions;
using tlstest::describe;
using tlstest::hostile;
using tlstest::pki;
using tlstest::received;
using tlstest::sent_command;
using tlstest::smtp_server;
using tlstest::tls_client;

namespace {

std::vector<unsigned char> file_bytes(const std::string& path, bool nul_terminate) {
    std::ifstream in(path, std::ios::binary);
    std::vector<unsigned char> out((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (nul_terminate) out.push_back('\0');
    return out;
}

template <class Profile>
error open_with(const char* scenario, const char* cert, std::string& log, const char* host = "localhost",
                std::string* detail = nullptr) {
    smtp_server server(hostile(scenario, cert));
    INFO("server: " << server.problem());
    REQUIRE(server.ok());
    tls_client<Profile> t(server.port());
    const error e = t.c.open(host);
    if (detail) *detail = t.c.tls().failure_detail();
    if (e.ok()) (void)t.c.quit();
    t.c.close();
    log = received(server);
    return e;
}

} // namespace

TEST_CASE("a certificate for another name is refused: the host name is always checked", "[tls][certificate]") {
    // This is the test that fails when mbedtls_ssl_set_hostname is skipped (CVE-2025-27809): the
    // certificate is from the trusted CA and valid, only its name is wrong.
    for (bool implicit : {false, true}) {
        INFO((implicit ? "implicit TLS" : "STARTTLS"));
        std::string log, detail;
        const error e = implicit ? open_with<submissions>("good-implicit", "wrong", log, "localhost", &detail)
                                 : open_with<submission>("good-starttls", "wrong", log, "localhost", &detail);
        INFO(describe(e) << " | " << detail);
        CHECK(e.where == phase::tls);
        CHECK(e.kind == error_kind::tls);
        CHECK(e.why == cause::certificate_wrong_host);
        CHECK(detail.find("mail.other-host.example") != std::string::npos); // the name it was issued for
        CHECK(detail.find("localhost") != std::string::npos);               // the name wanted
        CHECK_FALSE(sent_command(log, "AUTH"));
        CHECK_FALSE(sent_command(log, "MAIL"));
    }
}

TEST_CASE("the same certificate is accepted under its own name", "[tls][certificate]") {
    // The control for the test above: the name decides, nothing else.
    std::string log;
    const error e = open_with<submission>("good-starttls", "good", log, "localhost");
    INFO(describe(e));
    CHECK(e.ok());
}

TEST_CASE("an expired certificate is refused and named as expired", "[tls][certificate]") {
    std::string log;
    const error e = open_with<submission>("good-starttls", "expired", log);
    INFO(describe(e));
    CHECK(e.where == phase::tls);
    CHECK(e.why == cause::certificate_expired);
    CHECK(std::string(e.advice()).find("clock") != std::string::npos);
    CHECK_FALSE(sent_command(log, "MAIL"));
}

TEST_CASE("a self-signed certificate and one from an unknown CA are untrusted", "[tls][certificate]") {
    std::string log;
    const error e = open_with<submissions>("good-implicit", "selfsigned", log);
    INFO(describe(e));
    CHECK(e.where == phase::tls);
    CHECK(e.why == cause::certificate_untrusted);
    CHECK_FALSE(sent_command(log, "EHLO"));
}

TEST_CASE("trust anchors from a buffer, as firmware compiles them in: PEM and DER", "[tls][certificate]") {
    for (bool der : {false, true}) {
        INFO((der ? "DER" : "PEM"));
        const std::vector<unsigned char> ca = file_bytes(pki(der ? "ca.der" : "ca.pem"), !der);
        REQUIRE(ca.size() > 100);
        smtp_server server(hostile("good-implicit"));
        REQUIRE(server.ok());
        tls_client<submissions> t(server.port());
        t.c.tls().settings().ca_file = nullptr;
        t.c.tls().settings().ca_data = ca.data();
        t.c.tls().settings().ca_size = ca.size();
        const error e = t.c.open("localhost");
        INFO(describe(e));
        CHECK(e.ok());
        (void)t.c.quit();
    }
}

namespace {
// A stand-in for ESP-IDF's esp_crt_bundle_attach: installs its own trust on the configuration.
mbedtls_x509_crt g_bundle;
bool g_bundle_ready = false;
std::string g_bundle_file;
int attach_bundle(void* conf) {
    if (g_bundle_ready) mbedtls_x509_crt_free(&g_bundle);
    mbedtls_x509_crt_init(&g_bundle);
    g_bundle_ready = true;
    if (mbedtls_x509_crt_parse_file(&g_bundle, g_bundle_file.c_str()) != 0) return -1;
    mbedtls_ssl_conf_ca_chain(static_cast<mbedtls_ssl_config*>(conf), &g_bundle, nullptr);
    return 0;
}
int attach_fails(void*) { return 0x3001; }
} // namespace

TEST_CASE("attach_trust installs trust as ESP-IDF's certificate bundle does, the host name is still checked",
          "[tls][certificate]") {
    struct run {
        const char* cert;
        std::string bundle;
        int (*hook)(void*);
        bool ok;
        cause why;
    };
    const run runs[] = {
        {"good", pki("ca.pem"), attach_bundle, true, cause::none},
        {"wrong", pki("ca.pem"), attach_bundle, false, cause::certificate_wrong_host},
        // a bundle without the server's CA
        {"good", pki("other-ca.pem"), attach_bundle, false, cause::certificate_untrusted},
        {"good", pki("ca.pem"), attach_fails, false, cause::tls_setup_failed},
    };
    for (const run& r : runs) {
        INFO(r.cert << " with " << r.bundle);
        g_bundle_file = r.bundle;
        std::ifstream probe(r.bundle);
        REQUIRE(probe.good());
        smtp_server server(hostile("good-implicit", r.cert));
        REQUIRE(server.ok());
        tls_client<submissions> t(server.port());
        t.c.tls().settings().ca_file = "/nonexistent/ignored-when-attach_trust-is-set.pem";
        t.c.tls().settings().attach_trust = r.hook;
        const error e = t.c.open("localhost");
        INFO(describe(e) << " | " << t.c.tls().failure_detail());
        CHECK(e.ok() == r.ok);
        if (!r.ok) {
            CHECK(e.where == phase::tls);
            CHECK(e.why == r.why);
        } else {
            (void)t.c.quit();
        }
        t.c.close();
        std::string log = received(server);
        if (!r.ok) CHECK_FALSE(sent_command(log, "EHLO"));
    }
    if (g_bundle_ready) mbedtls_x509_crt_free(&g_bundle);
    g_bundle_ready = false;
}

TEST_CASE("a CA file that holds no certificate is a setup error before anything is sent", "[tls][certificate]") {
    smtp_server server(hostile("good-implicit"));
    REQUIRE(server.ok());
    tls_client<submissions> t(server.port());
    t.c.tls().settings().ca_file = "/nonexistent/ca.pem";
    const error e = t.c.open("localhost");
    INFO(describe(e));
    CHECK(e.where == phase::tls);
    CHECK(e.kind == error_kind::usage);
    CHECK(e.why == cause::tls_setup_failed);
}

TEST_CASE("insecure_skip_verify is the one way past verification", "[tls][certificate]") {
    smtp_server server(hostile("good-implicit", "selfsigned"));
    REQUIRE(server.ok());
    tls_client<submissions> t(server.port());
    t.c.tls().settings().insecure_skip_verify = true;
    const error e = t.c.open("localhost");
    INFO(describe(e));
    CHECK(e.ok());
    CHECK(t.c.encrypted());
    (void)t.c.quit();
}

namespace {
int entropy_calls = 0;
/// A stand-in for a hardware RNG (mbedtls_entropy_add_source's signature).
int counting_entropy(void*, unsigned char* out, std::size_t len, std::size_t* produced) {
    ++entropy_calls;
    std::ifstream urandom("/dev/urandom", std::ios::binary);
    urandom.read(reinterpret_cast<char*>(out), static_cast<std::streamsize>(len));
    *produced = urandom ? len : 0;
    return 0;
}
} // namespace

TEST_CASE("the entropy hook for firmware feeds the random generator", "[tls][entropy]") {
    smtp_server server(hostile("good-implicit"));
    REQUIRE(server.ok());
    tls_client<submissions> t(server.port());
    entropy_calls = 0;
    t.c.tls().settings().entropy_source = &counting_entropy;
    const error e = t.c.open("localhost");
    INFO(describe(e) << " / " << t.c.tls().failure_detail());
#if MBEDTLS_VERSION_MAJOR >= 4
    // mbedTLS 4 takes its entropy from how TF-PSA-Crypto was built: the hook cannot be added, and
    // the configuration fails saying so instead of ignoring it (nothing reaches the server).
    CHECK(e.kind == mailwire::error_kind::usage);
    CHECK(e.why == mailwire::cause::tls_setup_failed);
    CHECK(std::string(t.c.tls().failure_detail()).find("MBEDTLS_PSA_DRIVER_GET_ENTROPY") != std::string::npos);
    CHECK(entropy_calls == 0);
#else
    CHECK(e.ok());
    CHECK(entropy_calls > 0);
    (void)t.c.quit();
#endif
}

TEST_CASE("custom profiles: implicit TLS and STARTTLS on ports of one's own", "[tls][profiles]") {
    // profile<8465, implicit> and profile<588, starttls>: the port comes from the profile type;
    // the test servers' free ports are given as options().port, as a user on 8465 would not.
    using implicit_8465 = mailwire::profile<8465, mailwire::encryption::implicit>;
    using starttls_588 = mailwire::profile<588, mailwire::encryption::starttls>;
    STATIC_REQUIRE(implicit_8465::port == 8465);
    {
        smtp_server server(hostile("good-implicit"));
        REQUIRE(server.ok());
        tls_client<implicit_8465> t(server.port());
        const error e = t.c.open("localhost");
        INFO(describe(e));
        CHECK(e.ok());
        CHECK(t.c.mode() == mailwire::encryption::implicit);
        (void)t.c.quit();
    }
    {
        smtp_server server(hostile("good-starttls"));
        REQUIRE(server.ok());
        tls_client<starttls_588> t(server.port());
        const error e = t.c.open("localhost");
        INFO(describe(e));
        CHECK(e.ok());
        CHECK(t.c.encrypted());
        (void)t.c.quit();
    }
}
