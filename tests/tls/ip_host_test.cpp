// SPDX-License-Identifier: BSL-1.0
// IP address hosts with the mbedTLS policy: the address parser (RFC 4291 §2.2 text forms, dotted
// quads), and real handshakes with the hostile server on 127.0.0.1 and ::1 using the test PKI's
// ip, other-ip and dns-only certificates (tests/tls/pki.sh). An IP host is sent without SNI
// (RFC 6066 §3) and matched only against iPAddress entries (RFC 5280 §4.2.1.6, RFC 6125 §1.7.2);
// a host name keeps SNI and the DNS check. The server reports the SNI it saw in events.log.
#include "tls_fixture.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <string>

using mailwire::cause;
using mailwire::error;
using mailwire::error_kind;
using mailwire::phase;
using mailwire::profiles::submissions;
using tlstest::describe;
using tlstest::hostile;
using tlstest::pki;
using tlstest::smtp_server;
using tlstest::tls_client;
namespace ip = mailwire::detail::ip;

namespace {

using octets = std::array<std::uint8_t, 16>;

/// The octets parse_host finds in `text`, and how many (0: not an address).
std::pair<octets, int> parsed(const char* text) {
    const ip::address a = ip::parse_host(text);
    octets o{};
    for (int i = 0; i < 16; ++i) o[static_cast<std::size_t>(i)] = a.octets[i];
    return {o, a.size};
}

octets v6(std::initializer_list<std::uint16_t> groups) {
    octets o{};
    std::size_t i = 0;
    for (std::uint16_t g : groups) {
        o[i++] = static_cast<std::uint8_t>(g >> 8);
        o[i++] = static_cast<std::uint8_t>(g & 0xFF);
    }
    return o;
}

std::string formatted(const char* text) {
    const ip::address a = ip::parse_host(text);
    char out[40];
    ip::format(a.octets, a.size, out);
    return out;
}

// Usable in constant expressions, as firmware may want for a fixed server address.
static_assert(ip::parse_host("127.0.0.1").size == 4);
static_assert(ip::parse_host("::1").size == 16);
static_assert(ip::parse_host("mail.example.org").size == 0);

struct attempt {
    bool skipped = false; ///< the server could not listen on the address (no ::1 here)
    error e;
    std::string detail;
    std::string cipher;
    std::string events; ///< the server's events.log
};

/// One implicit-TLS connection to the hostile server listening on `listen` with pki/<cert>.pem,
/// the client naming the server `host`.
attempt connect(const char* listen, const char* host, const char* cert,
                void (*adjust)(mailwire::mbedtls_tls&) = nullptr) {
    attempt a;
    tlstest::server_options o = hostile("good-implicit", cert);
    o.host = listen;
    smtp_server server(o);
    if (server.bind_failed()) {
        a.skipped = true;
        a.detail = server.problem();
        return a;
    }
    INFO("server: " << server.problem());
    REQUIRE(server.ok());
    tls_client<submissions> t(server.port());
    if (adjust) adjust(t.c.tls());
    a.e = t.c.open(host);
    a.detail = t.c.tls().failure_detail();
    a.cipher = t.c.tls().cipher_suite();
    if (a.e.ok()) (void)t.c.quit();
    t.c.close();
    (void)tlstest::received(server); // waits until the server has finished its logs
    a.events = tlstest::hostile_events(server);
    return a;
}

bool has_line(const std::string& log, const std::string& line) {
    return ("\n" + log).find("\n" + line + "\n") != std::string::npos;
}

} // namespace

TEST_CASE("dotted quads parse to four octets, and nothing else passes for one", "[tls][ip][unit]") {
    CHECK(parsed("127.0.0.1") == std::pair<octets, int>(octets{127, 0, 0, 1}, 4));
    CHECK(parsed("0.0.0.0").second == 4);
    CHECK(parsed("255.255.255.255") == std::pair<octets, int>(octets{255, 255, 255, 255}, 4));
    for (const char* not_ipv4 : {"256.0.0.1", "1.2.3", "1.2.3.4.5", "1..2.3", "1.2.3.4.", ".1.2.3.4", "01.2.3.4",
                                 "1.2.3.04", "1.2.3.1000", "1.2.3.a", "1.2.3.4 ", "", "localhost", "1e1.2.3.4"}) {
        INFO(not_ipv4);
        CHECK(parsed(not_ipv4).second == 0);
    }
}

