// SPDX-License-Identifier: BSL-1.0
// mailwire - the client's mail transaction: the definitions of the basic_client members declared
// under "the mail transaction" and "PIPELINING" in client.hpp. The envelope is checked before a
// byte leaves; MAIL, RCPT and DATA go lock-step or pipelined (RFC 2920: in groups within a window,
// replies matched to their commands in order, a transport that can tell read while it is written,
// so neither side blocks writing while the other waits to be read, §3.1); then the content,
// dot-stuffed, and the reply to the final "." (RFC 5321 §4.5.3.2.6: without it the outcome is
// unknown).
#ifndef MAILWIRE_TRANSACTION_HPP
#define MAILWIRE_TRANSACTION_HPP

#include "client.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mailwire {
inline namespace MAILWIRE_ABI {

template <class Transport, class Tls, class Profile, class Clock>
void basic_client<Transport, Tls, Profile, Clock>::abandon_transaction() {
    if (!open_) return;
    const reply keep = last_;
    if (!quietly(phase::rset, opt_.timeout.command, "RSET") || last_.code != 250) drop_connection();
    last_ = keep;
}

template <class Transport, class Tls, class Profile, class Clock>
void basic_client<Transport, Tls, Profile, Clock>::begin_step(const batch& b, std::size_t i) noexcept {
    // RFC 3030 §2 with RFC 5321 §4.5.3.2.6: once the LAST chunk is out, any reply may be the
    // last word on the message (the server may have taken it), so a failure to read any of them
    // leaves the outcome unknown, and each waits as long as the final one does.
    if (b.last_sent) begin(phase::end_of_data, opt_.timeout.data_end);
    else if (i == 0) begin(phase::mail, opt_.timeout.mail);
    else if (i <= b.n) begin(phase::rcpt, opt_.timeout.rcpt);
    else if (b.chunks != nullptr) begin(phase::data, opt_.timeout.data_block);
    else begin(phase::data, opt_.timeout.data_init);
}

template <class Transport, class Tls, class Profile, class Clock>
bool basic_client<Transport, Tls, Profile, Clock>::envelope_commands(envelope& env, send_result& res, std::uint64_t size,
                                                                     bool binary, bool eight_bit, chunk_source* chunks,
                                                                     std::uint64_t expected) {
    if (!open_) return fail(phase::mail, error_kind::usage, cause::not_connected);

    // Everything is checked before the first byte leaves.
    bool utf8 = false;
    const std::size_t n = env.recipients == nullptr ? 0 : env.recipient_count;
    for (std::size_t i = 0; i <= n; ++i) {
        const address_check a = i == 0 ? check_sender(env.sender) : check_recipient(env.recipients[i - 1].address);
        if (a != address_check::ok && a != address_check::ok_needs_utf8)
            return fail(i == 0 ? phase::mail : phase::rcpt, error_kind::usage, cause::bad_address);
        utf8 |= a == address_check::ok_needs_utf8;
        if (i != 0) env.recipients[i - 1].result.clear();
    }
    if (n == 0) return fail(phase::rcpt, error_kind::usage, cause::bad_argument);
    // What the server cannot take is refused before MAIL, each for its RFC:
    // - an address that needs SMTPUTF8 (RFC 6531 §3.4);
    // - a message known to exceed the server's declared limit (RFC 1870 §6);
    // - content that is not text goes only as BODY=BINARYMIME (RFC 3030 §3), which carries 8-bit
    //   octets too; as text, its lines must fit 998 octets (RFC 5321 §4.5.3.1.6), and 8-bit
    //   octets need a server that offered 8BITMIME (RFC 6152 §3).
    const bool raw = chunks != nullptr && binary && binary_path();
    const bool with_params = MAILWIRE_MAIL_PARAMETERS;
    cause refused = cause::none;
    if (utf8 && !(with_params && caps_.smtputf8)) refused = cause::utf8_not_supported;
    else if (with_params && size != 0 && caps_.size && caps_.size_limit != 0 && size > caps_.size_limit)
        refused = cause::message_too_large;
    else if (binary && !raw) refused = cause::not_text;
    else if (eight_bit && !raw && !(with_params && caps_.eightbitmime)) refused = cause::eight_bit_not_supported;
    if (refused != cause::none) return fail(phase::mail, error_kind::usage, refused);

    const bool pipelined = caps_.pipelining && !opt_.disable_pipelining;
    // The MAIL parameters, gathered in one piece: " SIZE=<n>" (RFC 1870 §6), " BODY=8BITMIME"
    // (RFC 6152) or " BODY=BINARYMIME" (RFC 3030 §3, with BDAT only), " SMTPUTF8" (RFC 6531
    // §3.4); at most 51 octets.
    char param_buf[64];
    std::size_t param_len = 0;
    if (MAILWIRE_MAIL_PARAMETERS) {
        char size_buf[24];
        const bool declare_size = caps_.size && size != 0;
        const char* const parts[] = {declare_size ? " SIZE=" : "",
                                     declare_size ? detail::format_u64(size, size_buf) : "",
                                     raw                                   ? " BODY=BINARYMIME"
                                     : eight_bit                           ? " BODY=8BITMIME"
                                                                           : "",
                                     utf8 ? " SMTPUTF8" : ""};
        for (const char* p : parts) {
            while (*p != '\0') param_buf[param_len++] = *p++;
        }
    }
    const std::string_view params(param_buf, param_len);

    // Step 0 is MAIL FROM, steps 1..n the RCPT TOs (RFC 5321 §4.1.1.3), step n+1 DATA, or steps
    // n+1 on the BDAT chunks (RFC 3030).
    batch b{env, res, n, 11 + env.sender.size() + 1 + params.size() + 2, pipelined, n};
    b.chunks = chunks;
    b.expected = expected;
    b.raw = raw;
    const bool ok = pipelined ? send_pipelined(b, params) : send_lockstep(b, params);
    if (!ok) return false;
    if (chunks == nullptr ? b.mail_ok && last_.code == 354 && res.accepted != 0
                          : b.mail_ok && b.delivered && res.accepted != 0)
        return true;
    if (b.mail_ok && res.accepted == 0) {
        const reply& w = env.recipients[b.worst].result;
        fail(phase::rcpt, kind_of(w), cause::all_recipients_refused, &w);
    } else if (b.mail_ok && chunks == nullptr) {
        reply_failure(phase::data);
    } else if (b.mail_ok && !b.chunk_refused) {
        // (Not reached: BDAT stops only after a refusal, which was recorded.)
        fail(phase::data, error_kind::protocol, cause::unexpected_reply, &last_);
    }
    if (b.out_of_step) {
        // BDAT was not understood: the chunk's octets may have been read as commands, so the
        // dialogue cannot be trusted any more. Closed without RSET or QUIT.
        drop_connection();
        return false;
    }
    // RFC 2920 §3.1: after a 354 that should not have come (pipelined, nothing to send it for)
    // the client sends an empty message, which the server then rejects.
    if (chunks == nullptr && last_.code == 354) {
        (void)quietly(phase::end_of_data, opt_.timeout.data_end, ".");
    }
    abandon_transaction();
    return false;
}

template <class Transport, class Tls, class Profile, class Clock>
template <class Source>
bool basic_client<Transport, Tls, Profile, Clock>::transaction(envelope& env, Source& source, send_result& res,
                                                               std::uint64_t size, std::uint64_t expected, bool binary,
                                                               bool eight_bit) {
    if constexpr (MAILWIRE_CHUNKING) {
        if (use_chunking()) {
            // BDAT: the content goes with the commands (chunking.hpp), read through one function
            // pointer, so the batch's code is the same for every kind of source.
            chunk_source src{};
            src.read = [](void* s, char* buf, std::size_t cap) { return static_cast<Source*>(s)->read(buf, cap); };
            if constexpr (bulk_body && detail::has_take<Source>::value)
                src.take = [](void* s, std::size_t max) { return static_cast<Source*>(s)->take(max); };
            src.context = &source;
            src.scanned = std::is_same<Source, scanned_source>::value;
            return envelope_commands(env, res, size, binary, eight_bit, &src, expected);
        }
    }
    return envelope_commands(env, res, size, binary, eight_bit) && content(source, expected);
}

template <class Transport, class Tls, class Profile, class Clock>
template <class Source>
bool basic_client<Transport, Tls, Profile, Clock>::content(Source& source, std::uint64_t expected) {
    dot_stuffer stuffer;
    std::uint64_t total = 0;
    // Each write of the content has its own deadline (RFC 5321 §4.5.3.2.5): flush() renews
    // it during the body.
    phase_ = phase::body;
    bool ok = true;
    const auto out = [&](char c) {
        if (ok) ok = put_char(c);
    };
    // One block of the content through the dot-stuffer. The bulk path: what needs no change
    // (whole CRLF lines, no "." at a line's start) goes out as it is, found with memchr; the
    // octet loop takes the rest.
    const auto feed = [&](const char* p, std::size_t n) {
        total += n;
        if (opt_.progress) opt_.progress(opt_.progress_context, total, expected);
        for (std::size_t i = 0; i < n && ok;) {
            if constexpr (bulk_body) {
                const std::size_t run = stuffer.clean_prefix(p + i, n - i);
                if (run != 0) {
                    ok = put_run(p + i, run);
                    stuffer.passed(p + i, run);
                    i += run;
                    continue;
                }
            }
            if (stuffer.step(p[i], out)) ++i;
        }
        return ok;
    };
    // Each block is looked at before it goes (text_guard), but for a message that send() looked
    // at whole before MAIL (scanned_source). A breach, or a source that fails: no "." may follow
    // a partial message, so the connection is closed and the server discards it.
    text_guard guard(!(MAILWIRE_MAIL_PARAMETERS && caps_.eightbitmime));
    const auto stop = [&](cause why) {
        fail(phase::body, error_kind::usage, why);
        drop_connection();
        return false;
    };
    if constexpr (bulk_body && detail::has_take<Source>::value) {
        // Content in memory: looked at where it lies, runs written from there.
        for (std::string_view block = source.take(take_block); !block.empty(); block = source.take(take_block)) {
            if constexpr (!std::is_same<Source, scanned_source>::value) {
                if (const cause bad = guard.check(block.data(), block.size()); bad != cause::none) return stop(bad);
            }
            if (!feed(block.data(), block.size())) return false;
        }
    } else {
        char in[content_block];
        for (;;) {
            const std::ptrdiff_t got = source.read(in, sizeof(in));
            const cause bad = got < 0 || static_cast<std::size_t>(got) > sizeof(in)
                                  ? cause::source_failed
                              : std::is_same<Source, scanned_source>::value ? cause::none
                                                                            : guard.check(in, static_cast<std::size_t>(got));
            if (bad != cause::none) return stop(bad);
            if (got == 0) break;
            if (!feed(in, static_cast<std::size_t>(got))) return false;
        }
    }
    stuffer.finish(out);
    return ok && end_of_data(total);
}

template <class Transport, class Tls, class Profile, class Clock>
bool basic_client<Transport, Tls, Profile, Clock>::end_of_data(std::uint64_t total) {
    if (MAILWIRE_TRACE && opt_.trace) {
        char note[64] = "<message content: ";
        char num[24];
        const char* digits = detail::format_u64(total, num);
        std::size_t n = std::strlen(note);
        while (*digits != '\0' && n + 8 < sizeof(note)) note[n++] = *digits++;
        for (const char* t = " bytes>"; *t != '\0'; ++t) note[n++] = *t;
        trace(trace_direction::client, std::string_view(note, n));
        trace(trace_direction::client, ".");
    }
    (void)total;
    if (!flush()) return false;

    // From here on the server has the whole message. Without a valid reply (lost connection,
    // silence, garbage) the outcome is unknown (RFC 5321 §4.5.3.2.6, §6.1): never report it as
    // sent, nor as refused; fail() records every such failure in this phase as outcome_unknown.
    // A 3xx here (a second 354, say) neither accepts nor refuses the message: the server is out
    // of step with the dialogue, so the outcome is unknown and the session unusable.
    begin(phase::end_of_data, opt_.timeout.data_end);
    if (!read_reply()) return false;
    if (last_.cls() == 2) return true;
    if (last_.cls() != 3) return reply_failure(phase::end_of_data);
    fail(phase::end_of_data, error_kind::protocol, cause::outcome_unknown, &last_);
    drop_connection();
    return false;
}

template <class Transport, class Tls, class Profile, class Clock>
bool basic_client<Transport, Tls, Profile, Clock>::put_step(batch& b, std::size_t step, std::string_view params) {
    const bool ok = step == 0     ? put_command({"MAIL FROM:<", b.env.sender, ">", params})
                    : step > b.n ? put_command({"DATA"})
                                 : put_command({"RCPT TO:<", b.env.recipients[step - 1].address, ">"});
    if (ok) {
        ++b.put;
        b.unanswered += command_size(b, step);
    }
    return ok;
}

template <class Transport, class Tls, class Profile, class Clock>
bool basic_client<Transport, Tls, Profile, Clock>::send_lockstep(batch& b, std::string_view params) {
    const std::size_t last = b.chunks != nullptr ? b.n : b.n + 1; // DATA, or BDAT below
    for (std::size_t step = 0; step <= last && b.mail_ok; ++step) {
        if (step > b.n && b.res.accepted == 0) break;
        begin_step(b, step);
        if (!put_step(b, step, params) || !flush() || !take_reply(b)) return false;
    }
    if constexpr (MAILWIRE_CHUNKING) {
        if (b.chunks != nullptr && chunks_wanted(b)) return send_chunks(b);
    }
    return true;
}

template <class Transport, class Tls, class Profile, class Clock>
bool basic_client<Transport, Tls, Profile, Clock>::send_pipelined(batch& b, std::string_view params) {
    begin_step(b, 0);
    batch_ = &b;
    bool ok = true;
    const std::size_t last = b.chunks != nullptr ? b.n : b.n + 1; // DATA, or BDAT below
    for (std::size_t step = 0; ok && step <= last && b.mail_ok; ++step)
        ok = make_room(b, command_size(b, step)) && put_step(b, step, params);
    // BDAT: the chunks follow the commands at once, in the same writes.
    if constexpr (MAILWIRE_CHUNKING) {
        if (b.chunks != nullptr) ok = ok && (!chunks_wanted(b) || send_chunks(b));
    }
    ok = ok && flush();
    while (ok && b.replies < b.put) ok = take_reply(b);
    batch_ = nullptr;
    return ok;
}

template <class Transport, class Tls, class Profile, class Clock>
std::size_t basic_client<Transport, Tls, Profile, Clock>::command_size(const batch& b, std::size_t i) noexcept {
    if (i == 0) return b.mail_size;
    if (i > b.n) return b.chunks != nullptr ? chunk_reply_allowance : 6; // a BDAT chunk, or "DATA" CRLF
    return 9 + b.env.recipients[i - 1].address.size() + 1 + 2; // "RCPT TO:<" address ">" CRLF
}

template <class Transport, class Tls, class Profile, class Clock>
bool basic_client<Transport, Tls, Profile, Clock>::duplex() const noexcept {
    if constexpr (detail::has_wait_ready<Transport>::value) return !tls_active_ && !only_tls;
    return false;
}

template <class Transport, class Tls, class Profile, class Clock>
std::size_t basic_client<Transport, Tls, Profile, Clock>::pipeline_window() const noexcept {
    if constexpr (detail::has_pipeline_window<Transport>::value) {
        const std::size_t w = transport_.pipeline_window();
        if (w != 0) return w;
    }
    return duplex() ? static_cast<std::size_t>(-1) : std::size_t{MAILWIRE_PIPELINE_WINDOW};
}

template <class Transport, class Tls, class Profile, class Clock>
bool basic_client<Transport, Tls, Profile, Clock>::make_room(batch& b, std::size_t size) {
    if (!b.pipelined) return true;
    const std::size_t window = pipeline_window();
    if (b.replies == b.put || b.unanswered + size <= window) return true;
    if (!flush()) return false;
    const std::size_t refill = window / 2;
    while (b.replies < b.put && (b.unanswered + size > refill || reply_buffered())) {
        if (!take_reply(b)) return false;
    }
    return true;
}

template <class Transport, class Tls, class Profile, class Clock>
bool basic_client<Transport, Tls, Profile, Clock>::take_reply(batch& b) {
    const std::size_t r = b.replies;
    if (!read_reply(r + 1 < b.put ? unsigned{more_follow} : 0u)) return false;
    ++b.replies;
    b.unanswered -= command_size(b, r);
    if (last_.code == 421) return reply_failure(phase_);
    if (MAILWIRE_CHUNKING && b.chunks != nullptr && r > b.n) {
        if constexpr (MAILWIRE_CHUNKING) {
            if (!take_chunk_reply(b, r)) return false;
        }
    } else if (r == 0 && last_.cls() != 2) {
        // Pipelined, the refusal is recorded now (its reply is in last_) and reported after the
        // other replies are read, unless reading them fails first.
        b.mail_ok = false;
        reply_failure(phase::mail);
    } else if (r != 0 && r <= b.n && b.mail_ok) {
        recipient& rc = b.env.recipients[r - 1];
        rc.result = last_;
        if (rc.accepted()) {
            ++b.res.accepted;
        } else {
            ++b.res.refused;
            // The worst refusal is a permanent one; among equals, keep the first.
            if (b.worst == b.n || (last_.permanent() && !b.env.recipients[b.worst].result.permanent())) b.worst = r - 1;
        }
    }
    if (b.pipelined && (b.chunks == nullptr ? b.replies <= b.n + 1 : b.replies < b.put)) begin_step(b, b.replies);
    return true;
}

template <class Transport, class Tls, class Profile, class Clock>
bool basic_client<Transport, Tls, Profile, Clock>::reply_buffered() const noexcept {
    if (rx_begin_ == 0 && rx_end_ == sizeof(rx_)) return true;
    std::size_t line = rx_begin_;
    for (std::size_t i = rx_begin_; i < rx_end_; ++i) {
        if (rx_[i] != '\n') continue;
        if (i - line < 4 || rx_[line + 3] != '-') return true;
        line = i + 1;
    }
    return false;
}

template <class Transport, class Tls, class Profile, class Clock>
bool basic_client<Transport, Tls, Profile, Clock>::flush_duplex(batch& b) {
    std::size_t off = 0;
    while (off < tx_len_) {
        const unsigned ready = wait_ready(b.replies < b.put ? ready_read | ready_write : ready_write);
        if (ready == 0) return io_failure(io_status::timeout);
        if ((ready & ready_read) != 0 && !read_arrived(b)) return false;
        if ((ready & ready_write) != 0) {
            std::size_t done = 0;
            if (!transfer(tx_ + off, nullptr, tx_len_ - off, done)) return false;
            off += done;
        }
    }
    tx_len_ = 0;
    return true;
}

template <class Transport, class Tls, class Profile, class Clock>
unsigned basic_client<Transport, Tls, Profile, Clock>::wait_ready(unsigned wanted) {
    const std::uint32_t left = remaining(dl_);
    if constexpr (detail::has_wait_ready<Transport>::value) {
        if (left != 0) return transport_.wait_ready(wanted, left) & wanted;
    }
    (void)left;
    return 0;
}

template <class Transport, class Tls, class Profile, class Clock>
bool basic_client<Transport, Tls, Profile, Clock>::read_arrived(batch& b) {
    const std::size_t avail = rx_end_ - rx_begin_;
    for (std::size_t i = 0; i < avail; ++i) rx_[i] = rx_[rx_begin_ + i];
    rx_begin_ = 0;
    rx_end_ = avail;
    if (rx_end_ < sizeof(rx_)) {
        std::size_t got = 0;
        if (!transfer(nullptr, rx_ + rx_end_, sizeof(rx_) - rx_end_, got)) return false;
        rx_end_ += got;
    }
    while (b.replies < b.put && reply_buffered()) {
        if (!take_reply(b)) return false;
    }
    return true;
}

} // inline namespace MAILWIRE_ABI
} // namespace mailwire

#endif // MAILWIRE_TRANSACTION_HPP
