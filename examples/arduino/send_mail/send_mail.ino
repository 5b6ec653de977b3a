// SPDX-License-Identifier: BSL-1.0
// mailwire on Arduino: one message through an SMTP server over the board's network Client.
//
// Three ways to encrypt, chosen with MAILWIRE_EXAMPLE_TLS below:
//   0  none: a plain WiFiClient to a relay on a trusted network (port 25, or a local smart host).
//      Credentials are refused on it unless options().allow_plaintext_auth is set.
//   1  the Client's own TLS: WiFiClientSecure (ESP32) to port 465, implicit TLS. The certificate
//      is checked by WiFiClientSecure against the CA set with setCACert(); mailwire trusts it
//      (mailwire::transport_tls).
//   2  mailwire's TLS over a plain WiFiClient: mbedtls_tls (ESP32, or a board with mbedTLS) to port
//      587 with STARTTLS required; mailwire checks the certificate against the CA below.
// Any other Client works the same way: EthernetClient, a TinyGSM modem client, ...
//
// Also compiled and run on a Linux host against stand-ins for the Arduino headers
// (tests/arduino/host), so it keeps compiling as mailwire changes.
#include <Arduino.h>
#include <WiFi.h>

#ifndef MAILWIRE_EXAMPLE_TLS
#define MAILWIRE_EXAMPLE_TLS 2
#endif

#if MAILWIRE_EXAMPLE_TLS == 2
#include <mailwire_mbedtls.h>
#else
#include <mailwire.h>
#endif
#if MAILWIRE_EXAMPLE_TLS == 1
#include <WiFiClientSecure.h>
#endif

// ---- settings (a real sketch keeps the password out of the source: NVS, a config file...)
#ifndef WIFI_SSID
#define WIFI_SSID "my-network"
#define WIFI_PASSWORD "my-wifi-password"
#endif
#ifndef SMTP_HOST
#define SMTP_HOST "smtp.example.org"
#endif
#ifndef SMTP_PORT
#define SMTP_PORT 0 // 0: the profile's port (25, 465 or 587)
#endif
#ifndef SMTP_USER
#define SMTP_USER "device@example.org"
#define SMTP_PASSWORD "app-password"
#endif
#ifndef MAIL_FROM
#define MAIL_FROM "device@example.org"
#endif
#ifndef MAIL_TO
#define MAIL_TO "ops@example.org"
#endif
// The root certificate the server's chain ends in (PEM), for variants 1 and 2.
#ifndef SMTP_ROOT_CA
#define SMTP_ROOT_CA "-----BEGIN CERTIFICATE-----\n...your provider's root...\n-----END CERTIFICATE-----\n"
#endif

#if MAILWIRE_EXAMPLE_TLS == 0
WiFiClient net;
using smtp_tls = mailwire::no_tls;
using smtp_profile = mailwire::profiles::relay; // 25, STARTTLS not available without a TLS policy
#elif MAILWIRE_EXAMPLE_TLS == 1
WiFiClientSecure net;
using smtp_tls = mailwire::transport_tls;
using smtp_profile = mailwire::profiles::submissions; // 465, TLS from the first byte
#else
WiFiClient net;
using smtp_tls = mailwire::mbedtls_tls;
using smtp_profile = mailwire::profiles::submission; // 587, STARTTLS required
#endif

using transport = mailwire::arduino_client_transport<decltype(net)>;
// Static, not on the loop task's stack: buffers and (variant 2) mbedTLS's contexts.
mailwire::client<transport, smtp_tls, smtp_profile> smtp{transport(net)};

void report(const mailwire::error& e) {
    Serial.printf("not sent: %s failed (%s)\n", mailwire::to_string(e.where), mailwire::to_string(e.why));
    Serial.printf("advice: %s\n", e.advice());
    if (!e.server.empty()) Serial.printf("server said: %u %s\n", static_cast<unsigned>(e.server.code), e.server.text);
    if (e.retryable()) Serial.println("trying again later may help");
}

bool send_mail() {
    smtp.options().port = SMTP_PORT;
#if MAILWIRE_EXAMPLE_TLS == 1
    net.setCACert(SMTP_ROOT_CA);
#elif MAILWIRE_EXAMPLE_TLS == 2
    const char* root_ca = SMTP_ROOT_CA;
    smtp.tls().settings().ca_data = reinterpret_cast<const unsigned char*>(root_ca);
    smtp.tls().settings().ca_size = strlen(root_ca) + 1; // PEM: counting the terminating NUL
    smtp.tls().settings().no_system_bundle = true;
#endif
    static mailwire::message msg;
    (void)msg.from(MAIL_FROM);
    (void)msg.to(MAIL_TO);
    (void)msg.subject("Hello from an Arduino");
    (void)msg.text("Sent by mailwire over the board's network client.\n");

    mailwire::error e = smtp.open(SMTP_HOST);
    const std::string_view user = SMTP_USER;
#if MAILWIRE_EXAMPLE_TLS != 0
    if (e.ok() && !user.empty()) e = smtp.authenticate({user, SMTP_PASSWORD});
#else
    (void)user; // no credentials over plaintext
#endif
    if (e.ok()) {
        mailwire::recipient storage[1]; // the per-recipient results
        e = mailwire::send_message(smtp, msg, storage, 1).err;
    }
    if (!e.ok()) {
        report(e);
        smtp.close();
        return false;
    }
    Serial.printf("delivered: %u %s\n", static_cast<unsigned>(smtp.last_reply().code), smtp.last_reply().text);
    (void)smtp.quit();
    return true;
}

void setup() {
    Serial.begin(115200);
    WiFi.begin(WIFI_SSID, WIFI_PASSWORD);
    while (WiFi.status() != WL_CONNECTED) delay(100);
    send_mail();
}

void loop() { delay(1000); }
