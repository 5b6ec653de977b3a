// SPDX-License-Identifier: BSL-1.0
// Consumer test (TLS): <mailwire/mbedtls_tls.hpp> and mbedTLS, through find_package's
// mailwire::mbedtls target or the single header plus -lmbedtls -lmbedx509 -lmbedcrypto. A client
// with the submission profile (STARTTLS required) instantiates, links and runs; no network.
// run.sh checks that it prints "rcpt".
#include <mailwire/mailwire.hpp>
#include <mailwire/mbedtls_tls.hpp>

#include <cstdio>

int main() {
    mailwire::client<mailwire::posix_transport, mailwire::mbedtls_tls, mailwire::profiles::submission> client;
    std::printf("%s\n", mailwire::to_string(mailwire::phase::rcpt));
    return client.is_open() || client.encrypted() ? 1 : 0;
}
