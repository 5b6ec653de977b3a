// SPDX-License-Identifier: BSL-1.0
// Host stand-in for a core's WiFiClient: an Arduino Client over a POSIX TCP socket, behaving as the
// cores' clients do: connect() blocks (here for at most the Stream timeout, like ESP32's
// WiFiClient), available() and read() never block, connected() stays true while unread bytes
// remain, write() blocks until the bytes are in the socket buffer or the Stream timeout passes.
#pragma once
#include "Client.h"

#include <cerrno>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

class WiFiClient : public Client {
public:
    WiFiClient() = default;
    WiFiClient(const WiFiClient&) = delete;
    WiFiClient& operator=(const WiFiClient&) = delete;
    ~WiFiClient() override { stop(); }

    int connect(IPAddress ip, std::uint16_t port) override {
        char text[16];
        ip.to_text(text);
        return connect(text, port);
    }
    int connect(const char* host, std::uint16_t port) override {
        stop();
        ++connects;
        addrinfo hints{};
        hints.ai_family = AF_UNSPEC;
        hints.ai_socktype = SOCK_STREAM;
        char service[8];
        std::snprintf(service, sizeof(service), "%u", static_cast<unsigned>(port));
        addrinfo* list = nullptr;
        if (::getaddrinfo(host, service, &hints, &list) != 0) return 0;
        int result = 0;
        for (addrinfo* ai = list; ai != nullptr && result == 0; ai = ai->ai_next) {
            const int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
            if (fd < 0) continue;
            if (::connect(fd, ai->ai_addr, ai->ai_addrlen) != 0 && errno != EINPROGRESS) {
                ::close(fd);
                continue;
            }
            pollfd p{fd, POLLOUT, 0};
            int err = 0;
            socklen_t len = sizeof(err);
            if (::poll(&p, 1, static_cast<int>(timeout_)) == 1 && ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 &&
                err == 0) {
                const int one = 1;
                ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
                fd_ = fd;
                result = 1;
            } else {
                ::close(fd);
            }
        }
        ::freeaddrinfo(list);
        return result;
    }
    std::size_t write(std::uint8_t b) override { return write(&b, 1); }
    std::size_t write(const std::uint8_t* buf, std::size_t size) override {
        std::size_t done = 0;
        const unsigned long start = millis();
        while (fd_ >= 0 && done < size) {
            const ssize_t n = ::send(fd_, buf + done, size - done, MSG_NOSIGNAL);
            if (n > 0) {
                done += static_cast<std::size_t>(n);
                continue;
            }
            if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                stop(); // as the cores do: a failed write ends the connection
                break;
            }
            if (millis() - start >= timeout_) break;
            pollfd p{fd_, POLLOUT, 0};
            ::poll(&p, 1, 10);
        }
        return done;
    }
    int available() override {
        if (fd_ < 0) return 0;
        int n = 0;
        if (::ioctl(fd_, FIONREAD, &n) != 0) return 0;
        return n;
    }
    int read() override {
        std::uint8_t b = 0;
        return read(&b, 1) == 1 ? b : -1;
    }
    int read(std::uint8_t* buf, std::size_t size) override {
        if (fd_ < 0) return -1;
        const ssize_t n = ::recv(fd_, buf, size, MSG_DONTWAIT);
        return n > 0 ? static_cast<int>(n) : -1;
    }
    int peek() override {
        std::uint8_t b = 0;
        return fd_ >= 0 && ::recv(fd_, &b, 1, MSG_PEEK | MSG_DONTWAIT) == 1 ? b : -1;
    }
    void flush() override {}
    void stop() override {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }
    /// True while the socket is open and the peer has not closed it, or bytes are left to read.
    std::uint8_t connected() override {
        if (fd_ < 0) return 0;
        if (available() > 0) return 1;
        char b = 0;
        const ssize_t n = ::recv(fd_, &b, 1, MSG_PEEK | MSG_DONTWAIT);
        if (n == 0) return 0;
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return 0;
        return 1;
    }
    explicit operator bool() override { return fd_ >= 0; }

    int connects = 0; ///< for the tests: how often connect() was called

private:
    int fd_ = -1;
};
