// SPDX-License-Identifier: BSL-1.0
// mailwire - configuration: an optional user profile header first, then a default for every knob.
#ifndef MAILWIRE_CONFIG_HPP
#define MAILWIRE_CONFIG_HPP

// A firmware project puts a mailwire_config.h on its include path (the way lwIP reads lwipopts.h)
// and sets only what it needs; everything else gets the default below.
#if defined(__has_include)
#if __has_include(<mailwire_config.h>)
#include <mailwire_config.h>
#endif
#endif

// The version, in this one place: CMake reads these three lines (CMakeLists.txt), the package
// manifests are checked against them, and CHANGELOG.md names each release. Semantic versioning;
// while the major is 0, a minor release may change the API (CHANGELOG.md says how).
#define MAILWIRE_VERSION_MAJOR 0
#define MAILWIRE_VERSION_MINOR 2
#define MAILWIRE_VERSION_PATCH 0
/// One number to compare in #if: 10000 * major + 100 * minor + patch.
#define MAILWIRE_VERSION (MAILWIRE_VERSION_MAJOR * 10000 + MAILWIRE_VERSION_MINOR * 100 + MAILWIRE_VERSION_PATCH)

// Receive buffer of the client. With 514 octets or more it holds any whole reply line (RFC 5321
// §4.5.3.1.5: 512 octets including CRLF). Smaller (at least 64, for firmware), a longer line keeps
// its first half-buffer of text: reply texts, capabilities and AUTH challenges are then judged on
// that much, and the 512-octet bound is still enforced.
#ifndef MAILWIRE_RX_BUFFER_SIZE
#define MAILWIRE_RX_BUFFER_SIZE 1024
#endif

// Transmit buffer: commands are assembled here, pipelined commands are batched here, and the
// dot-stuffed body streams through it. At least 64 octets; a command longer than the buffer (up
// to 512, RFC 5321 §4.5.3.1.4) is streamed through it, and the trace shows only its verb. Hosted
// builds (POSIX, Windows) default to 64 KiB, so that a big body takes few sends (bench/throughput:
// a 20 MiB body through a 1 KiB buffer was 20,513 sends); with 4 KiB or more the body also moves
// in blocks (basic_client::bulk_body). Everything else (firmware) defaults to 1 KiB and keeps the
// smaller octet loop; the firmware example sets 128.
#ifndef MAILWIRE_TX_BUFFER_SIZE
#if defined(__unix__) || defined(__APPLE__) || defined(_WIN32)
#define MAILWIRE_TX_BUFFER_SIZE 65536
#else
#define MAILWIRE_TX_BUFFER_SIZE 1024
#endif
#endif

// Whether content moves in blocks (memchr and memcpy over runs, whole base64 lines, large reads)
// or octet by octet (smaller code). Not a knob of its own: it follows the send buffer, so a
// firmware image with a small buffer keeps the small loops, and it is in the ABI name with it.
#define MAILWIRE_BULK_CONTENT (MAILWIRE_TX_BUFFER_SIZE >= 4096)

// PIPELINING (RFC 2920): the most octets of pipelined commands the client has sent whose replies it
// has not read yet. RFC 2920 §3.1: a client that does not use non-blocking I/O must keep each group
// of commands within the TCP window, or client and server can both block writing (each waiting for
// the other to read) until the deadline. 4096 is the RFC's example figure, and below the smallest
// receive buffer a server's stack has (Linux: 4 KiB at the least; lwIP's TCP_WND is 4 * TCP_MSS by
// default). A transport may state its own figure (pipeline_window(), transport.hpp); one with
// wait_ready() needs none on a plaintext connection (the client then reads while it writes). A
// single command longer than the window still goes out whole, alone.
#ifndef MAILWIRE_PIPELINE_WINDOW
#define MAILWIRE_PIPELINE_WINDOW 4096
#endif

// How much of a server reply's text an error (and each recipient's result) keeps, every line of a
// multi-line reply included. 480 keeps the typical provider refusal whole with its explanation
// URL (Gmail's 5.7.26 and Microsoft 365's 5.7.139 replies run to 200-400 octets); firmware that
// keeps a result per recipient sets it lower (the firmware example: 64).
#ifndef MAILWIRE_REPLY_TEXT_SIZE
#define MAILWIRE_REPLY_TEXT_SIZE 480
#endif

// Lines one reply may have before it counts as an endless continuation. An EHLO reply from a
// large provider has about 15; 64 leaves room without letting a server keep the client forever.
#ifndef MAILWIRE_MAX_REPLY_LINES
#define MAILWIRE_MAX_REPLY_LINES 64
#endif

// Human-readable advice texts. Set to 0 for the smallest images: error::advice() then returns "".
#ifndef MAILWIRE_ADVICE
#define MAILWIRE_ADVICE 1
#endif

// Short advice texts: the same advice for the same failure, in one short line each (about 24
// characters: "Port 25 blocked? Use 587 or 2525.") instead of a sentence or two. For firmware: on a
// Cortex-M4 the advice costs about 1.8 KB of flash with the short texts, 8.3 KB with the full ones.
#ifndef MAILWIRE_ADVICE_SHORT
#define MAILWIRE_ADVICE_SHORT 0
#endif

