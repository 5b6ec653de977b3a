// SPDX-License-Identifier: BSL-1.0
// mailwire-send - exit statuses (sysexits.h values, as sendmail and msmtp use them) and the mapping
// from a mailwire::error to one. Pure functions with no I/O, so tests can check the contract.
#ifndef MAILWIRE_SEND_EXIT_CODES_HPP
#define MAILWIRE_SEND_EXIT_CODES_HPP

#include <mailwire/error.hpp>
#include <mailwire/reply.hpp>

namespace mailwire_send {

// The values are part of mailwire-send's contract; they are spelled out here (not taken from
// <sysexits.h>) so the tool builds where that header is missing, and checked against it below.
constexpr int exit_ok = 0;           ///< the server accepted the message for every recipient
/// Partial delivery: accepted for some recipients, refused for others. Not a sysexits value on
/// purpose: EX_TEMPFAIL (75) would tell a caller that honours sysexits (Postfix's pipe, mail
/// queues) to send the whole message again later, duplicating it for everyone who has it already;
/// any other sysexits value would say that nobody got it. --report names who did.
constexpr int exit_partial = 3;
constexpr int exit_usage = 64;       ///< EX_USAGE: bad command line
constexpr int exit_data = 65;        ///< EX_DATAERR: bad address or header, message the server cannot take
constexpr int exit_no_host = 68;     ///< EX_NOHOST: the host name did not resolve
constexpr int exit_unavailable = 69; ///< EX_UNAVAILABLE: connection refused, or a 5xx refusal
constexpr int exit_io = 74;          ///< EX_IOERR: connection lost, standard input unreadable
constexpr int exit_temporary = 75;   ///< EX_TEMPFAIL: a 4xx reply or a timeout; retrying may work
constexpr int exit_protocol = 76;    ///< EX_PROTOCOL: the server broke the protocol, TLS failed
constexpr int exit_permission = 77;  ///< EX_NOPERM: authentication rejected
constexpr int exit_config = 78;      ///< EX_CONFIG: CA file, password variable, TLS not built in

/// The exit status for a failure reported by the library. ok() maps to 0.
///
/// By kind: resolve 68; network 69 when the connection was refused, else 74 (lost, unreachable,
/// and lost after the final "." — cause::outcome_unknown); timeout 75; temporary (4xx) 75;
/// permanent (5xx) 69; protocol and tls 76; auth 75 when the server answered 4xx, else 77. Usage
/// errors by cause: the input data (bad address or header, too large, needs SMTPUTF8, 8-bit
/// without 8BITMIME, lines over 998 octets without BINARYMIME) 65; the configuration
/// (plaintext AUTH refused, TLS not available) 78; the message source failed 74; anything else 64.
///
/// An outcome_unknown keeps the status of its kind (74 for a lost connection, 75 for silence, 76
/// for garbage): the caller must not treat any of them as "not delivered" without checking.
constexpr int exit_code_for(const mailwire::error& e) noexcept {
    using mailwire::cause;
    using mailwire::error_kind;
    switch (e.kind) {
    case error_kind::none: return exit_ok;
    case error_kind::resolve: return exit_no_host;
    case error_kind::network: return e.why == cause::connection_refused ? exit_unavailable : exit_io;
    case error_kind::timeout: return exit_temporary;
    case error_kind::temporary: return exit_temporary;
    case error_kind::permanent: return exit_unavailable;
    case error_kind::protocol: return exit_protocol;
    case error_kind::tls: return exit_protocol;
    case error_kind::auth: return e.server.transient() ? exit_temporary : exit_permission;
    case error_kind::usage:
        switch (e.why) {
        case cause::bad_address:
        case cause::bad_header:
        case cause::header_reserved:
        case cause::header_too_long:
        case cause::message_too_large:
        case cause::utf8_not_supported:
        case cause::eight_bit_not_supported:
        case cause::not_text: return exit_data;
        case cause::plaintext_auth_refused:
        case cause::tls_not_available:
        case cause::tls_setup_failed: return exit_config;
        case cause::source_failed: return exit_io;
        default: return exit_usage;
        }
    }
    return exit_usage;
}

/// The exit status one refused recipient stands for: 69 for 5xx, 75 for 4xx, 76 for a reply that
/// is neither (a broken server). 0 for an accepted recipient or one never asked about (code 0).
constexpr int exit_code_for_refusal(const mailwire::reply& r) noexcept {
    if (r.code == 0 || (r.code >= 200 && r.code < 300)) return exit_ok;
    if (r.permanent()) return exit_unavailable;
    if (r.transient()) return exit_temporary;
    return exit_protocol;
}

/// Combines two statuses of refusals: the worse one wins (69, then 76, then 75, then 0).
constexpr int worse_refusal(int a, int b) noexcept {
    auto rank = [](int s) {
        return s == exit_unavailable ? 3 : s == exit_protocol ? 2 : s == exit_temporary ? 1 : 0;
    };
    return rank(b) > rank(a) ? b : a;
}

} // namespace mailwire_send

#if defined(__has_include)
#if __has_include(<sysexits.h>)
#include <sysexits.h>
static_assert(mailwire_send::exit_usage == EX_USAGE && mailwire_send::exit_data == EX_DATAERR &&
                  mailwire_send::exit_no_host == EX_NOHOST && mailwire_send::exit_unavailable == EX_UNAVAILABLE &&
                  mailwire_send::exit_io == EX_IOERR && mailwire_send::exit_temporary == EX_TEMPFAIL &&
                  mailwire_send::exit_protocol == EX_PROTOCOL && mailwire_send::exit_permission == EX_NOPERM &&
                  mailwire_send::exit_config == EX_CONFIG,
              "mailwire-send: exit statuses must match sysexits.h");
#endif
#endif

#endif // MAILWIRE_SEND_EXIT_CODES_HPP
