// SPDX-License-Identifier: BSL-1.0
// mailwire - how the client writes to the server: the definitions of the basic_client members
// declared under "output" in client.hpp. Commands are put whole into the send buffer (one longer
// than the buffer streams through it), flushed under the step's deadline, and a command with its
// reply is one exchange.
#ifndef MAILWIRE_WRITING_HPP
#define MAILWIRE_WRITING_HPP

#include "client.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace mailwire {
inline namespace MAILWIRE_ABI {

template <class Transport, class Tls, class Profile, class Clock>
bool basic_client<Transport, Tls, Profile, Clock>::flush() {
    if (phase_ == phase::body) dl_ = deadline(opt_.timeout.data_block);
    if constexpr (detail::has_wait_ready<Transport>::value) {
        if (batch_ != nullptr && duplex()) return flush_duplex(*batch_);
    }
    for (std::size_t off = 0, n = 0; off < tx_len_; off += n) {
        if (!transfer(tx_ + off, nullptr, tx_len_ - off, n)) return false;
    }
    tx_len_ = 0;
    return true;
}

template <class Transport, class Tls, class Profile, class Clock>
bool basic_client<Transport, Tls, Profile, Clock>::transfer(const char* out, char* in, std::size_t len, std::size_t& done) {
    io_status status = io_status::timeout;
    int sys = 0;
    if (remaining(dl_) != 0) {
        const io_result r = out != nullptr ? raw_write(out, len, dl_) : raw_read(in, len, dl_);
        if (r.ok() && r.bytes != 0 && r.bytes <= len) {
            done = r.bytes;
            return true;
        }
        status = r.ok() ? io_status::error : r.status; // no progress, or more than asked: broken
        sys = r.sys_error;
    }
    return io_failure(status, sys);
}

template <class Transport, class Tls, class Profile, class Clock>
bool basic_client<Transport, Tls, Profile, Clock>::put_bytes(std::string_view s) {
    for (char c : s) {
        if (!put_char(c)) return false;
    }
    return true;
}

template <class Transport, class Tls, class Profile, class Clock>
bool basic_client<Transport, Tls, Profile, Clock>::put_char(char c) {
    if (tx_len_ == sizeof(tx_) && !flush()) return false;
    tx_[tx_len_++] = c;
    return true;
}

template <class Transport, class Tls, class Profile, class Clock>
bool basic_client<Transport, Tls, Profile, Clock>::put_run(const char* p, std::size_t n) {
    while (n != 0) {
        if (tx_len_ == 0 && n >= sizeof(tx_)) {
            // At least a buffer's worth: written from where it is, not copied first.
            dl_ = deadline(opt_.timeout.data_block);
            std::size_t done = 0;
            if (!transfer(p, nullptr, n, done)) return false;
            p += done;
            n -= done;
            continue;
        }
        const std::size_t room = sizeof(tx_) - tx_len_;
        const std::size_t k = n < room ? n : room;
        std::memcpy(tx_ + tx_len_, p, k);
        tx_len_ += k;
        p += k;
        n -= k;
        if (tx_len_ == sizeof(tx_) && !flush()) return false;
    }
    return true;
}

template <class Transport, class Tls, class Profile, class Clock>
bool basic_client<Transport, Tls, Profile, Clock>::put_command(std::initializer_list<std::string_view> parts) {
    std::size_t total = 2;
    for (std::string_view s : parts) total += s.size();
    if (tx_len_ + total > sizeof(tx_) && !flush()) return false;
    const std::size_t start = tx_len_;
    for (std::string_view s : parts) {
        if (!put_bytes(s)) return false;
    }
    // The whole line when it fit; otherwise the verb (the line has no one place to be shown from).
    if (MAILWIRE_TRACE) {
        const std::string_view whole(tx_ + start, tx_len_ - start);
        trace(trace_direction::client, total <= sizeof(tx_) ? whole : *parts.begin());
    }
    return put_bytes("\r\n");
}

template <class Transport, class Tls, class Profile, class Clock>
bool basic_client<Transport, Tls, Profile, Clock>::exchange(phase p, std::uint32_t ms, std::initializer_list<std::string_view> parts, unsigned flags) {
    begin(p, ms);
    return put_command(parts) && flush() && read_reply(flags);
}

template <class Transport, class Tls, class Profile, class Clock>
bool basic_client<Transport, Tls, Profile, Clock>::quietly(phase p, std::uint32_t ms, const char* command, unsigned flags) {
    const error reported = err_;
    const bool ok = exchange(p, ms, {std::string_view(command)}, flags);
    err_ = reported;
    return ok;
}

} // inline namespace MAILWIRE_ABI
} // namespace mailwire

#endif // MAILWIRE_WRITING_HPP
