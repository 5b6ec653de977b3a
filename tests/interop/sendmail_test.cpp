// SPDX-License-Identifier: BSL-1.0
// Interop: mailwire-send standing in for /usr/sbin/sendmail, driven by the real programs that call
// sendmail (Debian's php-cli mail(), git send-email, bsd-mailx) and by sendmail's flags directly,
// delivering to python3-aiosmtpd. What arrived is read back with Python's email parser. No Bcc
// field may ever arrive; the blind recipients still get the message.
#include "fixture.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

#if defined(MAILWIRE_SEND_EXE)

namespace {

using interop::process_result;
using interop::smtp_server;

/// A temporary directory with a wrapper script that runs mailwire-send towards `server` with the
/// connection options fixed, the way a sendmail_path or sendmailCmd names a program and flags.
struct wrapper {
    std::string dir;
    std::string script;
    explicit wrapper(const smtp_server& server) {
        std::string tmpl = (std::filesystem::temp_directory_path() / "mailwire-sendmail-XXXXXX").string();
        REQUIRE(::mkdtemp(&tmpl[0]) != nullptr);
        dir = tmpl;
        script = dir + "/sendmail";
        std::ofstream f(script);
        f << "#!/bin/sh\nexec '" << MAILWIRE_SEND_EXE << "' --profile relay --tls none --host 127.0.0.1 --port "
          << server.port() << " --from sender@example.org \"$@\"\n";
        f.close();
        REQUIRE(::chmod(script.c_str(), 0700) == 0);
    }
    ~wrapper() {
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }
};

/// The message's header fields and body as Python's email parser reads them: "Name: value" lines,
/// then "BODY:" and the body.
std::string parsed(const std::string& content) {
    const process_result r = interop::run_process(
        {MAILWIRE_TEST_PYTHON, "-c",
         "import email, sys\n"
         "m = email.message_from_bytes(sys.stdin.buffer.read())\n"
         "for k, v in m.items(): print(k + ': ' + ' '.join(str(v).split()))\n"
         "print('BODY: ' + m.get_payload().strip())\n"},
        content);
    INFO(r.describe());
    REQUIRE(r.status == 0);
    return r.out;
}

bool has_line(const std::string& text, const std::string& line) {
    return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}
bool has_field(const std::string& text, const std::string& name) {
    return ("\n" + text).find("\n" + name + ": ") != std::string::npos;
}

/// Whether `program` can be run (installed by scripts/test.sh: php-cli, git-email, bsd-mailx).
bool installed(const std::string& program) {
    return interop::run_process({"/bin/sh", "-c", "command -v " + program}, "").status == 0;
}

} // namespace

TEST_CASE("sendmail -t -i -F: recipients from To, Cc and Bcc, Bcc removed, Date, Message-ID and From added",
          "[interop][sendmail]") {
    smtp_server server;
    INFO("server: " << server.problem());
    REQUIRE(server.ok());
    wrapper w(server);
    const std::string message = "To: alice@example.org\nCc: \"Bob, B.\" <bob@example.org>, (a comment) carol@example.org\n"
                                "Bcc: team: dave@example.org, erin@example.org;\nSubject: -t\n\nhello\n.\nstill the body\n";
    const process_result r = interop::run_process({w.script, "-ti", "-F", "Sender \"Q\" Name", "-oem", "-odi"}, message);
    INFO(r.describe());
    REQUIRE(r.status == 0);
    const auto got = server.messages();
    REQUIRE(got.size() == 1);
    CHECK(got[0].mail_from == "sender@example.org");
    CHECK(got[0].rcpt_tos == std::vector<std::string>{"alice@example.org", "bob@example.org", "carol@example.org",
                                                      "dave@example.org", "erin@example.org"});
    const std::string p = parsed(got[0].content);
    INFO(p);
    CHECK_FALSE(has_field(p, "Bcc"));
    CHECK(got[0].content.find("dave@") == std::string::npos);
    CHECK(has_field(p, "Date"));
    CHECK(has_field(p, "Message-ID"));
    CHECK(has_line(p, "From: \"Sender \\\"Q\\\" Name\" <sender@example.org>"));
    CHECK(has_line(p, "Subject: -t"));
    CHECK(got[0].content.find("\r\n\r\nhello\r\n.\r\nstill the body\r\n") != std::string::npos); // a lone "." is text
}

TEST_CASE("sendmail flags: bundled, abbreviated, ignored, refused", "[interop][sendmail]") {
    smtp_server server;
    INFO("server: " << server.problem());
    REQUIRE(server.ok());
    const std::string exe = MAILWIRE_SEND_EXE;
    const std::vector<std::string> common = {"--prof", "relay", "--tl", "none", "--hos", "127.0.0.1", "--port",
                                             std::to_string(server.port())};
    std::vector<std::string> argv = {exe};
    argv.insert(argv.end(), common.begin(), common.end());
    std::vector<std::string> ok = argv;
    ok.insert(ok.end(), {"-oi", "-f", "env@example.org", "-B", "8BITMIME", "-U", "-bm", "alice@example.org"});
    const process_result r = interop::run_process(ok, "Subject: flags\n\nbody\n");
    INFO(r.describe());
    CHECK(r.status == 0);
    const auto got = server.messages();
    REQUIRE(got.size() == 1);
    CHECK(got[0].mail_from == "env@example.org");
    // Called with a sendmail flag, a message without Date, Message-ID and From gets them.
    const std::string p = parsed(got[0].content);
    CHECK(has_line(p, "From: <env@example.org>"));
    CHECK(has_field(p, "Date"));

    for (const std::vector<std::string>& bad :
         {std::vector<std::string>{"-x", "alice@example.org"}, std::vector<std::string>{"-bs", "alice@example.org"},
          std::vector<std::string>{"--pass", "x", "alice@example.org"}, std::vector<std::string>{"-f"}}) {
        std::vector<std::string> a = argv;
        a.insert(a.end(), bad.begin(), bad.end());
        const process_result e = interop::run_process(a, "Subject: x\n\ny\n");
        INFO(e.describe());
        CHECK(e.status == 64);
        CHECK(e.err.find("advice:") != std::string::npos);
    }
    // Without any sendmail flag (and not called as sendmail), the message goes as it is.
    std::vector<std::string> plain = argv;
    plain.insert(plain.end(), {"--from", "s@example.org", "alice@example.org"});
    REQUIRE(interop::run_process(plain, "Subject: as it is\n\nbody\n").status == 0);
    const auto again = server.messages();
    REQUIRE(again.size() == 2);
    CHECK(again[1].content == "Subject: as it is\r\n\r\nbody\r\n");
}

