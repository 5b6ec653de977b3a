// SPDX-License-Identifier: BSL-1.0
// Consumer test (single_header): only single_include/ on the include path, no CMake package. The
// program links and runs; run.sh checks that it prints "rcpt". The testing header is generated
// beside the umbrella and shares its (include-guarded) parts, so the two must mix.
#include <mailwire/mailwire.hpp>
#include <mailwire/testing/scripted_transport.hpp>

#include <cstdio>

int main() {
    mailwire::client<mailwire::posix_transport, mailwire::no_tls, mailwire::profiles::relay> client;
    std::printf("%s\n", mailwire::to_string(mailwire::phase::rcpt));
    return client.is_open() ? 1 : 0;
}
