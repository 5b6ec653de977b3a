// SPDX-License-Identifier: BSL-1.0
// The program shown in README.md ("The library"); built in CI so the README cannot rot, and
// checked against the README's text by CTest's repo.readme_example.
#include <mailwire/mailwire.hpp>
#include <mailwire/mbedtls_tls.hpp>
#include <cstdio>

int main() {
    mailwire::client<mailwire::posix_transport, mailwire::mbedtls_tls, mailwire::profiles::submission> smtp;
    mailwire::recipient to[] = {{"alice@example.org", {}}, {"bob@example.org", {}}};
    mailwire::envelope env{"sensor-7@example.org", to, 2};

    mailwire::error e = smtp.open("smtp.example.org");            // 220, EHLO, STARTTLS, EHLO
    if (e.ok()) e = smtp.authenticate({"sensor-7@example.org", "app-password"});
    mailwire::send_result r;
    if (e.ok()) r = smtp.send(env, "Subject: temperature\r\n\r\n21.5 C\r\n");
    const mailwire::error& err = e.ok() ? r.err : e;
    if (!err.ok()) std::printf("%s: %s\n", mailwire::to_string(err.where), err.advice());
    (void)smtp.quit();
}
