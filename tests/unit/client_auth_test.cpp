// SPDX-License-Identifier: BSL-1.0
// AUTH (RFC 4954): PLAIN (RFC 4616), LOGIN, XOAUTH2 and OAUTHBEARER (RFC 7628); the choice of
// `auto`; hostile challenges that must end in an error, not a loop; the refusal to send
// credentials in plaintext before a byte of them leaves; nothing but QUIT after a failed AUTH; and
// a trace that never shows a secret. Expected initial responses are built here from the RFCs'
// formats with the test's own base64 encoder.
#include "support.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using mailwire::auth_mechanism;
using mailwire::cause;
using mailwire::credentials;
using mailwire::error;
using mailwire::error_kind;
using mailwire::phase;
using mwtest::ref_base64;
using mwtest::session;

namespace {

const std::string user = "user@example.org";
const std::string password = "s3cr3t-P4ss!";
const std::string token = "ya29.a0AfH6SMBx-token";

/// Opens a session whose EHLO reply offers `auth_line` (e.g. "AUTH PLAIN LOGIN"), with plaintext
/// AUTH allowed (the scripted peer is not encrypted).
void open_offering(session& t, const std::string& auth_line) {
    mwtest::greet(t.s, {"PIPELINING", auth_line});
    t.c.options().allow_plaintext_auth = true;
}

error open_checked(session& t) {
    const error e = t.c.open("mx.example");
    INFO(mwtest::describe(e));
    REQUIRE(e.ok());
    return e;
}

/// RFC 4616 §2: message = [authzid] UTF8NUL authcid UTF8NUL passwd.
std::string plain_response(const std::string& u, const std::string& p) { return ref_base64(std::string(1, '\0') + u + '\0' + p); }

/// Google's XOAUTH2: "user=" {User} "^Aauth=Bearer " {Access Token} "^A^A".
std::string xoauth2_response(const std::string& u, const std::string& t) {
    return ref_base64("user=" + u + "\x01" + "auth=Bearer " + t + "\x01\x01");
}

/// RFC 7628 §3.1 with RFC 5801 §4 saslname escaping: gs2-header "n,a=" saslname "," then
/// kvsep (^A) "auth=Bearer " token kvsep kvsep.
std::string oauthbearer_response(const std::string& u, const std::string& t) {
    std::string name;
    for (char c : u) {
        if (c == '=') name += "=3D";
        else if (c == ',') name += "=2C";
        else name += c;
    }
    return ref_base64("n,a=" + name + "," + "\x01" + "auth=Bearer " + t + "\x01\x01");
}

} // namespace

TEST_CASE("AUTH PLAIN sends the RFC 4616 message as an initial response", "[unit][auth]") {
    session t;
    open_offering(t, "AUTH PLAIN LOGIN");
    t.s.reply("235 2.7.0 Authentication successful\r\n");
    open_checked(t);
    const std::size_t mark = t.s.written.size();
    const error e = t.c.authenticate(credentials{"user", "pass"}, auth_mechanism::plain);
    INFO(mwtest::describe(e));
    CHECK(e.ok());
    // base64("\0user\0pass"), checked independently with Python's base64 module.
    CHECK(t.s.written.substr(mark) == "AUTH PLAIN AHVzZXIAcGFzcw==\r\n");
    CHECK(plain_response("user", "pass") == "AHVzZXIAcGFzcw==");
    CHECK(t.c.is_open());
    CHECK(t.s.writes() == 2); // EHLO, then AUTH in one piece

    SECTION("with a longer user name and password") {
        session u;
        open_offering(u, "AUTH PLAIN");
        u.s.reply("235 ok\r\n");
        open_checked(u);
        const std::size_t m = u.s.written.size();
        CHECK(u.c.authenticate(credentials{user, password}, auth_mechanism::plain).ok());
        CHECK(u.s.written.substr(m) == "AUTH PLAIN " + plain_response(user, password) + "\r\n");
    }
}

