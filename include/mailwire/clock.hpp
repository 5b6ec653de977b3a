// mailwire - clocks. Firmware passes its own (a millisecond tick); POSIX gets CLOCK_MONOTONIC.
#ifndef MAILWIRE_CLOCK_HPP
#define MAILWIRE_CLOCK_HPP

#include "io.hpp"

#if defined(__unix__) || defined(__APPLE__)
#include <time.h>
#define MAILWIRE_HAS_POSIX_CLOCK 1
#endif

namespace mailwire {

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

#if !defined(MAILWIRE_HAS_POSIX_CLOCK)
using default_clock = tick_clock;
#endif

} // namespace mailwire

#endif // MAILWIRE_CLOCK_HPP
