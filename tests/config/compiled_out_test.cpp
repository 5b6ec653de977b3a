// SPDX-License-Identifier: BSL-1.0
// Built with MAILWIRE_AUTH_LOGIN=0 and MAILWIRE_TRACE=0 (tests/CMakeLists.txt): what a firmware
// configuration compiles out stays out, and says so, without a byte sent for it.
#include "../unit/support.hpp"

#include <catch2/catch.hpp>

#include <string>

static_assert(MAILWIRE_AUTH_LOGIN == 0 && MAILWIRE_TRACE == 0, "built with LOGIN and the trace compiled out");

using mailwire::auth_mechanism;
using mailwire::cause;
using mailwire::error;
using mailwire::error_kind;
using mwtest::session;

TEST_CASE("a mechanism compiled out is never chosen, and asking for it fails before anything is sent",
          "[config][auth]") {
    session t;
    mwtest::greet(t.s, {"AUTH LOGIN"});
    t.c.options().allow_plaintext_auth = true;
    REQUIRE(t.c.open("mx.example").ok());
    const std::size_t mark = t.s.written.size();

    const error chosen = t.c.authenticate({"user", "secret"}, auth_mechanism::automatic);
    INFO(mwtest::describe(chosen));
    CHECK(chosen.why == cause::mechanism_not_offered);
    CHECK(chosen.kind == error_kind::auth); // the server offers nothing this build speaks

    const error asked = t.c.authenticate({"user", "secret"}, auth_mechanism::login);
    INFO(mwtest::describe(asked));
    CHECK(asked.why == cause::mechanism_not_offered);
    CHECK(asked.kind == error_kind::usage);
    CHECK(std::string(asked.advice()).find("MAILWIRE_AUTH_") != std::string::npos);

    CHECK(t.s.written.size() == mark);
    CHECK(t.c.is_open());
}

TEST_CASE("with PLAIN still compiled in, automatic takes it", "[config][auth]") {
    session t;
    mwtest::greet(t.s, {"AUTH LOGIN PLAIN"});
    t.s.reply("235 ok\r\n");
    t.c.options().allow_plaintext_auth = true;
    REQUIRE(t.c.open("mx.example").ok());
    const std::size_t mark = t.s.written.size();
    const error e = t.c.authenticate({"user", "pass"}, auth_mechanism::automatic);
    INFO(mwtest::describe(e));
    CHECK(e.ok());
    CHECK(t.s.written.substr(mark) == "AUTH PLAIN AHVzZXIAcGFzcw==\r\n");
}

TEST_CASE("the trace compiled out: the callback is never called", "[config][trace]") {
    session t;
    int calls = 0;
    t.c.options().trace = [](void* ctx, mailwire::trace_direction, std::string_view) { ++*static_cast<int*>(ctx); };
    t.c.options().trace_context = &calls;
    mwtest::greet(t.s, {"PIPELINING"});
    t.s.reply("221 bye\r\n");
    REQUIRE(t.c.open("mx.example").ok());
    CHECK(t.c.quit().ok());
    CHECK(calls == 0);
}
