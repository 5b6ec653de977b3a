// SPDX-License-Identifier: BSL-1.0
// Interop: the mailwire-send tool against a real server (python3-aiosmtpd). One test per exit
// status of the contract (issue 2, sysexits.h): 0, 64, 65, 68, 69, 75, 77, 78. Every failure must
// print one line of advice on standard error.
#include "fixture.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <unistd.h>

#if defined(MAILWIRE_SEND_EXE)

namespace {

using interop::crlf_normalised;
using interop::first_difference;
using interop::process_result;
using interop::server_options;
using interop::smtp_server;

const char* const password_var = "MAILWIRE_INTEROP_TEST_PASSWORD";
const char* const user = "alice";
const char* const password = "Sw0rdf1sh-never-in-logs";

const std::string message = "From: sender@example.org\nTo: alice@example.org, bob@example.org\n"
                            "Subject: mailwire-send interop\n\n.a line with a leading dot\nline two\n.\nlast";

/// mailwire-send with the given arguments; standard input is `input`.
process_result run_send(const std::vector<std::string>& args, const std::string& input = message,
                        const std::vector<std::string>& env = {}) {
    std::vector<std::string> argv = {MAILWIRE_SEND_EXE};
    argv.insert(argv.end(), args.begin(), args.end());
    return interop::run_process(argv, input, env);
}

/// The options that reach the fixture over plaintext.
std::vector<std::string> plain_to(const smtp_server& s) {
    return {"--profile", "relay", "--tls", "none", "--host", "127.0.0.1", "--port", std::to_string(s.port()),
            "--from", "sender@example.org"};
}

std::vector<std::string> operator+(std::vector<std::string> a, const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

/// The "advice:" lines on standard error. (mailwire-send prints "advice: <sentence>" after a
/// failure; should the prefix change, this is the one place to adapt.)
std::vector<std::string> advice_lines(const std::string& err) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < err.size()) {
        std::size_t end = err.find('\n', start);
        if (end == std::string::npos) end = err.size();
        std::string line = err.substr(start, end - start);
        std::size_t i = 0;
        while (i < line.size() && line[i] == ' ') ++i;
        if (line.compare(i, 7, "advice:") == 0 && line.find_first_not_of(' ', i + 7) != std::string::npos)
            out.push_back(line);
        start = end + 1;
    }
    return out;
}

bool contains(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

std::string base64(const std::string& s) {
    std::string out(mailwire::base64_encoded_size(s.size()), '\0');
    out.resize(mailwire::base64_encode(s, &out[0], out.size()));
    return out;
}

/// A failure must end with the expected status and one line of advice.
void check_failure(const process_result& r, int status) {
    INFO(r.describe());
    REQUIRE(r.started);
    REQUIRE(r.exited);
    CHECK(r.status == status);
    CHECK(advice_lines(r.err).size() == 1);
}

} // namespace

// ------------------------------------------------------------------------------ 0: delivered

TEST_CASE("mailwire-send: delivers a message from standard input byte-exact (exit 0)", "[interop][send]") {
    smtp_server server;
    INFO("server: " << server.problem());
    REQUIRE(server.ok());
    const process_result r = run_send(plain_to(server) + std::vector<std::string>{"alice@example.org", "bob@example.org"});
    INFO(r.describe());
    REQUIRE(r.started);
    CHECK(r.exited);
    CHECK(r.status == 0);
    CHECK(advice_lines(r.err).empty());

    const auto got = server.messages();
    REQUIRE(got.size() == 1);
    REQUIRE(got[0].valid);
    CHECK(got[0].mail_from == "sender@example.org");
    CHECK(got[0].rcpt_tos == std::vector<std::string>{"alice@example.org", "bob@example.org"});
    const std::string expected = crlf_normalised(message);
    INFO(first_difference(expected, got[0].content));
    CHECK((got[0].content == expected));
}

TEST_CASE("mailwire-send: CRLF input and a 3 MB message arrive byte-exact (exit 0)", "[interop][send]") {
    smtp_server server;
    INFO("server: " << server.problem());
    REQUIRE(server.ok());
    std::string big = "From: sender@example.org\r\nSubject: big\r\n\r\n";
    for (std::size_t i = 0; big.size() < 3 * 1024 * 1024; ++i) {
        if (i % 5 == 0) big += '.';
        big += std::string(i % 97, static_cast<char>('a' + i % 26));
        big += (i % 2 != 0) ? "\r\n" : "\n";
    }
    const process_result r = run_send(plain_to(server) + std::vector<std::string>{"alice@example.org"}, big);
    INFO(r.describe());
    REQUIRE(r.started);
    CHECK(r.exited);
    CHECK(r.status == 0);
    const auto got = server.messages();
    REQUIRE(got.size() == 1);
    const std::string expected = crlf_normalised(big);
    INFO(first_difference(expected, got[0].content));
    CHECK((got[0].content == expected));
}

/// The SIZE= value among MAIL FROM's parameters, or -1 when none was given.
long long declared_size(const std::vector<std::string>& mail_options) {
    for (const std::string& o : mail_options)
        if (o.compare(0, 5, "SIZE=") == 0) return std::stoll(o.substr(5));
    return -1;
}