// SASL mechanisms compiled in (as lwIP's SMTP_SUPPORT_AUTH_PLAIN and _LOGIN). One compiled out is
// never chosen by auth_mechanism::automatic; asked for by name, it fails before anything is sent
// (usage, mechanism_not_offered).
#ifndef MAILWIRE_AUTH_PLAIN
#define MAILWIRE_AUTH_PLAIN 1
#endif
#ifndef MAILWIRE_AUTH_LOGIN
#define MAILWIRE_AUTH_LOGIN 1
#endif
#ifndef MAILWIRE_AUTH_XOAUTH2
#define MAILWIRE_AUTH_XOAUTH2 1
#endif
#ifndef MAILWIRE_AUTH_OAUTHBEARER
#define MAILWIRE_AUTH_OAUTHBEARER 1
#endif

// The ESMTP extensions the client uses through MAIL FROM parameters: SIZE (the size declared, and
// a message over the server's limit refused before it is sent; RFC 1870), 8BITMIME (BODY=8BITMIME;
// RFC 6152) and SMTPUTF8 (non-ASCII addresses; RFC 6531). 0 compiles them out (about 400 B on a
// Cortex-M4) for firmware whose messages are ASCII and small: the client then acts as with a server
// that offers none of the three (server_capabilities() does not list them, a non-ASCII address
// fails with utf8_not_supported before anything is sent, the composer encodes 8-bit text for a
// 7-bit path) and the server alone judges the size.
#ifndef MAILWIRE_MAIL_PARAMETERS
#define MAILWIRE_MAIL_PARAMETERS 1
#endif

// Addresses are checked against RFC 5321's Mailbox syntax (§4.1.2: dot-atoms, quoted local parts,
// domains of letters, digits and hyphens, address literals) before anything is sent. 0 keeps only
// what the command line needs (about 250 B less on a Cortex-M4, for firmware whose addresses are
// its own constants): no control characters, no space, '<' or '>' (they would end the path early),
// text on both sides of the last '@', the length limits of §4.5.3.1; non-ASCII still needs
// SMTPUTF8. The server judges the rest of the syntax.
#ifndef MAILWIRE_ADDRESS_SYNTAX
#define MAILWIRE_ADDRESS_SYNTAX 1
#endif

// CHUNKING (RFC 3030): BDAT instead of DATA when the server offers it. The content goes out in
// counted chunks, pipelined with MAIL and RCPT, so a message that fits one chunk takes one round
// trip, and nothing is dot-stuffed. 0 compiles it out (DATA always; the firmware example does, to
// keep its flash budget).
#ifndef MAILWIRE_CHUNKING
#define MAILWIRE_CHUNKING 1
#endif

// The dialogue trace (client_options::trace). 0 compiles the calls out: the option is then ignored.
#ifndef MAILWIRE_TRACE
#define MAILWIRE_TRACE 1
#endif

// The TLS policy's failure_detail() text (mbedTLS's verification text, the names the server's
// certificate was issued for, the error code). 0 leaves it empty, and the code that collects it
// out of the image; the failure's cause (untrusted, expired, wrong host...) stays.
#ifndef MAILWIRE_TLS_DETAIL
#define MAILWIRE_TLS_DETAIL MAILWIRE_ADVICE
#endif

// The ABI namespace. Every declaration of mailwire lives in `mailwire::MAILWIRE_ABI`, an inline
// namespace whose name spells out the version and every knob above: so `mailwire::client` is
// written as always, but two translation units built with different knobs (a firmware that sets
// MAILWIRE_RX_BUFFER_SIZE in one file only, say) use differently named types and functions and
// cannot be linked into one program's silent One Definition Rule violation: each keeps its own.
// (nlohmann/json does the same for its knobs.) The knobs must therefore be integer literals
// (`#define MAILWIRE_RX_BUFFER_SIZE 2048`, not `(2 * 1024)`): their values are pasted into a name.
#define MAILWIRE_ABI_NAME_(major, minor, rx, tx, window, text, lines, advice, short_advice, plain, login, xoauth2, \
                           oauthbearer, parameters, syntax, trace, tls_detail, chunking)                           \
    abi_v##major##_##minor##_rx##rx##_tx##tx##_w##window##_text##text##_lines##lines##_f##advice##short_advice##plain##login##xoauth2##oauthbearer##parameters##syntax##trace##tls_detail##chunking
// One step between, so that each knob is replaced by its value before it is pasted.
#define MAILWIRE_ABI_EXPAND_(...) MAILWIRE_ABI_NAME_(__VA_ARGS__)
#define MAILWIRE_ABI                                                                                                 \
    MAILWIRE_ABI_EXPAND_(MAILWIRE_VERSION_MAJOR, MAILWIRE_VERSION_MINOR, MAILWIRE_RX_BUFFER_SIZE,                   \
                         MAILWIRE_TX_BUFFER_SIZE, MAILWIRE_PIPELINE_WINDOW, MAILWIRE_REPLY_TEXT_SIZE,               \
                         MAILWIRE_MAX_REPLY_LINES, MAILWIRE_ADVICE, MAILWIRE_ADVICE_SHORT, MAILWIRE_AUTH_PLAIN,     \
                         MAILWIRE_AUTH_LOGIN, MAILWIRE_AUTH_XOAUTH2, MAILWIRE_AUTH_OAUTHBEARER,                     \
                         MAILWIRE_MAIL_PARAMETERS, MAILWIRE_ADDRESS_SYNTAX, MAILWIRE_TRACE, MAILWIRE_TLS_DETAIL,    \
                         MAILWIRE_CHUNKING)

// Programming errors (never I/O failures) go through MAILWIRE_ASSERT, which a user may replace.
#ifndef MAILWIRE_ASSERT
#include <cassert>
#define MAILWIRE_ASSERT(cond) assert(cond)
#endif

#endif // MAILWIRE_CONFIG_HPP
