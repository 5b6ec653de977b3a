// SPDX-License-Identifier: BSL-1.0
// Must not compile: a transport without write_some, and the message must name the missing member.
// Control (-DMAILWIRE_CONTROL): the same transport with write_some compiles.
#include <mailwire/mailwire.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

struct bad_transport {
    mailwire::io_result connect(std::string_view, std::uint16_t, std::uint32_t) {
        return mailwire::io_result::fail(mailwire::io_status::refused);
    }
    mailwire::io_result read_some(char*, std::size_t, std::uint32_t) {
        return mailwire::io_result::fail(mailwire::io_status::closed);
    }
#ifdef MAILWIRE_CONTROL
    mailwire::io_result write_some(const char*, std::size_t len, std::uint32_t) {
        return mailwire::io_result::done(len);
    }
#endif
    void close() {}
};

// Calling a member instantiates the client's code paths, not just its declaration.
bool try_open() {
    mailwire::client<bad_transport, mailwire::no_tls, mailwire::profiles::relay> c;
    return c.open("h").ok();
}

int main() { return try_open() ? 1 : 0; }