TEST_CASE("sendmail: PHP's mail() through sendmail_path", "[interop][sendmail][php]") {
    REQUIRE(installed("php"));
    smtp_server server;
    INFO("server: " << server.problem());
    REQUIRE(server.ok());
    wrapper w(server);
    const process_result r = interop::run_process(
        {"/usr/bin/env", "php", "-n", "-d", "sendmail_path=" + w.script + " -t -i", "-r",
         "exit(mail('alice@example.org', 'from PHP', \"line one\\nline two\", "
         "\"From: Site <site@example.org>\\r\\nBcc: hidden@example.org\") ? 0 : 1);"},
        "");
    INFO(r.describe());
    REQUIRE(r.status == 0);
    const auto got = server.messages();
    REQUIRE(got.size() == 1);
    CHECK(got[0].rcpt_tos == std::vector<std::string>{"alice@example.org", "hidden@example.org"});
    const std::string p = parsed(got[0].content);
    INFO(p);
    CHECK(has_line(p, "To: alice@example.org"));
    CHECK(has_line(p, "Subject: from PHP"));
    CHECK(has_line(p, "From: Site <site@example.org>")); // kept: the message has one
    CHECK_FALSE(has_field(p, "Bcc"));
    CHECK(got[0].content.find("hidden@") == std::string::npos);
    CHECK(p.find("line one") != std::string::npos);
}

TEST_CASE("sendmail: git send-email through sendemail.sendmailCmd", "[interop][sendmail][git]") {
    REQUIRE(installed("git"));
    REQUIRE(interop::run_process({"/bin/sh", "-c", "git send-email --help >/dev/null 2>&1 || git send-email -h 2>&1 | grep -q usage"}, "").status == 0);
    smtp_server server;
    INFO("server: " << server.problem());
    REQUIRE(server.ok());
    wrapper w(server);
    const std::string repo = w.dir + "/repo";
    const std::string script = "set -e; git init -q '" + repo + "'; cd '" + repo + "'; git config user.email dev@example.org; "
                               "git config user.name 'Dev Eloper'; echo hi > f; git add f; git commit -qm 'a change'; "
                               "git format-patch -q -1 -o '" + w.dir + "/patches'; "
                               "git -c sendemail.sendmailCmd='" + w.script + "' send-email --to=alice@example.org "
                               "--from='Dev Eloper <dev@example.org>' --confirm=never --suppress-cc=all --no-validate "
                               "--quiet '" + w.dir + "'/patches/*.patch";
    const process_result r = interop::run_process({"/bin/sh", "-c", script}, "", {"HOME=" + w.dir, "GIT_CONFIG_NOSYSTEM=1"});
    INFO(r.describe());
    REQUIRE(r.status == 0);
    const auto got = server.messages();
    REQUIRE(got.size() == 1);
    CHECK(got[0].rcpt_tos == std::vector<std::string>{"alice@example.org"});
    const std::string p = parsed(got[0].content);
    INFO(p);
    CHECK(has_line(p, "Subject: [PATCH] a change"));
    CHECK(has_line(p, "From: Dev Eloper <dev@example.org>"));
    CHECK(p.find("+hi") != std::string::npos);
}

TEST_CASE("sendmail: bsd-mailx with its sendmail variable", "[interop][sendmail][mailx]") {
    REQUIRE(installed("bsd-mailx"));
    smtp_server server;
    INFO("server: " << server.problem());
    REQUIRE(server.ok());
    wrapper w(server);
    {
        std::ofstream rc(w.dir + "/mailrc");
        rc << "set sendmail=" << w.script << "\n";
    }
    const process_result r = interop::run_process({"/usr/bin/env", "bsd-mailx", "-s", "from mailx", "alice@example.org"},
                                                  "a line from mailx\n", {"MAILRC=" + w.dir + "/mailrc", "HOME=" + w.dir});
    INFO(r.describe());
    REQUIRE(r.status == 0);
    const auto got = server.messages();
    REQUIRE(got.size() == 1);
    CHECK(got[0].rcpt_tos == std::vector<std::string>{"alice@example.org"});
    const std::string p = parsed(got[0].content);
    INFO(p);
    CHECK(has_line(p, "Subject: from mailx"));
    CHECK(has_field(p, "Date"));
    CHECK(has_field(p, "From"));
    CHECK(p.find("a line from mailx") != std::string::npos);
}

#else

TEST_CASE("sendmail: mailwire-send not built, so its sendmail tests are skipped", "[interop][sendmail]") {
    SUCCEED("MAILWIRE_SEND_EXE is not defined in this configuration");
}

#endif
