// SPDX-License-Identifier: BSL-1.0
// mailwire-send: reads one RFC 5322 message from standard input (as sendmail does) and submits it
// over SMTP to every recipient named on the command line. `mailwire-send --help` has the contract:
// options and exit statuses (sysexits.h).
//
// In order: the client type; the settings and their parsing (usage errors, 64); the reporting of
// errors; the checks made before connecting (78, 65) and reading standard input (74); the SMTP
// session, a template over the client type so that a client with a TLS policy drops in. The exit
// statuses come from exit_codes.hpp.
//
// The tool uses the heap (std::string, std::vector) for its own bookkeeping; the library calls it
// makes do without. No exceptions are thrown or needed (it builds with -fno-exceptions -fno-rtti).
#include "../common/cli.hpp"
#include "../common/config_file.hpp"
#include "../common/secrets.hpp"
#include "exit_codes.hpp"
#include "report.hpp"
#include "stagger.hpp"
#include "sendmail.hpp"
#include "stdin_message.hpp"

#include <mailwire/mailwire.hpp>
#if MAILWIRE_SEND_WITH_TLS
#include <mailwire/mbedtls_tls.hpp>
#include <mbedtls/version.h>
#endif

#include <cerrno>
#include <cstddef>
#include <cstdint>

#include <getopt.h>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

#ifndef MAILWIRE_SEND_SYSTEM_CONFIG
#define MAILWIRE_SEND_SYSTEM_CONFIG "/etc/mailwire/config" // (CMake sets it from the install prefix)
#endif

namespace {

using namespace mailwire_send;
using namespace mailwire_cli;

constexpr const char* program = "mailwire-send";

// The contract's mapping, checked where it is used (exit_codes.hpp has the rules).
constexpr mailwire::error sample_error(mailwire::error_kind kind, mailwire::cause why, std::uint16_t code = 0) {
    mailwire::error e;
    e.kind = kind;
    e.why = why;
    e.server.code = code;
    return e;
}
static_assert(exit_code_for(mailwire::error()) == 0, "success");
static_assert(exit_code_for(sample_error(mailwire::error_kind::resolve, mailwire::cause::none)) == 68, "host unknown");
static_assert(exit_code_for(sample_error(mailwire::error_kind::network, mailwire::cause::connection_refused)) == 69, "refused");
static_assert(exit_code_for(sample_error(mailwire::error_kind::network, mailwire::cause::outcome_unknown)) == 74, "lost");
static_assert(exit_code_for(sample_error(mailwire::error_kind::timeout, mailwire::cause::none)) == 75, "timeout");
static_assert(exit_code_for(sample_error(mailwire::error_kind::permanent, mailwire::cause::all_recipients_refused, 550)) == 69, "5xx");
static_assert(exit_code_for(sample_error(mailwire::error_kind::temporary, mailwire::cause::none, 421)) == 75, "4xx");
static_assert(exit_code_for(sample_error(mailwire::error_kind::tls, mailwire::cause::starttls_not_offered)) == 76, "tls");
static_assert(exit_code_for(sample_error(mailwire::error_kind::auth, mailwire::cause::credentials_rejected, 535)) == 77, "auth");
static_assert(exit_code_for(sample_error(mailwire::error_kind::auth, mailwire::cause::none, 454)) == 75, "auth 4xx");
static_assert(exit_code_for(sample_error(mailwire::error_kind::usage, mailwire::cause::bad_address)) == 65, "data");
static_assert(exit_code_for(sample_error(mailwire::error_kind::usage, mailwire::cause::tls_not_available)) == 78, "config");
static_assert(exit_code_for(sample_error(mailwire::error_kind::usage, mailwire::cause::bad_argument)) == 64, "usage");
static_assert(worse_refusal(exit_temporary, exit_unavailable) == exit_unavailable &&
                  worse_refusal(exit_unavailable, exit_temporary) == exit_unavailable &&
                  worse_refusal(exit_ok, exit_temporary) == exit_temporary,
              "the worst refusal decides");

// ============================================================================ the client type
// profiles::runtime: port and encryption come from the command line. The default build has the
// mbedTLS policy (MAILWIRE_SEND_WITH_TLS, set by CMake). Without it, asking for STARTTLS or
// implicit TLS is a run-time error (cause::tls_not_available, exit 78).
#if MAILWIRE_SEND_WITH_TLS
using send_tls = mailwire::mbedtls_tls;
#else
using send_tls = mailwire::no_tls;
#endif
/// POSIX sockets whose connects are staggered across the routes (stagger.hpp, RFC 8305 §5).
using send_client = mailwire::basic_client<mailwire_send::staggered_transport, send_tls, mailwire::profiles::runtime>;
static_assert(mailwire::detail::has_wait_ready<mailwire_send::staggered_transport>::value,
              "mailwire-send reads replies while it writes a pipelined envelope: forward wait_ready()");




void print_line(const std::string& line) {
    std::fwrite(line.data(), 1, line.size(), stderr);
    std::fputc('\n', stderr);
}

/// "mailwire-send: <message>" then "advice: <advice>" on standard error; returns `status`.
int fail(int status, const std::string& message, std::string_view advice) {
    print_line(std::string(program) + ": " + message);
    print_line("advice: " + std::string(advice));
    return status;
}

int usage_error(const std::string& message) {
    return fail(exit_usage, message, "try 'mailwire-send --help' for the options and the exit statuses");
}

// ============================================================================ settings
struct profile_entry {
    std::string_view name;
    std::uint16_t port;
    mailwire::encryption mode;
};
// The library's profiles, by the names the command line uses. "ssl" and "smtps" are what the
// guides and mail programs call port 465's implicit TLS ("SMTP over SSL").
constexpr profile_entry profile_table[] = {
    {"relay", mailwire::profiles::relay::port, mailwire::profiles::relay::mode},
    {"submission", mailwire::profiles::submission::port, mailwire::profiles::submission::mode},
    {"submissions", mailwire::profiles::submissions::port, mailwire::profiles::submissions::mode},
    {"alternate", mailwire::profiles::alternate::port, mailwire::profiles::alternate::mode},
    {"ssl", mailwire::profiles::submissions::port, mailwire::profiles::submissions::mode},
    {"smtps", mailwire::profiles::submissions::port, mailwire::profiles::submissions::mode},
};
constexpr const profile_entry& default_profile = profile_table[1]; // submission

struct encryption_name {
    std::string_view name;
    mailwire::encryption mode;
};
// --tls: the library's names, and "ssl" / "smtps" for implicit TLS as the guides say it.
constexpr encryption_name encryption_names[] = {
    {"none", mailwire::encryption::none},         {"opportunistic", mailwire::encryption::opportunistic},
    {"starttls", mailwire::encryption::starttls}, {"implicit", mailwire::encryption::implicit},
    {"ssl", mailwire::encryption::implicit},      {"smtps", mailwire::encryption::implicit},
};
constexpr mailwire::auth_mechanism auth_mechanisms[] = {mailwire::auth_mechanism::automatic, mailwire::auth_mechanism::plain,
                                                        mailwire::auth_mechanism::login, mailwire::auth_mechanism::xoauth2,
                                                        mailwire::auth_mechanism::oauthbearer};

/// What the command line asked for. The strings point into argv.
struct settings {
    std::string_view host;
    std::uint16_t port = 0; ///< 0: the profile's
    const profile_entry* profile = &default_profile;
    bool profile_given = false;              ///< --profile: its encryption wins over the port's
    std::optional<mailwire::encryption> tls; ///< --tls: overrides the profile's encryption
    std::optional<std::string_view> from;    ///< "" is the null sender <>
    std::optional<std::string_view> user;
    std::optional<std::string_view> password_env;
    std::optional<std::string_view> password_file;
    std::optional<std::string_view> password_command;
    std::optional<std::string_view> password;  ///< a configuration file's `password` (never argv)
    bool netrc = false;
    std::optional<std::string_view> netrc_file;
    std::string netrc_login; ///< the user name the netrc entry gave, when --user did not
    std::optional<mailwire::auth_mechanism> auth;
    bool allow_plaintext_auth = false;
    bool no_chunking = false;
    std::optional<std::string_view> cafile;
    bool insecure = false;
    std::optional<std::string_view> ehlo;
    std::optional<std::string_view> connect_to;
    std::optional<std::string_view> config_file; ///< --config: instead of the user's own file
    std::optional<std::string_view> account;     ///< --account: the configuration file's account
    const mailwire::provider* provider = nullptr; ///< --provider: its host, port, AUTH and advice
    std::string_view region;                     ///< ses:REGION, zoho:eu
    std::uint32_t timeout_ms = 0; ///< 0: the library's per-step defaults
    bool verbose = false;
    std::optional<std::string_view> report_file; ///< --report: every recipient's reply as JSON
    bool fallback = false;                                ///< --fallback: other ports when one fails
    std::vector<mailwire::probe_candidate> fallback_list; ///< --fallback=LIST; empty: the defaults
    std::vector<std::string_view> backups;                ///< --backup HOST[:PORT], in order
    std::vector<std::string_view> recipients;
    // sendmail(8) compatibility: -t takes the recipients from the message's To, Cc and Bcc too;
    // -F is the full name for a From header mailwire-send adds.
    bool recipients_from_headers = false;
    /// Called as sendmail (argv[0]), or with one of its flags: a message without Date, Message-ID
    /// or From gets them, as sendmail does; mailwire-send otherwise sends what it is given as it is.
    bool sendmail_mode = false;
    std::optional<std::string_view> full_name;
    std::vector<std::string> header_recipients; ///< -t: what the headers named (owned)
    // Composing (any of these switches from "standard input is the message" to "compose one").
    std::optional<std::string_view> subject;
    std::optional<std::string_view> body_file;
    std::optional<std::string_view> html_file;
    struct attachment {
        std::string path; ///< NUL-terminated copy for open()
        std::string_view name;
        std::string_view type;
    };
    std::vector<attachment> attachments;
    std::optional<std::string_view> next_attach_type; ///< --attach-type, for the --attach that follows
    std::vector<std::string_view> cc, bcc, reply_to;
    std::vector<std::pair<std::string_view, std::string_view>> headers;

    bool compose() const {
        return subject || body_file || html_file || !attachments.empty() || !cc.empty() || !bcc.empty() ||
               !reply_to.empty() || !headers.empty();
    }

