// SPDX-License-Identifier: BSL-1.0
// mailwire testing - fault injection around any transport: the Nth read or write fails with a
// chosen status (or stalls until its timeout, as a peer gone silent), every read and write can be
// cut short to a chosen size, and every operation is counted, so a test can sweep a whole session
// failing each operation in turn.
#ifndef MAILWIRE_TESTING_FAULT_INJECTION_HPP
#define MAILWIRE_TESTING_FAULT_INJECTION_HPP

#include "../config.hpp"

#include "../io.hpp"
#include "../transport.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mailwire {
inline namespace MAILWIRE_ABI {
namespace testing {

struct fault_plan {
    std::size_t fail_at = 0;                ///< 1-based index of the read/write that fails (0: none)
    io_status fail_with = io_status::error; ///< error, closed or timeout
    std::size_t max_read = 0;               ///< 0: as the transport gives; else at most this many bytes
    std::size_t max_write = 0;              ///< 0: as the transport takes; else at most this many bytes
    std::size_t operations = 0;             ///< reads and writes so far (counted by the wrapper)
    bool failed = false;                    ///< the planned failure has happened
    /// A stall: with fail_with == timeout, the failing call first moves this clock (the one the
    /// client reads, e.g. testing::manual_clock's counter) on by the whole timeout it was given,
    /// as a transport blocked on a silent peer does. nullptr: the timeout is reported at once.
    millis* stall_clock = nullptr;
    std::uint32_t stalled_ms = 0; ///< the timeout the stalled call was given
};

/// Wraps Transport; the plan is shared (a pointer) so the test sees the counts.
template <class Transport>
class faulty_transport {
public:
    faulty_transport(Transport inner, fault_plan* plan) : inner_(static_cast<Transport&&>(inner)), plan_(plan) {}

    io_result connect(std::string_view host, std::uint16_t port, std::uint32_t timeout_ms) {
        return inner_.connect(host, port, timeout_ms);
    }
    io_result read_some(char* buf, std::size_t len, std::uint32_t timeout_ms) {
        if (io_result r; planned_failure(r, timeout_ms)) return r;
        if (plan_->max_read != 0 && len > plan_->max_read) len = plan_->max_read;
        return inner_.read_some(buf, len, timeout_ms);
    }
    io_result write_some(const char* buf, std::size_t len, std::uint32_t timeout_ms) {
        if (io_result r; planned_failure(r, timeout_ms)) return r;
        if (plan_->max_write != 0 && len > plan_->max_write) len = plan_->max_write;
        return inner_.write_some(buf, len, timeout_ms);
    }
    void close() { inner_.close(); }
    /// Forwarded when the inner transport has them (PIPELINING, transport.hpp); a wait is not one
    /// of the counted operations: the read or write that follows it is.
    template <class T = Transport, std::enable_if_t<detail::has_wait_ready<T>::value, int> = 0>
    unsigned wait_ready(unsigned wanted, std::uint32_t timeout_ms) {
        return inner_.wait_ready(wanted, timeout_ms);
    }
    template <class T = Transport, std::enable_if_t<detail::has_pipeline_window<T>::value, int> = 0>
    std::size_t pipeline_window() const {
        return inner_.pipeline_window();
    }
    Transport& inner() noexcept { return inner_; }

private:
    bool planned_failure(io_result& r, std::uint32_t timeout_ms) {
        ++plan_->operations;
        if (plan_->fail_at == 0 || plan_->operations != plan_->fail_at) return false;
        plan_->failed = true;
        if (plan_->fail_with == io_status::timeout && plan_->stall_clock != nullptr) {
            *plan_->stall_clock += timeout_ms;
            plan_->stalled_ms = timeout_ms;
        }
        r = io_result::fail(plan_->fail_with, plan_->fail_with == io_status::error ? 104 /* ECONNRESET */ : 0);
        return true;
    }
    Transport inner_;
    fault_plan* plan_;
};

} // namespace testing
} // inline namespace MAILWIRE_ABI
} // namespace mailwire

#endif // MAILWIRE_TESTING_FAULT_INJECTION_HPP
