// SPDX-License-Identifier: BSL-1.0
// Envelope addresses: RFC 5321 §4.1.2 Mailbox syntax, §4.5.3.1 length limits, RFC 6531 for
// non-ASCII, and control characters (the command-injection vector) rejected before anything else.
//
// Envelope address checks on their edges: every printable ASCII character in each position of
// RFC 5321 §4.1.2's Mailbox (dot-string, quoted-string, domain, address literal), labels at 63/64
// octets, quoted pairs, non-ASCII (RFC 6531) where it is and is not allowed, and the order in which
// control_char, too_long and syntax win. Written against the checks as they stood before they
// were made smaller for the firmware, to hold the smaller ones to the same answers; the last test
// compares with that earlier implementation, kept here as a reference model.
#include "support.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <string_view>

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

// ---------------------------------------------------------------- edges

namespace {

const char* name(address_check c) {
    switch (c) {
    case address_check::ok: return "ok";
    case address_check::ok_needs_utf8: return "ok_needs_utf8";
    case address_check::control_char: return "control_char";
    case address_check::syntax: return "syntax";
    case address_check::too_long: return "too_long";
    }
    return "?";
}

std::string check(const std::string& a) { return name(check_mailbox(a)); }

bool alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }
bool atext(char c) { return alnum(c) || std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos; }

// The checks as they were before the size work (include/mailwire/address.hpp at 1e948a1), restated
// as a plain model: the reference the smaller implementation must agree with, input for input.
namespace model {
bool let_dig(unsigned char c) { return alnum(static_cast<char>(c)); }
bool domain(std::string_view d, bool& utf8) {
    if (d.empty() || d.size() > 255) return false;
    if (d.front() == '[') {
        if (d.size() < 3 || d.back() != ']') return false;
        for (std::size_t i = 1; i + 1 < d.size(); ++i) {
            const unsigned char c = static_cast<unsigned char>(d[i]);
            if (c <= 32 || c >= 127 || c == '[' || c == ']' || c == '\\') return false;
        }
        return true;
    }
    std::size_t label = 0;
    unsigned char prev = '.';
    for (char ch : d) {
        const unsigned char c = static_cast<unsigned char>(ch);
        if (c == '.') {
            if (label == 0 || prev == '-') return false;
            label = 0;
        } else if (c >= 0x80) {
            utf8 = true;
            ++label;
        } else if (let_dig(c) || (c == '-' && label != 0)) {
            ++label;
        } else {
            return false;
        }
        if (label > 63) return false;
        prev = c;
    }
    return label != 0 && prev != '-';
}
bool local(std::string_view l, bool& utf8) {
    if (l.empty() || l.size() > 64) return false;
    if (l.front() == '"') {
        if (l.size() < 2 || l.back() != '"') return false;
        for (std::size_t i = 1; i + 1 < l.size(); ++i) {
            const unsigned char c = static_cast<unsigned char>(l[i]);
            if (c == '\\') {
                if (i + 2 >= l.size()) return false;
                const unsigned char n = static_cast<unsigned char>(l[++i]);
                if (n < 32 || n > 126) return false;
            } else if (c >= 0x80) {
                utf8 = true;
            } else if (c == '"' || c < 32 || c > 126) {
                return false;
            }
        }
        return true;
    }
    bool empty = true;
    for (char ch : l) {
        const unsigned char c = static_cast<unsigned char>(ch);
        if (c == '.') {
            if (empty) return false;
            empty = true;
        } else if (c >= 0x80) {
            utf8 = true;
            empty = false;
        } else if (atext(static_cast<char>(c))) {
            empty = false;
        } else {
            return false;
        }
    }
    return !empty;
}
address_check mailbox(std::string_view a) {
    for (char ch : a) {
        const unsigned char c = static_cast<unsigned char>(ch);
        if (c < 32 || c == 127) return address_check::control_char;
    }
    if (a.size() + 2 > 256) return address_check::too_long;
    const std::size_t at = a.rfind('@');
    if (at == std::string_view::npos) return address_check::syntax;
    if (at > 64 || a.size() - at - 1 > 255) return address_check::too_long;
    bool utf8 = false;
    if (!local(a.substr(0, at), utf8)) return address_check::syntax;
    if (!domain(a.substr(at + 1), utf8)) return address_check::syntax;
    return utf8 ? address_check::ok_needs_utf8 : address_check::ok;
}
address_check recipient(std::string_view a) {
    std::string lower(a);
    for (char& c : lower)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    return lower == "postmaster" ? address_check::ok : mailbox(a);
}
} // namespace model

} // namespace

