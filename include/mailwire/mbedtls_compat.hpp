// SPDX-License-Identifier: BSL-1.0
// mailwire - every difference between mbedTLS 2.28 (Debian 12), 3.x (ESP-IDF 5, Zephyr, upstream
// 3.6) and 4.x (with TF-PSA-Crypto 1.x) that the mbedTLS policy (mbedtls_tls.hpp) meets, in one
// place: the random generator, the minimum version call, the PSA start, TLS 1.3's session tickets,
// the verification callback, alerts, threads.
#ifndef MAILWIRE_MBEDTLS_COMPAT_HPP
#define MAILWIRE_MBEDTLS_COMPAT_HPP

#include "config.hpp"

#include <mbedtls/version.h> // 2.x: includes the configuration; 3.x: build_info.h

#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>
#if MBEDTLS_VERSION_MAJOR >= 4
#include <psa/crypto.h> // 4.x: the random generator is PSA's, configured when TF-PSA-Crypto is built
#else
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#if MBEDTLS_VERSION_MAJOR >= 3 && defined(MBEDTLS_PSA_CRYPTO_C)
#include <psa/crypto.h>
#endif
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

/// 3.x: TLS 1.3 and the PSA-based code need the PSA core started once per process; 4.x: all of
/// its cryptography, the random generator included.
inline bool start_crypto() noexcept {
#if MBEDTLS_VERSION_MAJOR >= 4 || (MBEDTLS_VERSION_MAJOR >= 3 && defined(MBEDTLS_PSA_CRYPTO_C))
    return psa_crypto_init() == PSA_SUCCESS;
#else
    return true;
#endif
}

/// tls_settings::entropy_source's type (mbedtls_entropy_add_source's callback).
using entropy_fn = int (*)(void*, unsigned char*, std::size_t, std::size_t*);

#if MBEDTLS_VERSION_MAJOR >= 4
/// 4.x: the TLS layer draws from PSA's random generator (psa_generate_random); mbedtls_ssl_conf_rng
/// and the CTR-DRBG and entropy contexts are gone from the public API. Where the entropy comes
/// from is decided when TF-PSA-Crypto is built: its platform's source, or the board's through
/// MBEDTLS_PSA_DRIVER_GET_ENTROPY (mbedtls_platform_get_entropy). A run-time entropy_source can no
/// longer be added, so asking for one fails the configuration with that explanation rather than
/// being ignored.
struct random_generator {
    void init() noexcept {}
    void free() noexcept {}
    /// nullptr when ready, else what failed (rc: mbedTLS's code, or 0).
    const char* start(entropy_fn source, void*, int& rc) noexcept {
        rc = 0;
        return source == nullptr ? nullptr
                                 : "tls_settings::entropy_source works with mbedTLS 2.28 and 3.x only: mbedTLS 4 takes "
                                   "its entropy from how TF-PSA-Crypto is built (MBEDTLS_PSA_DRIVER_GET_ENTROPY)";
    }
    void attach(mbedtls_ssl_config*) noexcept {}
};
#else
/// 2.28 and 3.x: CTR-DRBG seeded from mbedTLS's entropy collector, plus the caller's source.
struct random_generator {
    mbedtls_entropy_context entropy{};
    mbedtls_ctr_drbg_context drbg{};

    void init() noexcept {
        mbedtls_entropy_init(&entropy);
        mbedtls_ctr_drbg_init(&drbg);
    }
    void free() noexcept {
        mbedtls_ctr_drbg_free(&drbg);
        mbedtls_entropy_free(&entropy);
    }
    /// nullptr when seeded, else what failed (rc: mbedTLS's code).
    const char* start(entropy_fn source, void* context, int& rc) noexcept {
        if (source != nullptr &&
            (rc = mbedtls_entropy_add_source(&entropy, source, context, 32, MBEDTLS_ENTROPY_SOURCE_STRONG)) != 0)
            return "mbedtls_entropy_add_source failed";
        static const unsigned char personal[] = "mailwire";
        if ((rc = mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &entropy, personal, sizeof(personal) - 1)) != 0)
            return "no entropy: seeding the random generator failed (give tls_settings::entropy_source)";
        return nullptr;
    }
    void attach(mbedtls_ssl_config* conf) noexcept { mbedtls_ssl_conf_rng(conf, mbedtls_ctr_drbg_random, &drbg); }
};
#endif

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
inline bool is_tls12(const mbedtls_ssl_context* ssl) noexcept {
    const char* v = mbedtls_ssl_get_version(ssl);
    // "TLSv1.2", compared by hand: strcmp would bring newlib's (about 750 B) into firmware images.
    return v != nullptr && v[0] == 'T' && v[4] == '1' && v[5] == '.' && v[6] == '2' && v[7] == '\0';
}

/// The most plaintext one incoming record may hold (ssl.h makes it 16384 unless configured).
constexpr std::size_t in_content_len = MBEDTLS_SSL_IN_CONTENT_LEN;
/// What a handshake gives up with on a message it cannot receive whole: before 3.6.4, one split
/// across records (FEATURE_UNAVAILABLE: no reassembly); from 3.6.4 on, one larger than
/// in_content_len (BAD_INPUT_DATA: more data than the buffer holds).
constexpr bool message_too_large(int rc) noexcept {
    return rc == MBEDTLS_ERR_SSL_FEATURE_UNAVAILABLE || rc == MBEDTLS_ERR_SSL_BAD_INPUT_DATA;
}

/// The version of the mbedTLS library linked in ("3.6.6"), which a shared library may have newer
/// than the headers; "" without MBEDTLS_VERSION_C. 4.x returns the text, 2.28 and 3.x copy it.
inline void library_version(char* out, std::size_t cap) noexcept {
    if (cap == 0) return;
    const char* v = "";
#if defined(MBEDTLS_VERSION_C) && MBEDTLS_VERSION_MAJOR >= 4
    v = mbedtls_version_get_string();
#elif defined(MBEDTLS_VERSION_C)
    char copy[32] = {}; // at most 9 octets are written ("255.255.255")
    mbedtls_version_get_string(copy);
    v = copy;
#endif
    std::size_t n = 0;
    for (; v[n] != '\0' && n + 1 < cap; ++n) out[n] = v[n];
    out[n] = '\0';
}

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
