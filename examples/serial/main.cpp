// SPDX-License-Identifier: BSL-1.0
// The README's custom transport, compiled (and, with a device argument, run): mailwire over a
// serial line. Usage: serial DEVICE (e.g. a pseudo-terminal that socat bridges to an SMTP server).
#include "serial_transport.hpp"

#include <mailwire/mailwire.hpp>

#include <cstdio>

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: serial DEVICE\n");
        return 64;
    }
    mailwire::basic_client<serial_transport, mailwire::no_tls, mailwire::profiles::relay> smtp{serial_transport(argv[1])};
    smtp.options().ehlo_name = "serial.example.org";
    mailwire::recipient to[] = {{"ops@example.org", {}}};
    mailwire::envelope env{"sensor@example.org", to, 1};
    mailwire::error e = smtp.open("ignored-by-this-transport");
    if (e.ok()) e = smtp.send(env, "Subject: over a serial line\r\n\r\nhello\r\n").err;
    (void)smtp.quit();
    std::printf("%s\n", e.ok() ? "delivered" : e.advice());
    return e.ok() ? 0 : 1;
}