TEST_CASE("every printable ASCII character in a dot-string local part", "[unit][address]") {
    for (int i = 32; i < 127; ++i) {
        const char c = static_cast<char>(i);
        const std::string s(1, c);
        INFO("character " << i << " '" << c << "'");
        // Inside an atom, alone, first and last.
        const std::string inside = check("a" + s + "b@example.org");
        const std::string alone = check(s + "@example.org");
        const std::string first = check(s + "ab@example.org");
        const std::string last = check("ab" + s + "@example.org");
        if (atext(c)) {
            CHECK(inside == "ok");
            CHECK(alone == "ok");
            CHECK(first == "ok");
            CHECK(last == "ok");
        } else if (c == '.') {
            CHECK(inside == "ok");
            CHECK(alone == "syntax");
            CHECK(first == "syntax");
            CHECK(last == "syntax");
        } else {
            // '@' included: the last '@' splits, so "a@b" is the local part and '@' is not atext.
            CHECK(inside == "syntax");
            CHECK(first == "syntax");
            CHECK(last == "syntax");
            CHECK(alone == "syntax");
        }
    }
}

TEST_CASE("every printable ASCII character in a domain label", "[unit][address]") {
    for (int i = 32; i < 127; ++i) {
        const char c = static_cast<char>(i);
        const std::string s(1, c);
        INFO("character " << i << " '" << c << "'");
        const std::string inside = check("u@a" + s + "b.example");
        const std::string first = check("u@" + s + "ab.example");
        const std::string last = check("u@ab" + s + ".example");
        const std::string at_end = check("u@example.a" + s);
        if (alnum(c)) {
            CHECK(inside == "ok");
            CHECK(first == "ok");
            CHECK(last == "ok");
            CHECK(at_end == "ok");
        } else if (c == '-' || c == '.') {
            CHECK(inside == "ok"); // "a-b" and "a.b"
            CHECK(first == "syntax");
            CHECK(last == "syntax");
            CHECK(at_end == "syntax");
        } else {
            CHECK(inside == "syntax");
            CHECK(first == "syntax");
            CHECK(last == "syntax");
            CHECK(at_end == "syntax");
        }
    }
}

TEST_CASE("every printable ASCII character in a quoted local part, plain and escaped", "[unit][address]") {
    for (int i = 32; i < 127; ++i) {
        const char c = static_cast<char>(i);
        const std::string s(1, c);
        INFO("character " << i << " '" << c << "'");
        // qtextSMTP is 32-126 but '"' and '\'; "a\b" is the quoted pair \b, so fine as well.
        CHECK(check("\"a" + s + "b\"@example.org") == (c == '"' ? "syntax" : "ok"));
        // quoted-pairSMTP: a backslash escapes any of 32-126.
        CHECK(check("\"a\\" + s + "b\"@example.org") == "ok");
        CHECK(check("\"\\" + s + "\"@example.org") == "ok");
    }
}

TEST_CASE("every printable ASCII character in an address literal", "[unit][address]") {
    for (int i = 32; i < 127; ++i) {
        const char c = static_cast<char>(i);
        const std::string s(1, c);
        INFO("character " << i << " '" << c << "'");
        const bool fine = c != ' ' && c != '[' && c != ']' && c != '\\' && c != '@';
        CHECK(check("u@[1" + s + "2]") == (fine ? "ok" : "syntax"));
        CHECK(check("u@[" + s + "]") == (fine ? "ok" : "syntax"));
    }
}

TEST_CASE("quoted local parts on their edges", "[unit][address]") {
    CHECK(check("\"\"@x") == "ok");
    CHECK(check("\"@x") == "syntax");            // a lone quote
    CHECK(check("\"\\\"@x") == "syntax");        // "\" : the closing quote is escaped
    CHECK(check("\"a\\\"@x") == "syntax");
    CHECK(check("\"\\\\\"@x") == "ok");          // "\\"
    CHECK(check("\"\\\\\\\"@x") == "syntax");    // "\\\" : the closing quote escaped again
    CHECK(check("\"a\"\"b\"@x") == "syntax");
    CHECK(check("\"a\".b@x") == "syntax");       // no mixing of quoted and dot forms
    CHECK(check("a.\"b\"@x") == "syntax");
    CHECK(check("\"a b\"@[1.2.3.4]") == "ok");
    CHECK(check("\" \"@x") == "ok");
    CHECK(check("\"...\"@x") == "ok");
    CHECK(check("\"a@b\"@x") == "ok");
    CHECK(check("\"a\\\xc3\xa9\"@x") == "syntax"); // only ASCII may be escaped
    CHECK(check("\"\xc3\xa9\"@x") == "ok_needs_utf8");
    CHECK(check("\"\xff\"@x") == "ok_needs_utf8");
    CHECK(check("x\"@x") == "syntax");
}

