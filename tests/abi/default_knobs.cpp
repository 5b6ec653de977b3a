// SPDX-License-Identifier: BSL-1.0
// The other translation unit of tests/abi, with the default knobs, and main(): each unit must see
// its own reply text capacity and client size (exit 0), and the link must report no One
// Definition Rule violation (the test builds with -flto -Werror=odr).
#include <mailwire/mailwire.hpp>

#include <cstddef>
#include <cstdio>

std::size_t firmware_reply_capacity();
std::size_t firmware_client_size();

int main() {
    mailwire::reply r;
    static mailwire::client<mailwire::posix_transport> c;
    const std::size_t here = sizeof(r.text), there = firmware_reply_capacity();
    const std::size_t client_here = sizeof(c) + (c.is_open() ? 1 : 0), client_there = firmware_client_size();
    std::printf("reply text: %zu here, %zu in the firmware unit; client: %zu here, %zu there\n", here, there,
                client_here, client_there);
    const bool ok = here == MAILWIRE_REPLY_TEXT_SIZE && there == 64 && client_there < client_here;
    return ok ? 0 : 1;
}