TEST_CASE("IPv6 text forms of RFC 4291 parse to sixteen octets: full, with ::, and with an embedded IPv4",
          "[tls][ip][unit]") {
    CHECK(parsed("::1") == std::pair<octets, int>(v6({0, 0, 0, 0, 0, 0, 0, 1}), 16));
    CHECK(parsed("::") == std::pair<octets, int>(octets{}, 16));
    CHECK(parsed("[::1]") == std::pair<octets, int>(v6({0, 0, 0, 0, 0, 0, 0, 1}), 16));
    CHECK(parsed("2001:DB8:0:0:8:800:200C:417A") ==
          std::pair<octets, int>(v6({0x2001, 0xdb8, 0, 0, 8, 0x800, 0x200c, 0x417a}), 16));
    CHECK(parsed("2001:db8::8:800:200c:417a").first == v6({0x2001, 0xdb8, 0, 0, 8, 0x800, 0x200c, 0x417a}));
    CHECK(parsed("ff01::101").first == v6({0xff01, 0, 0, 0, 0, 0, 0, 0x101}));
    CHECK(parsed("fe80::").first == v6({0xfe80, 0, 0, 0, 0, 0, 0, 0}));
    CHECK(parsed("1:2:3:4:5:6:7::").first == v6({1, 2, 3, 4, 5, 6, 7, 0}));   // :: for one group
    CHECK(parsed("::2:3:4:5:6:7:8").first == v6({0, 2, 3, 4, 5, 6, 7, 8}));
    CHECK(parsed("::ffff:127.0.0.1").first == v6({0, 0, 0, 0, 0, 0xffff, 0x7f00, 1}));
    CHECK(parsed("::13.1.68.3").first == v6({0, 0, 0, 0, 0, 0, 0x0d01, 0x4403}));
    CHECK(parsed("0:0:0:0:0:FFFF:129.144.52.38").first == v6({0, 0, 0, 0, 0, 0xffff, 0x8190, 0x3426}));
    CHECK(parsed("1:2:3:4:5:6:1.2.3.4").second == 16);
    for (const char* not_ipv6 :
         {":", ":::", "1:::2", "1::2::3", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8",
          "12345::", "1:2:3:4:5:6:7:", ":1:2:3:4:5:6:7:8", "g::1", "::1.2.3", "::1.2.3.4:5", "1:2:3:4:5:6:7:1.2.3.4",
          "::256.0.0.1", "fe80::1%eth0", "[::1", "::1]", "[]", "[127.0.0.1]", "[localhost]"}) {
        INFO(not_ipv6);
        CHECK(parsed(not_ipv6).second == 0);
    }
}

TEST_CASE("addresses are written back in RFC 5952's canonical form", "[tls][ip][unit]") {
    CHECK(formatted("127.0.0.1") == "127.0.0.1");
    CHECK(formatted("0:0:0:0:0:0:0:1") == "::1");
    CHECK(formatted("::") == "::");
    CHECK(formatted("2001:0DB8:0000:0000:0008:0800:200C:417A") == "2001:db8::8:800:200c:417a");
    CHECK(formatted("2001:db8:0:1:1:1:1:1") == "2001:db8:0:1:1:1:1:1"); // one zero group stays
    CHECK(formatted("2001:0:0:1:0:0:0:1") == "2001:0:0:1::1");           // the longest run
    CHECK(formatted("2001:db8:0:0:1:0:0:1") == "2001:db8::1:0:0:1");     // the first of equal runs
    CHECK(formatted("1:0:0:0:0:0:0:0") == "1::");
    char out[40];
    const std::uint8_t three[3] = {1, 2, 3};
    CHECK(ip::format(three, 3, out) == 0);
    CHECK(std::string(out).empty());
}

