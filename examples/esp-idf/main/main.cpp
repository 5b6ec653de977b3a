// SPDX-License-Identifier: BSL-1.0
// mailwire on ESP-IDF: connect to the network, then send one message through a submission server
// over lwIP's BSD sockets (mailwire::posix_transport) and ESP-IDF's mbedTLS, the server's
// certificate checked against ESP-IDF's certificate bundle. Settings: `idf.py menuconfig`, menu
// "mailwire example" (server, port, credentials, addresses) and "Example Connection Configuration"
// (Wi-Fi SSID and password).
//
// With CONFIG_MAILWIRE_ATTACHMENT set (default /spiffs/readings.csv, flashed from spiffs_image/ into
// the "storage" partition), that file is attached, streamed from flash by mailwire::file_reader
// through ESP-IDF's VFS; a file on an SD card works the same once the card is mounted (say at
// /sdcard with esp_vfs_fat_sdspi_mount). Without the file the message goes out without it.
//
// Also compiled and run on a Linux host against stand-ins for the ESP-IDF headers
// (examples/esp-idf/host/, scripts/esp-idf-host.sh), so it keeps compiling as mailwire changes.
#include <mailwire/mailwire.hpp>
#include <mailwire/mbedtls_tls.hpp>
#include <mailwire/posix_transport.hpp> // mailwire.hpp adds it only where __unix__ is defined

#include "esp_crt_bundle.h"
#include "esp_event.h"
#include "esp_log.h"
#include "esp_netif.h"
#include "esp_spiffs.h"
#include "freertos/FreeRTOS.h"
#include "freertos/task.h"
#include "nvs_flash.h"
#include "protocol_examples_common.h"
#include "sdkconfig.h"

#include <cstdio>
#include <string_view>

