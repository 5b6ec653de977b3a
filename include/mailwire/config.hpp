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

#define MAILWIRE_VERSION_MAJOR 0
#define MAILWIRE_VERSION_MINOR 1
#define MAILWIRE_VERSION_PATCH 0

// Receive buffer of the client. It must hold one whole reply line: RFC 5321 §4.5.3.1.5 limits a
// reply line to 512 octets including CRLF.
#ifndef MAILWIRE_RX_BUFFER_SIZE
#define MAILWIRE_RX_BUFFER_SIZE 1024
#endif

// Transmit buffer: commands are assembled here, pipelined commands are batched here, and the
// dot-stuffed body streams through it. It must hold the longest command line: RFC 5321
// §4.5.3.1.4 allows 512 octets.
#ifndef MAILWIRE_TX_BUFFER_SIZE
#define MAILWIRE_TX_BUFFER_SIZE 1024
#endif

// How much of a server reply's text an error (and each recipient's result) keeps.
#ifndef MAILWIRE_REPLY_TEXT_SIZE
#define MAILWIRE_REPLY_TEXT_SIZE 160
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

// Programming errors (never I/O failures) go through MAILWIRE_ASSERT, which a user may replace.
#ifndef MAILWIRE_ASSERT
#include <cassert>
#define MAILWIRE_ASSERT(cond) assert(cond)
#endif

#endif // MAILWIRE_CONFIG_HPP
