// SPDX-License-Identifier: BSL-1.0
// mailwire-probe: which port and encryption reach an SMTP server from here. Every candidate (a
// port and an encryption mode) is tried up to, never including, MAIL FROM: connect, greeting,
// EHLO, STARTTLS or implicit TLS, the certificate, AUTH when credentials are given, QUIT. The
// candidates run at the same time (one thread and one client each), each held to --timeout as a
// whole, so the probe ends within about one --timeout. `mailwire-probe --help` has the contract:
// output, JSON object, preference order and exit statuses; docs/probe.md says the same at length.
//
// The tool uses the heap (std::string, std::vector, the clients) for its own bookkeeping; the
// library calls it makes do without. No exceptions are thrown or needed.
#include "../common/cli.hpp"
#include "../common/secrets.hpp"
#include "../send/exit_codes.hpp"

#include <mailwire/mailwire.hpp>
#if MAILWIRE_PROBE_WITH_TLS
#include <mailwire/mbedtls_tls.hpp>
#include <mbedtls/version.h>
#if MBEDTLS_VERSION_MAJOR >= 3 && defined(MBEDTLS_PSA_CRYPTO_C)
#include <psa/crypto.h>
#endif
#endif

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

namespace {

using namespace mailwire_send; // the exit statuses (sysexits.h) mailwire-send uses
using namespace mailwire_cli;  // text, JSON and number helpers both tools share

constexpr const char* program = "mailwire-probe";

// ============================================================================ the client type
#if MAILWIRE_PROBE_WITH_TLS
using probe_tls = mailwire::mbedtls_tls;
#else
using probe_tls = mailwire::no_tls;
#endif
// budget_transport holds every step of a candidate (connect, TLS, greeting, EHLO, AUTH) to one
// deadline, --timeout.
using probe_client = mailwire::basic_client<mailwire::budget_transport<mailwire::posix_transport>, probe_tls,
                                            mailwire::profiles::runtime>;




void print_err(const std::string& line) {
    std::fwrite(line.data(), 1, line.size(), stderr);
    std::fputc('\n', stderr);
}
void print_out(const std::string& line) {
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fputc('\n', stdout);
}

int fail(int status, const std::string& message, std::string_view advice) {
    print_err(std::string(program) + ": " + message);
    print_err("advice: " + std::string(advice));
    return status;
}
int usage_error(const std::string& message) {
    return fail(exit_usage, message, "try 'mailwire-probe --help' for the options and the exit statuses");
}

/// The cause's identifier, lower_snake, for the JSON (to_string(cause) gives prose).
const char* cause_name(mailwire::cause c) {
    using mailwire::cause;
    switch (c) {
    case cause::none: return "none";
    case cause::bad_address: return "bad_address";
    case cause::bad_argument: return "bad_argument";
    case cause::bad_header: return "bad_header";
    case cause::header_reserved: return "header_reserved";
    case cause::header_too_long: return "header_too_long";
    case cause::too_many: return "too_many";
    case cause::message_too_large: return "message_too_large";
    case cause::utf8_not_supported: return "utf8_not_supported";
    case cause::eight_bit_not_supported: return "eight_bit_not_supported";
    case cause::not_text: return "not_text";
    case cause::plaintext_auth_refused: return "plaintext_auth_refused";
    case cause::tls_not_available: return "tls_not_available";
    case cause::source_failed: return "source_failed";
    case cause::not_connected: return "not_connected";
    case cause::reply_too_long: return "reply_too_long";
    case cause::malformed_reply: return "malformed_reply";
    case cause::inconsistent_reply: return "inconsistent_reply";
    case cause::too_many_lines: return "too_many_lines";
    case cause::unexpected_reply: return "unexpected_reply";
    case cause::bad_challenge: return "bad_challenge";
    case cause::greeting_looks_like_tls: return "greeting_looks_like_tls";
    case cause::no_greeting: return "no_greeting";
    case cause::chunking_refused: return "chunking_refused";
    case cause::mechanism_not_offered: return "mechanism_not_offered";
    case cause::auth_not_offered: return "auth_not_offered";
    case cause::credentials_rejected: return "credentials_rejected";
    case cause::credentials_unavailable: return "credentials_unavailable";
    case cause::starttls_not_offered: return "starttls_not_offered";
    case cause::starttls_refused: return "starttls_refused";
    case cause::tls_setup_failed: return "tls_setup_failed";
    case cause::tls_handshake_failed: return "tls_handshake_failed";
    case cause::tls_plaintext_server: return "tls_plaintext_server";
    case cause::tls_alert: return "tls_alert";
    case cause::tls_message_too_large: return "tls_message_too_large";
    case cause::tls_renegotiation_refused: return "tls_renegotiation_refused";
    case cause::certificate_untrusted: return "certificate_untrusted";
    case cause::certificate_expired: return "certificate_expired";
    case cause::certificate_wrong_host: return "certificate_wrong_host";
    case cause::certificate_invalid: return "certificate_invalid";
    case cause::connection_refused: return "connection_refused";
    case cause::connection_lost: return "connection_lost";
    case cause::outcome_unknown: return "outcome_unknown";
    case cause::all_recipients_refused: return "all_recipients_refused";
    }
    return "unknown";
}

// ============================================================================ settings
struct settings {
    std::string_view host;
    std::vector<mailwire::probe_candidate> candidates;
    std::optional<std::string_view> connect_to;
    std::optional<std::string_view> cafile;
    bool insecure = false;
    std::optional<std::string_view> user;
    std::optional<std::string_view> password_env;
    std::optional<std::string_view> password_file;
    std::optional<std::string_view> password_command;
    bool allow_plaintext_auth = false;
    std::uint32_t timeout_ms = 10000;
    bool json = false;
    bool verbose = false;
};

/// 587 STARTTLS (RFC 6409), 465 implicit TLS (RFC 8314 §3.3), 2525 STARTTLS (the providers'
/// alternative), 25 STARTTLS when offered (the relay port, often blocked for clients).
const mailwire::probe_candidate default_candidates[] = {
    {587, mailwire::encryption::starttls},
    {465, mailwire::encryption::implicit},
    {2525, mailwire::encryption::starttls},
    {25, mailwire::encryption::opportunistic},
};

void print_help() {
    std::printf(
        "Usage: mailwire-probe HOST [OPTIONS]\n"
        "Finds which port and encryption reach the SMTP server HOST from here. Each candidate is tried\n"
        "up to, never including, MAIL FROM: connect, greeting, EHLO, STARTTLS or implicit TLS, the\n"
        "certificate check, AUTH (only with --user), QUIT. No mail is ever sent. The candidates run at\n"
        "the same time, so the probe ends within about one --timeout.\n"
        "\n"
        "Examples:\n"
        "  Which of 587, 465, 2525 and 25 work from here, and which to use:\n"
        "    mailwire-probe smtp.gmail.com\n"
        "  Whether the credentials work too (AUTH, never a message):\n"
        "    mailwire-probe smtp.example.org --user me --password-env SMTP_PASSWORD\n"
        "  A provider's other ports, as JSON for a script:\n"
        "    mailwire-probe mail.smtp2go.com --ports 2525,8025,587,80,465 --json\n"
        "\n"
        "Options (--opt VALUE and --opt=VALUE are the same):\n"
        "  --ports LIST          comma-separated candidates, each PORT or PORT/MODE. A bare PORT takes\n"
        "                        the port's usual encryption: 465 implicit TLS, 25 STARTTLS when\n"
        "                        offered, every other port STARTTLS required. MODE is implicit (also\n"
        "                        ssl, smtps, tls), starttls, opportunistic or none (plaintext).\n"
        "                        Default: 587/starttls,465/implicit,2525/starttls,25/opportunistic\n"
        "  --connect-to ADDR     connect to ADDR instead of resolving HOST, which still names the server\n"
        "                        for TLS (SNI and the certificate check)\n"
        "  --cafile FILE         trust anchors in PEM (default: the system bundle)\n"
        "  --insecure            skip certificate verification (for tests; prints a warning)\n"
        "  --user NAME           try AUTH with this user (with one of the three below)\n"
        "  --password-env VAR    the password or token is read from the environment variable VAR\n"
        "  --password-file FILE  ... is the first line of FILE\n"
        "  --password-command CMD  ... is the first line CMD prints (run with /bin/sh -c)\n"
        "  --allow-plaintext-auth  also try AUTH on unencrypted candidates (trusted networks only)\n"
        "  --timeout SECONDS     the bound for each candidate as a whole: connect, TLS, greeting,\n"
        "                        EHLO and AUTH together (up to 3 decimals; default 10)\n"
        "  --json                print one JSON object instead of the lines below\n"
        "  -v, --verbose         each candidate's dialogue on standard error, as [PORT/MODE] C:/S: lines\n"
        "  -h, --help            this text\n"
        "      --version         the version\n"
        "\n"
        "Output: one line per candidate, in the order given:\n"
        "  PORT/MODE  CLASS  MS ms  [TLS version]  [AUTH mechanisms]  [auth: OUTCOME]  [(what failed)]\n"
        "then 'recommended: --port P --tls MODE' (the options mailwire-send takes), or\n"
        "'recommended: none' and a line 'advice: ...' saying why nothing works.\n"
        "CLASS is one of ok, refused, connect_timeout, no_greeting, tls_expected (the port wants\n"
        "implicit TLS), plaintext_spoken (implicit TLS tried, the server speaks plaintext SMTP),\n"
        "starttls_not_offered, certificate, tls_failed, auth_not_offered, auth_rejected,\n"
        "server_refused (4xx/5xx before any mail), resolve_failed, network, other.\n"
        "\n"
        "The recommendation, among the candidates that are ok (and, with --user, where AUTH worked):\n"
        "  1. implicit TLS (RFC 8314 recommends it for submission)\n"
        "  2. STARTTLS required, in the order given\n"
        "  3. opportunistic (25) only if the session was actually encrypted\n"
        "  4. plaintext only when listed explicitly as PORT/none\n"
        "\n"
        "--json prints one object:\n"
        "  {\"host\": \"...\", \"candidates\": [{\"port\": 587, \"mode\": \"starttls\", \"class\": \"ok\",\n"
        "    \"ms\": 212, \"greeting\": \"220 ...\", \"encrypted\": true, \"tls_version\": \"TLSv1.3\",\n"
        "    \"cipher_suite\": \"...\", \"extensions\": {\"size\": 35882577 or null, \"pipelining\": true,\n"
        "    \"chunking\": false, \"8bitmime\": true, \"smtputf8\": false, \"dsn\": false,\n"
        "    \"enhancedstatuscodes\": true, \"starttls\": true, \"auth\": [\"PLAIN\", \"LOGIN\"]} or null when\n"
        "    the server never answered EHLO, \"auth\": \"not_tried|ok|rejected|not_offered\",\n"
        "    \"error\": null or {\"phase\": ..., \"kind\": ..., \"cause\": ..., \"reply\": ..., \"detail\": ...,\n"
        "    \"advice\": ...}}, ...],\n"
        "   \"recommended\": {\"port\": 465, \"tls\": \"implicit\"} or null, \"advice\": \"...\" or null}\n"
        "\"greeting\" is the server's first line (\"\" when none came); \"detail\" the TLS library's text.\n"
        "\n"
        "Exit status (sysexits.h, as mailwire-send):\n"
        "   0  a candidate is recommended\n"
        "  64  usage error\n"
        "  68  the host name did not resolve\n"
        "  69  connection refused everywhere, a 5xx refusal, or the server answered only in plaintext\n"
        "  75  the connects timed out (or a 4xx refusal)\n"
        "  76  connected, but no greeting, the wrong mode for the port, a TLS or certificate failure\n"
        "  77  authentication rejected or not offered\n"
        "  78  configuration error: unreadable CA file, password variable not set\n"
        "Without a recommendation the status is that of the most telling failure: the one that got\n"
        "furthest (AUTH, then the certificate, the mode, TLS, a refusal, the greeting, the connect).\n"
        "\n"
        "This build: TLS %s.\n",
        probe_tls::available ? "available" : "not built in (only PORT/none and opportunistic can work)");
}

/// The version, and the TLS library's (a bug report needs both).
void print_version() {
#if MAILWIRE_PROBE_WITH_TLS
    char running[32]; // the library's, which may be newer than the headers
    mailwire::detail::mbedtls_compat::library_version(running, sizeof(running));
    const std::string tls = tls_version_text(MBEDTLS_VERSION_STRING, running);
#else
    const std::string tls = tls_version_text(nullptr);
#endif
    std::printf("mailwire-probe %d.%d.%d (mailwire %d.%d.%d, %s)\n", MAILWIRE_VERSION_MAJOR, MAILWIRE_VERSION_MINOR,
                MAILWIRE_VERSION_PATCH, MAILWIRE_VERSION_MAJOR, MAILWIRE_VERSION_MINOR, MAILWIRE_VERSION_PATCH, tls.c_str());
}




struct parse_outcome {
    bool proceed = true;
    int status = exit_ok;
};
parse_outcome stop(int status) { return parse_outcome{false, status}; }

parse_outcome parse_arguments(int argc, char** argv, settings& s) {
    struct option_spec {
        std::string_view name;
        bool takes_value;
    };
    static constexpr option_spec options[] = {
        {"ports", true},   {"connect-to", true}, {"cafile", true},  {"insecure", false},
        {"user", true},    {"password-env", true}, {"password-file", true}, {"password-command", true},
        {"allow-plaintext-auth", false},
        {"timeout", true}, {"json", false},     {"verbose", false}, {"help", false},     {"version", false},
    };
    bool ports_given = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg.size() < 2 || arg[0] != '-') {
            if (!s.host.empty()) return stop(usage_error("one HOST only ('" + visible(arg) + "' is a second one)"));
            s.host = arg;
            continue;
        }
        std::string_view name;
        std::optional<std::string_view> inline_value;
        if (arg == "-v") {
            name = "verbose";
        } else if (arg == "-h") {
            name = "help";
        } else if (arg.size() > 2 && arg[1] == '-') {
            name = arg.substr(2);
            const std::size_t eq = name.find('=');
            if (eq != std::string_view::npos) {
                inline_value = name.substr(eq + 1);
                name = name.substr(0, eq);
            }
        } else {
            return stop(usage_error("unknown option '" + visible(arg) + "'"));
        }
        const option_spec* spec = nullptr;
        for (const option_spec& o : options) {
            if (o.name == name) spec = &o;
        }
        if (spec == nullptr) return stop(usage_error("unknown option '--" + visible(name) + "'"));
        std::string_view value;
        if (spec->takes_value) {
            if (inline_value) value = *inline_value;
            else if (i + 1 < argc) value = argv[++i];
            else return stop(usage_error("--" + std::string(name) + " needs a value"));
        } else if (inline_value) {
            return stop(usage_error("--" + std::string(name) + " takes no value"));
        }
        if (name == "help") {
            print_help();
            return stop(exit_ok);
        }
        if (name == "version") {
            print_version();
            return stop(exit_ok);
        }
        if (name == "ports") {
            if (const std::string problem = parse_candidates(value, s.candidates); !problem.empty())
                return stop(usage_error("--ports " + problem));
            ports_given = true;
        } else if (name == "connect-to") {
            if (value.empty()) return stop(usage_error("--connect-to needs an address"));
            s.connect_to = value;
        } else if (name == "cafile") {
            if (value.empty()) return stop(usage_error("--cafile needs a file name"));
            s.cafile = value;
        } else if (name == "insecure") {
            s.insecure = true;
        } else if (name == "user") {
            if (value.empty()) return stop(usage_error("--user needs a user name"));
            s.user = value;
        } else if (name == "password-env") {
            if (value.empty() || value.find('=') != std::string_view::npos)
                return stop(usage_error("--password-env '" + visible(value) + "': not an environment variable name"));
            s.password_env = value;
        } else if (name == "password-file" || name == "password-command") {
            if (value.empty()) return stop(usage_error("--" + std::string(name) + " needs a value"));
            (name == "password-file" ? s.password_file : s.password_command) = value;
        } else if (name == "allow-plaintext-auth") {
            s.allow_plaintext_auth = true;
        } else if (name == "timeout") {
            if (!parse_timeout(value, s.timeout_ms))
                return stop(usage_error("--timeout '" + visible(value) +
                                        "': not a number of seconds above 0 (at most 3 decimals, e.g. 10 or 2.5)"));
        } else if (name == "json") {
            s.json = true;
        } else if (name == "verbose") {
            s.verbose = true;
        }
    }
    if (s.host.empty()) return stop(usage_error("HOST is required (the SMTP server's name or address)"));
    const int secret_sources = (s.password_env ? 1 : 0) + (s.password_file ? 1 : 0) + (s.password_command ? 1 : 0);
    if (secret_sources > 1)
        return stop(usage_error("give the secret one way: --password-env, --password-file or --password-command"));
    if (s.user && secret_sources == 0)
        return stop(usage_error("--user needs the secret from --password-env VAR, --password-file FILE or "
                                "--password-command CMD (never on the command line)"));
    if (secret_sources != 0 && !s.user)
        return stop(usage_error("--password-env, --password-file and --password-command need --user NAME"));
    if (!ports_given) s.candidates.assign(std::begin(default_candidates), std::end(default_candidates));
    return parse_outcome{};
}

