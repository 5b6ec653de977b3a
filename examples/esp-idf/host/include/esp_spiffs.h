// SPDX-License-Identifier: BSL-1.0
// Host stand-in for ESP-IDF's esp_spiffs.h (v5.x): the mount call the example makes, with its real
// signature. The host has no SPIFFS: scripts/esp-idf-host.sh names a host file in
// CONFIG_MAILWIRE_ATTACHMENT instead, read through the same open/read/lseek.
#pragma once
#include "esp_err.h"

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif
typedef struct {
    const char* base_path;
    const char* partition_label;
    size_t max_files;
    bool format_if_mount_failed;
} esp_vfs_spiffs_conf_t;
esp_err_t esp_vfs_spiffs_register(const esp_vfs_spiffs_conf_t* conf);
#ifdef __cplusplus
}
#endif