    std::uint16_t effective_port() const { return port != 0 ? port : profile->port; }
    /// --tls, else --profile's, else what the port implies (465 implicit TLS, 25 opportunistic,
    /// any other port STARTTLS required: mailwire::encryption_for_port).
    mailwire::encryption effective_mode() const {
        return tls ? *tls : profile_given ? profile->mode : mailwire::encryption_for_port(effective_port());
    }
};

/// The presets' names, for --help (`wrap`: lines of --help's option texts) and for an unknown
/// --provider.
std::string provider_names(bool wrap = false) {
    std::string names;
    std::size_t line = 0;
    for (const mailwire::provider* p : mailwire::all_providers) {
        if (!names.empty()) names += ",";
        if (wrap && line + p->name.size() > 54) {
            names += "\n                        ";
            line = 0;
        } else if (!names.empty()) {
            names += " ";
        }
        names += std::string(p->name);
        line += p->name.size() + 2;
    }
    return names;
}

void print_help() {
    std::printf(
        "Usage: mailwire-send [OPTIONS] [--] RECIPIENT...\n"
        "Reads one RFC 5322 message (headers, blank line, body; LF or CRLF line ends) from standard\n"
        "input and submits it over SMTP to every RECIPIENT.\n"
        "\n"
        "Examples:\n"
        "  Gmail with an app password kept in a private file:\n"
        "    mailwire-send --provider gmail --user me@gmail.com --password-file ~/.gmail-app-password friend@example.org < message.eml\n"
        "  Microsoft 365 with an OAuth2 access token that a command prints:\n"
        "    mailwire-send --provider m365 --user me@contoso.com --password-command 'oauth2-token me@contoso.com' friend@example.org < message.eml\n"
        "  Amazon SES in eu-west-1 (SES SMTP credentials, not IAM access keys):\n"
        "    mailwire-send --provider ses:eu-west-1 --user AKIAEXAMPLE --password-env SES_SMTP_PASSWORD --from noreply@example.org friend@example.org < message.eml\n"
        "  Any server, trying 587, then 465 and 2525 when a port is blocked:\n"
        "    mailwire-send --host mail.example.org --fallback --user me --netrc --from me@example.org friend@example.org < message.eml\n"
        "  As sendmail for PHP's mail() (php.ini), with an account in ~/.config/mailwire/config:\n"
        "    sendmail_path = \"/usr/local/bin/mailwire-send -t -i\"\n"
        "  Which port works from here, and why not:\n"
        "    mailwire-probe smtp.gmail.com\n"
        "\n"
        "Options (--opt VALUE and --opt=VALUE are the same; long options may be abbreviated):\n"
        "  --provider NAME       a mail service's host, port, AUTH and advice:\n"
        "                        %s\n"
        "                        (ses:REGION and zoho:REGION take a region, e.g. ses:eu-west-1)\n"
        "  --account NAME        an account of the configuration file (default: the one whose 'from'\n"
        "                        is -f/--from, else the account named 'default'); the command line\n"
        "                        wins over the account\n"
        "  --config FILE         read FILE instead of ~/.config/mailwire/config (keys as in\n"
        "                        docs/cli.md; msmtp's names read too). The system's file is read\n"
        "                        first: %s\n"
        "  --host HOST           server name, IPv4 or IPv6 address (or from --provider or the account)\n"
        "  --port N              overrides the profile's port; without --tls or --profile the port\n"
        "                        implies the encryption: 465 implicit TLS, 25 STARTTLS if offered,\n"
        "                        any other port STARTTLS required\n"
        "  --profile NAME        relay        port 25, STARTTLS if offered\n"
        "                        submission   port 587, STARTTLS required (the default)\n"
        "                        submissions  port 465, implicit TLS (also: ssl, smtps)\n"
        "                        alternate    port 2525, STARTTLS required\n"
        "  --tls MODE            none, opportunistic, starttls (required) or implicit (also: ssl,\n"
        "                        smtps): overrides the profile's and the port's encryption\n"
        "  --from ADDR           envelope sender, MAIL FROM (required: here, in the account, or the\n"
        "                        user name of a mailbox provider; '' sends the null sender <>)\n"
        "  --user NAME           user name for AUTH (with one of the four below)\n"
        "  --password-file FILE  the password or OAuth2 token is the first line of FILE\n"
        "  --password-command CMD  ... the first line CMD prints (run with /bin/sh -c; how pass,\n"
        "                        keyrings and OAuth2 token refreshers are used)\n"
        "  --netrc, --netrc-file FILE  ... the password (and the login, without --user) for --host in\n"
        "                        ~/.netrc (or $NETRC, or FILE), as curl reads it\n"
        "  --password-env VAR    the password or OAuth2 token is read from the environment variable\n"
        "                        VAR, never from the command line\n"
        "  --auth MECH           auto (default: PLAIN, then LOGIN, as offered), plain, login, xoauth2,\n"
        "                        oauthbearer\n"
        "  --allow-plaintext-auth  permit AUTH on a connection that is not encrypted (otherwise it is\n"
        "                        refused before the credentials are sent)\n"
        "  --no-chunking         DATA even when the server offers CHUNKING (BDAT, RFC 3030)\n"
        "  -t, -f ADDR, -F NAME, -i, -oi  sendmail's: recipients from To/Cc/Bcc too, the envelope\n"
        "                        sender, the name of an added From; -oX, -bm, -B, -N, -L, -U are\n"
        "                        accepted and ignored (docs/cli.md, \"As sendmail\")\n"
        "  --cafile FILE         trust anchors in PEM (default: the system bundle)\n"
        "  --insecure            skip certificate verification (for tests; prints a warning)\n"
        "  --connect-to ADDR     connect to ADDR (an address or another name) instead of resolving\n"
        "                        --host, which still names the server for TLS: SNI and the\n"
        "                        certificate check (as curl's --connect-to)\n"
        "  --ehlo NAME           the EHLO/HELO name (default: this host's name if it has a dot, else\n"
        "                        the local address literal such as [192.0.2.1])\n"
        "  --timeout SECONDS     upper bound for every single step (connect, each reply, each write);\n"
        "                        a server that trickles bytes does not extend it. Up to 3 decimals\n"
        "                        (0.5 is 500 ms). Default: RFC 5321's per-step times (5 min for most\n"
        "                        replies, 10 min after the data, 30 s to connect)\n"
        "  -v, --verbose         the SMTP dialogue on standard error (C: client, S: server, * notes),\n"
        "                        secrets redacted\n"
        "  --report FILE         write the outcome as JSON: the status, and every recipient with the\n"
        "                        server's reply, so that a script can retry only the refused ones\n"
        "  --fallback[=LIST]     when a port cannot be reached or speaks another mode (refused,\n"
        "                        connect timeout, no greeting, implicit TLS expected or not), try\n"
        "                        the next: alone, the port asked for, then 587 STARTTLS, 465 implicit\n"
        "                        TLS, 2525 STARTTLS; =LIST names them as PORT or PORT/MODE\n"
        "                        (587,465/implicit,25/none). Connects start 250 ms apart while the\n"
        "                        one before has not connected. Never past a certificate failure,\n"
        "                        never to less protection than the list names\n"
        "  --backup HOST[:PORT]  another server (repeatable), tried when the one before failed before\n"
        "                        MAIL FROM or answered 4xx to the greeting or to MAIL FROM; never\n"
        "                        after the final \".\" (then the outcome is unknown and reported).\n"
        "                        Without :PORT, the same ports as the primary\n"
        "\n"
        "Composing a message instead of reading one (any of these switches it on; the RECIPIENTs are\n"
        "then the To: addresses, and the text body comes from --body-file or else standard input):\n"
        "  --subject TEXT        the Subject (UTF-8; encoded as RFC 2047 needs)\n"
        "  --body-file FILE      the text/plain body\n"
        "  --html-file FILE      a text/html body (with a text body: multipart/alternative)\n"
        "  --attach FILE[;TYPE]  an attachment, streamed from the file (repeatable); TYPE defaults\n"
        "                        from the file name's extension, else application/octet-stream.\n"
        "                        A ';' not followed by a type/subtype is part of the file name\n"
        "  --attach-type TYPE    the type of the --attach that follows; its FILE is then taken\n"
        "                        whole, whatever it contains\n"
        "  --reply-to ADDR       a Reply-To: address (repeatable)\n"
        "  --cc ADDR             a Cc: recipient (repeatable)\n"
        "  --bcc ADDR            a Bcc recipient: in the envelope only, never in a header (repeatable)\n"
        "  --header 'NAME: VALUE'  a header of your own (repeatable)\n"
        "A message over 1 MB shows a progress bar when standard error is a terminal.\n"
        "  -h, --help            this text\n"
        "      --version         the version\n"
        "\n"
        "Exit status (sysexits.h, and 3):\n"
        "   0  the server accepted the message for every recipient (2xx after the end of the data)\n"
        "   3  partial delivery: the server accepted the message for some recipients and refused\n"
        "      others (each named on standard error, and in --report): do not send it again to all\n"
        "      of them, only to the refused ones\n"
        "  64  usage error\n"
        "  65  bad input data: an address or header with CR/LF or invalid syntax, a header that\n"
        "      mailwire writes itself, a message larger than the server's SIZE, 8-bit text to a\n"
        "      server without 8BITMIME, a line over 998 octets (or a NUL) to a server without\n"
        "      BINARYMIME; nothing was delivered\n"
        "  68  host name not found\n"
        "  69  unavailable: connection refused, or a 5xx refusal\n"
        "  74  I/O error: connection lost (after the final \".\": the outcome is unknown), or\n"
        "      standard input, --body-file or an --attach file unreadable\n"
        "  75  temporary failure: a 4xx reply or a timeout; retrying later may work\n"
        "  76  protocol failure: malformed or unexpected reply, overlong line, STARTTLS required but\n"
        "      not offered or refused, TLS failure; a configuration mismatch found at the greeting:\n"
        "      the port expects implicit TLS, or the server accepted and never greeted (after 10 s)\n"
        "  77  permission denied: authentication rejected\n"
        "  78  configuration error: unreadable CA file, password variable not set, credentials but\n"
        "      only a plaintext connection allowed, TLS needed but not built in\n"
        "When some recipients are refused, the message still goes to the others; each refused one is\n"
        "named on standard error with the server's reply, and the status is 3. When every recipient\n"
        "is refused, the status is that of the worst refusal (69 for 5xx, 75 for 4xx). Every failure\n"
        "prints one line starting with \"advice:\".\n"
        "\n"
        "This build: TLS %s.\n",
        provider_names(true).c_str(), MAILWIRE_SEND_SYSTEM_CONFIG, send_client::tls_type::available ? "available" : "not built in (use --tls none, only on a trusted network)");
}

/// The version, and the TLS library's (a bug report needs both).
void print_version() {
#if MAILWIRE_SEND_WITH_TLS
    char running[32]; // the library's, which may be newer than the headers
    mailwire::detail::mbedtls_compat::library_version(running, sizeof(running));
    const std::string tls = tls_version_text(MBEDTLS_VERSION_STRING, running);
#else
    const std::string tls = tls_version_text(nullptr);
#endif
    std::printf("mailwire-send %d.%d.%d (mailwire %d.%d.%d, %s)\n", MAILWIRE_VERSION_MAJOR, MAILWIRE_VERSION_MINOR,
                MAILWIRE_VERSION_PATCH, MAILWIRE_VERSION_MAJOR, MAILWIRE_VERSION_MINOR, MAILWIRE_VERSION_PATCH, tls.c_str());
}



enum class option_id {
    host, port, profile, tls, from, user, password_env, password_file, password_command, netrc, netrc_file, auth,
    allow_plaintext_auth, no_chunking, cafile, insecure, ehlo,
    timeout, verbose, help, version, connect_to, config, account, provider, subject, body_file, html_file, attach, attach_type, cc, bcc,
    reply_to, header, report,
    fallback, backup,
};

struct option_spec {
    std::string_view name; ///< without the leading "--"
    option_id id;
    bool takes_value;
    bool value_optional = false; ///< only as --name=VALUE; --name alone is the option without one
};

constexpr option_spec option_table[] = {
    {"host", option_id::host, true},
    {"port", option_id::port, true},
    {"profile", option_id::profile, true},
    {"tls", option_id::tls, true},
    {"from", option_id::from, true},
    {"user", option_id::user, true},
    {"password-env", option_id::password_env, true},
    {"password-file", option_id::password_file, true},
    {"password-command", option_id::password_command, true},
    {"netrc", option_id::netrc, false},
    {"netrc-file", option_id::netrc_file, true},
    {"auth", option_id::auth, true},
    {"allow-plaintext-auth", option_id::allow_plaintext_auth, false},
    {"no-chunking", option_id::no_chunking, false},
    {"cafile", option_id::cafile, true},
    {"insecure", option_id::insecure, false},
    {"ehlo", option_id::ehlo, true},
    {"timeout", option_id::timeout, true},
    {"verbose", option_id::verbose, false},
    {"help", option_id::help, false},
    {"version", option_id::version, false},
    {"connect-to", option_id::connect_to, true},
    {"config", option_id::config, true},
    {"account", option_id::account, true},
    {"provider", option_id::provider, true},
    {"subject", option_id::subject, true},
    {"body-file", option_id::body_file, true},
    {"html-file", option_id::html_file, true},
    {"attach", option_id::attach, true},
    {"attach-type", option_id::attach_type, true},
    {"reply-to", option_id::reply_to, true},
    {"cc", option_id::cc, true},
    {"bcc", option_id::bcc, true},
    {"header", option_id::header, true},
    {"report", option_id::report, true},
    {"fallback", option_id::fallback, false, true},
    {"backup", option_id::backup, true},
};

/// Either go on with the session, or exit with `status` (after --help, --version, a usage error).
struct parse_outcome {
    bool proceed = true;
    int status = exit_ok;
};

parse_outcome stop(int status) { return parse_outcome{false, status}; }

/// Whether `t` has the form of a content type, type "/" subtype of RFC 2045 §5.1 token characters
/// (the composer checks it again when it is used).
bool looks_like_type(std::string_view t) {
    const std::size_t slash = t.find('/');
    if (slash == 0 || slash == std::string_view::npos || slash + 1 == t.size()) return false;
    for (std::size_t i = 0; i < t.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(t[i]);
        if (i == slash) continue;
        if (c <= 32 || c >= 127 || std::strchr("()<>@,;:\\\"/[]?=", c) != nullptr) return false;
    }
    return true;
}

/// A content type from a file name's extension, for --attach without ;TYPE.
std::string_view type_for(std::string_view name) {
    struct entry {
        std::string_view ext, type;
    };
    static constexpr entry table[] = {
        {".txt", "text/plain"},       {".csv", "text/csv"},          {".log", "text/plain"},
        {".html", "text/html"},       {".htm", "text/html"},         {".json", "application/json"},
        {".xml", "application/xml"},  {".pdf", "application/pdf"},   {".zip", "application/zip"},
        {".gz", "application/gzip"},  {".png", "image/png"},         {".jpg", "image/jpeg"},
        {".jpeg", "image/jpeg"},      {".gif", "image/gif"},         {".svg", "image/svg+xml"},
        {".eml", "message/rfc822"},
    };
    for (const entry& e : table) {
        if (name.size() > e.ext.size() && iequals(name.substr(name.size() - e.ext.size()), e.ext)) return e.type;
    }
    return "application/octet-stream";
}

/// A --backup value: "mx2.example.org", "mx2.example.org:2525", "192.0.2.7:587", "[2001:db8::7]:465",
/// or an IPv6 address without brackets and port. Port 0: none given.
struct host_port {
    std::string_view host;
    std::uint16_t port = 0;
};
bool parse_host_port(std::string_view text, host_port& out) {
    std::string_view port_text;
    if (!text.empty() && text.front() == '[') {
        const std::size_t close = text.find(']');
        if (close == std::string_view::npos || close == 1) return false;
        out.host = text.substr(1, close - 1);
        const std::string_view rest = text.substr(close + 1);
        if (!rest.empty() && rest.front() != ':') return false;
        if (!rest.empty()) port_text = rest.substr(1);
        if (!rest.empty() && port_text.empty()) return false;
    } else {
        const std::size_t colon = text.find(':');
        const bool one_colon = colon != std::string_view::npos && text.find(':', colon + 1) == std::string_view::npos;
        out.host = one_colon ? text.substr(0, colon) : text;
        if (one_colon) {
            port_text = text.substr(colon + 1);
            if (port_text.empty()) return false;
        }
    }
    if (out.host.empty()) return false;
    for (char c : out.host) {
        if (static_cast<unsigned char>(c) <= ' ' || c == '/' || c == '@') return false;
    }
    out.port = 0;
    if (!port_text.empty()) {
        std::uint64_t port = 0;
        if (!parse_unsigned(port_text, 65535, port) || port == 0) return false;
        out.port = static_cast<std::uint16_t>(port);
    }
    return true;
}

std::string provider_problem(std::string_view value); // (with the accounts, below)

/// Applies one option. Returns what is wrong with its value, or "" (the caller says where the
/// value came from: the command line or a configuration file).
std::string apply_option(const option_spec& spec, std::string_view value, settings& s) {
    const std::string name = "--" + std::string(spec.name);
    switch (spec.id) {
    case option_id::host:
        if (value.empty()) return std::string("--host needs a host name or address");
        s.host = value;
        return {};
    case option_id::port: {
        std::uint64_t port = 0;
        if (!parse_unsigned(value, 65535, port) || port == 0)
            return std::string("--port '" + visible(value) + "': not a port number (1 to 65535)");
        s.port = static_cast<std::uint16_t>(port);
        return {};
    }
    case option_id::profile:
        for (const profile_entry& p : profile_table) {
            if (iequals(value, p.name)) {
                s.profile = &p;
                s.profile_given = true;
                return {};
            }
        }
        return std::string("--profile '" + visible(value) +
                           "': not one of relay, submission, submissions (or ssl, smtps), alternate");
    case option_id::tls:
        for (const encryption_name& m : encryption_names) {
            if (iequals(value, m.name)) {
                s.tls = m.mode;
                return {};
            }
        }
        return std::string("--tls '" + visible(value) +
                           "': not one of none, opportunistic, starttls, implicit (or ssl, smtps)");
    case option_id::from: s.from = value; return {};
    case option_id::user:
        if (value.empty()) return std::string("--user needs a user name");
        s.user = value;
        return {};
    case option_id::password_env:
        if (value.empty() || value.find('=') != std::string_view::npos)
            return std::string("--password-env '" + visible(value) + "': not an environment variable name");
        s.password_env = value;
        return {};
    case option_id::password_file:
        if (value.empty()) return std::string("--password-file needs a file name");
        s.password_file = value;
        return {};
    case option_id::password_command:
        if (value.empty()) return std::string("--password-command needs a command");
        s.password_command = value;
        return {};
    case option_id::netrc: s.netrc = true; return {};
    case option_id::netrc_file:
        if (value.empty()) return std::string("--netrc-file needs a file name");
        s.netrc = true;
        s.netrc_file = value;
        return {};
    case option_id::auth:
        for (mailwire::auth_mechanism m : auth_mechanisms) {
            if (iequals(value, mailwire::to_string(m))) {
                s.auth = m;
                return {};
            }
        }
        return std::string("--auth '" + visible(value) + "': not one of auto, plain, login, xoauth2, oauthbearer");
    case option_id::allow_plaintext_auth: s.allow_plaintext_auth = true; return {};
    case option_id::no_chunking: s.no_chunking = true; return {};
    case option_id::cafile:
        if (value.empty()) return std::string("--cafile needs a file name");
        s.cafile = value;
        return {};
    case option_id::insecure: s.insecure = true; return {};
    case option_id::ehlo:
        if (value.empty()) return std::string("--ehlo needs a name");
        s.ehlo = value;
        return {};
    case option_id::timeout:
        if (!parse_timeout(value, s.timeout_ms))
            return std::string("--timeout '" + visible(value) +
                               "': not a number of seconds above 0 (at most 3 decimals, e.g. 30 or 2.5)");
        return {};
    case option_id::verbose: s.verbose = true; return {};
    case option_id::connect_to:
        if (value.empty()) return std::string("--connect-to needs an address");
        s.connect_to = value;
        return {};
    case option_id::config:
        if (value.empty()) return std::string("--config needs a file name");
        s.config_file = value;
        return {};
    case option_id::account:
        if (value.empty()) return std::string("--account needs an account name");
        s.account = value;
        return {};
    case option_id::provider:
        s.provider = mailwire::find_provider(value, s.region);
        if (s.provider == nullptr) return std::string("--provider '" + visible(value) + "': " + provider_problem(value));
        return {};
    case option_id::subject: s.subject = value; return {};
    case option_id::body_file:
        if (value.empty()) return std::string("--body-file needs a file name");
        s.body_file = value;
        return {};
    case option_id::html_file:
        if (value.empty()) return std::string("--html-file needs a file name");
        s.html_file = value;
        return {};
    case option_id::attach: {
        // FILE[;TYPE]: the attachment's name is the file's last path component. What follows the
        // last ';' is a type only when it looks like one (type/subtype, RFC 2045 §5.1), so
        // "notes;v2.txt" is a file name; after --attach-type the whole value is the file.
        std::string_view path = value, type;
        if (s.next_attach_type) {
            type = *s.next_attach_type;
            s.next_attach_type.reset();
        } else if (const std::size_t semi = value.rfind(';'); semi != std::string_view::npos && looks_like_type(value.substr(semi + 1))) {
            path = value.substr(0, semi);
            type = value.substr(semi + 1);
        }
        if (path.empty()) return std::string("--attach needs a file name (FILE or FILE;TYPE)");
        const std::size_t slash = path.rfind('/');
        const std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
        if (type.empty()) type = type_for(name);
        s.attachments.push_back(settings::attachment{std::string(path), name, type});
        return {};
    }
    case option_id::attach_type:
        if (!looks_like_type(value)) return std::string("--attach-type '" + visible(value) + "': not a type/subtype such as text/csv");
        if (s.next_attach_type) return std::string("--attach-type given twice before one --attach");
        s.next_attach_type = value;
        return {};
    case option_id::reply_to: s.reply_to.push_back(value); return {};
    case option_id::report:
        if (value.empty()) return std::string("--report needs a file name");
        s.report_file = value;
        return {};
    case option_id::cc: s.cc.push_back(value); return {};
    case option_id::bcc: s.bcc.push_back(value); return {};
    case option_id::header: {
        const std::size_t colon = value.find(':');
        if (colon == std::string_view::npos || colon == 0)
            return std::string("--header '" + visible(value) + "': not 'Name: value'");
        std::string_view v = value.substr(colon + 1);
        while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
        s.headers.emplace_back(value.substr(0, colon), v);
        return {};
    }
    case option_id::fallback:
        s.fallback = true;
        if (!value.empty()) {
            if (const std::string problem = parse_candidates(value, s.fallback_list); !problem.empty())
                return std::string("--fallback=" + problem);
        }
        return {};
    case option_id::backup: {
        host_port hp;
        if (!parse_host_port(value, hp))
            return std::string("--backup '" + visible(value) + "': HOST or HOST:PORT ([IPv6]:PORT), port 1 to 65535");
        s.backups.push_back(value);
        return {};
    }
    case option_id::help:
    case option_id::version: break; // handled by the caller
    }
    return std::string("internal error: unhandled option " + name);
}

/// What was probably meant by an unknown long option, for the names people try first.
std::string meant_by(std::string_view name) {
    if (name == "password" || name == "pass" || name == "passwd")
        return " (the secret never goes on the command line: --password-env VAR, --password-file FILE or "
               "--password-command CMD)";
    if (name == "server" || name == "smtp") return " (did you mean --host?)";
    if (name == "to" || name == "rcpt") return " (recipients follow the options, without a flag)";
    return "";
}

/// The command line, with getopt_long (so long options abbreviate and short ones bundle, as
/// users of sendmail expect). Besides mailwire-send's own options, sendmail(8)'s: -t (recipients
/// from the headers too), -f ADDR (= --from), -F NAME, -i and -oi (accepted: the message always
/// runs to the end of standard input, a lone "." does not end it), and, accepted and ignored
/// (harmless here): -oX for any other X (-odi, -oem, -om...), -bm, -B TYPE, -N DSN, -L TAG, -U.
parse_outcome parse_arguments(int argc, char** argv, settings& s) {
    std::vector<option> longs;
    for (const option_spec& o : option_table) {
        option lo{};
        lo.name = o.name.data(); // (the table's names are string literals: NUL-terminated)
        lo.has_arg = o.value_optional ? optional_argument : o.takes_value ? required_argument : no_argument;
        lo.flag = nullptr;
        lo.val = 1000 + static_cast<int>(&o - option_table);
        longs.push_back(lo);
    }
    longs.push_back(option{nullptr, 0, nullptr, 0});
    opterr = 0;  // the messages below say more than getopt's
    optind = 0;  // (0, not 1: glibc starts over, so the command line can be read twice)
    {
        const std::string_view self = argc > 0 ? std::string_view(argv[0]) : std::string_view();
        const std::size_t slash = self.rfind('/');
        s.sendmail_mode = self.substr(slash == std::string_view::npos ? 0 : slash + 1) == "sendmail";
    }
    for (;;) {
        const int c = ::getopt_long(argc, argv, ":hvtif:F:o:b:B:N:L:U", longs.data(), nullptr);
        if (c == -1) break;
        const std::string_view value = optarg != nullptr ? std::string_view(optarg) : std::string_view();
        const std::string_view arg = optind - 1 < argc ? std::string_view(argv[optind - 1]) : std::string_view();
        if (c == '?' || c == ':') {
            // getopt_long sets optopt to the short option's letter, to the long option's value for
            // a missing argument, and to 0 for an unknown or ambiguous long option (named by the
            // argument it stopped at).
            if (c == ':')
                return stop(usage_error((optopt >= 1000 ? "--" + std::string(option_table[optopt - 1000].name)
                                                        : "-" + std::string(1, static_cast<char>(optopt))) +
                                        " needs a value"));
            if (optopt == 0) {
                std::string_view name = arg.substr(arg.size() > 2 ? 2 : arg.size());
                name = name.substr(0, name.find('='));
                return stop(usage_error("unknown or ambiguous option '--" + visible(name) + "'" + meant_by(name)));
            }
            return stop(usage_error("unknown option '-" + visible(std::string(1, static_cast<char>(optopt))) + "'"));
        }
        if (c >= 1000) {
            const option_spec& spec = option_table[c - 1000];
            if (spec.id == option_id::help) {
                print_help();
                return stop(exit_ok);
            }
            if (spec.id == option_id::version) {
                print_version();
                return stop(exit_ok);
            }
            if (const std::string problem = apply_option(spec, value, s); !problem.empty()) return stop(usage_error(problem));
            continue;
        }
        if (c != 'h' && c != 'v') s.sendmail_mode = true;
        switch (c) {
        case 'h': print_help(); return stop(exit_ok);
        case 'v': s.verbose = true; break;
        case 't': s.recipients_from_headers = true; break;
        case 'i': break; // the input always runs to its end
        case 'f': s.from = value; break;
        case 'F': s.full_name = value; break;
        case 'o': break; // -oi, and sendmail's other -o options (delivery mode, error mode...): nothing to do here
        case 'b':
            if (value != "m")
                return stop(usage_error("-b" + visible(value) + ": only -bm (send a message) is supported"));
            break;
        default: break; // -B, -N, -L, -U: accepted and ignored
        }
    }
    for (int i = optind; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "-") return stop(usage_error("'-' is not an address (the message is read from standard input anyway)"));
        s.recipients.push_back(arg);
    }
    if (s.next_attach_type)
        return stop(usage_error("--attach-type " + visible(*s.next_attach_type) + " has no --attach FILE after it"));