/// A message of about `size` octets, LF line ends, a leading dot every few lines.
std::string big_message(std::size_t size) {
    std::string m = "From: sender@example.org\nSubject: streamed\n\n";
    for (std::size_t i = 0; m.size() < size; ++i) {
        if (i % 7 == 0) m += '.';
        m += std::string(10 + i % 60, static_cast<char>('a' + i % 26));
        m += '\n';
    }
    return m;
}

TEST_CASE("mailwire-send: a small message on a pipe declares its exact SIZE=", "[interop][send][stream]") {
    smtp_server server;
    INFO("server: " << server.problem());
    REQUIRE(server.ok());
    const process_result r = run_send(plain_to(server) + std::vector<std::string>{"alice@example.org"});
    INFO(r.describe());
    REQUIRE(r.status == 0);
    const auto got = server.messages();
    REQUIRE(got.size() == 1);
    CHECK(declared_size(got[0].mail_options) == static_cast<long long>(crlf_normalised(message).size()));
}

TEST_CASE("mailwire-send: a big message on a pipe streams, byte-exact, without SIZE=", "[interop][send][stream]") {
    smtp_server server;
    INFO("server: " << server.problem());
    REQUIRE(server.ok());
    const std::string big = big_message(3 * 1024 * 1024 + 17);
    const process_result r = run_send(plain_to(server) + std::vector<std::string>{"alice@example.org"}, big);
    INFO(r.describe());
    REQUIRE(r.status == 0);
    const auto got = server.messages();
    REQUIRE(got.size() == 1);
    CHECK(declared_size(got[0].mail_options) == -1); // a pipe's length is not known in advance
    const std::string expected = crlf_normalised(big);
    INFO(first_difference(expected, got[0].content));
    CHECK((got[0].content == expected));
}

TEST_CASE("mailwire-send: a big message from a regular file declares the file's size", "[interop][send][stream]") {
    smtp_server server;
    INFO("server: " << server.problem());
    REQUIRE(server.ok());
    const std::string big = big_message(2 * 1024 * 1024 + 5);
    std::string path = (std::filesystem::temp_directory_path() / "mailwire-stdin-XXXXXX").string();
    const int fd = ::mkstemp(&path[0]);
    REQUIRE(fd >= 0);
    REQUIRE(::write(fd, big.data(), big.size()) == static_cast<ssize_t>(big.size()));
    ::close(fd);
    const process_result r = interop::run_process(
        std::vector<std::string>{MAILWIRE_SEND_EXE} + plain_to(server) + std::vector<std::string>{"alice@example.org"},
        std::string(), {}, 100000, path);
    std::remove(path.c_str());
    INFO(r.describe());
    REQUIRE(r.status == 0);
    const auto got = server.messages();
    REQUIRE(got.size() == 1);
    // RFC 1870's size is the client's estimate: the file's length (LF line ends, so a little
    // under what goes over the wire with CRLF).
    CHECK(declared_size(got[0].mail_options) == static_cast<long long>(big.size()));
    const std::string expected = crlf_normalised(big);
    INFO(first_difference(expected, got[0].content));
    CHECK((got[0].content == expected));
}

namespace {
#if defined(__SANITIZE_ADDRESS__)
constexpr bool sanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool sanitized = true;
#else
constexpr bool sanitized = false;
#endif
#else
constexpr bool sanitized = false;
#endif

/// mailwire-send with a file of `mib` MiB as standard input (written piece by piece, so that this
/// test process never holds it: a forked child's peak counts what its parent held at the fork),
/// to a server that refuses the message at its end (554, so it need not hand it back); the
/// program's peak resident set in KiB.
long peak_rss_sending(const smtp_server& server, int mib) {
    std::string path = (std::filesystem::temp_directory_path() / "mailwire-stdin-XXXXXX").string();
    const int fd = ::mkstemp(&path[0]);
    REQUIRE(fd >= 0);
    const std::string piece = big_message(1024 * 1024);
    for (int i = 0; i < mib; ++i) REQUIRE(::write(fd, piece.data(), piece.size()) == static_cast<ssize_t>(piece.size()));
    ::close(fd);
    const process_result r = interop::run_process(
        std::vector<std::string>{MAILWIRE_SEND_EXE} + plain_to(server) + std::vector<std::string>{"alice@example.org"},
        std::string(), {}, 100000, path);
    std::remove(path.c_str());
    INFO(r.describe());
    REQUIRE(r.exited);
    CHECK(r.status == 69); // the 554 after the data: all of it was read and sent
    CHECK(r.max_rss_kib > 0);
    return r.max_rss_kib;
}
} // namespace

