// SPDX-License-Identifier: BSL-1.0
// The composer's content encoders (mime_encoding.hpp): RFC 2045 §6.7 quoted-printable vectors.

#include "composer_support.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using mailwire::cause;
using mailwire::content_source;
using mailwire::error_kind;
using mailwire::text_encoding;
using namespace composer_support;

TEST_CASE("composer: quoted-printable follows RFC 2045 section 6.7", "[unit][message][qp]") {
    struct row {
        const char* in;
        const char* out;
    };
    const row rows[] = {
        {"a=b\n", "a=3Db\r\n"},                        // rule 1: "=" itself is encoded
        {"caf\xc3\xa9\n", "caf=C3=A9\r\n"},            // octets above 126
        {"tab\tinside\n", "tab\tinside\r\n"},          // rule 3: white space inside a line stays
        {"trailing space \n", "trailing space=20\r\n"}, // ... but not at the end of a line
        {"trailing tab\t\n", "trailing tab=09\r\n"},
        {"end without line end ", "end without line end=20\r\n"},
        {".leading dot\n", "=2Eleading dot\r\n"}, // no line starts with "." (SMTP's end of data)
        {"cr\rlf\ncrlf\r\n", "cr\r\nlf\r\ncrlf\r\n"}, // every kind of line end becomes CRLF
        {"\x01\x7f\n", "=01=7F\r\n"},
    };
    for (const row& r : rows) {
        INFO("input: " << mwtest::escaped(r.in));
        mailwire::message m;
        minimal(m);
        REQUIRE(m.text(r.in, text_encoding::quoted_printable).ok());
        REQUIRE(m.prepare(false, false).ok());
        CHECK(body_of(compose(m)) == r.out);
    }
    SECTION("rule 5: lines of at most 76 characters, with soft line breaks") {
        mailwire::message m;
        minimal(m);
        const std::string in = std::string(200, 'x') + "\n" + std::string(80, '\xe9') + "\n";
        REQUIRE(m.text(in, text_encoding::quoted_printable).ok());
        REQUIRE(m.prepare(false, false).ok());
        const std::string body = body_of(compose(m));
        std::string decoded;
        for (const std::string& l : lines_of(body)) {
            CHECK(l.size() <= 76);
            if (!l.empty() && l.back() == '=') decoded += l.substr(0, l.size() - 1);
            else decoded += l + "\n";
        }
        // Undo the =E9 escapes: what is left must be the input.
        std::string unescaped;
        for (std::size_t i = 0; i < decoded.size(); ++i) {
            if (decoded.compare(i, 3, "=E9") == 0) {
                unescaped += '\xe9';
                i += 2;
            } else {
                unescaped += decoded[i];
            }
        }
        CHECK(unescaped == in);
    }
}
