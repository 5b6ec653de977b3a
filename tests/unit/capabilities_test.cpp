// SPDX-License-Identifier: BSL-1.0
// The EHLO reply's extension lines (RFC 5321 §4.1.1.1): keywords case-insensitive (§2.4), odd
// lines ignored, SIZE (RFC 1870) with and without its argument, AUTH (RFC 4954) old and new form.
#include "support.hpp"

#include <catch2/catch.hpp>

#include <string>

using mailwire::auth_mechanism;
using mailwire::capabilities;

namespace {

capabilities parse(std::initializer_list<std::string> lines) {
    capabilities caps;
    for (const std::string& l : lines) caps.add_line(l);
    return caps;
}

bool nothing_set(const capabilities& c) {
    return !c.esmtp && !c.size && c.size_limit == 0 && !c.pipelining && !c.starttls && !c.eightbitmime && !c.smtputf8 &&
           !c.chunking && !c.dsn && !c.enhanced_status_codes && !c.auth && c.auth_mechanisms == 0;
}

} // namespace

TEST_CASE("recognises every extension keyword the issue lists", "[unit][capabilities]") {
    CHECK(parse({"PIPELINING"}).pipelining);
    CHECK(parse({"STARTTLS"}).starttls);
    CHECK(parse({"8BITMIME"}).eightbitmime);
    CHECK(parse({"SMTPUTF8"}).smtputf8);
    CHECK(parse({"CHUNKING"}).chunking);
    CHECK(parse({"DSN"}).dsn);
    CHECK(parse({"ENHANCEDSTATUSCODES"}).enhanced_status_codes);
    CHECK(parse({"SIZE 35882577"}).size);
    CHECK(parse({"AUTH PLAIN"}).auth);

    SECTION("a full reply sets each flag once and nothing else") {
        const capabilities c = parse({"PIPELINING", "SIZE 10240000", "ETRN", "STARTTLS", "ENHANCEDSTATUSCODES", "8BITMIME",
                                      "DSN", "SMTPUTF8", "CHUNKING", "AUTH PLAIN LOGIN"});
        CHECK(c.pipelining);
        CHECK(c.size);
        CHECK(c.size_limit == 10240000u);
        CHECK(c.starttls);
        CHECK(c.enhanced_status_codes);
        CHECK(c.eightbitmime);
        CHECK(c.dsn);
        CHECK(c.smtputf8);
        CHECK(c.chunking);
        CHECK(c.auth);
        CHECK(c.offers(auth_mechanism::plain));
        CHECK(c.offers(auth_mechanism::login));
        CHECK_FALSE(c.offers(auth_mechanism::xoauth2));
        CHECK_FALSE(c.offers(auth_mechanism::oauthbearer));
    }
    SECTION("one keyword does not set another") {
        const capabilities c = parse({"PIPELINING"});
        CHECK_FALSE(c.starttls);
        CHECK_FALSE(c.size);
        CHECK_FALSE(c.auth);
        CHECK_FALSE(c.chunking);
    }
}

TEST_CASE("extension keywords are case-insensitive", "[unit][capabilities]") {
    // RFC 5321 §2.4: verbs and extension keywords are not case sensitive.
    CHECK(parse({"pipelining"}).pipelining);
    CHECK(parse({"PipeLining"}).pipelining);
    CHECK(parse({"starttls"}).starttls);
    CHECK(parse({"smtputf8"}).smtputf8);
    CHECK(parse({"8bitmime"}).eightbitmime);
    CHECK(parse({"EnhancedStatusCodes"}).enhanced_status_codes);
    const capabilities size = parse({"Size 1000"});
    CHECK(size.size);
    CHECK(size.size_limit == 1000u);
    const capabilities auth = parse({"auth plain Login xoauth2 OAuthBearer"});
    CHECK(auth.offers(auth_mechanism::plain));
    CHECK(auth.offers(auth_mechanism::login));
    CHECK(auth.offers(auth_mechanism::xoauth2));
    CHECK(auth.offers(auth_mechanism::oauthbearer));
}

TEST_CASE("SIZE with and without its argument", "[unit][capabilities]") {
    SECTION("SIZE without argument: offered, no fixed limit stated (RFC 1870 section 4)") {
        const capabilities c = parse({"SIZE"});
        CHECK(c.size);
        CHECK(c.size_limit == 0u);
    }
    SECTION("SIZE 0 also means no fixed limit") {
        const capabilities c = parse({"SIZE 0"});
        CHECK(c.size);
        CHECK(c.size_limit == 0u);
    }
    SECTION("a limit that fits is kept exactly") {
        CHECK(parse({"SIZE 52428800"}).size_limit == 52428800u);
        CHECK(parse({"SIZE 1"}).size_limit == 1u);
        CHECK(parse({"SIZE 4294967296"}).size_limit == 4294967296ull); // more than 32 bits
    }
    SECTION("a huge argument never wraps around into a small limit") {
        for (const char* l : {"SIZE 18446744073709551616", "SIZE 99999999999999999999999999999999",
                              "SIZE 184467440737095516150"}) {
            INFO(l);
            const capabilities c = parse({l});
            CHECK(c.size);
            // Either "no limit stated" or a limit no real message reaches; never a wrapped value.
            CHECK((c.size_limit == 0u || c.size_limit >= 1000000000000000000ull));
        }
    }
    SECTION("a garbage argument does not invent a limit") {
        const capabilities c = parse({"SIZE abc"});
        CHECK(c.size);
        CHECK(c.size_limit == 0u);
    }
}

