// SPDX-License-Identifier: BSL-1.0
// bench/throughput/mailwire_batch: mailwire's side of the throughput benchmark, written as a user
// would write it with the public API: a plaintext client (posix_transport, no TLS, a profile
// that allows no encryption) on a custom port, open() once, send() --count messages of --size
// octets from memory (message.h, built once; a string_source over it) to one recipient each,
// then quit().
//
//   mailwire_batch --port N [--host 127.0.0.1] [--count N] [--size OCTETS] [--no-chunking]
//
// Prints one line: client=mailwire messages=N size=S elapsed=SECONDS cpu=SECONDS, where elapsed is
// wall-clock time from open() to the end of quit() and cpu is this process's user + system time
// (getrusage RUSAGE_SELF) over the same span. Exits 1 when open() or a send fails.
#include "message.h"

#include <mailwire/mailwire.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string_view>
#include <sys/resource.h>

namespace {

// Plaintext only: the benchmark's sinks offer no STARTTLS. The port comes from options().port.
using loopback_profile = mailwire::profiles::custom<2525, mailwire::encryption::none>;
using smtp_client = mailwire::basic_client<mailwire::posix_transport, mailwire::no_tls, loopback_profile>;

// Static, as the library suggests: constant-initialised, its buffers not on the stack.
smtp_client smtp;

double now() {
    timespec t{};
    clock_gettime(CLOCK_MONOTONIC, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

double cpu() {
    rusage r{};
    getrusage(RUSAGE_SELF, &r);
    return static_cast<double>(r.ru_utime.tv_sec + r.ru_stime.tv_sec) +
           static_cast<double>(r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e6;
}

[[noreturn]] void usage() {
    std::fprintf(stderr, "usage: mailwire_batch --port N [--host ADDR] [--count N] [--size OCTETS] [--no-chunking]\n");
    std::exit(64);
}

int report(const char* what, const mailwire::error& e) {
    std::fprintf(stderr, "mailwire_batch: %s failed in %s (%s): %s; last reply %u %s\n", what,
                 mailwire::to_string(e.where), mailwire::to_string(e.kind), e.advice(), smtp.last_reply().code,
                 smtp.last_reply().text);
    return 1;
}

} // namespace

int main(int argc, char** argv) {
    const char* host = "127.0.0.1";
    long port = 0, count = 1;
    std::size_t size = 1024;
    bool no_chunking = false;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--no-chunking") == 0) {
            no_chunking = true;
            continue;
        }
        if (i + 1 >= argc) usage();
        if (std::strcmp(argv[i], "--port") == 0) port = std::strtol(argv[++i], nullptr, 10);
        else if (std::strcmp(argv[i], "--host") == 0) host = argv[++i];
        else if (std::strcmp(argv[i], "--count") == 0) count = std::strtol(argv[++i], nullptr, 10);
        else if (std::strcmp(argv[i], "--size") == 0) size = std::strtoull(argv[++i], nullptr, 10);
        else usage();
    }
    if (port <= 0 || port > 65535 || count < 1) usage();

    std::size_t len = 0;
    char* data = bench_message(size, &len);
    if (data == nullptr) {
        std::fprintf(stderr, "mailwire_batch: out of memory\n");
        return 1;
    }
    const std::string_view message(data, len);

    smtp.options().port = static_cast<std::uint16_t>(port);
    smtp.options().ehlo_name = "client.example";
    smtp.options().disable_chunking = no_chunking; // DATA even when the server offers CHUNKING

    const double t0 = now(), c0 = cpu();
    const mailwire::error opened = smtp.open(host);
    if (!opened.ok()) return report("open()", opened);
    for (long i = 0; i < count; ++i) {
        mailwire::recipient to[] = {{"rcpt@example.org", {}}};
        mailwire::envelope env{"sender@example.org", to, 1};
        // A message in memory: send() declares its SIZE= itself when the server offers SIZE.
        const mailwire::send_result r = smtp.send(env, message);
        if (!r.delivered()) {
            std::fprintf(stderr, "mailwire_batch: message %ld: ", i + 1);
            return report("send()", r.err);
        }
        if (!to[0].accepted()) {
            std::fprintf(stderr, "mailwire_batch: message %ld: recipient refused: %u %s\n", i + 1, to[0].result.code,
                         to[0].result.text);
            return 1;
        }
    }
    const mailwire::error closed = smtp.quit();
    const double t1 = now(), c1 = cpu();
    if (!closed.ok()) return report("quit()", closed);

    std::printf("client=mailwire messages=%ld size=%zu elapsed=%.6f cpu=%.6f\n", count, len, t1 - t0, c1 - c0);
    std::free(data);
    return 0;
}
