// SPDX-License-Identifier: BSL-1.0
// Host stand-in for the Arduino core's Client.h: the abstract class every Arduino networking client
// derives from (WiFiClient, EthernetClient, TinyGSM's clients), with the cores' signatures.
#pragma once
#include "Arduino.h"
#include "IPAddress.h"

class Client : public Stream {
public:
    virtual int connect(IPAddress ip, std::uint16_t port) = 0;
    virtual int connect(const char* host, std::uint16_t port) = 0;
    std::size_t write(std::uint8_t b) override = 0;
    std::size_t write(const std::uint8_t* buf, std::size_t size) override = 0;
    int available() override = 0;
    int read() override = 0;
    virtual int read(std::uint8_t* buf, std::size_t size) = 0;
    int peek() override = 0;
    virtual void flush() = 0;
    virtual void stop() = 0;
    virtual std::uint8_t connected() = 0;
    virtual explicit operator bool() = 0;
};
