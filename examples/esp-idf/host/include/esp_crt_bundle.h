// SPDX-License-Identifier: BSL-1.0
// Host stand-in for ESP-IDF's esp_crt_bundle.h (component mbedtls). The host implementation
// (../stubs.cpp) loads the CA file named by MAILWIRE_HOST_CA_FILE instead of the bundle.
#pragma once
#include "esp_err.h"
#include "mbedtls/ssl.h"

#ifdef __cplusplus
extern "C" {
#endif
esp_err_t esp_crt_bundle_attach(void* conf);
#ifdef __cplusplus
}
#endif
