// SPDX-License-Identifier: BSL-1.0
// A message with an attachment streamed from a callback, as firmware reads a log from flash. The
// README shows the middle of it. Usage: compose HOST PORT (a plaintext relay, e.g. a local MTA).
#include <mailwire/mailwire.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {
// Stands in for flash: 200 lines of CSV, handed out in whatever pieces the composer asks for.
struct flash_log {
    int line = 0;
};
std::ptrdiff_t read_log(void* context, char* buf, std::size_t cap) {
    flash_log& log = *static_cast<flash_log*>(context);
    if (log.line == 200 || cap < 32) return 0;
    const int n = std::snprintf(buf, cap, "%d,%d.%d\n", log.line, -18 - log.line % 3, log.line % 10);
    ++log.line;
    return n;
}
} // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: compose HOST PORT\n");
        return 64;
    }
    mailwire::client<mailwire::posix_transport, mailwire::no_tls, mailwire::profiles::relay> smtp;
    smtp.options().port = static_cast<std::uint16_t>(std::atoi(argv[2]));
    if (mailwire::error e = smtp.open(argv[1]); !e.ok()) {
        std::fprintf(stderr, "%s: %s\n", mailwire::to_string(e.why), e.advice());
        return 69;
    }
    flash_log log;
    // --- README: composing a message with an attachment streamed from a callback
    mailwire::message m;
    m.from("sensor-7@example.org", "Sensor 7");
    m.to("ops@example.org");
    m.subject("Kühlraum 3: Temperatur über Grenzwert");
    m.text("Das Protokoll der letzten Stunde hängt an.\n");
    m.attach(mailwire::content_source::callback(&read_log, &log), "log.csv", "text/csv");
    mailwire::recipient storage[1];
    mailwire::send_result r = mailwire::send_message(smtp, m, storage, 1);
    // --- end
    (void)smtp.quit();
    std::printf("%s\n", r.delivered() ? "delivered" : r.err.advice());
    return r.delivered() ? 0 : 1;
}
