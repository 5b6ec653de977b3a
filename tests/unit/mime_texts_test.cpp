// SPDX-License-Identifier: BSL-1.0
// The composer's setters and their checks (mime_texts.hpp): injection attempts in every field,
// refusals as usage errors with advice, and a refusal that also stops prepare().

#include "composer_support.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using mailwire::cause;
using mailwire::content_source;
using mailwire::error_kind;
using mailwire::text_encoding;
using namespace composer_support;

TEST_CASE("composer: CR, LF or NUL in any field is refused when it is set, and nothing of it is written",
          "[unit][message][injection]") {
    mailwire::message m;
    minimal(m);
    const std::vector<std::string> attempts = {"\r\nBcc: EVIL@x.example", "\nEVIL: 1", "x\rEVIL",
                                               std::string("x\0EVIL", 6)};
    for (const std::string& b : attempts) {
        INFO("injected: " << mwtest::escaped(b));
        // Named strings: the composer keeps views (a temporary std::string does not compile).
        const std::string address = "c@example.org" + b, leading = b + "c@example.org", name = "Name" + b,
                          subject = "Hello" + b, value = "value" + b, field = "X-Test" + b, file = "file" + b + ".txt",
                          type = "text/plain" + b, id = "id" + b + "@x";
        CHECK(m.to(address).why == cause::bad_address);
        CHECK(m.cc("c@example.org", name).why == cause::bad_header);
        CHECK(m.bcc(leading).why == cause::bad_address);
        CHECK(m.reply_to("c@example.org", b).why == cause::bad_header);
        CHECK(m.subject(subject).why == cause::bad_header);
        CHECK(m.header("X-Test", value).why == cause::bad_header);
        CHECK(m.header(field, "value").why == cause::bad_header);
        CHECK(m.attach(content_source::from_memory("data"), file).why == cause::bad_header);
        CHECK(m.attach(content_source::from_memory("data"), "f.txt", type).why == cause::bad_header);
        CHECK(m.inline_part(content_source::from_memory("x"), id, "image/png").why == cause::bad_header);
    }
    // Header names: printable ASCII without ":" or space; the composer's own names are refused
    // with a cause of their own (they are set through their own functions).
    for (const char* name : {"", "X Test", "X:Test", "X\xc3\xa9"})
        CHECK(m.header(name, "v").why == cause::bad_header);
    for (const char* name : {"Bcc", "content-type", "FROM", "Message-ID", "Date", "mime-version", "Subject", "To",
                             "Cc", "Reply-To", "Sender", "Content-Transfer-Encoding"})
        CHECK(m.header(name, "v").why == cause::header_reserved);
    CHECK(m.header("X-Date", "v").ok()); // only the names themselves
    CHECK(m.header("Dates", "v").ok());
    // A content type with parameters or without a subtype would let a value into the header.
    for (const char* type : {"text/plain; charset=x", "text", "/plain", "text/", "te xt/plain"})
        CHECK(m.attach(content_source::from_memory("d"), "f", type).why == cause::bad_header);
    CHECK(m.inline_part(content_source::from_memory("x"), "no-at-sign", "image/png").why == cause::bad_header);
    CHECK(m.inline_part(content_source::from_memory("x"), "a>b@x", "image/png").why == cause::bad_header);

    // The message keeps the first refusal: it cannot be sent without what was refused.
    CHECK(m.prepare(false, false).why == cause::bad_address);
}

TEST_CASE("composer: errors are usage errors with advice", "[unit][message]") {
    mailwire::message m;
    const mailwire::error e = m.subject("a\nb");
    CHECK(e.kind == error_kind::usage);
    CHECK(std::string(e.advice()).find("CR, LF") != std::string::npos);
}

TEST_CASE("composer: a refused setter also stops prepare(), so nothing goes out without it", "[unit][message]") {
    mailwire::message m;
    minimal(m);
    const std::string bad = "c@example.org\r\nRCPT TO:<evil@example.org>";
    (void)m.to(bad); // the caller ignores the result
    REQUIRE(m.cc("d@example.org").ok());
    const mailwire::error e = m.prepare(false, false);
    CHECK(e.kind == error_kind::usage);
    CHECK(e.why == cause::bad_address);
}
