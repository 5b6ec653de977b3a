// SPDX-License-Identifier: BSL-1.0
// Interop: the library API against a real server (python3-aiosmtpd), checked byte for byte.
//
// What the server stores is compared with interop::crlf_normalised(input): the RFC 5321 rules
// (§2.3.8 every line end is CRLF, §4.5.2 the server removes the dot-stuffing, a last line without
// a line end is ended) applied by the test itself, never the library's output.
#include "fixture.hpp"

#include <catch2/catch.hpp>

#include <mailwire/mailwire.hpp>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

namespace {

using interop::crlf_normalised;
using interop::first_difference;
using interop::received_message;
using interop::server_options;
using interop::smtp_server;

/// Plaintext, with the port chosen at run time (options().port = the server's port).
using test_client = mailwire::client<mailwire::posix_transport, mailwire::no_tls, mailwire::profile<0, mailwire::encryption::none>>;

const char* const ehlo_name = "client.mailwire.test";

std::string describe(const mailwire::error& e) {
    std::string s = std::string(mailwire::to_string(e.where)) + "/" + mailwire::to_string(e.kind) + "/" +
                    mailwire::to_string(e.why);
    if (e.server.code != 0) s += " (server: " + std::to_string(e.server.code) + " " + std::string(e.server.message()) + ")";
    s += " advice: ";
    s += e.advice();
    return s;
}

/// Recipients whose strings outlive the envelope.
struct recipient_list {
    std::vector<std::string> addresses;
    std::vector<mailwire::recipient> list;

    explicit recipient_list(std::vector<std::string> a) : addresses(std::move(a)) {
        for (const std::string& s : addresses) list.push_back(mailwire::recipient{s, {}});
    }
    mailwire::envelope envelope(std::string_view sender) {
        mailwire::envelope env;
        env.sender = sender;
        env.recipients = list.data();
        env.recipient_count = list.size();
        return env;
    }
};

/// Opens a session to the fixture (plaintext, port from the server), with a fixed EHLO name.
void prepare(test_client& c, const smtp_server& server) {
    c.options().port = server.port();
    c.options().ehlo_name = ehlo_name;
}

/// Sends `body` from sender@example.org to two recipients on a fresh connection and checks that the
/// server stored exactly the CRLF-normalised body with the right envelope.
void check_byte_exact(const std::string& body, bool eight_bit = false) {
    smtp_server server;
    INFO("server: " << server.problem());
    REQUIRE(server.ok());

    test_client c;
    prepare(c, server);
    const mailwire::error e = c.open("127.0.0.1");
    INFO(describe(e));
    REQUIRE(e.ok());

    recipient_list to({"alice@example.org", "bob@example.net"});
    mailwire::envelope env = to.envelope("sender@example.org");
    env.eight_bit = eight_bit;
    const mailwire::send_result r = c.send(env, body);
    INFO(describe(r.err));
    REQUIRE(r.ok());
    CHECK(r.accepted == 2);
    CHECK(r.refused == 0);
    CHECK(to.list[0].result.code == 250);
    CHECK(to.list[1].result.code == 250);
    CHECK(c.quit().ok());

    const std::vector<received_message> got = server.messages();
    REQUIRE(got.size() == 1);
    const received_message& m = got[0];
    INFO(m.problem);
    REQUIRE(m.valid);
    CHECK(m.mail_from == "sender@example.org");
    CHECK(m.rcpt_tos == std::vector<std::string>{"alice@example.org", "bob@example.net"});
    CHECK(m.ehlo == ehlo_name);
    const std::string expected = crlf_normalised(body);
    INFO(first_difference(expected, m.content));
    CHECK(m.content.size() == expected.size());
    CHECK((m.content == expected));
    // RFC 1870 §3: the declared SIZE is the message with CRLF line ends (no stuffing, no final ".").
    // An empty message may go without SIZE (the parameter is optional); a declared one must be exact.
    std::vector<std::string> sizes;
    for (const std::string& opt : m.mail_options)
        if (opt.compare(0, 5, "SIZE=") == 0) sizes.push_back(opt);
    if (!expected.empty()) REQUIRE(sizes.size() == 1);
    for (const std::string& opt : sizes) CHECK(opt == "SIZE=" + std::to_string(expected.size()));
    const bool declared_8bit =
        std::find(m.mail_options.begin(), m.mail_options.end(), "BODY=8BITMIME") != m.mail_options.end();
    CHECK(declared_8bit == eight_bit);
}

/// Deterministic pseudo-random printable lines of 1..200 characters, some starting with ".".
std::string big_body(std::size_t at_least) {
    std::string s = "From: sender@example.org\nTo: alice@example.org\nSubject: one megabyte\n\n";
    std::uint32_t x = 12345u;
    auto next = [&x] {
        x = x * 1103515245u + 12345u;
        return (x >> 16) & 0x7FFFu;
    };
    while (s.size() < at_least) {
        const std::size_t len = 1 + next() % 200;
        std::string line;
        if (next() % 10 == 0) line += '.';
        while (line.size() < len) line += static_cast<char>(' ' + 1 + next() % 94);
        s += line;
        s += (next() % 3 == 0) ? "\r\n" : "\n";
    }
    return s;
}

} // namespace