namespace {

const char* const TAG = "mailwire";

#if CONFIG_MAILWIRE_PROFILE_SUBMISSIONS
using profile = mailwire::profiles::submissions; // 465, TLS from the first byte
#else
using profile = mailwire::profiles::submission; // 587, STARTTLS required
#endif
using smtp_client = mailwire::client<mailwire::posix_transport, mailwire::mbedtls_tls, profile>;

// Stack of the sending task, in bytes (ESP-IDF's xTaskCreate counts bytes). The client object is
// static, so the stack carries only the call chain: mbedTLS's handshake (ECDHE, the signature
// checks of the server's chain, the bundle's verify callback), the client, lwIP's socket calls and
// ESP_LOGx's vprintf. The host run (scripts/esp-idf-host.sh) measures this task at about 7.9 KB on
// x86-64 with an ECDSA chain and fails if it needs more than this; the rest is room for RSA chains
// and ESP-IDF's bundle callback, which the host does not run. The board logs what is left.
constexpr unsigned send_task_stack = 10240;

// The client (receive and transmit buffers, mbedTLS's contexts) lives in static RAM, not on the
// task's stack: 5.5 KB on a 32-bit target (measured with g++ -m32 and mbedTLS 2.28 without HAVEGE;
// ESP-IDF's 3.x contexts are of the same order). On the host it is 43 KB: Debian's mbedTLS 2.28
// has HAVEGE, 36 KB of state inside the entropy context. mbedTLS's record buffers come from the
// heap while connected: CONFIG_MBEDTLS_SSL_IN_CONTENT_LEN + OUT_CONTENT_LEN and some, plus what
// the handshake needs for a moment.
smtp_client smtp;

// The SMTP dialogue, line by line, when CONFIG_MAILWIRE_TRACE is set. AUTH data arrives redacted.
void trace(void*, mailwire::trace_direction direction, std::string_view line) {
    const char* arrow = direction == mailwire::trace_direction::client   ? "C:"
                        : direction == mailwire::trace_direction::server ? "S:"
                                                                         : "*";
    ESP_LOGI(TAG, "%s %.*s", arrow, static_cast<int>(line.size()), line.data());
}

void log_failure(const mailwire::error& e) {
    ESP_LOGE(TAG, "not sent: %s failed (%s, %s)", mailwire::to_string(e.where), mailwire::to_string(e.kind),
             mailwire::to_string(e.why));
    ESP_LOGE(TAG, "advice: %s", e.advice());
    if (!e.server.empty())
        ESP_LOGE(TAG, "server said: %u %s", static_cast<unsigned>(e.server.code), e.server.text);
    if (e.sys_error != 0) ESP_LOGE(TAG, "errno %d", e.sys_error);
    if (e.where == mailwire::phase::tls && smtp.tls().failure_detail()[0] != '\0')
        ESP_LOGE(TAG, "TLS: %s", smtp.tls().failure_detail());
    if (e.retryable()) ESP_LOGW(TAG, "trying again later may help");
}

void send_task(void*) {
    smtp.options().port = CONFIG_MAILWIRE_SMTP_PORT; // 0: the profile's port
#if CONFIG_MAILWIRE_TRACE
    smtp.options().trace = trace;
#else
    (void)trace;
#endif
    // Trust anchors: ESP-IDF's bundle. Verification stays required and mbedTLS still checks the
    // certificate against CONFIG_MAILWIRE_SMTP_HOST. Entropy: mbedTLS's default source, which is
    // the hardware RNG on ESP32 chips (truly random while Wi-Fi or Bluetooth runs).
    smtp.tls().settings().attach_trust = esp_crt_bundle_attach;

    // Static like the client: the message keeps its parts' descriptions, not their content.
    static mailwire::message msg;
    (void)msg.from(CONFIG_MAILWIRE_MAIL_FROM);
    (void)msg.to(CONFIG_MAILWIRE_MAIL_TO);
    (void)msg.subject("Hello from an ESP32");
    (void)msg.text("Sent by mailwire over lwIP and mbedTLS.\n");
    // No Date: header, as the device's clock is not set: a submission server adds it (RFC 6409 §8.2).

    // The attachment streams from the file while the message is sent: nothing is copied to RAM.
    static mailwire::file_reader attachment;
    const std::string_view path = CONFIG_MAILWIRE_ATTACHMENT;
    if (!path.empty()) {
        if (attachment.open(CONFIG_MAILWIRE_ATTACHMENT)) {
            const std::size_t slash = path.rfind('/');
            const std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
            const mailwire::error a = msg.attach(attachment.source(), name, "text/csv");
            if (!a.ok()) ESP_LOGW(TAG, "not attached: %s", a.advice());
            ESP_LOGI(TAG, "attaching %s (%ld bytes)", CONFIG_MAILWIRE_ATTACHMENT, static_cast<long>(attachment.size()));
        } else {
            ESP_LOGW(TAG, "cannot open %s: sending without it", CONFIG_MAILWIRE_ATTACHMENT);
        }
    }

    ESP_LOGI(TAG, "sending to %s via %s", CONFIG_MAILWIRE_MAIL_TO, CONFIG_MAILWIRE_SMTP_HOST);
    mailwire::error e = smtp.open(CONFIG_MAILWIRE_SMTP_HOST); // connect, EHLO, STARTTLS or TLS, EHLO
    const std::string_view user = CONFIG_MAILWIRE_SMTP_USER;
    if (e.ok() && !user.empty()) e = smtp.authenticate({user, CONFIG_MAILWIRE_SMTP_PASSWORD});
    if (e.ok()) {
        mailwire::recipient storage[1]; // the per-recipient results
        e = mailwire::send_message(smtp, msg, storage, 1).err;
    }
    if (e.ok()) {
        ESP_LOGI(TAG, "delivered: %u %s (%s)", static_cast<unsigned>(smtp.last_reply().code), smtp.last_reply().text,
                 smtp.tls().version());
        (void)smtp.quit(); // the message is accepted; a failed QUIT changes nothing
    } else {
        log_failure(e);
        smtp.close();
    }
    ESP_LOGI(TAG, "stack left unused: %u of %u bytes", static_cast<unsigned>(uxTaskGetStackHighWaterMark(nullptr)),
             send_task_stack);
    vTaskDelete(nullptr); // a FreeRTOS task must not return
}

} // namespace

extern "C" void app_main(void) {
    esp_err_t err = nvs_flash_init(); // the Wi-Fi driver keeps its calibration in NVS
    if (err == ESP_ERR_NVS_NO_FREE_PAGES || err == ESP_ERR_NVS_NEW_VERSION_FOUND) {
        ESP_ERROR_CHECK(nvs_flash_erase());
        err = nvs_flash_init();
    }
    ESP_ERROR_CHECK(err);
    ESP_ERROR_CHECK(esp_netif_init());
    ESP_ERROR_CHECK(esp_event_loop_create_default());
    ESP_ERROR_CHECK(example_connect()); // blocks until Wi-Fi (or Ethernet) has an address

    // The "storage" partition (partitions.csv) as /spiffs, for the attachment. An SD card instead:
    // esp_vfs_fat_sdspi_mount("/sdcard", ...) and CONFIG_MAILWIRE_ATTACHMENT="/sdcard/...".
    esp_vfs_spiffs_conf_t spiffs{};
    spiffs.base_path = "/spiffs";
    spiffs.partition_label = "storage";
    spiffs.max_files = 2;
    spiffs.format_if_mount_failed = false;
    if (esp_vfs_spiffs_register(&spiffs) != ESP_OK) ESP_LOGW(TAG, "no SPIFFS partition: no attachment");

    // Not in app_main itself: the main task has 3584 bytes of stack by default, too little for a
    // TLS handshake.
    if (xTaskCreate(send_task, "mailwire", send_task_stack, nullptr, 5, nullptr) != pdPASS)
        ESP_LOGE(TAG, "cannot create the sending task (out of memory)");
}
