// SPDX-License-Identifier: BSL-1.0
/* mbedTLS configuration of the firmware's TLS image (examples/firmware, MAILWIRE_FW_IMAGE=3):
 * a TLS 1.2 client, nothing else, on a Cortex-M4 without heap. Selected with
 *   -DMBEDTLS_CONFIG_FILE='"<path>/mbedtls_config.h"'
 * when compiling mbedTLS (bench/footprint/mbedtls.sh) and everything that includes its headers.
 * Written for mbedTLS 2.28 (Debian 12's source package); it replaces mbedTLS's config.h as a
 * whole, so what is not defined here is off. docs/footprint.md explains the choices.
 *
 * Client only: ECDHE-ECDSA and ECDHE-RSA with AES-GCM, SHA-256/384, secp256r1/secp384r1, X.509
 * with RSA and ECDSA signatures, server name indication, max_fragment_length.
 * Trust anchors are DER only (tls_settings::ca_data holding DER, e.g. `openssl x509 -outform DER`):
 * there is no PEM parser, and a PEM buffer fails to parse (tls_setup_failed). A DER buffer holds
 * one certificate: several roots need tls_settings::attach_trust (mbedtls_x509_crt_parse_der on
 * each, then mbedtls_ssl_conf_ca_chain).
 * No server side, no file system, no sockets, no clock, no libc allocator:
 *   - memory: MBEDTLS_MEMORY_BUFFER_ALLOC_C on a static buffer (mbedtls_memory_buffer_alloc_init
 *     at start-up). MBEDTLS_PLATFORM_NO_STD_FUNCTIONS keeps platform.c from naming calloc/free:
 *     until the allocator is set up, mbedtls_calloc returns NULL. libc's malloc is never linked;
 *   - snprintf (X.509 names and verification texts): newlib-nano's snprintf links malloc, so
 *     mbedtls_snprintf is mailwire_fw_snprintf, and mbedtls_exit (the allocator's reaction to a
 *     corrupted heap) is mailwire_fw_fatal, a reset: both in examples/firmware/tls/fw_platform.c;
 *   - entropy: MBEDTLS_NO_PLATFORM_ENTROPY; the board's hardware RNG is added as a strong source
 *     through mailwire::tls_settings::entropy_source (no source at all: the DRBG seeding fails);
 *   - time: no MBEDTLS_HAVE_TIME / MBEDTLS_HAVE_TIME_DATE, so certificates' validity dates are
 *     NOT checked (an expired or not-yet-valid certificate is accepted). With a real-time clock,
 *     -DMAILWIRE_FW_TLS_TIME=1 turns the check on: the board then provides
 *     `time_t mailwire_fw_time(time_t*)` (seconds since 1970, UTC) and the date conversion is
 *     examples/firmware/tls/fw_platform.c's mbedtls_platform_gmtime_r (newlib's gmtime_r).
 */
#ifndef MAILWIRE_FW_MBEDTLS_CONFIG_H
#define MAILWIRE_FW_MBEDTLS_CONFIG_H

#include <stddef.h>

/* ---- system support */
#define MBEDTLS_HAVE_ASM /* bignum multiply-accumulate in Thumb-2 assembly (UMAAL) */
#define MBEDTLS_NO_UDBL_DIVISION /* bignum.c without 64-bit division (libgcc's __udivmoddi4, 760 B) */
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_PLATFORM_MEMORY
#define MBEDTLS_PLATFORM_NO_STD_FUNCTIONS
#define MBEDTLS_MEMORY_BUFFER_ALLOC_C
#define MBEDTLS_PLATFORM_SNPRINTF_MACRO mailwire_fw_snprintf
#define MBEDTLS_PLATFORM_EXIT_MACRO mailwire_fw_fatal
#ifdef __cplusplus
extern "C" {
#endif
int mailwire_fw_snprintf(char* s, size_t n, const char* format, ...);
void mailwire_fw_fatal(int status); /* resets the MCU */
#ifdef __cplusplus
}
#endif
#define MBEDTLS_NO_PLATFORM_ENTROPY
#define MBEDTLS_ENTROPY_MAX_SOURCES 2

#if defined(MAILWIRE_FW_TLS_TIME) && MAILWIRE_FW_TLS_TIME
#include <time.h>
#define MBEDTLS_HAVE_TIME
#define MBEDTLS_HAVE_TIME_DATE
#define MBEDTLS_PLATFORM_TIME_TYPE_MACRO time_t
#define MBEDTLS_PLATFORM_TIME_MACRO mailwire_fw_time
#define MBEDTLS_PLATFORM_GMTIME_R_ALT
#ifdef __cplusplus
extern "C" {
#endif
time_t mailwire_fw_time(time_t* t);
#ifdef __cplusplus
}
#endif
#endif

