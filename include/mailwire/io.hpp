// SPDX-License-Identifier: BSL-1.0
// mailwire - the result of one transport or TLS operation, and the clock policy.
#ifndef MAILWIRE_IO_HPP
#define MAILWIRE_IO_HPP

#include "config.hpp"

#include <cstddef>
#include <cstdint>

namespace mailwire {
inline namespace MAILWIRE_ABI {

/// Milliseconds on the client's clock. Deadlines are absolute points on it.
using millis = std::uint64_t;

/// Outcome of a connect, read_some or write_some.
enum class io_status : std::uint8_t {
    ok,          ///< bytes moved (read_some: at least one byte; write_some: at least one byte)
    closed,      ///< the peer closed the connection in order (read_some: end of stream)
    timeout,     ///< nothing happened before the timeout
    resolve,     ///< connect: the host name could not be resolved
    refused,     ///< connect: nobody listens there (ECONNREFUSED)
    unreachable, ///< connect: no route, network down
    error,       ///< any other failure; sys_error says which
};

struct io_result {
    io_status status = io_status::ok;
    std::size_t bytes = 0; ///< bytes read or written when status == ok
    int sys_error = 0;     ///< errno (or the platform's equivalent) when there is one

    constexpr bool ok() const noexcept { return status == io_status::ok; }
    static constexpr io_result done(std::size_t n) noexcept { return {io_status::ok, n, 0}; }
    static constexpr io_result fail(io_status s, int e = 0) noexcept { return {s, 0, e}; }
};

/// The directions a transport's optional wait_ready() is asked about and reports (transport.hpp).
inline constexpr unsigned ready_read = 1u;  ///< a read_some would not wait
inline constexpr unsigned ready_write = 2u; ///< a write_some would not wait

} // inline namespace MAILWIRE_ABI
} // namespace mailwire

#endif // MAILWIRE_IO_HPP