    return parse_outcome{};
}

/// What the command line, the configuration file and the provider left to check together.
parse_outcome validate(const settings& s) {
    if (s.host.empty())
        return stop(usage_error("no server: --host HOST, --provider NAME, or an account (--account NAME, or a default "
                                "account in " + (s.config_file ? visible(*s.config_file) : std::string("~/.config/mailwire/config")) + ")"));
    if (!s.from) return stop(usage_error("--from ADDR is required (the envelope sender, MAIL FROM), or 'from' in the account"));
    if (s.recipients.empty() && !s.recipients_from_headers)
        return stop(usage_error("no recipient: name at least one address after the options (or -t: from the headers)"));
    const int secret_sources = (s.password_env ? 1 : 0) + (s.password_file ? 1 : 0) + (s.password_command ? 1 : 0) +
                               (s.netrc ? 1 : 0) + (s.password ? 1 : 0);
    if (secret_sources > 1)
        return stop(usage_error("give the secret one way: --password-env, --password-file, --password-command or --netrc"));
    if (s.user && secret_sources == 0)
        return stop(usage_error("--user needs the secret from --password-env VAR, --password-file FILE, "
                                "--password-command CMD or --netrc (never on the command line)"));
    if (secret_sources != 0 && !s.user && !s.netrc)
        return stop(usage_error("--password-env, --password-file and --password-command need --user NAME"));
    if (s.auth && *s.auth != mailwire::auth_mechanism::automatic && !s.user && !s.netrc)
        return stop(usage_error("--auth needs --user and a secret (--password-env, --password-file, --password-command, --netrc)"));
    if (!s.fallback_list.empty() && (s.port != 0 || s.tls || s.profile_given))
        return stop(usage_error("--fallback=LIST names every port and its mode (PORT/MODE): leave out --port, --tls "
                                "and --profile, or use --fallback alone to follow them with 587, 465 and 2525"));
    return parse_outcome{};
}