/* ---- TLS: a 1.2 client */
#define MBEDTLS_SSL_TLS_C
#define MBEDTLS_SSL_CLI_C
#define MBEDTLS_SSL_PROTO_TLS1_2
#define MBEDTLS_SSL_SERVER_NAME_INDICATION
#define MBEDTLS_SSL_MAX_FRAGMENT_LENGTH /* tls_settings::max_fragment (RFC 6066 §4) */
#define MBEDTLS_SSL_EXTENDED_MASTER_SECRET /* RFC 7627 */
#define MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED
#define MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED
#define MBEDTLS_SSL_CIPHERSUITES                                                                    \
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, \
        MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
/* Record buffers (allocated from the static buffer for each connection). 2.28 cannot reassemble
 * a handshake message spread over several records, so the server's Certificate message (its
 * chain) must fit in IN_CONTENT_LEN; a server that honours max_fragment_length (4096) sends no
 * larger record. OUT must be as large: mbedTLS refuses a max_fragment_length above the smaller of
 * the two (MBEDTLS_TLS_EXT_ADV_CONTENT_LEN; found by bench/footprint/heap/measure.sh, where the
 * configuration failed with 2048 out). */
#ifndef MBEDTLS_SSL_IN_CONTENT_LEN
#define MBEDTLS_SSL_IN_CONTENT_LEN 4096
#endif
#ifndef MBEDTLS_SSL_OUT_CONTENT_LEN
#define MBEDTLS_SSL_OUT_CONTENT_LEN 4096
#endif
/* The peer's chain is freed after the handshake (only a digest of it is kept). */
/* #undef MBEDTLS_SSL_KEEP_PEER_CERTIFICATE */

/* ---- X.509: DER certificates, RSA and ECDSA signatures. No MBEDTLS_PEM_PARSE_C (nor the
 * MBEDTLS_BASE64_C it needs): the trust anchor is compiled in as DER and the server's chain
 * arrives as DER anyway (RFC 5246 §7.4.2); PEM would link mbedTLS's PEM and base64 decoders and
 * the C library's strstr (its two-way search) for nothing, about 2 KB. */
#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C
#define MBEDTLS_X509_CHECK_KEY_USAGE
#define MBEDTLS_X509_CHECK_EXTENDED_KEY_USAGE
#define MBEDTLS_X509_MAX_INTERMEDIATE_CA 4
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C /* ECDSA_C needs it */
#define MBEDTLS_OID_C
#define MBEDTLS_PK_C
#define MBEDTLS_PK_PARSE_C

/* ---- public key: RSA verify (PKCS#1 v1.5) up to 4096 bits, ECDSA and ECDHE on P-256/P-384 */
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_MPI_MAX_SIZE 512 /* 4096-bit RSA */
#define MBEDTLS_MPI_WINDOW_SIZE 2
#define MBEDTLS_RSA_C
#define MBEDTLS_PKCS1_V15
#define MBEDTLS_ECP_C
#define MBEDTLS_ECDH_C
#define MBEDTLS_ECDSA_C
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_DP_SECP384R1_ENABLED
#define MBEDTLS_ECP_NIST_OPTIM /* fast reduction modulo the NIST primes: faster, ~1 KB flash */
#define MBEDTLS_ECP_WINDOW_SIZE 2 /* smaller precomputed tables in RAM, slower */
#define MBEDTLS_ECP_FIXED_POINT_OPTIM 0 /* no cached tables for the generator */

/* ---- symmetric, hashes, random */
#define MBEDTLS_CIPHER_C
#define MBEDTLS_AES_C
#define MBEDTLS_AES_ROM_TABLES /* the tables in flash, not computed into RAM */
#define MBEDTLS_AES_FEWER_TABLES /* 2 KB of tables instead of 8 KB */
#define MBEDTLS_GCM_C
#define MBEDTLS_MD_C
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA256_SMALLER
#define MBEDTLS_SHA512_C /* SHA-384 (and the entropy pool) */
#define MBEDTLS_SHA512_SMALLER
#define MBEDTLS_ENTROPY_C
#define MBEDTLS_CTR_DRBG_C

#include "mbedtls/check_config.h"

#endif /* MAILWIRE_FW_MBEDTLS_CONFIG_H */
