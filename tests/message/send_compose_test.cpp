// SPDX-License-Identifier: BSL-1.0
// mailwire-send composing a message: --subject, --body-file, --html-file, --attach, --cc, --bcc,
// --header, through aiosmtpd, checked with Python's email parser; bad input ends before anything
// is sent (65), and so does a message larger than the server's SIZE.
#include "fixture.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <random>
#include <string>
#include <vector>

#ifdef MAILWIRE_SEND_EXE

namespace {

std::vector<std::string> base_args(const interop::smtp_server& s) {
    return {MAILWIRE_SEND_EXE, "--profile", "relay", "--tls", "none", "--host", "127.0.0.1", "--port",
            std::to_string(s.port()), "--from", "sender@example.org"};
}

void write_file(const std::string& path, const std::string& data) {
    std::ofstream(path, std::ios::binary) << data;
}

} // namespace

TEST_CASE("mailwire-send composes: subject, bodies, attachments, Cc, Bcc, headers (exit 0)", "[message][send]") {
    interop::smtp_server server;
    INFO("server: " << server.problem());
    REQUIRE(server.ok());
    const std::string dir = server.dir();
    const std::string text = "Guten Tag,\nanbei die Messwerte.\n";
    const std::string html = "<p>Guten Tag, <b>anbei</b> die Messwerte.</p>\n";
    std::string data(100000, '\0');
    std::mt19937 gen(7);
    for (char& c : data) c = static_cast<char>(gen() & 0xFF);
    write_file(dir + "/body.txt", text);
    write_file(dir + "/body.html", html);
    write_file(dir + "/werte.bin", data);
    write_file(dir + "/notiz.csv", "a;b\n1;2\n");

    std::vector<std::string> args = base_args(server);
    for (const char* a : {"--subject", "Messwerte für Jörg ✓", "--body-file"}) args.push_back(a);
    args.push_back(dir + "/body.txt");
    args.push_back("--html-file");
    args.push_back(dir + "/body.html");
    args.push_back("--attach");
    args.push_back(dir + "/werte.bin;application/x-messwerte");
    args.push_back("--attach");
    args.push_back(dir + "/notiz.csv");
    for (const char* a : {"--cc", "cc@example.org", "--bcc", "hidden@example.org", "--header", "X-Station: Nord 7",
                          "to@example.org"})
        args.push_back(a);
    const interop::process_result r = interop::run_process(args, "", {});
    INFO(r.describe());
    REQUIRE(r.status == 0);
    CHECK(r.err.find("sending [") == std::string::npos); // standard error is not a terminal: no bar

    const std::vector<interop::received_message> got = server.messages();
    REQUIRE(got.size() == 1);
    CHECK(got[0].rcpt_tos == std::vector<std::string>{"to@example.org", "cc@example.org", "hidden@example.org"});
    bool size_declared = false;
    for (const std::string& o : got[0].mail_options) size_declared = size_declared || o.rfind("SIZE=", 0) == 0;
    CHECK(size_declared);
    write_file(dir + "/stored.eml", got[0].content);
    write_file(dir + "/spec.json",
               "{\"subject\":\"Messwerte für Jörg ✓\",\"to\":[[\"\",\"to@example.org\"]],\"cc\":[[\"\",\"cc@example.org\"]],"
               "\"no_headers\":[\"Bcc\"],\"headers\":{\"X-Station\":\"Nord 7\"},"
               "\"tree\":\"multipart/mixed(multipart/alternative(text/plain,text/html),application/x-messwerte,text/csv)\","
               "\"texts\":{\"text/plain\":\"Guten Tag,\\nanbei die Messwerte.\\n\"},"
               "\"attachments\":[{\"filename\":\"werte.bin\",\"file\":\"" +
                   dir + "/werte.bin\",\"content_type\":\"application/x-messwerte\",\"content_id\":null},"
                         "{\"filename\":\"notiz.csv\",\"file\":\"" +
                   dir + "/notiz.csv\",\"content_type\":\"text/csv\",\"content_id\":null}]}");
    const interop::process_result p = interop::run_process(
        {MAILWIRE_TEST_PYTHON, std::string(MAILWIRE_TEST_SOURCE_DIR) + "/tests/message/check_message.py",
         dir + "/stored.eml", dir + "/spec.json"},
        "");
    INFO(p.describe());
    CHECK(p.status == 0);
}

