// SPDX-License-Identifier: BSL-1.0
// mailwire - sending with fallback: the next port when one cannot be reached or speaks another
// mode, a backup server when the primary fails before any mail was submitted.
//
// The routes are tried in the order given, each on the same client (any transport, TLS policy
// and clock; the profile must be profiles::runtime). After a failure, after_failure() decides:
//
//  - next_port: the server was not reached on this port, or it speaks another mode there
//    (refused, connect timeout, accepted but no greeting, implicit TLS expected, plaintext
//    spoken: probe.hpp's classes). Nothing was sent but a ClientHello or an EHLO, so the next
//    route (another port of the same server, or a backup) may be tried.
//  - next_host: the server failed before MAIL FROM (a 4xx or 5xx greeting, EHLO, STARTTLS or AUTH
//    failure, a lost connection), or answered MAIL FROM with 4xx. No transaction was started, so
//    a backup server (the next route with another host) may take the message; other ports of the
//    same server are skipped, since it was reached and answered.
//  - stop: anything else. A certificate that fails verification may be an attack and a person
//    should look (RFC 8314 §5: no fallback that weakens protection); a usage error fails the same
//    everywhere; after MAIL FROM was accepted, recipients may have been accepted, and after the
//    final "." the server may have the message (RFC 5321 §4.5.3.2.6: an unknown outcome is
//    reported, never resent).
//
// Never to weaker protection: a route whose encryption protects less than the one that failed
// (implicit TLS and required STARTTLS > opportunistic > none) is skipped unless the caller allows
// it (fallback_settings::allow_weaker: mailwire-send sets it when the user listed the routes).
//
// Connecting in a staggered way (RFC 8305 §5: the next attempt starts after a short delay while
// the current one has not connected) needs several sockets at once; that belongs to a transport,
// as mailwire-send's does on POSIX. Here the routes are tried one after another, each step under
// the client's own deadlines.
#ifndef MAILWIRE_FALLBACK_HPP
#define MAILWIRE_FALLBACK_HPP

#include "config.hpp"

