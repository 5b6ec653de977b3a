// SPDX-License-Identifier: BSL-1.0
// Host stand-in for the Arduino core's IPAddress.h: an IPv4 address, as Client::connect takes it.
#pragma once
#include <cstdint>

class IPAddress {
public:
    IPAddress() = default;
    IPAddress(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) : octets_{a, b, c, d} {}
    std::uint8_t operator[](int i) const { return octets_[i]; }

private:
    std::uint8_t octets_[4] = {};
};
