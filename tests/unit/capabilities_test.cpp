// SPDX-License-Identifier: BSL-1.0
// The EHLO reply's extension lines (RFC 5321 §4.1.1.1): keywords case-insensitive (§2.4), odd
// lines ignored, SIZE (RFC 1870) with and without its argument, AUTH (RFC 4954) old and new form.
//
// The EHLO capability parser on its edges: each keyword sets its own flag and nothing else, in any
// ASCII case (RFC 5321 §2.4) and only in ASCII case, the separators ' ' and '=', SIZE's digits and
// its exact overflow bound (RFC 1870), AUTH lines repeated and odd (RFC 4954). Written against the
// parser as it stood before it was made smaller for the firmware; the last test compares with that
// earlier parser, kept here as a reference model.
#include "support.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <string_view>

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

// ---------------------------------------------------------------- edges

namespace {

// Every field in one string, to compare two parses whole.
std::string fields(const capabilities& c) {
    std::string s;
    for (bool b : {c.esmtp, c.size, c.pipelining, c.starttls, c.eightbitmime, c.smtputf8, c.chunking, c.dsn,
                   c.enhanced_status_codes, c.auth})
        s += b ? '1' : '0';
    s += " limit=" + std::to_string(c.size_limit) + " mechs=" + std::to_string(c.auth_mechanisms);
    return s;
}

// The parser as it was before the size work (include/mailwire/capabilities.hpp at 1e948a1),
// restated as a plain model.
namespace model {
char upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c; }
bool same(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (upper(a[i]) != upper(b[i])) return false;
    return true;
}
void add_line(capabilities& c, std::string_view line) {
    while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
    std::size_t end = 0;
    while (end < line.size() && line[end] != ' ' && line[end] != '=') ++end;
    const std::string_view keyword = line.substr(0, end);
    std::string_view params = end < line.size() ? line.substr(end + 1) : std::string_view();
    if (same(keyword, "PIPELINING")) c.pipelining = true;
    else if (same(keyword, "STARTTLS")) c.starttls = true;
    else if (same(keyword, "8BITMIME")) c.eightbitmime = true;
    else if (same(keyword, "SMTPUTF8")) c.smtputf8 = true;
    else if (same(keyword, "CHUNKING")) c.chunking = true;
    else if (same(keyword, "DSN")) c.dsn = true;
    else if (same(keyword, "ENHANCEDSTATUSCODES")) c.enhanced_status_codes = true;
    else if (same(keyword, "SIZE")) {
        c.size = true;
        std::uint64_t v = 0;
        bool any = false;
        for (char ch : params) {
            if (ch < '0' || ch > '9') break;
            if (v > (UINT64_MAX - 9) / 10) {
                any = false;
                break;
            }
            v = v * 10 + static_cast<std::uint64_t>(ch - '0');
            any = true;
        }
        c.size_limit = any ? v : 0;
    } else if (same(keyword, "AUTH")) {
        c.auth = true;
        const char* const names[] = {"PLAIN", "LOGIN", "XOAUTH2", "OAUTHBEARER"};
        while (!params.empty()) {
            std::size_t s = 0;
            while (s < params.size() && params[s] == ' ') ++s;
            std::size_t e = s;
            while (e < params.size() && params[e] != ' ') ++e;
            const std::string_view mech = params.substr(s, e - s);
            for (unsigned m = 0; m < 4; ++m)
                if (same(mech, names[m])) c.auth_mechanisms = static_cast<std::uint8_t>(c.auth_mechanisms | (2u << m));
            params.remove_prefix(e);
        }
    }
}
} // namespace model

const char* const keywords[] = {"PIPELINING", "STARTTLS", "8BITMIME", "SMTPUTF8", "CHUNKING", "DSN", "ENHANCEDSTATUSCODES",
                                "SIZE",       "AUTH"};

} // namespace

