// SPDX-License-Identifier: BSL-1.0
// Compile-time profiles (the port table) and the transport requirement trait. The
// compile-time facts are checked twice: by static_assert (the build fails) and by REQUIRE (the
// report shows them).
#include "support.hpp"

#include <catch2/catch.hpp>

#include <type_traits>

using mailwire::encryption;
namespace profiles = mailwire::profiles;

namespace {
using custom_8025 = profiles::custom<8025, encryption::starttls>;

static_assert(profiles::relay::port == 25 && profiles::relay::mode == encryption::opportunistic, "relay: 25, opportunistic");
static_assert(profiles::submission::port == 587 && profiles::submission::mode == encryption::starttls, "submission: 587");
static_assert(profiles::submissions::port == 465 && profiles::submissions::mode == encryption::implicit, "submissions: 465");
static_assert(profiles::alternate::port == 2525 && profiles::alternate::mode == encryption::starttls, "alternate: 2525");
static_assert(custom_8025::port == 8025 && custom_8025::mode == encryption::starttls, "custom profile");
static_assert(mailwire::is_transport<mwtest::scripted_transport>::value, "the scripted transport is a transport");
static_assert(!mailwire::is_transport<int>::value, "int is not a transport");

/// A type with everything but write_some.
struct no_write {
    mailwire::io_result connect(std::string_view, std::uint16_t, std::uint32_t) { return {}; }
    mailwire::io_result read_some(char*, std::size_t, std::uint32_t) { return {}; }
    void close() {}
};
} // namespace

TEST_CASE("each profile has the port and encryption of the issue's table", "[unit][profiles]") {
    CHECK(profiles::relay::port == 25);
    CHECK(profiles::relay::mode == encryption::opportunistic);
    CHECK(profiles::submission::port == 587);
    CHECK(profiles::submission::mode == encryption::starttls);
    CHECK(profiles::submissions::port == 465);
    CHECK(profiles::submissions::mode == encryption::implicit);
    CHECK(profiles::alternate::port == 2525);
    CHECK(profiles::alternate::mode == encryption::starttls);
}

TEST_CASE("a user-defined profile carries any port and mode", "[unit][profiles]") {
    CHECK(custom_8025::port == 8025);
    CHECK(custom_8025::mode == encryption::starttls);
    using plain_588 = mailwire::profile<588, encryption::none>;
    CHECK(plain_588::port == 588);
    CHECK(plain_588::mode == encryption::none);
}

TEST_CASE("only STARTTLS-required and implicit TLS require TLS", "[unit][profiles]") {
    CHECK_FALSE(mailwire::requires_tls(encryption::none));
    CHECK_FALSE(mailwire::requires_tls(encryption::opportunistic));
    CHECK(mailwire::requires_tls(encryption::starttls));
    CHECK(mailwire::requires_tls(encryption::implicit));
    CHECK(mailwire::requires_tls(profiles::submission::mode));
    CHECK(mailwire::requires_tls(profiles::submissions::mode));
    CHECK(mailwire::requires_tls(profiles::alternate::mode));
    CHECK_FALSE(mailwire::requires_tls(profiles::relay::mode));
    CHECK(std::string(mailwire::to_string(encryption::starttls)) == "starttls");
    CHECK(std::string(mailwire::to_string(encryption::implicit)) == "implicit");
}

TEST_CASE("the transport trait tells a transport from anything else", "[unit][profiles][transport]") {
    CHECK(mailwire::is_transport<mwtest::scripted_transport>::value);
    CHECK(mailwire::is_transport<mailwire::posix_transport>::value);
    CHECK_FALSE(mailwire::is_transport<int>::value);
    CHECK_FALSE(mailwire::is_transport<no_write>::value);
}

