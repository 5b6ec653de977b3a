// SPDX-License-Identifier: BSL-1.0
// mailwire's mbedTLS policy for the Arduino IDE and PlatformIO: `#include <mailwire_mbedtls.h>`,
// where the core has mbedTLS (ESP32, and any board with an mbedTLS library installed): STARTTLS and
// implicit TLS over a plain Client, with mailwire checking the certificate. See src/mailwire.h.
#ifndef MAILWIRE_ARDUINO_MBEDTLS_ENTRY_H
#define MAILWIRE_ARDUINO_MBEDTLS_ENTRY_H

#include "mailwire.h"
#include "../include/mailwire/mbedtls_tls.hpp"

#endif // MAILWIRE_ARDUINO_MBEDTLS_ENTRY_H