/// The secret and the CA file, checked before anything is connected (78).
int preflight(const settings& s, std::string& secret) {
    std::string why;
    if (s.password_file && !secrets::from_file(std::string(*s.password_file), secret, why))
        return fail(exit_config, "--password-file " + visible(*s.password_file) + ": " + why,
                    "Put the password or OAuth2 token on the file's first line (and keep the file private: chmod 600).");
    if (s.password_command && !secrets::from_command(std::string(*s.password_command), secret, why))
        return fail(exit_config, "--password-command: " + why,
                    "Check that the command prints the password or token on its first line and exits with 0 (run it "
                    "alone to see).");
    if (s.password_env) {
        const std::string var(*s.password_env);
        const char* value = std::getenv(var.c_str());
        if (value == nullptr || *value == '\0')
            return fail(exit_config, "--password-env " + visible(var) + ": the environment variable is " +
                                         (value == nullptr ? "not set" : "empty"),
                        "Put the password or OAuth2 token into the environment variable named by --password-env; it "
                        "is never taken from the command line.");
        secret = value;
    }
    if (s.cafile) {
        const std::string path(*s.cafile);
        const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return fail(exit_config, "--cafile " + visible(path) + ": " + std::strerror(errno),
                        "Give a readable PEM file with the CA certificates to trust, or leave --cafile out to use the "
                        "system's bundle.");
        ::close(fd);
    }
    if (s.insecure)
        print_err(std::string(program) + ": warning: --insecure: certificates are not verified; a result of ok says "
                                         "nothing about who answered");
    return exit_ok;
}


