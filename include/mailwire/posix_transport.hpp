// SPDX-License-Identifier: BSL-1.0
// mailwire - the POSIX socket transport: getaddrinfo, IPv6 and IPv4, non-blocking connect bounded
// by the deadline, poll-bounded reads and writes, EINTR and partial writes handled, no SIGPIPE.
// Works over lwIP's and ESP-IDF's BSD socket layer as well. The algorithm is socket_transport.hpp's;
// this file is what POSIX calls each step.
#ifndef MAILWIRE_POSIX_TRANSPORT_HPP
#define MAILWIRE_POSIX_TRANSPORT_HPP

#include "config.hpp"

#include "clock.hpp"
#include "io.hpp"
#include "socket_transport.hpp"

#include <cerrno>
#include <cstddef>
#include <cstring>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
// lwIP, and so ESP-IDF, has only <sys/poll.h> (docs/lwip.md).
#if defined(__has_include)
#if __has_include(<poll.h>)
#include <poll.h>
#else
#include <sys/poll.h>
#endif
#else
#include <poll.h>
#endif
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

namespace mailwire {
inline namespace MAILWIRE_ABI {

/// The POSIX socket calls, for basic_socket_transport (socket_transport.hpp says what each does).
struct posix_sockets {
    using addrinfo = ::addrinfo;

    static int resolve(const char* name, const char* service, addrinfo** list) noexcept {
        addrinfo hints{};
        hints.ai_family = AF_UNSPEC;
        hints.ai_socktype = SOCK_STREAM;
        hints.ai_flags = AI_NUMERICSERV;
        return ::getaddrinfo(name, service, &hints, list);
    }
    static void release(addrinfo* list) noexcept { ::freeaddrinfo(list); }
    static io_status resolve_failure(int rc, int& sys_error) noexcept {
        // lwIP's netdb.h has neither EAI_SYSTEM nor (before ESP-IDF v5.5) EAI_AGAIN.
#if defined(EAI_SYSTEM)
        if (rc == EAI_SYSTEM) sys_error = errno;
#endif
#if defined(EAI_AGAIN)
        if (rc == EAI_AGAIN) return io_status::timeout;
#endif
        (void)rc;
        return io_status::resolve;
    }

    static int open(const addrinfo* ai) noexcept {
        int type = ai->ai_socktype;
#if defined(SOCK_CLOEXEC) && defined(SOCK_NONBLOCK)
        type |= SOCK_CLOEXEC | SOCK_NONBLOCK;
#endif
        const int fd = ::socket(ai->ai_family, type, ai->ai_protocol);
        if (fd < 0) return -1;
#if !defined(SOCK_NONBLOCK)
        // A socket left blocking would lose the connect deadline: give up on it instead.
        const int fl = ::fcntl(fd, F_GETFL, 0);
        if (fl < 0 || ::fcntl(fd, F_SETFL, fl | O_NONBLOCK) != 0) {
            const int err = errno;
            ::close(fd);
            errno = err;
            return -1;
        }
#if defined(F_SETFD) && defined(FD_CLOEXEC)
        (void)::fcntl(fd, F_SETFD, FD_CLOEXEC);
#endif
#endif
#if defined(SO_NOSIGPIPE)
        const int one_nsp = 1;
        ::setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one_nsp, sizeof(one_nsp));
#endif
        // The client batches whole commands itself; Nagle would only delay the last segment.
        const int one = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        return fd;
    }
    static int connect(int fd, const addrinfo* ai) noexcept { return ::connect(fd, ai->ai_addr, ai->ai_addrlen); }
    static int pending_error(int fd) noexcept {
        int err = 0;
        socklen_t len = sizeof(err);
        if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
        return err;
    }

    static long receive(int fd, char* buf, std::size_t len) noexcept { return static_cast<long>(::recv(fd, buf, len, 0)); }
    static long transmit(int fd, const char* buf, std::size_t len) noexcept {
        return static_cast<long>(::send(fd, buf, len, send_flags));
    }
    static int poll(int fd, bool in, bool out, int ms, bool& readable, bool& writable) noexcept {
        pollfd p{};
        p.fd = fd;
        p.events = static_cast<short>((in ? POLLIN : 0) | (out ? POLLOUT : 0));
        const int r = ::poll(&p, 1, ms);
        const short trouble = POLLERR | POLLHUP | POLLNVAL;
        readable = (p.revents & (POLLIN | trouble)) != 0;
        writable = (p.revents & (POLLOUT | trouble)) != 0;
        return r;
    }
    static void close(int fd) noexcept { ::close(fd); }

    /// Linux: what was read is acknowledged at once, not after the delayed-ACK timer (40 ms). A
    /// server whose Nagle's algorithm (RFC 896) holds its next reply until the last one is
    /// acknowledged would otherwise wait for that timer whenever the client has nothing to send
    /// that could carry the acknowledgement: with pipelined replies, between most of them (issue
    /// 17: 16 times slower than lock-step). The option does not stay set; it is renewed after
    /// each read. Elsewhere (lwIP, BSD) there is no such option, and nothing is done.
    static void after_read(int fd) noexcept {
#if defined(TCP_QUICKACK)
        const int one = 1;
        (void)::setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof(one));
#else
        (void)fd;
#endif
    }

    static bool local_address(int fd, unsigned char* addr, bool& v6) noexcept {
        sockaddr_storage ss{};
        socklen_t sl = sizeof(ss);
        if (::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &sl) != 0) return false;
        if (ss.ss_family == AF_INET) {
            std::memcpy(addr, &reinterpret_cast<const sockaddr_in*>(&ss)->sin_addr, 4);
            v6 = false;
            return true;
        }
#if defined(AF_INET6) && defined(INET6_ADDRSTRLEN) // lwIP: only with LWIP_IPV6
        if (ss.ss_family == AF_INET6) {
            std::memcpy(addr, &reinterpret_cast<const sockaddr_in6*>(&ss)->sin6_addr, 16);
            v6 = true;
            return true;
        }
#endif
        return false;
    }
    static bool format_address(bool v6, const unsigned char* addr, char* text, std::size_t cap) noexcept {
#if defined(AF_INET6) && defined(INET6_ADDRSTRLEN)
        if (v6) return ::inet_ntop(AF_INET6, addr, text, static_cast<socklen_t>(cap)) != nullptr;
#endif
        return !v6 && ::inet_ntop(AF_INET, addr, text, static_cast<socklen_t>(cap)) != nullptr;
    }

    static millis now() noexcept { return posix_clock().now(); }

private:
#if defined(MSG_NOSIGNAL)
    static constexpr int send_flags = MSG_NOSIGNAL;
#else
    static constexpr int send_flags = 0; // SO_NOSIGPIPE is set on the socket instead
#endif
};

/// The POSIX socket transport (lwIP's and ESP-IDF's sockets too). A class of its own, not an alias, so that it can be declared ahead
/// (`class posix_transport;`) and a derived class can name it as its base.
class posix_transport : public basic_socket_transport<posix_sockets> {};

} // inline namespace MAILWIRE_ABI
} // namespace mailwire

#endif // MAILWIRE_POSIX_TRANSPORT_HPP