// ============================================================================ accounts and providers
/// The keys a configuration file may hold. Most are long options without their "--" (with "_"
/// for "-"); msmtp's names are read too (passwordeval, tls_trust_file, domain, tls_starttls,
/// tls_certcheck), so that an msmtp account mostly works as it is. `password` holds the secret
/// itself: then the file must be private (config_file.hpp refuses it otherwise).
struct config_key {
    std::string_view key;
    std::string_view option; ///< the long option that reads the value; "" for the keys below
};
constexpr config_key config_keys[] = {
    {"host", "host"},         {"port", "port"},
    {"profile", "profile"},   {"provider", "provider"},
    {"from", "from"},         {"user", "user"},
    {"password_env", "password-env"}, {"password_file", "password-file"},
    {"password_command", "password-command"}, {"passwordeval", "password-command"},
    {"netrc_file", "netrc-file"}, {"cafile", "cafile"},
    {"tls_trust_file", "cafile"}, {"ehlo", "ehlo"},
    {"domain", "ehlo"},       {"connect_to", "connect-to"},
    {"timeout", "timeout"},   {"backup", "backup"},
    {"auth", "auth"},         {"tls", "tls"},
    {"fallback", "fallback"}, {"password", ""},
    {"netrc", ""},            {"tls_starttls", ""},
    {"tls_certcheck", ""},    {"allow_plaintext_auth", ""},
    {"chunking", ""},
};

bool known_key(std::string_view key) {
    for (const config_key& k : config_keys)
        if (k.key == key) return true;
    return false;
}

/// Texts the settings point at that no argv and no file holds (a provider's host with its region).
std::string_view keep(std::string text) {
    static std::deque<std::string> kept;
    kept.push_back(std::move(text));
    return kept.back();
}

/// on/off, as msmtp writes them (yes/no and true/false read too).
std::optional<bool> switch_value(std::string_view v) {
    if (iequals(v, "on") || iequals(v, "yes") || iequals(v, "true")) return true;
    if (iequals(v, "off") || iequals(v, "no") || iequals(v, "false")) return false;
    return std::nullopt;
}

/// Applies one setting of an account. Returns "FILE:LINE: what is wrong", or "".
std::string apply_entry(const mailwire_config::entry& e, settings& s) {
    const std::string_view key = e.key;
    std::string_view value = e.value;
    // A file name may start with "~/", as in msmtp's files (the shell is not there to expand it).
    const char* home = std::getenv("HOME");
    if ((key == "password_file" || key == "cafile" || key == "tls_trust_file" || key == "netrc_file") &&
        value.substr(0, 2) == "~/" && home != nullptr && *home != '\0')
        value = keep(std::string(home) + std::string(value.substr(1)));
    const std::optional<bool> on = switch_value(value);
    auto bad = [&](const std::string& what) { return e.where + ": " + std::string(key) + " '" + visible(value) + "': " + what; };
    // One secret: a later source replaces an earlier one (an account's over its parent's).
    if (key == "password" || key == "password_file" || key == "password_command" || key == "passwordeval" ||
        key == "password_env" || key == "netrc_file" || (key == "netrc" && on.value_or(false))) {
        s.password = s.password_file = s.password_command = s.password_env = s.netrc_file = std::nullopt;
        s.netrc = false;
    }
    if (key == "password") {
        s.password = value;
        return {};
    }
    if (key == "from") {
        const mailwire::address_check a = mailwire::check_sender(value);
        if (a != mailwire::address_check::ok && a != mailwire::address_check::ok_needs_utf8)
            return bad("not an address (user@example.org)");
    }
    if (key == "netrc" || key == "tls_starttls" || key == "tls_certcheck" || key == "allow_plaintext_auth" ||
        key == "chunking") {
        if (!on) return bad("not on or off");
        if (key == "netrc") s.netrc = *on;
        if (key == "tls_starttls" && !*on) s.tls = mailwire::encryption::implicit; // msmtp: TLS from the first byte
        if (key == "tls_certcheck") s.insecure = !*on;
        if (key == "allow_plaintext_auth") s.allow_plaintext_auth = *on;
        if (key == "chunking") s.no_chunking = !*on;
        return {};
    }
    if (key == "tls" && on) {
        // msmtp's "tls on" is STARTTLS unless "tls_starttls off" asked for TLS from the first byte.
        if (!*on) s.tls = mailwire::encryption::none;
        else if (s.tls != mailwire::encryption::implicit) s.tls = mailwire::encryption::starttls;
        return {};
    }
    if (key == "auth" && on) {
        if (!*on) return bad("this tool authenticates only when the account has a user: leave 'user' out instead");
        s.auth = mailwire::auth_mechanism::automatic;
        return {};
    }
    if (key == "fallback" && on) {
        s.fallback = *on;
        if (!*on) s.fallback_list.clear();
        return {};
    }
    for (const config_key& k : config_keys) {
        if (k.key != key || k.option.empty()) continue;
        for (const option_spec& spec : option_table) {
            if (spec.name != k.option) continue;
            std::string problem = apply_option(spec, value, s);
            if (problem.empty()) return {};
            // The option's own message, named as the file names it.
            const std::string option = "--" + std::string(spec.name);
            if (problem.compare(0, option.size(), option) == 0) problem.replace(0, option.size(), key);
            return e.where + ": " + problem;
        }
    }
    return e.where + ": unknown key '" + std::string(key) + "'"; // (config_file.hpp lets only known keys through)
}

