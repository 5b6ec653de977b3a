// SPDX-License-Identifier: BSL-1.0
// Host stand-in for a core's WiFi.h: the host's network is up, so begin() has nothing to do.
#pragma once
#include "WiFiClient.h"

enum wl_status_t { WL_IDLE_STATUS = 0, WL_CONNECTED = 3 };

class HostWiFi {
public:
    wl_status_t begin(const char*, const char*) { return WL_CONNECTED; }
    wl_status_t status() const { return WL_CONNECTED; }
};
inline HostWiFi WiFi;
