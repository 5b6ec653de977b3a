// SPDX-License-Identifier: BSL-1.0
// mailwire - what a transport and a clock must provide, checked at compile time.
//
// A transport is a minimal blocking byte stream. Every call gets the time left until the current
// step's deadline; the client computes it from its clock before each call, so a peer that trickles
// one byte at a time cannot stretch a step (each call only gets what is left).
//
// | expression                                 | returns   | meaning                                   |
// |--------------------------------------------|-----------|-------------------------------------------|
// | t.connect(host, port, timeout_ms)          | io_result | open a connection; host is a name or an   |
// |                                            |           | IPv4/IPv6 literal, not NUL-terminated     |
// | t.read_some(buf, len, timeout_ms)          | io_result | wait up to timeout_ms for >= 1 byte; ok   |
// |                                            |           | with bytes > 0, closed at end of stream,  |
// |                                            |           | timeout, or error. len is never 0.        |
// | t.write_some(buf, len, timeout_ms)         | io_result | write >= 1 byte or fail; partial writes   |
// |                                            |           | are fine, the client loops                |
// | t.close()                                  | void      | release the connection; safe to repeat    |
//
// Optional: `bool local_address_literal(char* out, std::size_t cap)` writes the local end as an
// RFC 5321 §4.1.3 address literal ("[192.0.2.1]", "[IPv6:2001:db8::1]"), used as the EHLO name
// when the caller sets none.
//
// Optional, for PIPELINING (RFC 2920 §3.1: a pipelining client either uses non-blocking I/O or keeps
// each group of commands within the TCP window, else client and server can deadlock, each blocked
// writing to the other):
//
// | expression                                 | returns     | meaning                                 |
// |--------------------------------------------|-------------|-----------------------------------------|
// | t.wait_ready(wanted, timeout_ms)           | unsigned    | wait up to timeout_ms until a read_some |
// |                                            |             | or write_some, as `wanted` asks         |
// |                                            |             | (ready_read | ready_write, io.hpp),     |
// |                                            |             | would not wait; returns which of them   |
// |                                            |             | (an error or end of stream counts as    |
// |                                            |             | ready: the next call reports it), 0     |
// |                                            |             | when the time passed                    |
// | t.pipeline_window() (const)                | std::size_t | octets of pipelined commands that may   |
// |                                            |             | be unanswered on this connection; 0:    |
// |                                            |             | the default                             |
//
// With wait_ready() (posix_transport has it: poll for POLLIN|POLLOUT) the client, on a plaintext
// connection, reads and matches replies whenever they arrive while it writes a pipelined envelope,
// and never blocks on a write while replies wait; no window is needed. Without it, and over TLS (a
// TLS record may be half written, and the policy may hold decrypted bytes the socket does not
// show), the client keeps at most pipeline_window() octets of commands unanswered, or
// MAILWIRE_PIPELINE_WINDOW (config.hpp, 4096) without that member. A transport whose peer's
// receive window is smaller (a modem, a small lwIP TCP_WND) states it with pipeline_window().
// Wrappers (budget_transport, testing::faulty_transport) forward both.
//
// A clock has `millis now()` returning a monotonic count of milliseconds.
#ifndef MAILWIRE_TRANSPORT_HPP
#define MAILWIRE_TRANSPORT_HPP

#include "config.hpp"

#include "io.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>
#include <utility>

namespace mailwire {
inline namespace MAILWIRE_ABI {
namespace detail {

template <class T, class = void>
struct has_connect : std::false_type {};
template <class T>
struct has_connect<T, std::enable_if_t<std::is_same<
                          decltype(std::declval<T&>().connect(std::declval<std::string_view>(),
                                                              std::declval<std::uint16_t>(),
                                                              std::declval<std::uint32_t>())),
                          io_result>::value>> : std::true_type {};

template <class T, class = void>
struct has_read_some : std::false_type {};
template <class T>
struct has_read_some<T, std::enable_if_t<std::is_same<
                            decltype(std::declval<T&>().read_some(std::declval<char*>(),
                                                                  std::declval<std::size_t>(),
                                                                  std::declval<std::uint32_t>())),
                            io_result>::value>> : std::true_type {};

template <class T, class = void>
struct has_write_some : std::false_type {};
template <class T>
struct has_write_some<T, std::enable_if_t<std::is_same<
                             decltype(std::declval<T&>().write_some(std::declval<const char*>(),
                                                                    std::declval<std::size_t>(),
                                                                    std::declval<std::uint32_t>())),
                             io_result>::value>> : std::true_type {};

template <class T, class = void>
struct has_close : std::false_type {};
template <class T>
struct has_close<T, std::void_t<decltype(std::declval<T&>().close())>> : std::true_type {};

template <class T, class = void>
struct has_local_address_literal : std::false_type {};
template <class T>
struct has_local_address_literal<
    T, std::enable_if_t<std::is_same<decltype(std::declval<T&>().local_address_literal(
                                         std::declval<char*>(), std::declval<std::size_t>())),
                                     bool>::value>> : std::true_type {};

template <class T, class = void>
struct has_wait_ready : std::false_type {};
template <class T>
struct has_wait_ready<T, std::enable_if_t<std::is_same<decltype(std::declval<T&>().wait_ready(
                                                           std::declval<unsigned>(), std::declval<std::uint32_t>())),
                                                       unsigned>::value>> : std::true_type {};

template <class T, class = void>
struct has_pipeline_window : std::false_type {};
template <class T>
struct has_pipeline_window<
    T, std::enable_if_t<std::is_same<decltype(std::declval<const T&>().pipeline_window()), std::size_t>::value>>
    : std::true_type {};

template <class C, class = void>
struct has_now : std::false_type {};
template <class C>
struct has_now<C, std::enable_if_t<std::is_convertible<decltype(std::declval<C&>().now()), millis>::value>>
    : std::true_type {};

} // namespace detail

/// True when T meets every transport requirement.
template <class T>
struct is_transport
    : std::integral_constant<bool, detail::has_connect<T>::value && detail::has_read_some<T>::value &&
                                       detail::has_write_some<T>::value && detail::has_close<T>::value> {};

/// Fails to compile with one sentence per missing member. The client instantiates it first.
template <class T>
struct check_transport {
    static_assert(detail::has_connect<T>::value,
                  "mailwire: the Transport lacks `mailwire::io_result connect(std::string_view host, "
                  "std::uint16_t port, std::uint32_t timeout_ms)`");
    static_assert(detail::has_read_some<T>::value,
                  "mailwire: the Transport lacks `mailwire::io_result read_some(char* buf, std::size_t len, "
                  "std::uint32_t timeout_ms)`");
    static_assert(detail::has_write_some<T>::value,
                  "mailwire: the Transport lacks `mailwire::io_result write_some(const char* buf, "
                  "std::size_t len, std::uint32_t timeout_ms)`");
    static_assert(detail::has_close<T>::value, "mailwire: the Transport lacks `void close()`");
    static constexpr bool value = is_transport<T>::value;
};

template <class C>
struct check_clock {
    static_assert(detail::has_now<C>::value,
                  "mailwire: the Clock lacks `mailwire::millis now()` (monotonic milliseconds)");
    static constexpr bool value = detail::has_now<C>::value;
};

} // inline namespace MAILWIRE_ABI
} // namespace mailwire

#endif // MAILWIRE_TRANSPORT_HPP