TEST_CASE("AUTH in the RFC 4954 form and the old AUTH= form", "[unit][capabilities]") {
    SECTION("every mechanism mailwire speaks, and one it does not") {
        const capabilities c = parse({"AUTH PLAIN LOGIN XOAUTH2 OAUTHBEARER CRAM-MD5"});
        CHECK(c.auth);
        CHECK(c.offers(auth_mechanism::plain));
        CHECK(c.offers(auth_mechanism::login));
        CHECK(c.offers(auth_mechanism::xoauth2));
        CHECK(c.offers(auth_mechanism::oauthbearer));
    }
    SECTION("the pre-standard AUTH=LOGIN PLAIN that old servers send") {
        const capabilities c = parse({"AUTH=LOGIN PLAIN"});
        CHECK(c.auth);
        CHECK(c.offers(auth_mechanism::login));
        CHECK(c.offers(auth_mechanism::plain));
        CHECK_FALSE(c.offers(auth_mechanism::xoauth2));
    }
    SECTION("both forms in one reply add up") {
        const capabilities c = parse({"AUTH LOGIN", "AUTH=PLAIN"});
        CHECK(c.offers(auth_mechanism::login));
        CHECK(c.offers(auth_mechanism::plain));
    }
    SECTION("only mechanisms mailwire does not speak") {
        const capabilities c = parse({"AUTH CRAM-MD5 GSSAPI NTLM"});
        CHECK(c.auth);
        CHECK(c.auth_mechanisms == 0);
    }
    SECTION("a mechanism name must match whole, not as a prefix") {
        const capabilities c = parse({"AUTH PLAINX LOGINS XOAUTH OAUTHBEARER2"});
        CHECK_FALSE(c.offers(auth_mechanism::plain));
        CHECK_FALSE(c.offers(auth_mechanism::login));
        CHECK_FALSE(c.offers(auth_mechanism::xoauth2));
        CHECK_FALSE(c.offers(auth_mechanism::oauthbearer));
    }
    SECTION("several spaces between mechanisms") {
        const capabilities c = parse({"AUTH   PLAIN    LOGIN  "});
        CHECK(c.offers(auth_mechanism::plain));
        CHECK(c.offers(auth_mechanism::login));
    }
    SECTION("AUTH without any mechanism") {
        const capabilities c = parse({"AUTH"});
        CHECK(c.auth);
        CHECK(c.auth_mechanisms == 0);
    }
}

TEST_CASE("odd EHLO lines are ignored", "[unit][capabilities]") {
    const std::string garbage_bytes("\x01\x02\xff\xfe\x80 junk\x7f", 11);
    const std::string with_nul("PIPE\0LINING", 11);
    const capabilities c = parse({"", " ", "    ", garbage_bytes, with_nul, "X-EXPS GSSAPI NTLM", "XFORWARD NAME ADDR",
                                  "PIPELININGX", "STARTTLSX", "SIZEX 100", "AUTHX PLAIN", "8BITMIMES", "-", "=", "==PLAIN"});
    INFO("parsed lines were all unknown or broken");
    CHECK(nothing_set(c));
}

TEST_CASE("the first EHLO line is the server's name, not an extension", "[unit][capabilities][dialogue]") {
    // RFC 5321 §4.1.1.1: ehlo-ok-rsp = "250" SP Domain [ SP ehlo-greet ] CRLF, or the multi-line
    // form whose first line carries the Domain. A server whose name is "PIPELINING" offers nothing.
    mwtest::session t;
    t.s.reply("220 mx.example ESMTP\r\n").reply("250-PIPELINING\r\n250 SIZE 1000\r\n");
    const mailwire::error e = t.c.open("mx.example");
    INFO(mwtest::describe(e));
    REQUIRE(e.ok());
    CHECK_FALSE(t.c.server_capabilities().pipelining);
    CHECK(t.c.server_capabilities().size);
    CHECK(t.c.server_capabilities().esmtp);

    mwtest::session u;
    u.s.reply("220 mx.example ESMTP\r\n").reply("250 STARTTLS\r\n");
    REQUIRE(u.c.open("mx.example").ok());
    CHECK_FALSE(u.c.server_capabilities().starttls);
}
