// SPDX-License-Identifier: BSL-1.0
// Interop: mailwire-send's accounts (examples/common/config_file.hpp): which account is used, what
// the command line overrides, msmtp's key names, the permission checks (78 with the chmod to run),
// and a clear "FILE:LINE:" error for every key given a bad value. Delivered to python3-aiosmtpd.
#include "fixture.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

#if defined(MAILWIRE_SEND_EXE)

namespace {

using interop::process_result;
using interop::server_options;
using interop::smtp_server;

/// A temporary home: $XDG_CONFIG_HOME/mailwire/config and a system-wide file, both written by
/// the test, with the environment that points mailwire-send at them.
struct home {
    std::string dir;
    home() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "mailwire-accounts-XXXXXX").string();
        REQUIRE(::mkdtemp(&tmpl[0]) != nullptr);
        dir = tmpl;
        std::filesystem::create_directories(dir + "/xdg/mailwire");
    }
    ~home() {
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }
    std::string user_file() const { return dir + "/xdg/mailwire/config"; }
    std::string system_file() const { return dir + "/system-config"; }
    void write(const std::string& path, const std::string& text, mode_t mode = 0600) const {
        std::ofstream(path) << text;
        REQUIRE(::chmod(path.c_str(), mode) == 0);
    }
    std::vector<std::string> env() const {
        return {"XDG_CONFIG_HOME=" + dir + "/xdg", "MAILWIRE_SYSTEM_CONFIG=" + system_file(), "HOME=" + dir};
    }
    process_result send(const std::vector<std::string>& args, const std::string& message = "Subject: t\n\nbody\n") const {
        std::vector<std::string> argv = {MAILWIRE_SEND_EXE};
        argv.insert(argv.end(), args.begin(), args.end());
        return interop::run_process(argv, message, env());
    }
};

/// An account that reaches `server` in plaintext (the test server has no TLS).
std::string plain_account(const std::string& name, const smtp_server& server, const std::string& more = "") {
    return "account " + name + "\nhost 127.0.0.1\nport " + std::to_string(server.port()) +
           "\ntls off\nprofile relay\nallow_plaintext_auth on\n" + more;
}

server_options with_auth() {
    server_options o;
    o.auth = "me:s3cret-pw";
    return o;
}

} // namespace

TEST_CASE("accounts: the default account, --account, the account whose from is -f, the command line wins",
          "[interop][accounts]") {
    smtp_server server(with_auth());
    INFO("server: " << server.problem());
    REQUIRE(server.ok());
    home h;
    h.write(h.user_file(), "# accounts\n"
                           "defaults\n"
                           "domain client.example\n\n" +
                               plain_account("main", server, "from main@example.org\nuser me\npassword \"s3cret-pw\"\n") +
                               "\naccount work : main\n"
                               "from = work@example.org\n"
                               "\naccount default : main\n");

    SECTION("the default account, with -v: the secret never shows") {
        const process_result r = h.send({"-v", "rcpt@example.org"});
        INFO(r.describe());
        REQUIRE(r.status == 0);
        const auto got = server.messages();
        REQUIRE(got.size() == 1);
        CHECK(got[0].mail_from == "main@example.org");
        CHECK(got[0].auth_login == "me");
        CHECK(r.err.find("s3cret-pw") == std::string::npos);
        CHECK(r.out.find("s3cret-pw") == std::string::npos);
        bool ehlo = false;
        for (const std::string& e : server.events()) ehlo = ehlo || e == "EHLO client.example"; // msmtp's "domain"
        CHECK(ehlo);
    }
    SECTION("as sendmail -t -i: the recipients from the message, its From from the account") {
        const process_result r = h.send({"-t", "-i"}, "To: rcpt@example.org\nSubject: cron\n\nbody\n");
        INFO(r.describe());
        REQUIRE(r.status == 0);
        const auto got = server.messages();
        REQUIRE(got.size() == 1);
        CHECK(got[0].rcpt_tos == std::vector<std::string>{"rcpt@example.org"});
        CHECK(got[0].content.find("\r\nFrom: <main@example.org>\r\n") != std::string::npos);
    }
    SECTION("--account, with --from from the command line") {
        const process_result r = h.send({"--account", "work", "--from", "cli@example.org", "rcpt@example.org"});
        INFO(r.describe());
        REQUIRE(r.status == 0);
        REQUIRE(server.messages().size() == 1);
        CHECK(server.messages()[0].mail_from == "cli@example.org");
    }
    SECTION("-f picks the account whose from it is") {
        const process_result r = h.send({"-f", "work@example.org", "rcpt@example.org"});
        INFO(r.describe());
        REQUIRE(r.status == 0);
        REQUIRE(server.messages().size() == 1);
        CHECK(server.messages()[0].mail_from == "work@example.org");
        CHECK(server.messages()[0].auth_login == "me"); // inherited from main
    }
    SECTION("a secret on the command line replaces the account's") {
        const process_result r = interop::run_process(
            {MAILWIRE_SEND_EXE, "--password-env", "OTHER_SECRET", "rcpt@example.org"}, "Subject: t\n\nbody\n",
            [&] {
                std::vector<std::string> e = h.env();
                e.push_back("OTHER_SECRET=wrong");
                return e;
            }());
        INFO(r.describe());
        CHECK(r.status == 77); // the server refused "wrong": the account's password was not used
        CHECK(server.messages().empty());
    }
    SECTION("an unknown --account") {
        const process_result r = h.send({"--account", "nope", "rcpt@example.org"});
        INFO(r.describe());
        CHECK(r.status == 78);
        CHECK(r.err.find("nope") != std::string::npos);
        CHECK(r.err.find(h.user_file()) != std::string::npos);
        CHECK(server.messages().empty());
    }
}

