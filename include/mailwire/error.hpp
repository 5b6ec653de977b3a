// SPDX-License-Identifier: BSL-1.0
// mailwire - errors without exceptions: where it failed, what kind of failure, what the server said,
// and one line of advice.
#ifndef MAILWIRE_ERROR_HPP
#define MAILWIRE_ERROR_HPP

#include "config.hpp"

#include "reply.hpp"

#include <cstdint>

namespace mailwire {
inline namespace MAILWIRE_ABI {

/// The protocol step that failed.
enum class phase : std::uint8_t {
    none,
    connect,     ///< name resolution and TCP connect
    tls,         ///< TLS handshake (implicit TLS, or after STARTTLS)
    greeting,    ///< the server's 220
    ehlo,        ///< EHLO / HELO
    starttls,    ///< the STARTTLS command and its reply
    auth,        ///< AUTH and its challenges
    mail,        ///< MAIL FROM
    rcpt,        ///< RCPT TO
    data,        ///< the DATA command (waiting for 354)
    body,        ///< sending the message content
    end_of_data, ///< waiting for the reply to the final "."
    rset,
    noop,
    quit,
};

/// What kind of failure it was; decides whether retrying may help.
enum class error_kind : std::uint8_t {
    none,      ///< success
    resolve,   ///< the host name did not resolve
    network,   ///< connect refused/unreachable, connection lost, I/O error
    timeout,   ///< a step passed its deadline
    temporary, ///< a 4xx reply
    permanent, ///< a 5xx reply
    protocol,  ///< the server broke the protocol (malformed, overlong, unexpected reply)
    tls,       ///< TLS unavailable, handshake or verification failed, STARTTLS refused
    auth,      ///< authentication rejected
    usage,     ///< the caller's input or configuration is not acceptable
};

/// The finer reason, for tools that map errors to exit codes and for advice.
enum class cause : std::uint8_t {
    none,
    // usage
    bad_address,            ///< CR, LF, NUL, or invalid syntax in an address
    bad_argument,           ///< other invalid input (EHLO name, credentials with NUL, empty list)
    bad_header,             ///< CR, LF or NUL (or invalid syntax) in a header name or value, file name, type
    header_reserved,        ///< a header the composer writes itself (Date, From, Subject, Message-ID...)
    header_too_long,        ///< header text over its limit (limits.hpp: 900 octets, display names 400, file names 200)
    too_many,               ///< more addresses, headers or parts than the composer's capacity
    message_too_large,      ///< larger than the server's SIZE limit
    utf8_not_supported,     ///< an address needs SMTPUTF8 but the server does not offer it
    eight_bit_not_supported, ///< 8-bit content, and the server does not offer 8BITMIME (RFC 6152 §3)
    not_text,               ///< a line over 998 octets or a NUL, and the server cannot take BINARYMIME (RFC 3030 §3)
    plaintext_auth_refused, ///< credentials would go over an unencrypted connection
    tls_not_available,      ///< encryption required but the Tls policy is no_tls
    source_failed,          ///< the message source reported a read error
    not_connected,          ///< a call that needs an open session
    // protocol
    reply_too_long,       ///< a reply line over 512 octets (RFC 5321 §4.5.3.1.5)
    malformed_reply,      ///< not "ddd", "ddd-" or "ddd " at the start of a line
    inconsistent_reply,   ///< the code changed inside a multi-line reply
    too_many_lines,       ///< an endless continuation
    unexpected_reply,     ///< a well-formed reply that makes no sense at this point
    bad_challenge,        ///< an AUTH 334 challenge that is not valid base64 or too long
    greeting_looks_like_tls, ///< the port expects implicit TLS: TLS bytes where a 220 greeting belongs
    no_greeting,             ///< connected, but the server closed or stayed silent before a greeting's first octet
    chunking_refused,        ///< CHUNKING offered, BDAT then refused as unknown (500-504): its octets may have been read as commands
    // auth
    mechanism_not_offered, ///< the requested SASL mechanism is not in the EHLO reply
    auth_not_offered,      ///< no AUTH capability at all
    credentials_rejected,  ///< 535 and friends
    credentials_unavailable, ///< client_options::fetch_credentials gave none (a token that could not be fetched)
    // tls / starttls
    starttls_not_offered,
    starttls_refused,
    tls_setup_failed,       ///< the trust anchors could not be loaded, or the TLS library could not start
    tls_handshake_failed,   ///< the handshake failed (no common version or cipher, an alert, a broken record)
    tls_plaintext_server,   ///< the server answered the ClientHello in plaintext SMTP: the port wants STARTTLS
    tls_alert,              ///< the server ended the handshake with a fatal alert (error::tls_alert names it)
    tls_message_too_large,  ///< a handshake message (the certificate chain) larger than the TLS library can receive
    tls_renegotiation_refused, ///< the server asked to renegotiate TLS, which mailwire refuses; the server then gave up
    certificate_untrusted,  ///< the chain does not lead to a trust anchor (self-signed, unknown issuer)
    certificate_expired,    ///< the certificate has expired or is not valid yet
    certificate_wrong_host, ///< the certificate is valid, but for another host name
    certificate_invalid,    ///< another verification failure (revoked, wrong key usage, bad signature)
    // network
    connection_refused,
    connection_lost,
    outcome_unknown, ///< no valid reply after the final "." (lost, silent, garbage): it may have been accepted
    // recipients
    all_recipients_refused,
};

/// Every failure: phase, kind, finer cause, the server's reply (if any), errno (if any), advice.
struct error {
    mailwire::phase where = phase::none;
    error_kind kind = error_kind::none;
    mailwire::cause why = cause::none;
    reply server;       ///< the reply that caused it; code 0 when there was none
    int sys_error = 0;  ///< errno or the platform's equivalent
    /// cause::tls_alert: the alert's description (RFC 8446 §6, RFC 5246 §7.2), e.g. 40
    /// handshake_failure, 80 internal_error; tls_alert_name() gives its name. 0 otherwise.
    std::uint8_t tls_alert = 0;
    const char* advice_text = nullptr; ///< use advice(): "" when none (a null default keeps error all zeros)

    constexpr bool ok() const noexcept { return kind == error_kind::none; }
    /// Whether trying again later may help (RFC 5321 §4.2.1: 4yz is transient, 5yz permanent).
    constexpr bool retryable() const noexcept {
        return kind == error_kind::timeout || kind == error_kind::temporary ||
               (kind == error_kind::network && why != cause::connection_refused) ||
               why == cause::outcome_unknown;
    }
    /// One sentence a person can act on ("" when advice is compiled out).
    const char* advice() const noexcept { return advice_text ? advice_text : ""; }
};

const char* to_string(phase p) noexcept;
const char* to_string(error_kind k) noexcept;
const char* to_string(cause c) noexcept;

inline const char* to_string(phase p) noexcept {
    switch (p) {
    case phase::none: return "none";
    case phase::connect: return "connect";
    case phase::tls: return "tls";
    case phase::greeting: return "greeting";
    case phase::ehlo: return "ehlo";
    case phase::starttls: return "starttls";
    case phase::auth: return "auth";
    case phase::mail: return "mail";
    case phase::rcpt: return "rcpt";
    case phase::data: return "data";
    case phase::body: return "body";
    case phase::end_of_data: return "end-of-data";
    case phase::rset: return "rset";
    case phase::noop: return "noop";
    case phase::quit: return "quit";
    }
    return "?";
}

inline const char* to_string(error_kind k) noexcept {
    switch (k) {
    case error_kind::none: return "none";
    case error_kind::resolve: return "resolve";
    case error_kind::network: return "network";
    case error_kind::timeout: return "timeout";
    case error_kind::temporary: return "temporary";
    case error_kind::permanent: return "permanent";
    case error_kind::protocol: return "protocol";
    case error_kind::tls: return "tls";
    case error_kind::auth: return "auth";
    case error_kind::usage: return "usage";
    }
    return "?";
}

inline const char* to_string(cause c) noexcept {
    switch (c) {
    case cause::none: return "none";
    case cause::bad_address: return "invalid address";
    case cause::bad_argument: return "invalid argument";
    case cause::bad_header: return "invalid header (CR, LF or NUL, or bad syntax)";
    case cause::header_reserved: return "header written by mailwire itself: set it through its own option or function";
    case cause::header_too_long: return "header longer than the 900-octet limit (display names 400, file names 200)";
    case cause::too_many: return "more addresses, headers or attachments than the message has room for";
    case cause::message_too_large: return "message larger than the server's SIZE limit";
    case cause::utf8_not_supported: return "address needs SMTPUTF8, which the server does not offer";
    case cause::eight_bit_not_supported: return "8-bit content, and the server does not offer 8BITMIME";
    case cause::not_text: return "a line longer than 998 octets (or a NUL octet), and the server does not offer BINARYMIME";
    case cause::plaintext_auth_refused: return "credentials refused on an unencrypted connection";
    case cause::tls_not_available: return "encryption required but no TLS policy";
    case cause::source_failed: return "the message source failed";
    case cause::not_connected: return "not connected";
    case cause::reply_too_long: return "reply line longer than 512 octets";
    case cause::malformed_reply: return "malformed reply";
    case cause::inconsistent_reply: return "reply code changed inside a multi-line reply";
    case cause::too_many_lines: return "reply with more lines than the client reads (MAILWIRE_MAX_REPLY_LINES; EHLO: at least 1024)";
    case cause::unexpected_reply: return "unexpected reply";
    case cause::bad_challenge: return "invalid AUTH challenge";
    case cause::greeting_looks_like_tls: return "this port expects implicit TLS (TLS from the first byte), not plaintext SMTP";
    case cause::no_greeting: return "connected, but the server sent no greeting";
    case cause::chunking_refused: return "the server offers CHUNKING but refused BDAT";
    case cause::mechanism_not_offered: return "authentication mechanism not offered";
    case cause::auth_not_offered: return "server offers no authentication";
    case cause::credentials_rejected: return "credentials rejected";
    case cause::credentials_unavailable: return "no credentials: fetching them failed";
    case cause::starttls_not_offered: return "STARTTLS not offered";
    case cause::starttls_refused: return "STARTTLS refused";
    case cause::tls_setup_failed: return "TLS could not be set up (trust anchors, random generator)";
    case cause::tls_handshake_failed: return "TLS handshake failed";
    case cause::tls_plaintext_server: return "server answered the TLS handshake in plaintext";
    case cause::tls_alert: return "the server ended the TLS handshake with an alert";
    case cause::tls_message_too_large: return "the server's certificate chain is larger than the TLS receive buffer";
    case cause::tls_renegotiation_refused: return "the server asked to renegotiate TLS, which mailwire refuses";
    case cause::certificate_untrusted: return "certificate not trusted (unknown issuer or self-signed)";
    case cause::certificate_expired: return "certificate expired or not yet valid";
    case cause::certificate_wrong_host: return "certificate issued for another host name";
    case cause::certificate_invalid: return "certificate verification failed";
    case cause::connection_refused: return "connection refused";
    case cause::connection_lost: return "connection lost";
    case cause::outcome_unknown: return "no valid reply after the whole message was sent: outcome unknown";
    case cause::all_recipients_refused: return "every recipient was refused";
    }
    return "?";
}

/// The name of a TLS alert description (RFC 8446 §6.2, RFC 5246 §7.2.2), "unknown" for others.
constexpr const char* tls_alert_name(std::uint8_t description) noexcept {
    switch (description) {
    case 0: return "close_notify";
    case 10: return "unexpected_message";
    case 20: return "bad_record_mac";
    case 22: return "record_overflow";
    case 40: return "handshake_failure";
    case 42: return "bad_certificate";
    case 43: return "unsupported_certificate";
    case 44: return "certificate_revoked";
    case 45: return "certificate_expired";
    case 46: return "certificate_unknown";
    case 47: return "illegal_parameter";
    case 48: return "unknown_ca";
    case 49: return "access_denied";
    case 50: return "decode_error";
    case 51: return "decrypt_error";
    case 70: return "protocol_version";
    case 71: return "insufficient_security";
    case 80: return "internal_error";
    case 86: return "inappropriate_fallback";
    case 90: return "user_canceled";
    case 109: return "missing_extension";
    case 110: return "unsupported_extension";
    case 112: return "unrecognized_name";
    case 113: return "bad_certificate_status_response";
    case 115: return "unknown_psk_identity";
    case 116: return "certificate_required";
    case 120: return "no_application_protocol";
    default: return "unknown";
    }
}

} // inline namespace MAILWIRE_ABI
} // namespace mailwire

#endif // MAILWIRE_ERROR_HPP