TEST_CASE("AUTH LOGIN answers two challenges with the base64 user name and password", "[unit][auth]") {
    session t;
    open_offering(t, "AUTH LOGIN");
    t.s.reply("334 VXNlcm5hbWU6\r\n")   // "Username:"
        .reply("334 UGFzc3dvcmQ6\r\n")  // "Password:"
        .reply("235 2.7.0 Authentication successful\r\n");
    open_checked(t);
    const std::size_t mark = t.s.written.size();
    const error e = t.c.authenticate(credentials{"user", "pass"}, auth_mechanism::login);
    INFO(mwtest::describe(e));
    CHECK(e.ok());
    CHECK(t.s.written.substr(mark) == "AUTH LOGIN\r\ndXNlcg==\r\ncGFzcw==\r\n");
    CHECK(t.s.turns_left() == 0);
}

TEST_CASE("AUTH XOAUTH2 sends user and bearer token as an initial response", "[unit][auth][oauth]") {
    session t;
    open_offering(t, "AUTH XOAUTH2");
    t.s.reply("235 2.7.0 Accepted\r\n");
    open_checked(t);
    const std::size_t mark = t.s.written.size();
    const error e = t.c.authenticate(credentials{user, token}, auth_mechanism::xoauth2);
    INFO(mwtest::describe(e));
    CHECK(e.ok());
    CHECK(t.s.written.substr(mark) == "AUTH XOAUTH2 " + xoauth2_response(user, token) + "\r\n");
}

TEST_CASE("AUTH OAUTHBEARER sends the RFC 7628 client response with an escaped name", "[unit][auth][oauth]") {
    SECTION("a plain user name") {
        session t;
        open_offering(t, "AUTH OAUTHBEARER");
        t.s.reply("235 2.7.0 Accepted\r\n");
        open_checked(t);
        const std::size_t mark = t.s.written.size();
        CHECK(t.c.authenticate(credentials{user, token}, auth_mechanism::oauthbearer).ok());
        CHECK(t.s.written.substr(mark) == "AUTH OAUTHBEARER " + oauthbearer_response(user, token) + "\r\n");
    }
    SECTION("'=' and ',' in the name become =3D and =2C") {
        const std::string odd = "a=b,c@example.org";
        REQUIRE(oauthbearer_response(odd, "T") == ref_base64("n,a=a=3Db=2Cc@example.org,\x01" "auth=Bearer T\x01\x01"));
        session t;
        open_offering(t, "AUTH OAUTHBEARER");
        t.s.reply("235 2.7.0 Accepted\r\n");
        open_checked(t);
        const std::size_t mark = t.s.written.size();
        CHECK(t.c.authenticate(credentials{odd, "T"}, auth_mechanism::oauthbearer).ok());
        CHECK(t.s.written.substr(mark) == "AUTH OAUTHBEARER " + oauthbearer_response(odd, "T") + "\r\n");
    }
}

