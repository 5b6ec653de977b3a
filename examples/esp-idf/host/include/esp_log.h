// SPDX-License-Identifier: BSL-1.0
// Host stand-in for ESP-IDF's esp_log.h: the ESP_LOGx macros in ESP-IDF 5's shape (a printf
// format checked by the compiler, "L (ms) tag: " in front).
#pragma once
#include <inttypes.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif
typedef enum { ESP_LOG_NONE, ESP_LOG_ERROR, ESP_LOG_WARN, ESP_LOG_INFO, ESP_LOG_DEBUG, ESP_LOG_VERBOSE } esp_log_level_t;
uint32_t esp_log_timestamp(void);
void esp_log_write(esp_log_level_t level, const char* tag, const char* format, ...) __attribute__((format(printf, 3, 4)));
#ifdef __cplusplus
}
#endif

#define ESP_LOG_STUB_(level, letter, tag, format, ...)                                             \
    esp_log_write(level, tag, letter " (%" PRIu32 ") %s: " format "\n", esp_log_timestamp(), tag, ##__VA_ARGS__)
#define ESP_LOGE(tag, format, ...) ESP_LOG_STUB_(ESP_LOG_ERROR, "E", tag, format, ##__VA_ARGS__)
#define ESP_LOGW(tag, format, ...) ESP_LOG_STUB_(ESP_LOG_WARN, "W", tag, format, ##__VA_ARGS__)
#define ESP_LOGI(tag, format, ...) ESP_LOG_STUB_(ESP_LOG_INFO, "I", tag, format, ##__VA_ARGS__)
#define ESP_LOGD(tag, format, ...) ESP_LOG_STUB_(ESP_LOG_DEBUG, "D", tag, format, ##__VA_ARGS__)
