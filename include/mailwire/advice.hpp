// mailwire - one line of advice per failure, in the spirit of a good troubleshooting guide.
// Compiled out with MAILWIRE_ADVICE=0 (error::advice() then returns "").
#ifndef MAILWIRE_ADVICE_HPP
#define MAILWIRE_ADVICE_HPP

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
#define MAILWIRE_ADVICE_TEXT(s) s
#else
#define MAILWIRE_ADVICE_TEXT(s) ""
#endif

namespace detail {
constexpr bool contains_ci(std::string_view hay, std::string_view needle) noexcept {
    if (needle.size() > hay.size()) return false;
    for (std::size_t i = 0; i + needle.size() <= hay.size(); ++i)
        if (iequals(mailwire::detail::sub(hay, i, needle.size()), needle)) return true;
    return false;
}
} // namespace detail

/// Chooses the advice for an error. Never returns null.
inline const char* advise(const error& e, const advice_context& ctx) noexcept {
#if !MAILWIRE_ADVICE
    // Compiled out: not even the choosing is left in the image.
    (void)e;
    (void)ctx;
    return "";
#else
    const std::uint16_t code = e.server.code;
    const std::string_view esc = e.server.enhanced_status();
    switch (e.why) {
    case cause::bad_address:
        return MAILWIRE_ADVICE_TEXT("Fix the address: it must look like user@example.org, without CR, LF, spaces "
                                    "or angle brackets (CR/LF could inject SMTP commands).");
    case cause::bad_argument:
        if (e.where == phase::auth)
            return MAILWIRE_ADVICE_TEXT("Check the credentials: none may be empty or hold NUL, and none may pass the "
                                        "SASL limits (12288 octets of base64; 256 for an OAUTHBEARER user).");
        return MAILWIRE_ADVICE_TEXT("Fix the argument named in the error; it contains characters SMTP cannot carry.");
    case cause::bad_header:
        return MAILWIRE_ADVICE_TEXT("Fix the header: names are printable ASCII without ':', and no value, file name "
                                    "or type may contain CR, LF or NUL (they could inject headers).");
    case cause::too_many:
        return MAILWIRE_ADVICE_TEXT("The message has more addresses, headers or attachments than its capacity; raise "
                                    "the basic_message template arguments.");
    case cause::message_too_large:
        return MAILWIRE_ADVICE_TEXT("The message is larger than the server accepts (its SIZE limit); send a smaller "
                                    "message or link to large attachments.");
    case cause::utf8_not_supported:
        return MAILWIRE_ADVICE_TEXT("This address has non-ASCII characters but the server does not offer SMTPUTF8; "
                                    "use an ASCII address or another server.");
    case cause::plaintext_auth_refused:
        return MAILWIRE_ADVICE_TEXT("Refusing to send credentials unencrypted: use the submission profile (587, "
                                    "STARTTLS) or submissions (465, implicit TLS); allow plaintext AUTH only on a "
                                    "trusted network.");
    case cause::tls_not_available:
        return MAILWIRE_ADVICE_TEXT("This connection needs TLS but the client was built without a TLS policy; "
                                    "build with one, or use encryption none (relay profile) only on a trusted "
                                    "network.");
    case cause::source_failed:
        return MAILWIRE_ADVICE_TEXT("Reading the message failed; the connection was closed without the final \".\", "
                                    "so the server discards the partial message. Fix the input and send again.");
    case cause::not_connected:
        return MAILWIRE_ADVICE_TEXT("Call open() (and authenticate() if needed) before sending; after a fatal error "
                                    "the connection is closed and must be opened again.");
    case cause::greeting_looks_like_tls:
        return MAILWIRE_ADVICE_TEXT("The server speaks TLS from the first byte on this port: use implicit TLS "
                                    "(profile submissions, usually port 465).");
    case cause::reply_too_long:
    case cause::malformed_reply:
    case cause::inconsistent_reply:
    case cause::too_many_lines:
        if (e.where == phase::greeting && !ctx.encrypted && (ctx.port == 465 || ctx.mode == encryption::implicit))
            return MAILWIRE_ADVICE_TEXT("The server's bytes are not SMTP: port 465 expects TLS from the first byte; "
                                        "use profile submissions.");
        return MAILWIRE_ADVICE_TEXT("The server's reply is not valid SMTP: check that host and port belong to an "
                                    "SMTP server and that the encryption matches the port (465 implicit TLS; 587, "
                                    "2525 and 25 STARTTLS).");
    case cause::unexpected_reply:
        return MAILWIRE_ADVICE_TEXT("The server answered with a reply that makes no sense at this step; it may be "
                                    "broken, or something between you and it rewrites the dialogue.");
    case cause::bad_challenge:
        return MAILWIRE_ADVICE_TEXT("The server sent an invalid authentication challenge; try another mechanism "
                                    "(e.g. PLAIN) or check that this is really your provider's server.");
    case cause::mechanism_not_offered:
        if (e.kind == error_kind::usage)
            return MAILWIRE_ADVICE_TEXT("This build leaves that mechanism out (MAILWIRE_AUTH_PLAIN, _LOGIN, _XOAUTH2, "
                                        "_OAUTHBEARER in mailwire_config.h).");
        return MAILWIRE_ADVICE_TEXT("The server does not offer this authentication mechanism; use auto, or one of "
                                    "those its EHLO reply lists.");
    case cause::auth_not_offered:
        return MAILWIRE_ADVICE_TEXT("The server offers no AUTH on this connection; many servers offer it only after "
                                    "STARTTLS (use the submission profile), or this server relays without login "
                                    "(drop the credentials).");
    case cause::starttls_not_offered:
        return MAILWIRE_ADVICE_TEXT("The server does not offer STARTTLS on this port; if it is port 465 use profile "
                                    "submissions, otherwise something may be stripping STARTTLS (downgrade attack).");
    case cause::starttls_refused:
        return MAILWIRE_ADVICE_TEXT("The server refused STARTTLS; nothing was sent in plaintext. Try implicit TLS "
                                    "on port 465 (profile submissions) or contact the provider.");
    case cause::tls_setup_failed:
        return MAILWIRE_ADVICE_TEXT("TLS could not start: check that the CA file or CA data holds PEM or DER "
                                    "certificates, or that the system bundle is installed (Debian: "
                                    "ca-certificates).");
    case cause::tls_handshake_failed:
        if (ctx.mode == encryption::implicit)
            return MAILWIRE_ADVICE_TEXT("The TLS handshake failed: check that this port speaks implicit TLS (465); "
                                        "on 587, 2525 or 25 use STARTTLS (profile submission).");
        return MAILWIRE_ADVICE_TEXT("The TLS handshake failed: the server may only offer old TLS versions (below "
                                    "1.2) or ciphers this build lacks; nothing was sent in plaintext.");
    case cause::tls_plaintext_server:
        return MAILWIRE_ADVICE_TEXT("The server speaks plaintext SMTP on this port, not implicit TLS: use STARTTLS "
                                    "(profile submission, port 587, or alternate, 2525).");
    case cause::certificate_untrusted:
        return MAILWIRE_ADVICE_TEXT("The server's certificate is not from a trusted issuer (self-signed or unknown "
                                    "CA): trust its CA (CA file or CA data), or check that you reach the real server.");
    case cause::certificate_expired:
        return MAILWIRE_ADVICE_TEXT("The server's certificate has expired or is not valid yet: check this device's "
                                    "clock, then tell the server's operator.");
    case cause::certificate_wrong_host:
        return MAILWIRE_ADVICE_TEXT("The certificate belongs to another host name: connect with the name it was "
                                    "issued for (often the provider's smtp.* name, not an alias or an IP address).");
    case cause::certificate_invalid:
        return MAILWIRE_ADVICE_TEXT("The server's certificate failed verification (revoked, wrong key usage or bad "
                                    "signature): do not send; tell the server's operator.");
    case cause::connection_refused:
        if (ctx.port == 465 || ctx.port == 587 || ctx.port == 2525 || ctx.port == 25)
            return MAILWIRE_ADVICE_TEXT("Nothing listens on this port: check host and port; providers use 587 "
                                        "(submission, STARTTLS), 465 (submissions, implicit TLS) or 2525.");
        return MAILWIRE_ADVICE_TEXT("Nothing listens on this port at that host: check host and port.");
    case cause::outcome_unknown:
        return MAILWIRE_ADVICE_TEXT("No valid reply came after the whole message was sent: the server may have "
                                    "accepted it. Check the recipient's mailbox or the server's log before sending "
                                    "again, to avoid a duplicate.");
    default: break;
    }

    switch (e.kind) {
    case error_kind::none: return "";
    case error_kind::resolve:
        return MAILWIRE_ADVICE_TEXT("The host name could not be resolved: check it for typos and check DNS; try the "
                                    "server's IP address to tell DNS from network problems.");
    case error_kind::timeout:
        if (e.where == phase::connect) {
            if (ctx.port == 25)
                return MAILWIRE_ADVICE_TEXT("No answer on port 25: many ISPs and cloud providers block outgoing "
                                            "port 25; use submission (587) or alternate (2525) with your "
                                            "provider's credentials.");
            return MAILWIRE_ADVICE_TEXT("No answer from the server: a firewall may drop the connection, or host or "
                                        "port is wrong; check both, then try 587, 465 or 2525.");
        }
        if (e.where == phase::tls && ctx.mode == encryption::implicit)
            return MAILWIRE_ADVICE_TEXT("No answer to the TLS handshake: this port may not speak implicit TLS, or a "
                                        "firewall holds the connection; on 587, 2525 or 25 use STARTTLS (profile "
                                        "submission).");
        if (e.where == phase::tls)
            return MAILWIRE_ADVICE_TEXT("The server did not complete the TLS handshake in time: the network may be "
                                        "slow, or something between you and it interferes with TLS.");
        if (e.where == phase::greeting && !ctx.encrypted)
            return MAILWIRE_ADVICE_TEXT("Connected, but the server sent no greeting: it probably expects TLS from "
                                        "the first byte (port 465): use profile submissions.");
        if (e.where == phase::end_of_data)
            return MAILWIRE_ADVICE_TEXT("No reply after the message was sent: the server may have accepted it. "
                                        "Check before sending again, to avoid a duplicate.");
        return MAILWIRE_ADVICE_TEXT("The server did not answer in time; the network may be slow or a firewall may "
                                    "drop packets. Retry later or raise the timeout.");
    case error_kind::network:
        if (e.where == phase::connect)
            return MAILWIRE_ADVICE_TEXT("The server cannot be reached from here: check the network and routes, and "
                                        "whether a firewall blocks outgoing SMTP ports.");
        return MAILWIRE_ADVICE_TEXT("The connection was lost; check the network. Retrying later may work.");
    case error_kind::tls:
        return MAILWIRE_ADVICE_TEXT("TLS failed; check that the encryption matches the port (465 implicit TLS; "
                                    "587, 2525 and 25 STARTTLS) and that the certificate is trusted.");
    case error_kind::auth:
        if (code == 534 || esc == "5.7.9" || esc == "5.7.14")
            return MAILWIRE_ADVICE_TEXT("The provider wants a stronger login: create an app password or use an OAuth2 "
                                        "token (XOAUTH2/OAUTHBEARER), or sign in on the web once to unlock the "
                                        "account.");
        if (code == 538 || esc == "5.7.11")
            return MAILWIRE_ADVICE_TEXT("The server allows this mechanism only over TLS: use the submission or "
                                        "submissions profile.");
        return MAILWIRE_ADVICE_TEXT("The server refused the credentials: check user name and password. Many "
                                    "providers (Gmail, Outlook, Yahoo) require an app password or an OAuth2 token "
                                    "instead of the account password.");
    case error_kind::temporary:
        if (code == 421)
            return MAILWIRE_ADVICE_TEXT("The server is closing the connection (overloaded, rate limit or shutting "
                                        "down); retry later.");
        if (code == 452 && e.where == phase::rcpt)
            return MAILWIRE_ADVICE_TEXT("Too many recipients or the mailbox is full for now; send to the rest in "
                                        "another transaction later.");
        if (e.where == phase::auth)
            return MAILWIRE_ADVICE_TEXT("Authentication is temporarily unavailable on the server; retry later.");
        return MAILWIRE_ADVICE_TEXT("The server refused for now (greylisting, rate limit or resources); retrying "
                                    "later usually works.");
    case error_kind::permanent:
        switch (e.where) {
        case phase::greeting:
            return MAILWIRE_ADVICE_TEXT("The server refuses connections from your address (often a blocklist, or a "
                                        "port meant for server-to-server relay); use your provider's submission "
                                        "port 587 with authentication.");
        case phase::ehlo:
            return MAILWIRE_ADVICE_TEXT("The server rejected the EHLO/HELO name: use a fully qualified host name "
                                        "or an address literal as the EHLO name.");
        case phase::mail:
            if (code == 530 || esc == "5.7.0" || detail::contains_ci(e.server.message(), "authentication"))
                return MAILWIRE_ADVICE_TEXT("The server requires authentication before sending: authenticate with "
                                            "your account's credentials first.");
            return MAILWIRE_ADVICE_TEXT("The server refused the sender: many providers only accept the address of "
                                        "the account you logged in with as MAIL FROM.");
        case phase::rcpt:
            if (esc == "5.7.1" || detail::contains_ci(e.server.message(), "relay"))
                return MAILWIRE_ADVICE_TEXT("Relaying denied: authenticate, or send only to domains this server "
                                            "handles.");
            return MAILWIRE_ADVICE_TEXT("The recipient was refused: check the address; the mailbox may not exist "
                                        "or the server does not accept mail for it from you.");
        case phase::end_of_data:
        case phase::data:
        case phase::body:
            if (code == 552 || esc == "5.3.4")
                return MAILWIRE_ADVICE_TEXT("The message is too large for this server; send a smaller one.");
            return MAILWIRE_ADVICE_TEXT("The server refused the message itself (content, policy or spam filter); "
                                        "its reply says why.");
        default:
            return MAILWIRE_ADVICE_TEXT("The server refused this command permanently; its reply says why.");
        }
    case error_kind::protocol:
        return MAILWIRE_ADVICE_TEXT("The server broke the SMTP protocol; check host, port and encryption mode.");
    case error_kind::usage:
        return MAILWIRE_ADVICE_TEXT("Fix the call's arguments; nothing was sent.");
    }
    return "";
#endif
}

#undef MAILWIRE_ADVICE_TEXT

} // namespace mailwire

#endif // MAILWIRE_ADVICE_HPP
