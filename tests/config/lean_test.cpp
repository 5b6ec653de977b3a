// SPDX-License-Identifier: BSL-1.0
// Built with MAILWIRE_MAIL_PARAMETERS=0 and MAILWIRE_ADDRESS_SYNTAX=0 (tests/CMakeLists.txt), as
// examples/firmware's mailwire_config.h sets them: the client acts as with a server that offers
// neither SIZE, 8BITMIME nor SMTPUTF8, and addresses are checked only for what keeps the command
// line whole. Everything that stops an injection still does.
#include "../unit/support.hpp"


#include <catch2/catch.hpp>

#include <string>

static_assert(MAILWIRE_MAIL_PARAMETERS == 0 && MAILWIRE_ADDRESS_SYNTAX == 0, "built with both compiled out");

using mailwire::address_check;
using mailwire::cause;
using mailwire::check_mailbox;
using mailwire::check_recipient;
using mailwire::error_kind;
using mwtest::recipients;
using mwtest::session;

namespace {
const std::string message = "Subject: t\r\n\r\nhi\r\n";

void open_with(session& t) { REQUIRE(t.c.open("mx.example").ok()); }
} // namespace

TEST_CASE("without MAIL parameters the server's SIZE, 8BITMIME and SMTPUTF8 are not used", "[config][lean]") {
    session t;
    mwtest::greet(t.s, {"PIPELINING", "SIZE 1000", "8BITMIME", "SMTPUTF8"});
    open_with(t);
    const mailwire::capabilities& caps = t.c.server_capabilities();
    CHECK(caps.pipelining);
    CHECK_FALSE(caps.size);
    CHECK(caps.size_limit == 0);
    CHECK_FALSE(caps.eightbitmime);
    CHECK_FALSE(caps.smtputf8);

    SECTION("MAIL FROM has no parameters, and the server alone judges the size") {
        t.s.reply("250 ok\r\n").reply("250 ok\r\n").reply("354 go\r\n").reply("250 queued\r\n");
        recipients to({"b@example.org"});
        mailwire::envelope env = to.envelope("a@example.org");
        env.size = 5000; // over the SIZE 1000 the server offered: not refused here
        mailwire::string_source body(message);
        const mailwire::send_result r = t.c.send(env, body);
        INFO(mwtest::describe(r.err));
        CHECK(r.ok());
        REQUIRE(t.s.commands.size() >= 2);
        CHECK(t.s.commands[1] == "MAIL FROM:<a@example.org>");
    }
    SECTION("8-bit content is refused before anything is sent: without BODY=8BITMIME it may not go (RFC 6152)") {
        const std::size_t mark = t.s.written.size();
        recipients to({"b@example.org"});
        mailwire::envelope env = to.envelope("a@example.org");
        env.eight_bit = true;
        mailwire::string_source body(message);
        const mailwire::send_result r = t.c.send(env, body);
        INFO(mwtest::describe(r.err));
        CHECK(r.err.why == cause::eight_bit_not_supported);
        CHECK(t.s.written.size() == mark);
    }
    SECTION("a non-ASCII address fails before anything is sent") {
        const std::size_t mark = t.s.written.size();
        recipients to({"j\xc3\xb6rg@example.org"});
        mailwire::envelope env = to.envelope("a@example.org");
        const mailwire::send_result r = t.c.send(env, message);
        CHECK(r.err.why == cause::utf8_not_supported);
        CHECK(r.err.kind == error_kind::usage);
        CHECK(t.s.written.size() == mark);
        CHECK(t.c.is_open());
    }
}

TEST_CASE("the composer sees no 8BITMIME and encodes 8-bit text for a 7-bit path", "[config][lean]") {
    session t;
    mwtest::greet(t.s, {"8BITMIME", "SMTPUTF8"});
    t.s.reply("250 ok\r\n").reply("250 ok\r\n").reply("354 go\r\n").reply("250 queued\r\n");
    open_with(t);
    mailwire::basic_message<2, 1, 1> m;
    REQUIRE(m.from("a@example.org").ok());
    REQUIRE(m.to("b@example.org").ok());
    REQUIRE(m.subject("K\xc3\xbchlraum").ok());
    REQUIRE(m.text("Temperatur \xc3\xbc""ber Grenzwert\n").ok());
    mailwire::recipient storage[1];
    const mailwire::send_result r = mailwire::send_message(t.c, m, storage, 1);
    INFO(mwtest::describe(r.err));
    REQUIRE(r.ok());
    CHECK(t.s.commands[1] == "MAIL FROM:<a@example.org>");
    REQUIRE(t.s.contents.size() == 1);
    for (char c : t.s.contents[0]) CHECK(static_cast<unsigned char>(c) < 0x80);
}

TEST_CASE("without the full syntax check, an address is checked for what keeps the command line whole",
          "[config][lean]") {
    // The server judges these (RFC 5321 syntax errors, accepted here).
    for (const char* loose : {"a..b@example.org", ".a@example.org", "a@-example-.org", "a@example..org",
                              "\"quoted\"@example.org", "a@[192.0.2.1", "a\"b@example.org"}) {
        INFO(loose);
        CHECK(check_mailbox(loose) == address_check::ok);
    }
    // What would end the path or the line early, or leave a side empty, is still refused.
    for (const char* bad : {"a b@example.org", "a@example.org> SIZE=1", "<a@example.org>", "a@exam<ple.org",
                            "@example.org", "a@", "a", "", "\"a b\"@example.org"}) {
        INFO(bad);
        CHECK(check_mailbox(bad) == address_check::syntax);
    }
    for (const char* ctl : {"a@example.org\r\nRSET", "a\n@example.org", "a@exa\tmple.org", "a@example.org\x7f"}) {
        INFO(mwtest::escaped(ctl));
        CHECK(check_mailbox(ctl) == address_check::control_char);
    }
    CHECK(check_mailbox(std::string(65, 'a') + "@example.org") == address_check::too_long); // §4.5.3.1.1
    CHECK(check_mailbox(std::string(64, 'a') + "@example.org") == address_check::ok);
    CHECK(check_mailbox("a@" + std::string(253, 'b')) == address_check::too_long); // §4.5.3.1.3: 256 with <>
    CHECK(check_mailbox("a@" + std::string(252, 'b')) == address_check::ok);
    CHECK(check_mailbox("j\xc3\xb6rg@example.org") == address_check::ok_needs_utf8);
    CHECK(check_recipient("Postmaster") == address_check::ok);
    CHECK(check_recipient("postmaster@example.org") == address_check::ok);

    SECTION("and the client refuses the same before a byte is written") {
        session t;
        mwtest::greet(t.s, {"PIPELINING"});
        open_with(t);
        const std::size_t mark = t.s.written.size();
        recipients to({"b@example.org", "c@example.org> NOTIFY=NEVER"});
        mailwire::envelope env = to.envelope("a@example.org");
        const mailwire::send_result r = t.c.send(env, message);
        CHECK(r.err.why == cause::bad_address);
        CHECK(t.s.written.size() == mark);
    }
}
