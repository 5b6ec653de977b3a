// SPDX-License-Identifier: BSL-1.0
// The TLS image's heap, measured on the host: image 3's client (mailwire::mbedtls_tls, implicit
// TLS, max_fragment 4096, the CA compiled in as data) over POSIX sockets, against aiosmtpd with
// implicit TLS, with mbedTLS built from the firmware's configuration and allocating only from a
// static buffer (MBEDTLS_MEMORY_BUFFER_ALLOC_C), as on the board. Prints the allocator's peak.
//   measure PORT CA-DER-FILE        (bench/footprint/heap/measure.sh runs it)
#include <mailwire/mailwire.hpp>
#include <mailwire/mbedtls_tls.hpp>

#include <mbedtls/memory_buffer_alloc.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <sys/random.h>

namespace {
alignas(8) unsigned char heap[96 * 1024]; // room to measure; the board's is MAILWIRE_FW_TLS_HEAP

int host_entropy(void*, unsigned char* out, std::size_t len, std::size_t* produced) {
    const ssize_t n = getrandom(out, len, 0);
    if (n < 0) return -1;
    *produced = static_cast<std::size_t>(n);
    return 0;
}
} // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: measure PORT CA-DER-FILE\n");
        return 2;
    }
    mbedtls_memory_buffer_alloc_init(heap, sizeof(heap));
    std::ifstream in(argv[2], std::ios::binary);
    std::vector<unsigned char> ca((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // DER, as compiled into the firmware (no PEM parser in its configuration), so no NUL after it

    using client = mailwire::basic_client<mailwire::posix_transport, mailwire::mbedtls_tls, mailwire::profiles::submissions>;
    static client c;
    c.options().port = static_cast<std::uint16_t>(std::atoi(argv[1]));
    c.options().ehlo_name = "sensor-7.example.org";
    mailwire::tls_settings& tls = c.tls().settings();
    tls.ca_data = ca.data();
    tls.ca_size = ca.size();
    tls.no_system_bundle = true;
    tls.entropy_source = &host_entropy;
    tls.max_fragment = 4096;

    const mailwire::error e = c.open("localhost");
    if (!e.ok()) {
        std::fprintf(stderr, "open: %s/%s: %s\n", mailwire::to_string(e.where), mailwire::to_string(e.why),
                     c.tls().failure_detail());
        return 1;
    }
    mailwire::recipient to[] = {{"ops@example.org", {}}};
    mailwire::envelope env{"sensor-7@example.org", to, 1};
    const mailwire::send_result r = c.send(env, "Subject: heap\r\n\r\nmeasured\r\n");
    (void)c.quit();
    if (!r.ok()) {
        std::fprintf(stderr, "send: %s\n", mailwire::to_string(r.err.why));
        return 1;
    }
    std::size_t peak = 0, blocks = 0, now = 0, now_blocks = 0;
    mbedtls_memory_buffer_alloc_max_get(&peak, &blocks);
    mbedtls_memory_buffer_alloc_cur_get(&now, &now_blocks);
    std::printf("heap peak %zu bytes in %zu blocks; after QUIT %zu bytes in %zu blocks\n", peak, blocks, now, now_blocks);
    return 0;
}