std::string label(const mailwire::probe_candidate& c) {
    return std::to_string(c.port) + "/" + mailwire::to_string(c.mode);
}

// ============================================================================ running
std::mutex stderr_lock; // -v: the candidates' threads share standard error

struct trace_context {
    std::string prefix;
};
void trace_to_stderr(void* context, mailwire::trace_direction d, std::string_view line) {
    const auto* t = static_cast<const trace_context*>(context);
    const char* dir = d == mailwire::trace_direction::client ? "C: " : d == mailwire::trace_direction::server ? "S: " : "* ";
    const std::string text = t->prefix + dir + visible(line);
    const std::lock_guard<std::mutex> hold(stderr_lock);
    print_err(text);
}

/// One candidate's own client and everything that must outlive it.
struct job {
    probe_client client;
    trace_context trace;
    mailwire::probe_result result;
};

#if !MAILWIRE_PROBE_WITH_TLS
void setup_tls(mailwire::no_tls&, const settings&, const std::string&) {}
#else
void setup_tls(mailwire::mbedtls_tls& tls, const settings& s, const std::string& cafile) {
    if (s.cafile) tls.settings().ca_file = cafile.c_str();
    tls.settings().insecure_skip_verify = s.insecure;
}
#endif

// ============================================================================ reporting
std::string mechanisms(const mailwire::capabilities& caps, const char* separator, bool quoted) {
    std::string out;
    for (mailwire::auth_mechanism m : {mailwire::auth_mechanism::plain, mailwire::auth_mechanism::login,
                                       mailwire::auth_mechanism::xoauth2, mailwire::auth_mechanism::oauthbearer}) {
        if (!caps.offers(m)) continue;
        if (!out.empty()) out += separator;
        out += quoted ? json_string(mailwire::to_string(m)) : std::string(mailwire::to_string(m));
    }
    return out;
}

