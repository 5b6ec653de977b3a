// SPDX-License-Identifier: BSL-1.0
// mailwire on a Cortex-M4: a sensor sends a message with AUTH and a small attachment through a
// modem. Built in three images (bench/footprint/run.sh measures each against a baseline without the
// SMTP client):
//   MAILWIRE_FW_IMAGE=0  baseline: the same board, transport and tick, and the application's own
//                        message (images 1 and 3's hand-made MIME text with the log in base64,
//                        written straight to the modem), no SMTP client
//   MAILWIRE_FW_IMAGE=1  the plain client: AUTH, two recipients, the content streamed from a
//                        callback (a hand-made MIME message with a base64 attachment)
//   MAILWIRE_FW_IMAGE=2  the client and the composer: the attachment streamed by the composer
//   MAILWIRE_FW_IMAGE=3  image 1's message over TLS: mailwire::mbedtls_tls on the modem transport,
//                        implicit TLS on port 465, ISRG Root X1 compiled in, the hardware RNG as
//                        entropy, mbedTLS allocating from a static buffer (docs/footprint.md;
//                        built with bench/footprint/mbedtls.sh's mbedTLS and mbedtls_config.h)
// No heap: nothing here or in mailwire calls malloc or new (the link has no _sbrk).
#include "board.hpp"
#include "modem_transport.hpp"

// The application encodes its attachment with mailwire's standalone base64 encoder (in every
// image, so the figures are the client's own; bench/footprint/run.sh reports the encoder apart).
#include <mailwire/base64.hpp>

#if MAILWIRE_FW_IMAGE >= 1
#include <mailwire/client.hpp>
#endif
#if MAILWIRE_FW_IMAGE == 2
#include <mailwire/message.hpp>
#endif
#if MAILWIRE_FW_IMAGE == 3
#include "tls/ca_cert.hpp"
#if defined(MAILWIRE_FW_TEST_CA)
#include MAILWIRE_FW_TEST_CA // scripts/firmware-qemu.sh: a throwaway CA instead of ISRG Root X1
#endif

#include <mailwire/mbedtls_tls.hpp>

#include <mbedtls/entropy.h>
#include <mbedtls/memory_buffer_alloc.h>
#endif

namespace {

// A sensor log in flash, read in pieces.
const char sensor_log[] = "time,celsius\n00:00,-18.4\n00:05,-18.5\n00:10,-18.3\n00:15,-17.9\n";
struct log_cursor {
    std::size_t pos = 0;
};
std::ptrdiff_t read_log(void* context, char* buf, std::size_t cap) {
    log_cursor& c = *static_cast<log_cursor*>(context);
    std::size_t n = 0;
    while (n < cap && c.pos + 1 < sizeof(sensor_log)) buf[n++] = sensor_log[c.pos++];
    return static_cast<std::ptrdiff_t>(n);
}

// The hand-made message of images 1 and 3 (the application's text, so the baseline has it too).
const char head[] =
    "From: sensor-7@example.org\r\nTo: ops@example.org\r\nSubject: cold room 3\r\nMIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n"
    "Log attached.\r\n--b\r\nContent-Type: text/csv\r\nContent-Transfer-Encoding: base64\r\n\r\n";
const char tail[] = "\r\n--b--\r\n";

#if MAILWIRE_FW_IMAGE == 1 || MAILWIRE_FW_IMAGE == 2
using client_type = mailwire::basic_client<modem_transport, mailwire::no_tls, mailwire::profiles::custom<2525, mailwire::encryption::none>, tick_clock>;
client_type smtp;
#endif
#if MAILWIRE_FW_IMAGE == 2
mailwire::basic_message<2, 1, 1> message;
#endif

#if MAILWIRE_FW_IMAGE == 3
// Implicit TLS (RFC 8314): the handshake right after connecting to port 465.
using client_type = mailwire::basic_client<modem_transport, mailwire::mbedtls_tls, mailwire::profiles::submissions, tick_clock>;
client_type smtp;

// mbedTLS's heap: every mbedtls_calloc of the handshake and the session comes from here
// (MBEDTLS_MEMORY_BUFFER_ALLOC_C). docs/footprint.md has what it holds at the peak and why this suffices.
#ifndef MAILWIRE_FW_TLS_HEAP
#define MAILWIRE_FW_TLS_HEAP 24576
#endif
alignas(8) unsigned char tls_heap[MAILWIRE_FW_TLS_HEAP];

// The hardware RNG as mbedTLS's (only) entropy source (MBEDTLS_NO_PLATFORM_ENTROPY).
int board_entropy(void*, unsigned char* out, std::size_t len, std::size_t* produced) {
#if defined(MAILWIRE_FW_QEMU_ENTROPY)
    // QEMU's STM32F405 has no RNG. For the emulator run only, NEVER on a device: numbers from the
    // tick, which an attacker can guess; the session it protects is a test's.
    static std::uint32_t x = 0x9E3779B9u;
    for (std::size_t i = 0; i < len; ++i) {
        x ^= board::ticks + static_cast<std::uint32_t>(i);
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        out[i] = static_cast<unsigned char>(x);
    }
#else
    if (!board::rng_fill(out, len)) return MBEDTLS_ERR_ENTROPY_SOURCE_FAILED;
#endif
    *produced = len;
    return 0;
}
#endif

#if MAILWIRE_FW_IMAGE != 2
// Images 0, 1 and 3: the message is written by hand (a fixed MIME skeleton, the attachment's base64
// computed on the fly by mailwire's encoder).
struct handmade_message {
    log_cursor cursor;
    int stage = 0;
    std::ptrdiff_t read(char* buf, std::size_t cap) {
        if (stage == 0) {
            stage = 1;
            return copy(head, sizeof(head) - 1, buf, cap);
        }
        if (stage == 1) {
            char raw[57];
            const std::ptrdiff_t got = read_log(&cursor, raw, cap / 4 * 3 < 57 ? cap / 4 * 3 : 57);
#if defined(MAILWIRE_FW_LOG_RAW) // bench/footprint/run.sh: the baseline without the encoder, to measure it
            if (got > 0) return copy(raw, static_cast<std::size_t>(got), buf, cap);
#else
            if (got > 0) return static_cast<std::ptrdiff_t>(
                mailwire::base64_encode(std::string_view(raw, static_cast<std::size_t>(got)), buf, cap));
#endif
            stage = 2;
            return copy(tail, sizeof(tail) - 1, buf, cap);
        }
        return 0;
    }
    static std::ptrdiff_t copy(const char* s, std::size_t n, char* buf, std::size_t cap) {
        const std::size_t k = n < cap ? n : cap; // cap is the client's 256-byte chunk: both fit
        for (std::size_t i = 0; i < k; ++i) buf[i] = s[i];
        return static_cast<std::ptrdiff_t>(k);
    }
};
#endif

} // namespace

