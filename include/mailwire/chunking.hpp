// SPDX-License-Identifier: BSL-1.0
// mailwire - CHUNKING (RFC 3030): the definitions of the basic_client members declared under
// "CHUNKING" in client.hpp. The content goes out in counted chunks, "BDAT <size>" then exactly
// that many octets, the last one "BDAT <size> LAST": nothing is dot-stuffed and no "." ends it, so
// no octet of the message can be taken for the end of the data. Each chunk is assembled in the
// send buffer behind room for its BDAT line, which is written once the size is known. Pipelined,
// the chunks follow MAIL and RCPT in the same writes: a message that fits one chunk takes one
// round trip.
#ifndef MAILWIRE_CHUNKING_HPP
#define MAILWIRE_CHUNKING_HPP

#include "client.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace mailwire {
inline namespace MAILWIRE_ABI {

template <class Transport, class Tls, class Profile, class Clock>
bool basic_client<Transport, Tls, Profile, Clock>::send_chunks(batch& b) {
    dot_stuffer lines(dot_stuffer::lines_only);
    std::uint64_t total = 0;
    if (!open_chunk()) return false;
    bool ok = true;
    const auto out = [&](char c) {
        if (ok) ok = chunk_char(b, c);
    };
    const bool in_memory = bulk_body && b.chunks->take != nullptr;
    // One block of the content: line ends made CRLF, nothing else changed. With bulk_body, runs
    // that need no change are copied whole, or (content in memory, a buffer's worth or more)
    // sent as chunks of their own from where they lie.
    const auto feed = [&](const char* p, std::size_t n) {
        total += n;
        if (opt_.progress) opt_.progress(opt_.progress_context, total, b.expected);
        if (b.raw) {
            // BODY=BINARYMIME: every octet as it is (RFC 3030 §3).
            return ok = in_memory && n >= sizeof(tx_) ? direct_chunk(b, p, n) : chunk_run(b, p, n);
        }
        for (std::size_t i = 0; i < n && ok;) {
            if constexpr (bulk_body) {
                const std::size_t run = lines.clean_prefix(p + i, n - i);
                if (run != 0) {
                    ok = in_memory && run >= sizeof(tx_) ? direct_chunk(b, p + i, run) : chunk_run(b, p + i, run);
                    lines.passed(p + i, run);
                    i += run;
                    continue;
                }
            }
            if (lines.step(p[i], out)) ++i;
        }
        return ok;
    };
    // Text is looked at before it goes (text_guard), but for a message send() looked at whole
    // before MAIL; BINARYMIME carries any octet. A breach, or a source that fails: no LAST may
    // follow a partial message, so the connection is closed and the server discards it.
    text_guard guard(!(MAILWIRE_MAIL_PARAMETERS && caps_.eightbitmime));
    const bool look = !b.raw && !b.chunks->scanned;
    const auto stop = [&](cause why) {
        fail(phase::body, error_kind::usage, why);
        drop_connection();
        return false;
    };
    char in[content_block];
    for (;;) {
        if (!chunks_wanted(b)) {
            // A refusal came in (MAIL, every recipient, a chunk): no more BDAT, and no LAST
            // (RFC 3030 §2). What is assembled stays unsent; RSET follows the replies.
            tx_len_ = chunk_at_;
            return true;
        }
        if (in_memory) {
            const std::string_view block = b.chunks->take(b.chunks->context, take_block);
            if (block.empty()) break;
            if (const cause bad = look ? guard.check(block.data(), block.size()) : cause::none; bad != cause::none)
                return stop(bad);
            if (!feed(block.data(), block.size())) return false;
            continue;
        }
        const std::ptrdiff_t got = b.chunks->read(b.chunks->context, in, sizeof(in));
        const cause bad = got < 0 || static_cast<std::size_t>(got) > sizeof(in) ? cause::source_failed
                          : look ? guard.check(in, static_cast<std::size_t>(got))
                                 : cause::none;
        if (bad != cause::none) return stop(bad);
        if (got == 0) break;
        if (!feed(in, static_cast<std::size_t>(got))) return false;
    }
    if (!b.raw) lines.end_lines(out);
    return ok && seal_chunk(b, true);
}

template <class Transport, class Tls, class Profile, class Clock>
bool basic_client<Transport, Tls, Profile, Clock>::direct_chunk(batch& b, const char* p, std::size_t n) {
    // The chunk under way goes first (or, empty, gives back its room).
    if (tx_len_ > chunk_at_ + chunk_header_room) {
        if (!seal_chunk(b, false)) return false;
    } else {
        tx_len_ = chunk_at_;
    }
    if (b.pipelined) {
        if (!flush()) return false;
        while (b.replies < b.put) {
            if (!take_reply(b)) return false;
        }
    }
    if (!chunks_wanted(b)) return open_chunk();
    char digits[24];
    const char* const size = detail::format_u64(n, digits);
    if (!put_command({"BDAT ", std::string_view(size)})) return false;
    const std::size_t step = b.put++;
    b.unanswered += command_size(b, step);
    if (!flush() || !put_run(p, n)) return false; // put_run writes a buffer's worth from where it is
    begin_step(b, step); // the reply's deadline starts once the chunk is written
    if (!b.pipelined && !take_reply(b)) return false;
    return open_chunk();
}

template <class Transport, class Tls, class Profile, class Clock>
bool basic_client<Transport, Tls, Profile, Clock>::open_chunk() {
    // A chunk starts with at least a quarter of the buffer free for its data (commands before
    // it go out first otherwise): no chunk of a few octets behind a long envelope.
    if (tx_len_ + chunk_header_room + sizeof(tx_) / 4 > sizeof(tx_) && !flush()) return false;
    chunk_at_ = tx_len_;
    tx_len_ += chunk_header_room;
    return true;
}

template <class Transport, class Tls, class Profile, class Clock>
bool basic_client<Transport, Tls, Profile, Clock>::chunk_char(batch& b, char c) {
    if (tx_len_ == sizeof(tx_) && (!seal_chunk(b, false) || !open_chunk())) return false;
    tx_[tx_len_++] = c;
    return true;
}

template <class Transport, class Tls, class Profile, class Clock>
bool basic_client<Transport, Tls, Profile, Clock>::chunk_run(batch& b, const char* p, std::size_t n) {
    while (n != 0) {
        if (tx_len_ == sizeof(tx_) && (!seal_chunk(b, false) || !open_chunk())) return false;
        const std::size_t room = sizeof(tx_) - tx_len_;
        const std::size_t k = n < room ? n : room;
        std::memcpy(tx_ + tx_len_, p, k);
        tx_len_ += k;
        p += k;
        n -= k;
    }
    return true;
}

template <class Transport, class Tls, class Profile, class Clock>
bool basic_client<Transport, Tls, Profile, Clock>::seal_chunk(batch& b, bool last) {
    if (!chunks_wanted(b)) {
        // A refusal was read meanwhile (lock-step, or while writing): RFC 3030 §2, no further
        // BDAT. The chunk is dropped; send_chunks() stops at its next block.
        tx_len_ = chunk_at_;
        return true;
    }
    const std::size_t data_at = chunk_at_ + chunk_header_room;
    const std::size_t size = tx_len_ - data_at;
    // The BDAT line (RFC 3030 §2: "BDAT" SP chunk-size [SP "LAST"] CRLF), then the data moved up
    // to follow it.
    char digits[24];
    char line[chunk_header_room];
    std::size_t h = 0;
    for (const char* part : {"BDAT ", detail::format_u64(size, digits), last ? " LAST" : ""}) {
        while (*part != '\0') line[h++] = *part++;
    }
    if (MAILWIRE_TRACE) trace(trace_direction::client, std::string_view(line, h));
    line[h++] = '\r';
    line[h++] = '\n';
    std::memcpy(tx_ + chunk_at_, line, h);
    std::memmove(tx_ + chunk_at_ + h, tx_ + data_at, size);
    tx_len_ -= chunk_header_room - h;

    if (b.pipelined && !duplex() && b.replies < b.put &&
        b.unanswered + (tx_len_ - chunk_at_) > pipeline_window()) {
        // Without reading while writing, a chunk larger than the window's room must not follow
        // unanswered commands: their replies (often longer than the commands) could fill the
        // server's side while it waits to write them, and it would stop reading the chunk. So
        // what precedes the chunk goes out, and every reply to it is read first (one round trip,
        // for a message larger than the window).
        if (!write_front(chunk_at_)) return false;
        while (b.replies < b.put) {
            if (!take_reply(b)) return false;
        }
        if (!chunks_wanted(b)) {
            tx_len_ = 0; // refused meanwhile: this chunk stays unsent
            return true;
        }
    }
    const std::size_t step = b.put++;
    b.unanswered += command_size(b, step);
    // The LAST chunk counts as sent once all of it is written (RFC 3030 §2 with RFC 5321
    // §4.5.3.2.6): a failure before that leaves the message undelivered, and known to be; from
    // then on every reply may be the last word on it (begin_step: phase end_of_data).
    if (!b.pipelined) {
        begin_step(b, step);
        if (!flush()) return false;
        b.last_sent = last;
        begin_step(b, step);
        return take_reply(b);
    }
    // Writing a chunk has a deadline of its own (RFC 5321 §4.5.3.2.5: a data block); the reply
    // being waited for gets a fresh one once the writing is done. A reply to this chunk before
    // all of it is written would be premature (take_chunk_reply).
    begin(phase_, opt_.timeout.data_block);
    b.writing_step = step;
    const bool ok = flush();
    b.writing_step = static_cast<std::size_t>(-1);
    if (!ok) return false;
    b.last_sent = last;
    if (b.replies < b.put) begin_step(b, b.replies);
    return make_room(b, 0);
}

template <class Transport, class Tls, class Profile, class Clock>
bool basic_client<Transport, Tls, Profile, Clock>::write_front(std::size_t n) {
    for (std::size_t off = 0, done = 0; off < n; off += done) {
        if (!transfer(tx_ + off, nullptr, n - off, done)) return false;
    }
    std::memmove(tx_, tx_ + n, tx_len_ - n);
    tx_len_ -= n;
    chunk_at_ -= n;
    return true;
}

template <class Transport, class Tls, class Profile, class Clock>
bool basic_client<Transport, Tls, Profile, Clock>::take_chunk_reply(batch& b, std::size_t r) {
    if (r >= b.writing_step || last_.cls() == 3) {
        // An answer to a chunk the server cannot have read yet, or a "go ahead" (354) where
        // there is nothing to go ahead with: a server out of step with the counted data.
        fail(phase_, error_kind::protocol, cause::unexpected_reply, &last_);
        drop_connection();
        return false;
    }
    const bool last = b.last_sent && r + 1 == b.put;
    if (last_.cls() == 2) {
        b.delivered = last;
        return true;
    }
    // A refusal of MAIL or of every recipient is reported as such; the chunks' replies to it
    // (503, 554) add nothing. The first refused chunk is the error otherwise.
    if (!b.mail_ok || b.res.accepted == 0 || b.chunk_refused) return true;
    b.chunk_refused = true;
    const int code = last_.code;
    if (r == b.n + 1 && code >= 500 && code <= 504 && code != 503) {
        // RFC 5321 §4.2.4: the first BDAT not recognised or not implemented. Its octets went
        // out with it and may have been read as commands.
        b.out_of_step = true;
        fail(phase::data, error_kind::protocol, cause::chunking_refused, &last_);
        return true;
    }
    reply_failure(last ? phase::end_of_data : phase::data);
    return true;
}

} // inline namespace MAILWIRE_ABI
} // namespace mailwire

#endif // MAILWIRE_CHUNKING_HPP