/// "(connect: connection refused)", "(ehlo: 550 5.7.1 go away)": what failed, on the candidate's line.
std::string what_failed(const mailwire::probe_result& r) {
    const mailwire::error& e = r.err;
    std::string what = std::string(mailwire::to_string(e.where)) + ": ";
    if (!e.server.empty()) what += describe_reply(e.server);
    else if (e.why != mailwire::cause::none) what += mailwire::to_string(e.why);
    else what += mailwire::to_string(e.kind);
    if (e.sys_error != 0 && e.why != mailwire::cause::connection_refused) what += std::string(" (") + std::strerror(e.sys_error) + ")";
    if (e.why == mailwire::cause::tls_alert && e.tls_alert != 0) what += std::string(" ") + mailwire::tls_alert_name(e.tls_alert);
    if (*r.detail() != '\0') what += "; " + visible(r.detail());
    return "(" + what + ")";
}

void print_lines(const std::vector<std::unique_ptr<job>>& jobs) {
    std::size_t width = 0;
    for (const auto& j : jobs) width = std::max(width, label(j->result.candidate).size());
    for (const auto& j : jobs) {
        const mailwire::probe_result& r = j->result;
        std::string line = label(r.candidate);
        line.append(width + 2 - line.size(), ' ');
        std::string cls = mailwire::to_string(r.outcome);
        cls.append(cls.size() < 21 ? 21 - cls.size() : 1, ' ');
        line += cls;
        std::string ms = std::to_string(r.elapsed_ms);
        line += std::string(ms.size() < 6 ? 6 - ms.size() : 0, ' ') + ms + " ms";
        if (*r.tls_version() != '\0') line += std::string("  ") + r.tls_version();
        if (r.capabilities_known && r.caps.auth) {
            const std::string m = mechanisms(r.caps, " ", false);
            line += "  AUTH " + (m.empty() ? std::string("(none mailwire speaks)") : m);
        }
        if (r.auth != mailwire::probe_auth::not_tried) line += std::string("  auth: ") + mailwire::to_string(r.auth);
        if (!r.err.ok()) line += "  " + what_failed(r);
        print_out(line);
    }
}

