// SPDX-License-Identifier: BSL-1.0
// Sending with fallback (fallback.hpp) over scripted peers, one per host and port: which failure
// allows which move (issue 12 item 3: the next port only when the server was not reached or
// speaks another mode, a backup host when the primary failed before MAIL or said 4xx to the
// greeting or MAIL, never after the final ".", never on a certificate failure, never to weaker
// protection unless allowed), and that a message goes out at most once.
#include "support.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <utility>
#include <vector>

using mailwire::cause;
using mailwire::encryption;
using mailwire::error;
using mailwire::error_kind;
using mailwire::fallback_verdict;
using mailwire::io_result;
using mailwire::io_status;
using mailwire::millis;
using mailwire::phase;
using mailwire::route;
using mwtest::script;

namespace {

/// Many scripted servers, one per "host:port"; connect() picks the script, and a connect to
/// anything else is refused. One clock for all of them.
struct network {
    std::map<std::string, script*> servers;
    millis now_ms = 0;
    std::vector<std::string> connects; ///< "host:port" in the order the client connected

    static std::string key(std::string_view host, std::uint16_t port) {
        return std::string(host) + ":" + std::to_string(port);
    }
};

class routed_transport {
public:
    explicit routed_transport(network& n) : net_(&n) {}
    io_result connect(std::string_view host, std::uint16_t port, std::uint32_t) {
        current_ = nullptr;
        net_->connects.push_back(network::key(host, port));
        const auto it = net_->servers.find(network::key(host, port));
        if (it == net_->servers.end()) return io_result::fail(io_status::refused);
        current_ = it->second;
        return run([&] { return current_->on_connect(host, port); });
    }
    io_result read_some(char* buf, std::size_t len, std::uint32_t ms) {
        if (current_ == nullptr) return io_result::fail(io_status::error);
        return run([&] { return current_->on_read(buf, len, ms); });
    }
    io_result write_some(const char* buf, std::size_t len, std::uint32_t) {
        if (current_ == nullptr) return io_result::fail(io_status::error);
        return run([&] { return current_->on_write(buf, len); });
    }
    void close() {
        if (current_ != nullptr) current_->on_close();
        current_ = nullptr;
    }

private:
    /// Runs one operation on the current script with the shared clock.
    template <class F>
    io_result run(F f) {
        current_->now_ms = net_->now_ms;
        const io_result r = f();
        net_->now_ms = current_->now_ms;
        return r;
    }
    network* net_;
    script* current_ = nullptr;
};

using fallback_client =
    mailwire::basic_client<routed_transport, mailwire::no_tls, mailwire::profiles::runtime, mailwire::testing::manual_clock>;

struct observed {
    std::vector<std::pair<std::string, fallback_verdict>> attempts; ///< "host:port" and the verdict
    std::vector<bool> had_next;
    static void on(void* context, const mailwire::fallback_attempt& a) {
        auto& self = *static_cast<observed*>(context);
        self.attempts.emplace_back(network::key(a.tried->host, a.tried->port), a.verdict);
        self.had_next.push_back(a.next != nullptr);
    }
};

/// A client on the network, the observer attached.
struct rig {
    network net;
    fallback_client c{routed_transport(net), mailwire::no_tls{}, mailwire::testing::manual_clock{&net.now_ms}};
    observed seen;
    mailwire::fallback_settings settings;
    mwtest::recipients rcpts{{"a@example.org", "b@example.org"}};
    mailwire::envelope env = rcpts.envelope("sender@example.org");

    rig() {
        c.options().ehlo_name = mwtest::ehlo_name;
        settings.observer = &observed::on;
        settings.observer_context = &seen;
    }
    mailwire::fallback_result send(const std::vector<route>& routes) {
        return mailwire::send_with_fallback(c, routes.data(), routes.size(), env, "Subject: hi\r\n\r\nbody\r\n", settings);
    }
};

/// A server that takes the message: greeting, EHLO, MAIL, two RCPT, DATA, the data, QUIT.
void accepts(script& s) {
    mwtest::greet(s);
    s.reply("250 2.1.0 ok\r\n").reply("250 2.1.5 ok\r\n").reply("250 2.1.5 ok\r\n").reply("354 go\r\n");
    s.reply("250 2.0.0 queued\r\n").reply("221 bye\r\n");
}

error failure(phase where, error_kind kind, cause why, std::uint16_t code = 0) {
    error e;
    e.where = where;
    e.kind = kind;
    e.why = why;
    e.server.code = code;
    return e;
}

} // namespace

