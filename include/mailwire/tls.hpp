// SPDX-License-Identifier: BSL-1.0
// mailwire - the TLS policy interface, and no_tls.
//
// A TLS policy wraps the client's transport and offers the same stream interface. `timer` is a
// deadline_timer (clock.hpp): `timer.remaining_ms()` is what is left of the step, so a handshake or
// a record that takes many transport reads still ends at the step's deadline.
//
// | expression                                   | returns   | meaning                               |
// |----------------------------------------------|-----------|---------------------------------------|
// | Tls::available                               | bool      | constexpr: false only for no_tls      |
// | tls.handshake(transport, host, timer)        | io_result | TLS over the connected transport,     |
// |                                              |           | verifying the certificate for `host`  |
// | tls.read_some(transport, buf, len, timer)    | io_result | as Transport::read_some               |
// | tls.write_some(transport, buf, len, timer)   | io_result | as Transport::write_some              |
// | tls.close(transport)                         | void      | close_notify when possible, then free |
// | tls.failure() (optional)                     | cause     | why the last handshake failed         |
//
// The client decides *when* TLS starts (implicit, or after a 220 to STARTTLS); the policy only
// knows how. mbedtls_tls.hpp has the mbedTLS policy. A policy with `static constexpr bool
// implicit_only = true` can only be TLS from the first byte (transport_tls below).
#ifndef MAILWIRE_TLS_HPP
#define MAILWIRE_TLS_HPP

#include "config.hpp"

#include "error.hpp"
#include "io.hpp"

#include <cstddef>
#include <string_view>
#include <type_traits>
#include <utility>

namespace mailwire {
inline namespace MAILWIRE_ABI {

/// No TLS. Profiles that require encryption do not compile with it.
struct no_tls {
    static constexpr bool available = false;
};

/// TLS done by the transport itself: an Arduino WiFiClientSecure or a cellular modem's TLS socket
/// (AT+QSSLOPEN, AT+CASSLCFG...) encrypts from the first byte and has already finished its
/// handshake when connect() returns. With this policy the client counts the connection as
/// encrypted (AUTH is allowed), and it compiles only with a profile that is implicit TLS, such as
/// profiles::submissions (465): a STARTTLS upgrade cannot be done by a socket that is TLS already.
///
/// The certificate check is the transport's: configure it there (WiFiClientSecure::setCACert, the
/// modem's CA file). A transport told not to verify (setInsecure()) makes the connection
/// encrypted but not authenticated, and mailwire cannot tell.
struct transport_tls {
    static constexpr bool available = true;
    static constexpr bool implicit_only = true;

    template <class Transport, class Timer>
    io_result handshake(Transport&, std::string_view, const Timer&) noexcept {
        return io_result::done(0); // done by the transport's connect()
    }
    template <class Transport, class Timer>
    io_result read_some(Transport& transport, char* buf, std::size_t len, const Timer& timer) {
        return transport.read_some(buf, len, timer.remaining_ms());
    }
    template <class Transport, class Timer>
    io_result write_some(Transport& transport, const char* buf, std::size_t len, const Timer& timer) {
        return transport.write_some(buf, len, timer.remaining_ms());
    }
    template <class Transport>
    void close(Transport&) noexcept {} // the transport's close() ends its TLS session too
};

namespace detail {
template <class Tls, class = void>
struct tls_implicit_only : std::false_type {};
template <class Tls>
struct tls_implicit_only<Tls, std::enable_if_t<Tls::implicit_only>> : std::true_type {};

template <class Tls, class = void>
struct has_tls_failure : std::false_type {};
template <class Tls>
struct has_tls_failure<Tls, std::void_t<decltype(std::declval<const Tls&>().failure())>> : std::true_type {};

/// The policy's reason for a failed handshake, or cause::none when it does not say.
template <class Tls>
cause tls_failure(const Tls& tls) noexcept {
    if constexpr (has_tls_failure<Tls>::value) {
        return tls.failure();
    } else {
        (void)tls;
        return cause::none;
    }
}

template <class Tls, class = void>
struct has_tls_alert : std::false_type {};
template <class Tls>
struct has_tls_alert<Tls, std::void_t<decltype(std::declval<const Tls&>().alert())>> : std::true_type {};

/// The fatal alert the server sent in a failed handshake (cause::tls_alert), or 0.
template <class Tls>
std::uint8_t tls_alert(const Tls& tls) noexcept {
    if constexpr (has_tls_alert<Tls>::value) {
        return static_cast<std::uint8_t>(tls.alert());
    } else {
        (void)tls;
        return 0;
    }
}
} // namespace detail

} // inline namespace MAILWIRE_ABI
} // namespace mailwire

#endif // MAILWIRE_TLS_HPP
