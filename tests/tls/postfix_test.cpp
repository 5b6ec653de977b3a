// SPDX-License-Identifier: BSL-1.0
// TLS against Postfix's smtpd from Debian: STARTTLS required (as on 587) and wrapper mode
// (implicit TLS, as on 465), through the library and through mailwire-send. Postfix prepends a
// Received: header and changes nothing else: the content must end with exactly what was sent.
#include "tls_fixture.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using mailwire::error;
using tlstest::describe;
using tlstest::smtp_server;
using tlstest::tls_client;

namespace {

const std::string message = "From: a@example.org\r\nTo: b@example.org\r\nSubject: through Postfix\r\n\r\n"
                            ".a leading dot\r\n..two dots\r\n.\r\nno line end at the very end";
// What the server must hold: the same, with the last line ended (RFC 5321 §4.1.1.4).
const std::string expected = message + "\r\n";

bool ends_with(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

template <class Profile>
void send_through_postfix(bool wrapper) {
    smtp_server server(tlstest::postfix(wrapper));
    INFO("server: " << server.problem() << " " << server.server_stderr());
    REQUIRE(server.ok());
    tls_client<Profile> t(server.port(), 15000);
    const error e = t.c.open("localhost");
    INFO(describe(e) << " | " << t.c.tls().failure_detail());
    REQUIRE(e.ok());
    CHECK(t.c.encrypted());
    mailwire::recipient r[2] = {{"b@example.org", {}}, {"c@example.org", {}}};
    mailwire::envelope env;
    env.sender = "a@example.org";
    env.recipients = r;
    env.recipient_count = 2;
    const mailwire::send_result s = t.c.send(env, message);
    INFO(describe(s.err));
    CHECK(s.ok());
    CHECK(t.c.quit().ok());
    const std::vector<interop::received_message> got = server.messages();
    REQUIRE(got.size() == 1);
    INFO("received:\n" << got[0].content);
    CHECK(got[0].mail_from == "a@example.org");
    CHECK(got[0].rcpt_tos == std::vector<std::string>{"b@example.org", "c@example.org"});
    CHECK(got[0].content.rfind("Received: from ", 0) == 0); // Postfix's one addition
    CHECK(ends_with(got[0].content, "\r\n" + expected));
    // Postfix's log confirms the session was encrypted (smtpd_tls_loglevel 1).
    CHECK(interop::read_file(server.dir() + "/maillog").find("TLS connection established") != std::string::npos);
}

} // namespace

TEST_CASE("Postfix smtpd with STARTTLS required: byte-exact through the library", "[tls][real][postfix]") {
    send_through_postfix<mailwire::profiles::submission>(false);
}

TEST_CASE("Postfix smtpd in wrapper mode (implicit TLS): byte-exact through the library", "[tls][real][postfix]") {
    send_through_postfix<mailwire::profiles::submissions>(true);
}

namespace {
/// The client's side of the dialogue (its trace), one line each.
void keep_client_lines(void* context, mailwire::trace_direction d, std::string_view line) {
    if (d == mailwire::trace_direction::client) static_cast<std::vector<std::string>*>(context)->emplace_back(line);
}
std::size_t count_prefix(const std::vector<std::string>& lines, const std::string& prefix) {
    std::size_t n = 0;
    for (const std::string& l : lines) n += l.rfind(prefix, 0) == 0;
    return n;
}
} // namespace

TEST_CASE("Postfix smtpd with CHUNKING: a body of many chunks arrives byte-exact, and DATA when chunking is off",
          "[tls][real][postfix][chunking]") {
    // Postfix offers CHUNKING (RFC 3030): BDAT chunks of at most the send buffer, the last one
    // LAST, nothing dot-stuffed; the server holds exactly what DATA would have given it.
    std::string body = "From: a@example.org\r\nTo: b@example.org\r\nSubject: chunks\r\n\r\n";
    for (std::size_t i = 0; body.size() < 5 * MAILWIRE_TX_BUFFER_SIZE + 333; ++i)
        body += (i % 3 == 0 ? "." : "") + std::string(1 + i % 90, static_cast<char>('A' + i % 26)) + (i % 4 ? "\r\n" : "\n");
    std::string held; // LF made CRLF, the last line ended
    for (char ch : body) {
        if (ch == '\n' && (held.empty() || held.back() != '\r')) held += '\r';
        held += ch;
    }
    if (held.compare(held.size() - 2, 2, "\r\n") != 0) held += "\r\n";
    for (bool chunking : {true, false}) {
        INFO((chunking ? "BDAT" : "DATA (disable_chunking)"));
        smtp_server server(tlstest::postfix(false));
        INFO("server: " << server.problem() << " " << server.server_stderr());
        REQUIRE(server.ok());
        tls_client<mailwire::profiles::submission> t(server.port(), 15000);
        std::vector<std::string> lines;
        t.c.options().trace = &keep_client_lines;
        t.c.options().trace_context = &lines;
        t.c.options().disable_chunking = !chunking;
        const error e = t.c.open("localhost");
        INFO(describe(e));
        REQUIRE(e.ok());
        REQUIRE(t.c.server_capabilities().chunking);
        mailwire::recipient r[1] = {{"b@example.org", {}}};
        mailwire::envelope env;
        env.sender = "a@example.org";
        env.recipients = r;
        env.recipient_count = 1;
        const mailwire::send_result s = t.c.send(env, body);
        INFO(describe(s.err));
        CHECK(s.ok());
        CHECK(t.c.quit().ok());
        if (chunking) {
            CHECK(count_prefix(lines, "BDAT ") >= 5);
            CHECK(count_prefix(lines, "DATA") == 0);
        } else {
            CHECK(count_prefix(lines, "BDAT ") == 0);
            CHECK(count_prefix(lines, "DATA") == 1);
        }
        const std::vector<interop::received_message> got = server.messages();
        REQUIRE(got.size() == 1);
        CHECK(got[0].content.rfind("Received: from ", 0) == 0);
        CHECK(ends_with(got[0].content, "\r\n" + held));
    }
}

#ifdef MAILWIRE_SEND_EXE
TEST_CASE("Postfix smtpd: mailwire-send with the default profile and with submissions", "[tls][real][postfix][send]") {
    for (bool wrapper : {false, true}) {
        INFO((wrapper ? "wrapper mode" : "STARTTLS"));
        smtp_server server(tlstest::postfix(wrapper));
        INFO("server: " << server.problem());
        REQUIRE(server.ok());
        std::vector<std::string> argv = {MAILWIRE_SEND_EXE, "--host", "localhost", "--port",
                                         std::to_string(server.port()), "--cafile", tlstest::pki("ca.pem"),
                                         "--from", "a@example.org", "b@example.org"};
        if (wrapper) argv.insert(argv.begin() + 1, {"--profile", "submissions"});
        const interop::process_result r = interop::run_process(argv, "Subject: x\n\nhello\n.\n", {});
        INFO(r.describe());
        CHECK(r.status == 0);
        const std::vector<interop::received_message> got = server.messages();
        REQUIRE(got.size() == 1);
        CHECK(ends_with(got[0].content, "\r\nSubject: x\r\n\r\nhello\r\n.\r\n"));
    }
}

TEST_CASE("Postfix smtpd: 8-bit text only where 8BITMIME is offered, and no line over 998 octets (exit 65)",
          "[tls][real][postfix][send][content]") {
    // RFC 6152 §3 and RFC 5322 §2.1.1, against the real server: Postfix offers 8BITMIME unless
    // told not to, CHUNKING but not BINARYMIME.
    const std::string eight_bit = "Subject: umlauts\n\nGr\xc3\xbc\xc3\x9f" "e\n";
    const std::string long_line = "Subject: long\n\n" + std::string(1500, 'x') + "\n";
    for (bool offered : {true, false}) {
        INFO("8BITMIME offered: " << offered);
        smtp_server server(tlstest::postfix(false, offered));
        INFO("server: " << server.problem());
        REQUIRE(server.ok());
        const std::vector<std::string> argv = {MAILWIRE_SEND_EXE, "--host", "localhost", "--port",
                                               std::to_string(server.port()), "--cafile", tlstest::pki("ca.pem"),
                                               "--from", "a@example.org", "b@example.org"};
        const interop::process_result r = interop::run_process(argv, eight_bit, {});
        INFO(r.describe());
        CHECK(r.status == (offered ? 0 : 65));
        const interop::process_result l = interop::run_process(argv, long_line, {});
        INFO(l.describe());
        CHECK(l.status == 65);
        CHECK(l.err.find("line 3 is longer than 998 octets") != std::string::npos);
        const std::vector<interop::received_message> got = server.messages();
        REQUIRE(got.size() == (offered ? 1u : 0u));
        if (offered) CHECK(ends_with(got[0].content, "\r\nSubject: umlauts\r\n\r\nGr\xc3\xbc\xc3\x9f" "e\r\n"));
    }
}
#endif