// ------------------------------------------------------------------------------ content, byte for byte

TEST_CASE("library: a message with LF line ends arrives byte-exact with CRLF", "[interop][library][content]") {
    check_byte_exact("From: sender@example.org\nTo: alice@example.org\nSubject: LF\n\nline one\nline two\n");
}

TEST_CASE("library: a message with CRLF line ends arrives byte-exact", "[interop][library][content]") {
    check_byte_exact("From: sender@example.org\r\nTo: alice@example.org\r\nSubject: CRLF\r\n\r\nline one\r\nline two\r\n");
}

TEST_CASE("library: mixed line ends and bare CR all become CRLF", "[interop][library][content]") {
    check_byte_exact("Subject: mixed\r\n\nunix\nold mac\rdos\r\nbare CR: a\rb\nCR CR LF\r\r\nLF CR\n\rend\r");
}

TEST_CASE("library: lines starting with a dot and smuggling shapes arrive unchanged", "[interop][library][content]") {
    check_byte_exact("Subject: dots\n\n.\n..\n...\n.hidden\n. space\nmiddle\n.\r\nafter a lone dot (CRLF)\n"
                     "x\n.\rMAIL FROM:<evil@example.org>\r\nx\r.\r\nRCPT TO:<victim@example.org>\n\r\n.\nend\n");
}

TEST_CASE("library: a body ending in a dot without a line end", "[interop][library][content]") {
    check_byte_exact("Subject: dot at the end\n\nthe last line is a single dot\n.");
}

TEST_CASE("library: a body whose last line has no line end gets one", "[interop][library][content]") {
    check_byte_exact("Subject: open last line\r\n\r\nno line end here");
}

TEST_CASE("library: an empty body", "[interop][library][content]") { check_byte_exact(""); }

TEST_CASE("library: a 1 MB body", "[interop][library][content]") {
    const std::string body = big_body(1024 * 1024);
    REQUIRE(body.size() >= 1024 * 1024);
    check_byte_exact(body);
}

TEST_CASE("library: a body of 100000 lines holding a single dot", "[interop][library][content]") {
    std::string body;
    for (int i = 0; i < 100000; ++i) body += ".\n";
    check_byte_exact(body);
}

TEST_CASE("library: 8-bit content is declared BODY=8BITMIME and arrives unchanged", "[interop][library][content]") {
    check_byte_exact("Subject: =?UTF-8?Q?gr=C3=BC=C3=9Fe?=\nContent-Type: text/plain; charset=utf-8\n"
                     "Content-Transfer-Encoding: 8bit\n\ngr\xC3\xBC\xC3\x9F" "e \xE2\x82\xAC \xFF\x80\n",
                     true);
}

