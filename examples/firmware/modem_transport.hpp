// SPDX-License-Identifier: BSL-1.0
// A user-written transport: a cellular/Wi-Fi modem on a UART that opens TCP connections with AT
// commands (the shape of SIM800/ESP-AT firmware: AT+CIPSTART, then transparent mode). It meets
// mailwire's transport requirements with four members and a millisecond tick; nothing else.
#ifndef MAILWIRE_FIRMWARE_MODEM_TRANSPORT_HPP
#define MAILWIRE_FIRMWARE_MODEM_TRANSPORT_HPP

#include "board.hpp"

#include <mailwire/io.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

class modem_transport {
public:
    mailwire::io_result connect(std::string_view host, std::uint16_t port, std::uint32_t timeout_ms) {
        const std::uint32_t start = board::ticks;
        drain();
        char digits[6];
        int n = 0;
        do {
            digits[n++] = static_cast<char>('0' + port % 10);
            port = static_cast<std::uint16_t>(port / 10);
        } while (port != 0);
        if (!send_all("AT+CIPSTART=\"TCP\",\"", timeout_ms) || !send_all(host, timeout_ms) ||
            !send_all("\",", timeout_ms))
            return mailwire::io_result::fail(mailwire::io_status::timeout);
        while (n > 0)
            if (!send_all(std::string_view(&digits[--n], 1), timeout_ms))
                return mailwire::io_result::fail(mailwire::io_status::timeout);
        if (!send_all("\r\n", timeout_ms)) return mailwire::io_result::fail(mailwire::io_status::timeout);
        // Wait for "CONNECT" (transparent mode from here on) or "ERROR".
        char line[32];
        std::size_t len = 0;
        while (board::ticks - start < timeout_ms) {
            int c = pop();
            if (c < 0) continue;
            if (c == '\n') {
                const std::string_view l(line, len);
                // (not substr: it can throw, and on newlib that pulls in abort() and malloc)
                if (l.size() >= 7 && std::string_view(line, 7) == "CONNECT") return mailwire::io_result::done(0);
                if (l.size() >= 5 && std::string_view(line, 5) == "ERROR")
                    return mailwire::io_result::fail(mailwire::io_status::refused);
                len = 0;
            } else if (c != '\r' && len < sizeof(line)) {
                line[len++] = static_cast<char>(c);
            }
        }
        return mailwire::io_result::fail(mailwire::io_status::timeout);
    }

    mailwire::io_result read_some(char* buf, std::size_t len, std::uint32_t timeout_ms) {
        const std::uint32_t start = board::ticks;
        std::size_t n = 0;
        while (n == 0 && board::ticks - start < timeout_ms) {
            for (int c; n < len && (c = pop()) >= 0;) buf[n++] = static_cast<char>(c);
        }
        return n > 0 ? mailwire::io_result::done(n) : mailwire::io_result::fail(mailwire::io_status::timeout);
    }

    mailwire::io_result write_some(const char* buf, std::size_t len, std::uint32_t timeout_ms) {
        const std::uint32_t start = board::ticks;
        std::size_t n = 0;
        while (n < len && board::ticks - start < timeout_ms) {
            if (board::usart1->sr & board::sr_txe) board::usart1->dr = static_cast<std::uint8_t>(buf[n++]);
        }
        return n > 0 ? mailwire::io_result::done(n) : mailwire::io_result::fail(mailwire::io_status::timeout);
    }

    void close() {
        // Leave transparent mode ("+++" after a guard time) and close the link.
        (void)send_all("+++", 100);
        (void)send_all("AT+CIPCLOSE\r\n", 100);
    }

private:
    static int pop() {
        if (board::uart_rx.tail == board::uart_rx.head) return -1;
        const int c = board::uart_rx.data[board::uart_rx.tail];
        board::uart_rx.tail = static_cast<std::uint16_t>((board::uart_rx.tail + 1) % sizeof(board::uart_rx.data));
        return c;
    }
    static void drain() {
        while (pop() >= 0) {
        }
    }
    bool send_all(std::string_view s, std::uint32_t timeout_ms) {
        while (!s.empty()) {
            const mailwire::io_result r = write_some(s.data(), s.size(), timeout_ms);
            if (!r.ok()) return false;
            s.remove_prefix(r.bytes);
        }
        return true;
    }
};

/// The millisecond tick as mailwire's clock.
struct tick_clock {
    mailwire::millis now() const noexcept { return board::ticks; }
};

#endif