TEST_CASE("mailwire-send: 48 MiB on standard input goes through in flat memory", "[interop][send][stream]") {
    // A memory bound, not a timing one: what the program holds does not grow with the message.
    // Compared with a 4 MiB message (so a sanitizer's or valgrind's own memory cancels out), and,
    // in a plain build, far below the message itself.
    server_options o;
    o.reject_data = "554";
    o.size = 0;
    smtp_server server(o);
    INFO("server: " << server.problem());
    REQUIRE(server.ok());
    const long small = peak_rss_sending(server, 4);
    const long big = peak_rss_sending(server, 48);
    INFO("peak RSS " << small << " KiB for 4 MiB, " << big << " KiB for 48 MiB");
    CHECK(big - small < 8 * 1024);
    // Under valgrind (scripts/valgrind.sh traces the children) memcheck's own memory counts too.
    const char* preload = std::getenv("LD_PRELOAD");
    const bool under_valgrind = preload != nullptr && std::strstr(preload, "vgpreload") != nullptr;
    if (!sanitized && !under_valgrind) CHECK(big < 16 * 1024);
}

TEST_CASE("mailwire-send: Bcc fields never reach the recipients", "[interop][send][bcc]") {
    // RFC 5322 §3.6.3. Upper and lower case, folded over two lines, white space before the colon
    // (the obsolete syntax), CRLF and LF; a "Bcc:" line in the body stays, it is text.
    smtp_server server;
    INFO("server: " << server.problem());
    REQUIRE(server.ok());
    const std::string in = "From: sender@example.org\nTo: alice@example.org\nBcc: hidden@example.org\n"
                           "BCC: other@example.org,\n third@example.org\r\nSubject: secrets\nbcc : x@example.org\n"
                           "\nBcc: this line is body text\n";
    const process_result r =
        run_send(plain_to(server) + std::vector<std::string>{"alice@example.org", "hidden@example.org"}, in);
    INFO(r.describe());
    REQUIRE(r.status == 0);
    const auto got = server.messages();
    REQUIRE(got.size() == 1);
    INFO(got[0].content);
    CHECK(got[0].rcpt_tos == std::vector<std::string>{"alice@example.org", "hidden@example.org"});
    const std::string expected = "From: sender@example.org\r\nTo: alice@example.org\r\nSubject: secrets\r\n"
                                 "\r\nBcc: this line is body text\r\n";
    CHECK(got[0].content == expected);
    const std::string& c = got[0].content;
    CHECK(c.find("hidden@") == std::string::npos);
    CHECK(c.find("third@") == std::string::npos);
}

TEST_CASE("mailwire-send: an empty standard input is refused, nothing is sent (exit 65)", "[interop][send][exit]") {
    smtp_server server;
    INFO("server: " << server.problem());
    REQUIRE(server.ok());
    const process_result r = run_send(plain_to(server) + std::vector<std::string>{"alice@example.org"}, "");
    INFO(r.describe());
    check_failure(r, 65);
    CHECK(server.messages().empty());
}

TEST_CASE("mailwire-send: -v shows the dialogue on standard error", "[interop][send]") {
    smtp_server server;
    INFO("server: " << server.problem());
    REQUIRE(server.ok());
    const process_result r = run_send(plain_to(server) + std::vector<std::string>{"-v", "alice@example.org"});
    INFO(r.describe());
    REQUIRE(r.started);
    CHECK(r.exited);
    CHECK(r.status == 0);
    CHECK(contains(r.err, "MAIL FROM:<sender@example.org>"));
    CHECK(contains(r.err, "RCPT TO:<alice@example.org>"));
    CHECK(contains(r.err, "250"));
    CHECK(contains(r.err, "220"));
    CHECK(server.messages().size() == 1);
}

TEST_CASE("mailwire-send: --ehlo sets the EHLO name", "[interop][send]") {
    smtp_server server;
    INFO("server: " << server.problem());
    REQUIRE(server.ok());
    const process_result r =
        run_send(plain_to(server) + std::vector<std::string>{"--ehlo", "desk.example.org", "alice@example.org"});
    INFO(r.describe());
    CHECK(r.exited);
    CHECK(r.status == 0);
    const auto got = server.messages();
    REQUIRE(got.size() == 1);
    CHECK(got[0].ehlo == "desk.example.org");
}

namespace {
void check_authenticated_send(const std::string& mech, const std::string& expected_mechanism) {
    server_options o;
    o.auth = std::string(user) + ":" + password;
    smtp_server server(o);
    INFO("server: " << server.problem());
    REQUIRE(server.ok());
    std::vector<std::string> args = plain_to(server) + std::vector<std::string>{
        "-v", "--user", user, "--password-env", password_var, "--allow-plaintext-auth"};
    if (!mech.empty()) args.insert(args.end(), {"--auth", mech});
    args.push_back("bob@example.org");
    const process_result r = run_send(args, message, {std::string(password_var) + "=" + password});
    INFO(r.describe());
    REQUIRE(r.started);
    CHECK(r.exited);
    CHECK(r.status == 0);
    // The secret never shows, neither plain nor in the base64 forms PLAIN and LOGIN send.
    CHECK_FALSE(contains(r.err, password));
    CHECK_FALSE(contains(r.out, password));
    CHECK_FALSE(contains(r.err, base64(password)));
    CHECK_FALSE(contains(r.err, base64(std::string(1, '\0') + user + std::string(1, '\0') + password)));
    CHECK(contains(r.err, "AUTH"));

    const auto got = server.messages();
    REQUIRE(got.size() == 1);
    CHECK(got[0].authenticated);
    CHECK(got[0].auth_login == user);
    CHECK(got[0].auth_mechanism == expected_mechanism);
    CHECK((got[0].content == crlf_normalised(message)));
}
} // namespace

