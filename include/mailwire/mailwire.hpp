// SPDX-License-Identifier: BSL-1.0
// mailwire - a header-only C++17 SMTP client for firmware, small tools and larger programs.
//
// This umbrella header includes the whole library. On a POSIX system (and ESP-IDF) it also brings
// the socket transport, posix_transport, and on Zephyr zephyr_transport; define MAILWIRE_NO_POSIX
// before including it to leave that out (firmware with its own transport).
#ifndef MAILWIRE_MAILWIRE_HPP
#define MAILWIRE_MAILWIRE_HPP

#include "config.hpp"
#include "io.hpp"
#include "clock.hpp"
#include "transport.hpp"
#include "reply.hpp"
#include "error.hpp"
#include "limits.hpp"
#include "reply_parser.hpp"
#include "capabilities.hpp"
#include "base64.hpp"
#include "dot_stuffer.hpp"
#include "address.hpp"
#include "profiles.hpp"
#include "tls.hpp"
#include "advice.hpp"
#include "source.hpp"
#include "options.hpp"
#include "envelope.hpp"
#include "client.hpp"
#include "budget_transport.hpp"
#include "probe.hpp"
#include "fallback.hpp"
#include "providers.hpp"
#include "message.hpp"

// The socket transports' algorithm, for every socket layer (first included here, outside any #if,
// so that the single header has it for each of them).
#include "socket_transport.hpp"
#if !defined(MAILWIRE_NO_POSIX) && (defined(__unix__) || defined(__APPLE__) || defined(ESP_PLATFORM))
#include "posix_transport.hpp"
#elif !defined(MAILWIRE_NO_POSIX) && defined(__ZEPHYR__)
#include "zephyr_transport.hpp"
#endif

#endif // MAILWIRE_MAILWIRE_HPP
