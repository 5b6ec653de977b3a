// SPDX-License-Identifier: BSL-1.0
// The reply parser: RFC 5321 §4.2 reply lines, RFC 3463 enhanced status codes, and the bounds that
// keep a hostile server from growing the client's memory or time (§4.5.3.1.5: 512 octets a line).
#include "support.hpp"

#include <catch2/catch.hpp>

#include <string>

using mailwire::cause;
using mailwire::parse_reply_line;
using mailwire::reply;
using mailwire::reply_assembler;
using mailwire::reply_line;

namespace {

/// Feeds lines into a fresh reply; returns the first failure (cause::none if all were accepted).
cause assemble(reply& r, std::initializer_list<std::string> lines) {
    reply_assembler as;
    as.start(r);
    for (const std::string& l : lines) {
        reply_line parsed;
        const cause c = as.add(l, parsed);
        if (c != cause::none) return c;
    }
    return cause::none;
}

std::string enhanced_of(const std::string& line) {
    reply r;
    if (assemble(r, {line}) != cause::none) return "<invalid line>";
    return std::string(r.enhanced_status());
}

} // namespace

TEST_CASE("parses the single-line and multi-line reply forms of RFC 5321 section 4.2", "[unit][reply]") {
    reply_line l;
    SECTION("code, space and text: the last line of a reply") {
        REQUIRE(parse_reply_line("250 OK", l) == cause::none);
        CHECK(l.code == 250);
        CHECK(l.last);
        CHECK(l.text == "OK");
    }
    SECTION("code and hyphen: a continuation line") {
        REQUIRE(parse_reply_line("250-first", l) == cause::none);
        CHECK(l.code == 250);
        CHECK_FALSE(l.last);
        CHECK(l.text == "first");
    }
    SECTION("a bare code is a last line without text (Reply-code [ SP textstring ])") {
        REQUIRE(parse_reply_line("250", l) == cause::none);
        CHECK(l.code == 250);
        CHECK(l.last);
        CHECK(l.text.empty());
    }
    SECTION("code and hyphen alone is a continuation with empty text") {
        REQUIRE(parse_reply_line("250-", l) == cause::none);
        CHECK(l.code == 250);
        CHECK_FALSE(l.last);
        CHECK(l.text.empty());
    }
    SECTION("code and space alone is a last line with empty text") {
        REQUIRE(parse_reply_line("354 ", l) == cause::none);
        CHECK(l.code == 354);
        CHECK(l.last);
        CHECK(l.text.empty());
    }
    SECTION("every class from 2 to 5 is accepted") {
        for (const char* s : {"220 a", "334 a", "421 a", "554 a", "200", "559"}) {
            INFO(s);
            CHECK(parse_reply_line(s, l) == cause::none);
        }
    }
}

TEST_CASE("a reply line without a well-formed code is malformed", "[unit][reply]") {
    reply_line l;
    // Reply-code = %x32-35 %x30-35 %x30-39, then SP, "-" or the end of the line.
    SECTION("a letter where a digit belongs") {
        CHECK(parse_reply_line("25O OK", l) == cause::malformed_reply);
        CHECK(parse_reply_line("2x0 OK", l) == cause::malformed_reply);
        CHECK(parse_reply_line("x50 OK", l) == cause::malformed_reply);
    }
    SECTION("a fourth digit: the character after the code must be SP, '-' or the end") {
        CHECK(parse_reply_line("2500 x", l) == cause::malformed_reply);
        CHECK(parse_reply_line("2500", l) == cause::malformed_reply);
        CHECK(parse_reply_line("250x", l) == cause::malformed_reply);
        CHECK(parse_reply_line("250\tOK", l) == cause::malformed_reply);
    }
    SECTION("too short to hold a code") {
        CHECK(parse_reply_line("", l) == cause::malformed_reply);
        CHECK(parse_reply_line("2", l) == cause::malformed_reply);
        CHECK(parse_reply_line("25", l) == cause::malformed_reply);
    }
    SECTION("leading space or text") {
        CHECK(parse_reply_line(" 250 OK", l) == cause::malformed_reply);
        CHECK(parse_reply_line("OK 250", l) == cause::malformed_reply);
    }
    SECTION("codes out of the grammar's range") {
        CHECK(parse_reply_line("199 x", l) == cause::malformed_reply); // first digit below 2
        CHECK(parse_reply_line("100 x", l) == cause::malformed_reply);
        CHECK(parse_reply_line("600 x", l) == cause::malformed_reply); // first digit above 5
        CHECK(parse_reply_line("999 x", l) == cause::malformed_reply);
        CHECK(parse_reply_line("260 x", l) == cause::malformed_reply); // second digit above 5
        CHECK(parse_reply_line("590 x", l) == cause::malformed_reply);
        CHECK(parse_reply_line("099 x", l) == cause::malformed_reply);
    }
}

