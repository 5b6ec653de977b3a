// SPDX-License-Identifier: BSL-1.0
// The composer's public face (message.hpp, composer.hpp) without a server: prepare()'s checks,
// the longest part headers in one output step, and send_message() over the scripted peer (SIZE=,
// BODY=8BITMIME, Bcc only in the envelope). The MIME structure is checked by a real parser in
// tests/message.

#include "composer_support.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using mailwire::cause;
using mailwire::content_source;
using mailwire::error_kind;
using mailwire::text_encoding;
using namespace composer_support;

TEST_CASE("composer: prepare() checks what it can before anything is sent", "[unit][message]") {
    SECTION("no From") {
        mailwire::message m;
        REQUIRE(m.to("b@example.org").ok());
        CHECK(m.prepare(false, false).why == cause::bad_address);
    }
    SECTION("no recipient") {
        mailwire::message m;
        REQUIRE(m.from("a@example.org").ok());
        CHECK(m.prepare(false, false).why == cause::bad_argument);
    }
    SECTION("an address that needs SMTPUTF8 when the server lacks it") {
        mailwire::message m;
        REQUIRE(m.from("a@example.org").ok());
        REQUIRE(m.to("j\xc3\xb6rg@example.org").ok());
        CHECK(m.prepare(false, false).why == cause::utf8_not_supported);
        CHECK(m.prepare(false, true).ok());
        CHECK(m.needs_smtputf8());
    }
    SECTION("capacity") {
        mailwire::basic_message<2, 1, 1> m;
        REQUIRE(m.to("a@example.org").ok());
        REQUIRE(m.to("b@example.org").ok());
        CHECK(m.to("c@example.org").why == cause::too_many);
        REQUIRE(m.header("X-A", "1").ok());
        CHECK(m.header("X-B", "2").why == cause::too_many);
        REQUIRE(m.attach(content_source::from_memory("x"), "x").ok());
        CHECK(m.attach(content_source::from_memory("y"), "y").why == cause::too_many);
    }
    SECTION("a capacity of 0 custom headers and attachments: nothing of either, the rest as usual") {
        mailwire::basic_message<1, 0, 0> m;
        REQUIRE(m.from("a@example.org").ok());
        REQUIRE(m.to("b@example.org").ok());
        REQUIRE(m.text("hi\n").ok());
        CHECK(m.header("X-A", "1").why == cause::too_many);
        CHECK(m.attach(content_source::from_memory("x"), "x").why == cause::too_many);
        // The first refusal is kept: nothing is sent without what was refused.
        CHECK(m.prepare(false, false).why == cause::too_many);
        mailwire::basic_message<1, 0, 0> clean;
        REQUIRE(clean.from("a@example.org").ok());
        REQUIRE(clean.to("b@example.org").ok());
        REQUIRE(clean.text("hi\n").ok());
        REQUIRE(clean.prepare(false, false).ok());
        CHECK(compose(clean).find("\r\n\r\nhi\r\n") != std::string::npos);
    }
    SECTION("a source of unknown size leaves the size unknown (no SIZE=)") {
        mailwire::message m;
        minimal(m);
        int calls = 0;
        REQUIRE(m.text(content_source::callback(
                           [](void* c, char* buf, std::size_t) -> std::ptrdiff_t {
                               int& n = *static_cast<int*>(c);
                               if (n++ > 0) return 0;
                               buf[0] = 'x';
                               return 1;
                           },
                           &calls))
                    .ok());
        REQUIRE(m.prepare(false, false).ok());
        CHECK(calls == 0); // not read to find the size
        CHECK(m.size() == 0);
        CHECK(body_of(compose(m)) == "x\r\n");
    }
}