namespace {
/// A source that hands out the message in pieces of 1 to 7 bytes, so that CRLF pairs and
/// line-start dots fall across the client's reads.
struct trickle_source {
    std::string data;
    std::size_t pos = 0;
    std::size_t step = 0;
    std::ptrdiff_t read(char* buf, std::size_t cap) {
        std::size_t n = 1 + (step++ % 7);
        if (n > cap) n = cap;
        if (n > data.size() - pos) n = data.size() - pos;
        std::memcpy(buf, data.data() + pos, n);
        pos += n;
        return static_cast<std::ptrdiff_t>(n);
    }
};
} // namespace

TEST_CASE("library: a streamed source split at every position arrives byte-exact", "[interop][library][content]") {
    smtp_server server;
    INFO("server: " << server.problem());
    REQUIRE(server.ok());
    test_client c;
    prepare(c, server);
    REQUIRE(c.open("127.0.0.1").ok());

    std::string body = "Subject: pieces\r\n\r\n";
    for (int i = 0; i < 300; ++i) body += (i % 3 == 0) ? ".\r\n" : (i % 3 == 1) ? "..x\n" : "line\r";
    trickle_source src{body};
    recipient_list to({"alice@example.org"});
    mailwire::envelope env = to.envelope("sender@example.org");
    const mailwire::send_result r = c.send(env, src);
    INFO(describe(r.err));
    REQUIRE(r.ok());
    CHECK(c.quit().ok());

    const auto got = server.messages();
    REQUIRE(got.size() == 1);
    REQUIRE(got[0].valid);
    const std::string expected = crlf_normalised(body);
    INFO(first_difference(expected, got[0].content));
    CHECK((got[0].content == expected));
}

// ------------------------------------------------------------------------------ envelope

TEST_CASE("library: without an EHLO name the client greets with its address literal", "[interop][library][envelope]") {
    smtp_server server;
    INFO("server: " << server.problem());
    REQUIRE(server.ok());
    test_client c;
    c.options().port = server.port();
    REQUIRE(c.open("127.0.0.1").ok());
    recipient_list to({"alice@example.org"});
    mailwire::envelope env = to.envelope("sender@example.org");
    REQUIRE(c.send(env, "Subject: hi\n\nhi\n").ok());
    CHECK(c.quit().ok());
    const auto got = server.messages();
    REQUIRE(got.size() == 1);
    CHECK(got[0].ehlo == "[127.0.0.1]"); // RFC 5321 §4.1.3 address literal
}

TEST_CASE("library: the null sender is sent as MAIL FROM:<>", "[interop][library][envelope]") {
    smtp_server server;
    INFO("server: " << server.problem());
    REQUIRE(server.ok());
    test_client c;
    prepare(c, server);
    REQUIRE(c.open("127.0.0.1").ok());
    recipient_list to({"alice@example.org"});
    mailwire::envelope env = to.envelope("");
    const mailwire::send_result r = c.send(env, "Subject: bounce\n\nnull sender\n");
    INFO(describe(r.err));
    REQUIRE(r.ok());
    CHECK(c.quit().ok());
    const auto got = server.messages();
    REQUIRE(got.size() == 1);
    CHECK(got[0].mail_from == "<>"); // aiosmtpd keeps the null path as "<>"
}