namespace {
/// A private temporary file holding `text`; removed by the caller.
std::string temp_file(const std::string& text) {
    std::string path = (std::filesystem::temp_directory_path() / "mailwire-secret-XXXXXX").string();
    const int fd = ::mkstemp(&path[0]);
    REQUIRE(fd >= 0);
    REQUIRE(::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
    ::close(fd);
    return path;
}

/// Sends with AUTH, the secret given by `secret_args` (and the user by `user_args`), and checks
/// that the server saw the right login and that the secret never showed.
void check_secret_source(const std::vector<std::string>& user_args, const std::vector<std::string>& secret_args,
                         const std::vector<std::string>& env = {}) {
    server_options o;
    o.auth = std::string(user) + ":" + password;
    smtp_server server(o);
    INFO("server: " << server.problem());
    REQUIRE(server.ok());
    const process_result r = run_send(plain_to(server) + user_args + secret_args +
                                          std::vector<std::string>{"-v", "--allow-plaintext-auth", "bob@example.org"},
                                      message, env);
    INFO(r.describe());
    REQUIRE(r.status == 0);
    CHECK_FALSE(contains(r.err, password));
    CHECK_FALSE(contains(r.out, password));
    CHECK_FALSE(contains(r.err, base64(std::string(1, '\0') + user + std::string(1, '\0') + password)));
    const auto got = server.messages();
    REQUIRE(got.size() == 1);
    CHECK(got[0].authenticated);
    CHECK(got[0].auth_login == user);
}
} // namespace

TEST_CASE("mailwire-send: the secret from a file, a command or ~/.netrc, never shown", "[interop][send][auth][secrets]") {
    SECTION("--password-file: its first line") {
        const std::string f = temp_file(std::string(password) + "\nsecond line is ignored\n");
        check_secret_source({"--user", user}, {"--password-file", f});
        std::remove(f.c_str());
    }
    SECTION("--password-command: the first line it prints") {
        const std::string f = temp_file(std::string(password) + "\r\n");
        check_secret_source({"--user", user}, {"--password-command", "cat '" + f + "'"});
        std::remove(f.c_str());
    }
    SECTION("--netrc-file: the machine's entry gives the login and the password") {
        const std::string f = temp_file("machine other.example login x password y\n"
                                        "machine 127.0.0.1\n  login " + std::string(user) + "\n  password " + password +
                                        "\ndefault login z password w\n");
        check_secret_source({}, {"--netrc-file", f});
        std::remove(f.c_str());
    }
    SECTION("--netrc: $NETRC, with --user choosing among the machine's entries") {
        const std::string f = temp_file("machine 127.0.0.1 login someone password else\n"
                                        "machine 127.0.0.1 login " + std::string(user) + " password " + password + "\n");
        check_secret_source({"--user", user}, {"--netrc"}, {"NETRC=" + f});
        std::remove(f.c_str());
    }
}

TEST_CASE("mailwire-send: a secret that cannot be had stops before connecting (exit 78)", "[interop][send][auth][secrets][exit]") {
    smtp_server server;
    INFO("server: " << server.problem());
    REQUIRE(server.ok());
    const std::string empty = temp_file("");
    const std::string netrc = temp_file("machine elsewhere.example login a password b\n");
    const std::vector<std::vector<std::string>> cases = {
        {"--user", user, "--password-file", "/nonexistent/secret"},
        {"--user", user, "--password-file", empty},
        {"--user", user, "--password-command", "exit 3"},
        {"--user", user, "--password-command", "true"},
        {"--netrc-file", netrc},
    };
    for (const std::vector<std::string>& c : cases) {
        INFO(c[c.size() - 2] << " " << c.back());
        check_failure(run_send(plain_to(server) + c + std::vector<std::string>{"--allow-plaintext-auth", "bob@example.org"}), 78);
    }
    std::remove(empty.c_str());
    std::remove(netrc.c_str());
    CHECK(server.messages().empty());
    // Two sources at once, or --password: usage errors that say what to use.
    check_failure(run_send(plain_to(server) + std::vector<std::string>{"--user", user, "--password-env", "X", "--netrc",
                                                                         "bob@example.org"}),
                  64);
    const process_result r = run_send(plain_to(server) + std::vector<std::string>{"--password", "x", "bob@example.org"});
    check_failure(r, 64);
    CHECK(contains(r.err, "--password-file"));
}

TEST_CASE("mailwire-send: AUTH auto with -v never shows the password (exit 0)", "[interop][send][auth]") {
    check_authenticated_send("", "PLAIN");
}

TEST_CASE("mailwire-send: --auth login with -v never shows the password (exit 0)", "[interop][send][auth]") {
    check_authenticated_send("login", "LOGIN");
}

TEST_CASE("mailwire-send: --auth plain with -v never shows the password (exit 0)", "[interop][send][auth]") {
    check_authenticated_send("plain", "PLAIN");
}

// ------------------------------------------------------------------------------ 64: usage

TEST_CASE("mailwire-send: a missing --from is a usage error (exit 64)", "[interop][send][exit]") {
    smtp_server server;
    INFO("server: " << server.problem());
    REQUIRE(server.ok());
    const process_result r = run_send({"--profile", "relay", "--tls", "none", "--host", "127.0.0.1", "--port",
                                       std::to_string(server.port()), "alice@example.org"});
    check_failure(r, 64);
    CHECK(server.messages().empty());
}

TEST_CASE("mailwire-send: no recipient is a usage error (exit 64)", "[interop][send][exit]") {
    smtp_server server;
    INFO("server: " << server.problem());
    REQUIRE(server.ok());
    check_failure(run_send(plain_to(server)), 64);
    CHECK(server.messages().empty());
}

TEST_CASE("mailwire-send: an unknown option is a usage error (exit 64)", "[interop][send][exit]") {
    smtp_server server;
    INFO("server: " << server.problem());
    REQUIRE(server.ok());
    check_failure(run_send(plain_to(server) + std::vector<std::string>{"--no-such-option", "alice@example.org"}), 64);
    CHECK(server.messages().empty());
}

// ------------------------------------------------------------------------------ 65: data

TEST_CASE("mailwire-send: a recipient containing CR is bad input (exit 65)", "[interop][send][exit]") {
    smtp_server server;
    INFO("server: " << server.problem());
    REQUIRE(server.ok());
    const process_result r =
        run_send(plain_to(server) + std::vector<std::string>{"alice@example.org", "bob@example.org\rRCPT TO:<evil@example.org>"});
    check_failure(r, 65);
    CHECK(server.messages().empty());
    CHECK_FALSE(contains(server.dialogue(), "evil"));
    CHECK_FALSE(server.received_command("MAIL")); // checked before anything was sent
}

TEST_CASE("mailwire-send: a message over the server's SIZE is bad input (exit 65)", "[interop][send][exit]") {
    server_options o;
    o.size = 1000;
    smtp_server server(o);
    INFO("server: " << server.problem());
    REQUIRE(server.ok());
    std::string big = "Subject: too big\n\n";
    while (big.size() < 5000) big += "0123456789012345678901234567890123456789012345678901234567890123456789\n";
    check_failure(run_send(plain_to(server) + std::vector<std::string>{"alice@example.org"}, big), 65);
    CHECK(server.messages().empty());
}

// ------------------------------------------------------------------------------ 68: host unknown

TEST_CASE("mailwire-send: a host name that does not resolve (exit 68)", "[interop][send][exit]") {
    // RFC 6761 §6.4: ".invalid" never resolves.
    const process_result r = run_send({"--profile", "relay", "--tls", "none", "--host", "nonexistent.invalid", "--port",
                                       "2525", "--from", "sender@example.org", "alice@example.org"});
    check_failure(r, 68);
}

// ------------------------------------------------------------------------------ 69: unavailable

TEST_CASE("mailwire-send: a refused recipient is named with the reply and the others get the message (exit 3, partial)",
          "[interop][send][exit]") {
    server_options o;
    o.refuse_rcpt = {"nobody@example.org"};
    smtp_server server(o);
    INFO("server: " << server.problem());
    REQUIRE(server.ok());
    const process_result r = run_send(
        plain_to(server) + std::vector<std::string>{"alice@example.org", "nobody@example.org", "bob@example.org"});
    // Partial delivery: not 69 (nobody got it) nor 75 (send it all again later): 3.
    check_failure(r, 3);
    CHECK(contains(r.err, "partial delivery"));
    bool named = false;
    std::size_t start = 0;
    while (start < r.err.size()) { // one line names the address and the 550 reply
        std::size_t end = r.err.find('\n', start);
        if (end == std::string::npos) end = r.err.size();
        const std::string line = r.err.substr(start, end - start);
        if (contains(line, "nobody@example.org") && contains(line, "550")) named = true;
        start = end + 1;
    }
    CHECK(named);
    CHECK(contains(r.err, "No such user"));
    const auto got = server.messages();
    REQUIRE(got.size() == 1);
    CHECK(got[0].rcpt_tos == std::vector<std::string>{"alice@example.org", "bob@example.org"});
    CHECK((got[0].content == crlf_normalised(message)));
}

TEST_CASE("mailwire-send: connection refused (exit 69)", "[interop][send][exit]") {
    const std::uint16_t port = interop::unused_port();
    REQUIRE(port != 0);
    const process_result r = run_send({"--profile", "relay", "--tls", "none", "--host", "127.0.0.1", "--port",
                                       std::to_string(port), "--from", "sender@example.org", "alice@example.org"});
    check_failure(r, 69);
}

TEST_CASE("mailwire-send: a 554 after the data (exit 69)", "[interop][send][exit]") {
    server_options o;
    o.reject_data = "554";
    smtp_server server(o);
    INFO("server: " << server.problem());
    REQUIRE(server.ok());
    const process_result r = run_send(plain_to(server) + std::vector<std::string>{"alice@example.org"});
    check_failure(r, 69);
    CHECK(contains(r.err, "554"));
    CHECK(server.messages().empty());
}

// ------------------------------------------------------------------------------ 75: temporary

TEST_CASE("mailwire-send: a recipient refused with 451 while another takes the message (exit 3, never 75)", "[interop][send][exit]") {
    server_options o;
    o.tempfail_rcpt = {"later@example.org"};
    smtp_server server(o);
    INFO("server: " << server.problem());
    REQUIRE(server.ok());
    const process_result r = run_send(plain_to(server) + std::vector<std::string>{"alice@example.org", "later@example.org"});
    check_failure(r, 3);
    CHECK(contains(r.err, "later@example.org"));
    CHECK(contains(r.err, "451"));
    const auto got = server.messages();
    REQUIRE(got.size() == 1);
    CHECK(got[0].rcpt_tos == std::vector<std::string>{"alice@example.org"});
}

TEST_CASE("mailwire-send: 451 and 550 refusals beside an accepted recipient: exit 3, and --report lists every reply",
          "[interop][send][exit]") {
    server_options o;
    o.tempfail_rcpt = {"later@example.org"};
    o.refuse_rcpt = {"nobody@example.org"};
    smtp_server server(o);
    INFO("server: " << server.problem());
    REQUIRE(server.ok());
    char dir[] = "/tmp/mailwire-report-XXXXXX";
    REQUIRE(::mkdtemp(dir) != nullptr);
    const std::string report = std::string(dir) + "/report.json";
    const process_result r = run_send(plain_to(server) + std::vector<std::string>{"--report", report, "later@example.org",
                                                                                  "alice@example.org", "nobody@example.org"});
    check_failure(r, 3);
    std::string json;
    if (std::FILE* f = std::fopen(report.c_str(), "rb")) {
        char buf[4096];
        for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) json.append(buf, n);
        std::fclose(f);
    }
    INFO("report: " << json);
    CHECK(contains(json, "\"status\": 3"));
    CHECK(contains(json, "\"delivered\": true"));
    CHECK(contains(json, "{\"address\": \"later@example.org\", \"accepted\": false, \"reply\": {\"code\": 451"));
    CHECK(contains(json, "{\"address\": \"alice@example.org\", \"accepted\": true, \"reply\": {\"code\": 250"));
    CHECK(contains(json, "{\"address\": \"nobody@example.org\", \"accepted\": false, \"reply\": {\"code\": 550"));
    // Well-formed JSON, as a script's parser reads it.
    const std::string parse = std::string(MAILWIRE_TEST_PYTHON) +
                              " -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d[\"refused\"] == 2 else 1)' " + report;
    CHECK(std::system(parse.c_str()) == 0);
    std::remove(report.c_str());
    ::rmdir(dir);
    CHECK(contains(r.err, "later@example.org"));
    CHECK(contains(r.err, "nobody@example.org"));
    const auto got = server.messages();
    REQUIRE(got.size() == 1);
    CHECK(got[0].rcpt_tos == std::vector<std::string>{"alice@example.org"});
}

