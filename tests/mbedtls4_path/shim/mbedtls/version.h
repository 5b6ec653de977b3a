// SPDX-License-Identifier: BSL-1.0
// Stand-in that makes Debian's mbedTLS 2.28 headers say "4": mbedtls_tls.hpp's 4.x code path
// (PSA's random generator, no CTR-DRBG or entropy context, no mbedtls_ssl_conf_rng) is then what
// compiles. CI has no mbedTLS 4; this keeps that path compiling. Only compiled, never linked.
#pragma once
#include_next <mbedtls/version.h>
#undef MBEDTLS_VERSION_MAJOR
#define MBEDTLS_VERSION_MAJOR 4
#undef MBEDTLS_VERSION_MINOR
#define MBEDTLS_VERSION_MINOR 0