TEST_CASE("library: one refused recipient among several", "[interop][library][recipients]") {
    server_options o;
    o.refuse_rcpt = {"nobody@example.org"};
    smtp_server server(o);
    INFO("server: " << server.problem());
    REQUIRE(server.ok());
    test_client c;
    prepare(c, server);
    REQUIRE(c.open("127.0.0.1").ok());

    recipient_list to({"alice@example.org", "nobody@example.org", "carol@example.com"});
    mailwire::envelope env = to.envelope("sender@example.org");
    const std::string body = "Subject: partial\n\nto two of three\n";
    const mailwire::send_result r = c.send(env, body);
    INFO(describe(r.err));
    CHECK(r.delivered());
    CHECK_FALSE(r.ok());
    CHECK(r.accepted == 2);
    CHECK(r.refused == 1);
    CHECK(to.list[0].accepted());
    CHECK_FALSE(to.list[1].accepted());
    CHECK(to.list[1].result.code == 550);
    CHECK(to.list[1].result.enhanced_status() == "5.1.1");
    CHECK(to.list[2].accepted());
    CHECK(c.quit().ok());

    const auto got = server.messages();
    REQUIRE(got.size() == 1);
    CHECK(got[0].rcpt_tos == std::vector<std::string>{"alice@example.org", "carol@example.com"});
    CHECK((got[0].content == crlf_normalised(body)));
}

TEST_CASE("library: a temporarily refused recipient (451) among several", "[interop][library][recipients]") {
    server_options o;
    o.tempfail_rcpt = {"later@example.org"};
    smtp_server server(o);
    INFO("server: " << server.problem());
    REQUIRE(server.ok());
    test_client c;
    prepare(c, server);
    REQUIRE(c.open("127.0.0.1").ok());

    recipient_list to({"later@example.org", "alice@example.org"});
    mailwire::envelope env = to.envelope("sender@example.org");
    const mailwire::send_result r = c.send(env, "Subject: t\n\nx\n");
    INFO(describe(r.err));
    CHECK(r.delivered());
    CHECK(r.accepted == 1);
    CHECK(r.refused == 1);
    CHECK(to.list[0].result.code == 451);
    CHECK(to.list[0].result.enhanced_status() == "4.3.0");
    CHECK(to.list[1].accepted());
    CHECK(c.quit().ok());
    const auto got = server.messages();
    REQUIRE(got.size() == 1);
    CHECK(got[0].rcpt_tos == std::vector<std::string>{"alice@example.org"});
}

// ------------------------------------------------------------------------------ sessions

TEST_CASE("library: two messages on one connection", "[interop][library][session]") {
    smtp_server server;
    INFO("server: " << server.problem());
    REQUIRE(server.ok());
    test_client c;
    prepare(c, server);
    REQUIRE(c.open("127.0.0.1").ok());

    const std::string first = "Subject: first\n\none\n";
    const std::string second = "Subject: second\r\n\r\n.two\r\n";
    recipient_list to1({"alice@example.org"});
    mailwire::envelope env1 = to1.envelope("one@example.org");
    const mailwire::send_result r1 = c.send(env1, first);
    INFO(describe(r1.err));
    REQUIRE(r1.ok());
    recipient_list to2({"bob@example.org", "carol@example.org"});
    mailwire::envelope env2 = to2.envelope("two@example.org");
    const mailwire::send_result r2 = c.send(env2, second);
    INFO(describe(r2.err));
    REQUIRE(r2.ok());
    CHECK(c.noop().ok());
    CHECK(c.quit().ok());

    const auto got = server.messages();
    REQUIRE(got.size() == 2);
    CHECK(got[0].mail_from == "one@example.org");
    CHECK(got[0].rcpt_tos == std::vector<std::string>{"alice@example.org"});
    CHECK((got[0].content == crlf_normalised(first)));
    CHECK(got[1].mail_from == "two@example.org");
    CHECK(got[1].rcpt_tos == std::vector<std::string>{"bob@example.org", "carol@example.org"});
    CHECK((got[1].content == crlf_normalised(second)));
    // One connection: one EHLO.
    const auto ev = server.events();
    CHECK(std::count_if(ev.begin(), ev.end(), [](const std::string& l) { return l.compare(0, 5, "EHLO ") == 0; }) == 1);
}

