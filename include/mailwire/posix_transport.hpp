// SPDX-License-Identifier: BSL-1.0
// mailwire - the POSIX socket transport: getaddrinfo, IPv6 and IPv4, non-blocking connect bounded
// by the deadline, poll-bounded reads and writes, EINTR and partial writes handled, no SIGPIPE.
// Works over lwIP's and ESP-IDF's BSD socket layer as well.
#ifndef MAILWIRE_POSIX_TRANSPORT_HPP
#define MAILWIRE_POSIX_TRANSPORT_HPP

#include "config.hpp"

#include "text.hpp"

#include "clock.hpp"
#include "io.hpp"

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string_view>

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

class posix_transport {
public:
    posix_transport() noexcept = default;
    posix_transport(const posix_transport&) = delete;
    posix_transport& operator=(const posix_transport&) = delete;
    posix_transport(posix_transport&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
    posix_transport& operator=(posix_transport&& o) noexcept {
        if (this != &o) {
            close();
            fd_ = o.fd_;
            o.fd_ = -1;
        }
        return *this;
    }
    ~posix_transport() { close(); }

    int native_handle() const noexcept { return fd_; }

    /// Resolves `host` (a name, an IPv4 literal, or an IPv6 literal with or without brackets) and
    /// tries each address in turn until one connects or the time is up. getaddrinfo itself has no
    /// timeout; a hanging resolver is bounded only by the system's resolver settings.
    io_result connect(std::string_view host, std::uint16_t port, std::uint32_t timeout_ms) noexcept {
        close();
        char name[256];
        if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = mailwire::detail::sub(host, 1, host.size() - 2);
        if (host.empty() || host.size() >= sizeof(name)) return io_result::fail(io_status::resolve);
        std::memcpy(name, host.data(), host.size());
        name[host.size()] = '\0';
        char service[8];
        (void)std::snprintf(service, sizeof(service), "%u", static_cast<unsigned>(port)); // at most "65535"

        addrinfo hints{};
        hints.ai_family = AF_UNSPEC;
        hints.ai_socktype = SOCK_STREAM;
        hints.ai_flags = AI_NUMERICSERV;
        addrinfo* list = nullptr;
        const int rc = ::getaddrinfo(name, service, &hints, &list);
        if (rc != 0 || list == nullptr) {
            // lwIP's netdb.h has neither EAI_SYSTEM nor (before ESP-IDF v5.5) EAI_AGAIN.
            int err = 0;
#if defined(EAI_SYSTEM)
            if (rc == EAI_SYSTEM) err = errno;
#endif
#if defined(EAI_AGAIN)
            if (rc == EAI_AGAIN) return io_result::fail(io_status::timeout, err);
#endif
            return io_result::fail(io_status::resolve, err);
        }

        const posix_clock clock;
        const millis deadline = clock.now() + timeout_ms;
        io_result last = io_result::fail(io_status::error);
        for (addrinfo* ai = list; ai != nullptr; ai = ai->ai_next) {
            const millis now = clock.now();
            if (now >= deadline) {
                last = io_result::fail(io_status::timeout);
                break;
            }
            last = try_connect(ai, static_cast<std::uint32_t>(deadline - now));
            if (last.ok()) break;
        }
        ::freeaddrinfo(list);
        return last;
    }

    // The socket is non-blocking: a read or a write is tried first, and poll() waits only when
    // it would block (one system call per transfer while data flows, not two).
    io_result read_some(char* buf, std::size_t len, std::uint32_t timeout_ms) noexcept {
        if (fd_ < 0) return io_result::fail(io_status::error, EBADF);
        const posix_clock clock;
        millis deadline = 0;
        for (bool waited = false;;) {
            const ssize_t n = ::recv(fd_, buf, len, 0);
            if (n > 0) {
                acknowledge_now();
                return io_result::done(static_cast<std::size_t>(n));
            }
            if (n == 0) return io_result::fail(io_status::closed);
            if (errno == EINTR) continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK) return io_result::fail(io_status::error, errno);
            if (!waited) deadline = clock.now() + timeout_ms; // the time counts from the first wait
            waited = true;
            const io_result w = wait(POLLIN, deadline, clock);
            if (!w.ok()) return w;
        }
    }

