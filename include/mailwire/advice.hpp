// SPDX-License-Identifier: BSL-1.0
// mailwire - one line of advice per failure, in the spirit of a good troubleshooting guide.
// Compiled out with MAILWIRE_ADVICE=0 (error::advice() then returns ""); MAILWIRE_ADVICE_SHORT=1
// gives the same advice in one short line each (config.hpp).
#ifndef MAILWIRE_ADVICE_HPP
#define MAILWIRE_ADVICE_HPP

#include "config.hpp"

#include "capabilities.hpp" // detail::ascii_upper
#include "text.hpp"

#include "error.hpp"
#include "profiles.hpp"

#include <cstdint>
#include <string_view>

namespace mailwire {
inline namespace MAILWIRE_ABI {

/// What the client knew about the connection when the error happened.
struct advice_context {
    std::uint16_t port = 0;
    encryption mode = encryption::none;
    bool encrypted = false;
    bool tls_available = false; ///< the client has a TLS policy (it tried a ClientHello before saying no_greeting)
};

#if MAILWIRE_ADVICE
namespace detail {
/// What a rule may ask for besides its cause or kind and its phase. advise() works each out once,
/// as bit (1 << condition) of one word; `always` is bit 0 and always set. First what the server's
/// reply says (advice_reply_codes, advice_reply_statuses and advice_word_* below), then what the
/// client knew.
enum class advice_if : std::uint8_t {
    always,
    stronger_login, ///< 534, 5.7.9, 5.7.14: the provider wants an app password or OAuth2
    login_over_tls, ///< 538, 5.7.11: the mechanism needs an encrypted connection
    code_421,       ///< the server closes the connection
    code_452,       ///< too many recipients, or no room for now
    needs_login,    ///< 530, 5.7.0, "authentication": authentication required before MAIL
    message_size,   ///< 552, 5.3.4 in the message_phase: the message is too large
    relay_denied,   ///< 5.7.1, "relay": relaying denied
    kind_usage,     ///< the error's kind is usage
    port_25,        ///< the port is 25
    usual_port,     ///< the port is 25, 465, 587 or 2525
    implicit_tls,   ///< the profile's encryption is implicit TLS
    plaintext,      ///< the connection is not (yet) encrypted
    tls_expected,   ///< not encrypted, but port 465 or implicit TLS: the server waits for a ClientHello
    message_phase,  ///< at DATA, while sending the content, or after the final "."
    port_465,       ///< the port is 465 (so advice never suggests the port that just failed)
    port_587,       ///< the port is 587
    port_2525,      ///< the port is 2525
    smtp_auth_disabled, ///< 5.7.139, 5.7.3, "SmtpClientAuthentication": the account may not use SMTP AUTH (Microsoft 365)
    needs_starttls, ///< not encrypted, and the reply asks for STARTTLS ("530 5.7.0 Must issue a STARTTLS command first")
    sender_auth,    ///< 5.7.20-5.7.24 (RFC 7372), 5.7.26, "SPF", "DKIM", "DMARC": the sender domain's authentication failed
    sender_unverified, ///< "not verified": the provider has not verified the sender address or domain
    alert_version,  ///< TLS alert 40, 70 or 71: no version or cipher suite in common
    alert_internal, ///< TLS alert 80: the server's own failure
    alert_name,     ///< TLS alert 112: the server does not know the name sent (SNI)
    alert_client_cert, ///< TLS alert 42 or 116: the server wants a client certificate
    tls_available,  ///< the client has a TLS policy (a silent port was asked for TLS before no_greeting)
};

/// The reply codes behind conditions: 534 (RFC 4954 §6: mechanism too weak), 538 (RFC 4954 §6:
/// encryption required for the mechanism), 421 (RFC 5321 §3.8: closing), 452 (RFC 5321
/// §4.5.3.1.10: too many recipients), 530 (RFC 4954 §6: authentication required), 552 (RFC 1870:
/// message size exceeds the limit).
struct advice_code {
    std::uint16_t code;
    advice_if condition;
};
inline constexpr advice_code advice_codes[] = {
    {534, advice_if::stronger_login}, {538, advice_if::login_over_tls}, {421, advice_if::code_421},
    {452, advice_if::code_452},       {530, advice_if::needs_login},    {552, advice_if::message_size},
};
/// Enhanced status codes (RFC 3463), each compared with the reply's whole code (5.7.1 is not
/// 5.7.14): 5.7.9 and Gmail's 5.7.14 ("log in via your web browser") want a stronger login, 5.7.11
/// TLS for the mechanism, 5.7.0 authentication, 5.7.1 (§3.8: delivery not authorized) relaying
/// denied, 5.3.4 (§3.4: message too big); Microsoft 365's 5.7.139 and 5.7.3 SMTP AUTH disabled for
/// the account; RFC 7372's 5.7.20 to 5.7.24 (DKIM, SPF) and 5.7.26 (multiple authentication
/// checks failed, DMARC) the sender domain's authentication.
struct advice_status {
    const char* status;
    advice_if condition;
};
inline constexpr advice_status advice_statuses[] = {
    {"5.7.9", advice_if::stronger_login},       {"5.7.14", advice_if::stronger_login},
    {"5.7.11", advice_if::login_over_tls},      {"5.7.0", advice_if::needs_login},
    {"5.7.1", advice_if::relay_denied},         {"5.3.4", advice_if::message_size},
    {"5.7.139", advice_if::smtp_auth_disabled}, {"5.7.3", advice_if::smtp_auth_disabled},
    {"5.7.20", advice_if::sender_auth},         {"5.7.21", advice_if::sender_auth},
    {"5.7.22", advice_if::sender_auth},         {"5.7.23", advice_if::sender_auth},
    {"5.7.24", advice_if::sender_auth},         {"5.7.26", advice_if::sender_auth},
};
/// Words looked for anywhere in the reply's text, case-insensitively (written in capitals).
struct advice_word {
    const char* word;
    advice_if condition;
};
inline constexpr advice_word advice_words[] = {
    {"AUTHENTICATION", advice_if::needs_login},
    {"RELAY", advice_if::relay_denied},
    {"STARTTLS", advice_if::needs_starttls}, // counts only while not encrypted (advise())
    {"SMTPCLIENTAUTHENTICATION", advice_if::smtp_auth_disabled},
    {"SPF", advice_if::sender_auth},
    {"DKIM", advice_if::sender_auth},
    {"DMARC", advice_if::sender_auth},
    {"NOT VERIFIED", advice_if::sender_unverified},
};
/// TLS alert descriptions (RFC 8446 §6.2) with a condition of their own.
struct advice_alert {
    std::uint8_t alert;
    advice_if condition;
};
inline constexpr advice_alert advice_alerts[] = {
    {40, advice_if::alert_version},  {70, advice_if::alert_version},     {71, advice_if::alert_version},
    {80, advice_if::alert_internal}, {112, advice_if::alert_name},       {42, advice_if::alert_client_cert},
    {116, advice_if::alert_client_cert},
};

/// Whether `word` (capitals) occurs in text[0, size), letters compared case-insensitively.
constexpr bool advice_mentions(const char* text, std::size_t size, const char* word) noexcept {
    std::size_t n = 0;
    while (word[n] != '\0') ++n;
    for (std::size_t at = 0; at + n <= size; ++at) {
        std::size_t i = 0;
        while (i < n && ascii_upper(text[at + i]) == word[i]) ++i;
        if (i == n) return true;
    }
    return false;
}

/// One rule: whom it is for (a cause, or 0x40 + an error_kind), the phase it asks for (none: any)
/// and its condition.
struct advice_rule {
    std::uint8_t who;
    phase where;
    advice_if condition;
};
constexpr std::uint8_t advice_who(cause c) noexcept { return static_cast<std::uint8_t>(c); }
constexpr std::uint8_t advice_who(error_kind k) noexcept {
    return static_cast<std::uint8_t>(0x40u | static_cast<unsigned>(k));
}
static_assert(static_cast<unsigned>(cause::all_recipients_refused) < 0x40, "causes below 0x40");
static_assert(static_cast<unsigned>(advice_if::tls_available) < 32, "the conditions are bits of one 32-bit word");
} // namespace detail

// Every advice, in the order advise() tries them: the first rule that matches gives the text. A
// rule names a cause or a kind, a phase (none: any) and a condition (advice_if), then the full text
// and the short one (MAILWIRE_ADVICE_SHORT), side by side so that they say the same thing. In the
// short texts "465" means implicit TLS (profile submissions), "587" STARTTLS (profile submission).
// A short text says what to do (the error itself says what failed); rules that advise the same
// share its words, and advice_texts keeps such a text once.
// clang-format off
#define MAILWIRE_ADVICE_RULES(R)                                                                                      \
    /* by cause (each cause here ends with a rule without condition: it never reaches the kinds) */                   \
    R(cause::bad_address, none, always,                                                                               \
      "Fix the address: it must look like user@example.org, without CR, LF, spaces or angle brackets (CR/LF could "   \
      "inject SMTP commands).",                                                                                       \
      "Address must be user@host.")                                                                                   \
    R(cause::bad_argument, auth, always,                                                                              \
      "Check the credentials: none may be empty or hold NUL, and none may pass the SASL limits (12288 octets of "     \
      "base64; 256 for an OAUTHBEARER user).",                                                                        \
      "Credentials: not empty, no NUL.")                                                                              \
    R(cause::bad_argument, connect, always,                                                                           \
      "Check the host and connect_to names (no spaces or control characters, at most 255 octets); to choose the "    \
      "encryption at run time use profiles::runtime: a fixed profile keeps its own.",                                 \
      "Check host; runtime profile for TLS.")                                                                         \
    R(cause::bad_argument, none, always,                                                                              \
      "Fix the argument named in the error; it contains characters SMTP cannot carry.",                               \
      "Argument has bad characters.")                                                                                 \
    R(cause::bad_header, none, always,                                                                                \
      "Fix the header: names are printable ASCII without ':', and no value, file name or type may contain CR, LF "    \
      "or NUL (they could inject headers).",                                                                          \
      "Header: no CR, LF or NUL.")                                                                                    \
    R(cause::header_reserved, none, always,                                                                           \
      "mailwire writes Date, From, Sender, To, Cc, Reply-To, Subject, Message-ID, MIME-Version and Content-* "        \
      "itself: set them with from(), to(), subject()... (mailwire-send: --from, --cc, --subject), not as a header of " \
      "your own.",                                                                                                    \
      "Set it with its own function.")                                                                                \
    R(cause::header_too_long, none, always,                                                                           \
      "Shorten it: header text may be 900 octets (display names 400, file names 200), so that every line stays "       \
      "within RFC 5322's 998; put long text in the body.",                                                            \
      "Shorten the header.")                                                                                          \
    R(cause::too_many, none, always,                                                                                  \
      "The message has more addresses, headers or attachments than its capacity; raise the basic_message template "   \
      "arguments.",                                                                                                   \
      "Raise basic_message's capacity.")                                                                              \
    R(cause::message_too_large, none, always,                                                                         \
      "The message is larger than the server accepts (its SIZE limit); send a smaller message or link to large "      \
      "attachments.",                                                                                                 \
      "Too large: send less.")                                                                                        \
    R(cause::utf8_not_supported, none, always,                                                                        \
      "This address has non-ASCII characters but the server does not offer SMTPUTF8; use an ASCII address or "        \
      "another server.",                                                                                              \
      "No SMTPUTF8: use ASCII address.")                                                                              \
    R(cause::eight_bit_not_supported, none, always,                                                                   \
      "Nothing was delivered: the server does not offer 8BITMIME (RFC 6152), so 8-bit text must be encoded first "    \
      "(quoted-printable or base64; mailwire's composer does it), or use a server that offers 8BITMIME.",             \
      "Encode 8-bit text (QP/base64).")                                                                               \
    R(cause::not_text, none, always,                                                                                  \
      "Nothing was delivered: SMTP text lines end after 998 octets and hold no NUL (RFC 5322 2.1.1); encode the "     \
      "content (quoted-printable or base64; mailwire's composer does it), or use a server with BINARYMIME.",          \
      "Encode long lines (QP/base64).")                                                                               \
    R(cause::plaintext_auth_refused, none, always,                                                                    \
      "Refusing to send credentials unencrypted: use the submission profile (587, STARTTLS) or submissions (465, "    \
      "implicit TLS); allow plaintext AUTH only on a trusted network.",                                               \
      "Needs TLS: use 587 or 465.")                                                                                   \
    R(cause::tls_not_available, none, always,                                                                         \
      "This connection needs TLS but the client was built without a TLS policy; build with one, or use encryption "   \
      "none (relay profile) only on a trusted network.",                                                              \
      "Build with a TLS policy.")                                                                                     \
    R(cause::source_failed, none, always,                                                                             \
      "Reading the message failed; the connection was closed without the final \".\", so the server discards the "    \
      "partial message. Fix the input and send again.",                                                               \
      "Fix the source; resend.")                                                                                      \
    R(cause::not_connected, none, always,                                                                             \
      "Call open() (and authenticate() if needed) before sending; after a fatal error the connection is closed and "  \
      "must be opened again.",                                                                                        \
      "Call open() first.")                                                                                           \
    R(cause::greeting_looks_like_tls, none, always,                                                                   \
      "The server speaks TLS from the first byte on this port: use implicit TLS (profile submissions, usually port "  \
      "465).",                                                                                                        \
      "Server wants TLS first: use 465.")                                                                             \
    R(cause::chunking_refused, none, always,                                                                          \
      "The server offers CHUNKING but does not take BDAT: send with chunking off (client_options::"                   \
      "disable_chunking; mailwire-send --no-chunking), and tell the server's operator.",                              \
      "Turn chunking off.")                                                                                           \
    R(cause::no_greeting, tls, always,                                                                                \
      "Connected, but not one octet came back in answer to the TLS handshake: a proxy, firewall or port "             \
      "forward accepts connections here with no mail server behind it. Check host and port, or try from "             \
      "another network.",                                                                                             \
      "Silent proxy? Check host, port.")                                                                              \
    R(cause::no_greeting, none, tls_available,                                                                        \
      "Connected, but the server sent no greeting and did not answer TLS either: a proxy, firewall or port "          \
      "forward (antivirus and corporate proxies do this) accepts connections here with no mail server "               \
      "behind it. Check host and port, or try from another network.",                                                 \
      "Silent proxy? Check host, port.")                                                                              \
    R(cause::no_greeting, none, tls_expected,                                                                         \
      "Connected, but the server sent no greeting: port 465 expects implicit TLS from the first byte, which "         \
      "needs a client with a TLS policy; otherwise a proxy or firewall accepts the connection with no "               \
      "server behind it.",                                                                                            \
      "Port 465 wants TLS first.")                                                                                    \
    R(cause::no_greeting, none, always,                                                                               \
      "Connected, but the server sent no greeting: a proxy or firewall may accept the connection with no "            \
      "mail server behind it, or the port expects implicit TLS (usually 465). Check host and port.",                  \
      "No greeting: check host, port.")                                                                               \
    /* reply_too_long stands for the four causes of a reply that is not SMTP (advise() maps them) */                  \
    R(cause::reply_too_long, greeting, tls_expected,                                                                  \
      "The server's bytes are not SMTP: port 465 expects TLS from the first byte; use profile submissions.",          \
      "Server wants TLS first: use 465.")                                                                             \
    R(cause::reply_too_long, none, always,                                                                            \
      "The server's reply is not valid SMTP: check that host and port belong to an SMTP server and that the "         \
      "encryption matches the port (465 implicit TLS; 587, 2525 and 25 STARTTLS).",                                   \
      "Not SMTP: check host, port, TLS.")                                                                             \
    R(cause::unexpected_reply, none, always,                                                                          \
      "The server answered with a reply that makes no sense at this step; it may be broken, or something between "    \
      "you and it rewrites the dialogue.",                                                                            \
      "Server or proxy broken?")                                                                                      \
    R(cause::bad_challenge, none, always,                                                                             \
      "The server sent an invalid authentication challenge; try another mechanism (e.g. PLAIN) or check that this "   \
      "is really your provider's server.",                                                                            \
      "Try AUTH PLAIN.")                                                                                              \
    R(cause::mechanism_not_offered, none, kind_usage,                                                                 \
      "This build leaves that mechanism out (MAILWIRE_AUTH_PLAIN, _LOGIN, _XOAUTH2, _OAUTHBEARER in "                 \
      "mailwire_config.h).",                                                                                          \
      "Enable MAILWIRE_AUTH_*.")                                                                                      \
    R(cause::mechanism_not_offered, none, always,                                                                     \
      "The server does not offer this authentication mechanism; use auto, or one of those its EHLO reply lists.",     \
      "Use mechanism auto.")                                                                                          \
    R(cause::credentials_unavailable, none, always,                                                                   \
      "Fetching the credentials failed (client_options::fetch_credentials returned false): check the token "          \
      "refresh (its refresh token, the way to the token endpoint, the clock); nothing was sent.",                     \
      "Token fetch failed.")                                                                                          \
    R(cause::auth_not_offered, none, always,                                                                          \
      "The server offers no AUTH on this connection; many servers offer it only after STARTTLS (use the submission "  \
      "profile), or this server relays without login (drop the credentials).",                                        \
      "No AUTH: use 587 or no login.")                                                                                \
    R(cause::starttls_not_offered, none, port_25,                                                                     \
      "The server's EHLO reply lists no STARTTLS, so nothing was sent: a firewall or antivirus on the path "          \
      "may strip it (a downgrade attack), or this server does not encrypt. Try from another network, or "             \
      "drop the requirement only on a trusted network.",                                                              \
      "No STARTTLS: stripped on the path?")                                                                           \
    R(cause::starttls_not_offered, none, always,                                                                      \
      "The server's EHLO reply lists no STARTTLS, so nothing was sent: a firewall or antivirus on the path "          \
      "may strip it (a downgrade attack). Try from another network; implicit TLS (port 465, where the "               \
      "provider offers it) cannot be stripped.",                                                                      \
      "No STARTTLS: stripped? Try 465.")                                                                              \
    R(cause::starttls_refused, none, always,                                                                          \
      "The server refused STARTTLS; nothing was sent in plaintext. Try implicit TLS on port 465 (profile "            \
      "submissions) or contact the provider.",                                                                        \
      "Try TLS on 465.")                                                                                              \
    R(cause::tls_setup_failed, none, always,                                                                          \
      "TLS could not start: check that the CA file or CA data holds PEM or DER certificates, or that the system "     \
      "bundle is installed (Debian: ca-certificates).",                                                               \
      "Check the CA data.")                                                                                           \
    R(cause::tls_handshake_failed, none, implicit_tls,                                                                \
      "The TLS handshake failed: check that this port speaks implicit TLS (465); on 587, 2525 or 25 use STARTTLS "    \
      "(profile submission).",                                                                                        \
      "Try STARTTLS (587).")                                                                                          \
    R(cause::tls_handshake_failed, none, always,                                                                      \
      "The TLS handshake failed: the server may only offer old TLS versions (below 1.2) or ciphers this build "       \
      "lacks; nothing was sent in plaintext.",                                                                        \
      "Old TLS or cipher?")                                                                                           \
    R(cause::tls_alert, none, alert_version,                                                                          \
      "The server ended the TLS handshake with the alert named in the error: it shares no TLS version or "            \
      "cipher suite with this client (it may offer only TLS below 1.2, or ciphers this mbedTLS build "                \
      "lacks). Nothing was sent in plaintext.",                                                                       \
      "No common TLS version/cipher.")                                                                                \
    R(cause::tls_alert, none, alert_internal,                                                                         \
      "The server's TLS failed on its own side (alert internal_error): not a setting of yours. Retry later, "         \
      "or tell the server's operator.",                                                                               \
      "Server TLS error: retry later.")                                                                               \
    R(cause::tls_alert, none, alert_name,                                                                             \
      "The server does not know the host name this client sent (alert unrecognized_name): connect with the "          \
      "name the provider documents.",                                                                                 \
      "Use the provider's host name.")                                                                                \
    R(cause::tls_alert, none, alert_client_cert,                                                                      \
      "The server wants a client certificate, which this client does not send: use the provider's "                   \
      "submission port with a password or token instead.",                                                            \
      "Server wants a client cert.")                                                                                  \
    R(cause::tls_alert, none, always,                                                                                 \
      "The server ended the TLS handshake with the alert named in the error; nothing was sent in plaintext. "         \
      "Check that the encryption matches the port (465 implicit TLS; 587, 2525 and 25 STARTTLS).",                    \
      "TLS alert: see the error.")                                                                                    \
    R(cause::tls_message_too_large, none, always,                                                                     \
      "The server's certificate chain does not fit mbedTLS's receive buffer: build with mbedTLS 3.6.4 or later and "   \
      "MBEDTLS_SSL_IN_CONTENT_LEN above the chain's size (ESP-IDF: CONFIG_MBEDTLS_SSL_IN_CONTENT_LEN), or have the "  \
      "server send a shorter chain.",                                                                                 \
      "Raise MBEDTLS_SSL_IN_CONTENT_LEN.")                                                                            \
    R(cause::tls_renegotiation_refused, none, always,                                                                 \
      "The server asked for a new TLS handshake inside the session (renegotiation), which mailwire refuses: have "     \
      "the server's TLS configuration stop renegotiating (or allow TLS 1.3), or use another port or server.",         \
      "Server renegotiates: fix its TLS.")                                                                            \
    R(cause::tls_plaintext_server, none, always,                                                                      \
      "The server speaks plaintext SMTP on this port, not implicit TLS: use STARTTLS (profile submission, port "      \
      "587, or alternate, 2525).",                                                                                    \
      "Try STARTTLS (587).")                                                                                          \
    R(cause::certificate_untrusted, none, always,                                                                     \
      "The server's certificate is not from a trusted issuer (self-signed or unknown CA): trust its CA (CA file or "  \
      "CA data), or check that you reach the real server.",                                                           \
      "Add the server's CA.")                                                                                         \
    R(cause::certificate_expired, none, always,                                                                       \
      "The server's certificate has expired or is not valid yet: check this device's clock, then tell the server's "  \
      "operator.",                                                                                                    \
      "Cert expired? Check clock.")                                                                                   \
    R(cause::certificate_wrong_host, none, always,                                                                    \
      "The certificate belongs to another host name: connect with the name it was issued for (often the provider's "  \
      "smtp.* name, not an alias or an IP address).",                                                                 \
      "Use the cert's host name.")                                                                                    \
    R(cause::certificate_invalid, none, always,                                                                       \
      "The server's certificate failed verification (revoked, wrong key usage or bad signature): do not send; tell "  \
      "the server's operator.",                                                                                       \
      "Bad certificate: do not send.")                                                                                \
    R(cause::connection_refused, none, port_587,                                                                      \
      "Nothing listens on port 587 at that host: check the host name; the provider may offer 465 (implicit "          \
      "TLS) or 2525 instead.",                                                                                        \
      "Try 465 or 2525.")                                                                                             \
    R(cause::connection_refused, none, port_465,                                                                      \
      "Nothing listens on port 465 at that host: check the host name; the provider may offer 587 (STARTTLS) "         \
      "or 2525 instead.",                                                                                             \
      "Try 587 or 2525.")                                                                                             \
    R(cause::connection_refused, none, port_2525,                                                                     \
      "Nothing listens on port 2525 at that host: check the host name; the provider may offer 587 "                   \
      "(STARTTLS) or 465 (implicit TLS) instead.",                                                                    \
      "Try 587 or 465.")                                                                                              \
    R(cause::connection_refused, none, port_25,                                                                       \
      "Nothing listens on port 25 at that host: for sending with an account use the provider's 587 "                  \
      "(STARTTLS) or 465 (implicit TLS).",                                                                            \
      "Try 587 or 465.")                                                                                              \
    R(cause::connection_refused, none, always,                                                                        \
      "Nothing listens on this port at that host: check host and port.",                                              \
      "Check host and port.")                                                                                         \
    R(cause::outcome_unknown, none, always,                                                                           \
      "No valid reply came after the whole message was sent: the server may have accepted it. Check the "             \
      "recipient's mailbox or the server's log before sending again, to avoid a duplicate.",                          \
      "May be delivered: check first.")                                                                               \
    /* by kind */                                                                                                     \
    R(error_kind::resolve, none, always,                                                                              \
      "The host name could not be resolved: check it for typos and check DNS; try the server's IP address to tell "   \
      "DNS from network problems.",                                                                                   \
      "Check host name and DNS.")                                                                                     \
    R(error_kind::timeout, connect, port_25,                                                                          \
      "No answer on port 25: many ISPs and cloud providers block outgoing port 25; use submission (587) or "          \
      "alternate (2525) with your provider's credentials.",                                                           \
      "Port 25 blocked? Use 587 or 2525.")                                                                            \
    R(error_kind::timeout, connect, port_587,                                                                         \
      "No answer on port 587: a firewall may drop the connection, or host or port is wrong; check both, "             \
      "then try 465 (implicit TLS) or 2525.",                                                                         \
      "Try 465 or 2525.")                                                                                             \
    R(error_kind::timeout, connect, port_465,                                                                         \
      "No answer on port 465: a firewall may drop the connection, or host or port is wrong; check both, "             \
      "then try 587 (STARTTLS) or 2525.",                                                                             \
      "Try 587 or 2525.")                                                                                             \
    R(error_kind::timeout, connect, port_2525,                                                                        \
      "No answer on 2525, the alternate port: a firewall may drop the connection, or host or port is wrong; "         \
      "check both, then try 587 (STARTTLS) or 465 (implicit TLS).",                                                   \
      "Try 587 or 465.")                                                                                              \
    R(error_kind::timeout, connect, always,                                                                           \
      "No answer from the server: a firewall may drop the connection, or host or port is wrong; check both, then "    \
      "try 587, 465 or 2525.",                                                                                        \
      "Try 587, 465 or 2525.")                                                                                        \
    R(error_kind::timeout, tls, implicit_tls,                                                                         \
      "No answer to the TLS handshake: this port may not speak implicit TLS, or a firewall holds the connection; "    \
      "on 587, 2525 or 25 use STARTTLS (profile submission).",                                                        \
      "Try STARTTLS (587).")                                                                                          \
    R(error_kind::timeout, tls, always,                                                                               \
      "The server did not complete the TLS handshake in time: the network may be slow, or something between you "     \
      "and it interferes with TLS.",                                                                                  \
      "Retry or raise the timeout.")                                                                                  \
    R(error_kind::timeout, end_of_data, always,                                                                       \
      "No reply after the message was sent: the server may have accepted it. Check before sending again, to avoid "   \
      "a duplicate.",                                                                                                 \
      "May be delivered: check first.")                                                                               \
    R(error_kind::timeout, none, always,                                                                              \
      "The server did not answer in time; the network may be slow or a firewall may drop packets. Retry later or "    \
      "raise the timeout.",                                                                                           \
      "Retry or raise the timeout.")                                                                                  \
    R(error_kind::network, connect, always,                                                                           \
      "The server cannot be reached from here: check the network and routes, and whether a firewall blocks "          \
      "outgoing SMTP ports.",                                                                                         \
      "Check network, firewall.")                                                                                     \
    R(error_kind::network, none, always,                                                                              \
      "The connection was lost; check the network. Retrying later may work.",                                         \
      "Retry later.")                                                                                                 \
    R(error_kind::tls, none, always,                                                                                  \
      "TLS failed; check that the encryption matches the port (465 implicit TLS; 587, 2525 and 25 STARTTLS) and "     \
      "that the certificate is trusted.",                                                                             \
      "465: TLS; 587: STARTTLS.")                                                                                     \
    R(error_kind::auth, none, smtp_auth_disabled,                                                                     \
      "The server does not let this account use authenticated SMTP (Microsoft 365: SMTP AUTH disabled for "           \
      "the mailbox or the tenant, or security defaults), so a correct password fails too: an administrator "          \
      "must enable authenticated SMTP for the mailbox, or use OAuth2 (XOAUTH2).",                                     \
      "Admin must enable SMTP AUTH.")                                                                                 \
    R(error_kind::auth, none, needs_starttls,                                                                         \
      "The server wants STARTTLS before authentication: turn encryption on (STARTTLS, profile submission); "          \
      "nothing secret should travel in plaintext.",                                                                   \
      "Turn STARTTLS on.")                                                                                            \
    R(error_kind::auth, none, stronger_login,                                                                         \
      "The provider wants a stronger login: create an app password or use an OAuth2 token (XOAUTH2/OAUTHBEARER), "    \
      "or sign in on the web once to unlock the account.",                                                            \
      "Use an app password or OAuth2.")                                                                               \
    R(error_kind::auth, none, login_over_tls,                                                                         \
      "The server allows this mechanism only over TLS: use the submission or submissions profile.",                   \
      "Needs TLS: use 587 or 465.")                                                                                   \
    R(error_kind::auth, none, always,                                                                                 \
      "The server refused the credentials: check user name and password. Many providers (Gmail, Outlook, Yahoo) "     \
      "require an app password or an OAuth2 token instead of the account password.",                                  \
      "Use an app password or OAuth2.")                                                                               \
    R(error_kind::temporary, none, code_421,                                                                          \
      "The server is closing the connection (overloaded, rate limit or shutting down); retry later.",                 \
      "Retry later.")                                                                                                 \
    R(error_kind::temporary, rcpt, code_452,                                                                          \
      "Too many recipients or the mailbox is full for now; send to the rest in another transaction later.",           \
      "Too many recipients: send later.")                                                                             \
    R(error_kind::temporary, auth, always,                                                                            \
      "Authentication is temporarily unavailable on the server; retry later.",                                        \
      "Retry later.")                                                                                                 \
    R(error_kind::temporary, none, always,                                                                            \
      "The server refused for now (greylisting, rate limit or resources); retrying later usually works.",             \
      "Retry later.")                                                                                                 \
    R(error_kind::permanent, none, needs_starttls,                                                                    \
      "The server requires STARTTLS before this command: turn encryption on (STARTTLS, profile submission) "          \
      "rather than sending in plaintext.",                                                                            \
      "Turn STARTTLS on.")                                                                                            \
    R(error_kind::permanent, none, sender_auth,                                                                       \
      "The message was refused because the sender's domain failed authentication (SPF, DKIM or DMARC): "              \
      "publish SPF and DKIM records for the From domain that cover the server you send through, or send "             \
      "through the domain's own provider.",                                                                           \
      "Fix SPF/DKIM/DMARC of sender.")                                                                                \
    R(error_kind::permanent, none, sender_unverified,                                                                 \
      "The provider has not verified this sender address or domain: verify it in the provider's console "             \
      "(Amazon SES, SendGrid, Mailgun and others require it), or send from an address it has verified.",              \
      "Verify the sender at provider.")                                                                               \
    R(error_kind::permanent, greeting, always,                                                                        \
      "The server refuses connections from your address (often a blocklist, or a port meant for server-to-server "    \
      "relay); use your provider's submission port 587 with authentication.",                                         \
      "IP refused: use 587 with login.")                                                                              \
    R(error_kind::permanent, ehlo, always,                                                                            \
      "The server rejected the EHLO/HELO name: use a fully qualified host name or an address literal as the EHLO "    \
      "name.",                                                                                                        \
      "Use an FQDN as EHLO name.")                                                                                    \
    R(error_kind::permanent, mail, needs_login,                                                                       \
      "The server requires authentication before sending: authenticate with your account's credentials first.",       \
      "Authenticate first.")                                                                                          \
    R(error_kind::permanent, mail, always,                                                                            \
      "The server refused the sender: many providers only accept the address of the account you logged in with as "   \
      "MAIL FROM.",                                                                                                   \
      "Use your account as sender.")                                                                                  \
    R(error_kind::permanent, rcpt, relay_denied,                                                                      \
      "Relaying denied: authenticate, or send only to domains this server handles.",                                  \
      "Authenticate first.")                                                                                          \
    R(error_kind::permanent, rcpt, always,                                                                            \
      "The recipient was refused: check the address; the mailbox may not exist or the server does not accept mail "   \
      "for it from you.",                                                                                             \
      "Check the recipient.")                                                                                         \
    R(error_kind::permanent, none, message_size,                                                                      \
      "The message is too large for this server; send a smaller one.",                                                \
      "Too large: send less.")                                                                                        \
    R(error_kind::permanent, none, message_phase,                                                                     \
      "The server refused the message itself (content, policy or spam filter); its reply says why.",                  \
      "See the server's reply.")                                                                                      \
    R(error_kind::permanent, none, always,                                                                            \
      "The server refused this command permanently; its reply says why.",                                             \
      "See the server's reply.")                                                                                      \
    R(error_kind::protocol, none, always,                                                                             \
      "The server broke the SMTP protocol; check host, port and encryption mode.",                                    \
      "Not SMTP: check host, port, TLS.")                                                                             \
    R(error_kind::usage, none, always,                                                                                \
      "Fix the call's arguments; nothing was sent.",                                                                  \
      "Fix the call; nothing sent.")
// clang-format on

namespace detail {
#define MAILWIRE_ADVICE_RULE(who, where, cond, full, brief) advice_rule{advice_who(who), phase::where, advice_if::cond},
inline constexpr advice_rule advice_rules[] = {MAILWIRE_ADVICE_RULES(MAILWIRE_ADVICE_RULE)};
#undef MAILWIRE_ADVICE_RULE

// The texts in the rules' order, each ended by its NUL, as written (only constant expressions use
// it: it is not in the image).
#if MAILWIRE_ADVICE_SHORT
#define MAILWIRE_ADVICE_TEXT(who, where, cond, full, brief) brief "\0"
#else
#define MAILWIRE_ADVICE_TEXT(who, where, cond, full, brief) full "\0"
#endif
inline constexpr char advice_written[] = MAILWIRE_ADVICE_RULES(MAILWIRE_ADVICE_TEXT);
#undef MAILWIRE_ADVICE_TEXT
constexpr std::size_t advice_rule_count = sizeof advice_rules / sizeof advice_rules[0];

/// The texts as the image keeps them: still one entry per rule in the rules' order, each ended by
/// a NUL, but a text that repeats another one or ends it (the same words after other words) is
/// stored once: its entry is then two octets, 0x80 | the upper and 0x80 | the lower 7 bits of the
/// offset where the text starts in `c` (the texts are ASCII, so an entry's first octet tells).
template <std::size_t N>
struct advice_text_array {
    char c[N];
    std::size_t size; ///< octets of c in use
};
constexpr advice_text_array<sizeof advice_written> advice_pack() noexcept {
    const char* in = advice_written;
    std::size_t start[advice_rule_count] = {}, size[advice_rule_count] = {};
    for (std::size_t i = 0, at = 0; i < advice_rule_count; ++i, ++at) {
        start[i] = at;
        while (in[at] != '\0') ++at;
        size[i] = at - start[i];
    }
    // Where each text is kept: in the longest text that ends with it (itself, or the first of the
    // longest ones).
    std::size_t keeper[advice_rule_count] = {};
    for (std::size_t i = 0; i < advice_rule_count; ++i) {
        std::size_t best = i;
        for (std::size_t j = advice_rule_count; j-- > 0;) {
            bool ends = size[j] >= size[i];
            for (std::size_t k = 1; k <= size[i] && ends; ++k)
                ends = in[start[j] + size[j] - k] == in[start[i] + size[i] - k];
            if (ends && size[j] >= size[best]) best = j; // from the last to the first: the first of equal ones
        }
        keeper[i] = best;
    }
    advice_text_array<sizeof advice_written> out{};
    std::size_t at[advice_rule_count] = {};
    for (std::size_t i = 0; i < advice_rule_count; ++i) {
        at[i] = out.size;
        out.size += keeper[i] == i ? size[i] + 1 : 3;
    }
    for (std::size_t i = 0; i < advice_rule_count; ++i) {
        if (keeper[i] == i) {
            for (std::size_t k = 0; k < size[i]; ++k) out.c[at[i] + k] = in[start[i] + k];
        } else {
            const std::size_t from = at[keeper[i]] + size[keeper[i]] - size[i];
            out.c[at[i]] = static_cast<char>(0x80u | from >> 7);
            out.c[at[i] + 1] = static_cast<char>(0x80u | (from & 0x7Fu));
        }
    }
    return out;
}
constexpr bool advice_ascii() noexcept {
    for (const char c : advice_written)
        if (static_cast<unsigned char>(c) >= 0x80u) return false;
    return true;
}
static_assert(advice_ascii(), "advice texts are ASCII: an octet from 0x80 on starts a reference");
inline constexpr auto advice_packed = advice_pack();
static_assert(advice_packed.size < 0x4000, "an offset in two times 7 bits");
template <std::size_t N>
struct advice_chars {
    char c[N];
};
constexpr advice_chars<advice_packed.size> advice_shrink() noexcept {
    advice_chars<advice_packed.size> out{};
    for (std::size_t i = 0; i < advice_packed.size; ++i) out.c[i] = advice_packed.c[i];
    return out;
}
inline constexpr auto advice_texts = advice_shrink();
} // namespace detail
#undef MAILWIRE_ADVICE_RULES
#endif // MAILWIRE_ADVICE

/// Chooses the advice for an error. Never returns null.
inline const char* advise(const error& e, const advice_context& ctx) noexcept {
#if !MAILWIRE_ADVICE
    // Compiled out: not even the choosing is left in the image.
    (void)e;
    (void)ctx;
    return "";
#else
    using detail::advice_if;
    const auto bit = [](advice_if c) { return std::uint32_t{1} << static_cast<unsigned>(c); };
    // What the reply says: its code, its enhanced status code, words in its text.
    std::uint32_t facts = bit(advice_if::always);
    for (const detail::advice_code& c : detail::advice_codes)
        if (e.server.code == c.code) facts |= bit(c.condition);
    const std::string_view status(e.server.enhanced);
    for (const detail::advice_status& st : detail::advice_statuses)
        if (status == st.status) facts |= bit(st.condition);
    for (const detail::advice_word& w : detail::advice_words)
        if (detail::advice_mentions(e.server.text, e.server.text_size, w.word)) facts |= bit(w.condition);
    for (const detail::advice_alert& a : detail::advice_alerts)
        if (e.tls_alert == a.alert) facts |= bit(a.condition);
    if (e.where == phase::data || e.where == phase::body || e.where == phase::end_of_data)
        facts |= bit(advice_if::message_phase);
    else
        facts &= ~bit(advice_if::message_size);

    if (e.kind == error_kind::usage) facts |= bit(advice_if::kind_usage);
    // The usual ports: 25 (relay), 465 (submissions), 587 (submission), 2525 (alternate).
    const unsigned port = ctx.port;
    if (port == 25) facts |= bit(advice_if::port_25);
    if (port == 465) facts |= bit(advice_if::port_465);
    if (port == 587) facts |= bit(advice_if::port_587);
    if (port == 2525) facts |= bit(advice_if::port_2525);
    if (port == 25 || port == 465 || port == 587 || port == 2525) facts |= bit(advice_if::usual_port);
    const bool implicit_tls = ctx.mode == encryption::implicit;
    if (implicit_tls) facts |= bit(advice_if::implicit_tls);
    if (ctx.tls_available) facts |= bit(advice_if::tls_available);
    if (!ctx.encrypted) {
        facts |= bit(advice_if::plaintext);
        if (port == 465 || implicit_tls) facts |= bit(advice_if::tls_expected);
    } else {
        facts &= ~bit(advice_if::needs_starttls); // "STARTTLS" in a reply on an encrypted session
    }

    // The four causes of a reply that is not SMTP share their advice (and their rules).
    cause why = e.why;
    if (why >= cause::reply_too_long && why <= cause::too_many_lines) why = cause::reply_too_long;
    const unsigned cause_who = detail::advice_who(why);
    const unsigned kind_who = detail::advice_who(e.kind);

    const char* text = detail::advice_texts.c;
    for (const detail::advice_rule& r : detail::advice_rules) {
        if ((r.who == cause_who || r.who == kind_who) && (r.where == phase::none || r.where == e.where) &&
            (facts & bit(r.condition)) != 0) {
            const unsigned first = static_cast<unsigned char>(text[0]);
            if (first >= 0x80u) // kept elsewhere: its offset (advice_text_array)
                text = detail::advice_texts.c + ((first << 7) + static_cast<unsigned char>(text[1]) - 0x4080u);
            return text;
        }
        while (*text != '\0') ++text; // on to the next rule's text
        ++text;
    }
    return text - 1; // the last text's NUL, "": success (error_kind::none), or a kind out of range
#endif
}

} // inline namespace MAILWIRE_ABI
} // namespace mailwire

#endif // MAILWIRE_ADVICE_HPP
