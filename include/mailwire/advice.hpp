// SPDX-License-Identifier: BSL-1.0
// mailwire - one line of advice per failure, in the spirit of a good troubleshooting guide.
// Compiled out with MAILWIRE_ADVICE=0 (error::advice() then returns ""); MAILWIRE_ADVICE_SHORT=1
// gives the same advice in one short line each (config.hpp).
#ifndef MAILWIRE_ADVICE_HPP
#define MAILWIRE_ADVICE_HPP

#include "capabilities.hpp" // detail::lookup
#include "text.hpp"

#include "error.hpp"
#include "profiles.hpp"

#include <cstdint>
#include <string_view>

namespace mailwire {

/// What the client knew about the connection when the error happened.
struct advice_context {
    std::uint16_t port = 0;
    encryption mode = encryption::none;
    bool encrypted = false;
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
};

/// The reply codes behind the conditions stronger_login to message_size, in that order: 534 (RFC
/// 4954 §6: mechanism too weak), 538 (RFC 4954 §6: encryption required for the mechanism), 421
/// (RFC 5321 §3.8: closing), 452 (RFC 5321 §4.5.3.1.10: too many recipients), 530 (RFC 4954 §6:
/// authentication required), 552 (RFC 1870: message size exceeds the limit).
inline constexpr std::uint16_t advice_reply_codes[] = {534, 538, 421, 452, 530, 552};
/// Enhanced status codes (RFC 3463), each compared whole with the reply's and followed by its
/// condition's number, as detail::lookup() reads a list: 5.7.9 and Gmail's 5.7.14 ("log in via
/// your web browser") stronger_login, 5.7.11 login_over_tls, 5.7.0 needs_login, 5.7.1 (§3.8:
/// delivery not authorized) relay_denied, 5.3.4 (§3.4: message too big) message_size.
inline constexpr char advice_reply_statuses[] = "5.7.9\1" "5.7.14\1" "5.7.11\2" "5.7.0\5" "5.7.1\7" "5.3.4\6";
/// Words looked for anywhere in the reply text, case-insensitively, each with its condition's
/// number: one lookup() list per word, as lookup() compares a word of one length.
inline constexpr char advice_word_authentication[] = "AUTHENTICATION\5";
inline constexpr char advice_word_relay[] = "RELAY\7";

/// One rule, two octets: whom it is for (a cause, or 0x40 + an error_kind) and, in one octet, the
/// phase it asks for (0: any) and its condition (advice_if, high nibble).
struct advice_rule {
    std::uint8_t who;
    std::uint8_t where_if;
};
constexpr std::uint8_t advice_who(cause c) noexcept { return static_cast<std::uint8_t>(c); }
constexpr std::uint8_t advice_who(error_kind k) noexcept {
    return static_cast<std::uint8_t>(0x40u | static_cast<unsigned>(k));
}
static_assert(static_cast<unsigned>(cause::all_recipients_refused) < 0x40, "causes below 0x40");
static_assert(static_cast<unsigned>(phase::quit) < 0x10 && static_cast<unsigned>(advice_if::message_phase) < 0x10,
              "a phase and a condition in one octet");
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
    R(cause::auth_not_offered, none, always,                                                                          \
      "The server offers no AUTH on this connection; many servers offer it only after STARTTLS (use the submission "  \
      "profile), or this server relays without login (drop the credentials).",                                        \
      "No AUTH: use 587 or no login.")                                                                                \
    R(cause::starttls_not_offered, none, always,                                                                      \
      "The server does not offer STARTTLS on this port; if it is port 465 use profile submissions, otherwise "        \
      "something may be stripping STARTTLS (downgrade attack).",                                                      \
      "No STARTTLS: on 465 use TLS.")                                                                                 \
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
    R(cause::connection_refused, none, usual_port,                                                                    \
      "Nothing listens on this port: check host and port; providers use 587 (submission, STARTTLS), 465 "             \
      "(submissions, implicit TLS) or 2525.",                                                                         \
      "Try 587, 465 or 2525.")                                                                                        \
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
    R(error_kind::timeout, greeting, plaintext,                                                                       \
      "Connected, but the server sent no greeting: it probably expects TLS from the first byte (port 465): use "      \
      "profile submissions.",                                                                                         \
      "Server wants TLS first: use 465.")                                                                             \
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
#define MAILWIRE_ADVICE_RULE(who, where, cond, full, brief)                                                           \
    advice_rule{advice_who(who),                                                                                      \
                static_cast<std::uint8_t>(static_cast<unsigned>(phase::where) |                                       \
                                          static_cast<unsigned>(advice_if::cond) << 4)},
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
    const auto bit = [](advice_if c) { return 1u << static_cast<unsigned>(c); };
    // What the reply says (lookup() returns 0, `always`, when nothing matches).
    const char* status = e.server.enhanced;
    unsigned facts = bit(advice_if::always) |
                     1u << detail::lookup(status, std::string_view(status).size(), detail::advice_reply_statuses);
    for (unsigned i = 0; i < sizeof detail::advice_reply_codes / sizeof detail::advice_reply_codes[0]; ++i)
        if (e.server.code == detail::advice_reply_codes[i]) facts |= 2u << i; // stronger_login + i
    const char* said = e.server.text;
    for (std::size_t left = e.server.text_size; left != 0; --left, ++said) {
        if (left >= 14) facts |= 1u << detail::lookup(said, 14, detail::advice_word_authentication);
        if (left >= 5) facts |= 1u << detail::lookup(said, 5, detail::advice_word_relay);
    }
    if (e.where == phase::data || e.where == phase::body || e.where == phase::end_of_data)
        facts |= bit(advice_if::message_phase);
    else
        facts &= ~bit(advice_if::message_size);

    if (e.kind == error_kind::usage) facts |= bit(advice_if::kind_usage);
    // The usual ports: 25 (relay), 465 (submissions), 587 (submission), 2525 (alternate).
    const unsigned port = ctx.port;
    if (port == 25) facts |= bit(advice_if::port_25);
    if (port == 25 || port == 465 || port == 587 || port == 2525) facts |= bit(advice_if::usual_port);
    const bool implicit_tls = ctx.mode == encryption::implicit;
    if (implicit_tls) facts |= bit(advice_if::implicit_tls);
    if (!ctx.encrypted) {
        facts |= bit(advice_if::plaintext);
        if (port == 465 || implicit_tls) facts |= bit(advice_if::tls_expected);
    }

    // The four causes of a reply that is not SMTP share their advice (and their rules).
    cause why = e.why;
    if (why >= cause::reply_too_long && why <= cause::too_many_lines) why = cause::reply_too_long;
    const unsigned cause_who = detail::advice_who(why);
    const unsigned kind_who = detail::advice_who(e.kind);

    const char* text = detail::advice_texts.c;
    for (const detail::advice_rule& r : detail::advice_rules) {
        const unsigned where = r.where_if & 0xFu;
        if ((r.who == cause_who || r.who == kind_who) && (where == 0 || where == static_cast<unsigned>(e.where)) &&
            ((facts >> (r.where_if >> 4)) & 1u)) {
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

} // namespace mailwire

#endif // MAILWIRE_ADVICE_HPP
