// SPDX-License-Identifier: BSL-1.0
// One translation unit of tests/abi: built with a firmware's knobs (smaller buffers, less reply
// text, no trace), linked into one program with default_knobs.cpp. Before the ABI namespace the
// two definitions of mailwire::reply and of the client silently became one (GCC's -flto -Wodr:
// "type 'struct reply' violates the C++ One Definition Rule"); now each has its own.
#define MAILWIRE_RX_BUFFER_SIZE 256
#define MAILWIRE_TX_BUFFER_SIZE 128
#define MAILWIRE_REPLY_TEXT_SIZE 64
#define MAILWIRE_TRACE 0
#include <mailwire/mailwire.hpp>

#include <cstddef>

std::size_t firmware_reply_capacity() {
    mailwire::reply r;
    return sizeof(r.text);
}

std::size_t firmware_client_size() {
    static mailwire::client<mailwire::posix_transport> c;
    return sizeof(c) + (c.is_open() ? 1 : 0);
}
