// SPDX-License-Identifier: BSL-1.0
// How the composer writes header fields (mime_headers.hpp): RFC 2047 encoded-words, folding
// within 78 characters at the limits, RFC 5322 dates.

#include "composer_support.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using mailwire::cause;
using mailwire::content_source;
using mailwire::error_kind;
using mailwire::text_encoding;
using namespace composer_support;

TEST_CASE("composer: RFC 2047 encoded-words for text that is not ASCII", "[unit][message][2047]") {
    mailwire::message m;
    minimal(m);
    REQUIRE(m.subject("\xc3\xbc" "ber").ok()); // "über"
    REQUIRE(m.prepare(false, false).ok());
    const std::string h = headers_of(compose(m));
    // UTF-8 c3 bc 62 65 72, base64 (RFC 4648): "w7xiZXI=".
    CHECK(h.find("\r\nSubject: =?UTF-8?B?w7xiZXI=?=\r\n") != std::string::npos);

    SECTION("plain ASCII stays readable; '=?' in it is encoded so no reader decodes it") {
        mailwire::message p;
        minimal(p);
        REQUIRE(p.subject("Report =?x?Q?y?= ready").ok());
        REQUIRE(p.prepare(false, false).ok());
        const std::string hp = headers_of(compose(p));
        CHECK(hp.find("Subject: =?UTF-8?B?") != std::string::npos);
        CHECK(hp.find("=?x?Q?y?=") == std::string::npos);
    }
    SECTION("a long Unicode subject: words of at most 75 characters, lines of at most 78, whole characters") {
        mailwire::message p;
        minimal(p);
        std::string subject;
        for (int i = 0; i < 40; ++i) subject += "\xe6\xb8\xa9\xf0\x9f\x94\xa5"; // 温🔥
        REQUIRE(p.subject(subject).ok());
        REQUIRE(p.prepare(false, false).ok());
        const std::string hp = headers_of(compose(p));
        std::string decoded;
        for (const std::string& l : lines_of(hp)) {
            CHECK(l.size() <= 78);
            std::size_t at = 0;
            while ((at = l.find("=?UTF-8?B?", at)) != std::string::npos) {
                const std::size_t end = l.find("?=", at + 10);
                REQUIRE(end != std::string::npos);
                CHECK(end + 2 - at <= 75);
                const std::string b64 = l.substr(at + 10, end - at - 10);
                std::vector<unsigned char> raw(b64.size());
                std::size_t n = 0;
                REQUIRE(mailwire::base64_decode(b64, raw.data(), raw.size(), n));
                const std::string piece(reinterpret_cast<const char*>(raw.data()), n);
                // Each word is whole UTF-8 characters (RFC 2047 §5): "温" is 3 octets, "🔥" 4.
                std::size_t k = 0;
                while (k < piece.size()) {
                    const unsigned char lead = static_cast<unsigned char>(piece[k]);
                    REQUIRE((lead == 0xe6 || lead == 0xf0)); // never a continuation octet
                    k += lead == 0xe6 ? 3 : 4;
                }
                CHECK(k == piece.size());
                decoded += piece;
                at = end + 2;
            }
        }
        CHECK(decoded == subject);
    }
}

TEST_CASE("composer: long ASCII headers fold at white space within 78 characters", "[unit][message][fold]") {
    mailwire::basic_message<32> m;
    REQUIRE(m.from("a@example.org").ok());
    std::string subject;
    for (int i = 0; i < 40; ++i) subject += (i ? " word" : "word") + std::to_string(i);
    REQUIRE(m.subject(subject).ok());
    std::vector<std::string> recipients;
    for (int i = 0; i < 20; ++i) recipients.push_back("recipient" + std::to_string(i) + "@example.org");
    for (const std::string& r : recipients) REQUIRE(m.to(r).ok());
    m.date(0, 0);
    REQUIRE(m.prepare(false, false).ok());
    const std::string h = headers_of(compose(m));
    std::string unfolded;
    for (const std::string& l : lines_of(h)) {
        CHECK(l.size() <= 78);
        unfolded += (l.empty() || (l[0] != ' ' && l[0] != '\t')) ? "\n" + l : l; // RFC 5322 §2.2.3
    }
    CHECK(unfolded.find("\nSubject: " + subject + "\n") != std::string::npos);
    CHECK(unfolded.find("recipient19@example.org") != std::string::npos);
}

