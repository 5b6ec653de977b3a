// SPDX-License-Identifier: BSL-1.0
// mailwire - a transport over a BSD-style socket API: resolve with getaddrinfo, IPv6 and IPv4,
// non-blocking connect bounded by the deadline, poll-bounded reads and writes, EINTR and partial
// writes handled. One algorithm for every socket layer; what differs between them (the functions'
// names, flags and types) is a `Sockets` class of static members:
//   posix_sockets  (posix_transport.hpp)   POSIX, and lwIP's and ESP-IDF's BSD socket layer
//   zephyr_sockets (zephyr_transport.hpp)  Zephyr's zsock_* API
//
// What a Sockets class provides (each returns -1 and sets errno on failure, as the POSIX calls do):
//   addrinfo                                   the resolver's list type (ai_family, ai_socktype,
//                                              ai_protocol, ai_addr, ai_addrlen, ai_next)
//   int resolve(const char* name, const char* service, addrinfo** list)   0, or the resolver's code
//   void release(addrinfo* list)
//   io_status resolve_failure(int code, int& sys_error)
//   int open(const addrinfo*)                  a non-blocking stream socket, options set
//   int connect(int fd, const addrinfo*)       0, or -1 (EINPROGRESS while it connects)
//   int pending_error(int fd)                  SO_ERROR after a non-blocking connect
//   long receive(int fd, char*, size_t)        recv; 0 at the end of the stream
//   long transmit(int fd, const char*, size_t) send, never raising SIGPIPE
//   int poll(int fd, bool in, bool out, int ms, bool& readable, bool& writable)
//                                              >0 ready (errors and hang-ups count as both), 0
//                                              timed out, -1 failed
//   void close(int fd)
//   void after_read(int fd)                    after each read (Linux: TCP_QUICKACK), or nothing
//   bool local_address(int fd, unsigned char addr[16], bool& v6)   the local end's address bytes
//   bool format_address(bool v6, const unsigned char* addr, char* text, size_t cap)   inet_ntop
//   millis now()                               a monotonic clock
#ifndef MAILWIRE_SOCKET_TRANSPORT_HPP
#define MAILWIRE_SOCKET_TRANSPORT_HPP

#include "config.hpp"

#include "io.hpp"
#include "text.hpp"

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string_view>