/// Why --provider NAME names no preset.
std::string provider_problem(std::string_view value) {
    const std::string_view name = value.substr(0, value.find(':'));
    for (const mailwire::provider* p : mailwire::all_providers) {
        if (!iequals(p->name, name)) continue;
        const bool regional = p->host.find('*') != std::string_view::npos;
        if (!regional) return std::string(p->name) + " has no regions: leave out ':" + visible(value.substr(name.size() + 1)) + "'";
        if (value.size() == name.size()) return std::string(p->name) + " needs a region, e.g. " + std::string(p->name) + ":eu-west-1";
        return "the region is not a host name part (lower-case letters, digits, '-' and '.')";
    }
    return "not a known provider (" + provider_names() + ")";
}


/// What the account and the provider give, under what the command line says. In order: the
/// command line is read once to find --config and --account (and to stop at --help or a usage
/// error); the configuration files are read (the system's, then the user's or --config's); the
/// account is applied, then the command line again, which wins; last, the provider fills what is
/// still open. The account is --account's, else (without --host and --provider) the first whose
/// `from` is --from / -f, else the one named "default"; the defaults section applies to all.
parse_outcome configure(int argc, char** argv, settings& s, mailwire_config::config& cfg) {
    settings cli;
    if (const parse_outcome first = parse_arguments(argc, argv, cli); !first.proceed) return first;

    auto config_failure = [](const mailwire_config::problem& p) { return stop(fail(exit_config, p.message, p.advice)); };
    const char* system_file = std::getenv("MAILWIRE_SYSTEM_CONFIG"); // (packagers and tests move it)
    const std::string system_path = system_file != nullptr && *system_file != '\0' ? system_file : MAILWIRE_SEND_SYSTEM_CONFIG;
    if (const mailwire_config::problem p = mailwire_config::read_file(system_path, false, known_key, cfg); !p.empty())
        return config_failure(p);
    const std::string user_path = cli.config_file ? std::string(*cli.config_file) : mailwire_config::user_file();
    if (!user_path.empty()) {
        if (const mailwire_config::problem p = mailwire_config::read_file(user_path, cli.config_file.has_value(), known_key, cfg);
            !p.empty())
            return config_failure(p);
    }
    // Every account is checked, not only the one used: a mistake shows the day it is made.
    for (const mailwire_config::account& a : cfg.accounts) {
        settings scratch;
        for (const mailwire_config::entry& e : a.entries) {
            if (const std::string problem = apply_entry(e, scratch); !problem.empty())
                return stop(fail(exit_config, problem, "docs/cli.md, \"Accounts\", lists the keys and their values."));
        }
    }

    const mailwire_config::account* chosen = nullptr;
    if (cli.account) {
        chosen = cfg.find(*cli.account);
        if (chosen == nullptr) {
            std::string files;
            for (const std::string& f : cfg.files) files += (files.empty() ? "" : ", ") + f;
            return stop(fail(exit_config, "--account " + visible(*cli.account) + ": no such account" +
                                              (files.empty() ? " (no configuration file was found)" : " in " + files),
                             "Define it with 'account " + visible(*cli.account) + "' in " +
                                 (user_path.empty() ? std::string("~/.config/mailwire/config") : user_path) +
                                 " (docs/cli.md, \"Accounts\")."));
        }
    } else if (cli.host.empty() && cli.provider == nullptr) {
        if (cli.from) {
            for (const mailwire_config::account& a : cfg.accounts) {
                for (const mailwire_config::entry& e : a.entries)
                    if (chosen == nullptr && e.key == "from" && iequals(e.value, *cli.from)) chosen = &a;
            }
        }
        if (chosen == nullptr) chosen = cfg.find("default");
    }
    for (const mailwire_config::entry& e : chosen != nullptr ? chosen->entries : cfg.defaults)
        (void)apply_entry(e, s); // (checked above)
    // What the command line says replaces the account's: one secret, one list of backups.
    if (cli.password_env || cli.password_file || cli.password_command || cli.netrc) {
        s.password_env = s.password_file = s.password_command = s.password = std::nullopt;
        s.netrc = false;
    }
    if (!cli.backups.empty()) s.backups.clear();
    if (cli.host != s.host && !cli.host.empty() && cli.provider == nullptr) s.provider = nullptr; // another server
    if (const parse_outcome second = parse_arguments(argc, argv, s); !second.proceed) return second;

    if (s.provider != nullptr) {
        const mailwire::provider& p = *s.provider;
        if (s.host.empty()) {
            char host[256];
            const std::size_t n = mailwire::provider_host(p, s.region, host, sizeof host);
            if (n == 0) return stop(usage_error("--provider " + std::string(p.name) + ": " + provider_problem(p.name)));
            s.host = keep(std::string(host, n));
        }
        if (s.port == 0 && !s.tls && !s.profile_given && s.fallback_list.empty()) s.port = p.port;
        if (!s.auth && p.auth != mailwire::auth_mechanism::automatic && (s.user || p.user == mailwire::user_kind::fixed))
            s.auth = p.auth;
        if (!s.user && p.user == mailwire::user_kind::fixed && (s.password_env || s.password_file || s.password_command || s.password))
            s.user = p.fixed_user;
        // Mailbox providers send as the mailbox: its address is the natural envelope sender.
        if (!s.from && p.user == mailwire::user_kind::address && s.user && s.user->find('@') != std::string_view::npos)
            s.from = s.user;
    }
    return validate(s);
}

// ============================================================================ errors
/// An error the tool raises itself with one of the library's causes, with the library's advice.
mailwire::error make_error(mailwire::phase where, mailwire::error_kind kind, mailwire::cause why, const settings& s,
                           const mailwire::reply& server = mailwire::reply()) {
    mailwire::error e;
    e.where = where;
    e.kind = kind;
    e.why = why;
    e.server = server;
    e.advice_text = mailwire::advise(e, mailwire::advice_context{s.effective_port(), s.effective_mode(), false});
    return e;
}

/// What went wrong, in words, without the phase and the server's reply.
std::string describe_failure(const mailwire::error& e, const settings& s) {
    using mailwire::cause;
    using mailwire::error_kind;
    std::string what;
    if (e.why == cause::bad_argument) {
        switch (e.where) {
        case mailwire::phase::connect: what = "invalid host name '" + visible(s.host) + "'"; break;
        case mailwire::phase::ehlo: what = "invalid EHLO name (--ehlo): no spaces or control characters, at most 255"; break;
        case mailwire::phase::auth: what = "invalid credentials (NUL byte, or too long)"; break;
        default: what = mailwire::to_string(e.why); break;
        }
    } else if (e.why != cause::none) {
        what = mailwire::to_string(e.why);
    } else {
        switch (e.kind) {
        case error_kind::resolve: what = "host name not found"; break;
        case error_kind::network: what = "network error"; break;
        case error_kind::timeout: what = "timed out"; break;
        case error_kind::temporary: what = "temporary failure"; break;
        case error_kind::permanent: what = "refused"; break;
        case error_kind::protocol: what = "protocol error"; break;
        case error_kind::tls: what = "TLS failure"; break;
        case error_kind::auth: what = "authentication failed"; break;
        case error_kind::usage: what = "invalid input"; break;
        case error_kind::none: what = "no error"; break;
        }
    }
    if (e.sys_error != 0 && e.why != cause::connection_refused) {
        what += ": ";
        what += std::strerror(e.sys_error);
    }
    if (e.where == mailwire::phase::connect || e.kind == error_kind::resolve) {
        what = visible(s.host) + " port " + std::to_string(s.effective_port()) + ": " + what;
    }
    return what;
}

/// Whether a reply asks for STARTTLS (Gmail: "530 5.7.0 Must issue a STARTTLS command first").
bool mentions_starttls(const mailwire::reply& r) {
    const std::string_view text = r.message();
    for (std::size_t i = 0; i + 8 <= text.size(); ++i)
        if (iequals(text.substr(i, 8), "STARTTLS")) return true;
    return false;
}

/// The error line, the notes that belong to it, and one line of advice, on standard error.
void report(const mailwire::error& e, const settings& s, const std::string& detail = std::string()) {
    std::string line = std::string(mailwire::to_string(e.where)) + ": " + describe_failure(e, s);
    if (!e.server.empty()) line += " (" + describe_reply(e.server) + ")";
    std::string_view advice = e.advice();
    if (e.why == mailwire::cause::tls_not_available) {
        line += " [profile " + std::string(s.profile->name) + ", encryption " + mailwire::to_string(s.effective_mode()) + "]";
        print_line(std::string(program) + ": " + line);
        print_line("note: this mailwire-send was built without TLS; use --tls none or --profile relay only on a "
                   "trusted network");
        advice = "Use a mailwire-send built with TLS for this server, or send through a relay on a trusted network "
                 "with --profile relay --tls none.";
    } else {
        print_line(std::string(program) + ": " + line);
    }
    if (!detail.empty()) print_line("note: " + visible(detail));
    else if (e.tls_alert != 0)
        print_line("note: the server sent the fatal TLS alert " + std::to_string(e.tls_alert) + " (" +
                   mailwire::tls_alert_name(e.tls_alert) + ")");
    if (e.why == mailwire::cause::outcome_unknown)
        print_line("note: the server received the whole message and may have delivered it; check before sending it "
                   "again");
    if (advice.empty()) advice = "See the error above; mailwire-send --help lists what each exit status means.";
    print_line("advice: " + std::string(advice));
    if (s.provider != nullptr) {
        const std::string_view own = mailwire::provider_advice(*s.provider, e);
        if (!own.empty()) print_line("advice (" + std::string(s.provider->title) + "): " + std::string(own));
    }
    // The library's advice names no options: here is which of this tool's apply.
    switch (e.why) {
    case mailwire::cause::certificate_untrusted:
    case mailwire::cause::tls_setup_failed: print_line("hint: --cafile FILE gives the CA to trust"); break;
    case mailwire::cause::plaintext_auth_refused:
    case mailwire::cause::auth_not_offered: break;
    case mailwire::cause::greeting_looks_like_tls: print_line("hint: --tls implicit (or --port 465) speaks TLS from the first byte"); break;
    case mailwire::cause::tls_plaintext_server: print_line("hint: --tls starttls speaks plaintext first and then upgrades"); break;
    case mailwire::cause::eight_bit_not_supported:
    case mailwire::cause::not_text:
        print_line("hint: --subject with --body-file (or the text on standard input) composes the message, encoded "
                   "as this server needs");
        break;
    case mailwire::cause::no_greeting:
    case mailwire::cause::connection_refused:
        print_line("hint: mailwire-probe " + visible(s.host) + " shows what each port offers from here");
        break;
    default:
        if (e.where == mailwire::phase::ehlo && e.server.permanent()) print_line("hint: --ehlo NAME sets the EHLO name");
        if (mentions_starttls(e.server)) {
            // "530 5.7.0 Must issue a STARTTLS command first": encryption, not credentials, is missing.
            print_line("hint: --tls starttls (or leave --tls out: the port then asks for STARTTLS)");
        } else if (!s.user && (e.where == mailwire::phase::mail || e.where == mailwire::phase::rcpt) &&
                   (e.server.code == 530 || e.server.enhanced_status() == "5.7.0" ||
                    e.server.enhanced_status() == "5.7.1")) {
            // Authentication required (530, 5.7.0) or relaying denied (5.7.1), and none was given.
            print_line("hint: --user NAME with --password-env VAR authenticates");
        }
        break;
    }
}

