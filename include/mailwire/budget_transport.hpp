// SPDX-License-Identifier: BSL-1.0
// mailwire - a transport wrapper that puts one overall deadline over many steps.
//
// The client gives every step its own timeout (RFC 5321 §4.5.3.2), so a session that passes
// through connect, TLS, the greeting and EHLO may take the sum of them. A caller that needs the
// whole attempt over by one point in time (mailwire-probe: every candidate within --timeout) wraps
// its transport in this: after limit_to(ms), no connect, read or write waits past `ms` from then,
// whatever timeout the client passes, and once the time is spent each operation reports a timeout
// at once. TLS policies read and write through the transport too, so the handshake is bounded as
// well.
#ifndef MAILWIRE_BUDGET_TRANSPORT_HPP
#define MAILWIRE_BUDGET_TRANSPORT_HPP

#include "config.hpp"

#include "clock.hpp"
#include "io.hpp"
#include "transport.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

namespace mailwire {
inline namespace MAILWIRE_ABI {

template <class Transport, class Clock = default_clock>
class budget_transport {
    static_assert(check_transport<Transport>::value, "mailwire: budget_transport wraps a Transport");
    static_assert(check_clock<Clock>::value, "mailwire: Clock does not meet the requirements");

public:
    constexpr budget_transport() : next_(), clock_() {}
    explicit budget_transport(Transport next, Clock clock = Clock())
        : next_(static_cast<Transport&&>(next)), clock_(static_cast<Clock&&>(clock)) {}

    /// From now on, every operation ends within `ms` of now, all together; 0 lifts the bound.
    /// Kept on 32 bits and compared wrap-safe, as the client's deadlines are (at most 2^31 - 1 ms).
    void limit_to(std::uint32_t ms) noexcept {
        if (ms > 0x7FFFFFFFu) ms = 0x7FFFFFFFu;
        end_ = static_cast<std::uint32_t>(clock_.now()) + ms;
        limited_ = ms != 0;
    }
    /// Milliseconds left of the bound (0 when spent), or 0xFFFFFFFF without one.
    std::uint32_t left() const noexcept {
        if (!limited_) return 0xFFFFFFFFu;
        const std::uint32_t l = end_ - static_cast<std::uint32_t>(clock_.now());
        return l < 0x80000000u ? l : 0; // past the end: "negative"
    }

    io_result connect(std::string_view host, std::uint16_t port, std::uint32_t timeout_ms) {
        const std::uint32_t t = cap(timeout_ms);
        return t == 0 ? io_result::fail(io_status::timeout) : next_.connect(host, port, t);
    }
    io_result read_some(char* buf, std::size_t len, std::uint32_t timeout_ms) {
        const std::uint32_t t = cap(timeout_ms);
        return t == 0 ? io_result::fail(io_status::timeout) : next_.read_some(buf, len, t);
    }
    io_result write_some(const char* buf, std::size_t len, std::uint32_t timeout_ms) {
        const std::uint32_t t = cap(timeout_ms);
        return t == 0 ? io_result::fail(io_status::timeout) : next_.write_some(buf, len, t);
    }
    void close() { next_.close(); }

    /// Forwarded when the wrapped transport has it (the EHLO address literal, RFC 5321 §4.1.4).
    template <class T = Transport, std::enable_if_t<detail::has_local_address_literal<T>::value, int> = 0>
    bool local_address_literal(char* buf, std::size_t len) {
        return next_.local_address_literal(buf, len);
    }

    /// Forwarded when the wrapped transport has them (PIPELINING, transport.hpp); the wait is
    /// bounded as every other operation is.
    template <class T = Transport, std::enable_if_t<detail::has_wait_ready<T>::value, int> = 0>
    unsigned wait_ready(unsigned wanted, std::uint32_t timeout_ms) {
        const std::uint32_t t = cap(timeout_ms);
        return t == 0 ? 0u : next_.wait_ready(wanted, t);
    }
    template <class T = Transport, std::enable_if_t<detail::has_pipeline_window<T>::value, int> = 0>
    std::size_t pipeline_window() const {
        return next_.pipeline_window();
    }

    Transport& next() noexcept { return next_; }

private:
    /// The smaller of the step's timeout and what is left; 0 when nothing is left. A step timeout
    /// of 0 is the transport's "already due" and stays 0.
    std::uint32_t cap(std::uint32_t timeout_ms) const noexcept {
        const std::uint32_t l = left();
        return timeout_ms < l ? timeout_ms : l;
    }

    Transport next_;
    Clock clock_;
    std::uint32_t end_ = 0;
    bool limited_ = false;
};

namespace detail {
template <class T, class = void>
struct has_limit_to : std::false_type {};
template <class T>
struct has_limit_to<T, std::void_t<decltype(std::declval<T&>().limit_to(std::uint32_t{}))>> : std::true_type {};
} // namespace detail

} // inline namespace MAILWIRE_ABI
} // namespace mailwire

#endif // MAILWIRE_BUDGET_TRANSPORT_HPP