TEST_CASE("library: after a transaction whose recipients were all refused the next one goes through",
          "[interop][library][session]") {
    server_options o;
    o.refuse_rcpt = {"nobody@example.org", "noone@example.org"};
    smtp_server server(o);
    INFO("server: " << server.problem());
    REQUIRE(server.ok());
    test_client c;
    prepare(c, server);
    REQUIRE(c.open("127.0.0.1").ok());

    recipient_list bad({"nobody@example.org", "noone@example.org"});
    mailwire::envelope env1 = bad.envelope("sender@example.org");
    const mailwire::send_result r1 = c.send(env1, "Subject: lost\n\nnobody\n");
    CHECK_FALSE(r1.delivered());
    CHECK(r1.err.where == mailwire::phase::rcpt);
    CHECK(r1.err.kind == mailwire::error_kind::permanent);
    CHECK(r1.err.why == mailwire::cause::all_recipients_refused);
    CHECK(r1.err.server.code == 550);
    CHECK(r1.refused == 2);
    CHECK(std::string(r1.err.advice()).size() > 0);
    REQUIRE(c.is_open());

    const std::string body = "Subject: found\n\nsomebody\n";
    recipient_list good({"alice@example.org"});
    mailwire::envelope env2 = good.envelope("sender@example.org");
    const mailwire::send_result r2 = c.send(env2, body);
    INFO(describe(r2.err));
    REQUIRE(r2.ok());
    CHECK(c.quit().ok());

    const auto got = server.messages();
    REQUIRE(got.size() == 1);
    CHECK(got[0].rcpt_tos == std::vector<std::string>{"alice@example.org"});
    CHECK((got[0].content == crlf_normalised(body)));
    // The abandoned transaction was reset (RFC 5321 §4.1.1.5) before the next MAIL.
    CHECK(server.received_command("RSET"));
}

TEST_CASE("library: an explicit RSET then a message", "[interop][library][session]") {
    smtp_server server;
    INFO("server: " << server.problem());
    REQUIRE(server.ok());
    test_client c;
    prepare(c, server);
    REQUIRE(c.open("127.0.0.1").ok());
    CHECK(c.reset().ok());
    recipient_list to({"alice@example.org"});
    mailwire::envelope env = to.envelope("sender@example.org");
    REQUIRE(c.send(env, "Subject: x\n\ny\n").ok());
    CHECK(c.quit().ok());
    CHECK(server.messages().size() == 1);
}

TEST_CASE("library: a 554 after the data is a permanent failure and nothing is stored", "[interop][library][session]") {
    server_options o;
    o.reject_data = "554";
    smtp_server server(o);
    INFO("server: " << server.problem());
    REQUIRE(server.ok());
    test_client c;
    prepare(c, server);
    REQUIRE(c.open("127.0.0.1").ok());
    recipient_list to({"alice@example.org"});
    mailwire::envelope env = to.envelope("sender@example.org");
    const mailwire::send_result r = c.send(env, "Subject: spam?\n\nno\n");
    CHECK_FALSE(r.delivered());
    CHECK(r.err.where == mailwire::phase::end_of_data);
    CHECK(r.err.kind == mailwire::error_kind::permanent);
    CHECK(r.err.server.code == 554);
    CHECK(r.err.server.enhanced_status() == "5.7.1");
    CHECK(std::string(r.err.advice()).size() > 0);
    (void)c.quit();
    CHECK(server.messages().empty());
}

// ------------------------------------------------------------------------------ AUTH