TEST_CASE("domains and labels on their edges", "[unit][address]") {
    CHECK(check("u@" + std::string(63, 'd')) == "ok");
    CHECK(check("u@" + std::string(64, 'd')) == "syntax");
    CHECK(check("u@a." + std::string(63, 'd')) == "ok");
    CHECK(check("u@a." + std::string(64, 'd')) == "syntax");
    CHECK(check("u@" + std::string(63, 'd') + "." + std::string(63, 'e')) == "ok");
    CHECK(check("u@a" + std::string(61, '-') + "b") == "ok");
    CHECK(check("u@a" + std::string(62, '-') + "b") == "syntax");
    // A U-label's octets count, not its characters: 31 two-octet characters and one octet make 63.
    std::string u;
    for (int i = 0; i < 31; ++i) u += "\xc3\xa9";
    CHECK(check("u@" + u + "a.example") == "ok_needs_utf8");
    CHECK(check("u@" + u + "ab.example") == "syntax");
    CHECK(check("u@a--b.example") == "ok");
    CHECK(check("u@xn--bcher-kva") == "ok");
    CHECK(check("u@1.2.3.4") == "ok");
    CHECK(check("u@0") == "ok");
    CHECK(check("u@-") == "syntax");
    CHECK(check("u@a-") == "syntax");
    CHECK(check("u@-a") == "syntax");
    CHECK(check("u@a.-b") == "syntax");
    CHECK(check("u@a-.b") == "syntax");
    CHECK(check("u@.") == "syntax");
    CHECK(check("u@..") == "syntax");
    CHECK(check("u@\xc3\xa9") == "ok_needs_utf8");
    CHECK(check("u@\xc3\xa9-a") == "ok_needs_utf8");
    CHECK(check("u@a-\xc3\xa9") == "ok_needs_utf8");
    CHECK(check("u@-\xc3\xa9") == "syntax");
    CHECK(check("u@\xc3\xa9-") == "syntax");
    CHECK(check("u@\xc3\xa9.") == "syntax");
    CHECK(check("u@\x80") == "ok_needs_utf8"); // not valid UTF-8, but only non-ASCII is looked at
}

TEST_CASE("address literals on their edges", "[unit][address]") {
    CHECK(check("u@[IPv6:2001:db8::1]") == "ok");
    CHECK(check("u@[IPv6:::1]") == "ok");
    CHECK(check("u@[IPv6:2001:db8:0:0:0:0:2:1]") == "ok");
    CHECK(check("u@[IPv6:::ffff:192.0.2.1]") == "ok");
    CHECK(check("u@[x]") == "ok");        // checked loosely: any dtext
    CHECK(check("u@[tag:any-thing]") == "ok");
    CHECK(check("u@[]") == "syntax");
    CHECK(check("u@[") == "syntax");
    CHECK(check("u@]") == "syntax");
    CHECK(check("u@[[]") == "syntax");
    CHECK(check("u@[]]") == "syntax");
    CHECK(check("u@[a]b") == "syntax");
    CHECK(check("u@[a]]") == "syntax");
    CHECK(check("u@[[a]") == "syntax");
    CHECK(check("u@[a b]") == "syntax");
    CHECK(check("u@[a\\]]") == "syntax");
    CHECK(check("u@[\xc3\xa9]") == "syntax"); // no non-ASCII inside brackets
    CHECK(check("u@a[1]") == "syntax");
    CHECK(check("\xc3\xa9@[1.2.3.4]") == "ok_needs_utf8");
    CHECK(check("u@[" + std::string(180, '1') + "]") == "ok");
}

TEST_CASE("which answer wins: control_char, then too_long, then syntax", "[unit][address]") {
    CHECK(check(std::string(255, 'a')) == "too_long");           // no '@', but too long first
    CHECK(check(std::string(254, 'a')) == "syntax");
    CHECK(check(std::string(65, ' ') + "@x") == "too_long");     // the local part's limit first
    CHECK(check(std::string(64, ' ') + "@x") == "syntax");
    CHECK(check("\"" + std::string(63, ' ') + "\"@x") == "too_long");
    CHECK(check(std::string(64, 'l') + "@" + std::string(189, '.')) == "syntax");
    CHECK(check(std::string(64, 'l') + "@" + std::string(190, '.')) == "too_long");
    CHECK(check(std::string(300, ' ') + "\x7f") == "control_char");
    CHECK(check("\xc3\xa9\x01@x") == "control_char");
    CHECK(check("@") == "syntax");
    CHECK(check("@@") == "syntax");
    CHECK(check(std::string(64, 'l') + "@") == "syntax");
    CHECK(check(std::string(65, 'l') + "@") == "too_long");
}