#include "client.hpp"
#include "error.hpp"
#include "probe.hpp"
#include "profiles.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mailwire {
inline namespace MAILWIRE_ABI {

/// One place to send to: a server and a port with the encryption to use there.
struct route {
    std::string_view host;       ///< the server's name, also for TLS (SNI, the certificate's names)
    std::string_view connect_to; ///< as client_options::connect_to; empty: connect to `host`
    std::uint16_t port = 0;
    encryption mode = encryption::none;
};

/// Two routes reach the same server when host and connect_to are the same.
constexpr bool same_server(const route& a, const route& b) noexcept {
    return a.host == b.host && a.connect_to == b.connect_to;
}

/// How much an encryption mode protects: implicit TLS and required STARTTLS alike (both verify
/// the certificate before a byte of mail), opportunistic STARTTLS less, plaintext not at all.
constexpr int protection(encryption mode) noexcept {
    return mode == encryption::implicit || mode == encryption::starttls ? 2 : mode == encryption::opportunistic ? 1 : 0;
}

enum class fallback_verdict : std::uint8_t {
    next_port, ///< not reached on this port, or the wrong mode: the next route may work
    next_host, ///< failed before any transaction: a route with another server may take it
    stop,      ///< the failure stands
};

const char* to_string(fallback_verdict v) noexcept;
inline const char* to_string(fallback_verdict v) noexcept {
    switch (v) {
    case fallback_verdict::next_port: return "next_port";
    case fallback_verdict::next_host: return "next_host";
    case fallback_verdict::stop: return "stop";
    }
    return "?";
}

/// What a failure of a route tried with `mode` allows (see the top of this file).
constexpr fallback_verdict after_failure(const error& e, encryption mode) noexcept {
    if (e.ok() || e.kind == error_kind::usage) return fallback_verdict::stop;
    switch (classify(e, mode)) {
    case probe_class::refused:
    case probe_class::connect_timeout:
    case probe_class::no_greeting:
    case probe_class::tls_expected:
    case probe_class::plaintext_spoken: return fallback_verdict::next_port;
    case probe_class::certificate: return fallback_verdict::stop;
    default: break;
    }
    switch (e.where) {
    case phase::connect:
    case phase::tls:
    case phase::greeting:
    case phase::ehlo:
    case phase::starttls:
    case phase::auth: return fallback_verdict::next_host;
    case phase::mail: return e.server.transient() ? fallback_verdict::next_host : fallback_verdict::stop;
    default: return fallback_verdict::stop;
    }
}

/// One attempt, as the observer sees it when the attempt has ended.
struct fallback_attempt {
    const route* tried = nullptr;
    std::size_t index = 0;        ///< of `tried` in the routes
    error err;                    ///< ok() when it delivered
    std::uint32_t elapsed_ms = 0; ///< on the client's clock, from open() to the end of the attempt
    fallback_verdict verdict = fallback_verdict::stop;
    const route* next = nullptr; ///< the route tried next; nullptr when none is
};
using fallback_observer = void (*)(void* context, const fallback_attempt& attempt);

struct fallback_settings {
    const credentials* cred = nullptr; ///< AUTH on every route when given
    auth_mechanism mechanism = auth_mechanism::automatic;
    /// Whether a route that protects less than the one that failed may be tried (protection()).
    bool allow_weaker = false;
    fallback_observer observer = nullptr; ///< told of every attempt that ended
    void* observer_context = nullptr;
};

struct fallback_result {
    send_result sent;      ///< the last attempt's: delivered(), err, accepted/refused counts
    std::size_t route = 0; ///< the route that delivered, or the last one tried (count: none was)
    std::size_t attempts = 0;

    bool delivered() const noexcept { return sent.delivered(); }
};

/// The route to try after `from` failed with `verdict`: the first that qualifies, or `count`.
inline std::size_t next_route(const route* routes, std::size_t count, std::size_t from, fallback_verdict verdict,
                              bool allow_weaker) noexcept {
    if (verdict == fallback_verdict::stop) return count;
    for (std::size_t i = from + 1; i < count; ++i) {
        if (verdict == fallback_verdict::next_host && same_server(routes[i], routes[from])) continue;
        if (!allow_weaker && protection(routes[i].mode) < protection(routes[from].mode)) continue;
        return i;
    }
    return count;
}

/// Sends over the routes in order: open(), AUTH when credentials are given, then `deliver(c)`,
/// which runs the transaction on the open client and returns its send_result (c.send(...), or
/// send_message(c, ...)). After a failure, after_failure() and next_route() choose what follows.
/// A delivery that reached MAIL FROM and failed for any reason but a 4xx to MAIL is never tried
/// again elsewhere. The client's options are used as set (ehlo_name, timeouts, trace...) and
/// given back unchanged; port, encryption and connect_to come from each route.
template <class Client, class Deliver>
fallback_result send_with_fallback(Client& c, const route* routes, std::size_t count, Deliver&& deliver,
                                   const fallback_settings& s = fallback_settings()) {
    static_assert(detail::chosen_at_run_time<typename Client::profile_type>::value,
                  "mailwire: send_with_fallback() chooses port and encryption per route: use a client with "
                  "mailwire::profiles::runtime as its profile");
    fallback_result out;
    out.route = count;
    if (routes == nullptr || count == 0) {
        out.sent.err.where = phase::connect;
        out.sent.err.kind = error_kind::usage;
        out.sent.err.why = cause::bad_argument;
        return out;
    }
    client_options& opt = c.options();
    const client_options saved = opt;
    for (std::size_t i = 0; i < count;) {
        const route& r = routes[i];
        opt.port = r.port;
        opt.override_encryption = true;
        opt.mode = r.mode;
        opt.connect_to = r.connect_to;
        out.route = i;
        ++out.attempts;
        const std::uint32_t start = static_cast<std::uint32_t>(c.clock().now());

        send_result sent;
        sent.err = c.open(r.host);
        if (sent.err.ok() && s.cred != nullptr) sent.err = c.authenticate(*s.cred, s.mechanism);
        if (sent.err.ok()) sent = deliver(c);
        (void)c.quit(); // a no-op when the connection is gone; the result does not depend on it
        c.close();
        out.sent = sent;

        fallback_attempt a;
        a.tried = &r;
        a.index = i;
        a.err = sent.err;
        a.elapsed_ms = static_cast<std::uint32_t>(c.clock().now()) - start;
        a.verdict = sent.err.ok() ? fallback_verdict::stop : after_failure(sent.err, r.mode);
        const std::size_t next = sent.err.ok() ? count : next_route(routes, count, i, a.verdict, s.allow_weaker);
        a.next = next < count ? &routes[next] : nullptr;
        if (s.observer != nullptr) s.observer(s.observer_context, a);
        if (sent.err.ok()) break;
        i = next;
    }
    opt = saved;
    return out;
}

/// The same with a message given whole: every route sends `message` to the envelope's recipients.
template <class Client>
fallback_result send_with_fallback(Client& c, const route* routes, std::size_t count, envelope& env,
                                   std::string_view message, const fallback_settings& s = fallback_settings()) {
    return send_with_fallback(c, routes, count, [&](Client& cl) { return cl.send(env, message); }, s);
}

} // inline namespace MAILWIRE_ABI
} // namespace mailwire

#endif // MAILWIRE_FALLBACK_HPP