// ------------------------------------------------------------------------------ 77: permission

TEST_CASE("mailwire-send: a wrong password (exit 77)", "[interop][send][exit][auth]") {
    server_options o;
    o.auth = std::string(user) + ":" + password;
    smtp_server server(o);
    INFO("server: " << server.problem());
    REQUIRE(server.ok());
    const process_result r =
        run_send(plain_to(server) + std::vector<std::string>{"--user", user, "--password-env", password_var,
                                                             "--allow-plaintext-auth", "-v", "alice@example.org"},
                 message, {std::string(password_var) + "=not-the-password"});
    check_failure(r, 77);
    CHECK(contains(r.err, "535"));
    CHECK_FALSE(contains(r.err, "not-the-password"));
    CHECK(server.auth_attempts() == 1);
    CHECK(server.messages().empty());
}

// ------------------------------------------------------------------------------ 78: configuration

TEST_CASE("mailwire-send: the password variable is not set (exit 78)", "[interop][send][exit][auth]") {
    server_options o;
    o.auth = std::string(user) + ":" + password;
    smtp_server server(o);
    INFO("server: " << server.problem());
    REQUIRE(server.ok());
    const process_result r =
        run_send(plain_to(server) + std::vector<std::string>{"--user", user, "--password-env", password_var,
                                                             "--allow-plaintext-auth", "alice@example.org"},
                 message, {password_var}); // unset, whatever the test's environment has
    check_failure(r, 78);
    CHECK(server.auth_attempts() == 0);
    CHECK(server.messages().empty());
}

