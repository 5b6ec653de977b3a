// SPDX-License-Identifier: BSL-1.0
// mailwire - clocks. Firmware passes its own (a millisecond tick); POSIX gets CLOCK_MONOTONIC,
// Zephyr k_uptime_get(), Arduino millis().
#ifndef MAILWIRE_CLOCK_HPP
#define MAILWIRE_CLOCK_HPP

#include "config.hpp"

#include "io.hpp"

// ESP-IDF's C library has clock_gettime(CLOCK_MONOTONIC) too, but its compilers define neither
// __unix__ nor __APPLE__.
// Another target whose C library has it (an lwIP port, say) defines MAILWIRE_HAS_POSIX_CLOCK in
// its mailwire_config.h.
#if !defined(MAILWIRE_HAS_POSIX_CLOCK) && (defined(__unix__) || defined(__APPLE__) || defined(ESP_PLATFORM))
#define MAILWIRE_HAS_POSIX_CLOCK 1
#endif
#if defined(MAILWIRE_HAS_POSIX_CLOCK)
#include <time.h>
#endif
#if defined(__ZEPHYR__)
#include <zephyr/kernel.h> // k_uptime_get()
#elif defined(ARDUINO)
#include <Arduino.h> // millis()
#endif

namespace mailwire {
inline namespace MAILWIRE_ABI {

#if defined(MAILWIRE_HAS_POSIX_CLOCK)
/// Monotonic milliseconds from clock_gettime(CLOCK_MONOTONIC): never jumps with the wall clock.
struct posix_clock {
    millis now() const noexcept {
        timespec ts{};
        ::clock_gettime(CLOCK_MONOTONIC, &ts);
        return static_cast<millis>(ts.tv_sec) * 1000u + static_cast<millis>(ts.tv_nsec / 1000000);
    }
};
using default_clock = posix_clock;
#endif

/// A clock over a user's tick function, e.g. `tick_clock{[]{ return HAL_GetTick(); }}` wrapped in
/// a plain function pointer (no std::function, no allocation).
struct tick_clock {
    millis (*tick)() = nullptr;
    millis now() const noexcept { return tick ? tick() : 0; }
};

#if defined(__ZEPHYR__)
/// Zephyr's uptime (k_uptime_get: 64-bit milliseconds, monotonic). The default clock on Zephyr.
struct zephyr_clock {
    millis now() const noexcept { return static_cast<millis>(k_uptime_get()); }
};
#elif defined(ARDUINO)
/// Arduino's millis(), widened to 64 bits: millis() is 32 bits and wraps every 49.7 days, so a
/// wrap is counted whenever a reading is smaller than the last one. The default clock on Arduino
/// boards without clock_gettime (AVR, SAMD, RP2040, STM32duino...).
class arduino_clock {
public:
    millis now() const noexcept {
        const auto t = static_cast<std::uint32_t>(::millis());
        if (t < last_) ++wraps_;
        last_ = t;
        return (static_cast<millis>(wraps_) << 32) | t;
    }

private:
    mutable std::uint32_t last_ = 0;
    mutable std::uint32_t wraps_ = 0;
};
#endif

#if !defined(MAILWIRE_HAS_POSIX_CLOCK) && defined(__ZEPHYR__)
using default_clock = zephyr_clock;
#elif !defined(MAILWIRE_HAS_POSIX_CLOCK) && defined(ARDUINO)
using default_clock = arduino_clock;
#elif !defined(MAILWIRE_HAS_POSIX_CLOCK)
using default_clock = tick_clock;
#endif

/// A deadline on a clock: what a TLS policy gets, so that a handshake or a record that needs many
/// transport reads still ends at one point in time, however the server trickles its bytes. `at` is
/// the clock's low 32 bits at the deadline, at most 2^31 - 1 ms ahead, compared wrap-safe: a 32-bit
/// millisecond tick (HAL_GetTick) wraps every 49.7 days.
template <class Clock>
class deadline_timer {
public:
    deadline_timer(const Clock& clock, std::uint32_t at) noexcept : clock_(&clock), at_(at) {}
    /// Milliseconds left, 0 when the deadline has passed.
    std::uint32_t remaining_ms() const noexcept {
        const std::uint32_t left = at_ - static_cast<std::uint32_t>(clock_->now());
        return left < 0x80000000u ? left : 0; // past the deadline: "negative"
    }

private:
    const Clock* clock_;
    std::uint32_t at_;
};

} // inline namespace MAILWIRE_ABI
} // namespace mailwire

#endif // MAILWIRE_CLOCK_HPP
