// SPDX-License-Identifier: BSL-1.0
// mailwire TLS tests: the fixture. Servers are the interop fixture's (a Python script on a free
// loopback port, READY <port>, ended when this process closes its standard input): aiosmtpd with
// STARTTLS or implicit TLS, the hostile scripted server, Postfix. The test PKI is made by the
// ctest fixture tls.pki (tests/tls/pki.sh) in MAILWIRE_TEST_PKI_DIR.
#ifndef MAILWIRE_TESTS_TLS_FIXTURE_HPP
#define MAILWIRE_TESTS_TLS_FIXTURE_HPP

#include "fixture.hpp"

#include <mailwire/mbedtls_tls.hpp>

#include <chrono>
#include <string>
#include <thread>

#ifndef MAILWIRE_TEST_PKI_DIR
#error "MAILWIRE_TEST_PKI_DIR must name the directory tests/tls/pki.sh fills"
#endif

namespace tlstest {

using interop::server_options;
using interop::smtp_server;

inline std::string pki(const std::string& file) { return std::string(MAILWIRE_TEST_PKI_DIR) + "/" + file; }

/// A path that outlives the client that points at it (tls_settings keeps a const char*).
inline const char* ca_file() {
    static const std::string path = pki("ca.pem");
    return path.c_str();
}

/// tests/tls/hostile_server.py playing `scenario` with the certificate pki/<cert>.pem.
inline server_options hostile(const std::string& scenario, const std::string& cert = "good") {
    server_options o;
    o.script = "tests/tls/hostile_server.py";
    o.extra_args = {"--scenario", scenario, "--cert", pki(cert + ".pem"), "--key", pki(cert + ".key")};
    return o;
}

/// aiosmtpd with STARTTLS (required before anything but EHLO/NOOP/QUIT) or implicit TLS.
inline server_options aiosmtpd_tls(bool implicit, const std::string& auth = std::string(),
                                   const std::string& cert = "good") {
    server_options o;
    o.auth = auth;
    o.extra_args = {"--tls-cert", pki(cert + ".pem"), "--tls-key", pki(cert + ".key")};
    if (implicit) o.extra_args.push_back("--implicit-tls");
    return o;
}

/// Postfix's smtpd (tests/tls/postfix_server.py): STARTTLS required, or wrapper mode (implicit
/// TLS); messages reach the fixture's outdir through aiosmtpd as smtpd_proxy_filter.
inline server_options postfix(bool wrapper, bool eightbitmime = true) {
    server_options o;
    o.script = "tests/tls/postfix_server.py";
    o.extra_args = {"--pki", std::string(MAILWIRE_TEST_PKI_DIR), "--mode", wrapper ? "wrapper" : "starttls"};
    if (!eightbitmime) o.extra_args.push_back("--no-8bitmime");
    return o;
}

/// tests/tls/renegotiating_server.py: openssl s_server (implicit TLS 1.2) asking for a new
/// handshake (HelloRequest) when the client's EHLO arrives.
inline server_options renegotiating() {
    server_options o;
    o.script = "tests/tls/renegotiating_server.py";
    o.extra_args = {"--cert", pki("good.pem"), "--key", pki("good.key")};
    return o;
}

/// What the hostile server received, once its connection has ended (it writes "done" then).
/// The marker line "--- TLS ---" separates the plaintext part from what came through TLS.
inline std::string received(const smtp_server& s) {
    const std::string done = s.dir() + "/done";
    for (int i = 0; i < 100 && !std::filesystem::exists(done); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    return interop::read_file(s.dir() + "/received.log");
}
inline std::string hostile_events(const smtp_server& s) { return interop::read_file(s.dir() + "/events.log"); }

/// Whether a command verb (at the start of a line) appears in the hostile server's log.
inline bool sent_command(const std::string& log, const std::string& verb) {
    std::size_t at = 0;
    while ((at = log.find(verb, at)) != std::string::npos) {
        if (at == 0 || log[at - 1] == '\n') return true;
        ++at;
    }
    return false;
}

inline std::string describe(const mailwire::error& e) {
    std::string s = std::string(mailwire::to_string(e.where)) + "/" + mailwire::to_string(e.kind) + "/" +
                    mailwire::to_string(e.why);
    if (e.server.code != 0) s += " reply " + std::to_string(e.server.code) + " " + std::string(e.server.message());
    return s + " | " + e.advice();
}

/// A client of the given profile on the server's port, trusting the test CA, with short
/// timeouts (the hostile server's silences are meant to end in them).
template <class Profile>
struct tls_client {
    mailwire::basic_client<mailwire::posix_transport, mailwire::mbedtls_tls, Profile> c;
    explicit tls_client(std::uint16_t port, std::uint32_t timeout_ms = 5000) {
        c.options().port = port;
        c.options().ehlo_name = "client.example";
        c.options().timeout.set_all(timeout_ms);
        c.tls().settings().ca_file = ca_file();
    }
};

} // namespace tlstest

#endif // MAILWIRE_TESTS_TLS_FIXTURE_HPP