TEST_CASE("fallback: a failure before the server was reached, or in the wrong mode, allows the next port",
          "[fallback]") {
    // The list: refused, connect timeout, no greeting, wrong mode (both directions).
    CHECK(after_failure(failure(phase::connect, error_kind::network, cause::connection_refused), encryption::starttls) ==
          fallback_verdict::next_port);
    CHECK(after_failure(failure(phase::connect, error_kind::timeout, cause::none), encryption::starttls) ==
          fallback_verdict::next_port);
    CHECK(after_failure(failure(phase::greeting, error_kind::protocol, cause::no_greeting), encryption::starttls) ==
          fallback_verdict::next_port);
    CHECK(after_failure(failure(phase::greeting, error_kind::protocol, cause::greeting_looks_like_tls),
                        encryption::starttls) == fallback_verdict::next_port);
    CHECK(after_failure(failure(phase::tls, error_kind::tls, cause::tls_plaintext_server), encryption::implicit) ==
          fallback_verdict::next_port);
    // Implicit TLS whose ClientHello got no octet back: nobody spoke.
    CHECK(after_failure(failure(phase::tls, error_kind::timeout, cause::none), encryption::implicit) ==
          fallback_verdict::next_port);
}

TEST_CASE("fallback: a certificate failure, a usage error, or anything after MAIL but its 4xx stops", "[fallback]") {
    for (cause c : {cause::certificate_untrusted, cause::certificate_expired, cause::certificate_wrong_host,
                    cause::certificate_invalid}) {
        INFO(mailwire::to_string(c));
        CHECK(after_failure(failure(phase::tls, error_kind::tls, c), encryption::implicit) == fallback_verdict::stop);
        CHECK(after_failure(failure(phase::tls, error_kind::tls, c), encryption::starttls) == fallback_verdict::stop);
    }
    CHECK(after_failure(failure(phase::rcpt, error_kind::usage, cause::bad_address), encryption::starttls) ==
          fallback_verdict::stop);
    CHECK(after_failure(failure(phase::auth, error_kind::usage, cause::plaintext_auth_refused), encryption::none) ==
          fallback_verdict::stop);
    CHECK(after_failure(failure(phase::mail, error_kind::permanent, cause::none, 550), encryption::starttls) ==
          fallback_verdict::stop);
    CHECK(after_failure(failure(phase::rcpt, error_kind::temporary, cause::all_recipients_refused, 451),
                        encryption::starttls) == fallback_verdict::stop);
    CHECK(after_failure(failure(phase::data, error_kind::temporary, cause::none, 451), encryption::starttls) ==
          fallback_verdict::stop);
    CHECK(after_failure(failure(phase::body, error_kind::network, cause::none), encryption::starttls) ==
          fallback_verdict::stop);
    // After the final ".": the server may have the message.
    CHECK(after_failure(failure(phase::end_of_data, error_kind::network, cause::outcome_unknown), encryption::starttls) ==
          fallback_verdict::stop);
    CHECK(after_failure(failure(phase::end_of_data, error_kind::temporary, cause::none, 451), encryption::starttls) ==
          fallback_verdict::stop);
}

TEST_CASE("fallback: a server that answered but refused before MAIL, or 4xx to MAIL, allows a backup host",
          "[fallback]") {
    CHECK(after_failure(failure(phase::greeting, error_kind::temporary, cause::none, 421), encryption::starttls) ==
          fallback_verdict::next_host);
    CHECK(after_failure(failure(phase::greeting, error_kind::permanent, cause::none, 554), encryption::starttls) ==
          fallback_verdict::next_host);
    CHECK(after_failure(failure(phase::starttls, error_kind::tls, cause::starttls_not_offered), encryption::starttls) ==
          fallback_verdict::next_host);
    CHECK(after_failure(failure(phase::auth, error_kind::auth, cause::credentials_rejected, 535), encryption::starttls) ==
          fallback_verdict::next_host);
    CHECK(after_failure(failure(phase::mail, error_kind::temporary, cause::none, 451), encryption::starttls) ==
          fallback_verdict::next_host);
}

