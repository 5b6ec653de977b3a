// SPDX-License-Identifier: BSL-1.0
// mailwire for the Arduino IDE, arduino-cli and PlatformIO: `#include <mailwire.h>`.
//
// Arduino puts only a library's src/ on the include path, so this entry header reaches the headers
// under include/ in place (nothing is copied). It brings the whole library and the Arduino Client
// transport, mailwire::arduino_client_transport (any WiFiClient, EthernetClient, a modem's client,
// WiFiClientSecure). The mbedTLS policy is in <mailwire_mbedtls.h>. PlatformIO also puts include/
// on the path (library.json), so <mailwire/mailwire.hpp> works there too.
//
// C++17 is needed: recent cores use it already (ESP32 3.x, RP2040, STM32); an older one takes
// `build_unflags = -std=gnu++11` and `build_flags = -std=gnu++17` (PlatformIO).
#ifndef MAILWIRE_ARDUINO_ENTRY_H
#define MAILWIRE_ARDUINO_ENTRY_H

#include "../include/mailwire/mailwire.hpp"
#include "../include/mailwire/arduino_client_transport.hpp"

#endif // MAILWIRE_ARDUINO_ENTRY_H