TEST_CASE("each keyword sets its own field and nothing else", "[unit][capabilities]") {
    const char* const expected[] = {"0010000000", "0001000000", "0000100000", "0000010000", "0000001000",
                                    "0000000100", "0000000010", "0100000000", "0000000001"};
    for (std::size_t k = 0; k < 9; ++k) {
        const std::string kw = keywords[k];
        std::string lower = kw;
        for (char& c : lower)
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
        const std::string want = std::string(expected[k]) + " limit=0 mechs=0";
        for (const std::string& line : {kw, lower, "  " + kw, kw + " ", kw + "=", kw + " x y", kw + "=x"}) {
            INFO(line);
            CHECK(fields(parse({line})) == want);
        }
        // Not a prefix, not a longer word, not with another separator.
        for (const std::string& line : {kw + "S", kw.substr(0, kw.size() - 1), "X" + kw, kw + "\t", kw + "-",
                                        std::string(1, '\0') + kw, "=" + kw, kw + std::string(1, '\0')}) {
            INFO(mwtest::escaped(line));
            CHECK(fields(parse({line})) == "0000000000 limit=0 mechs=0");
        }
    }
}

TEST_CASE("keywords fold ASCII case only", "[unit][capabilities]") {
    CHECK(parse({"pIpElInInG"}).pipelining);
    CHECK(parse({"enhancedstatuscodes"}).enhanced_status_codes);
    CHECK(parse({"SmtpUtf8"}).smtputf8);
    CHECK(parse({"dsn"}).dsn);
    CHECK(parse({"size=5"}).size_limit == 5u);
    // '8' does not fold to 0x18, 'I' only to 'i', 0x80 + letter is not a letter.
    CHECK_FALSE(parse({"\x18" "BITMIME"}).eightbitmime);
    CHECK_FALSE(parse({"SMTPUTF\x18"}).smtputf8);
    CHECK_FALSE(parse({"P\xc9PELINING"}).pipelining);
    CHECK_FALSE(parse({"P\xe9PELINING"}).pipelining);
    CHECK_FALSE(parse({"DS\x0e"}).dsn);
    CHECK_FALSE(parse({"D\x13N"}).dsn);
    CHECK(parse({"AUTH xoauth2"}).offers(auth_mechanism::xoauth2));
    CHECK_FALSE(parse({"AUTH XOAUTH\x12"}).offers(auth_mechanism::xoauth2));
    CHECK_FALSE(parse({"AUTH \x10LAIN"}).offers(auth_mechanism::plain));
}

TEST_CASE("SIZE's digits and the exact bound where a limit stops being read", "[unit][capabilities]") {
    CHECK(parse({"SIZE=100"}).size_limit == 100u);
    CHECK(parse({"SIZE 000123"}).size_limit == 123u);
    CHECK(parse({"SIZE 100abc"}).size_limit == 100u);
    CHECK(parse({"SIZE 100 200"}).size_limit == 100u);
    CHECK(parse({"SIZE  100"}).size_limit == 0u); // the argument starts right after one separator
    CHECK(parse({"SIZE -1"}).size_limit == 0u);
    CHECK(parse({"SIZE +1"}).size_limit == 0u);
    CHECK(parse({"SIZE=-1"}).size_limit == 0u);
    CHECK(parse({"SIZE 1844674407370955160"}).size_limit == 1844674407370955160ull);
    CHECK(parse({"SIZE 18446744073709551609"}).size_limit == 18446744073709551609ull);
    CHECK(parse({"SIZE 18446744073709551610"}).size_limit == 0u);
    CHECK(parse({"SIZE 18446744073709551615"}).size_limit == 0u);
    CHECK(parse({"SIZE 00000000000000000000000000018446744073709551609"}).size_limit == 18446744073709551609ull);
    CHECK(parse({"SIZE 184467440737095516090"}).size_limit == 0u);
    CHECK(parse({"SIZE 99999999999999999999x"}).size_limit == 0u);
    // The last SIZE line counts, also when it states no limit.
    CHECK(parse({"SIZE 100", "SIZE 200"}).size_limit == 200u);
    const capabilities c = parse({"SIZE 100", "SIZE"});
    CHECK(c.size);
    CHECK(c.size_limit == 0u);
    CHECK(parse({"SIZE 100", "SIZEX 5"}).size_limit == 100u);
}