TEST_CASE("mailwire-send: credentials on a plaintext connection without --allow-plaintext-auth (exit 78)",
          "[interop][send][exit][auth]") {
    server_options o;
    o.auth = std::string(user) + ":" + password;
    smtp_server server(o);
    INFO("server: " << server.problem());
    REQUIRE(server.ok());
    const process_result r = run_send(
        plain_to(server) + std::vector<std::string>{"--user", user, "--password-env", password_var, "alice@example.org"},
        message, {std::string(password_var) + "=" + password});
    check_failure(r, 78);
    CHECK(server.auth_attempts() == 0); // refused before a byte of the credentials left
    CHECK_FALSE(server.received_command("AUTH"));
    CHECK(server.messages().empty());
}

// The default profile is submission (587, STARTTLS required). This plaintext server does not
// offer STARTTLS, so the tool must stop after EHLO: nothing of the envelope leaves in plaintext
// (RFC 3207 §4.1, RFC 8314 §3.3), and the status is 76 (STARTTLS required but not offered).
TEST_CASE("mailwire-send: the default profile (submission) stops when STARTTLS is not offered (exit 76)",
          "[interop][send][exit][tls]") {
    smtp_server server;
    INFO("server: " << server.problem());
    REQUIRE(server.ok());
    const process_result r = run_send({"--host", "127.0.0.1", "--port", std::to_string(server.port()), "--from",
                                       "sender@example.org", "alice@example.org"});
    check_failure(r, 76);
    CHECK(r.err.find("STARTTLS") != std::string::npos);
    CHECK(server.received_command("EHLO"));
    CHECK(server.messages().empty());
    CHECK_FALSE(server.received_command("MAIL")); // nothing went out in plaintext
}

