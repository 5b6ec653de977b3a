// SPDX-License-Identifier: BSL-1.0
// mailwire on Zephyr: one message to a relay over Zephyr's sockets (mailwire::zephyr_transport,
// which the umbrella header brings on Zephyr), deadlines on k_uptime_get(). Settings: prj.conf and
// the menu "mailwire example" (Kconfig): server, port, sender, recipient.
//
// Plaintext, to a relay on a network you trust (port 25, or a local smart host): add
// mailwire::mbedtls_tls (CONFIG_MBEDTLS) and profiles::submission for a provider.
//
// Also compiled and run on a Linux host against stand-ins for the Zephyr headers
// (examples/zephyr/host/, scripts/zephyr-host.sh), so it keeps compiling as mailwire changes.
#include <mailwire/mailwire.hpp>

#include <zephyr/kernel.h>

#include <string_view>

namespace {

using smtp_client = mailwire::client<mailwire::zephyr_transport, mailwire::no_tls, mailwire::profiles::relay>;

// Static: buffers and the message's description live in .bss, not on the main thread's stack.
smtp_client smtp;
mailwire::message msg;

void report(const mailwire::error& e) {
    printk("not sent: %s failed (%s)\n", mailwire::to_string(e.where), mailwire::to_string(e.why));
    printk("advice: %s\n", e.advice());
    if (!e.server.empty()) printk("server said: %u %s\n", static_cast<unsigned>(e.server.code), e.server.text);
    if (e.retryable()) printk("trying again later may help\n");
}

} // namespace

int main(void) {
    smtp.options().port = CONFIG_MAILWIRE_EXAMPLE_PORT; // 0: the profile's, 25
    (void)msg.from(CONFIG_MAILWIRE_EXAMPLE_FROM);
    (void)msg.to(CONFIG_MAILWIRE_EXAMPLE_TO);
    (void)msg.subject("Hello from Zephyr");
    (void)msg.text("Sent by mailwire over Zephyr's sockets.\n");

    printk("sending to %s via %s\n", CONFIG_MAILWIRE_EXAMPLE_TO, CONFIG_MAILWIRE_EXAMPLE_SERVER);
    mailwire::error e = smtp.open(CONFIG_MAILWIRE_EXAMPLE_SERVER);
    if (e.ok()) {
        mailwire::recipient storage[1]; // the per-recipient results
        e = mailwire::send_message(smtp, msg, storage, 1).err;
    }
    if (!e.ok()) {
        report(e);
        smtp.close();
        return 1;
    }
    printk("delivered: %u %s\n", static_cast<unsigned>(smtp.last_reply().code), smtp.last_reply().text);
    (void)smtp.quit();
    return 0;
}
