// SPDX-License-Identifier: BSL-1.0
// The provider presets (providers.hpp): lookup by name and region, host names with their region,
// the table's own consistency, and which failures get the provider's advice.
#include <mailwire/mailwire.hpp> // (providers.hpp; the single header has it too)

#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <string_view>

namespace {

std::string host_of(const char* name, std::size_t room = 256) {
    std::string_view region;
    const mailwire::provider* p = mailwire::find_provider(name, region);
    if (p == nullptr) return "(no preset)";
    char buf[256] = {};
    const std::size_t n = mailwire::provider_host(*p, region, buf, room);
    return std::string(buf, n);
}

} // namespace

// Usable at compile time: firmware can take a preset's settings into its profile.
static_assert(mailwire::providers::gmail.port == 587, "Gmail's submission port");
static_assert(mailwire::providers::sendgrid.user == mailwire::user_kind::fixed, "SendGrid's fixed user");

TEST_CASE("providers: found by name, case-insensitively, unknown names are not", "[providers]") {
    std::string_view region;
    CHECK(mailwire::find_provider("gmail", region) == &mailwire::providers::gmail);
    CHECK(mailwire::find_provider("GMail", region) == &mailwire::providers::gmail);
    CHECK(mailwire::find_provider("SMTP.com", region) == &mailwire::providers::smtp_com);
    CHECK(mailwire::find_provider("gmai", region) == nullptr);
    CHECK(mailwire::find_provider("", region) == nullptr);
    CHECK(mailwire::find_provider("gmail ", region) == nullptr);
}

TEST_CASE("providers: regions are required, defaulted or refused as the host needs", "[providers]") {
    CHECK(host_of("ses:eu-west-1") == "email-smtp.eu-west-1.amazonaws.com");
    CHECK(host_of("ses") == "(no preset)");   // SES has no default region
    CHECK(host_of("ses:") == "(no preset)");
    CHECK(host_of("zoho") == "smtp.zoho.com"); // the default region
    CHECK(host_of("zoho:eu") == "smtp.zoho.eu");
    CHECK(host_of("zoho:com.au") == "smtp.zoho.com.au");
    CHECK(host_of("gmail:eu") == "(no preset)"); // no region in Gmail's host
    CHECK(host_of("gmail") == "smtp.gmail.com");
    for (const char* bad : {"ses:EU-WEST-1", "ses:eu/west", "ses:..", "ses:eu..west", "ses:-eu", "ses:eu-",
                            "ses:.eu", "ses:eu.", "ses:eu west", "ses:eu@x"}) {
        INFO(bad);
        CHECK(host_of(bad) == "(no preset)");
    }
}

TEST_CASE("providers: provider_host says 0 when the host does not fit", "[providers]") {
    const std::string full = host_of("ses:eu-west-1");
    REQUIRE(full.size() == 34);
    CHECK(host_of("ses:eu-west-1", full.size()) == ""); // no room for the NUL
    CHECK(host_of("ses:eu-west-1", full.size() + 1) == full);
    char buf[8];
    CHECK(mailwire::provider_host(mailwire::providers::ses, "not valid!", buf, sizeof buf) == 0);
    CHECK(mailwire::provider_host(mailwire::providers::gmail, "", nullptr, 100) == 0);
}

TEST_CASE("providers: every preset is complete and consistent", "[providers]") {
    std::set<std::string> names;
    for (const mailwire::provider* p : mailwire::all_providers) {
        INFO(p->name);
        CHECK(names.insert(std::string(p->name)).second); // no name twice
        CHECK(!p->title.empty());
        CHECK(!p->host.empty());
        CHECK(!p->source.empty());
        CHECK(!p->user_hint.empty());
        CHECK(!p->secret_hint.empty());
        CHECK(!p->auth_advice.empty());
        CHECK(p->port != 0);
        CHECK(p->mode != mailwire::encryption::none);       // every preset encrypts
        CHECK(p->mode != mailwire::encryption::opportunistic);
        CHECK((p->user == mailwire::user_kind::fixed) == !p->fixed_user.empty());
        CHECK(p->alternative_count <= sizeof p->alternatives / sizeof p->alternatives[0]);
        std::set<int> ports{p->port};
        for (std::size_t i = 0; i < p->alternative_count; ++i) {
            CHECK(p->alternatives[i].port != 0);
            CHECK(p->alternatives[i].mode != mailwire::encryption::none);
            CHECK(ports.insert(p->alternatives[i].port).second); // no port twice
            // A port's usual mode: 465-style ports implicit, the others STARTTLS.
            if (p->alternatives[i].port == 465) CHECK(p->alternatives[i].mode == mailwire::encryption::implicit);
        }
        // Its host is a host name once a region is in place.
        char buf[256];
        const std::size_t n = mailwire::provider_host(*p, p->default_region.empty() ? "eu-west-1" : p->default_region,
                                                      buf, sizeof buf);
        CHECK(n == std::string_view(buf).size());
        CHECK(std::string_view(buf, n).find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-.") ==
              std::string_view::npos);
    }
    CHECK(names.size() >= 17);
}

TEST_CASE("providers: a rejected AUTH gets the provider's advice, a blocked port its other ports", "[providers]") {
    mailwire::error e;
    e.where = mailwire::phase::auth;
    e.kind = mailwire::error_kind::auth;
    e.why = mailwire::cause::credentials_rejected;
    CHECK(mailwire::provider_advice(mailwire::providers::m365, e) == mailwire::providers::m365.auth_advice);
    CHECK(mailwire::provider_advice(mailwire::providers::m365, e).find("5.7.139") != std::string_view::npos);

    mailwire::error blocked;
    blocked.where = mailwire::phase::connect;
    blocked.kind = mailwire::error_kind::timeout;
    CHECK(mailwire::provider_advice(mailwire::providers::smtp2go, blocked).find("--fallback") != std::string_view::npos);
    CHECK(mailwire::provider_advice(mailwire::providers::m365, blocked).empty()); // no other port to offer

    mailwire::error usage;
    usage.where = mailwire::phase::rcpt;
    usage.kind = mailwire::error_kind::usage;
    usage.why = mailwire::cause::bad_address;
    CHECK(mailwire::provider_advice(mailwire::providers::gmail, usage).empty());
}