namespace {
const char* const auth_user = "alice";
const char* const auth_password = "c0rrect-h0rse";

void check_auth(mailwire::auth_mechanism mech, const char* expected_mechanism, const std::string& password = auth_password) {
    server_options o;
    o.auth = std::string(auth_user) + ":" + password;
    smtp_server server(o);
    INFO("server: " << server.problem());
    REQUIRE(server.ok());
    test_client c;
    prepare(c, server);
    c.options().allow_plaintext_auth = true;
    REQUIRE(c.open("127.0.0.1").ok());
    CHECK(c.server_capabilities().auth);

    const mailwire::error e = c.authenticate(mailwire::credentials{auth_user, password}, mech);
    INFO(describe(e));
    REQUIRE(e.ok());
    const std::string body = "Subject: authenticated\n\nhello\n";
    recipient_list to({"bob@example.org"});
    mailwire::envelope env = to.envelope("alice@example.org");
    const mailwire::send_result r = c.send(env, body);
    INFO(describe(r.err));
    REQUIRE(r.ok());
    CHECK(c.quit().ok());

    const auto got = server.messages();
    REQUIRE(got.size() == 1);
    CHECK(got[0].authenticated);
    CHECK(got[0].auth_login == auth_user);
    CHECK(got[0].auth_mechanism == expected_mechanism);
    CHECK((got[0].content == crlf_normalised(body)));
    CHECK(server.auth_attempts() == 1);
}

void check_bad_password(mailwire::auth_mechanism mech) {
    server_options o;
    o.auth = std::string(auth_user) + ":" + auth_password;
    smtp_server server(o);
    INFO("server: " << server.problem());
    REQUIRE(server.ok());
    test_client c;
    prepare(c, server);
    c.options().allow_plaintext_auth = true;
    REQUIRE(c.open("127.0.0.1").ok());

    const mailwire::error e = c.authenticate(mailwire::credentials{auth_user, "wrong-password"}, mech);
    INFO(describe(e));
    CHECK_FALSE(e.ok());
    CHECK(e.where == mailwire::phase::auth);
    CHECK(e.kind == mailwire::error_kind::auth);
    CHECK(e.why == mailwire::cause::credentials_rejected);
    CHECK(e.server.code == 535);
    CHECK(e.server.enhanced_status() == "5.7.8");
    CHECK(std::string(e.advice()).size() > 0);
    // After a failed AUTH only QUIT is sent and the connection is closed.
    CHECK_FALSE(c.is_open());

    const auto ev = server.events();
    REQUIRE_FALSE(ev.empty());
    CHECK(ev.back().find("AUTH-RESULT") == 0);
    CHECK(ev.back().find(" fail") != std::string::npos);
    CHECK(server.messages().empty());
    CHECK_FALSE(server.received_command("MAIL"));
    CHECK(server.received_command("QUIT"));
    // Nothing but QUIT after the 535.
    const std::vector<std::string> cmds = server.commands();
    REQUIRE(cmds.size() >= 2);
    CHECK(cmds.back().compare(0, 4, "QUIT") == 0);
    CHECK(cmds[cmds.size() - 2].compare(0, 4, "AUTH") == 0);
}
} // namespace

TEST_CASE("library: AUTH PLAIN with the right password", "[interop][library][auth]") {
    check_auth(mailwire::auth_mechanism::plain, "PLAIN");
}

TEST_CASE("library: AUTH PLAIN with a password too long for the AUTH line goes after aiosmtpd's empty challenge",
          "[interop][library][auth][limits]") {
    // RFC 4954 §4: "AUTH PLAIN <base64>" would pass 512 octets, so the response follows a 334.
    std::string long_password;
    for (int i = 0; i < 150; ++i) long_password += "pw" + std::to_string(i % 10) + "-";
    REQUIRE(long_password.size() > 512);
    check_auth(mailwire::auth_mechanism::plain, "PLAIN", long_password);
}

TEST_CASE("library: AUTH LOGIN with the right password", "[interop][library][auth]") {
    check_auth(mailwire::auth_mechanism::login, "LOGIN");
}

TEST_CASE("library: AUTH automatic picks PLAIN from LOGIN PLAIN", "[interop][library][auth]") {
    check_auth(mailwire::auth_mechanism::automatic, "PLAIN");
}