TEST_CASE("dot-string local parts on their edges", "[unit][address]") {
    CHECK(check("a.b.c.d@x") == "ok");
    CHECK(check("a..b@x") == "syntax");
    CHECK(check(".@x") == "syntax");
    CHECK(check("..@x") == "syntax");
    CHECK(check("-@x") == "ok");     // '-' is atext: no hyphen rule in local parts
    CHECK(check("a-.-b@x") == "ok");
    CHECK(check("a.\xc3\xa9.b@x") == "ok_needs_utf8");
    CHECK(check(".\xc3\xa9@x") == "syntax");
    CHECK(check("\xc3\xa9.@x") == "syntax");
    CHECK(check("\xff@x") == "ok_needs_utf8");
    CHECK(check(std::string(64, '\xc3') + "@x") == "ok_needs_utf8");
    CHECK(check(std::string(64, 'a') + "@x") == "ok");
    CHECK(check(std::string(63, 'a') + ".@x") == "syntax");
    CHECK(check("a\"b@x") == "syntax");
    CHECK(check("a]@x") == "syntax");
    CHECK(check("[1.2.3.4]@x") == "syntax");
}

TEST_CASE("check_sender and check_recipient around check_mailbox", "[unit][address]") {
    CHECK(name(check_sender("")) == std::string("ok"));
    CHECK(name(check_sender(" ")) == std::string("syntax"));
    CHECK(name(check_sender("postmaster")) == std::string("syntax"));
    CHECK(name(check_recipient("pOsTmAsTeR")) == std::string("ok"));
    CHECK(name(check_recipient("postmaster@example.org")) == std::string("ok"));
    CHECK(name(check_recipient("postmaste")) == std::string("syntax"));
    CHECK(name(check_recipient("postmaster ")) == std::string("syntax"));
    CHECK(name(check_recipient(" postmaster")) == std::string("syntax"));
    CHECK(name(check_recipient("\"postmaster\"")) == std::string("syntax"));
    CHECK(name(check_recipient("p\xc3\xb6stmaster")) == std::string("syntax"));
    CHECK(name(check_recipient("postmaster\x7f")) == std::string("control_char"));
    CHECK(name(check_recipient(std::string("postmaster\0", 11))) == std::string("control_char"));
    // Case folding is ASCII only: 0x10 is not 'P' and '{' is not '['.
    CHECK(name(check_recipient("\x10OSTMASTER")) == std::string("control_char"));
    CHECK(name(check_recipient("0ostmaster")) == std::string("syntax"));
}

TEST_CASE("the address checks agree with the reference model", "[unit][address]") {
    // Every string of up to five characters from an alphabet of the characters that matter, alone
    // and in each position of a mailbox; then longer pseudo-random strings (fixed seed).
    const std::string alphabet = std::string("a-.\"\\@[] !\xc3" "0Z", 13) + std::string(1, '\0');
    std::size_t compared = 0;
    auto same = [&](const std::string& a) {
        ++compared;
        const address_check got = check_mailbox(a);
        const address_check want = model::mailbox(a);
        if (got != want) {
            INFO(mwtest::escaped(a));
            CHECK(name(got) == std::string(name(want)));
            return false;
        }
        const address_check got_r = check_recipient(a);
        const address_check want_r = model::recipient(a);
        if (got_r != want_r) {
            INFO(mwtest::escaped(a));
            CHECK(name(got_r) == std::string(name(want_r)));
            return false;
        }
        return true;
    };
    std::string s;
    bool all = true;
    for (std::size_t len = 0; len <= 5 && all; ++len) {
        std::size_t count = 1;
        for (std::size_t i = 0; i < len; ++i) count *= alphabet.size();
        for (std::size_t n = 0; n < count && all; ++n) {
            s.clear();
            for (std::size_t i = 0, k = n; i < len; ++i, k /= alphabet.size()) s += alphabet[k % alphabet.size()];
            all = same(s) && same(s + "@x.y") && same("u@" + s) && same("\"" + s + "\"@x") && same("u@[" + s + "]") &&
                  same("a" + s + "a@a" + s + "a");
        }
    }
    std::uint32_t seed = 12345;
    auto next = [&] {
        seed = seed * 1103515245u + 12345u;
        return seed >> 16;
    };
    for (int n = 0; n < 20000 && all; ++n) {
        s.clear();
        const std::size_t len = next() % 80;
        for (std::size_t i = 0; i < len; ++i) {
            const unsigned r = next();
            s += (r & 3) == 0 ? static_cast<char>(r >> 2) : alphabet[(r >> 2) % alphabet.size()];
        }
        all = same(s) && same(std::string(60, 'l') + s) && same(s + std::string(200, 'd'));
    }
    CHECK(all);
    CHECK(compared > 1000000u);
}
