// SPDX-License-Identifier: BSL-1.0
// examples/arduino/send_mail/send_mail.ino built for the host: the sketch as it is, its settings
// given the way a board's build would (-D, or here from the environment the test sets), then
// setup() as the core would call it. tests/arduino/arduino_test.cpp runs it against aiosmtpd.
//   SKETCH_SMTP_PORT   the server's port on localhost
//   SKETCH_CA_FILE     the test CA (tests/tls/pki.sh), for the TLS variants
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace sketch_host {
inline std::uint16_t port() {
    const char* p = std::getenv("SKETCH_SMTP_PORT");
    return static_cast<std::uint16_t>(p != nullptr ? std::atoi(p) : 0);
}
inline const char* root_ca() {
    static std::string pem;
    if (pem.empty()) {
        const char* path = std::getenv("SKETCH_CA_FILE");
        std::ifstream in(path != nullptr ? path : "");
        std::ostringstream text;
        text << in.rdbuf();
        pem = text.str();
    }
    return pem.c_str();
}
} // namespace sketch_host

#define SMTP_HOST "localhost"
#define SMTP_PORT sketch_host::port()
#define SMTP_ROOT_CA sketch_host::root_ca()

#include "../../examples/arduino/send_mail/send_mail.ino"

int main() {
    setup(); // sends the message and prints "delivered: ..." or what failed
    return 0;
}