TEST_CASE("library: AUTH PLAIN with a wrong password is an auth error with 535", "[interop][library][auth]") {
    check_bad_password(mailwire::auth_mechanism::plain);
}

TEST_CASE("library: AUTH LOGIN with a wrong password is an auth error with 535", "[interop][library][auth]") {
    check_bad_password(mailwire::auth_mechanism::login);
}

TEST_CASE("library: AUTH on plaintext without allow_plaintext_auth is refused before anything is sent",
          "[interop][library][auth]") {
    server_options o;
    o.auth = std::string(auth_user) + ":" + auth_password;
    smtp_server server(o);
    INFO("server: " << server.problem());
    REQUIRE(server.ok());
    test_client c;
    prepare(c, server); // allow_plaintext_auth stays false
    REQUIRE(c.open("127.0.0.1").ok());
    REQUIRE(c.server_capabilities().auth); // the server does offer it

    const mailwire::error e = c.authenticate(mailwire::credentials{auth_user, auth_password});
    INFO(describe(e));
    CHECK_FALSE(e.ok());
    CHECK(e.where == mailwire::phase::auth);
    CHECK(e.kind == mailwire::error_kind::usage);
    CHECK(e.why == mailwire::cause::plaintext_auth_refused);
    CHECK(std::string(e.advice()).size() > 0);
    CHECK(c.quit().ok());
    CHECK(server.auth_attempts() == 0);
    CHECK_FALSE(server.received_command("AUTH"));
}

// ------------------------------------------------------------------------------ SIZE

TEST_CASE("library: a message over the server's SIZE is refused before it is sent", "[interop][library][size]") {
    server_options o;
    o.size = 1000;
    smtp_server server(o);
    INFO("server: " << server.problem());
    REQUIRE(server.ok());
    test_client c;
    prepare(c, server);
    REQUIRE(c.open("127.0.0.1").ok());
    CHECK(c.server_capabilities().size);
    CHECK(c.server_capabilities().size_limit == 1000);

    std::string big = "Subject: too big\n\n";
    while (big.size() < 5000) big += "0123456789012345678901234567890123456789012345678901234567890123456789\n";
    recipient_list to({"alice@example.org"});
    mailwire::envelope env = to.envelope("sender@example.org");
    const mailwire::send_result r = c.send(env, big);
    CHECK_FALSE(r.delivered());
    CHECK(r.err.kind == mailwire::error_kind::usage);
    CHECK(r.err.why == mailwire::cause::message_too_large);
    CHECK(std::string(r.err.advice()).size() > 0);

    // The connection is still good for a message within the limit.
    const std::string small = "Subject: small\n\nfits\n";
    recipient_list to2({"alice@example.org"});
    mailwire::envelope env2 = to2.envelope("sender@example.org");
    const mailwire::send_result r2 = c.send(env2, small);
    INFO(describe(r2.err));
    CHECK(r2.ok());
    CHECK(c.quit().ok());

    const auto got = server.messages();
    REQUIRE(got.size() == 1);
    CHECK((got[0].content == crlf_normalised(small)));
}

// ------------------------------------------------------------------------------ addresses

namespace {
void send_one_to(const smtp_server& server, const char* host, const char* expected_ehlo) {
    test_client c;
    c.options().port = server.port();
    const mailwire::error e = c.open(host);
    INFO(host << ": " << describe(e));
    REQUIRE(e.ok());
    const std::string body = std::string("Subject: via ") + host + "\n\nhello\n";
    recipient_list to({"alice@example.org"});
    mailwire::envelope env = to.envelope("sender@example.org");
    const mailwire::send_result r = c.send(env, body);
    INFO(describe(r.err));
    REQUIRE(r.ok());
    CHECK(c.quit().ok());
    const auto got = server.messages();
    REQUIRE(!got.empty());
    CHECK((got.back().content == crlf_normalised(body)));
    if (expected_ehlo != nullptr) CHECK(got.back().ehlo == expected_ehlo);
}
} // namespace