// ============================================================================ before connecting
/// Everything that can be checked without the server: the secret, the CA file, whether the
/// credentials could ever travel encrypted, the addresses. Returns exit_ok or a failure status.
int preflight(settings& s, std::string& secret) {
    std::string why;
    if (s.password_file && !secrets::from_file(std::string(*s.password_file), secret, why))
        return fail(exit_config, "--password-file " + visible(*s.password_file) + ": " + why,
                    "Put the password or OAuth2 token on the file's first line (and keep the file private: "
                    "chmod 600); nothing was sent.");
    if (s.password_command && !secrets::from_command(std::string(*s.password_command), secret, why))
        return fail(exit_config, "--password-command: " + why,
                    "Check that the command prints the password or token on its first line and exits with 0 "
                    "(run it alone to see); nothing was sent.");
    if (s.netrc) {
        const std::string path = s.netrc_file ? std::string(*s.netrc_file) : secrets::default_netrc();
        std::string login;
        if (!secrets::from_netrc(path, s.host, s.user ? *s.user : std::string_view(), login, secret, why))
            return fail(exit_config, (s.netrc_file ? "--netrc-file: " : "--netrc: ") + why,
                        "Add a line 'machine " + visible(s.host) + " login NAME password SECRET' to " + visible(path) +
                            " (chmod 600), or give the secret another way; nothing was sent.");
        if (!s.user) {
            s.netrc_login = login;
            if (s.netrc_login.empty())
                return fail(exit_config, "--netrc: the entry for " + visible(s.host) + " has no login",
                            "Add 'login NAME' to the entry, or give --user NAME; nothing was sent.");
            s.user = s.netrc_login;
        }
    }
    if (s.password) secret = *s.password; // (the configuration file is private: config_file.hpp)
    if (s.password_env) {
        const std::string var(*s.password_env);
        const char* value = std::getenv(var.c_str());
        if (value == nullptr)
            return fail(exit_config, "--password-env " + visible(var) + ": the environment variable " + visible(var) + " is not set",
                        "Put the password or OAuth2 token into the environment variable named by --password-env "
                        "(e.g. read -rs " + visible(var) + " && export " + visible(var) + "); it is never taken from "
                        "the command line.");
        if (*value == '\0')
            return fail(exit_config, "--password-env " + visible(var) + ": the environment variable " + visible(var) + " is empty",
                        "Put the password or OAuth2 token into " + visible(var) + ".");
        secret = value;
    }

    if (s.cafile) {
        const std::string path(*s.cafile);
        const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        int err = fd < 0 ? errno : 0;
        bool empty = false;
        if (fd >= 0) {
            char c;
            ssize_t n;
            do {
                n = ::read(fd, &c, 1);
            } while (n < 0 && errno == EINTR);
            if (n < 0) err = errno;
            empty = n == 0;
            ::close(fd);
        }
        if (err != 0 || empty)
            return fail(exit_config, "--cafile " + visible(path) + ": " + (empty ? std::string("the file is empty") : std::strerror(err)),
                        "Give a readable PEM file with the CA certificates to trust, or leave --cafile out to use the "
                        "system's bundle.");
    }
    if (s.insecure) {
        print_line(std::string(program) + ": warning: --insecure: the server's certificate is not verified, so anyone on the "
                   "network path can read and change the mail and the credentials; use it for tests only" +
                   (send_client::tls_type::available ? "" : " (this build has no TLS)"));
    }

    // Credentials over a connection that cannot be encrypted: refused here, before connecting.
    // (With STARTTLS offered or not, the library checks again before a byte of them is sent.)
    const mailwire::encryption mode = s.effective_mode();
    const bool can_encrypt = mode != mailwire::encryption::none &&
                             (send_client::tls_type::available || mailwire::requires_tls(mode));
    if (s.user && !s.allow_plaintext_auth && !can_encrypt) {
        const mailwire::error e =
            make_error(mailwire::phase::auth, mailwire::error_kind::usage, mailwire::cause::plaintext_auth_refused, s);
        print_line(std::string(program) + ": auth: " + mailwire::to_string(e.why) + " (encryption " +
                   mailwire::to_string(mode) +
                   (mode == mailwire::encryption::none ? "" : " in a build without TLS") + "); nothing was sent");
        print_line("note: --allow-plaintext-auth permits it, on a trusted network only");
        print_line("advice: " + std::string(e.advice()));
        return exit_code_for(e);
    }

    // Addresses: CR, LF or NUL could inject commands; name each bad one.
    bool bad = false;
    auto check = [&](std::string_view role, std::string_view address, mailwire::address_check result) {
        const char* problem = nullptr;
        switch (result) {
        case mailwire::address_check::ok:
        case mailwire::address_check::ok_needs_utf8: return;
        case mailwire::address_check::control_char: problem = "contains a control character (CR, LF or NUL could inject SMTP commands)"; break;
        case mailwire::address_check::syntax: problem = "is not a valid address (user@example.org, no spaces or angle brackets)"; break;
        case mailwire::address_check::too_long: problem = "is too long (RFC 5321: 64 octets before the @, 255 after)"; break;
        }
        print_line(std::string(program) + ": " + std::string(role) + " \"" + visible(address) + "\" " + problem);
        bad = true;
    };
    check("sender (--from)", *s.from, mailwire::check_sender(*s.from));
    for (std::string_view r : s.recipients) check("recipient", r, mailwire::check_recipient(r));
    if (bad) {
        const mailwire::error e = make_error(mailwire::phase::rcpt, mailwire::error_kind::usage, mailwire::cause::bad_address, s);
        print_line("advice: " + std::string(e.advice()));
        return exit_code_for(e);
    }
    return exit_ok;
}

/// All of standard input, as it is (the library makes the line ends CRLF and dot-stuffs).
/// Standard input as the message (stdin_message.hpp: the first MiB in memory, the rest streamed).
int read_message(stdin_message& message) {
    if (message.load()) return exit_ok;
    return fail(exit_io, std::string("reading standard input failed: ") + std::strerror(errno),
                "Pipe the message into mailwire-send (mailwire-send ... < message.eml); nothing was sent.");
}

// ============================================================================ the session
/// -v: the dialogue on standard error. The library has already replaced secrets.
void trace_to_stderr(void*, mailwire::trace_direction direction, std::string_view line) {
    const char* prefix = direction == mailwire::trace_direction::client   ? "C: "
                         : direction == mailwire::trace_direction::server ? "S: "
                                                                          : "* ";
    print_line(prefix + visible(line));
}

void note(const settings& s, const std::string& text) {
    if (s.verbose) print_line("* " + text);
}

/// The TLS policy's setup from --cafile and --insecure. no_tls has nothing to set up. The CA file
/// is read at the handshake; one that holds no certificate fails there (tls_setup_failed, 78).
#if !MAILWIRE_SEND_WITH_TLS
int setup_tls(mailwire::no_tls&, const settings&) { return exit_ok; }
#else
std::string cafile_path; // lives as long as the session
int setup_tls(mailwire::mbedtls_tls& tls, const settings& s) {
    if (s.cafile) {
        cafile_path.assign(s.cafile->data(), s.cafile->size());
        tls.settings().ca_file = cafile_path.c_str();
    }
    tls.settings().insecure_skip_verify = s.insecure;
    return exit_ok;
}
#endif

/// What the TLS policy knows about a failed handshake (the certificate's names, what the server
/// sent instead of TLS), printed after the error line.
#if !MAILWIRE_SEND_WITH_TLS
std::string tls_detail(const mailwire::no_tls&, const mailwire::error&) { return std::string(); }
#else
std::string tls_detail(const mailwire::mbedtls_tls& tls, const mailwire::error& e) {
    const bool from_tls = e.where == mailwire::phase::tls || e.why == mailwire::cause::tls_renegotiation_refused;
    return from_tls ? std::string(tls.failure_detail()) : std::string();
}
#endif

struct refusals {
    int status = exit_ok;   ///< the worst refusal's exit status; exit_ok when none was refused
    mailwire::reply worst;  ///< its reply
};

/// Names every refused recipient with the server's reply, and finds the worst refusal.
refusals name_refused(const std::vector<mailwire::recipient>& recipients) {
    refusals out;
    for (const mailwire::recipient& r : recipients) {
        if (r.result.empty() || r.accepted()) continue;
        print_line(std::string(program) + ": recipient " + visible(r.address) + " refused: " + describe_reply(r.result));
        const int status = exit_code_for_refusal(r.result);
        if (worse_refusal(out.status, status) != out.status) {
            out.status = status;
            out.worst = r.result;
        }
    }
    return out;
}

/// Where the message breaks what the server can take (cause eight_bit_not_supported, not_text).
std::string content_detail(const mailwire::error& e, const content_facts& f) {
    const auto at_line = [](std::uint64_t line) { return "line " + std::to_string(line); };
    if (e.why == mailwire::cause::eight_bit_not_supported && f.eight_bit())
        return "the message's " + at_line(f.first_8bit_line) + " has the first 8-bit octet; " +
               (e.where == mailwire::phase::mail ? "nothing was sent" : "the transaction was ended before the final \".\"");
    if (e.why == mailwire::cause::not_text && f.first_long_line != 0)
        return "the message's " + at_line(f.first_long_line) + " is longer than 998 octets (RFC 5322 2.1.1)";
    if (e.why == mailwire::cause::not_text && f.first_nul_line != 0)
        return "the message's " + at_line(f.first_nul_line) + " holds a NUL octet";
    if ((e.why == mailwire::cause::not_text || e.why == mailwire::cause::eight_bit_not_supported) && !f.complete)
        return "found past the message's first MiB (a pipe is looked at as it is sent): the transaction was ended "
               "before the final \".\", so nothing was delivered";
    return std::string();
}

/// One SMTP session: open, [authenticate], send, quit. Client is a mailwire::basic_client whose
/// options allow the port and encryption to be chosen at run time (profiles::runtime).
// ============================================================================ composing
/// A message composed from --subject, --body-file, --attach...: the composer and what it reads
/// from, alive for the whole session (the composer keeps views and streams the files).
struct composed {
    mailwire::basic_message<64, 32, 64> msg;
    std::string body, html;
    std::deque<mailwire::file_reader> files;
};

/// Reads a whole (small) text file for --body-file / --html-file.
int read_text_file(std::string_view option, std::string_view path, std::string& out) {
    const std::string p(path);
    const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return fail(exit_io, std::string(option) + " " + visible(path) + ": " + std::strerror(errno),
                    "Give a readable file; nothing was sent.");
    char buf[65536];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof(buf));
        if (n > 0) {
            out.append(buf, static_cast<std::size_t>(n));
        } else if (n == 0) {
            break;
        } else if (errno != EINTR) {
            const int err = errno;
            ::close(fd);
            return fail(exit_io, std::string(option) + " " + visible(path) + ": " + std::strerror(err),
                        "Give a readable file; nothing was sent.");
        }
    }
    ::close(fd);
    return exit_ok;
}

/// For a header the composer writes itself (cause::header_reserved): what gives it instead.
std::string generated_header_use(std::string_view name) {
    struct use {
        std::string_view header, how;
    };
    static constexpr use uses[] = {
        {"From", "use --from"},         {"To", "name the recipients as arguments"}, {"Cc", "use --cc"},
        {"Bcc", "use --bcc (a Bcc never appears in the message)"},                  {"Reply-To", "use --reply-to"},
        {"Subject", "use --subject"},   {"Sender", "the --from address is the sender"},
    };
    for (const use& u : uses)
        if (iequals(name, u.header)) return std::string(u.header) + " is written by mailwire: " + std::string(u.how);
    // Date, Message-ID, MIME-Version, Content-Type, Content-Transfer-Encoding.
    return visible(name) + " is generated by mailwire for every message: leave it out (or send a message of your own "
                           "on standard input, without --subject and the other composing options)";
}