TEST_CASE("a reply line of 512 octets with its CRLF is accepted and one octet more is too long", "[unit][reply]") {
    // RFC 5321 §4.5.3.1.5: reply line, 512 octets maximum including the reply code and <CRLF>. The
    // parser sees the line without its line end: 510 octets is the largest acceptable.
    reply_line l;
    const std::string at_limit = "250 " + std::string(510 - 4, 'a');
    REQUIRE(at_limit.size() == 510);
    CHECK(parse_reply_line(at_limit, l) == cause::none);
    CHECK(l.text.size() == 506);

    const std::string one_past = at_limit + "a";
    REQUIRE(one_past.size() == 511);
    CHECK(parse_reply_line(one_past, l) == cause::reply_too_long);

    const std::string far_past(100000, '2');
    CHECK(parse_reply_line(far_past, l) == cause::reply_too_long);
}

TEST_CASE("keeps the RFC 3463 enhanced status code of the first line", "[unit][reply]") {
    SECTION("class.subject.detail followed by text") {
        reply r;
        REQUIRE(assemble(r, {"550 5.1.1 User unknown"}) == cause::none);
        CHECK(r.code == 550);
        CHECK(r.enhanced_status() == "5.1.1");
        CHECK(r.message() == "User unknown"); // the code is not repeated in the text
    }
    SECTION("each class that RFC 3463 defines") {
        CHECK(enhanced_of("250 2.0.0 OK") == "2.0.0");
        CHECK(enhanced_of("451 4.7.0 Try again") == "4.7.0");
        CHECK(enhanced_of("554 5.7.1 Rejected") == "5.7.1");
    }
    SECTION("subject and detail may have up to three digits") {
        CHECK(enhanced_of("550 5.7.139 Access denied") == "5.7.139");
        CHECK(enhanced_of("550 5.123.456 x") == "5.123.456");
    }
    SECTION("a code at the end of the line, without text") {
        CHECK(enhanced_of("250 2.1.5") == "2.1.5");
    }
    SECTION("on the first line of a multi-line reply") {
        reply r;
        REQUIRE(assemble(r, {"550-5.7.1 first", "550 5.7.1 second"}) == cause::none);
        CHECK(r.enhanced_status() == "5.7.1");
        CHECK(r.message() == "first\nsecond");
    }
}

TEST_CASE("text that only resembles an enhanced status code is kept as text", "[unit][reply]") {
    SECTION("the class must equal the reply's first digit") {
        reply r;
        REQUIRE(assemble(r, {"550 4.1.1 mismatch"}) == cause::none);
        CHECK(r.enhanced_status().empty());
        CHECK(r.message() == "4.1.1 mismatch");
        CHECK(enhanced_of("250 5.0.0 x").empty());
    }
    SECTION("class 3 does not exist in RFC 3463") {
        CHECK(enhanced_of("354 3.0.0 go ahead").empty());
    }
    SECTION("two parts are not a status code") {
        reply r;
        REQUIRE(assemble(r, {"550 5.1 short"}) == cause::none);
        CHECK(r.enhanced_status().empty());
        CHECK(r.message() == "5.1 short");
    }
    SECTION("a code glued to the text is not one") {
        reply r;
        REQUIRE(assemble(r, {"550 5.1.1User unknown"}) == cause::none);
        CHECK(r.enhanced_status().empty());
        CHECK(r.message() == "5.1.1User unknown");
    }
    SECTION("four digits in a part are too many") {
        CHECK(enhanced_of("550 5.1.1000 x").empty());
        CHECK(enhanced_of("550 5.1000.1 x").empty());
    }
    SECTION("empty parts and other separators") {
        CHECK(enhanced_of("550 5..1 x").empty());
        CHECK(enhanced_of("550 5.1. x").empty());
        CHECK(enhanced_of("550 .1.1 x").empty());
        CHECK(enhanced_of("550 5-1-1 x").empty());
    }
}

TEST_CASE("a code that changes inside a multi-line reply is inconsistent", "[unit][reply]") {
    reply r;
    CHECK(assemble(r, {"250-mx.example", "251 other"}) == cause::inconsistent_reply);
    CHECK(assemble(r, {"250-mx.example", "250-SIZE", "550 no"}) == cause::inconsistent_reply);
    // The same code on every line is fine.
    CHECK(assemble(r, {"250-mx.example", "250-SIZE", "250 OK"}) == cause::none);
}

TEST_CASE("a reply with more lines than MAILWIRE_MAX_REPLY_LINES is an endless continuation", "[unit][reply]") {
    const std::size_t max = MAILWIRE_MAX_REPLY_LINES;
    reply r;
    reply_assembler as;
    reply_line parsed;

    SECTION("exactly the maximum is accepted") {
        as.start(r);
        for (std::size_t i = 0; i + 1 < max; ++i) REQUIRE(as.add("250-x", parsed) == cause::none);
        REQUIRE(as.add("250 last", parsed) == cause::none);
        CHECK(as.done());
        CHECK(as.lines() == max);
    }
    SECTION("one line more fails on that line") {
        as.start(r);
        for (std::size_t i = 0; i < max; ++i) REQUIRE(as.add("250-x", parsed) == cause::none);
        CHECK_FALSE(as.done());
        CHECK(as.add("250-x", parsed) == cause::too_many_lines);
    }
}