void print_json(const settings& s, const std::vector<std::unique_ptr<job>>& jobs, std::size_t best, const char* advice) {
    std::string o = "{\"host\":" + json_string(s.host) + ",\"candidates\":[";
    for (std::size_t i = 0; i < jobs.size(); ++i) {
        const mailwire::probe_result& r = jobs[i]->result;
        if (i != 0) o += ",";
        o += "{\"port\":" + std::to_string(r.candidate.port);
        o += ",\"mode\":" + json_string(mailwire::to_string(r.candidate.mode));
        o += ",\"class\":" + json_string(mailwire::to_string(r.outcome));
        o += ",\"ms\":" + std::to_string(r.elapsed_ms);
        o += ",\"greeting\":" + json_string(r.greeting());
        o += std::string(",\"encrypted\":") + (r.encrypted ? "true" : "false");
        o += ",\"tls_version\":" + json_string(r.tls_version());
        o += ",\"cipher_suite\":" + json_string(r.cipher_suite());
        if (r.capabilities_known) {
            const mailwire::capabilities& c = r.caps;
            const auto flag = [](bool b) { return b ? "true" : "false"; };
            o += ",\"extensions\":{\"size\":" + (c.size ? std::to_string(c.size_limit) : std::string("null"));
            o += std::string(",\"pipelining\":") + flag(c.pipelining);
            o += std::string(",\"chunking\":") + flag(c.chunking);
            o += std::string(",\"8bitmime\":") + flag(c.eightbitmime);
            o += std::string(",\"smtputf8\":") + flag(c.smtputf8);
            o += std::string(",\"dsn\":") + flag(c.dsn);
            o += std::string(",\"enhancedstatuscodes\":") + flag(c.enhanced_status_codes);
            o += std::string(",\"starttls\":") + flag(c.starttls);
            o += ",\"auth\":[" + mechanisms(c, ",", true) + "]}";
        } else {
            o += ",\"extensions\":null";
        }
        o += ",\"auth\":" + json_string(mailwire::to_string(r.auth));
        if (r.err.ok()) {
            o += ",\"error\":null";
        } else {
            const mailwire::error& e = r.err;
            o += ",\"error\":{\"phase\":" + json_string(mailwire::to_string(e.where));
            o += ",\"kind\":" + json_string(mailwire::to_string(e.kind));
            o += ",\"cause\":" + json_string(cause_name(e.why));
            o += ",\"reply\":" + json_string(describe_reply(e.server));
            o += ",\"detail\":" + json_string(r.detail());
            o += ",\"advice\":" + json_string(e.advice()) + "}";
        }
        o += "}";
    }
    o += "],\"recommended\":";
    if (best < jobs.size()) {
        const mailwire::probe_candidate& c = jobs[best]->result.candidate;
        o += "{\"port\":" + std::to_string(c.port) + ",\"tls\":" + json_string(mailwire::to_string(c.mode)) + "}";
    } else {
        o += "null";
    }
    o += ",\"advice\":" + (*advice != '\0' ? json_string(advice) : std::string("null")) + "}";
    print_out(o);
}