    io_result write_some(const char* buf, std::size_t len, std::uint32_t timeout_ms) noexcept {
        if (fd_ < 0) return io_result::fail(io_status::error, EBADF);
        const posix_clock clock;
        millis deadline = 0;
        for (bool waited = false;;) {
            const ssize_t n = ::send(fd_, buf, len, send_flags);
            if (n > 0) return io_result::done(static_cast<std::size_t>(n));
            if (n < 0 && errno == EINTR) continue;
            if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
                return io_result::fail(n < 0 && errno == EPIPE ? io_status::closed : io_status::error, n < 0 ? errno : 0);
            if (!waited) deadline = clock.now() + timeout_ms;
            waited = true;
            const io_result w = wait(POLLOUT, deadline, clock);
            if (!w.ok()) return w;
        }
    }

    /// PIPELINING (transport.hpp): waits until a recv or a send, as `wanted` asks (ready_read,
    /// ready_write), would not wait; returns which. An error or hang-up counts as both: the next
    /// read_some or write_some reports it. 0 when the time passed.
    unsigned wait_ready(unsigned wanted, std::uint32_t timeout_ms) noexcept {
        if (fd_ < 0) return wanted; // the next call reports EBADF
        const posix_clock clock;
        short events = 0;
        if ((wanted & ready_read) != 0) events |= POLLIN;
        if ((wanted & ready_write) != 0) events |= POLLOUT;
        short revents = 0;
        const io_result w = wait(events, clock.now() + timeout_ms, clock, &revents);
        if (w.status == io_status::timeout) return 0;
        if (!w.ok()) return wanted; // poll itself failed: let the next call say how
        unsigned got = 0;
        if ((revents & (POLLIN | POLLERR | POLLHUP | POLLNVAL)) != 0) got |= ready_read;
        if ((revents & (POLLOUT | POLLERR | POLLHUP | POLLNVAL)) != 0) got |= ready_write;
        got &= wanted;
        return got != 0 ? got : wanted;
    }

    void close() noexcept {
        if (fd_ >= 0) {
            ::close(fd_);
            fd_ = -1;
        }
    }

    /// The local end as an RFC 5321 §4.1.3 address literal, for EHLO.
    bool local_address_literal(char* out, std::size_t cap) const noexcept {
        sockaddr_storage ss{};
        socklen_t sl = sizeof(ss);
        if (fd_ < 0 || ::getsockname(fd_, reinterpret_cast<sockaddr*>(&ss), &sl) != 0) return false;
#if defined(INET6_ADDRSTRLEN)
        char text[INET6_ADDRSTRLEN] = {};
#else
        char text[16] = {}; // INET_ADDRSTRLEN
#endif
        const char* prefix = "[";
        if (ss.ss_family == AF_INET) {
            if (!::inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(&ss)->sin_addr, text, sizeof(text))) return false;
#if defined(AF_INET6) && defined(INET6_ADDRSTRLEN) // lwIP: only with LWIP_IPV6
        } else if (ss.ss_family == AF_INET6) {
            const in6_addr& a6 = reinterpret_cast<sockaddr_in6*>(&ss)->sin6_addr;
            // ::ffff:a.b.c.d (RFC 4291 §2.5.5.2), spelled out: lwIP before 2.2 lacks IN6_IS_ADDR_V4MAPPED.
            bool mapped = a6.s6_addr[10] == 0xff && a6.s6_addr[11] == 0xff;
            for (int i = 0; i < 10; ++i) mapped = mapped && a6.s6_addr[i] == 0;
            if (mapped) {
                if (!::inet_ntop(AF_INET, &a6.s6_addr[12], text, sizeof(text))) return false;
            } else {
                if (!::inet_ntop(AF_INET6, &a6, text, sizeof(text))) return false;
                prefix = "[IPv6:";
            }
#endif
        } else {
            return false;
        }
        const int n = std::snprintf(out, cap, "%s%s]", prefix, text);
        return n > 0 && static_cast<std::size_t>(n) < cap;
    }