TEST_CASE("127.0.0.1 is accepted against a certificate for that address, and no SNI is sent", "[tls][ip]") {
    const attempt a = connect("127.0.0.1", "127.0.0.1", "ip");
    INFO(describe(a.e) << " | " << a.detail << "\n" << a.events);
    CHECK(a.e.ok());
    CHECK(has_line(a.events, "SNI -"));
    CHECK(a.events.find("SNI 127") == std::string::npos);
    CHECK_FALSE(a.cipher.empty());
}

TEST_CASE("::1, also written [::1], is accepted against a certificate for that address, and no SNI is sent",
          "[tls][ip][ipv6]") {
    for (const char* host : {"::1", "[::1]"}) {
        INFO(host);
        const attempt a = connect("::1", host, "ip");
        if (a.skipped) {
            WARN("skipped: this machine cannot listen on ::1 (" << a.detail << ")");
            return;
        }
        INFO(describe(a.e) << " | " << a.detail << "\n" << a.events);
        CHECK(a.e.ok());
        CHECK(has_line(a.events, "SNI -"));
        CHECK_FALSE(a.cipher.empty());
    }
}

TEST_CASE("a certificate with only DNS names is refused for an IP host, even one whose CN is the address",
          "[tls][ip]") {
    const attempt a = connect("127.0.0.1", "127.0.0.1", "dns-only");
    INFO(describe(a.e) << " | " << a.detail);
    CHECK(a.e.where == phase::tls);
    CHECK(a.e.kind == error_kind::tls);
    CHECK(a.e.why == cause::certificate_wrong_host);
    CHECK(a.detail.find("no iPAddress entry of the certificate is the address") != std::string::npos);
    CHECK(a.detail.find("Common Name") == std::string::npos); // mbedTLS's text, about names
    CHECK(a.detail.find("no IP address") != std::string::npos); // what the certificate carries
    CHECK(a.detail.find("localhost") != std::string::npos);
    CHECK(a.detail.find("wanted: 127.0.0.1") != std::string::npos);
    CHECK(has_line(a.events, "SNI -"));
    CHECK_FALSE(tlstest::sent_command(a.events, "CMD EHLO"));
}

TEST_CASE("a certificate for other addresses is refused for 127.0.0.1 and ::1, naming them", "[tls][ip]") {
    {
        const attempt a = connect("127.0.0.1", "127.0.0.1", "other-ip");
        INFO(describe(a.e) << " | " << a.detail);
        CHECK(a.e.why == cause::certificate_wrong_host);
        CHECK(a.detail.find("IP:127.0.0.2, IP:::2") != std::string::npos);
        CHECK(a.detail.find("wanted: 127.0.0.1") != std::string::npos);
    }
    const attempt a = connect("::1", "::1", "other-ip");
    if (a.skipped) {
        WARN("skipped: this machine cannot listen on ::1 (" << a.detail << ")");
        return;
    }
    INFO(describe(a.e) << " | " << a.detail);
    CHECK(a.e.why == cause::certificate_wrong_host);
    CHECK(a.detail.find("IP:::2") != std::string::npos);
    CHECK(a.detail.find("wanted: ::1") != std::string::npos);
}

TEST_CASE("a host name is still sent as SNI and matched against DNS names only, never iPAddress entries",
          "[tls][ip]") {
    {
        const attempt a = connect("127.0.0.1", "localhost", "good");
        INFO(describe(a.e) << " | " << a.detail << "\n" << a.events);
        CHECK(a.e.ok());
        CHECK(has_line(a.events, "SNI localhost"));
    }
    // ip.pem holds 127.0.0.1 and ::1, which is where "localhost" leads, but no name.
    const attempt a = connect("127.0.0.1", "localhost", "ip");
    INFO(describe(a.e) << " | " << a.detail << "\n" << a.events);
    CHECK(a.e.why == cause::certificate_wrong_host);
    CHECK(has_line(a.events, "SNI localhost"));
}