TEST_CASE("library: IPv6 loopback ::1 with and without brackets", "[interop][library][ipv6]") {
    server_options o;
    o.host = "::1";
    smtp_server server(o);
    if (server.bind_failed()) {
        WARN("skipped: this machine cannot listen on ::1 (" << server.problem() << ")");
        return;
    }
    INFO("server: " << server.problem());
    REQUIRE(server.ok());
    send_one_to(server, "::1", "[IPv6:::1]");
    send_one_to(server, "[::1]", "[IPv6:::1]");
    CHECK(server.messages().size() == 2);
}

TEST_CASE("library: the host name localhost", "[interop][library][ipv6]") {
    smtp_server server; // 127.0.0.1: if localhost also resolves to ::1, that address is refused first
    INFO("server: " << server.problem());
    REQUIRE(server.ok());
    send_one_to(server, "localhost", nullptr);
}

TEST_CASE("library: connection refused is a network error", "[interop][library][errors]") {
    test_client c;
    c.options().port = interop::unused_port();
    REQUIRE(c.options().port != 0);
    const mailwire::error e = c.open("127.0.0.1");
    INFO(describe(e));
    CHECK(e.where == mailwire::phase::connect);
    CHECK(e.kind == mailwire::error_kind::network);
    CHECK(e.why == mailwire::cause::connection_refused);
    CHECK(std::string(e.advice()).size() > 0);
}

// ------------------------------------------------------------------------------ SMTPUTF8

TEST_CASE("library: a UTF-8 address goes with SMTPUTF8 when the server offers it", "[interop][library][utf8]") {
    server_options o;
    o.smtputf8 = true;
    smtp_server server(o);
    INFO("server: " << server.problem());
    REQUIRE(server.ok());
    test_client c;
    prepare(c, server);
    REQUIRE(c.open("127.0.0.1").ok());
    CHECK(c.server_capabilities().smtputf8);

    const std::string sender = "j\xC3\xB6rg@example.org";      // jörg
    const std::string rcpt = "\xE7\x94\xB0\xE4\xB8\xAD@example.jp"; // 田中
    const std::string body = "Subject: utf8\n\nhallo\n";
    recipient_list to({rcpt});
    mailwire::envelope env = to.envelope(sender);
    const mailwire::send_result r = c.send(env, body);
    INFO(describe(r.err));
    REQUIRE(r.ok());
    CHECK(c.quit().ok());
    const auto got = server.messages();
    REQUIRE(got.size() == 1);
    CHECK(got[0].mail_from == sender);
    CHECK(got[0].rcpt_tos == std::vector<std::string>{rcpt});
    CHECK(std::find(got[0].mail_options.begin(), got[0].mail_options.end(), "SMTPUTF8") != got[0].mail_options.end());
    CHECK((got[0].content == crlf_normalised(body)));
}

TEST_CASE("library: a UTF-8 address without SMTPUTF8 on the server is refused before MAIL", "[interop][library][utf8]") {
    smtp_server server; // no --smtputf8
    INFO("server: " << server.problem());
    REQUIRE(server.ok());
    test_client c;
    prepare(c, server);
    REQUIRE(c.open("127.0.0.1").ok());
    CHECK_FALSE(c.server_capabilities().smtputf8);
    recipient_list to({"alice@example.org"});
    mailwire::envelope env = to.envelope("j\xC3\xB6rg@example.org");
    const mailwire::send_result r = c.send(env, "Subject: utf8\n\nx\n");
    CHECK_FALSE(r.delivered());
    CHECK(r.err.kind == mailwire::error_kind::usage);
    CHECK(r.err.why == mailwire::cause::utf8_not_supported);
    CHECK(std::string(r.err.advice()).size() > 0);
    CHECK(c.quit().ok());
    CHECK_FALSE(server.received_command("MAIL"));
    CHECK(server.messages().empty());
}