private:
#if defined(MSG_NOSIGNAL)
    static constexpr int send_flags = MSG_NOSIGNAL;
#else
    static constexpr int send_flags = 0; // SO_NOSIGPIPE is set on the socket instead
#endif

    /// Linux: what was read is acknowledged at once, not after the delayed-ACK timer (40 ms). A
    /// server whose Nagle's algorithm (RFC 896) holds its next reply until the last one is
    /// acknowledged would otherwise wait for that timer whenever the client has nothing to send
    /// that could carry the acknowledgement: with pipelined replies, between most of them (issue
    /// 17: 16 times slower than lock-step). The option does not stay set; it is renewed after
    /// each read. Elsewhere (lwIP, BSD) there is no such option, and nothing is done.
    void acknowledge_now() noexcept {
#if defined(TCP_QUICKACK)
        const int one = 1;
        (void)::setsockopt(fd_, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof(one));
#endif
    }

    io_result wait(short events, millis deadline, const posix_clock& clock, short* revents = nullptr) noexcept {
        for (;;) {
            const millis now = clock.now();
            const millis left = now >= deadline ? 0 : deadline - now;
            pollfd p{};
            p.fd = fd_;
            p.events = events;
            const int r = ::poll(&p, 1, left > 0x7FFFFFFF ? 0x7FFFFFFF : static_cast<int>(left));
            if (r > 0) { // readable/writable, or an error the next call reports
                if (revents != nullptr) *revents = p.revents;
                return io_result::done(0);
            }
            if (r == 0) return io_result::fail(io_status::timeout);
            if (errno != EINTR) return io_result::fail(io_status::error, errno);
        }
    }

    io_result try_connect(const addrinfo* ai, std::uint32_t timeout_ms) noexcept {
        int type = ai->ai_socktype;
#if defined(SOCK_CLOEXEC) && defined(SOCK_NONBLOCK)
        type |= SOCK_CLOEXEC | SOCK_NONBLOCK;
#endif
        const int fd = ::socket(ai->ai_family, type, ai->ai_protocol);
        if (fd < 0) return io_result::fail(io_status::error, errno);
#if !defined(SOCK_NONBLOCK)
        // A socket left blocking would lose the connect deadline: give up on it instead.
        const int fl = ::fcntl(fd, F_GETFL, 0);
        if (fl < 0 || ::fcntl(fd, F_SETFL, fl | O_NONBLOCK) != 0) {
            const int err = errno;
            ::close(fd);
            return io_result::fail(io_status::error, err);
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

        fd_ = fd;
        if (::connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) return io_result::done(0);
        if (errno != EINPROGRESS && errno != EINTR) {
            const int err = errno;
            close();
            return io_result::fail(map_connect_error(err), err);
        }
        const posix_clock clock;
        const io_result w = wait(POLLOUT, clock.now() + timeout_ms, clock);
        if (!w.ok()) {
            close();
            return w;
        }
        int err = 0;
        socklen_t len = sizeof(err);
        if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
        if (err != 0) {
            close();
            return io_result::fail(map_connect_error(err), err);
        }
        return io_result::done(0);
    }

    static io_status map_connect_error(int err) noexcept {
        switch (err) {
        case ECONNREFUSED: return io_status::refused;
        case ETIMEDOUT: return io_status::timeout;
        case ENETUNREACH:
        case EHOSTUNREACH:
        case ENETDOWN: return io_status::unreachable;
        default: return io_status::error;
        }
    }

    int fd_ = -1;
};

} // inline namespace MAILWIRE_ABI
} // namespace mailwire

#endif // MAILWIRE_POSIX_TRANSPORT_HPP
