// SPDX-License-Identifier: BSL-1.0
// mailwire - how the client records a failure: the definitions of the basic_client members
// declared under "errors" in client.hpp (the three ways a failure is recorded, and QUIT after one).
#ifndef MAILWIRE_FAILURES_HPP
#define MAILWIRE_FAILURES_HPP

#include "client.hpp"

#include <cstddef>
#include <cstdint>

namespace mailwire {
inline namespace MAILWIRE_ABI {

template <class Transport, class Tls, class Profile, class Clock>
bool basic_client<Transport, Tls, Profile, Clock>::fail(phase p, error_kind k, cause c, const reply* about) noexcept {
    err_.where = p;
    err_.kind = k;
    // RFC 5321 §4.5.3.2.6: after the final ".", anything but the server's answer (a lost
    // connection, silence, a reply that makes no sense) leaves the outcome unknown: the
    // message may have been delivered. The kind still says what went wrong.
    err_.why = p == phase::end_of_data && k != error_kind::temporary && k != error_kind::permanent
                   ? cause::outcome_unknown
                   : c;
    err_.sys_error = 0;
    err_.tls_alert = 0;
    if (about != nullptr && about->code != 0) err_.server = *about;
    else err_.server.clear();
    advise_now();
    return false;
}

template <class Transport, class Tls, class Profile, class Clock>
bool basic_client<Transport, Tls, Profile, Clock>::reply_failure(phase p) noexcept {
    error_kind k = kind_of(last_);
    cause c = k == error_kind::protocol ? cause::unexpected_reply : cause::none;
    if (p == phase::auth && last_.permanent()) {
        k = error_kind::auth;
        c = last_.code == 504 ? cause::mechanism_not_offered : cause::credentials_rejected;
    }
    fail(p, k, c, &last_);
    if (last_.code == 421) drop_connection();
    return false;
}

template <class Transport, class Tls, class Profile, class Clock>
bool basic_client<Transport, Tls, Profile, Clock>::io_failure(io_status s, int sys) noexcept {
    const phase p = phase_;
    error_kind k = error_kind::network;
    cause c = cause::none;
    if (s == io_status::resolve) k = error_kind::resolve;
    else if (s == io_status::timeout) k = error_kind::timeout;
    else if (s == io_status::refused) c = cause::connection_refused;
    else if (s != io_status::unreachable && p != phase::connect) c = cause::connection_lost;
    if constexpr (Tls::available) {
        // The TLS policy may know why an established session failed (the server asked to
        // renegotiate): its cause, and the alert that ended it.
        const cause t = tls_active_ ? detail::tls_failure(tls_) : cause::none;
        if (t != cause::none) {
            k = error_kind::tls;
            c = t;
        }
    }
    fail(p, k, c);
    err_.sys_error = sys;
    if constexpr (Tls::available) {
        if (k == error_kind::tls) err_.tls_alert = detail::tls_alert(tls_);
    }
    drop_connection();
    return false;
}

template <class Transport, class Tls, class Profile, class Clock>
bool basic_client<Transport, Tls, Profile, Clock>::quit_and_drop() {
    if (open_) (void)quietly(phase::quit, opt_.timeout.quit, "QUIT", closing);
    drop_connection();
    return false;
}

} // inline namespace MAILWIRE_ABI
} // namespace mailwire

#endif // MAILWIRE_FAILURES_HPP