TEST_CASE("AUTH lines repeated, mixed and odd", "[unit][capabilities]") {
    CHECK(parse({"AUTH PLAIN", "AUTH PLAIN"}).auth_mechanisms == 2u);
    CHECK(parse({"AUTH PLAIN", "AUTH LOGIN", "AUTH=XOAUTH2", "auth oauthbearer"}).auth_mechanisms == 30u);
    CHECK(parse({"AUTH PLAIN", "AUTH"}).auth_mechanisms == 2u); // a later line adds, never removes
    CHECK(parse({"AUTH PLAIN PLAIN plain"}).auth_mechanisms == 2u);
    CHECK(parse({"AUTH=PLAIN=LOGIN"}).auth_mechanisms == 0u);
    CHECK(parse({"AUTH PLAIN=LOGIN"}).auth_mechanisms == 0u);
    CHECK(parse({"AUTH= PLAIN"}).auth_mechanisms == 2u);
    CHECK(parse({"AUTH =PLAIN"}).auth_mechanisms == 0u);
    CHECK(parse({"AUTH PLAIN\tLOGIN"}).auth_mechanisms == 0u);
    CHECK(parse({"AUTH\tPLAIN"}).auth == false);
    CHECK(parse({"AUTH LOGIN "}).auth_mechanisms == 4u);
    CHECK(parse({"AUTH  "}).auth_mechanisms == 0u);
    CHECK(parse({"AUTH PLAI"}).auth_mechanisms == 0u);
    CHECK(parse({"AUTH OAUTHBEARE"}).auth_mechanisms == 0u);
    CHECK(parse({"AUTH XOAUTH2 OAUTHBEARER"}).auth_mechanisms == 24u);
    CHECK(parse({"AUTH GSSAPI NTLM PLAIN"}).auth_mechanisms == 2u);
    CHECK(parse({std::string("AUTH PLAIN\0LOGIN", 16)}).auth_mechanisms == 0u);
    CHECK(parse({"AUTH STARTTLS SIZE"}).auth_mechanisms == 0u); // keywords are not mechanisms
    CHECK_FALSE(parse({"AUTH STARTTLS SIZE"}).starttls);
    CHECK(parse({"PLAIN"}).auth_mechanisms == 0u);               // nor mechanisms keywords
    CHECK(fields(parse({"PLAIN", "LOGIN"})) == "0000000000 limit=0 mechs=0");
}

TEST_CASE("the capability parser agrees with the reference model", "[unit][capabilities]") {
    // Lines of up to four pieces from a set of words, separators and near-misses, fed one and two at
    // a time; the two parsers must leave identical fields.
    const std::string pieces[] = {"",         " ",       "=",    "SIZE",   "size",       "AUTH",     "Auth",
                                  "PLAIN",    "login",   "XOAUTH2", "OAUTHBEARER", "DSN",   "dsn",  "DSNX",
                                  "8BITMIME", "STARTTLS", "123",  "18446744073709551609", "18446744073709551610",
                                  "x",        std::string(1, '\0'), "\t",  "\xc3\xa9", "SMTPUTF8", "CHUNKING",
                                  "PIPELINING", "ENHANCEDSTATUSCODES", "9"};
    const std::size_t n = sizeof pieces / sizeof pieces[0];
    std::size_t compared = 0;
    bool all = true;
    std::string line;
    for (std::size_t a = 0; a < n && all; ++a)
        for (std::size_t b = 0; b < n && all; ++b)
            for (std::size_t c = 0; c < n && all; ++c)
                for (std::size_t d = 0; d < n && all; ++d) {
                    line = pieces[a] + pieces[b] + pieces[c] + pieces[d];
                    capabilities got;
                    capabilities want;
                    want.size_limit = got.size_limit = 7; // a previous SIZE line's limit
                    got.add_line(line);
                    model::add_line(want, line);
                    ++compared;
                    if (fields(got) != fields(want)) {
                        INFO(mwtest::escaped(line));
                        CHECK(fields(got) == fields(want));
                        all = false;
                    }
                }
    CHECK(all);
    CHECK(compared == n * n * n * n);
}
