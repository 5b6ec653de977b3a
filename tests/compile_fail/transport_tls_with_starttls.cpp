// SPDX-License-Identifier: BSL-1.0
// Must not compile: mailwire::transport_tls is TLS done by the transport from the first byte (an
// Arduino WiFiClientSecure, a modem's TLS socket). profiles::submission would upgrade with STARTTLS,
// which such a socket cannot do, and the client would count plaintext as encrypted.
// Control (-DMAILWIRE_CONTROL): profiles::submissions is implicit TLS, so the same declaration compiles.
#include <mailwire/mailwire.hpp>

#ifdef MAILWIRE_CONTROL
using chosen_profile = mailwire::profiles::submissions;
#else
using chosen_profile = mailwire::profiles::submission;
#endif

int main() {
    mailwire::client<mailwire::posix_transport, mailwire::transport_tls, chosen_profile> c;
    return c.is_open() ? 1 : 0;
}
