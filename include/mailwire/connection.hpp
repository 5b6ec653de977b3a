// SPDX-License-Identifier: BSL-1.0
// mailwire - the client's connection: the definitions of the basic_client members declared
// under "connection" in client.hpp (closing it, raw reads and writes in plaintext or through the
// TLS policy, and the TLS handshake, never retried in plaintext).
#ifndef MAILWIRE_CONNECTION_HPP
#define MAILWIRE_CONNECTION_HPP

#include "client.hpp"

#include <cstddef>
#include <cstdint>

namespace mailwire {
inline namespace MAILWIRE_ABI {

template <class Transport, class Tls, class Profile, class Clock>
void basic_client<Transport, Tls, Profile, Clock>::drop_connection() noexcept {
    if (open_) {
        if constexpr (Tls::available) {
            if (tls_active_) tls_.close(transport_);
        }
        transport_.close();
    }
    open_ = false;
    tls_active_ = false;
    encrypted_ = false;
    rx_begin_ = rx_end_ = 0;
    tx_len_ = 0;
}

template <class Transport, class Tls, class Profile, class Clock>
io_result basic_client<Transport, Tls, Profile, Clock>::raw_read(char* buf, std::size_t len, std::uint32_t dl) {
    if constexpr (only_tls) {
        if (!tls_active_) return io_result::fail(io_status::error);
    }
    if constexpr (Tls::available) {
        if (only_tls || tls_active_) return tls_.read_some(transport_, buf, len, deadline_timer<Clock>(clock_, dl));
    }
    return transport_.read_some(buf, len, remaining(dl));
}

template <class Transport, class Tls, class Profile, class Clock>
io_result basic_client<Transport, Tls, Profile, Clock>::raw_write(const char* buf, std::size_t len, std::uint32_t dl) {
    if constexpr (only_tls) {
        if (!tls_active_) return io_result::fail(io_status::error);
    }
    if constexpr (Tls::available) {
        if (only_tls || tls_active_) return tls_.write_some(transport_, buf, len, deadline_timer<Clock>(clock_, dl));
    }
    return transport_.write_some(buf, len, remaining(dl));
}

template <class Transport, class Tls, class Profile, class Clock>
bool basic_client<Transport, Tls, Profile, Clock>::start_tls(bool first) {
    if constexpr (Tls::available) {
        const std::uint32_t dl = deadline(opt_.timeout.tls_handshake);
        trace_info("TLS handshake");
        first_byte_guard guard{*this, deadline(opt_.timeout.first_byte)};
        const io_result r = first ? tls_.handshake(guard, host_, deadline_timer<Clock>(clock_, dl))
                                  : tls_.handshake(transport_, host_, deadline_timer<Clock>(clock_, dl));
        if (!r.ok() && guard.silent) {
            // Accepted, and then not a single octet in answer to the ClientHello: neither a TLS
            // server nor an SMTP one (which greets in plaintext at once, tls_plaintext_server).
            fail(phase::tls, error_kind::protocol, cause::no_greeting);
            drop_connection();
            return false;
        }
        if (!r.ok()) {
            // Never retried in plaintext: the connection is dropped (RFC 3207 §4.1, RFC 8314 §5).
            const cause c = detail::tls_failure(tls_);
            const error_kind k = c == cause::tls_setup_failed       ? error_kind::usage
                                 : r.status == io_status::timeout ? error_kind::timeout
                                                                  : error_kind::tls;
            fail(phase::tls, k, (c == cause::none && k != error_kind::timeout) ? cause::tls_handshake_failed : c);
            err_.sys_error = r.sys_error;
            if (c == cause::tls_alert) {
                err_.tls_alert = detail::tls_alert(tls_);
                advise_now(); // the advice follows from the alert
            }
            drop_connection();
            return false;
        }
        tls_active_ = true;
        encrypted_ = true;
        return true;
    } else {
        return fail(phase::tls, error_kind::usage, cause::tls_not_available);
    }
}

} // inline namespace MAILWIRE_ABI
} // namespace mailwire

#endif // MAILWIRE_CONNECTION_HPP