TEST_CASE("mailwire-send: --version names the TLS library and its version, --help opens with examples",
          "[interop][send]") {
    const process_result v = run_send({"--version"});
    INFO(v.describe());
    REQUIRE(v.status == 0);
    CHECK(v.out.rfind("mailwire-send ", 0) == 0);
    const std::size_t at = v.out.find("mbedTLS ");
    const bool no_tls = v.out.find("TLS not built in") != std::string::npos;
    CHECK((at != std::string::npos || no_tls));
    if (at != std::string::npos) {
        const char digit = v.out[at + 8];
        CHECK((digit >= '2' && digit <= '9')); // "mbedTLS 2.28.3", "mbedTLS 3.6.0"
    }
    const process_result h = run_send({"--help"});
    REQUIRE(h.status == 0);
    CHECK(h.out.find("Examples:") < h.out.find("Options"));
    for (const char* example : {"--provider gmail", "--provider m365", "--provider ses:eu-west-1", "-t -i",
                                "mailwire-probe"})
        CHECK(h.out.find(example) < h.out.find("Options"));
}

// ------------------------------------------------------------------------------ content the server cannot take

TEST_CASE("mailwire-send: 8-bit text goes only where 8BITMIME is offered, else exit 65 before MAIL",
          "[interop][send][exit][content]") {
    // RFC 6152 §3. Found in memory, in the rest of a regular file (both before anything is sent),
    // and in a pipe past its first MiB (as it goes: the transaction ends before its ".").
    const std::string small = "Subject: umlauts\n\nplain line\nGr\xc3\xbc\xc3\x9f" "e\n";
    const std::string big = big_message(1536 * 1024) + "\nGr\xc3\xbc\xc3\x9f" "e\n";
    for (bool offered : {true, false}) {
        for (int how = 0; how < 3; ++how) {
            const char* const what[] = {"in memory", "a big regular file", "a big pipe"};
            INFO("8BITMIME offered: " << offered << "; " << what[how]);
            server_options o;
            o.no_8bitmime = !offered;
            smtp_server server(o);
            INFO("server: " << server.problem());
            REQUIRE(server.ok());
            const std::vector<std::string> args = plain_to(server) + std::vector<std::string>{"alice@example.org"};
            process_result r;
            if (how == 1) {
                const std::string path = temp_file(big); // standard input as a regular file
                r = interop::run_process(std::vector<std::string>{MAILWIRE_SEND_EXE} + args, std::string(), {}, 100000, path);
                std::remove(path.c_str());
            } else {
                r = run_send(args, how == 0 ? small : big);
            }
            INFO(r.describe());
            if (offered) {
                REQUIRE(r.status == 0);
                const auto got = server.messages();
                REQUIRE(got.size() == 1);
                CHECK(std::find(got[0].mail_options.begin(), got[0].mail_options.end(), "BODY=8BITMIME") !=
                      got[0].mail_options.end());
                continue;
            }
            check_failure(r, 65);
            CHECK(contains(r.err, "8BITMIME"));
            CHECK(server.messages().empty());
            if (how < 2) {
                CHECK_FALSE(server.received_command("MAIL")); // refused before anything was sent
                CHECK(contains(r.err, how == 0 ? "line 4 " : "line "));
            } else {
                CHECK(contains(r.err, "first MiB"));
            }
        }
    }
}

TEST_CASE("mailwire-send: a line over 998 octets is refused with 65 before MAIL, 998 go through",
          "[interop][send][exit][content]") {
    // RFC 5322 §2.1.1, RFC 5321 §4.5.3.1.6; aiosmtpd offers no BINARYMIME.
    smtp_server server;
    INFO("server: " << server.problem());
    REQUIRE(server.ok());
    const std::vector<std::string> args = plain_to(server) + std::vector<std::string>{"alice@example.org"};
    const process_result too_long = run_send(args, "Subject: long\n\nshort\n" + std::string(1500, 'x') + "\nend\n");
    INFO(too_long.describe());
    check_failure(too_long, 65);
    CHECK(contains(too_long.err, "line 4 is longer than 998 octets"));
    CHECK_FALSE(server.received_command("MAIL"));
    // Past the first MiB of a pipe: found as it goes, the transaction ended before its ".".
    const process_result late = run_send(args, big_message(1536 * 1024) + "\n" + std::string(1000, 'y') + "\n");
    INFO(late.describe());
    check_failure(late, 65);
    CHECK(server.messages().empty());
    const std::string fits = "Subject: fits\n\n" + std::string(998, 'x') + "\n";
    const process_result ok = run_send(args, fits);
    INFO(ok.describe());
    REQUIRE(ok.status == 0);
    const auto got = server.messages();
    REQUIRE(got.size() == 1);
    CHECK(got[0].content == crlf_normalised(fits));
}

