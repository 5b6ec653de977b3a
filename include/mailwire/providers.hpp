// SPDX-License-Identifier: BSL-1.0
// mailwire - provider presets: the submission settings of common mail services as data. Each
// preset is a constexpr object of its own (mailwire::providers::gmail, ...): firmware that names
// one links that one; a program that looks presets up by name (find_provider) links the table.
//
// Each preset's settings come from the provider's public documentation page named in `source`
// (as read in 2026); where a provider lists other ports, they are `alternatives`, in the order
// it prefers them, for a fallback when a network blocks the first (RFC 8314 §3 recommends implicit
// TLS for submission; most providers still lead with 587 STARTTLS, so that is kept).
#ifndef MAILWIRE_PROVIDERS_HPP
#define MAILWIRE_PROVIDERS_HPP

#include "capabilities.hpp"
#include "config.hpp"
#include "error.hpp"
#include "probe.hpp"
#include "profiles.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mailwire {
inline namespace MAILWIRE_ABI {

/// What the AUTH user name is at a provider.
enum class user_kind : std::uint8_t {
    address,   ///< the mailbox's full address (Gmail, Microsoft 365, Zoho, Mailpro)
    fixed,     ///< always `fixed_user` (SendGrid's "apikey", SparkPost's "SMTP_Injection")
    generated, ///< SMTP credentials made in the provider's dashboard (SES, Mailgun, Brevo, ...)
};

struct provider {
    std::string_view name;           ///< as --provider names it: "gmail"
    std::string_view title;          ///< as people name it: "Gmail"
    std::string_view host;           ///< with one '*' where a region goes: "email-smtp.*.amazonaws.com"
    std::string_view default_region; ///< "" with a '*': the region must be given ("ses:eu-west-1")
    std::uint16_t port;              ///< the port the provider recommends
    encryption mode;
    probe_candidate alternatives[6]; ///< other documented ports, in the provider's order
    std::uint8_t alternative_count;
    auth_mechanism auth;             ///< automatic, or xoauth2 where OAuth2 is the way
    user_kind user;
    std::string_view fixed_user;     ///< with user_kind::fixed
    std::string_view user_hint;      ///< one line: what the user name is
    std::string_view secret_hint;    ///< one line: what the password or token is, and where it is made
    std::string_view auth_advice;    ///< one line for a rejected AUTH: the provider's usual causes
    std::string_view source;         ///< the documentation page the settings come from
};

namespace providers {

constexpr encryption starttls = encryption::starttls;
constexpr encryption implicit = encryption::implicit;

inline constexpr provider gmail{
    "gmail", "Gmail", "smtp.gmail.com", "", 587, starttls, {{465, implicit}}, 1,
    auth_mechanism::automatic, user_kind::address, "",
    "your full Gmail address",
    "an app password (Google Account > Security > 2-Step Verification > App passwords), or an OAuth2 "
    "access token with --auth xoauth2",
    "Gmail refuses the account password over SMTP: 534 5.7.9 asks for an app password (turn on 2-Step "
    "Verification, then make one), 535 5.7.8 means the user or app password is wrong; or use OAuth2 (--auth xoauth2)",
    "Google Account Help: Sign in with app passwords; Gmail Help: Read Gmail messages on other email clients "
    "using POP (SMTP server settings)"};

inline constexpr provider google_workspace{
    "google-workspace", "Google Workspace SMTP relay", "smtp-relay.gmail.com", "", 587, starttls,
    {{465, implicit}, {25, starttls}}, 2, auth_mechanism::automatic, user_kind::address, "",
    "a Workspace user's full address (when the relay requires SMTP AUTH)",
    "that user's app password, or none when the relay admits this host's public IP address",
    "The Admin console's SMTP relay service decides: it must allow SMTP AUTH (or list this IP address) and "
    "\"Require TLS encryption\" is best left on",
    "Google Workspace Admin Help: Route outgoing SMTP relay messages through Google"};

inline constexpr provider m365{
    "m365", "Microsoft 365", "smtp.office365.com", "", 587, starttls, {}, 0,
    auth_mechanism::xoauth2, user_kind::address, "",
    "the mailbox's full address",
    "an OAuth2 access token (scope https://outlook.office.com/SMTP.Send) from a --password-command",
    "535 5.7.139 means SMTP AUTH is disabled for the tenant or the mailbox (an admin enables it with "
    "Set-CASMailbox -SmtpClientAuthenticationDisabled $false) or security defaults block it; Microsoft "
    "is retiring basic authentication: use OAuth2 (--auth xoauth2)",
    "Microsoft Learn: How to set up a multifunction device or application to send email using Microsoft 365; "
    "Authenticate an IMAP, POP or SMTP connection using OAuth"};

inline constexpr provider outlook{
    "outlook", "Outlook.com", "smtp-mail.outlook.com", "", 587, starttls, {}, 0,
    auth_mechanism::xoauth2, user_kind::address, "",
    "your full Outlook.com address",
    "an OAuth2 access token from a --password-command (Outlook.com no longer takes passwords over SMTP)",
    "Outlook.com accepts only OAuth2 for SMTP (--auth xoauth2); a 535 with a password means exactly that",
    "Microsoft Support: POP, IMAP, and SMTP settings for Outlook.com"};

inline constexpr provider ses{
    "ses", "Amazon SES", "email-smtp.*.amazonaws.com", "", 587, starttls,
    {{2587, starttls}, {25, starttls}, {465, implicit}, {2465, implicit}}, 4,
    auth_mechanism::automatic, user_kind::generated, "",
    "the SES SMTP user name (from the SES console's SMTP settings; it looks like an access key ID but is "
    "not your IAM key)",
    "the SES SMTP password made with it (not the IAM secret access key)",
    "SES SMTP credentials are made for SMTP and for one region: an IAM access key and secret do not work, "
    "and credentials from another region are refused",
    "Amazon SES Developer Guide: Connecting to an Amazon SES SMTP endpoint; Obtaining Amazon SES SMTP credentials"};

inline constexpr provider sendgrid{
    "sendgrid", "SendGrid", "smtp.sendgrid.net", "", 587, starttls,
    {{2525, starttls}, {25, starttls}, {465, implicit}}, 3,
    auth_mechanism::automatic, user_kind::fixed, "apikey",
    "the word apikey",
    "an API key with the Mail Send permission",
    "The user name is literally apikey and the password an API key with Mail Send permission; a key that "
    "was deleted or lacks that permission gives 535",
    "Twilio SendGrid Docs: Integrating with the SMTP API"};

inline constexpr provider mailgun{
    "mailgun", "Mailgun (US)", "smtp.mailgun.org", "", 587, starttls,
    {{2525, starttls}, {25, starttls}, {465, implicit}}, 3,
    auth_mechanism::automatic, user_kind::generated, "",
    "the domain's SMTP login, e.g. postmaster@mg.example.org",
    "that SMTP credential's password (Sending > Domain settings > SMTP credentials)",
    "Mailgun SMTP credentials belong to one sending domain and one region: an EU domain needs "
    "--provider mailgun-eu",
    "Mailgun Documentation: Sending messages via SMTP"};

inline constexpr provider mailgun_eu{
    "mailgun-eu", "Mailgun (EU)", "smtp.eu.mailgun.org", "", 587, starttls,
    {{2525, starttls}, {25, starttls}, {465, implicit}}, 3,
    auth_mechanism::automatic, user_kind::generated, "",
    "the domain's SMTP login, e.g. postmaster@mg.example.org",
    "that SMTP credential's password (Sending > Domain settings > SMTP credentials)",
    "Mailgun SMTP credentials belong to one sending domain and one region: a US domain needs "
    "--provider mailgun",
    "Mailgun Documentation: Sending messages via SMTP"};

inline constexpr provider postmark{
    "postmark", "Postmark", "smtp.postmarkapp.com", "", 587, starttls, {{2525, starttls}, {25, starttls}}, 2,
    auth_mechanism::automatic, user_kind::generated, "",
    "the Server API token",
    "the same Server API token",
    "Postmark takes the Server API token as both user name and password (not the Account API token), and "
    "the From address must be a confirmed sender signature or domain",
    "Postmark Developer Documentation: Sending email with SMTP"};

inline constexpr provider brevo{
    "brevo", "Brevo", "smtp-relay.brevo.com", "", 587, starttls, {{2525, starttls}, {465, implicit}}, 2,
    auth_mechanism::automatic, user_kind::generated, "",
    "the SMTP login shown under SMTP & API (not always your account address)",
    "an SMTP key (SMTP & API > SMTP keys; an API key does not work)",
    "Brevo wants the SMTP login and an SMTP key from SMTP & API; the account password or an API key gives 535",
    "Brevo Help Center: Send transactional emails using Brevo SMTP"};

inline constexpr provider mailjet{
    "mailjet", "Mailjet", "in-v3.mailjet.com", "", 587, starttls,
    {{2525, starttls}, {25, starttls}, {80, starttls}, {465, implicit}}, 4,
    auth_mechanism::automatic, user_kind::generated, "",
    "the API key",
    "the API secret key",
    "Mailjet takes the API key as user and the secret key as password; the sender address must be validated",
    "Mailjet Documentation: SMTP relay (SMTP and SEND API settings)"};

inline constexpr provider sparkpost{
    "sparkpost", "SparkPost (US)", "smtp.sparkpostmail.com", "", 587, starttls, {{2525, starttls}}, 1,
    auth_mechanism::automatic, user_kind::fixed, "SMTP_Injection",
    "the word SMTP_Injection",
    "an API key with the Send via SMTP permission",
    "The user name is SMTP_Injection and the password an API key with Send via SMTP permission; an EU "
    "account needs --provider sparkpost-eu",
    "SparkPost Support: SMTP Relay Endpoints"};

inline constexpr provider sparkpost_eu{
    "sparkpost-eu", "SparkPost (EU)", "smtp.eu.sparkpostmail.com", "", 587, starttls, {{2525, starttls}}, 1,
    auth_mechanism::automatic, user_kind::fixed, "SMTP_Injection",
    "the word SMTP_Injection",
    "an API key with the Send via SMTP permission",
    "The user name is SMTP_Injection and the password an API key with Send via SMTP permission; a US "
    "account needs --provider sparkpost",
    "SparkPost Support: SMTP Relay Endpoints"};

// SMTP2GO leads with 2525 and lists more ports than any other; 443 and 8465 (implicit TLS) are
// left out here for room, 587/80/25/465 kept.
inline constexpr provider smtp2go{
    "smtp2go", "SMTP2GO", "mail.smtp2go.com", "", 2525, starttls,
    {{8025, starttls}, {587, starttls}, {80, starttls}, {25, starttls}, {465, implicit}, {8465, implicit}}, 6,
    auth_mechanism::automatic, user_kind::generated, "",
    "the SMTP user made under Sending > SMTP Users",
    "that SMTP user's password",
    "SMTP2GO takes an SMTP user from Sending > SMTP Users (not the login to the web app)",
    "SMTP2GO Support: SMTP server settings (ports 2525, 8025, 587, 80, 25; 465, 8465, 443 with SSL)"};

inline constexpr provider sendlayer{
    "sendlayer", "SendLayer", "smtp.sendlayer.net", "", 587, starttls,
    {{2525, starttls}, {25, starttls}, {465, implicit}}, 3,
    auth_mechanism::automatic, user_kind::generated, "",
    "the SMTP user name from Settings > SMTP Credentials",
    "the SMTP password from the same page",
    "SendLayer takes the SMTP credentials from Settings > SMTP Credentials, and the sending domain must be "
    "authorized",
    "SendLayer Documentation: How to Use SendLayer's SMTP Credentials"};

// The user-name convention here is the least certain of the presets: SMTP.com has taken the
// sender (channel) name with an API key, and account logins with a password.
inline constexpr provider smtp_com{
    "smtp.com", "SMTP.com", "send.smtp.com", "", 587, starttls,
    {{2525, starttls}, {25, starttls}, {465, implicit}}, 3,
    auth_mechanism::automatic, user_kind::generated, "",
    "the sender (channel) name",
    "the sender's API key",
    "SMTP.com takes the sender name as user and its API key as password",
    "SMTP.com Knowledge Base: SMTP relay settings"};

inline constexpr provider zoho{
    "zoho", "Zoho Mail", "smtp.zoho.*", "com", 587, starttls, {{465, implicit}}, 1,
    auth_mechanism::automatic, user_kind::address, "",
    "your full Zoho address (organisation mailboxes use smtppro.zoho.*: --host smtppro.zoho.com)",
    "the account password, or an application-specific password when two-factor authentication is on",
    "Zoho refuses the account password when two-factor authentication is on (make an application-specific "
    "password), and organisation mailboxes must use smtppro.zoho.* in their data centre's region "
    "(zoho:eu, zoho:in, zoho:com.au, zoho:jp)",
    "Zoho Mail Help: SMTP Server Configuration"};

inline constexpr provider mailpro{
    "mailpro", "Mailpro", "smtp.mailpro.com", "", 587, starttls, {{2525, starttls}, {465, implicit}}, 2,
    auth_mechanism::automatic, user_kind::address, "",
    "your Mailpro account address",
    "your Mailpro password",
    "Mailpro takes the account's address and password; check them in the Mailpro account",
    "Mailpro: SMTP port 465 vs 587 (how to configure SMTP with port 587)"};

} // namespace providers

/// Every preset, for lookup by name (using this table links them all).
inline constexpr const provider* all_providers[] = {
    &providers::gmail,     &providers::google_workspace, &providers::m365,       &providers::outlook,
    &providers::ses,       &providers::sendgrid,         &providers::mailgun,    &providers::mailgun_eu,
    &providers::postmark,  &providers::brevo,            &providers::mailjet,    &providers::sparkpost,
    &providers::sparkpost_eu, &providers::smtp2go,       &providers::sendlayer,  &providers::smtp_com,
    &providers::zoho,      &providers::mailpro,
};

namespace detail {

constexpr char ascii_lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

constexpr bool same_name(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
    return true;
}

/// A region is labels of a host name (RFC 1123 §2.1): lower-case letters, digits, '-' and '.',
/// no empty label, no label starting or ending with '-'.
constexpr bool valid_region(std::string_view r) noexcept {
    if (r.empty() || r.size() > 63) return false;
    char before = '.';
    for (std::size_t i = 0; i < r.size(); ++i) {
        const char c = r[i];
        const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (!alnum && c != '-' && c != '.') return false;
        if (c == '.' && (before == '.' || before == '-')) return false;
        if (c == '-' && before == '.') return false;
        before = c;
    }
    return before != '.' && before != '-';
}

} // namespace detail

/// The preset `name` names, ASCII case-insensitively. "NAME:REGION" gives a region to a preset
/// whose host has one ('*'); `region` gets it, or the preset's default. nullptr when the name is
/// unknown, a region is missing where one is needed, given where none fits, or not a host name part.
constexpr const provider* find_provider(std::string_view name, std::string_view& region) noexcept {
    const std::size_t colon = name.find(':');
    const std::string_view base = name.substr(0, colon);
    for (const provider* p : all_providers) {
        if (!detail::same_name(p->name, base)) continue;
        const bool regional = p->host.find('*') != std::string_view::npos;
        if (colon == std::string_view::npos) {
            if (regional && p->default_region.empty()) return nullptr;
            region = p->default_region;
            return p;
        }
        const std::string_view r = name.substr(colon + 1);
        if (!regional || !detail::valid_region(r)) return nullptr;
        region = r;
        return p;
    }
    return nullptr;
}

/// Writes the preset's host, with `region` in place of its '*', NUL-terminated into `out` (`n`
/// octets). Returns its length, or 0 when it does not fit or the region is needed and invalid.
constexpr std::size_t provider_host(const provider& p, std::string_view region, char* out, std::size_t n) noexcept {
    const std::size_t star = p.host.find('*');
    const std::string_view r = star == std::string_view::npos ? std::string_view() : region;
    if (star != std::string_view::npos && !detail::valid_region(r)) return 0;
    const std::size_t len = p.host.size() + r.size() - (star == std::string_view::npos ? 0 : 1);
    if (out == nullptr || len + 1 > n) return 0;
    std::size_t at = 0;
    for (std::size_t i = 0; i < p.host.size(); ++i) {
        if (i == star) {
            for (char c : r) out[at++] = c;
        } else {
            out[at++] = p.host[i];
        }
    }
    out[at] = '\0';
    return at;
}

/// One line of the provider's own advice for a failure, or "" where the library's advice says it
/// all: the usual causes of a rejected AUTH at that provider, and for a port that could not be
/// reached, that the provider listens on others.
constexpr std::string_view provider_advice(const provider& p, const error& e) noexcept {
    if (e.why == cause::credentials_rejected || (e.kind == error_kind::auth && e.where == phase::auth))
        return p.auth_advice;
    if (p.alternative_count != 0 && (e.where == phase::connect || e.where == phase::greeting) &&
        (e.kind == error_kind::network || e.kind == error_kind::timeout))
        return "This provider also listens on other ports (see --fallback): a network that blocks one often "
               "lets another through";
    return {};
}

} // inline namespace MAILWIRE_ABI
} // namespace mailwire

#endif // MAILWIRE_PROVIDERS_HPP
