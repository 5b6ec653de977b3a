// SPDX-License-Identifier: BSL-1.0
// Host stand-in for ESP-IDF's examples/common_components/protocol_examples_common.
#pragma once
#include "esp_err.h"

#ifdef __cplusplus
extern "C" {
#endif
esp_err_t example_connect(void);
#ifdef __cplusplus
}
#endif
