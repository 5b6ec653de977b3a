// SPDX-License-Identifier: BSL-1.0
// Envelope addresses: RFC 5321 §4.1.2 Mailbox syntax, §4.5.3.1 length limits, RFC 6531 for
// non-ASCII, and control characters (the command-injection vector) rejected before anything else.
#include "support.hpp"

#include <catch2/catch.hpp>

#include <string>

using mailwire::address_check;
using mailwire::check_mailbox;
using mailwire::check_recipient;
using mailwire::check_sender;

namespace {
std::string str(address_check c) {
    switch (c) {
    case address_check::ok: return "ok";
    case address_check::ok_needs_utf8: return "ok_needs_utf8";
    case address_check::control_char: return "control_char";
    case address_check::syntax: return "syntax";
    case address_check::too_long: return "too_long";
    }
    return "?";
}
} // namespace

TEST_CASE("accepts the mailbox forms of RFC 5321 section 4.1.2", "[unit][address]") {
    const char* const valid[] = {
        "user@example.org",
        "first.last@sub.example.co.uk",
        "user+tag@example.org",
        "x@a",                                // a single-label domain is a Domain
        "USER@EXAMPLE.ORG",
        "1234@0.example",                     // sub-domain = Let-dig [Ldh-str]: digits are fine
        "a-b@x-y.example",
        "!#$%&'*+-/=?^_`{|}~@example.org",     // every atext special
        "\"john doe\"@example.org",          // Quoted-string with a space
        "\"a\\\"b\"@example.org",            // quoted-pairSMTP: backslash, then the quote
        "\"a\\\\b\"@example.org",            // an escaped backslash
        "\"\"@example.org",                  // the empty quoted string is a Quoted-string
        "\"@\"@example.org",                 // an "@" inside quotes is text
        "user@[192.0.2.1]",                   // address literals (§4.1.3)
        "user@[IPv6:2001:db8::1]",
        "postmaster@xn--bcher-kva.example",   // an A-label is plain ASCII
    };
    for (const char* a : valid) {
        INFO(a);
        CHECK(str(check_mailbox(a)) == "ok");
    }
}

TEST_CASE("rejects malformed mailboxes as syntax errors", "[unit][address]") {
    const char* const invalid[] = {
        "",
        "user",
        "@example.org",
        "user@",
        "user@@example.org",
        "a@b@example.org",
        ".user@example.org",
        "user.@example.org",
        "us..er@example.org",
        "us er@example.org",
        "<user@example.org>",
        "user@example.org>",
        "user@-example.org",
        "user@example-.org",
        "user@exa_mple.org",
        "user@example..org",
        "user@.example.org",
        "user@example.org.",
        "user@exa mple.org",
        "user@[192.0.2.1",
        "user@192.0.2.1]",
        "user@[]",
        "user@[192.0.2 .1]",
        "\"unterminated@example.org",
        "\"a\"b\"@example.org",
        "us(comment)er@example.org",
        "user@example.org,other@example.org",
        "user\\@example.org",
    };
    for (const char* a : invalid) {
        INFO(a);
        CHECK(str(check_mailbox(a)) == "syntax");
    }
}

TEST_CASE("CR, LF and NUL anywhere in an address are control characters", "[unit][address]") {
    const std::string bad_chars[] = {std::string("\r"), std::string("\n"), std::string(1, '\0'), std::string("\r\n"),
                                     std::string("\t"), std::string("\x7f"), std::string("\x1b")};
    const std::string base = "user@example.org";
    for (const std::string& c : bad_chars) {
        for (std::size_t pos = 0; pos <= base.size(); ++pos) {
            std::string a = base;
            a.insert(pos, c);
            INFO(mwtest::escaped(a));
            CHECK(str(check_mailbox(a)) == "control_char");
            CHECK(str(check_sender(a)) == "control_char");
            CHECK(str(check_recipient(a)) == "control_char");
        }
    }
    SECTION("also inside a quoted local part, where other specials are allowed") {
        CHECK(str(check_mailbox("\"a\r\nb\"@example.org")) == "control_char");
        CHECK(str(check_mailbox(std::string("\"a\0b\"@example.org", 17))) == "control_char");
    }
    SECTION("also when the address is otherwise far too long") {
        CHECK(str(check_mailbox(std::string(300, 'a') + "\r\n@example.org")) == "control_char");
    }
    SECTION("a smuggled command after the address") {
        CHECK(str(check_recipient("victim@example.org>\r\nRCPT TO:<other@example.org")) == "control_char");
    }
}

