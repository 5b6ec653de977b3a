// SPDX-License-Identifier: BSL-1.0
// mailwire - the transport over Zephyr's socket API (zsock_*, <zephyr/net/socket.h>): the algorithm
// of socket_transport.hpp (non-blocking connect bounded by the deadline, poll-bounded reads and
// writes, IPv6 and IPv4) over Zephyr's names. Needs CONFIG_NETWORKING, CONFIG_NET_SOCKETS,
// CONFIG_NET_TCP and, for host names, CONFIG_DNS_RESOLVER; not CONFIG_POSIX_API. The umbrella
// header includes it on Zephyr (__ZEPHYR__); zephyr/Kconfig and docs/platforms.md have the module.
#ifndef MAILWIRE_ZEPHYR_TRANSPORT_HPP
#define MAILWIRE_ZEPHYR_TRANSPORT_HPP

#include "config.hpp"

#include "clock.hpp"
#include "io.hpp"
#include "socket_transport.hpp"

#include <cerrno>
#include <cstddef>
#include <cstring>

#include <fcntl.h> // F_GETFL, F_SETFL, O_NONBLOCK for zsock_fcntl (the C library's)
#include <zephyr/net/socket.h>

namespace mailwire {
inline namespace MAILWIRE_ABI {

/// Zephyr's socket calls, for basic_socket_transport (socket_transport.hpp says what each does).
struct zephyr_sockets {
    using addrinfo = struct zsock_addrinfo;

    static int resolve(const char* name, const char* service, addrinfo** list) noexcept {
        addrinfo hints{};
        hints.ai_family = AF_UNSPEC;
        hints.ai_socktype = SOCK_STREAM;
        return zsock_getaddrinfo(name, service, &hints, list);
    }
    static void release(addrinfo* list) noexcept { zsock_freeaddrinfo(list); }
    static io_status resolve_failure(int rc, int& sys_error) noexcept {
        if (rc == DNS_EAI_SYSTEM) sys_error = errno;
        return rc == DNS_EAI_AGAIN ? io_status::timeout : io_status::resolve;
    }

    static int open(const addrinfo* ai) noexcept {
        const int fd = zsock_socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd < 0) return -1;
        // A socket left blocking would lose the connect deadline: give up on it instead.
        const int fl = zsock_fcntl(fd, F_GETFL, 0);
        if (fl < 0 || zsock_fcntl(fd, F_SETFL, fl | O_NONBLOCK) != 0) {
            const int err = errno;
            zsock_close(fd);
            errno = err;
            return -1;
        }
#if defined(TCP_NODELAY)
        // The client batches whole commands itself; Nagle would only delay the last segment.
        const int one = 1;
        (void)zsock_setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
#endif
        return fd; // Zephyr has no signals: nothing to do about SIGPIPE
    }
    static int connect(int fd, const addrinfo* ai) noexcept { return zsock_connect(fd, ai->ai_addr, ai->ai_addrlen); }
    static int pending_error(int fd) noexcept {
        int err = 0;
        socklen_t len = sizeof(err);
        if (zsock_getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
        return err;
    }

    static long receive(int fd, char* buf, std::size_t len) noexcept { return static_cast<long>(zsock_recv(fd, buf, len, 0)); }
    static long transmit(int fd, const char* buf, std::size_t len) noexcept {
        return static_cast<long>(zsock_send(fd, buf, len, 0));
    }
    static int poll(int fd, bool in, bool out, int ms, bool& readable, bool& writable) noexcept {
        struct zsock_pollfd p {};
        p.fd = fd;
        p.events = static_cast<short>((in ? ZSOCK_POLLIN : 0) | (out ? ZSOCK_POLLOUT : 0));
        const int r = zsock_poll(&p, 1, ms);
        const short trouble = ZSOCK_POLLERR | ZSOCK_POLLHUP | ZSOCK_POLLNVAL;
        readable = (p.revents & (ZSOCK_POLLIN | trouble)) != 0;
        writable = (p.revents & (ZSOCK_POLLOUT | trouble)) != 0;
        return r;
    }
    static void close(int fd) noexcept { (void)zsock_close(fd); }
    static void after_read(int) noexcept {}

    static bool local_address(int fd, unsigned char* addr, bool& v6) noexcept {
        struct sockaddr_storage ss {};
        socklen_t sl = sizeof(ss);
        if (zsock_getsockname(fd, reinterpret_cast<struct sockaddr*>(&ss), &sl) != 0) return false;
        if (ss.ss_family == AF_INET) {
            std::memcpy(addr, &reinterpret_cast<const struct sockaddr_in*>(&ss)->sin_addr, 4);
            v6 = false;
            return true;
        }
        if (ss.ss_family == AF_INET6) {
            std::memcpy(addr, &reinterpret_cast<const struct sockaddr_in6*>(&ss)->sin6_addr, 16);
            v6 = true;
            return true;
        }
        return false;
    }
    static bool format_address(bool v6, const unsigned char* addr, char* text, std::size_t cap) noexcept {
        return zsock_inet_ntop(v6 ? AF_INET6 : AF_INET, addr, text, cap) != nullptr;
    }

    static millis now() noexcept { return zephyr_clock().now(); }
};

/// The transport over Zephyr's sockets. A class of its own, not an alias, so that it can be declared ahead
/// (`class zephyr_transport;`) and a derived class can name it as its base.
class zephyr_transport : public basic_socket_transport<zephyr_sockets> {};

} // inline namespace MAILWIRE_ABI
} // namespace mailwire

#endif // MAILWIRE_ZEPHYR_TRANSPORT_HPP