TEST_CASE("send_message: SIZE= of the composed message, BODY=8BITMIME when needed, Bcc only in the envelope",
          "[unit][message][send]") {
    mwtest::session t;
    mwtest::greet(t.s, {"PIPELINING", "SIZE 100000", "8BITMIME"});
    t.s.reply("250 ok\r\n").reply("250 ok\r\n").reply("250 ok\r\n").reply("354 go\r\n").reply("250 queued\r\n");
    REQUIRE(t.c.open("mx.example").ok());
    mailwire::message m;
    minimal(m);
    REQUIRE(m.bcc("hidden@example.org").ok());
    REQUIRE(m.text("Gr\xc3\xbc\xc3\x9f" "e\n").ok());
    mailwire::recipient storage[4];
    const mailwire::send_result r = mailwire::send_message(t.c, m, storage, 4);
    INFO(mwtest::describe(r.err));
    REQUIRE(r.ok());
    REQUIRE(t.s.contents.size() == 1);
    const std::string content = t.s.contents[0];
    CHECK(t.s.commands[1] == "MAIL FROM:<a@example.org> SIZE=" + std::to_string(m.size()) + " BODY=8BITMIME");
    CHECK(t.s.commands[2] == "RCPT TO:<b@example.org>");
    CHECK(t.s.commands[3] == "RCPT TO:<hidden@example.org>");
    CHECK(content.find("hidden@example.org") == std::string::npos);
    CHECK(content.find("Content-Transfer-Encoding: 8bit") != std::string::npos);
    CHECK(storage[1].accepted());
}

TEST_CASE("composer: the longest part headers fit in one step of the output buffer", "[unit][message]") {
    // A type of 127 octets, a Content-ID of 250 and a file name of max_file_name octets, all
    // non-ASCII: the file name goes out twice in RFC 2231 form (each octet "%XX"). With 255-octet
    // names this step needed more than the 2,048-octet buffer (an assertion in Debug builds, the
    // headers cut short without one); now the name is bounded.
    const std::string type = "application/" + std::string(115, 'x');
    const std::string cid = std::string(240, 'c') + "@example.o";
    const std::string fname(mailwire::max_file_name, '\xe9');
    const std::string body = "x", html = "<p>y</p>";
    mailwire::basic_message<4, 1, 2> m;
    REQUIRE(m.from("a@example.org").ok());
    REQUIRE(m.to("b@example.org").ok());
    REQUIRE(m.text(body).ok());
    REQUIRE(m.html(html).ok());
    REQUIRE(type.size() == 127);
    REQUIRE(cid.size() == 250);
    REQUIRE(m.inline_part(content_source::from_memory(body), cid, type, fname).ok());
    REQUIRE(m.prepare(true, true).ok());
    const std::string out = compose(m);
    std::string encoded;
    for (std::size_t i = 0; i < fname.size(); ++i) encoded += "%E9";
    std::size_t copies = 0;
    for (std::size_t at = out.find(encoded); at != std::string::npos; at = out.find(encoded, at + 1)) ++copies;
    CHECK(copies == 2);
    CHECK(out.find("Content-ID: <" + cid + ">\r\n") != std::string::npos);
    CHECK(out.find(type) != std::string::npos);
    CHECK(out.size() >= 2 * encoded.size() + cid.size() + type.size());

    mailwire::basic_message<4, 1, 2> longer;
    const std::string one_more = fname + "\xe9"; // outlives the message (text_ref)
    CHECK(longer.inline_part(content_source::from_memory(body), cid, type, one_more).why == cause::header_too_long);
    CHECK(longer.attach(content_source::from_memory(body), one_more).why == cause::header_too_long);
}

TEST_CASE("send_message: the composed size is counted only for a server that takes SIZE=", "[unit][message][send]") {
    for (bool size_offered : {true, false}) {
        INFO((size_offered ? "SIZE offered" : "no SIZE"));
        mwtest::session t;
        mwtest::greet(t.s, size_offered ? std::vector<std::string>{"PIPELINING", "SIZE 100000"}
                                        : std::vector<std::string>{"PIPELINING"});
        t.s.reply("250 ok\r\n").reply("250 ok\r\n").reply("354 go\r\n").reply("250 queued\r\n");
        REQUIRE(t.c.open("mx.example").ok());
        mailwire::message m;
        minimal(m);
        REQUIRE(m.text("hello\n").ok());
        mailwire::recipient storage[1];
        const mailwire::send_result r = mailwire::send_message(t.c, m, storage, 1);
        INFO(mwtest::describe(r.err));
        REQUIRE(r.ok());
        if (size_offered) {
            CHECK(m.size() == t.s.contents[0].size() - 3); // what SIZE= counts: not the final ".\r\n"
            CHECK(t.s.commands[1] == "MAIL FROM:<a@example.org> SIZE=" + std::to_string(m.size()));
        } else {
            CHECK(m.size() == 0); // no pass over the message to count it
            CHECK(t.s.commands[1] == "MAIL FROM:<a@example.org>");
        }
    }
}