TEST_CASE("length limits of RFC 5321 section 4.5.3.1 at the bound and one past", "[unit][address]") {
    SECTION("local part: 64 octets") {
        const std::string at_bound = std::string(64, 'l') + "@example.org";
        const std::string one_past = std::string(65, 'l') + "@example.org";
        CHECK(str(check_mailbox(at_bound)) == "ok");
        CHECK(str(check_mailbox(one_past)) == "too_long");
    }
    SECTION("quoted local part: 64 octets including the quotes") {
        const std::string at_bound = "\"" + std::string(62, 'q') + "\"@example.org";
        const std::string one_past = "\"" + std::string(63, 'q') + "\"@example.org";
        CHECK(str(check_mailbox(at_bound)) == "ok");
        CHECK(str(check_mailbox(one_past)) == "too_long");
    }
    SECTION("path: 256 octets including the angle brackets, so a mailbox of 254") {
        // local 64 + "@" + domain 189 = 254; domain labels of at most 63 octets.
        const std::string domain = std::string(63, 'a') + "." + std::string(63, 'b') + "." + std::string(61, 'c');
        REQUIRE(domain.size() == 189);
        const std::string at_bound = std::string(64, 'l') + "@" + domain;
        REQUIRE(at_bound.size() == 254);
        CHECK(str(check_mailbox(at_bound)) == "ok");
        const std::string one_past = std::string(64, 'l') + "@" + domain + "c";
        REQUIRE(one_past.size() == 255);
        CHECK(str(check_mailbox(one_past)) == "too_long");
    }
    SECTION("domain: 255 octets is the bound, 256 is past it") {
        // A 255-octet domain cannot be in a path of 256 with a local part, so both are too long as
        // mailboxes; the point is that neither is accepted.
        std::string domain;
        while (domain.size() < 255) domain += domain.empty() ? "a" : ".a";
        domain.resize(255);
        if (domain.back() == '.') domain.back() = 'b';
        CHECK(str(check_mailbox("u@" + domain)) == "too_long");
        CHECK(str(check_mailbox("u@" + domain + "x")) == "too_long");
    }
    SECTION("a domain label of 63 octets is fine, 64 is not (RFC 1035 section 2.3.4)") {
        CHECK(str(check_mailbox("u@" + std::string(63, 'd') + ".example")) == "ok");
        CHECK(check_mailbox("u@" + std::string(64, 'd') + ".example") != address_check::ok);
    }
}

TEST_CASE("non-ASCII addresses are valid only with SMTPUTF8", "[unit][address]") {
    // RFC 6531 §3.3: UTF-8 in local parts and U-labels in domains.
    CHECK(str(check_mailbox("j\xc3\xb6rg@example.org")) == "ok_needs_utf8");            // jörg
    CHECK(str(check_mailbox("user@b\xc3\xbc" "cher.example")) == "ok_needs_utf8");        // bücher
    CHECK(str(check_mailbox("\xe7\x94\xa8\xe6\x88\xb7@\xe4\xbe\x8b\xe5\xad\x90.example")) == "ok_needs_utf8");
    CHECK(str(check_mailbox("\"j\xc3\xb6rg x\"@example.org")) == "ok_needs_utf8");
    CHECK(str(check_sender("j\xc3\xb6rg@example.org")) == "ok_needs_utf8");
    CHECK(str(check_recipient("j\xc3\xb6rg@example.org")) == "ok_needs_utf8");
    // Non-ASCII does not excuse a syntax error.
    CHECK(str(check_mailbox("j\xc3\xb6rg@@example.org")) == "syntax");
    CHECK(str(check_mailbox("j\xc3\xb6rg")) == "syntax");
}

TEST_CASE("the null sender is allowed and Postmaster only as a recipient", "[unit][address]") {
    // RFC 5321 §4.5.5: MAIL FROM:<> for notifications. §4.1.1.3: RCPT TO:<Postmaster> without a domain.
    CHECK(str(check_sender("")) == "ok");
    CHECK(str(check_recipient("")) == "syntax");
    CHECK(str(check_mailbox("")) == "syntax");

    CHECK(str(check_recipient("Postmaster")) == "ok");
    CHECK(str(check_recipient("postmaster")) == "ok");
    CHECK(str(check_recipient("POSTMASTER")) == "ok");
    CHECK(str(check_sender("Postmaster")) == "syntax");
    CHECK(str(check_mailbox("Postmaster")) == "syntax");
    CHECK(str(check_recipient("Postmasters")) == "syntax");
    CHECK(str(check_recipient("Postmaster\r\n")) == "control_char");
}
