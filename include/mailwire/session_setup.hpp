// SPDX-License-Identifier: BSL-1.0
// mailwire - setting a session up: the definitions of the basic_client members declared under
// "session setup" in client.hpp. EHLO (HELO when EHLO is refused with 500 or 502, RFC 5321
// §4.1.1.1) and STARTTLS (RFC 3207: only a 220 proceeds, nothing learned before TLS is kept, the
// capabilities asked for again).
#ifndef MAILWIRE_SESSION_SETUP_HPP
#define MAILWIRE_SESSION_SETUP_HPP

#include "client.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mailwire {
inline namespace MAILWIRE_ABI {

template <class Transport, class Tls, class Profile, class Clock>
bool basic_client<Transport, Tls, Profile, Clock>::plain_name(std::string_view s) noexcept {
    if (s.empty() || s.size() > 255) return false;
    for (char ch : s) {
        const unsigned char c = static_cast<unsigned char>(ch);
        if (c <= 32 || c == 127) return false;
    }
    return true;
}

template <class Transport, class Tls, class Profile, class Clock>
bool basic_client<Transport, Tls, Profile, Clock>::contains_nul(std::string_view s) noexcept {
    for (char c : s) {
        if (c == '\0') return true;
    }
    return false;
}

template <class Transport, class Tls, class Profile, class Clock>
bool basic_client<Transport, Tls, Profile, Clock>::hello() {
    if (ehlo_.empty()) {
        if constexpr (detail::has_local_address_literal<Transport>::value) {
            if (transport_.local_address_literal(ehlo_buf_, sizeof(ehlo_buf_))) ehlo_ = std::string_view(ehlo_buf_);
        }
        if (ehlo_.empty()) ehlo_ = "localhost";
    }
    for (const char* verb : {"EHLO ", "HELO "}) {
        const bool esmtp = verb[0] == 'E';
        caps_ = capabilities{};
        if (!exchange(phase::ehlo, opt_.timeout.command, {verb, ehlo_}, esmtp ? parse_capabilities : 0u)) return false;
        if (last_.code == 250) {
            caps_.esmtp = esmtp;
            if (!MAILWIRE_MAIL_PARAMETERS) { // compiled out: as if not offered (config.hpp)
                caps_.size = caps_.eightbitmime = caps_.smtputf8 = caps_.binarymime = false;
                caps_.size_limit = 0;
            }
            return true;
        }
        if (!esmtp || (last_.code != 500 && last_.code != 502)) break;
    }
    reply_failure(phase::ehlo);
    return quit_and_drop();
}

template <class Transport, class Tls, class Profile, class Clock>
bool basic_client<Transport, Tls, Profile, Clock>::starttls() {
    if (!caps_.starttls) {
        if (mode_ != encryption::starttls) return true; // opportunistic: stay plaintext
        fail(phase::starttls, error_kind::tls, cause::starttls_not_offered, &last_);
        return quit_and_drop();
    }
    if constexpr (!Tls::available) {
        return true; // opportunistic without a TLS policy (required modes are refused in open())
    } else {
        if (!exchange(phase::starttls, opt_.timeout.command, {"STARTTLS"})) return false;
        if (last_.code != 220) {
            if (mode_ == encryption::opportunistic && (last_.transient() || last_.permanent()) && last_.code != 421)
                return true; // RFC 3207 §4.1: a relay may go on without TLS
            fail(phase::starttls, error_kind::tls, cause::starttls_refused, &last_);
            if (last_.code == 421) drop_connection(); // closing: no QUIT
            return quit_and_drop();
        }
        // Bytes after the 220 were sent before the handshake: response injection.
        if (rx_end_ != rx_begin_) {
            fail(phase::starttls, error_kind::protocol, cause::unexpected_reply, &last_);
            drop_connection();
            return false;
        }
        return start_tls() && hello();
    }
}

} // inline namespace MAILWIRE_ABI
} // namespace mailwire

#endif // MAILWIRE_SESSION_SETUP_HPP