TEST_CASE("composer: Date in RFC 5322 form from the clock or a fixed time", "[unit][message][date]") {
    struct row {
        std::int64_t secs;
        int offset;
        const char* text; // from Python's email.utils.format_datetime
    };
    const row rows[] = {
        {0, 0, "Thu, 01 Jan 1970 00:00:00 +0000"},
        {951782400, 0, "Tue, 29 Feb 2000 00:00:00 +0000"},
        {1795411720, -300, "Mon, 23 Nov 2026 00:28:40 -0500"},
        {1795411720, 330, "Mon, 23 Nov 2026 10:58:40 +0530"},
        // Before 1970, past 32-bit seconds, and the ends of four-digit years (RFC 5322 §3.3).
        {-1, 0, "Wed, 31 Dec 1969 23:59:59 +0000"},
        {-86401, 0, "Tue, 30 Dec 1969 23:59:59 +0000"},
        {-62135596800, 0, "Mon, 01 Jan 0001 00:00:00 +0000"},
        {4102444800, 0, "Fri, 01 Jan 2100 00:00:00 +0000"},
        {4294967296, 0, "Sun, 07 Feb 2106 06:28:16 +0000"},
        {253402300799, 0, "Fri, 31 Dec 9999 23:59:59 +0000"},
        {253402300799 + 86400 * 365, 0, "Fri, 31 Dec 9999 23:59:59 +0000"}, // clamped to the last second of 9999
    };
    for (const row& r : rows) {
        mailwire::message m;
        minimal(m);
        m.date(r.secs, r.offset);
        REQUIRE(m.prepare(false, false).ok());
        CHECK(headers_of(compose(m)).find(std::string("Date: ") + r.text + "\r\n") == 0);
    }
    SECTION("without a clock there is no Date, for the submission server to add") {
        mailwire::message m;
        REQUIRE(m.from("a@example.org").ok());
        REQUIRE(m.to("b@example.org").ok());
        m.set_clock([](void*, std::int64_t*, int*) { return false; });
        REQUIRE(m.prepare(false, false).ok());
        CHECK(compose(m).find("Date:") == std::string::npos);
    }
}

TEST_CASE("composer: a 900-octet subject without white space still folds within 78 and decodes back",
          "[unit][message][fold]") {
    mailwire::message m;
    minimal(m);
    const std::string subject(900, 'x');
    REQUIRE(m.subject(subject).ok());
    CHECK(m.subject(std::string(901, 'x').c_str()).why == cause::header_too_long); // the bound, one past it
    REQUIRE(m.prepare(false, false).ok() == false); // the refusal above is kept
}

TEST_CASE("composer: 900 octets of one word fold as encoded-words of at most 78 per line", "[unit][message][fold]") {
    mailwire::message m;
    minimal(m);
    const std::string subject(900, 'x');
    REQUIRE(m.subject(subject).ok());
    REQUIRE(m.prepare(false, false).ok());
    std::string decoded;
    for (const std::string& l : lines_of(headers_of(compose(m)))) {
        CHECK(l.size() <= 78);
        std::size_t at = 0;
        while ((at = l.find("=?UTF-8?B?", at)) != std::string::npos) {
            const std::size_t end = l.find("?=", at + 10);
            REQUIRE(end != std::string::npos);
            const std::string b64 = l.substr(at + 10, end - at - 10);
            std::vector<unsigned char> raw(b64.size());
            std::size_t n = 0;
            REQUIRE(mailwire::base64_decode(b64, raw.data(), raw.size(), n));
            decoded.append(reinterpret_cast<const char*>(raw.data()), n);
            at = end + 2;
        }
    }
    CHECK(decoded == subject);
}

TEST_CASE("composer: the longest headers allowed, in 4-octet characters, fit and fold", "[unit][message][fold]") {
    mailwire::message m;
    minimal(m);
    std::string emoji;
    for (int i = 0; i < 225; ++i) emoji += "\xf0\x9f\x93\x88"; // 📈, 900 octets
    const std::string name(76, 'X');                           // the longest field name taken
    REQUIRE(m.subject(emoji).ok());
    REQUIRE(m.header(name, emoji).ok());
    REQUIRE(m.prepare(false, false).ok());
    const std::string out = compose(m);
    std::size_t words = 0;
    for (const std::string& l : lines_of(headers_of(out))) {
        CHECK(l.size() <= 78);
        for (std::size_t at = 0; (at = l.find("=?UTF-8?B?", at)) != std::string::npos; at += 10) ++words;
    }
    CHECK(words >= 2 * 900 / 44); // every octet went out, in words of whole characters
    CHECK(out.find(name + ":") != std::string::npos);
    CHECK(m.size() == out.size());
}