/// Builds the message before anything is connected: a bad address or header ends here (65).
int build_message(const settings& s, stdin_message& input, composed& c) {
    auto check = [&](const mailwire::error& e, const std::string& what) {
        if (e.ok()) return exit_ok;
        print_line(std::string(program) + ": " + what + ": " + mailwire::to_string(e.why));
        print_line("advice: " + std::string(e.advice()));
        return exit_code_for(e);
    };
    int st = exit_ok;
    if ((st = check(c.msg.from(*s.from), "--from '" + visible(*s.from) + "'")) != exit_ok) return st;
    for (std::string_view r : s.recipients)
        if ((st = check(c.msg.to(r), "recipient '" + visible(r) + "'")) != exit_ok) return st;
    for (std::string_view r : s.cc)
        if ((st = check(c.msg.cc(r), "--cc '" + visible(r) + "'")) != exit_ok) return st;
    for (std::string_view r : s.bcc)
        if ((st = check(c.msg.bcc(r), "--bcc '" + visible(r) + "'")) != exit_ok) return st;
    for (std::string_view r : s.reply_to)
        if ((st = check(c.msg.reply_to(r), "--reply-to '" + visible(r) + "'")) != exit_ok) return st;
    if (s.subject) {
        const mailwire::error e = c.msg.subject(*s.subject);
        if (e.why == mailwire::cause::header_too_long)
            return fail(exit_code_for(e), "--subject: " + std::to_string(s.subject->size()) +
                                              " octets, longer than the 900-octet limit",
                        "Shorten the subject (at most 900 octets of UTF-8) and put the rest in the body; nothing was sent.");
        if ((st = check(e, "--subject")) != exit_ok) return st;
    }
    for (const auto& h : s.headers) {
        const mailwire::error e = c.msg.header(h.first, h.second);
        const std::string what = "--header '" + visible(h.first) + "'";
        if (e.why == mailwire::cause::header_reserved)
            return fail(exit_code_for(e), what + ": " + generated_header_use(h.first),
                        "Leave this header out: mailwire-send writes it, from the options above; nothing was sent.");
        if (e.why == mailwire::cause::header_too_long)
            return fail(exit_code_for(e), what + ": the value's " + std::to_string(h.second.size()) +
                                              " octets are longer than the 900-octet limit",
                        "Shorten the value (at most 900 octets) or put the text in the body; nothing was sent.");
        if ((st = check(e, what)) != exit_ok) return st;
    }
    if (s.body_file) {
        if ((st = read_text_file("--body-file", *s.body_file, c.body)) != exit_ok) return st;
        (void)c.msg.text(c.body);
    } else if (!s.html_file) {
        // The text body comes from standard input: from memory when it is small (then 7bit when
        // it is ASCII), streamed (quoted-printable) when it is not.
        if (input.whole()) (void)c.msg.text(input.text());
        else (void)c.msg.text(input.source());
    }
    if (s.html_file) {
        if ((st = read_text_file("--html-file", *s.html_file, c.html)) != exit_ok) return st;
        (void)c.msg.html(c.html);
    }
    for (const settings::attachment& a : s.attachments) {
        mailwire::file_reader& f = c.files.emplace_back();
        if (!f.open(a.path.c_str()))
            return fail(exit_io, "--attach " + visible(a.path) + ": " + std::strerror(errno),
                        "Give a readable file; nothing was sent.");
        if ((st = check(c.msg.attach(f.source(), a.name, a.type), "--attach " + visible(a.path))) != exit_ok) return st;
    }
    return exit_ok;
}

/// The progress bar on a terminal, for messages over 1 MB: redrawn when the percentage changes.
struct progress_state {
    int shown = -1;
};
void draw_progress(void* context, std::uint64_t sent, std::uint64_t total) {
    progress_state& p = *static_cast<progress_state*>(context);
    if (total < 1000000) return;
    const int percent = sent >= total ? 100 : static_cast<int>(sent * 100 / total);
    if (percent == p.shown) return;
    p.shown = percent;
    char bar[21];
    for (int i = 0; i < 20; ++i) bar[i] = i < percent / 5 ? '#' : '-';
    bar[20] = '\0';
    std::fprintf(stderr, "\rsending [%s] %3d%%  %.1f of %.1f MB%s", bar, percent, static_cast<double>(sent) / 1e6,
                 static_cast<double>(total) / 1e6, percent == 100 ? "\n" : "");
    std::fflush(stderr);
}

/// What a session leaves for --report: the recipients with their replies, whether the server took
/// the message, and the failure that decided the status.
struct session_record {
    std::vector<mailwire::recipient> recipients;
    bool delivered = false;
    mailwire::error err;
};

// ============================================================================ routes
/// What --fallback alone adds after the port asked for (issue 12: 587 STARTTLS, then 465 implicit
/// TLS, then 2525 STARTTLS).
constexpr mailwire::probe_candidate default_fallback[] = {
    {587, mailwire::encryption::starttls}, {465, mailwire::encryption::implicit}, {2525, mailwire::encryption::starttls}};

/// The routes to try, in order: the primary's ports (one; with --fallback=LIST the list; with
/// --fallback alone the port asked for, then the defaults not yet named), then each --backup with
/// its own port (encryption by --tls, else by the port) or else the primary's ports. Everything
/// after the first route was named by the user or is one of the defaults, which all require TLS.
struct route_plan {
    std::vector<mailwire::route> routes;
    bool allow_weaker = false; ///< the user listed routes that may protect less (their choice)
};
route_plan plan_routes(const settings& s) {
    std::vector<mailwire::probe_candidate> ports = s.fallback_list;
    if (ports.empty()) {
        ports.push_back({s.effective_port(), s.effective_mode()});
        if (s.fallback && s.provider != nullptr) {
            // The ports the provider documents, in its order (providers.hpp).
            const mailwire::provider& p = *s.provider;
            if (ports.front().port != p.port) ports.push_back({p.port, p.mode});
            for (std::size_t i = 0; i < p.alternative_count; ++i)
                if (p.alternatives[i].port != ports.front().port) ports.push_back(p.alternatives[i]);
        } else if (s.fallback) {
            for (const mailwire::probe_candidate& c : default_fallback)
                if (c.port != ports.front().port) ports.push_back(c);
        }
    }
    route_plan plan;
    plan.allow_weaker = !s.fallback_list.empty();
    const std::string_view connect_to = s.connect_to ? *s.connect_to : std::string_view();
    for (const mailwire::probe_candidate& c : ports) plan.routes.push_back({s.host, connect_to, c.port, c.mode});
    for (std::string_view b : s.backups) {
        host_port hp;
        (void)parse_host_port(b, hp); // checked when the option was read
        if (hp.port != 0) {
            plan.routes.push_back({hp.host, {}, hp.port, s.tls ? *s.tls : mailwire::encryption_for_port(hp.port)});
            plan.allow_weaker = true;
        } else {
            for (const mailwire::probe_candidate& c : ports) plan.routes.push_back({hp.host, {}, c.port, c.mode});
        }
    }
    return plan;
}

/// The encryption as the guides name it.
const char* mode_words(mailwire::encryption m) {
    switch (m) {
    case mailwire::encryption::implicit: return "implicit TLS";
    case mailwire::encryption::starttls: return "STARTTLS";
    case mailwire::encryption::opportunistic: return "STARTTLS if offered";
    case mailwire::encryption::none: return "no TLS";
    }
    return "?";
}

std::string seconds_text(std::uint32_t ms) {
    char b[32];
    (void)std::snprintf(b, sizeof(b), "%.1f s", static_cast<double>(ms) / 1000.0);
    return b;
}

/// The settings as they were for one route: the host, port and encryption the messages name.
settings settings_for(const settings& s, const mailwire::route& r) {
    settings at = s;
    at.host = r.host;
    at.port = r.port;
    at.tls = r.mode;
    return at;
}

/// "587", or "mx2.example.org port 587" for a server other than the primary.
std::string route_label(const mailwire::route& r, const mailwire::route& primary) {
    const std::string port = std::to_string(r.port);
    return mailwire::same_server(r, primary) ? port : visible(r.host) + " port " + port;
}

/// Tells on standard error what each failed attempt led to (issue 12: "* using 465 (implicit
/// TLS): 587 timed out after 3.0 s"), and keeps the TLS policy's detail of the last attempt.
template <class Client>
struct attempt_log {
    const settings* s = nullptr;
    const std::vector<mailwire::route>* routes = nullptr;
    Client* client = nullptr;
    std::string last_detail;

    std::string label(const mailwire::route& r) const { return route_label(r, routes->front()); }

    std::string what_happened(const mailwire::fallback_attempt& a) const {
        const std::string in = seconds_text(a.elapsed_ms);
        switch (mailwire::classify(a.err, a.tried->mode)) {
        case mailwire::probe_class::refused: return "refused the connection";
        case mailwire::probe_class::connect_timeout:
            // The staggered connect gave way to a later route's (stagger.hpp).
            return client->transport().passed_over() ? "had not connected after " + in + ", a later route had"
                                                     : "timed out after " + in;
        case mailwire::probe_class::no_greeting: return "accepted the connection, but no server spoke (" + in + ")";
        case mailwire::probe_class::tls_expected: return "expects implicit TLS";
        case mailwire::probe_class::plaintext_spoken: return "speaks plaintext SMTP, not implicit TLS";
        default: break;
        }
        std::string what = std::string("failed at ") + mailwire::to_string(a.err.where) + ": " +
                           describe_failure(a.err, settings_for(*s, *a.tried));
        if (!a.err.server.empty()) what += " (" + describe_reply(a.err.server) + ")";
        return what;
    }

    /// Why the routes after this one are not tried.
    static std::string why_stop(const mailwire::fallback_attempt& a) {
        const mailwire::error& e = a.err;
        if (e.why == mailwire::cause::certificate_untrusted || e.why == mailwire::cause::certificate_expired ||
            e.why == mailwire::cause::certificate_wrong_host || e.why == mailwire::cause::certificate_invalid)
            return "the certificate failed verification, which may be an attack on this connection; mailwire-send "
                   "never falls back past that";
        if (e.where == mailwire::phase::end_of_data)
            return "the server had the whole message, so it is never sent again elsewhere";
        if (e.kind == mailwire::error_kind::usage) return "the same would fail on every route";
        if (a.verdict == mailwire::fallback_verdict::stop)
            return "the transaction had begun (MAIL FROM accepted or refused for good), so the message is not sent "
                   "elsewhere";
        return a.verdict == mailwire::fallback_verdict::next_host
                   ? "the server answered, so its other ports would not help, and no other server is left"
                   : "they protect less than this one";
    }

    static void on_attempt(void* context, const mailwire::fallback_attempt& a) {
        attempt_log& log = *static_cast<attempt_log*>(context);
        log.last_detail = tls_detail(log.client->tls(), a.err);
        if (a.err.ok()) return;
        const std::size_t left = log.routes->size() - a.index - 1;
        if (a.next != nullptr) {
            const bool backup = !mailwire::same_server(*a.next, *a.tried);
            print_line(std::string("* using ") + (backup ? "backup " : "") + log.label(*a.next) + " (" +
                       mode_words(a.next->mode) + "): " + log.label(*a.tried) + " " + log.what_happened(a));
        } else if (left != 0) {
            print_line("* " + log.label(*a.tried) + " " + log.what_happened(a) + "; not trying the " +
                       (left == 1 ? std::string("route") : std::to_string(left) + " routes") + " left: " + why_stop(a));
        }
    }
};

