// SPDX-License-Identifier: BSL-1.0
// A complete mailwire transport in under 40 lines: a serial line to a modem that is already in
// transparent TCP mode (or a TCP bridge such as socat), as a POSIX file descriptor.
#include <mailwire/io.hpp>

#include <cerrno>
#include <fcntl.h>
#include <poll.h>
#include <string_view>
#include <unistd.h>

class serial_transport {
public:
    explicit serial_transport(const char* device) : device_(device) {}
    mailwire::io_result connect(std::string_view, std::uint16_t, std::uint32_t) {
        fd_ = ::open(device_, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
        return fd_ >= 0 ? mailwire::io_result::done(0) : mailwire::io_result::fail(mailwire::io_status::error, errno);
    }
    mailwire::io_result read_some(char* buf, std::size_t len, std::uint32_t timeout_ms) {
        return io(POLLIN, timeout_ms, [&] { return ::read(fd_, buf, len); });
    }
    mailwire::io_result write_some(const char* buf, std::size_t len, std::uint32_t timeout_ms) {
        return io(POLLOUT, timeout_ms, [&] { return ::write(fd_, buf, len); });
    }
    void close() { fd_ = fd_ >= 0 ? (::close(fd_), -1) : -1; }
private:
    template <class Op>
    mailwire::io_result io(short events, std::uint32_t timeout_ms, Op op) {
        pollfd p{fd_, events, 0};
        const int ready = ::poll(&p, 1, timeout_ms > 0x7fffffffu ? 0x7fffffff : static_cast<int>(timeout_ms));
        if (ready == 0) return mailwire::io_result::fail(mailwire::io_status::timeout);
        const ssize_t n = ready > 0 ? op() : -1;
        if (n > 0) return mailwire::io_result::done(static_cast<std::size_t>(n));
        if (n == 0) return mailwire::io_result::fail(mailwire::io_status::closed);
        if (errno == EINTR || errno == EAGAIN) return mailwire::io_result::fail(mailwire::io_status::timeout);
        return mailwire::io_result::fail(mailwire::io_status::error, errno);
    }
    const char* device_;
    int fd_ = -1;
};
