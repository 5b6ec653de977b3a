// SPDX-License-Identifier: BSL-1.0
// Stand-in that makes Debian's mbedTLS 2.28 headers say "4": mbedtls_tls.hpp's 4.x code path
// (PSA's random generator, no CTR-DRBG or entropy context, no mbedtls_ssl_conf_rng) is then what
// compiles. CI has no mbedTLS 4; this keeps that path compiling. Only compiled, never linked.
#pragma once
// 4.0 changed mbedtls_version_get_string() to return the text (2.28 and 3.x copy it into a
// buffer): 2.28's declaration is moved out of the way, and 4.0's (mbedtls/version.h of 4.0.0) stands.
#define mbedtls_version_get_string mailwire_shim_2_28_version_get_string
#include_next <mbedtls/version.h>
#undef mbedtls_version_get_string
#undef MBEDTLS_VERSION_MAJOR
#define MBEDTLS_VERSION_MAJOR 4
#undef MBEDTLS_VERSION_MINOR
#define MBEDTLS_VERSION_MINOR 0

#ifdef __cplusplus
extern "C" {
#endif
const char* mbedtls_version_get_string(void);
#ifdef __cplusplus
}
#endif
