// SPDX-License-Identifier: BSL-1.0
// Consumer test (find_package): the headers are found, a client type instantiates, and the
// program links and runs. run.sh checks that it prints "rcpt".
#include <mailwire/mailwire.hpp>

#include <cstdio>

int main() {
    mailwire::client<mailwire::posix_transport, mailwire::no_tls, mailwire::profiles::relay> client;
    std::printf("%s\n", mailwire::to_string(mailwire::phase::rcpt));
    return client.is_open() ? 1 : 0;
}