int main() {
#if MAILWIRE_FW_IMAGE == 0
    // The baseline: the transport and tick in use, so they are in the image as with mailwire, and
    // the application's own message, produced as image 1 produces it and written to the modem.
    modem_transport t;
    if (t.connect("smtp.example.org", 2525, 30000).ok()) {
        char buf[256];
        const mailwire::io_result r = t.read_some(buf, sizeof(buf), 1000);
        if (r.ok()) (void)t.write_some(buf, r.bytes, 1000);
        handmade_message content;
        std::ptrdiff_t n;
        while ((n = content.read(buf, sizeof(buf))) > 0) (void)t.write_some(buf, static_cast<std::size_t>(n), 1000);
        t.close();
    }
    return 0;
#else
    smtp.options().ehlo_name = "sensor-7.example.org";
#if MAILWIRE_FW_IMAGE == 3
    mbedtls_memory_buffer_alloc_init(tls_heap, sizeof(tls_heap));
    board::rng_start();
    mailwire::tls_settings& tls = smtp.tls().settings();
#if defined(MAILWIRE_FW_TEST_CA)
    tls.ca_data = firmware_ca::test_ca;
    tls.ca_size = sizeof(firmware_ca::test_ca);
#else
    tls.ca_data = firmware_ca::isrg_root_x1;
    tls.ca_size = sizeof(firmware_ca::isrg_root_x1);
#endif
    tls.no_system_bundle = true;
    tls.entropy_source = &board_entropy;
    tls.max_fragment = 4096; // records no larger than mbedTLS's 4 KiB input buffer (RFC 6066)
#else
    smtp.options().allow_plaintext_auth = true; // the modem's APN is a private network
#endif
    if (!smtp.open("smtp.example.org").ok()) return 1;
    if (!smtp.authenticate({"sensor-7", "app-password"}).ok()) return 2;
#if MAILWIRE_FW_IMAGE == 1 || MAILWIRE_FW_IMAGE == 3
    mailwire::recipient to[] = {{"ops@example.org", {}}, {"archive@example.org", {}}};
    mailwire::envelope env{"sensor-7@example.org", to, 2};
    handmade_message content;
    const mailwire::send_result r = smtp.send(env, content);
#else
    log_cursor cursor;
    (void)message.from("sensor-7@example.org", "Sensor 7");
    (void)message.to("ops@example.org");
    (void)message.bcc("archive@example.org");
    (void)message.subject("Kühlraum 3: Messwerte");
    (void)message.text("Log attached.\n");
    (void)message.attach(mailwire::content_source::callback(&read_log, &cursor), "log.csv", "text/csv");
    mailwire::recipient storage[2];
    const mailwire::send_result r = mailwire::send_message(smtp, message, storage, 2);
#endif
    (void)smtp.quit();
    return r.delivered() ? 0 : 3;
#endif
}
