// SPDX-License-Identifier: BSL-1.0
// mailwire - how the client reads the server: the definitions of the basic_client members
// declared under "input" in client.hpp. Lines bounded to 512 octets (RFC 5321 §4.5.3.1.5) whatever
// the receive buffer, the greeting's first octets within timeouts::first_byte (and the ClientHello
// that tells implicit TLS from silence), and whole replies, with bytes nobody asked for refused.
#ifndef MAILWIRE_READING_HPP
#define MAILWIRE_READING_HPP

#include "client.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mailwire {
inline namespace MAILWIRE_ABI {

template <class Transport, class Tls, class Profile, class Clock>
bool basic_client<Transport, Tls, Profile, Clock>::read_line(std::string_view& line, bool greeting_start) {
    line_cut_ = false;
    std::size_t at = rx_begin_; // the next octet to look at
    std::size_t length = 0;     // octets of the line so far, the line feed not counted
    char prev = '\0';
    cause broken = cause::none;
    for (;;) {
        if (at == rx_end_) {
            // Move the partial line to the front (forward, byte by byte: the areas may
            // overlap) and read more after it. A line that fills the whole buffer is cut: its
            // first half stays, and from then on every read goes into the second half, whose
            // octets are only looked at (counted, and searched for the line feed).
            const std::size_t avail = rx_end_ - rx_begin_;
            for (std::size_t i = 0; i < avail; ++i) rx_[i] = rx_[rx_begin_ + i];
            rx_begin_ = 0;
            at = rx_end_ = avail;
            if (sizeof(rx_) < max_reply_line + 2 && (avail == sizeof(rx_) || line_cut_)) {
                line_cut_ = true;
                at = rx_end_ = rx_keep;
            }
            std::size_t got = 0;
            if (!transfer(nullptr, rx_ + rx_end_, sizeof(rx_) - rx_end_, got)) return false;
            rx_end_ += got;
        }
        const char c = rx_[at++];
        if (greeting_start && length == 0 && (c == '\x15' || c == '\x16')) {
            broken = cause::greeting_looks_like_tls; // a TLS alert or handshake record
            break;
        }
        if (c == '\n') {
            // A bare LF counts as the CRLF it stands for, as parse_reply_line counts it.
            if (prev != '\r' && length + 2 > max_reply_line) broken = cause::reply_too_long;
            break;
        }
        if (++length + 1 > max_reply_line) {
            broken = cause::reply_too_long;
            break;
        }
        prev = c;
    }
    if (broken != cause::none) {
        // The dialogue cannot go on: where this reply ends and the next begins is lost.
        fail(phase_, error_kind::protocol, broken, &last_);
        drop_connection();
        return false;
    }
    std::size_t end = line_cut_ ? rx_keep : at - 1;
    if (!line_cut_ && end != rx_begin_ && rx_[end - 1] == '\r') --end;
    line = std::string_view(rx_ + rx_begin_, end - rx_begin_);
    rx_begin_ = at;
    return true;
}

template <class Transport, class Tls, class Profile, class Clock>
bool basic_client<Transport, Tls, Profile, Clock>::first_greeting_octets() {
    const std::uint32_t dl = deadline(opt_.timeout.first_byte);
    io_result r = io_result::fail(io_status::timeout);
    if (remaining(dl) != 0) r = raw_read(rx_, sizeof(rx_), dl); // rx_ is empty after connecting
    if (r.ok() && r.bytes != 0 && r.bytes <= sizeof(rx_)) {
        rx_end_ = r.bytes;
        return true;
    }
    if (r.ok() || (r.status != io_status::timeout && r.status != io_status::closed))
        return io_failure(r.ok() ? io_status::error : r.status, r.sys_error);
    cause why = cause::no_greeting;
    if constexpr (Tls::available && (can_be(encryption::none) || can_be(encryption::starttls) ||
                                     can_be(encryption::opportunistic))) {
        if (!tls_active_ && r.status == io_status::timeout) why = implicit_tls_answers();
    }
    fail(phase::greeting, error_kind::protocol, why);
    drop_connection();
    return false;
}

template <class Transport, class Tls, class Profile, class Clock>
cause basic_client<Transport, Tls, Profile, Clock>::implicit_tls_answers() {
    if constexpr (Tls::available) {
        trace_info("no greeting: trying a TLS handshake, to tell implicit TLS from silence");
        const std::uint32_t ms = opt_.timeout.first_byte / 2 > 1000 ? opt_.timeout.first_byte / 2 : 1000;
        const io_result r = tls_.handshake(transport_, host_, deadline_timer<Clock>(clock_, deadline(ms)));
        if (r.ok()) {
            tls_active_ = true; // closed with close_notify by drop_connection()
            return cause::greeting_looks_like_tls;
        }
        const cause c = detail::tls_failure(tls_);
        const bool tls_spoken = c == cause::tls_alert || c == cause::certificate_untrusted ||
                                c == cause::certificate_expired || c == cause::certificate_wrong_host ||
                                c == cause::certificate_invalid;
        return tls_spoken ? cause::greeting_looks_like_tls : cause::no_greeting;
    } else {
        return cause::no_greeting;
    }
}

template <class Transport, class Tls, class Profile, class Clock>
bool basic_client<Transport, Tls, Profile, Clock>::read_reply(unsigned flags) {
    reply_assembler as;
    as.start(last_, (flags & parse_capabilities) != 0 ? max_ehlo_reply_lines : max_reply_lines);
    reply_line parsed;
    do {
        std::string_view line;
        if (!read_line(line, phase_ == phase::greeting && as.lines() == 0)) return false;
        trace(trace_direction::server, line);
        const cause c = as.add(line, parsed);
        if (c != cause::none) {
            fail(phase_, error_kind::protocol, c, &last_);
            drop_connection();
            return false;
        }
        if ((flags & parse_capabilities) != 0 && as.lines() > 1) caps_.add_line(parsed.text);
    } while (!as.done());
    // RFC 4954 §4: a challenge is one line of base64, checked here on the whole line (the copy
    // in last_ is bounded; the line is still in rx_). A cut line (small receive buffer: "334 "
    // and the text's first rx_keep - 4 octets) is checked as far as it was kept, in whole
    // groups of four.
    challenge_ok_ = parsed.code == 334 && as.lines() == 1 &&
                    base64_valid(std::string_view(parsed.text.data(), line_cut_ ? (rx_keep - 4) / 4 * 4 : parsed.text.size()));
    if ((flags & (more_follow | closing)) == 0 && rx_end_ != rx_begin_) {
        // Octets after the reply that nothing asked for: a server that answers ahead of the
        // commands (or an attacker's injection) is not followed.
        fail(phase_, error_kind::protocol, cause::unexpected_reply, &last_);
        drop_connection();
        return false;
    }
    return true;
}

template <class Transport, class Tls, class Profile, class Clock>
bool basic_client<Transport, Tls, Profile, Clock>::simple_command(phase p, std::string_view cmd) {
    if (!open_) return fail(p, error_kind::usage, cause::not_connected);
    return exchange(p, opt_.timeout.command, {cmd}) && (last_.code == 250 || reply_failure(p));
}

} // inline namespace MAILWIRE_ABI
} // namespace mailwire

#endif // MAILWIRE_READING_HPP
