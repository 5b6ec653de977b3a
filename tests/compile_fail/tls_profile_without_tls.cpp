// SPDX-License-Identifier: BSL-1.0
// Must not compile: profiles::submission requires TLS (STARTTLS, RFC 6409 / RFC 3207) and no_tls
// has none, so the mistake is caught at build time instead of as a run-time error on a device.
// Control (-DMAILWIRE_CONTROL): profiles::relay allows plaintext, so the same declaration compiles.
#include <mailwire/mailwire.hpp>

#ifdef MAILWIRE_CONTROL
using chosen_profile = mailwire::profiles::relay;
#else
using chosen_profile = mailwire::profiles::submission;
#endif

int main() {
    mailwire::client<mailwire::posix_transport, mailwire::no_tls, chosen_profile> c;
    return c.is_open() ? 1 : 0;
}
