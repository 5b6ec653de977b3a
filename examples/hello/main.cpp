// SPDX-License-Identifier: BSL-1.0
// The program shown in docs/guide.md ("Sending a message"); built in CI so the README cannot rot.
#include <mailwire/mailwire.hpp>
#include <cstdio>

int main() {
    mailwire::client<mailwire::posix_transport, mailwire::no_tls, mailwire::profiles::relay> smtp;
    smtp.options().ehlo_name = "sensor-7.example.org";

    mailwire::recipient to[] = {{"alice@example.org", {}}, {"bob@example.org", {}}};
    mailwire::envelope env{"sensor-7@example.org", to, 2};

    mailwire::error e = smtp.open("mail.example.org");
    mailwire::send_result r;
    if (e.ok()) r = smtp.send(env, "Subject: temperature\r\n\r\n21.5 C\r\n");
    if (!e.ok() || !r.delivered()) {
        const mailwire::error& err = e.ok() ? r.err : e;
        std::printf("%s failed (%s): %s\n", mailwire::to_string(err.where), mailwire::to_string(err.kind),
                    err.advice());
    }
    for (const auto& rcpt : to)
        if (!rcpt.accepted()) std::printf("%.*s refused: %u %s\n", int(rcpt.address.size()), rcpt.address.data(),
                                          rcpt.result.code, rcpt.result.text);
    (void)smtp.quit();
}