TEST_CASE("mailwire-send: a header mailwire writes, and a subject over 900 octets, are named as such (exit 65)",
          "[interop][send][exit][compose]") {
    smtp_server server;
    INFO("server: " << server.problem());
    REQUIRE(server.ok());
    const std::vector<std::string> args = plain_to(server) + std::vector<std::string>{"--subject", "s"};
    struct sample {
        const char* header;
        const char* says;
    };
    for (const sample& c : {sample{"Date: Sun, 6 Dec 2026 10:00:00 +0000", "generated by mailwire"},
                            sample{"Message-ID: <x@example.org>", "generated by mailwire"},
                            sample{"MIME-Version: 1.0", "generated by mailwire"},
                            sample{"Content-Type: text/html", "generated by mailwire"},
                            sample{"Subject: other", "use --subject"}, sample{"From: x@example.org", "use --from"},
                            sample{"Cc: c@example.org", "use --cc"}, sample{"Reply-To: r@example.org", "use --reply-to"}}) {
        const process_result r = run_send(args + std::vector<std::string>{"--header", c.header, "alice@example.org"}, "body\n");
        INFO(c.header << "\n" << r.describe());
        check_failure(r, 65);
        CHECK(contains(r.err, c.says));
        CHECK_FALSE(contains(r.err, "CR, LF or NUL"));
    }
    const process_result subject =
        run_send(plain_to(server) + std::vector<std::string>{"--subject", std::string(2000, 's'), "alice@example.org"}, "body\n");
    INFO(subject.describe());
    check_failure(subject, 65);
    CHECK(contains(subject.err, "2000 octets, longer than the 900-octet limit"));
    const process_result value = run_send(
        args + std::vector<std::string>{"--header", "X-Long: " + std::string(950, 'v'), "alice@example.org"}, "body\n");
    INFO(value.describe());
    check_failure(value, 65);
    CHECK(contains(value.err, "longer than the 900-octet limit"));
    CHECK_FALSE(server.received_command("MAIL"));
}

TEST_CASE("mailwire-send: --attach takes file names with a semicolon, and --attach-type names the type",
          "[interop][send][compose]") {
    smtp_server server;
    INFO("server: " << server.problem());
    REQUIRE(server.ok());
    const std::string dir = (std::filesystem::temp_directory_path() / "mailwire-attach-XXXXXX").string();
    std::string d = dir;
    REQUIRE(::mkdtemp(&d[0]) != nullptr);
    const auto write = [&](const std::string& name, const std::string& content) {
        const std::string path = d + "/" + name;
        std::FILE* f = std::fopen(path.c_str(), "wb");
        REQUIRE(f != nullptr);
        std::fwrite(content.data(), 1, content.size(), f);
        std::fclose(f);
        return path;
    };
    const std::string semi = write("notes;v2.txt", "semicolon file\n");
    const std::string odd = write("data;text", "typed file\n");
    const std::string plain = write("plain.bin", "plain file\n");
    const process_result r = run_send(
        plain_to(server) + std::vector<std::string>{"--subject", "attachments", "--attach", semi, "--attach-type", "text/csv",
                                                    "--attach", odd, "--attach", plain + ";text/plain", "--reply-to",
                                                    "replies@example.org", "alice@example.org"},
        "body\n");
    std::filesystem::remove_all(d);
    INFO(r.describe());
    REQUIRE(r.status == 0);
    const auto got = server.messages();
    REQUIRE(got.size() == 1);
    const std::string& m = got[0].content;
    INFO(m);
    CHECK(contains(m, "filename=\"notes;v2.txt\""));
    CHECK(contains(m, base64("semicolon file\n")));
    CHECK(contains(m, "Content-Type: text/csv; name=\"data;text\""));
    CHECK(contains(m, base64("typed file\n")));
    CHECK(contains(m, "Content-Type: text/plain; name=\"plain.bin\""));
    CHECK(contains(m, "Reply-To: replies@example.org"));
    // A type with nothing to attach after it is a usage error.
    check_failure(run_send(plain_to(server) + std::vector<std::string>{"--subject", "s", "alice@example.org", "--attach-type",
                                                                     "text/csv"},
                           "body\n"),
                  64);
}

#else // !MAILWIRE_SEND_EXE

TEST_CASE("mailwire-send: not built so its interop tests are skipped", "[interop][send]") {
    WARN("MAILWIRE_SEND_EXE is not defined (examples not built): the mailwire-send tests did not run");
}

#endif
