// SPDX-License-Identifier: BSL-1.0
// Stand-in: Debian's mbedTLS 2.28 ssl.h plus the 3.x/4.x calls it lacks, with 4.0's signatures
// (mbedtls/ssl.h of mbedTLS 4.0.0), so that the 4.x code path of mbedtls_compat.hpp compiles over
// 2.28's headers. Only compiled, never linked or run.
#pragma once
#include_next <mbedtls/ssl.h>

typedef enum {
    MBEDTLS_SSL_VERSION_UNKNOWN,
    MBEDTLS_SSL_VERSION_TLS1_2 = 0x0303,
    MBEDTLS_SSL_VERSION_TLS1_3 = 0x0304,
} mbedtls_ssl_protocol_version;

void mbedtls_ssl_conf_min_tls_version(mbedtls_ssl_config* conf, mbedtls_ssl_protocol_version tls_version);
void mbedtls_ssl_conf_max_tls_version(mbedtls_ssl_config* conf, mbedtls_ssl_protocol_version tls_version);
