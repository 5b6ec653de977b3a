// SPDX-License-Identifier: BSL-1.0
// mailwire - what a client is told: per-step timeouts, options (EHLO name, port, encryption,
// trace, progress) and credentials. Plain data, all zero by default, so a client holding them is
// constant-initialised.
#ifndef MAILWIRE_OPTIONS_HPP
#define MAILWIRE_OPTIONS_HPP

#include "config.hpp"

#include "profiles.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mailwire {
inline namespace MAILWIRE_ABI {

/// Per-step timeouts in milliseconds. 0, as every field starts, stands for the step's default
/// (defaults()), which follows RFC 5321 §4.5.3.2 where it names one: all zero, a client needs no
/// start-up code (a static one is constant-initialised into .bss). open() puts the defaults in
/// place of the zeros (settle()). Deadlines are kept on 32 bits, wrap-safe (a 32-bit millisecond
/// tick wraps every 49.7 days), so a bound is at most 2^31 - 1 ms (24.8 days): longer is cut to that.
struct timeouts {
    std::uint32_t connect = 0;       ///< default 30 s, not in the RFC: a slow SYN-ACK, short enough for a person
    std::uint32_t tls_handshake = 0; ///< default 60 s, not in the RFC
    std::uint32_t greeting = 0;      ///< §4.5.3.2.1 initial 220: 5 minutes
    std::uint32_t command = 0;       ///< EHLO, STARTTLS, AUTH, RSET, NOOP: as MAIL, 5 minutes
    std::uint32_t mail = 0;          ///< §4.5.3.2.2: 5 minutes
    std::uint32_t rcpt = 0;          ///< §4.5.3.2.3: 5 minutes
    std::uint32_t data_init = 0;     ///< §4.5.3.2.4 the 354: 2 minutes
    std::uint32_t data_block = 0;    ///< §4.5.3.2.5 each write of the content: 3 minutes
    std::uint32_t data_end = 0;      ///< §4.5.3.2.6 the reply to ".": 10 minutes
    std::uint32_t quit = 0;          ///< default 30 s, not in the RFC: the message is already delivered
    /// Default 10 s, not in the RFC: how long a server that has accepted the connection may stay
    /// silent before its first octet (of the greeting; with implicit TLS, of its answer to the
    /// ClientHello). The rest of the greeting still has `greeting`'s 5 minutes. A server that says
    /// nothing at all for 10 s is not slow but waiting for something else: TLS from the first byte
    /// (the client then tries a ClientHello to tell) or nothing, as a proxy or port forward that
    /// accepts with no server behind it. Deliberate greeting delays stay well below it (Postfix's
    /// postscreen sends the first line of its greeting at once and waits 6 s before the rest;
    /// sendmail's greet_pause is usually 5 s). Raise it for a server known to wait longer.
    std::uint32_t first_byte = 0;

    /// Sets one bound for every step (mailwire-send --timeout); 0 goes back to the defaults.
    void set_all(std::uint32_t ms) noexcept {
        connect = tls_handshake = greeting = command = mail = rcpt = data_init = data_block = data_end = quit =
            first_byte = ms;
    }
    static constexpr std::uint32_t longest = 0x7FFFFFFFu; ///< 2^31 - 1 ms

    /// Each 0 replaced by its default, each bound cut to `longest`.
    void settle() noexcept;
    /// What 0 stands for in each field.
    static constexpr timeouts defaults() noexcept {
        timeouts t;
        t.connect = 30000;
        t.tls_handshake = 60000;
        t.greeting = t.command = t.mail = t.rcpt = 300000;
        t.data_init = 120000;
        t.data_block = 180000;
        t.data_end = 600000;
        t.quit = 30000;
        t.first_byte = 10000;
        return t;
    }
};

inline void timeouts::settle() noexcept {
    constexpr timeouts fallback = defaults();
    // Each 0 becomes its default; each bound is cut to what a 32-bit deadline can hold.
    const auto settle_one = [](std::uint32_t& ms, std::uint32_t default_ms) noexcept {
        if (ms == 0) ms = default_ms;
        if (ms > longest) ms = longest;
    };
    settle_one(connect, fallback.connect);
    settle_one(tls_handshake, fallback.tls_handshake);
    settle_one(greeting, fallback.greeting);
    settle_one(command, fallback.command);
    settle_one(mail, fallback.mail);
    settle_one(rcpt, fallback.rcpt);
    settle_one(data_init, fallback.data_init);
    settle_one(data_block, fallback.data_block);
    settle_one(data_end, fallback.data_end);
    settle_one(quit, fallback.quit);
    settle_one(first_byte, fallback.first_byte);
    static_assert(sizeof(timeouts) == 11 * sizeof(std::uint32_t), "a new field needs a line above");
}

enum class trace_direction : std::uint8_t { client, server, info };
/// Receives the dialogue line by line (without CRLF). Secrets are already replaced by "<redacted>".
using trace_fn = void (*)(void* context, trace_direction direction, std::string_view line);

struct credentials {
    std::string_view user;
    std::string_view secret; ///< password, or an OAuth2 access token for XOAUTH2/OAUTHBEARER
};

struct client_options {
    std::string_view ehlo_name;     ///< empty: the local address literal, or "localhost"
    /// Connect to this address (or name) instead of the host given to open(), which still names the
    /// server for TLS (SNI and the certificate check), like curl's --connect-to. Empty: the host.
    std::string_view connect_to;
    std::uint16_t port = 0;         ///< 0: the profile's port
    /// profiles::runtime only (a fixed profile's open() refuses another mode): use `mode` instead
    /// of the encryption the port implies (encryption_for_port).
    bool override_encryption = false;
    encryption mode = encryption::none; ///< used when override_encryption is set
    bool allow_plaintext_auth = false;  ///< AUTH on an unencrypted connection: opt in only
    bool disable_pipelining = false;    ///< never PIPELINING (RFC 2920), even when the server offers it
    bool disable_chunking = false;      ///< never BDAT (CHUNKING, RFC 3030): DATA even when BDAT is offered
    timeouts timeout;
    trace_fn trace = nullptr;
    void* trace_context = nullptr;
    /// Called by authenticate() just before AUTH (and only when AUTH will happen: connected,
    /// encrypted or allowed in plaintext, offered), with the credentials it was given: fill in a
    /// fresh secret here, an OAuth2 access token fetched now rather than when the client was set
    /// up (Gmail's last an hour). The views it sets must stay valid until authenticate() returns.
    /// False: no AUTH is attempted (usage, cause::credentials_unavailable).
    bool (*fetch_credentials)(void* context, credentials& cred) = nullptr;
    void* fetch_credentials_context = nullptr;
    /// Called as the content goes out: bytes of the message taken so far, and its size (envelope
    /// size, 0 when unknown). It comes once per block read from the source (256 octets on
    /// firmware, up to 16 KiB on hosted builds): throttle in the callback.
    void (*progress)(void* context, std::uint64_t sent, std::uint64_t total) = nullptr;
    void* progress_context = nullptr;
};

} // inline namespace MAILWIRE_ABI
} // namespace mailwire

#endif // MAILWIRE_OPTIONS_HPP