TEST_CASE("a client uses the profile's port unless the options override it", "[unit][profiles][dialogue]") {
    SECTION("relay connects to 25") {
        mwtest::session t;
        mwtest::greet(t.s);
        REQUIRE(t.c.open("mx.example").ok());
        CHECK(t.s.connected_port == 25);
        CHECK(t.s.connected_host == "mx.example");
        CHECK(t.c.port() == 25);
    }
    SECTION("a custom plaintext profile connects to its port") {
        mwtest::basic_session<mailwire::profile<8025, encryption::none>> t;
        mwtest::greet(t.s);
        REQUIRE(t.c.open("mx.example").ok());
        CHECK(t.s.connected_port == 8025);
    }
    SECTION("options().port wins") {
        mwtest::session t;
        t.c.options().port = 2526;
        mwtest::greet(t.s);
        REQUIRE(t.c.open("mx.example").ok());
        CHECK(t.s.connected_port == 2526);
    }
}

TEST_CASE("a run-time profile asking for TLS without a TLS policy fails before connecting", "[unit][profiles]") {
    for (encryption mode : {encryption::starttls, encryption::implicit}) {
        INFO("mode " << mailwire::to_string(mode));
        mwtest::basic_session<profiles::runtime> t;
        mwtest::greet(t.s);
        t.c.options().override_encryption = true;
        t.c.options().mode = mode;
        const mailwire::error e = t.c.open("mx.example");
        INFO(mwtest::describe(e));
        CHECK(e.kind == mailwire::error_kind::usage);
        CHECK(e.why == mailwire::cause::tls_not_available);
        CHECK(e.where == mailwire::phase::connect);
        CHECK(std::string(e.advice()) != "");
        CHECK(t.s.connects == 0);
        CHECK(t.s.written.empty());
        CHECK_FALSE(t.c.is_open());
    }
    SECTION("the same profile with no encryption connects") {
        mwtest::basic_session<profiles::runtime> t;
        mwtest::greet(t.s);
        t.c.options().override_encryption = true;
        t.c.options().mode = encryption::none;
        t.c.options().port = 2525;
        REQUIRE(t.c.open("mx.example").ok());
        CHECK(t.s.connects == 1);
        CHECK(t.s.connected_port == 2525);
    }
}

TEST_CASE("an opportunistic profile without a TLS policy stays in plaintext and sends no STARTTLS", "[unit][profiles][dialogue]") {
    // RFC 3207 §4: STARTTLS is optional for a relay; without a TLS policy the client cannot use it.
    mwtest::session t;
    mwtest::greet(t.s, {"STARTTLS", "PIPELINING"});
    const mailwire::error e = t.c.open("mx.example");
    INFO(mwtest::describe(e));
    REQUIRE(e.ok());
    CHECK(t.s.written == mwtest::ehlo_line());
    CHECK_FALSE(t.c.encrypted());
    CHECK(t.c.server_capabilities().starttls);
}

TEST_CASE("a compile-time profile keeps its encryption: open() refuses an override to another mode", "[unit][profiles]") {
    // The profile is the compile-time choice; only profiles::runtime takes its mode from options().
    // (A fixed profile that could be switched at run time would also have to carry the code for
    // every mode, which the firmware images leave out.)
    SECTION("plaintext profile asked for STARTTLS") {
        mwtest::basic_session<profiles::custom<2525, encryption::none>> t;
        mwtest::greet(t.s);
        t.c.options().override_encryption = true;
        t.c.options().mode = encryption::opportunistic;
        const mailwire::error e = t.c.open("mx.example");
        INFO(mwtest::describe(e));
        CHECK(e.kind == mailwire::error_kind::usage);
        CHECK(e.why == mailwire::cause::bad_argument);
        CHECK(e.where == mailwire::phase::connect);
        CHECK(std::string(e.advice()).find("runtime") != std::string::npos); // what to use instead
        CHECK(t.s.connects == 0);
        CHECK(t.s.written.empty());
    }
    SECTION("an override to the profile's own mode changes nothing") {
        mwtest::basic_session<profiles::custom<2525, encryption::none>> t;
        mwtest::greet(t.s);
        t.c.options().override_encryption = true;
        t.c.options().mode = encryption::none;
        REQUIRE(t.c.open("mx.example").ok());
        CHECK(t.c.mode() == encryption::none);
        CHECK(t.s.connects == 1);
    }
}
