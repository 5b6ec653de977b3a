// SPDX-License-Identifier: BSL-1.0
// Host stand-in for the Arduino core's Arduino.h: only what mailwire's Arduino transport, the
// example sketch and the tests use, with the cores' signatures (millis, delay, Print, Stream,
// Serial). millis() counts from the program's start on CLOCK_MONOTONIC, as a board counts from reset.
#pragma once

#include <cstdarg>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <time.h>

using byte = std::uint8_t;

inline unsigned long arduino_host_ms() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<unsigned long>(ts.tv_sec) * 1000ul + static_cast<unsigned long>(ts.tv_nsec / 1000000);
}
inline unsigned long millis() {
    static const unsigned long start = arduino_host_ms();
    // Boards have a 32-bit unsigned long: so does this one, whatever the host's is.
    return static_cast<std::uint32_t>(arduino_host_ms() - start);
}
inline void delay(unsigned long ms) {
    timespec ts{static_cast<time_t>(ms / 1000), static_cast<long>((ms % 1000) * 1000000)};
    nanosleep(&ts, nullptr);
}
inline void yield() {}

class Print {
public:
    virtual ~Print() = default;
    virtual std::size_t write(std::uint8_t) = 0;
    virtual std::size_t write(const std::uint8_t* buf, std::size_t size) {
        std::size_t n = 0;
        while (n < size && write(buf[n]) == 1) ++n;
        return n;
    }
};

class Stream : public Print {
public:
    virtual int available() = 0;
    virtual int read() = 0;
    virtual int peek() = 0;
    void setTimeout(unsigned long ms) { timeout_ = ms; }
    unsigned long getTimeout() const { return timeout_; }

protected:
    unsigned long timeout_ = 1000;
};

/// Serial: the host's standard output.
class HostSerial {
public:
    void begin(unsigned long) {}
    explicit operator bool() const { return true; }
    void print(const char* s) { std::fputs(s, stdout); }
    void println(const char* s = "") {
        std::fputs(s, stdout);
        std::fputs("\n", stdout);
        std::fflush(stdout);
    }
    __attribute__((format(printf, 2, 3))) void printf(const char* fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        std::vprintf(fmt, ap);
        va_end(ap);
        std::fflush(stdout);
    }
};
inline HostSerial Serial;