TEST_CASE("fallback: next_route skips the failed server's other ports after next_host, and weaker protection",
          "[fallback]") {
    const std::vector<route> routes = {
        {"a.example", "", 587, encryption::starttls},      {"a.example", "", 465, encryption::implicit},
        {"b.example", "", 587, encryption::starttls},      {"b.example", "", 25, encryption::opportunistic},
        {"c.example", "", 25, encryption::none},
    };
    const std::size_t n = routes.size();
    CHECK(mailwire::next_route(routes.data(), n, 0, fallback_verdict::next_port, false) == 1);
    CHECK(mailwire::next_route(routes.data(), n, 0, fallback_verdict::next_host, false) == 2);
    CHECK(mailwire::next_route(routes.data(), n, 0, fallback_verdict::stop, false) == n);
    // From required STARTTLS, opportunistic and plaintext protect less: not without allow_weaker.
    CHECK(mailwire::next_route(routes.data(), n, 2, fallback_verdict::next_port, false) == n);
    CHECK(mailwire::next_route(routes.data(), n, 2, fallback_verdict::next_port, true) == 3);
    CHECK(mailwire::next_route(routes.data(), n, 3, fallback_verdict::next_host, true) == 4);
    // A route with the same host but another connect_to address is another server.
    const std::vector<route> by_address = {{"a.example", "127.0.0.1", 587, encryption::starttls},
                                           {"a.example", "127.0.0.2", 587, encryption::starttls}};
    CHECK(mailwire::next_route(by_address.data(), 2, 0, fallback_verdict::next_host, false) == 1);
}

TEST_CASE("fallback: a refused port and a silent one are passed over, the next port delivers", "[fallback]") {
    rig t;
    script silent, good;
    silent.silence(); // accepts and never says a word
    accepts(good);
    t.net.servers["mx.example:2525"] = &silent;
    t.net.servers["mx.example:26"] = &good;
    t.c.options().timeout.first_byte = 3000;
    const auto r = t.send({{"mx.example", "", 587, encryption::none},
                           {"mx.example", "", 2525, encryption::none},
                           {"mx.example", "", 26, encryption::none}});
    INFO(mwtest::describe(r.sent.err));
    CHECK(r.delivered());
    CHECK(r.route == 2);
    CHECK(r.attempts == 3);
    CHECK(r.sent.accepted == 2);
    REQUIRE(t.seen.attempts.size() == 3);
    CHECK(t.seen.attempts[0] == std::make_pair(std::string("mx.example:587"), fallback_verdict::next_port));
    CHECK(t.seen.attempts[1] == std::make_pair(std::string("mx.example:2525"), fallback_verdict::next_port));
    CHECK(t.seen.attempts[2].first == "mx.example:26");
    CHECK_FALSE(t.seen.had_next[2]);
    REQUIRE(good.contents.size() == 1);
    CHECK(silent.commands.empty()); // the silent server never got as much as an EHLO
    // The options are given back as they were.
    CHECK(t.c.options().port == 0);
    CHECK_FALSE(t.c.options().override_encryption);
}

TEST_CASE("fallback: 421 at the greeting goes to the backup host, not to the primary's other ports", "[fallback]") {
    rig t;
    script busy, backup;
    busy.reply("421 4.3.2 mx1 busy, try later\r\n").close();
    accepts(backup);
    t.net.servers["mx1.example:587"] = &busy;
    t.net.servers["mx2.example:587"] = &backup;
    const auto r = t.send({{"mx1.example", "", 587, encryption::none},
                           {"mx1.example", "", 2525, encryption::none},
                           {"mx2.example", "", 587, encryption::none}});
    INFO(mwtest::describe(r.sent.err));
    CHECK(r.delivered());
    CHECK(r.route == 2);
    CHECK(t.net.connects == std::vector<std::string>{"mx1.example:587", "mx2.example:587"});
    REQUIRE(t.seen.attempts.size() == 2);
    CHECK(t.seen.attempts[0].second == fallback_verdict::next_host);
    CHECK(backup.contents.size() == 1);
}