/// The 250 ms RFC 8305 §5 recommends between the start of one connection attempt and the next.
constexpr std::uint32_t connect_stagger_ms = 250;

template <class Client>
int run_session(const settings& s, stdin_message& input, std::string_view secret, composed* comp,
                session_record& rec) {
    Client client;
    mailwire::client_options& opt = client.options();
    opt.allow_plaintext_auth = s.allow_plaintext_auth;
    opt.disable_chunking = s.no_chunking;
    const std::string ehlo = s.ehlo ? std::string(*s.ehlo) : default_ehlo_name();
    opt.ehlo_name = ehlo;
    if (s.timeout_ms != 0) opt.timeout.set_all(s.timeout_ms);
    if (s.verbose) {
        opt.trace = &trace_to_stderr;
        opt.trace_context = nullptr;
    }
    if (const int status = setup_tls(client.tls(), s); status != exit_ok) return status;

    const route_plan plan = plan_routes(s);
    const mailwire::route& first = plan.routes.front();
    note(s, visible(first.host) + (s.connect_to ? " (at " + visible(*s.connect_to) + ")" : std::string()) + " port " +
                std::to_string(first.port) + ", encryption " + mailwire::to_string(first.mode) +
                (s.fallback_list.empty() ? " (profile " + std::string(s.profile->name) + ")" : std::string()));
    if (plan.routes.size() > 1) {
        std::string all;
        for (const mailwire::route& r : plan.routes)
            all += (all.empty() ? "" : ", ") + route_label(r, first) + " (" + mode_words(r.mode) + ")";
        note(s, "routes in order: " + all);
    }

    std::vector<std::pair<std::string, std::uint16_t>> targets;
    for (const mailwire::route& r : plan.routes)
        targets.emplace_back(std::string(r.connect_to.empty() ? r.host : r.connect_to), r.port);
    client.transport().plan(targets, connect_stagger_ms,
                            s.timeout_ms != 0 ? s.timeout_ms : mailwire::timeouts::defaults().connect);

    attempt_log<Client> log;
    log.s = &s;
    log.routes = &plan.routes;
    log.client = &client;
    mailwire::fallback_settings fs;
    fs.allow_weaker = plan.allow_weaker;
    fs.observer = &attempt_log<Client>::on_attempt;
    fs.observer_context = &log;
    const mailwire::credentials cred{s.user ? *s.user : std::string_view(), secret};
    if (s.user) {
        fs.cred = &cred;
        fs.mechanism = s.auth ? *s.auth : mailwire::auth_mechanism::automatic;
    }

    std::vector<mailwire::recipient>& recipients = rec.recipients;
    mailwire::envelope env;
    if (comp != nullptr) {
        // The composer fills the envelope: To, Cc and Bcc; SIZE= and BODY=8BITMIME as needed.
        recipients.resize(comp->msg.recipient_count());
    } else {
        recipients.reserve(s.recipients.size());
        for (std::string_view address : s.recipients) recipients.push_back(mailwire::recipient{address, {}});
        env.sender = *s.from;
        env.recipients = recipients.data();
        env.recipient_count = recipients.size();
        // (client::send declares the exact SIZE= of a message in memory itself.) Streamed, its
        // size is the file's (an estimate, RFC 1870), unknown for a pipe.
        if (!input.whole()) env.size = input.size_hint() > 0 ? static_cast<std::uint64_t>(input.size_hint()) : 0;
        // 8-bit octets need 8BITMIME (RFC 6152 §3); a NUL or a line over 998 octets BINARYMIME
        // (RFC 3030 §3): the library refuses before MAIL where the server lacks them (exit 65).
        env.eight_bit = input.facts().eight_bit();
        env.binary = input.facts().not_text();
    }
    progress_state progress;
    const auto deliver = [&](Client& c) {
        if constexpr (send_tls::available) {
            if (c.encrypted()) note(s, std::string("encrypted: ") + c.tls().version());
        }
        if (comp == nullptr) {
            // A pipe's rest is not known: BODY=8BITMIME wherever it is offered (as sendmail -B
            // 8BITMIME); where it is not, the library ends the transaction at the first 8-bit octet.
            if (!input.facts().complete) env.eight_bit = input.facts().eight_bit() || c.server_capabilities().eightbitmime;
            if (input.whole()) return c.send(env, input.text());
            (void)input.rewind(); // a second attempt starts from the beginning, or fails its source
            return c.send(env, input);
        }
        if (::isatty(STDERR_FILENO)) {
            c.options().progress = &draw_progress;
            c.options().progress_context = &progress;
        }
        const mailwire::send_result r = mailwire::send_message(c, comp->msg, recipients.data(), recipients.size());
        if (progress.shown >= 0 && progress.shown < 100) std::fputc('\n', stderr);
        return r;
    };
    const mailwire::fallback_result outcome =
        mailwire::send_with_fallback(client, plan.routes.data(), plan.routes.size(), deliver, fs);
    const mailwire::send_result& result = outcome.sent;
    const settings at = settings_for(s, plan.routes[outcome.route < plan.routes.size() ? outcome.route : 0]);
    // The connection is closed (after QUIT), so the report below is the last thing on standard
    // error, after the whole dialogue.
    rec.delivered = result.delivered();
    rec.err = result.err;
    if (!result.delivered()) {
        const mailwire::phase p = result.err.where;
        const bool before_transaction = p == mailwire::phase::connect || p == mailwire::phase::tls ||
                                        p == mailwire::phase::greeting || p == mailwire::phase::ehlo ||
                                        p == mailwire::phase::starttls || p == mailwire::phase::auth;
        const refusals refused = before_transaction ? refusals() : name_refused(recipients);
        report(result.err, at, comp == nullptr ? content_detail(result.err, input.facts()) + log.last_detail : log.last_detail);
        if (result.err.why == mailwire::cause::all_recipients_refused && refused.status != exit_ok) return refused.status;
        return exit_code_for(result.err);
    }
    const refusals refused = name_refused(recipients);
    if (outcome.route != 0)
        print_line("* delivered through " + std::string(mailwire::same_server(plan.routes[outcome.route], first) ? "" : "backup ") +
                   log.label(plan.routes[outcome.route]) + " (" + mode_words(plan.routes[outcome.route].mode) + ")");
    note(s, "message accepted for " + std::to_string(result.accepted) + " of " + std::to_string(recipients.size()) +
                " recipient(s)");
    if (result.refused == 0) return exit_ok;

    // Delivered to some (exit 3, exit_codes.hpp): the worst refusal's advice, and a note that the
    // message must not go again to those who have it.
    const mailwire::error e = make_error(mailwire::phase::rcpt,
                                         refused.worst.transient()   ? mailwire::error_kind::temporary
                                         : refused.worst.permanent() ? mailwire::error_kind::permanent
                                                                     : mailwire::error_kind::protocol,
                                         mailwire::cause::none, at, refused.worst);
    rec.err = e;
    print_line(std::string(program) + ": rcpt: " + std::to_string(result.refused) + " of " +
               std::to_string(recipients.size()) + " recipient(s) refused; the message went to the other " +
               std::to_string(result.accepted));
    print_line("note: partial delivery (exit 3): resend only to the refused recipient(s)" +
               std::string(s.report_file ? ", listed in the --report file" : "") +
               ", never to all, or the others get it twice");
    print_line("advice: " + std::string(e.advice()));
    return exit_partial;
}

} // namespace

int main(int argc, char** argv) {
    settings s;
    mailwire_config::config cfg; // (the settings point into it)
    const parse_outcome parsed = configure(argc, argv, s, cfg);
    if (!parsed.proceed) return parsed.status;

    std::string secret;
    if (const int status = preflight(s, secret); status != exit_ok) return status;

    // Standard input is the message; when composing, the text body (unless a file gives it).
    stdin_message input;
    if (!s.compose() || (!s.body_file && !s.html_file)) {
        if (::isatty(STDIN_FILENO))
            print_line(std::string(program) + ": reading the message from standard input (end it with Ctrl-D)");
        if (const int status = read_message(input); status != exit_ok) return status;
        if (!s.compose() && input.whole() && input.text().empty())
            return fail(exit_data, "standard input is empty: there is no message to send",
                        "Pipe the message into mailwire-send (mailwire-send ... < message.eml); nothing was sent.");
    }
    if (!s.compose()) {
        const std::vector<std::pair<std::string, std::string>> fields = input.header_fields();
        bool has_from = false, has_date = false, has_id = false;
        for (const auto& f : fields) {
            has_from = has_from || iequals(f.first, "From");
            has_date = has_date || iequals(f.first, "Date");
            has_id = has_id || iequals(f.first, "Message-ID");
            // -t: the recipients To, Cc and Bcc name, besides those on the command line.
            if (s.recipients_from_headers && (iequals(f.first, "To") || iequals(f.first, "Cc") || iequals(f.first, "Bcc")))
                sendmail::addresses_in(f.second, s.header_recipients);
        }
        for (const std::string& a : s.header_recipients) {
            bool known = false;
            for (std::string_view r : s.recipients) known = known || r == a;
            if (!known) s.recipients.push_back(a);
        }
        if (s.recipients.empty())
            return fail(exit_usage, "no recipient: none on the command line, none in To, Cc or Bcc",
                        "Name the recipients after the options, or in the message's To, Cc or Bcc with -t; nothing was sent.");
        if (s.sendmail_mode) {
            // As sendmail does: what a message lacks of Date, Message-ID and From is added (RFC 5322
            // §3.6: Date and From are required).
            std::string added;
            if (!has_date) added += "Date: " + sendmail::date(std::time(nullptr)) + "\r\n";
            if (!has_id) added += "Message-ID: " + sendmail::message_id(*s.from) + "\r\n";
            if (!has_from) {
                std::string name;
                if (s.full_name && !s.full_name->empty()) {
                    name = "\"";
                    for (char ch : *s.full_name) {
                        if (ch == '\r' || ch == '\n') continue;
                        if (ch == '"' || ch == '\\') name += '\\';
                        name += ch;
                    }
                    name += "\" ";
                }
                added += "From: " + name + "<" + std::string(*s.from) + ">\r\n";
            }
            if (!added.empty()) input.prepend(added);
        }
        // The message as given: its Bcc fields must not reach the recipients (RFC 5322 §3.6.3).
        const int removed = input.remove_bcc();
        if (removed < 0)
            return fail(exit_data, "the message's header section is longer than 1 MiB",
                        "Check the message: its header section never ends; nothing was sent.");
        if (removed > 0) note(s, "removed " + std::to_string(removed) + " Bcc header(s) from the message");
        // What it holds decides what the server must offer (8BITMIME, BINARYMIME): known before
        // anything is sent, except for a pipe past its first MiB.
        if (!input.scan())
            return fail(exit_io, std::string("reading standard input failed: ") + std::strerror(errno),
                        "Pipe the message into mailwire-send (mailwire-send ... < message.eml); nothing was sent.");
    }
    composed comp;
    if (s.compose()) {
        if (const int status = build_message(s, input, comp); status != exit_ok) return status;
    }
    session_record rec;
    const int status = run_session<send_client>(s, input, secret, s.compose() ? &comp : nullptr, rec);
    if (s.report_file) {
        const std::string path(*s.report_file);
        if (!write_report(path, report_json(status, rec.delivered, rec.recipients, rec.err))) {
            print_line(std::string(program) + ": --report " + visible(path) + ": " + std::strerror(errno));
            // The message's fate is decided; a report that cannot be written must not hide it.
            if (status == exit_ok) return exit_io;
        }
    }
    return status;
}
