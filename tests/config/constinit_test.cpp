// SPDX-License-Identifier: BSL-1.0
// Built as C++20 (tests/CMakeLists.txt) for `constinit`: a static client needs no start-up code to initialise it.
// Every member of the client, its options and mailwire's own policies starts as zero bits, so the
// compiler constant-initialises a static client (the build fails here if one stops being), and
// zero bits put it in .bss: no flash for an initial image, no static constructor, no static
// initialisation order to think of (examples/firmware's images have none for the client).
#include "../unit/support.hpp"

#include <mailwire/mailwire.hpp>
#if defined(MAILWIRE_TEST_WITH_MBEDTLS)
#include <mailwire/mbedtls_tls.hpp>
#endif

#include <catch2/catch.hpp>

#include <cstddef>

namespace {

/// A transport with no state, as a firmware's modem or lwIP transport may be.
struct stateless_transport {
    mailwire::io_result connect(std::string_view, std::uint16_t, std::uint32_t) { return mailwire::io_result::fail(mailwire::io_status::refused); }
    mailwire::io_result read_some(char*, std::size_t, std::uint32_t) { return mailwire::io_result::fail(mailwire::io_status::error); }
    mailwire::io_result write_some(const char*, std::size_t, std::uint32_t) { return mailwire::io_result::fail(mailwire::io_status::error); }
    void close() {}
};

using plain_client = mailwire::basic_client<stateless_transport, mailwire::no_tls,
                                            mailwire::profiles::custom<2525, mailwire::encryption::none>,
                                            mailwire::tick_clock>;
constinit plain_client plain;
#if defined(MAILWIRE_TEST_WITH_MBEDTLS)
using tls_client = mailwire::basic_client<stateless_transport, mailwire::mbedtls_tls, mailwire::profiles::submissions,
                                          mailwire::tick_clock>;
constinit tls_client with_tls;
#endif

template <class T>
std::size_t nonzero_bytes(const T& object) {
    const auto* bytes = reinterpret_cast<const unsigned char*>(&object);
    std::size_t n = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i) n += bytes[i] != 0;
    return n;
}

} // namespace

TEST_CASE("a static client is constant-initialised to zero bits", "[config][footprint]") {
    CHECK(nonzero_bytes(plain) == 0);
    // Before open() the accessors still give the profile's port and encryption.
    CHECK(plain.port() == 2525);
    CHECK(plain.mode() == mailwire::encryption::none);
    CHECK_FALSE(plain.options().disable_pipelining);
#if defined(MAILWIRE_TEST_WITH_MBEDTLS)
    CHECK(nonzero_bytes(with_tls) == 0);
    CHECK(with_tls.port() == 465);
    CHECK(with_tls.mode() == mailwire::encryption::implicit);
#endif
}

TEST_CASE("zero options are the defaults: a constant-initialised client opens like any other", "[config][footprint]") {
    static constinit mwtest::scripted_client<> c;
    mwtest::script s;
    c.transport() = mwtest::scripted_transport(s);
    c.clock() = s.clock();
    c.options().ehlo_name = "client.example";
    mwtest::greet(s, {"PIPELINING"});
    REQUIRE(c.open("mx.example").ok());
    CHECK(c.port() == 25);
    CHECK(c.mode() == mailwire::encryption::opportunistic);
    CHECK(c.options().timeout.mail == mailwire::timeouts::defaults().mail);
    CHECK(c.server_capabilities().pipelining);
    c.close();
}