TEST_CASE("mailwire-send composes the text body from standard input when no file gives it", "[message][send]") {
    interop::smtp_server server;
    REQUIRE(server.ok());
    std::vector<std::string> args = base_args(server);
    for (const char* a : {"--subject", "stdin body", "to@example.org"}) args.push_back(a);
    const interop::process_result r = interop::run_process(args, "line one\n.line two\n", {});
    INFO(r.describe());
    REQUIRE(r.status == 0);
    REQUIRE(server.messages().size() == 1);
    const std::string content = server.messages()[0].content;
    CHECK(content.find("\r\nSubject: stdin body\r\n") != std::string::npos);
    CHECK(content.find("\r\n\r\nline one\r\n.line two\r\n") != std::string::npos);
}

TEST_CASE("mailwire-send: header injection and bad addresses end before anything is sent (exit 65)",
          "[message][send][injection]") {
    interop::smtp_server server;
    REQUIRE(server.ok());
    const std::vector<std::vector<std::string>> attempts = {
        {"--header", "X-A: b\r\nBcc: evil@example.org"},
        {"--header", "X A: b"},
        {"--subject", "hello\nBcc: evil@example.org"},
        {"--cc", "cc@example.org>\r\nRCPT TO:<evil@example.org"},
        {"--bcc", "not an address"},
    };
    for (const auto& extra : attempts) {
        INFO(extra[0] << " " << extra[1]);
        std::vector<std::string> args = base_args(server);
        args.insert(args.end(), extra.begin(), extra.end());
        args.push_back("to@example.org");
        const interop::process_result r = interop::run_process(args, "body\n", {});
        INFO(r.describe());
        CHECK(r.status == 65);
        CHECK(r.err.find("advice:") != std::string::npos);
    }
    CHECK_FALSE(server.received_command("MAIL"));
    CHECK(server.messages().empty());
}

TEST_CASE("mailwire-send: a composed message over the server's SIZE is refused before MAIL (exit 65)",
          "[message][send][size]") {
    interop::server_options opt;
    opt.size = 4000;
    interop::smtp_server server(opt);
    REQUIRE(server.ok());
    write_file(server.dir() + "/big.bin", std::string(5000, 'x'));
    std::vector<std::string> args = base_args(server);
    args.push_back("--attach");
    args.push_back(server.dir() + "/big.bin");
    args.push_back("to@example.org");
    const interop::process_result r = interop::run_process(args, "see attachment\n", {});
    INFO(r.describe());
    CHECK(r.status == 65);
    CHECK(r.err.find("SIZE") != std::string::npos);
    CHECK_FALSE(server.received_command("MAIL"));
}

TEST_CASE("mailwire-send: an attachment that cannot be read ends before connecting (exit 74)", "[message][send]") {
    interop::smtp_server server;
    REQUIRE(server.ok());
    std::vector<std::string> args = base_args(server);
    for (const char* a : {"--attach", "/nonexistent/file.pdf", "to@example.org"}) args.push_back(a);
    const interop::process_result r = interop::run_process(args, "body\n", {});
    INFO(r.describe());
    CHECK(r.status == 74);
    CHECK_FALSE(server.received_command("EHLO"));
}

#endif

#ifdef MAILWIRE_SEND_EXE
TEST_CASE("mailwire-send: a progress bar for a message over 1 MB when standard error is a terminal",
          "[message][send][progress]") {
    // script(1) (util-linux, always on Debian) gives the tool a pseudo-terminal.
    REQUIRE(std::filesystem::exists("/usr/bin/script"));
    interop::smtp_server server;
    REQUIRE(server.ok());
    write_file(server.dir() + "/big.bin", std::string(1500000, 'z'));
    std::string command = std::string(MAILWIRE_SEND_EXE) + " --profile relay --tls none --host 127.0.0.1 --port " +
                          std::to_string(server.port()) + " --from a@example.org --subject big --attach " +
                          server.dir() + "/big.bin to@example.org < /dev/null";
    const interop::process_result r = interop::run_process({"/usr/bin/script", "-qec", command, "/dev/null"}, "", {});
    INFO(r.describe());
    CHECK(r.status == 0);
    CHECK(r.out.find("sending [") != std::string::npos);
    CHECK(r.out.find("100%") != std::string::npos);
    CHECK(server.messages().size() == 1);
}
#endif