TEST_CASE("fallback: 4xx to MAIL FROM goes to the backup, which gets the message once", "[fallback]") {
    rig t;
    script primary, backup;
    mwtest::greet(primary);
    primary.reply("451 4.7.1 greylisted, come back later\r\n").reply("250 reset\r\n").reply("221 bye\r\n");
    accepts(backup);
    t.net.servers["mx1.example:25"] = &primary;
    t.net.servers["mx2.example:25"] = &backup;
    const auto r = t.send({{"mx1.example", "", 25, encryption::none}, {"mx2.example", "", 25, encryption::none}});
    INFO(mwtest::describe(r.sent.err));
    CHECK(r.delivered());
    CHECK(primary.contents.empty());
    CHECK(backup.contents.size() == 1);
    REQUIRE(t.seen.attempts.size() == 2);
    CHECK(t.seen.attempts[0].second == fallback_verdict::next_host);
    // Per-recipient results are the backup's.
    CHECK(t.rcpts.list[0].accepted());
    CHECK(t.rcpts.list[1].accepted());
}

TEST_CASE("fallback: a 5xx to MAIL FROM, or a lost connection after the final dot, is never tried elsewhere",
          "[fallback]") {
    SECTION("550 to MAIL") {
        rig t;
        script primary, backup;
        mwtest::greet(primary);
        primary.reply("550 5.7.1 sender rejected\r\n").reply("250 reset\r\n").reply("221 bye\r\n");
        accepts(backup);
        t.net.servers["mx1.example:25"] = &primary;
        t.net.servers["mx2.example:25"] = &backup;
        const auto r = t.send({{"mx1.example", "", 25, encryption::none}, {"mx2.example", "", 25, encryption::none}});
        CHECK_FALSE(r.delivered());
        CHECK(r.sent.err.where == phase::mail);
        CHECK(r.sent.err.server.code == 550);
        CHECK(backup.connects == 0);
    }
    SECTION("the connection closes after the final dot") {
        rig t;
        script primary, backup;
        mwtest::greet(primary);
        primary.reply("250 ok\r\n").reply("250 ok\r\n").reply("250 ok\r\n").reply("354 go\r\n").close();
        accepts(backup);
        t.net.servers["mx1.example:25"] = &primary;
        t.net.servers["mx2.example:25"] = &backup;
        const auto r = t.send({{"mx1.example", "", 25, encryption::none}, {"mx2.example", "", 25, encryption::none}});
        CHECK_FALSE(r.delivered());
        CHECK(r.sent.err.why == cause::outcome_unknown);
        CHECK(primary.contents.size() == 1);
        CHECK(backup.connects == 0);
        REQUIRE(t.seen.attempts.size() == 1);
        CHECK(t.seen.attempts[0].second == fallback_verdict::stop);
        CHECK_FALSE(t.seen.had_next[0]);
    }
}

TEST_CASE("fallback: never to weaker protection unless allowed", "[fallback]") {
    rig t;
    script plain;
    accepts(plain);
    t.net.servers["mx.example:2526"] = &plain;
    const std::vector<route> routes = {{"mx.example", "", 2525, encryption::opportunistic},
                                       {"mx.example", "", 2526, encryption::none}};
    SECTION("not allowed: the plaintext route is not tried, the refusal stands") {
        const auto r = t.send(routes);
        CHECK_FALSE(r.delivered());
        CHECK(r.sent.err.why == cause::connection_refused);
        CHECK(t.net.connects == std::vector<std::string>{"mx.example:2525"});
        CHECK(plain.connects == 0);
    }
    SECTION("allowed (the user listed it)") {
        t.settings.allow_weaker = true;
        const auto r = t.send(routes);
        CHECK(r.delivered());
        CHECK(plain.contents.size() == 1);
    }
}

TEST_CASE("fallback: every route failing reports the last failure, no routes is a usage error", "[fallback]") {
    rig t;
    const auto r = t.send({{"mx.example", "", 587, encryption::none}, {"mx.example", "", 465, encryption::none}});
    CHECK_FALSE(r.delivered());
    CHECK(r.attempts == 2);
    CHECK(r.route == 1);
    CHECK(r.sent.err.why == cause::connection_refused);
    const auto none = t.send({});
    CHECK(none.sent.err.kind == error_kind::usage);
    CHECK(none.attempts == 0);
}
