// SPDX-License-Identifier: BSL-1.0
// Host stand-in for the Arduino core's IPAddress.h: an IPv4 address, as Client::connect takes it.
#pragma once
#include <cstdint>
#include <cstdio>

class IPAddress {
public:
    IPAddress() = default;
    IPAddress(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) : octets_{a, b, c, d} {}
    std::uint8_t operator[](int i) const { return octets_[i]; }
    /// Dotted-quad text, as the clients' connect(IPAddress) hands it to connect(const char*).
    void to_text(char (&out)[16]) const {
        std::snprintf(out, sizeof(out), "%u.%u.%u.%u", octets_[0], octets_[1], octets_[2], octets_[3]);
    }

private:
    std::uint8_t octets_[4] = {};
};