TEST_CASE("a rejected OAuth token: the error challenge is answered, then only QUIT", "[unit][auth][oauth]") {
    // RFC 7628 §3.2.3: the server reports the error in a 334 (base64 JSON); the client answers with
    // a dummy response (^A, "AQ==" in base64) and the server fails the exchange. Google's XOAUTH2
    // expects an empty response instead.
    const std::string json = ref_base64(R"({"status":"invalid_token","scope":"https://mail.example/","schemes":"bearer"})");
    for (auth_mechanism mech : {auth_mechanism::xoauth2, auth_mechanism::oauthbearer}) {
        INFO("mechanism " << mailwire::to_string(mech));
        session t;
        open_offering(t, std::string("AUTH ") + mailwire::to_string(mech));
        t.s.reply("334 " + json + "\r\n").reply("535 5.7.8 Username and Password not accepted\r\n").reply("221 bye\r\n");
        open_checked(t);
        const std::size_t mark = t.s.written.size();
        const error e = t.c.authenticate(credentials{user, token}, mech);
        INFO(mwtest::describe(e));
        CHECK(e.where == phase::auth);
        CHECK(e.kind == error_kind::auth);
        CHECK(e.why == cause::credentials_rejected);
        CHECK(e.server.code == 535);
        CHECK(std::string(e.advice()) != "");
        const std::string initial = mech == auth_mechanism::xoauth2 ? "AUTH XOAUTH2 " + xoauth2_response(user, token)
                                                                    : "AUTH OAUTHBEARER " + oauthbearer_response(user, token);
        const std::string answer = mech == auth_mechanism::xoauth2 ? "" : "AQ==";
        CHECK(t.s.written.substr(mark) == initial + "\r\n" + answer + "\r\nQUIT\r\n");
        CHECK_FALSE(t.c.is_open());
        CHECK(t.s.closed_by_client);
    }
}

TEST_CASE("auto chooses PLAIN, then LOGIN, and the OAuth2 mechanisms only when nothing else is offered", "[unit][auth]") {
    struct choice {
        const char* offered;
        const char* expected_command_start;
    };
    const choice choices[] = {
        {"AUTH PLAIN LOGIN", "AUTH PLAIN "},
        {"AUTH LOGIN PLAIN", "AUTH PLAIN "},
        {"AUTH LOGIN", "AUTH LOGIN"},
        {"AUTH LOGIN CRAM-MD5", "AUTH LOGIN"},
        {"AUTH XOAUTH2 PLAIN", "AUTH PLAIN "},
        {"AUTH OAUTHBEARER XOAUTH2 LOGIN", "AUTH LOGIN"},
        {"AUTH XOAUTH2", "AUTH XOAUTH2 "},
        {"AUTH OAUTHBEARER", "AUTH OAUTHBEARER "},
        {"AUTH XOAUTH2 OAUTHBEARER", "AUTH OAUTHBEARER "}, // the standard one (RFC 7628) first
        {"AUTH=LOGIN", "AUTH LOGIN"},
    };
    for (const choice& c : choices) {
        INFO("offered: " << c.offered);
        session t;
        open_offering(t, c.offered);
        // PLAIN/XOAUTH2/OAUTHBEARER finish with the 235; LOGIN uses the two challenges first.
        const std::string expected = c.expected_command_start;
        if (expected == "AUTH LOGIN") t.s.reply("334 VXNlcm5hbWU6\r\n").reply("334 UGFzc3dvcmQ6\r\n");
        t.s.reply("235 ok\r\n");
        open_checked(t);
        const std::size_t mark = t.s.written.size();
        const error e = t.c.authenticate(credentials{user, password});
        INFO(mwtest::describe(e));
        CHECK(e.ok());
        CHECK(t.s.written.compare(mark, expected.size(), expected) == 0);
    }
}

TEST_CASE("a mechanism the server does not offer fails without sending anything", "[unit][auth]") {
    SECTION("asked for explicitly") {
        session t;
        open_offering(t, "AUTH PLAIN");
        open_checked(t);
        const std::string before = t.s.written;
        const error e = t.c.authenticate(credentials{user, password}, auth_mechanism::login);
        INFO(mwtest::describe(e));
        CHECK(e.where == phase::auth);
        CHECK(e.kind == error_kind::auth);
        CHECK(e.why == cause::mechanism_not_offered);
        CHECK(std::string(e.advice()) != "");
        CHECK(t.s.written == before);
    }
    SECTION("auto, with only mechanisms mailwire does not speak") {
        session t;
        open_offering(t, "AUTH CRAM-MD5 GSSAPI");
        open_checked(t);
        const std::string before = t.s.written;
        const error e = t.c.authenticate(credentials{user, password});
        INFO(mwtest::describe(e));
        CHECK(e.why == cause::mechanism_not_offered);
        CHECK(t.s.written == before);
    }
    SECTION("no AUTH capability at all") {
        session t;
        mwtest::greet(t.s, {"PIPELINING"});
        t.c.options().allow_plaintext_auth = true;
        open_checked(t);
        const std::string before = t.s.written;
        const error e = t.c.authenticate(credentials{user, password});
        INFO(mwtest::describe(e));
        CHECK(e.where == phase::auth);
        CHECK(e.why == cause::auth_not_offered);
        CHECK(std::string(e.advice()) != "");
        CHECK(t.s.written == before);
    }
}

TEST_CASE("credentials are refused on an unencrypted connection before a byte of them is written", "[unit][auth][security]") {
    for (auth_mechanism mech : {auth_mechanism::automatic, auth_mechanism::plain, auth_mechanism::login,
                                auth_mechanism::xoauth2, auth_mechanism::oauthbearer}) {
        INFO("mechanism " << mailwire::to_string(mech));
        session t;
        mwtest::greet(t.s, {"AUTH PLAIN LOGIN XOAUTH2 OAUTHBEARER"});
        t.s.reply("235 would accept anything\r\n");
        open_checked(t); // allow_plaintext_auth left at its default
        REQUIRE_FALSE(t.c.options().allow_plaintext_auth);
        REQUIRE_FALSE(t.c.encrypted());
        const std::string before = t.s.written;
        const std::size_t writes_before = t.s.writes();
        const error e = t.c.authenticate(credentials{user, password}, mech);
        INFO(mwtest::describe(e));
        CHECK(e.where == phase::auth);
        CHECK(e.kind == error_kind::usage);
        CHECK(e.why == cause::plaintext_auth_refused);
        CHECK(std::string(e.advice()) != "");
        CHECK(t.s.written == before);
        CHECK(t.s.writes() == writes_before);
        CHECK(t.s.written.find("AUTH") == std::string::npos);
    }
}

TEST_CASE("after a 535 the only thing written is QUIT, and the connection is closed", "[unit][auth]") {
    session t;
    open_offering(t, "AUTH PLAIN LOGIN");
    t.s.reply("535 5.7.8 Authentication credentials invalid\r\n").reply("221 2.0.0 Bye\r\n").reply("250 would take more\r\n");
    open_checked(t);
    const std::size_t mark = t.s.written.size();
    const error e = t.c.authenticate(credentials{user, password}, auth_mechanism::plain);
    INFO(mwtest::describe(e));
    CHECK(e.where == phase::auth);
    CHECK(e.kind == error_kind::auth);
    CHECK(e.why == cause::credentials_rejected);
    CHECK(e.server.code == 535);
    CHECK(e.server.enhanced_status() == "5.7.8");
    const std::string auth_line = "AUTH PLAIN " + plain_response(user, password) + "\r\n";
    CHECK(t.s.written.substr(mark) == auth_line + "QUIT\r\n");
    CHECK_FALSE(t.c.is_open());
    CHECK(t.s.closed_by_client);

    SECTION("and a send afterwards writes nothing") {
        mwtest::recipients to({"b@example.org"});
        mailwire::envelope env = to.envelope("a@example.org");
        const mailwire::send_result r = t.c.send(env, "x\r\n");
        CHECK(r.err.why == cause::not_connected);
        CHECK(t.s.written.substr(mark) == auth_line + "QUIT\r\n");
    }
}

TEST_CASE("LOGIN refused after the password is followed by QUIT only", "[unit][auth]") {
    session t;
    open_offering(t, "AUTH LOGIN");
    t.s.reply("334 VXNlcm5hbWU6\r\n").reply("334 UGFzc3dvcmQ6\r\n").reply("535 5.7.8 bad\r\n").reply("221 bye\r\n");
    open_checked(t);
    const std::size_t mark = t.s.written.size();
    const error e = t.c.authenticate(credentials{"user", "pass"}, auth_mechanism::login);
    INFO(mwtest::describe(e));
    CHECK(e.why == cause::credentials_rejected);
    CHECK(t.s.written.substr(mark) == "AUTH LOGIN\r\ndXNlcg==\r\ncGFzcw==\r\nQUIT\r\n");
    CHECK_FALSE(t.c.is_open());
}

TEST_CASE("a challenge that is not base64 is cancelled with an asterisk and fails", "[unit][auth][hostile]") {
    // RFC 4954 §4: a client that cannot answer a challenge sends "*" to cancel the exchange.
    for (const char* challenge : {"334 !!!not-base64!!!\r\n", "334 VXNlcm5hbWU\r\n", "334 VXNl cm5hbWU6\r\n",
                                  "334-VXNlcm5hbWU6\r\n334 VXNlcm5hbWU6\r\n"}) {
        INFO("challenge " << mwtest::escaped(challenge));
        session t;
        open_offering(t, "AUTH LOGIN");
        t.s.reply(challenge).reply("501 5.7.0 Authentication cancelled\r\n").reply("221 bye\r\n");
        open_checked(t);
        const std::size_t mark = t.s.written.size();
        const error e = t.c.authenticate(credentials{"user", "pass"}, auth_mechanism::login);
        INFO(mwtest::describe(e));
        CHECK_FALSE(e.ok());
        CHECK(e.where == phase::auth);
        CHECK(e.why == cause::bad_challenge);
        CHECK(std::string(e.advice()) != "");
        CHECK(t.s.written.substr(mark) == "AUTH LOGIN\r\n*\r\nQUIT\r\n");
        CHECK(t.s.written.find("dXNlcg==") == std::string::npos); // the user name never left
        CHECK_FALSE(t.c.is_open());
    }
}

TEST_CASE("a challenge is RFC 4648 base64: whole groups, padding only at the end, no stray bits", "[unit][auth][hostile]") {
    // RFC 4954 §4 asks for base64; RFC 4648 §3.5: the bits a pad leaves unused are zero.
    struct run {
        const char* text;
        bool valid;
    };
    for (const run r : {run{"", true}, run{"VXNlcm5hbWU6", true}, run{"QQ==", true}, run{"QUI=", true}, run{"QUJD", true},
                        run{"+/+/", true}, run{"QR==", false}, run{"QUJ=", false}, run{"Q===", false},
                        run{"QQ=A", false}, run{"=QQQ", false}, run{"QQ==QQ==", false}, run{"QQ", false},
                        run{"QUJDR", false}, run{"QU-=", false}, run{"QU\x01=", false}}) {
        INFO("challenge \"" << mwtest::escaped(r.text) << '"');
        session t;
        open_offering(t, "AUTH LOGIN");
        t.s.reply(std::string("334 ") + r.text + "\r\n");
        if (r.valid) t.s.reply("334 UGFzc3dvcmQ6\r\n").reply("235 ok\r\n");
        else t.s.reply("501 5.7.0 Authentication cancelled\r\n").reply("221 bye\r\n");
        open_checked(t);
        const std::size_t mark = t.s.written.size();
        const error e = t.c.authenticate(credentials{"user", "pass"}, auth_mechanism::login);
        INFO(mwtest::describe(e));
        if (r.valid) {
            CHECK(e.ok());
            CHECK(t.s.written.substr(mark) == "AUTH LOGIN\r\ndXNlcg==\r\ncGFzcw==\r\n");
        } else {
            CHECK(e.why == cause::bad_challenge);
            CHECK(t.s.written.substr(mark) == "AUTH LOGIN\r\n*\r\nQUIT\r\n");
        }
    }
}

TEST_CASE("a challenge of 600 octets is a protocol error", "[unit][auth][hostile]") {
    std::string big = ref_base64(std::string(447, 'z')); // 596 base64 characters: "334 " + 596 = 600 octets
    REQUIRE(big.size() == 596);
    session t;
    open_offering(t, "AUTH LOGIN");
    t.s.reply("334 " + big + "\r\n").reply("501 cancelled\r\n").reply("221 bye\r\n");
    open_checked(t);
    const std::size_t mark = t.s.written.size();
    const error e = t.c.authenticate(credentials{"user", "pass"}, auth_mechanism::login);
    INFO(mwtest::describe(e));
    CHECK(e.where == phase::auth);
    CHECK(e.kind == error_kind::protocol);
    CHECK(e.why == cause::reply_too_long);
    CHECK(std::string(e.advice()) != "");
    CHECK(t.s.written.substr(mark) == "AUTH LOGIN\r\n");
    CHECK_FALSE(t.c.is_open());
}

TEST_CASE("an endless chain of challenges ends after at most three exchanges", "[unit][auth][hostile]") {
    SECTION("LOGIN") {
        session t;
        open_offering(t, "AUTH LOGIN");
        for (int i = 0; i < 20; ++i) t.s.reply("334 UGFzc3dvcmQ6\r\n");
        open_checked(t);
        const std::size_t mark = t.s.written.size();
        const error e = t.c.authenticate(credentials{"user", "pass"}, auth_mechanism::login);
        INFO(mwtest::describe(e));
        CHECK_FALSE(e.ok());
        CHECK(e.where == phase::auth);
        CHECK(e.why == cause::bad_challenge);
        const std::string after = t.s.written.substr(mark);
        INFO("written: " << mwtest::escaped(after));
        // AUTH LOGIN, user, password: three exchanges; then the cancel and QUIT.
        CHECK(after == "AUTH LOGIN\r\ndXNlcg==\r\ncGFzcw==\r\n*\r\nQUIT\r\n");
        CHECK(t.s.turns_left() > 10);
        CHECK_FALSE(t.c.is_open());
    }
    SECTION("XOAUTH2") {
        session t;
        open_offering(t, "AUTH XOAUTH2");
        for (int i = 0; i < 20; ++i) t.s.reply("334 e30=\r\n"); // "{}"
        open_checked(t);
        const std::size_t mark = t.s.written.size();
        const error e = t.c.authenticate(credentials{user, token}, auth_mechanism::xoauth2);
        INFO(mwtest::describe(e));
        CHECK_FALSE(e.ok());
        CHECK(e.where == phase::auth);
        const std::string after = t.s.written.substr(mark);
        INFO("written: " << mwtest::escaped(after));
        std::size_t lines = 0;
        for (std::size_t i = 0; i + 1 < after.size(); ++i)
            if (after[i] == '\r' && after[i + 1] == '\n') ++lines;
        CHECK(lines <= 4); // initial response, empty answer, "*", QUIT
        CHECK(after.compare(after.size() - 6, 6, "QUIT\r\n") == 0);
        CHECK(t.s.turns_left() > 10);
    }
}

TEST_CASE("credentials with NUL, or an empty secret, are refused before anything is sent", "[unit][auth]") {
    const credentials bad[] = {
        {std::string_view("us\0er", 5), "pass"},
        {"user", std::string_view("pa\0ss", 5)},
        {"user", ""},
    };
    for (const credentials& c : bad) {
        session t;
        open_offering(t, "AUTH PLAIN LOGIN");
        open_checked(t);
        const std::string before = t.s.written;
        const error e = t.c.authenticate(c, auth_mechanism::plain);
        INFO(mwtest::describe(e));
        CHECK(e.kind == error_kind::usage);
        CHECK(e.why == cause::bad_argument);
        CHECK(t.s.written == before);
    }
}

TEST_CASE("the trace never shows the password, the token or their base64", "[unit][auth][security]") {
    struct run {
        auth_mechanism mech;
        const char* offered;
        std::vector<std::string> replies;
        std::string secret;
    };
    const run runs[] = {
        {auth_mechanism::plain, "AUTH PLAIN", {"235 ok\r\n"}, password},
        {auth_mechanism::login, "AUTH LOGIN", {"334 VXNlcm5hbWU6\r\n", "334 UGFzc3dvcmQ6\r\n", "235 ok\r\n"}, password},
        {auth_mechanism::xoauth2, "AUTH XOAUTH2", {"235 ok\r\n"}, token},
        {auth_mechanism::oauthbearer, "AUTH OAUTHBEARER", {"235 ok\r\n"}, token},
        {auth_mechanism::plain, "AUTH PLAIN", {"535 5.7.8 no\r\n", "221 bye\r\n"}, password},
    };
    for (const run& r : runs) {
        INFO("mechanism " << mailwire::to_string(r.mech));
        session t;
        open_offering(t, r.offered);
        for (const std::string& reply : r.replies) t.s.reply(reply);
        mwtest::trace_log log;
        log.attach(t.c);
        open_checked(t);
        (void)t.c.authenticate(credentials{user, r.secret}, r.mech);
        const std::string traced = log.all();
        INFO("trace:\n" << traced);
        // The encodings in which the secret travels in each mechanism.
        const std::vector<std::string> forms = {r.secret, ref_base64(r.secret), plain_response(user, r.secret),
                                                xoauth2_response(user, r.secret), oauthbearer_response(user, r.secret)};
        bool sent = false;
        for (const std::string& f : forms) {
            CHECK(traced.find(f) == std::string::npos);
            if (t.s.written.find(f) != std::string::npos) sent = true;
        }
        CHECK(sent); // the secret did go to the server, so the check above means something
        CHECK(traced.find("AUTH") != std::string::npos); // and the trace did show the exchange
    }
}

namespace {
/// A token source as firmware would have one: counts its calls, hands out a fresh token, or fails.
struct token_source {
    int calls = 0;
    bool works = true;
    std::string token = "ya29.fresh-token";
    static bool fetch(void* self, mailwire::credentials& cred) {
        auto& s = *static_cast<token_source*>(self);
        ++s.calls;
        if (!s.works) return false;
        cred.secret = s.token;
        return true;
    }
};
} // namespace

TEST_CASE("fetch_credentials: a fresh token is fetched just before AUTH, and only when AUTH happens", "[unit][auth][oauth]") {
    SECTION("the token it gives is the one sent") {
        session t;
        open_offering(t, "AUTH XOAUTH2");
        t.s.reply("235 2.7.0 Accepted\r\n");
        open_checked(t);
        token_source src;
        t.c.options().fetch_credentials = &token_source::fetch;
        t.c.options().fetch_credentials_context = &src;
        const std::size_t mark = t.s.written.size();
        const error e = t.c.authenticate(credentials{user, ""}, auth_mechanism::xoauth2); // no secret given
        INFO(mwtest::describe(e));
        CHECK(e.ok());
        CHECK(src.calls == 1);
        CHECK(t.s.written.substr(mark) == "AUTH XOAUTH2 " + xoauth2_response(user, src.token) + "\r\n");
    }
    SECTION("it fails: no AUTH is sent, and the error says so") {
        session t;
        open_offering(t, "AUTH XOAUTH2");
        open_checked(t);
        token_source src;
        src.works = false;
        t.c.options().fetch_credentials = &token_source::fetch;
        t.c.options().fetch_credentials_context = &src;
        const std::size_t mark = t.s.written.size();
        const error e = t.c.authenticate(credentials{user, ""}, auth_mechanism::xoauth2);
        CHECK(e.why == mailwire::cause::credentials_unavailable);
        CHECK(e.kind == mailwire::error_kind::usage);
        CHECK(*e.advice() != '\0');
        CHECK(t.s.written.size() == mark); // nothing went out
        CHECK(t.c.is_open());              // the session is still usable
    }
    SECTION("not called when AUTH would go in plaintext and is refused") {
        session t;
        open_offering(t, "AUTH XOAUTH2");
        open_checked(t);
        token_source src;
        t.c.options().fetch_credentials = &token_source::fetch;
        t.c.options().fetch_credentials_context = &src;
        t.c.options().allow_plaintext_auth = false;
        const error e = t.c.authenticate(credentials{user, ""}, auth_mechanism::xoauth2);
        CHECK(e.why == mailwire::cause::plaintext_auth_refused);
        CHECK(src.calls == 0);
    }
}
