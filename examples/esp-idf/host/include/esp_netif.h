// SPDX-License-Identifier: BSL-1.0
// Host stand-in for ESP-IDF's esp_netif.h.
#pragma once
#include "esp_err.h"

#ifdef __cplusplus
extern "C" {
#endif
esp_err_t esp_netif_init(void);
#ifdef __cplusplus
}
#endif