TEST_CASE("a host name with a trailing dot is sent as SNI and checked without it", "[tls][ip]") {
    // "localhost." as an MX record or a configuration writes it (issue 18): RFC 6066 §3 (SNI has no
    // trailing dot), RFC 6125 §6.2.1 (names compared without it). The name does not resolve with
    // the dot here, so the connection goes to 127.0.0.1 (options().connect_to).
    for (const char* cert : {"good", "wrong"}) {
        INFO("certificate " << cert);
        tlstest::server_options o = hostile("good-implicit", cert);
        smtp_server server(o);
        REQUIRE(server.ok());
        tls_client<submissions> t(server.port());
        t.c.options().connect_to = "127.0.0.1";
        const error e = t.c.open("localhost.");
        const std::string detail = t.c.tls().failure_detail();
        if (e.ok()) (void)t.c.quit();
        t.c.close();
        (void)tlstest::received(server);
        const std::string events = tlstest::hostile_events(server);
        INFO(describe(e) << " | " << detail << "\n" << events);
        CHECK(has_line(events, "SNI localhost"));
        if (std::string(cert) == "good") {
            CHECK(e.ok());
        } else {
            CHECK(e.why == cause::certificate_wrong_host);
            CHECK(detail.find("wanted: localhost;") == std::string::npos); // no "localhost." either
            CHECK(detail.find("wanted: localhost.") == std::string::npos);
            CHECK(detail.find("wanted: localhost") != std::string::npos);
        }
    }
}

namespace {
mbedtls_x509_crt g_anchors;
int g_hook_calls = 0;
int counting_verify(void*, mbedtls_x509_crt*, int, std::uint32_t*) {
    ++g_hook_calls;
    return 0;
}
/// As ESP-IDF's esp_crt_bundle_attach: trust anchors and a verify callback of its own.
int attach_with_callback(void* conf) {
    mbedtls_x509_crt_free(&g_anchors);
    mbedtls_x509_crt_init(&g_anchors);
    if (mbedtls_x509_crt_parse_file(&g_anchors, pki("ca.pem").c_str()) != 0) return -1;
    auto* c = static_cast<mbedtls_ssl_config*>(conf);
    mbedtls_ssl_conf_ca_chain(c, &g_anchors, nullptr);
    mbedtls_ssl_conf_verify(c, &counting_verify, nullptr);
    return 0;
}
void use_attach(mailwire::mbedtls_tls& tls) {
    tls.settings().ca_file = nullptr;
    tls.settings().attach_trust = &attach_with_callback;
}
} // namespace

TEST_CASE("with attach_trust's own verify callback installed, that callback still runs and the IP address is still checked", "[tls][ip]") {
    mbedtls_x509_crt_init(&g_anchors);
    for (const char* cert : {"ip", "dns-only"}) {
        INFO(cert);
        g_hook_calls = 0;
        const attempt a = connect("127.0.0.1", "127.0.0.1", cert, &use_attach);
        INFO(describe(a.e) << " | " << a.detail);
        CHECK(g_hook_calls >= 2); // each certificate of the chain: the server's and the CA
        if (std::string(cert) == "ip") CHECK(a.e.ok());
        else CHECK(a.e.why == cause::certificate_wrong_host);
    }
    mbedtls_x509_crt_free(&g_anchors);
}

TEST_CASE("insecure_skip_verify skips the IP address check too, and still sends no SNI", "[tls][ip]") {
    const attempt a = connect("127.0.0.1", "127.0.0.1", "dns-only", [](mailwire::mbedtls_tls& tls) {
        tls.settings().insecure_skip_verify = true;
    });
    INFO(describe(a.e) << " | " << a.detail);
    CHECK(a.e.ok());
    CHECK(has_line(a.events, "SNI -"));
}