/// The exit status of the most telling failure (the contract in --help).
int status_for(const mailwire::probe_result& r) {
    using mailwire::probe_class;
    switch (r.outcome) {
    case probe_class::ok: return exit_unavailable; // answered, but not usable (plaintext only)
    case probe_class::refused: return exit_unavailable;
    case probe_class::connect_timeout: return exit_temporary;
    case probe_class::no_greeting:
    case probe_class::tls_expected:
    case probe_class::plaintext_spoken:
    case probe_class::starttls_not_offered:
    case probe_class::certificate: return exit_protocol;
    case probe_class::auth_rejected:
    case probe_class::auth_not_offered: return exit_permission;
    case probe_class::resolve_failed: return exit_no_host;
    case probe_class::tls_failed: // 76, or 78 when the trust anchors could not be loaded
    case probe_class::server_refused:
    case probe_class::network:
    case probe_class::other: return exit_code_for(r.err);
    }
    return exit_code_for(r.err);
}

} // namespace

int main(int argc, char** argv) {
    settings s;
    const parse_outcome parsed = parse_arguments(argc, argv, s);
    if (!parsed.proceed) return parsed.status;
    std::string secret;
    if (const int st = preflight(s, secret); st != exit_ok) return st;
    const std::string cafile = s.cafile ? std::string(*s.cafile) : std::string();
    const std::string ehlo = default_ehlo_name();
    const mailwire::credentials cred{s.user ? *s.user : std::string_view(), secret};

#if MAILWIRE_PROBE_WITH_TLS && MBEDTLS_VERSION_MAJOR >= 3 && defined(MBEDTLS_PSA_CRYPTO_C)
    // PSA's one-time start, before the threads (each client's handshake would otherwise race to it).
    if (psa_crypto_init() != PSA_SUCCESS)
        return fail(exit_config, "the TLS library could not start (psa_crypto_init)", "Report this build's mbedTLS setup.");
#endif

    mailwire::probe_settings ps;
    ps.cred = s.user ? &cred : nullptr;
    ps.budget_ms = s.timeout_ms;

    std::vector<std::unique_ptr<job>> jobs;
    for (const mailwire::probe_candidate& c : s.candidates) {
        auto j = std::make_unique<job>();
        mailwire::client_options& opt = j->client.options();
        opt.ehlo_name = ehlo;
        if (s.connect_to) opt.connect_to = *s.connect_to;
        opt.allow_plaintext_auth = s.allow_plaintext_auth;
        if (s.verbose) {
            j->trace.prefix = "[" + label(c) + "] ";
            opt.trace = &trace_to_stderr;
            opt.trace_context = &j->trace;
        }
        setup_tls(j->client.tls(), s, cafile);
        jobs.push_back(std::move(j));
    }
    // One thread per candidate: each holds itself to the budget, so all end within about one
    // --timeout together. An mbedTLS 3.x built without MBEDTLS_THREADING_C cannot run TLS 1.3
    // handshakes side by side (mbedtls_tls.hpp, concurrent_handshakes_safe): there the candidates
    // go one after another, and the probe takes up to one --timeout per candidate.
#if MAILWIRE_PROBE_WITH_TLS
    constexpr bool parallel = mailwire::detail::mbedtls_compat::concurrent_handshakes_safe;
#else
    constexpr bool parallel = true;
#endif
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < jobs.size(); ++i) {
        job* j = jobs[i].get();
        const mailwire::probe_candidate c = s.candidates[i];
        threads.emplace_back([j, c, &s, &ps] { (void)mailwire::probe(j->client, s.host, c, j->result, ps); });
        if (!parallel) threads.back().join();
    }
    for (std::thread& t : threads) {
        if (t.joinable()) t.join();
    }

    std::vector<mailwire::probe_result> results;
    for (const auto& j : jobs) results.push_back(j->result);
    const bool with_credentials = s.user.has_value();
    const std::size_t best = mailwire::recommend(results.data(), results.size(), with_credentials);
    const char* advice = mailwire::probe_advice(results.data(), results.size(), with_credentials);

    if (s.json) {
        print_json(s, jobs, best, advice);
    } else {
        print_lines(jobs);
        if (best < results.size()) {
            const mailwire::probe_candidate& c = results[best].candidate;
            print_out("recommended: --port " + std::to_string(c.port) + " --tls " + mailwire::to_string(c.mode));
        } else {
            print_out("recommended: none");
            print_out(std::string("advice: ") + (*advice != '\0' ? advice : "no candidate worked; see the lines above"));
        }
    }
    std::fflush(stdout);
    if (best < results.size()) return exit_ok;
    const std::size_t worst = mailwire::most_telling(results.data(), results.size());
    return worst < results.size() ? status_for(results[worst]) : results.empty() ? exit_usage : exit_unavailable;
}
