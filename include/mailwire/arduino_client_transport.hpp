// SPDX-License-Identifier: BSL-1.0
// mailwire - any Arduino `Client` as a transport: WiFiClient, EthernetClient, a GSM/LTE modem's
// client (TinyGSM), WiFiClientSecure. The client object stays the caller's; the transport holds a
// pointer to it and calls connect, write, available, read, connected and stop, and setTimeout and
// setConnectionTimeout where the class has them.
//
//   WiFiClient net;
//   mailwire::client<mailwire::arduino_client_transport<WiFiClient>, mailwire::mbedtls_tls,
//                    mailwire::profiles::submission> smtp{mailwire::arduino_client_transport<WiFiClient>(net)};
//
// Deadlines are kept with millis(): a read or write that finds nothing to do waits in steps of
// delay(1) (which lets the Wi-Fi stack and other tasks run) until the step's time is up. A Client's
// own calls may block longer than that: connect() without a timeout argument blocks for as long as
// the core's TCP stack decides (ESP32's WiFiClient takes one, and EthernetClient has
// setConnectionTimeout; both are used when present), and write() for as long as its own timeout.
//
// Over TLS that the Client does itself (WiFiClientSecure, a modem's TLS socket), use the policy
// mailwire::transport_tls (tls.hpp) with an implicit-TLS profile; over a plain Client, STARTTLS and
// implicit TLS come from mailwire::mbedtls_tls (<mailwire_mbedtls.h>). examples/arduino has both.
#ifndef MAILWIRE_ARDUINO_CLIENT_TRANSPORT_HPP
#define MAILWIRE_ARDUINO_CLIENT_TRANSPORT_HPP

#include "config.hpp"

#include "io.hpp"

#include <Arduino.h> // millis(), delay()

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>
#include <utility>

namespace mailwire {
inline namespace MAILWIRE_ABI {
namespace detail::arduino {

// ESP32's WiFiClient: int connect(const char* host, uint16_t port, int32_t timeout_ms).
template <class C, class = void>
struct has_connect_timeout : std::false_type {};
template <class C>
struct has_connect_timeout<C, std::void_t<decltype(std::declval<C&>().connect(
                                  std::declval<const char*>(), std::declval<std::uint16_t>(), std::declval<std::int32_t>()))>>
    : std::true_type {};

// EthernetClient: void setConnectionTimeout(uint16_t ms).
template <class C, class = void>
struct has_connection_timeout : std::false_type {};
template <class C>
struct has_connection_timeout<C, std::void_t<decltype(std::declval<C&>().setConnectionTimeout(std::declval<std::uint16_t>()))>>
    : std::true_type {};

// Stream::setTimeout(unsigned long ms): what some clients' blocking calls wait at most.
template <class C, class = void>
struct has_set_timeout : std::false_type {};
template <class C>
struct has_set_timeout<C, std::void_t<decltype(std::declval<C&>().setTimeout(1000ul))>> : std::true_type {};

} // namespace detail::arduino

template <class ClientT>
class arduino_client_transport {
public:
    arduino_client_transport() noexcept = default;
    /// `window`: octets of pipelined commands that may be unanswered (transport.hpp); 0 keeps the
    /// default (MAILWIRE_PIPELINE_WINDOW). A modem with a small TCP buffer wants less.
    explicit arduino_client_transport(ClientT& client, std::size_t window = 0) noexcept
        : client_(&client), window_(window) {}

    ClientT* native_client() const noexcept { return client_; }

    io_result connect(std::string_view host, std::uint16_t port, std::uint32_t timeout_ms) {
        close();
        if (client_ == nullptr) return io_result::fail(io_status::error);
        if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
        char name[256]; // the Client API wants a C string
        if (host.empty() || host.size() >= sizeof(name)) return io_result::fail(io_status::resolve);
        std::memcpy(name, host.data(), host.size());
        name[host.size()] = '\0';

        const std::uint32_t bounded = timeout_ms > 0x7FFFFFFFu ? 0x7FFFFFFFu : timeout_ms;
        if constexpr (detail::arduino::has_connection_timeout<ClientT>::value)
            client_->setConnectionTimeout(static_cast<std::uint16_t>(bounded > 0xFFFFu ? 0xFFFFu : bounded));
        if constexpr (detail::arduino::has_set_timeout<ClientT>::value)
            client_->setTimeout(static_cast<unsigned long>(bounded));

        const std::uint32_t start = now();
        int r = 0;
        if constexpr (detail::arduino::has_connect_timeout<ClientT>::value) {
            r = client_->connect(name, port, static_cast<std::int32_t>(bounded));
        } else {
            r = client_->connect(name, port);
        }
        if (r > 0) {
            open_ = true;
            return io_result::done(0);
        }
        client_->stop();
        // Arduino's Ethernet library: -1 timed out, -2 invalid server (the name did not resolve),
        // -3 truncated, -4 invalid response. Most other clients return 0 for every failure.
        if (r == -2) return io_result::fail(io_status::resolve, r);
        if (r == -1 || elapsed_since(start) >= bounded) return io_result::fail(io_status::timeout, r);
        return io_result::fail(io_status::error, r);
    }

    io_result read_some(char* buf, std::size_t len, std::uint32_t timeout_ms) {
        if (!open_) return io_result::fail(io_status::error);
        const std::uint32_t start = now();
        for (;;) {
            const int ready = client_->available();
            if (ready > 0) {
                const std::size_t want = len < static_cast<std::size_t>(ready) ? len : static_cast<std::size_t>(ready);
                const int n = client_->read(reinterpret_cast<std::uint8_t*>(buf), want);
                if (n > 0) return io_result::done(static_cast<std::size_t>(n));
            }
            // Most cores stay connected() while unread bytes remain; once they are gone and the
            // peer has closed, it is the end of the stream.
            if (!client_->connected() && client_->available() <= 0) return io_result::fail(io_status::closed);
            if (elapsed_since(start) >= timeout_ms) return io_result::fail(io_status::timeout);
            pause();
        }
    }

    io_result write_some(const char* buf, std::size_t len, std::uint32_t timeout_ms) {
        if (!open_) return io_result::fail(io_status::error);
        const std::uint32_t start = now();
        for (;;) {
            const std::size_t n = client_->write(reinterpret_cast<const std::uint8_t*>(buf), len);
            if (n > 0) return io_result::done(n < len ? n : len);
            // Asked only when nothing was written: connected() may cost a call into the stack.
            if (!client_->connected()) return io_result::fail(io_status::closed);
            if (elapsed_since(start) >= timeout_ms) return io_result::fail(io_status::timeout);
            pause();
        }
    }

    void close() {
        if (open_ && client_ != nullptr) client_->stop();
        open_ = false;
    }

    std::size_t pipeline_window() const noexcept { return window_; }

private:
    static std::uint32_t now() noexcept { return static_cast<std::uint32_t>(::millis()); }
    // Wrap-safe: millis() wraps every 49.7 days, the difference of two readings does not care.
    static std::uint32_t elapsed_since(std::uint32_t start) noexcept { return now() - start; }
    static void pause() { ::delay(1); }

    ClientT* client_ = nullptr;
    std::size_t window_ = 0;
    bool open_ = false;
};

} // inline namespace MAILWIRE_ABI
} // namespace mailwire

#endif // MAILWIRE_ARDUINO_CLIENT_TRANSPORT_HPP