TEST_CASE("a reply's text is joined with newlines and cut at MAILWIRE_REPLY_TEXT_SIZE", "[unit][reply]") {
    SECTION("short texts are kept whole") {
        reply r;
        REQUIRE(assemble(r, {"250-one", "250-two", "250 three"}) == cause::none);
        CHECK(r.message() == "one\ntwo\nthree");
        CHECK_FALSE(r.truncated);
    }
    SECTION("a long multi-line text is truncated and flagged") {
        std::string full;
        reply r;
        reply_assembler as;
        as.start(r);
        reply_line parsed;
        for (int i = 0; i < 20; ++i) {
            const std::string text = "line " + std::to_string(i) + " " + std::string(40, 'x');
            REQUIRE(as.add((i == 19 ? "250 " : "250-") + text, parsed) == cause::none);
            full += (i == 0 ? "" : "\n") + text;
        }
        REQUIRE(full.size() > MAILWIRE_REPLY_TEXT_SIZE);
        CHECK(as.done());
        CHECK(r.truncated);
        CHECK(r.message().size() < MAILWIRE_REPLY_TEXT_SIZE); // room for the terminating NUL
        CHECK(r.message().size() + 4 >= MAILWIRE_REPLY_TEXT_SIZE);    // and the bounded copy is used
        CHECK(full.compare(0, r.message().size(), std::string(r.message())) == 0); // a prefix, not a mix
        CHECK(r.text[r.text_size] == '\0');
    }
    SECTION("a single line longer than the text buffer is truncated too") {
        reply r;
        // Longer than the text buffer, within a reply line's 512 octets (RFC 5321 §4.5.3.1.5).
        const std::string text(MAILWIRE_REPLY_TEXT_SIZE + 10 <= 506 ? MAILWIRE_REPLY_TEXT_SIZE + 10 : 400, 'y');
        REQUIRE(assemble(r, {"550 " + text}) == cause::none);
        CHECK(r.truncated);
        CHECK(r.message() == std::string(r.message().size(), 'y'));
    }
}

TEST_CASE("a reply's text: the newline joins lines only after some text, and counts against the bound",
          "[unit][reply]") {
    const std::size_t room = MAILWIRE_REPLY_TEXT_SIZE - 1; // the last place is the NUL's
    SECTION("empty first lines add nothing") {
        reply r;
        REQUIRE(assemble(r, {"250-", "250-", "250 ok"}) == cause::none);
        CHECK(r.message() == "ok");
        CHECK_FALSE(r.truncated);
    }
    SECTION("an empty line after text is an empty line of the text") {
        reply r;
        REQUIRE(assemble(r, {"250-a", "250-", "250 b"}) == cause::none);
        CHECK(r.message() == "a\n\nb");
    }
    SECTION("text that fills the buffer exactly is whole") {
        reply r;
        REQUIRE(assemble(r, {"250 " + std::string(room, 't')}) == cause::none);
        CHECK(r.message() == std::string(room, 't'));
        CHECK_FALSE(r.truncated);
        CHECK(r.text[r.text_size] == '\0');
    }
    SECTION("after a full buffer, even an empty line is cut (its newline did not fit)") {
        reply r;
        REQUIRE(assemble(r, {"250-" + std::string(room, 't'), "250 "}) == cause::none);
        CHECK(r.message() == std::string(room, 't'));
        CHECK(r.truncated);
    }
    SECTION("a line whose newline fits but nothing more") {
        reply r;
        REQUIRE(assemble(r, {"250-" + std::string(room - 1, 't'), "250 x"}) == cause::none);
        CHECK(r.message() == std::string(room - 1, 't') + "\n");
        CHECK(r.truncated);
    }
    SECTION("the enhanced status code is stripped before the text is bounded") {
        reply r;
        REQUIRE(assemble(r, {"550-5.1.1 " + std::string(room - 2, 't'), "550 5.1.1 x"}) == cause::none);
        CHECK(r.enhanced_status() == "5.1.1");
        CHECK(r.message() == std::string(room - 2, 't') + "\nx");
        CHECK_FALSE(r.truncated);
    }
}

TEST_CASE("a reply object classifies its code by the first digit", "[unit][reply]") {
    reply r;
    REQUIRE(assemble(r, {"250 ok"}) == cause::none);
    CHECK(r.positive());
    CHECK_FALSE(r.transient());
    CHECK(r.cls() == 2);
    REQUIRE(assemble(r, {"354 go"}) == cause::none);
    CHECK(r.positive());
    REQUIRE(assemble(r, {"451 later"}) == cause::none);
    CHECK(r.transient());
    CHECK_FALSE(r.permanent());
    REQUIRE(assemble(r, {"550 no"}) == cause::none);
    CHECK(r.permanent());
    CHECK_FALSE(r.empty());
    r.clear();
    CHECK(r.empty());
    CHECK(r.message().empty());
}
