// SPDX-License-Identifier: BSL-1.0
// mailwire - every difference between mbedTLS 2.28 (Debian 12) and 3.x (ESP-IDF 5, Zephyr, upstream
// 3.6) that the mbedTLS policy (mbedtls_tls.hpp) meets, in one place: the minimum version call, the
// PSA start, TLS 1.3's session tickets, the verification callback, alerts, threads.
#ifndef MAILWIRE_MBEDTLS_COMPAT_HPP
#define MAILWIRE_MBEDTLS_COMPAT_HPP

#include "config.hpp"

#include <mbedtls/version.h> // 2.x: includes the configuration; 3.x: build_info.h

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>
#if MBEDTLS_VERSION_MAJOR >= 3 && defined(MBEDTLS_PSA_CRYPTO_C)
#include <psa/crypto.h>
#endif

#include <cstddef>
#include <cstdint>

namespace mailwire {
inline namespace MAILWIRE_ABI {

namespace detail::mbedtls_compat {

inline void set_minimum_tls12(mbedtls_ssl_config* conf, bool allow_tls13) noexcept {
#if MBEDTLS_VERSION_MAJOR >= 3
    mbedtls_ssl_conf_min_tls_version(conf, MBEDTLS_SSL_VERSION_TLS1_2);
    if (!allow_tls13) mbedtls_ssl_conf_max_tls_version(conf, MBEDTLS_SSL_VERSION_TLS1_2);
#else
    (void)allow_tls13; // 2.28 has no TLS 1.3 client
    mbedtls_ssl_conf_min_version(conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
#endif
}

/// 3.x: TLS 1.3 and the PSA-based code need the PSA core started once per process.
inline bool start_crypto() noexcept {
#if MBEDTLS_VERSION_MAJOR >= 3 && defined(MBEDTLS_PSA_CRYPTO_C)
    return psa_crypto_init() == PSA_SUCCESS;
#else
    return true;
#endif
}

/// Whether handshakes may run in several threads at once, each with its own mbedtls_tls. In
/// mbedTLS 3.x, TLS 1.3 goes through PSA's process-wide key store, which is locked only when
/// mbedTLS is built with MBEDTLS_THREADING_C (its mbedtls_config.h says so); upstream's default
/// configuration leaves it out, and concurrent handshakes then fail now and then (-0x1, -0x7180:
/// found with mailwire-probe's candidates against 3.6.6). Debian's 2.28 has no TLS 1.3 client.
constexpr bool concurrent_handshakes_safe =
#if MBEDTLS_VERSION_MAJOR >= 3 && defined(MBEDTLS_PSA_CRYPTO_C) && !defined(MBEDTLS_THREADING_C)
    false;
#else
    true;
#endif

/// Results of mbedtls_ssl_read that carry no data and no failure.
inline bool read_again(int rc) noexcept {
    if (rc == MBEDTLS_ERR_SSL_WANT_READ || rc == MBEDTLS_ERR_SSL_WANT_WRITE) return true;
#if defined(MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET)
    if (rc == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET) return true; // 3.x, TLS 1.3
#endif
    return false;
}

inline const char* version_of(const mbedtls_ssl_context* ssl) noexcept { return mbedtls_ssl_get_version(ssl); }

// 3.x makes the fields below private (MBEDTLS_PRIVATE); mbedTLS has no accessor for them.
#if defined(MBEDTLS_PRIVATE)
#define MAILWIRE_MBEDTLS_FIELD(f) MBEDTLS_PRIVATE(f)
#else
#define MAILWIRE_MBEDTLS_FIELD(f) f
#endif

using verify_fn = int (*)(void*, mbedtls_x509_crt*, int, std::uint32_t*);

/// The verify callback a configuration holds (mbedtls_ssl_conf_verify), and its context.
inline verify_fn verify_callback_of(const mbedtls_ssl_config& conf, void*& context) noexcept {
    context = conf.MAILWIRE_MBEDTLS_FIELD(p_vrfy);
    return conf.MAILWIRE_MBEDTLS_FIELD(f_vrfy);
}

/// After MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE: the description octet of the alert record just
/// read (RFC 8446 §6: level, then description), or 0.
inline std::uint8_t received_alert(const mbedtls_ssl_context& ssl) noexcept {
    const unsigned char* msg = ssl.MAILWIRE_MBEDTLS_FIELD(in_msg);
    if (msg == nullptr || ssl.MAILWIRE_MBEDTLS_FIELD(in_msgtype) != MBEDTLS_SSL_MSG_ALERT ||
        ssl.MAILWIRE_MBEDTLS_FIELD(in_msglen) < 2)
        return 0;
    return msg[1];
}

#undef MAILWIRE_MBEDTLS_FIELD

} // namespace detail::mbedtls_compat

} // inline namespace MAILWIRE_ABI
} // namespace mailwire

#endif // MAILWIRE_MBEDTLS_COMPAT_HPP