TEST_CASE("accounts: msmtp's keys, a password file under ~/, a password command", "[interop][accounts]") {
    smtp_server server(with_auth());
    INFO("server: " << server.problem());
    REQUIRE(server.ok());
    home h;
    h.write(h.dir + "/pw", "s3cret-pw\n");
    h.write(h.user_file(), "account file\nhost 127.0.0.1\nport " + std::to_string(server.port()) +
                               "\ntls off\nallow_plaintext_auth on\nfrom f@example.org\nuser me\npassword_file ~/pw\n"
                               "account command : file\nfrom c@example.org\npasswordeval \"cat '" + h.dir + "/pw'\"\n");
    for (const char* account : {"file", "command"}) {
        const process_result r = h.send({"--account", account, "rcpt@example.org"});
        INFO(account << "\n" << r.describe());
        CHECK(r.status == 0);
    }
    const auto got = server.messages();
    REQUIRE(got.size() == 2);
    CHECK(got[0].mail_from == "f@example.org");
    CHECK(got[1].mail_from == "c@example.org");
    CHECK(got[1].auth_login == "me");
}

TEST_CASE("accounts: the system-wide file is read first, --config replaces the user file", "[interop][accounts]") {
    smtp_server server;
    INFO("server: " << server.problem());
    REQUIRE(server.ok());
    home h;
    h.write(h.system_file(), plain_account("default", server, "from system@example.org\n"), 0644);
    {
        const process_result r = h.send({"rcpt@example.org"});
        INFO(r.describe());
        REQUIRE(r.status == 0);
        CHECK(server.messages().back().mail_from == "system@example.org");
    }
    h.write(h.user_file(), plain_account("default", server, "from user@example.org\n"), 0644);
    {
        const process_result r = h.send({"rcpt@example.org"});
        INFO(r.describe());
        REQUIRE(r.status == 0);
        CHECK(server.messages().back().mail_from == "user@example.org");
    }
    const std::string other = h.dir + "/other.conf";
    h.write(other, plain_account("default", server, "from other@example.org\n"), 0644);
    {
        const process_result r = h.send({"--config", other, "rcpt@example.org"});
        INFO(r.describe());
        REQUIRE(r.status == 0);
        CHECK(server.messages().back().mail_from == "other@example.org");
    }
    const process_result missing = h.send({"--config", h.dir + "/none", "rcpt@example.org"});
    INFO(missing.describe());
    CHECK(missing.status == 78);
    CHECK(server.messages().size() == 3);
}

TEST_CASE("accounts: a file others may read with a password, or others may change, is refused with the chmod",
          "[interop][accounts]") {
    smtp_server server(with_auth());
    INFO("server: " << server.problem());
    REQUIRE(server.ok());
    home h;
    const std::string text = plain_account("default", server, "from a@example.org\nuser me\npassword s3cret-pw\n");
    for (mode_t mode : {mode_t(0644), mode_t(0640), mode_t(0604)}) {
        h.write(h.user_file(), text, mode);
        const process_result r = h.send({"rcpt@example.org"});
        INFO(r.describe());
        CHECK(r.status == 78);
        CHECK(r.err.find("chmod 600 " + h.user_file()) != std::string::npos);
        CHECK(r.err.find("s3cret-pw") == std::string::npos);
    }
    // Without a password it may be read by others, but never changed by them.
    h.write(h.user_file(), plain_account("default", server, "from a@example.org\n"), 0664);
    const process_result writable = h.send({"rcpt@example.org"});
    INFO(writable.describe());
    CHECK(writable.status == 78);
    CHECK(writable.err.find("chmod go-w " + h.user_file()) != std::string::npos);
    CHECK(server.messages().empty());

    h.write(h.user_file(), text, 0600);
    const process_result ok = h.send({"rcpt@example.org"});
    INFO(ok.describe());
    CHECK(ok.status == 0);
    CHECK(server.messages().size() == 1);
}

TEST_CASE("accounts: every key with a bad value, unknown keys and broken lines are named by file and line",
          "[interop][accounts]") {
    smtp_server server;
    INFO("server: " << server.problem());
    REQUIRE(server.ok());
    home h;
    const std::vector<std::string> bad_lines = {
        "port 0",           "port 65536",         "port x",           "profile nowhere",       "provider nowhere",
        "provider ses",     "provider gmail:eu",  "tls maybe",        "auth magic",            "auth off",
        "timeout never",    "timeout 0",          "fallback 99999",   "fallback 587/sideways", "backup a b",
        "password_env A=B", "tls_starttls maybe", "tls_certcheck 2",  "netrc perhaps",         "chunking sometimes",
        "allow_plaintext_auth 1x", "from not an address", "from a@b\\r\\nRCPT", "colour blue", "host",
        "password_file \"unterminated", "account", "account x : nobody", "defaults now",
    };
    for (const std::string& line : bad_lines) {
        // The bad line is the 4th of the file, in an account that is not even used.
        h.write(h.user_file(), "# line 1\naccount other\nhost 127.0.0.1\n" + line + "\n\n" +
                                   plain_account("default", server, "from a@example.org\n"));
        const process_result r = h.send({"rcpt@example.org"});
        INFO(line << "\n" << r.describe());
        CHECK(r.status == 78);
        CHECK(r.err.find(h.user_file() + ":4: ") != std::string::npos);
        CHECK(r.err.find("advice:") != std::string::npos);
    }
    CHECK(server.messages().empty());
}

#endif // MAILWIRE_SEND_EXE