namespace mailwire {
inline namespace MAILWIRE_ABI {

template <class Sockets>
class basic_socket_transport {
public:
    basic_socket_transport() noexcept = default;
    basic_socket_transport(const basic_socket_transport&) = delete;
    basic_socket_transport& operator=(const basic_socket_transport&) = delete;
    basic_socket_transport(basic_socket_transport&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
    basic_socket_transport& operator=(basic_socket_transport&& o) noexcept {
        if (this != &o) {
            close();
            fd_ = o.fd_;
            o.fd_ = -1;
        }
        return *this;
    }
    ~basic_socket_transport() { close(); }

    int native_handle() const noexcept { return fd_; }

    /// Resolves `host` (a name, an IPv4 literal, or an IPv6 literal with or without brackets) and
    /// tries each address in turn until one connects or the time is up. getaddrinfo itself has no
    /// timeout; a hanging resolver is bounded only by the system's resolver settings.
    io_result connect(std::string_view host, std::uint16_t port, std::uint32_t timeout_ms) noexcept {
        close();
        char name[256];
        if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = detail::sub(host, 1, host.size() - 2);
        if (host.empty() || host.size() >= sizeof(name)) return io_result::fail(io_status::resolve);
        std::memcpy(name, host.data(), host.size());
        name[host.size()] = '\0';
        char service[8];
        (void)std::snprintf(service, sizeof(service), "%u", static_cast<unsigned>(port)); // at most "65535"

        typename Sockets::addrinfo* list = nullptr;
        const int rc = Sockets::resolve(name, service, &list);
        if (rc != 0 || list == nullptr) {
            int err = 0;
            const io_status s = Sockets::resolve_failure(rc, err);
            return io_result::fail(s, err);
        }

        const millis deadline = Sockets::now() + timeout_ms;
        io_result last = io_result::fail(io_status::error);
        for (const typename Sockets::addrinfo* ai = list; ai != nullptr; ai = ai->ai_next) {
            const millis now = Sockets::now();
            if (now >= deadline) {
                last = io_result::fail(io_status::timeout);
                break;
            }
            last = try_connect(ai, static_cast<std::uint32_t>(deadline - now));
            if (last.ok()) break;
        }
        Sockets::release(list);
        return last;
    }

    // The socket is non-blocking: a read or a write is tried first, and poll() waits only when
    // it would block (one system call per transfer while data flows, not two).
    io_result read_some(char* buf, std::size_t len, std::uint32_t timeout_ms) noexcept {
        if (fd_ < 0) return io_result::fail(io_status::error, EBADF);
        millis deadline = 0;
        for (bool waited = false;;) {
            const long n = Sockets::receive(fd_, buf, len);
            if (n > 0) {
                Sockets::after_read(fd_);
                return io_result::done(static_cast<std::size_t>(n));
            }
            if (n == 0) return io_result::fail(io_status::closed);
            if (errno == EINTR) continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK) return io_result::fail(io_status::error, errno);
            if (!waited) deadline = Sockets::now() + timeout_ms; // the time counts from the first wait
            waited = true;
            const io_result w = wait(true, false, deadline);
            if (!w.ok()) return w;
        }
    }

    io_result write_some(const char* buf, std::size_t len, std::uint32_t timeout_ms) noexcept {
        if (fd_ < 0) return io_result::fail(io_status::error, EBADF);
        millis deadline = 0;
        for (bool waited = false;;) {
            const long n = Sockets::transmit(fd_, buf, len);
            if (n > 0) return io_result::done(static_cast<std::size_t>(n));
            if (n < 0 && errno == EINTR) continue;
            if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
                return io_result::fail(n < 0 && errno == EPIPE ? io_status::closed : io_status::error, n < 0 ? errno : 0);
            if (!waited) deadline = Sockets::now() + timeout_ms;
            waited = true;
            const io_result w = wait(false, true, deadline);
            if (!w.ok()) return w;
        }
    }

    /// PIPELINING (transport.hpp): waits until a recv or a send, as `wanted` asks (ready_read,
    /// ready_write), would not wait; returns which. An error or hang-up counts as both: the next
    /// read_some or write_some reports it. 0 when the time passed.
    unsigned wait_ready(unsigned wanted, std::uint32_t timeout_ms) noexcept {
        if (fd_ < 0) return wanted; // the next call reports EBADF
        bool readable = false;
        bool writable = false;
        const io_result w = wait((wanted & ready_read) != 0, (wanted & ready_write) != 0, Sockets::now() + timeout_ms,
                                 &readable, &writable);
        if (w.status == io_status::timeout) return 0;
        if (!w.ok()) return wanted; // poll itself failed: let the next call say how
        const unsigned got = ((readable ? ready_read : 0u) | (writable ? ready_write : 0u)) & wanted;
        return got != 0 ? got : wanted;
    }

    void close() noexcept {
        if (fd_ >= 0) {
            Sockets::close(fd_);
            fd_ = -1;
        }
    }

    /// The local end as an RFC 5321 §4.1.3 address literal, for EHLO.
    bool local_address_literal(char* out, std::size_t cap) const noexcept {
        unsigned char addr[16] = {};
        bool v6 = false;
        if (fd_ < 0 || !Sockets::local_address(fd_, addr, v6)) return false;
        if (v6) {
            // ::ffff:a.b.c.d (RFC 4291 §2.5.5.2) is the IPv4 address a dual-stack socket reached.
            bool mapped = addr[10] == 0xff && addr[11] == 0xff;
            for (int i = 0; i < 10; ++i) mapped = mapped && addr[i] == 0;
            if (mapped) {
                std::memmove(addr, addr + 12, 4);
                v6 = false;
            }
        }
        char text[48] = {}; // INET6_ADDRSTRLEN is 46
        if (!Sockets::format_address(v6, addr, text, sizeof(text))) return false;
        const int n = std::snprintf(out, cap, "%s%s]", v6 ? "[IPv6:" : "[", text);
        return n > 0 && static_cast<std::size_t>(n) < cap;
    }

private:
    io_result wait(bool in, bool out, millis deadline, bool* readable = nullptr, bool* writable = nullptr) noexcept {
        for (;;) {
            const millis now = Sockets::now();
            const millis left = now >= deadline ? 0 : deadline - now;
            bool r = false;
            bool w = false;
            const int rc = Sockets::poll(fd_, in, out, left > 0x7FFFFFFF ? 0x7FFFFFFF : static_cast<int>(left), r, w);
            if (rc > 0) { // readable/writable, or an error the next call reports
                if (readable != nullptr) *readable = r;
                if (writable != nullptr) *writable = w;
                return io_result::done(0);
            }
            if (rc == 0) return io_result::fail(io_status::timeout);
            if (errno != EINTR) return io_result::fail(io_status::error, errno);
        }
    }

    io_result try_connect(const typename Sockets::addrinfo* ai, std::uint32_t timeout_ms) noexcept {
        const int fd = Sockets::open(ai);
        if (fd < 0) return io_result::fail(io_status::error, errno);
        fd_ = fd;
        if (Sockets::connect(fd, ai) == 0) return io_result::done(0);
        if (errno != EINPROGRESS && errno != EINTR) {
            const int err = errno;
            close();
            return io_result::fail(map_connect_error(err), err);
        }
        const io_result w = wait(false, true, Sockets::now() + timeout_ms);
        if (!w.ok()) {
            close();
            return w;
        }
        const int err = Sockets::pending_error(fd);
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

#endif // MAILWIRE_SOCKET_TRANSPORT_HPP
