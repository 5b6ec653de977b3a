// SPDX-License-Identifier: BSL-1.0
// A composed message through a real server (aiosmtpd) with 8BITMIME offered and not offered: the
// server must hold exactly the bytes the composer produces for that server, BODY=8BITMIME must be
// declared only when the text went as 8bit, and Python's parser must read the stored message.
#include "fixture.hpp"

#include <mailwire/mailwire.hpp>

#include <catch2/catch.hpp>

#include <fstream>
#include <string>
#include <vector>

namespace {

bool fixed_random(void*, unsigned char* buf, std::size_t len) {
    for (std::size_t i = 0; i < len; ++i) buf[i] = static_cast<unsigned char>(0x5a ^ i);
    return true;
}

const std::string text = "Grüße aus dem Kühlraum!\n.Punkt am Zeilenanfang\n";
const std::string csv = "zeit;temperatur\n12:00;-18,5\n12:05;-18,4\n";

void build(mailwire::message& m) {
    REQUIRE(m.from("sensor@example.org", "Kühlraum 3").ok());
    REQUIRE(m.to("ops@example.org").ok());
    REQUIRE(m.bcc("archive@example.org").ok());
    REQUIRE(m.subject("Messwerte für heute").ok());
    REQUIRE(m.text(text).ok());
    REQUIRE(m.attach(mailwire::content_source::from_memory(csv), "werte.csv", "text/csv").ok());
    m.date(1795411720, 60);
    m.set_random(&fixed_random);
}

} // namespace

TEST_CASE("a composed message through aiosmtpd, with and without 8BITMIME", "[message][interop]") {
    for (bool offered : {true, false}) {
        INFO("8BITMIME offered: " << offered);
        interop::server_options opt;
        opt.no_8bitmime = !offered;
        interop::smtp_server server(opt);
        INFO("server: " << server.problem());
        REQUIRE(server.ok());

        mailwire::client<mailwire::posix_transport, mailwire::no_tls, mailwire::profiles::relay> c;
        c.options().port = server.port();
        REQUIRE(c.open("127.0.0.1").ok());
        CHECK(c.server_capabilities().eightbitmime == offered);
        mailwire::message m;
        build(m);
        mailwire::recipient storage[4];
        const mailwire::send_result r = mailwire::send_message(c, m, storage, 4);
        INFO(mailwire::to_string(r.err.why));
        REQUIRE(r.ok());
        (void)c.quit();

        // The same message composed again for the same server: what the server must hold.
        mailwire::message again;
        build(again);
        REQUIRE(again.prepare(offered, false).ok());
        std::string expected;
        char buf[512];
        for (std::ptrdiff_t n; (n = again.read(buf, sizeof(buf))) > 0;) expected.append(buf, static_cast<std::size_t>(n));

        const std::vector<interop::received_message> got = server.messages();
        REQUIRE(got.size() == 1);
        CHECK(got[0].content == expected);
        CHECK(got[0].rcpt_tos == std::vector<std::string>{"ops@example.org", "archive@example.org"});
        const bool declared = std::find(got[0].mail_options.begin(), got[0].mail_options.end(), "BODY=8BITMIME") !=
                              got[0].mail_options.end();
        CHECK(declared == offered);
        CHECK((got[0].content.find("Content-Transfer-Encoding: 8bit") != std::string::npos) == offered);
        CHECK(got[0].content.find("archive@example.org") == std::string::npos);

        // And Python's parser reads the stored bytes back to the text that went in.
        const std::string file = server.dir() + "/stored.eml", spec = server.dir() + "/spec.json";
        std::ofstream(file, std::ios::binary) << got[0].content;
        std::ofstream(spec, std::ios::binary)
            << "{\"subject\":\"Messwerte für heute\",\"from\":[\"Kühlraum 3\",\"sensor@example.org\"],"
               "\"no_headers\":[\"Bcc\"],\"tree\":\"multipart/mixed(text/plain,text/csv)\","
               "\"texts\":{\"text/plain\":\"Grüße aus dem Kühlraum!\\n.Punkt am Zeilenanfang\\n\"}}";
        const interop::process_result p = interop::run_process(
            {MAILWIRE_TEST_PYTHON, std::string(MAILWIRE_TEST_SOURCE_DIR) + "/tests/message/check_message.py", file, spec},
            "");
        INFO(p.describe());
        CHECK(p.status == 0);
    }
}
