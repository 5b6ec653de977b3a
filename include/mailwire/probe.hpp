// SPDX-License-Identifier: BSL-1.0
// mailwire - the port probe: which port and encryption reach a server, tried up to (never
// including) MAIL FROM. For each candidate (a port and an encryption mode) it connects, reads the
// greeting, says EHLO, upgrades with STARTTLS or starts with implicit TLS, has the certificate
// verified, authenticates only when given credentials, and says QUIT. Nothing is ever sent that
// could start a mail transaction (RFC 5321 §4.1.1.2 MAIL is the only way to start one; the probe
// has no code path to it).
//
// One candidate after another on one client (each with its own deadlines), fixed arrays, no heap.
// recommend() picks the candidate to use; probe_advice() says in one line why nothing works.
#ifndef MAILWIRE_PROBE_HPP
#define MAILWIRE_PROBE_HPP

#include "budget_transport.hpp"
#include "capabilities.hpp"
#include "client.hpp"
#include "config.hpp"
#include "error.hpp"
#include "limits.hpp"
#include "profiles.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>
#include <utility>

namespace mailwire {
inline namespace MAILWIRE_ABI {

/// What became of one candidate. The names (to_string) are stable: mailwire-probe's JSON uses them.
enum class probe_class : std::uint8_t {
    ok,                   ///< the whole dialogue worked (and AUTH, when credentials were given and tried)
    refused,              ///< nothing listens on the port (connection refused)
    connect_timeout,      ///< no answer to the connect: a firewall drops the packets, or no host there
    no_greeting,          ///< connected, but no server spoke: silence, or closed before a greeting
    tls_expected,         ///< wrong mode: the port wants implicit TLS (TLS bytes instead of a 220)
    plaintext_spoken,     ///< wrong mode: implicit TLS tried, the server speaks plaintext SMTP
    starttls_not_offered, ///< STARTTLS required, but not in the EHLO reply
    certificate,          ///< the certificate failed verification (cause::certificate_*)
    tls_failed,           ///< another TLS failure: handshake, alert, STARTTLS refused, setup
    auth_not_offered,     ///< credentials given, but no AUTH (or no usable mechanism) offered
    auth_rejected,        ///< the credentials were refused
    server_refused,       ///< a 4xx or 5xx reply to the greeting, EHLO or AUTH
    resolve_failed,       ///< the host name did not resolve
    network,              ///< unreachable, connection lost, a timeout after the greeting
    other,                ///< anything else (a broken reply, a usage error)
};

const char* to_string(probe_class c) noexcept;
inline const char* to_string(probe_class c) noexcept {
    switch (c) {
    case probe_class::ok: return "ok";
    case probe_class::refused: return "refused";
    case probe_class::connect_timeout: return "connect_timeout";
    case probe_class::no_greeting: return "no_greeting";
    case probe_class::tls_expected: return "tls_expected";
    case probe_class::plaintext_spoken: return "plaintext_spoken";
    case probe_class::starttls_not_offered: return "starttls_not_offered";
    case probe_class::certificate: return "certificate";
    case probe_class::tls_failed: return "tls_failed";
    case probe_class::auth_not_offered: return "auth_not_offered";
    case probe_class::auth_rejected: return "auth_rejected";
    case probe_class::server_refused: return "server_refused";
    case probe_class::resolve_failed: return "resolve_failed";
    case probe_class::network: return "network";
    case probe_class::other: return "other";
    }
    return "?";
}

/// What became of AUTH on one candidate.
enum class probe_auth : std::uint8_t {
    not_tried,   ///< no credentials, the session ended before AUTH, or only plaintext (not opted in)
    ok,          ///< 235
    rejected,    ///< refused (535 and friends, or another failure of the exchange)
    not_offered, ///< no AUTH, or none of the mechanisms mailwire speaks
};

const char* to_string(probe_auth a) noexcept;
inline const char* to_string(probe_auth a) noexcept {
    switch (a) {
    case probe_auth::not_tried: return "not_tried";
    case probe_auth::ok: return "ok";
    case probe_auth::rejected: return "rejected";
    case probe_auth::not_offered: return "not_offered";
    }
    return "?";
}

/// A port and the encryption to try it with.
struct probe_candidate {
    std::uint16_t port = 0;
    encryption mode = encryption::none;
};

struct probe_settings {
    /// AUTH is tried only with credentials, and on an unencrypted session only when the client's
    /// options().allow_plaintext_auth is set (the client refuses it otherwise, RFC 8314 §3.3).
    const credentials* cred = nullptr;
    auth_mechanism mechanism = auth_mechanism::automatic;
    /// One deadline for each candidate as a whole, in ms; 0: the client's per-step timeouts as set.
    /// Every step's timeout is set to what is left of it before open(), authenticate() and quit().
    /// Steps inside open() (connect, TLS, greeting, EHLO) each get what was left when it began,
    /// unless the transport has limit_to() (budget_transport), which then holds them all to it.
    std::uint32_t budget_ms = 0;
};

/// Everything learned about one candidate. Bounded copies: nothing points into the client.
struct probe_result {
    static constexpr std::size_t greeting_capacity = max_reply_line - 2; ///< a line without CRLF (RFC 5321 §4.5.3.1.5)
    static constexpr std::size_t detail_capacity = 320;

    probe_candidate candidate;
    probe_class outcome = probe_class::other;
    error err;                   ///< why it failed (the AUTH failure when only AUTH failed); ok() when it worked
    std::uint32_t elapsed_ms = 0; ///< on the client's clock, connect to close
    bool encrypted = false;       ///< the session was encrypted when open() ended
    bool capabilities_known = false; ///< the server answered EHLO (or HELO): `caps` is its answer
    capabilities caps;
    probe_auth auth = probe_auth::not_tried;

    std::string_view greeting() const noexcept { return std::string_view(greeting_text_, greeting_size_); }
    /// "TLSv1.3" and the like while encrypted; "" without TLS or when the policy does not say.
    const char* tls_version() const noexcept { return tls_version_; }
    const char* cipher_suite() const noexcept { return cipher_suite_; }
    /// The TLS policy's text about a failed handshake (for certificates: the names it was issued for).
    const char* detail() const noexcept { return detail_; }
    bool ok() const noexcept { return outcome == probe_class::ok; }

    // Filled by probe(); public so that tests and other drivers can build results too.
    char greeting_text_[greeting_capacity] = {};
    std::size_t greeting_size_ = 0;
    char tls_version_[24] = {};
    char cipher_suite_[96] = {};
    char detail_[detail_capacity] = {};
};

namespace detail {

template <std::size_t N>
void copy_text(char (&to)[N], std::string_view from) noexcept {
    std::size_t n = 0;
    for (; n < from.size() && n + 1 < N; ++n) to[n] = from[n];
    to[n] = '\0';
}
template <class R>
std::string_view as_text(const R& r) noexcept {
    if constexpr (std::is_convertible<R, const char*>::value) {
        const char* p = r;
        return p != nullptr ? std::string_view(p) : std::string_view();
    } else {
        return std::string_view(r);
    }
}

// The TLS policy's optional accessors (the mbedTLS policy has version() and failure_detail(); a
// cipher_suite() may be there or not). Each is found by a trait, so any policy compiles.
template <class T, class = void>
struct has_tls_version : std::false_type {};
template <class T>
struct has_tls_version<T, std::enable_if_t<std::is_convertible<decltype(std::declval<const T&>().version()),
                                                                std::string_view>::value>> : std::true_type {};
template <class T, class = void>
struct has_cipher_suite : std::false_type {};
template <class T>
struct has_cipher_suite<T, std::enable_if_t<std::is_convertible<decltype(std::declval<const T&>().cipher_suite()),
                                                                 std::string_view>::value>> : std::true_type {};
template <class T, class = void>
struct has_failure_detail : std::false_type {};
template <class T>
struct has_failure_detail<T, std::enable_if_t<std::is_convertible<decltype(std::declval<const T&>().failure_detail()),
                                                                   std::string_view>::value>> : std::true_type {};

template <class Tls>
std::string_view tls_version_of(const Tls& tls) noexcept {
    if constexpr (has_tls_version<Tls>::value) return as_text(tls.version());
    else return ((void)tls, std::string_view());
}
template <class Tls>
std::string_view cipher_suite_of(const Tls& tls) noexcept {
    if constexpr (has_cipher_suite<Tls>::value) return as_text(tls.cipher_suite());
    else return ((void)tls, std::string_view());
}
template <class Tls>
std::string_view failure_detail_of(const Tls& tls) noexcept {
    if constexpr (has_failure_detail<Tls>::value) return as_text(tls.failure_detail());
    else return ((void)tls, std::string_view());
}

/// Sits in options().trace for one candidate: keeps the server's first line before the client
/// said anything (the greeting, RFC 5321 §4.2: a multi-line one keeps its first line) and passes
/// every line on to the caller's trace.
struct greeting_catcher {
    probe_result* out = nullptr;
    trace_fn next = nullptr;
    void* next_context = nullptr;
    bool done = false;

    static void on_line(void* context, trace_direction d, std::string_view line) noexcept {
        greeting_catcher& self = *static_cast<greeting_catcher*>(context);
        if (!self.done && d != trace_direction::info) {
            self.done = true;
            if (d == trace_direction::server) {
                std::size_t n = 0;
                for (; n < line.size() && n < probe_result::greeting_capacity; ++n) self.out->greeting_text_[n] = line[n];
                self.out->greeting_size_ = n;
            }
        }
        if (self.next != nullptr) self.next(self.next_context, d, line);
    }
};

constexpr bool is_certificate(cause c) noexcept {
    return c == cause::certificate_untrusted || c == cause::certificate_expired ||
           c == cause::certificate_wrong_host || c == cause::certificate_invalid;
}
constexpr bool refused_by_reply(const error& e) noexcept { return e.server.transient() || e.server.permanent(); }

} // namespace detail

/// The class of a failure of a candidate tried with `mode`. Both ways a silent server shows are
/// no_greeting: cause::no_greeting, and a timeout or a closed connection while waiting for the
/// greeting (or, with implicit TLS, a handshake that timed out: no byte ever came back).
constexpr probe_class classify(const error& e, encryption mode) noexcept {
    if (e.ok()) return probe_class::ok;
    switch (e.why) {
    case cause::connection_refused: return probe_class::refused;
    case cause::no_greeting: return probe_class::no_greeting;
    case cause::greeting_looks_like_tls: return probe_class::tls_expected;
    case cause::tls_plaintext_server: return probe_class::plaintext_spoken;
    case cause::starttls_not_offered: return probe_class::starttls_not_offered;
    case cause::auth_not_offered:
    case cause::mechanism_not_offered: return probe_class::auth_not_offered;
    case cause::credentials_rejected: return probe_class::auth_rejected;
    default: break;
    }
    if (detail::is_certificate(e.why)) return probe_class::certificate;
    if (e.kind == error_kind::resolve) return probe_class::resolve_failed;
    switch (e.where) {
    case phase::connect:
        return e.kind == error_kind::timeout ? probe_class::connect_timeout
               : e.kind == error_kind::network ? probe_class::network
                                               : probe_class::other;
    case phase::greeting:
        if (detail::refused_by_reply(e)) return probe_class::server_refused;
        if (e.kind == error_kind::timeout || e.kind == error_kind::network) return probe_class::no_greeting;
        return probe_class::other;
    case phase::tls:
        if (mode == encryption::implicit && e.kind == error_kind::timeout) return probe_class::no_greeting;
        return probe_class::tls_failed;
    case phase::starttls: return probe_class::tls_failed;
    case phase::ehlo:
    case phase::auth:
        if (detail::refused_by_reply(e)) return probe_class::server_refused;
        break;
    default: break;
    }
    if (e.kind == error_kind::timeout || e.kind == error_kind::network) return probe_class::network;
    if (e.kind == error_kind::tls) return probe_class::tls_failed;
    return probe_class::other;
}

/// Tries one candidate on `c` (a basic_client with profiles::runtime; any transport, TLS policy
/// and clock) and fills `out`. The client's options are used as set (connect_to, ehlo_name,
/// allow_plaintext_auth, trace, timeouts) and given back unchanged afterwards. Returns out.outcome.
template <class Client>
probe_class probe(Client& c, std::string_view host, const probe_candidate& candidate, probe_result& out,
                  const probe_settings& s = probe_settings()) {
    static_assert(detail::chosen_at_run_time<typename Client::profile_type>::value,
                  "mailwire: probe() chooses port and encryption at run time: use a client with "
                  "mailwire::profiles::runtime as its profile");
    out = probe_result();
    out.candidate = candidate;
    client_options& opt = c.options();
    const client_options saved = opt;
    opt.port = candidate.port;
    opt.override_encryption = true;
    opt.mode = candidate.mode;
    detail::greeting_catcher catcher;
    catcher.out = &out;
    catcher.next = saved.trace;
    catcher.next_context = saved.trace_context;
    if (MAILWIRE_TRACE) {
        opt.trace = &detail::greeting_catcher::on_line;
        opt.trace_context = &catcher;
    }

    const std::uint32_t start = static_cast<std::uint32_t>(c.clock().now());
    // What is left of the candidate's budget, at least 1 ms (0 would mean "the default").
    const auto left = [&]() -> std::uint32_t {
        const std::uint32_t spent = static_cast<std::uint32_t>(c.clock().now()) - start;
        return spent < s.budget_ms ? s.budget_ms - spent : 1u;
    };
    if (s.budget_ms != 0) {
        if constexpr (detail::has_limit_to<typename Client::transport_type>::value) c.transport().limit_to(s.budget_ms);
        opt.timeout.set_all(s.budget_ms);
        // Half the budget for the greeting's first octet, so that a silent port leaves time for
        // the ClientHello that tells implicit TLS (tls_expected) from a silent proxy (no_greeting).
        opt.timeout.first_byte = s.budget_ms / 2 != 0 ? s.budget_ms / 2 : 1u;
    }

    out.err = c.open(host);
    out.encrypted = c.encrypted();
    const phase at = out.err.where;
    // The capabilities are this candidate's only if it got as far as EHLO (the client keeps the
    // last session's until the next EHLO).
    out.capabilities_known = out.err.ok() || at == phase::ehlo || at == phase::starttls ||
                             (at == phase::tls && candidate.mode != encryption::implicit);
    if (out.capabilities_known) out.caps = c.server_capabilities();
    if (out.encrypted) {
        detail::copy_text(out.tls_version_, detail::tls_version_of(c.tls()));
        detail::copy_text(out.cipher_suite_, detail::cipher_suite_of(c.tls()));
    }
    if (at == phase::tls) detail::copy_text(out.detail_, detail::failure_detail_of(c.tls()));

    if (out.err.ok() && s.cred != nullptr && (out.encrypted || opt.allow_plaintext_auth)) {
        if (s.budget_ms != 0) opt.timeout.set_all(left());
        const error e = c.authenticate(*s.cred, s.mechanism);
        if (e.ok()) {
            out.auth = probe_auth::ok;
        } else if (e.kind == error_kind::usage) {
            out.auth = probe_auth::not_tried; // refused before anything was sent
            out.err = e;
        } else {
            out.auth = e.why == cause::auth_not_offered || e.why == cause::mechanism_not_offered ? probe_auth::not_offered
                                                                                                 : probe_auth::rejected;
            out.err = e;
        }
    }
    if (c.is_open()) {
        if (s.budget_ms != 0) opt.timeout.quit = left();
        (void)c.quit(); // the probe's result does not depend on the goodbye
    }
    c.close();
    out.elapsed_ms = static_cast<std::uint32_t>(c.clock().now()) - start;
    out.outcome = classify(out.err, candidate.mode);
    if (s.budget_ms != 0) {
        if constexpr (detail::has_limit_to<typename Client::transport_type>::value) c.transport().limit_to(0);
    }
    opt = saved;
    return out.outcome;
}

/// Tries `count` candidates one after another on `c`, results[i] for candidates[i]. Returns how
/// many were ok.
template <class Client>
std::size_t probe(Client& c, std::string_view host, const probe_candidate* candidates, std::size_t count,
                  probe_result* results, const probe_settings& s = probe_settings()) {
    std::size_t ok = 0;
    for (std::size_t i = 0; i < count; ++i) {
        if (probe(c, host, candidates[i], results[i], s) == probe_class::ok) ++ok;
    }
    return ok;
}

/// Whether a result may be recommended: it worked; with credentials, AUTH succeeded; an
/// opportunistic session was actually encrypted (RFC 3207 §4: a relay may go on in plaintext, a
/// submitter must not). Plaintext (encryption::none) only comes from a caller who listed it.
constexpr bool usable(const probe_result& r, bool with_credentials) noexcept {
    if (r.outcome != probe_class::ok) return false;
    if (with_credentials && r.auth != probe_auth::ok) return false;
    return r.candidate.mode != encryption::opportunistic || r.encrypted;
}

/// The candidate to use, or `count` when none is usable. Preference, each tier in the order given:
///  1. implicit TLS (RFC 8314 §3.3 recommends it for submission: no plaintext step to strip);
///  2. STARTTLS required (587, 2525, other ports as listed);
///  3. opportunistic (port 25) only when the session was encrypted;
///  4. plaintext (encryption::none) only when listed explicitly as such.
/// With credentials only a candidate where AUTH succeeded qualifies.
inline std::size_t recommend(const probe_result* results, std::size_t count, bool with_credentials) noexcept {
    constexpr encryption order[] = {encryption::implicit, encryption::starttls, encryption::opportunistic,
                                    encryption::none};
    for (encryption mode : order) {
        for (std::size_t i = 0; i < count; ++i) {
            if (results[i].candidate.mode == mode && usable(results[i], with_credentials)) return i;
        }
    }
    return count;
}

/// How much a failure says about the server: the further a candidate got, the more (an AUTH
/// refusal says the server is there and the credentials are wrong; a refused connect says little).
constexpr int telling_rank(probe_class c) noexcept {
    switch (c) {
    case probe_class::auth_rejected: return 14;
    case probe_class::auth_not_offered: return 13;
    case probe_class::certificate: return 12;
    case probe_class::tls_expected: return 11;
    case probe_class::plaintext_spoken: return 10;
    case probe_class::starttls_not_offered: return 9;
    case probe_class::tls_failed: return 8;
    case probe_class::server_refused: return 7;
    case probe_class::no_greeting: return 6;
    case probe_class::connect_timeout: return 5;
    case probe_class::refused: return 4;
    case probe_class::network: return 3;
    case probe_class::other: return 2;
    case probe_class::resolve_failed: return 1;
    case probe_class::ok: return 0;
    }
    return 0;
}

/// The failed candidate that says the most (telling_rank; the first of equals), or `count` when
/// none failed.
inline std::size_t most_telling(const probe_result* results, std::size_t count) noexcept {
    std::size_t best = count;
    for (std::size_t i = 0; i < count; ++i) {
        if (results[i].outcome == probe_class::ok) continue;
        if (best == count || telling_rank(results[i].outcome) > telling_rank(results[best].outcome)) best = i;
    }
    return best;
}

/// One line on why nothing is usable, naming the most telling failure; "" when recommend() finds a
/// candidate (or advice is compiled out, MAILWIRE_ADVICE 0).
inline const char* probe_advice(const probe_result* results, std::size_t count, bool with_credentials) noexcept {
    if (!MAILWIRE_ADVICE || recommend(results, count, with_credentials) != count) return "";
    if (count == 0) return "No candidate was given: list the ports to try.";
    const std::size_t worst = most_telling(results, count);
    if (worst == count) {
        // Every candidate answered, none usable as it stands.
        return with_credentials
                   ? "The server answered only without encryption, so the credentials were not sent: use a port with "
                     "TLS (465 or 587), or allow plaintext AUTH on a trusted network only."
                   : "The server answered only without encryption: mail and credentials would cross the network in "
                     "plaintext; use a port with TLS (465 or 587), or list the port as plaintext on a trusted network.";
    }
    bool all_same = true;
    for (std::size_t i = 0; i < count; ++i) all_same = all_same && results[i].outcome == results[worst].outcome;
    switch (results[worst].outcome) {
    case probe_class::auth_rejected:
        return "The server refused the credentials: check the user name and password; many providers want an app "
               "password (with two-factor authentication) or OAuth2 instead of the account password.";
    case probe_class::auth_not_offered:
        return "The server offers no authentication mailwire can use on these ports: it may be a relay that accepts "
               "mail without AUTH (from allowed networks), or submission is on another host.";
    case probe_class::certificate:
        switch (results[worst].err.why) {
        case cause::certificate_untrusted:
            return "The server's certificate is not trusted (self-signed or from an unknown CA): give its CA as a "
                   "trust anchor, or something on the path intercepts TLS.";
        case cause::certificate_expired:
            return "The server's certificate has expired (or is not valid yet): the server must renew it; check "
                   "this machine's clock too.";
        case cause::certificate_wrong_host:
            return "The server's certificate is for another host name: connect by the name the certificate names "
                   "(often the provider's smtp. name, not the domain's MX or an address).";
        default:
            return "The server's certificate failed verification (revoked, wrong key usage or a bad signature).";
        }
    case probe_class::tls_expected:
        return "A port that wants implicit TLS was tried without it: use implicit TLS there (usually port 465).";
    case probe_class::plaintext_spoken:
        return "A port that speaks plaintext SMTP was tried with implicit TLS: use STARTTLS there (usually 587 or "
               "25).";
    case probe_class::starttls_not_offered:
        return "The server does not offer STARTTLS, so nothing can be sent encrypted: it may be a plain relay, or "
               "something on the path strips STARTTLS; try implicit TLS on 465.";
    case probe_class::tls_failed:
        return "The TLS handshake failed: the server may offer only old TLS versions or ciphers, or the trust "
               "anchors could not be loaded.";
    case probe_class::server_refused:
        return "The server answered with a refusal (4xx or 5xx) before any mail: it may refuse this client's "
               "address or name, or be busy; its reply says which.";
    case probe_class::no_greeting:
        return all_same ? "Connections are accepted, but no SMTP server answers: a proxy, antivirus or firewall "
                          "intercepts the SMTP ports."
                        : "A connection was accepted but no SMTP server answered, and the other ports failed too: a "
                          "proxy or firewall may intercept SMTP.";
    case probe_class::connect_timeout:
        return all_same ? "Every port timed out at connect: an outbound firewall (this network, the ISP or the cloud "
                          "provider) blocks SMTP ports; try from another network, or use the provider's HTTP API."
                        : "Some ports timed out at connect and the others failed too: a firewall probably blocks "
                          "outbound SMTP; try from another network, or use the provider's HTTP API.";
    case probe_class::refused:
        return all_same ? "Every port refused the connection: wrong host name, or no mail server runs there."
                        : "The connection was refused on some ports and failed on the others: check the host name "
                          "and the provider's documented ports.";
    case probe_class::resolve_failed:
        return "The host name does not resolve: check its spelling and this machine's DNS.";
    case probe_class::network:
        return "The network failed (unreachable, or the connection was lost): check the connection and try again.";
    case probe_class::other:
    case probe_class::ok: break;
    }
    return "No candidate worked; the errors above say why.";
}

} // inline namespace MAILWIRE_ABI
} // namespace mailwire

#endif // MAILWIRE_PROBE_HPP
