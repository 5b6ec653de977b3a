// SPDX-License-Identifier: BSL-1.0
// Host stand-in for ESP-IDF's esp_err.h: only what examples/esp-idf/main/main.cpp uses.
#pragma once
#include <stdio.h>
#include <stdlib.h>

#ifdef __cplusplus
extern "C" {
#endif
typedef int esp_err_t; // int on every ESP-IDF version (not int32_t, which is long there)
#define ESP_OK 0
#define ESP_FAIL -1
#define ESP_ERR_NO_MEM 0x101
#define ESP_ERR_INVALID_ARG 0x102

#define ESP_ERROR_CHECK(x)                                                                        \
    do {                                                                                          \
        esp_err_t err_rc_ = (x);                                                                  \
        if (err_rc_ != ESP_OK) {                                                                  \
            fprintf(stderr, "ESP_ERROR_CHECK failed: 0x%x at %s:%d (%s)\n", err_rc_, __FILE__,   \
                    __LINE__, #x);                                                                \
            abort();                                                                              \
        }                                                                                         \
    } while (0)
#ifdef __cplusplus
}
#endif
