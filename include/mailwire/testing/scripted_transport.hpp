// SPDX-License-Identifier: BSL-1.0
// mailwire - a scripted in-memory SMTP peer for tests (yours and ours). Not part of the umbrella
// header; it uses the standard library's containers, which the library itself does not.
//
// The script is a list of server turns. The first turn (the greeting) is available once the client
// connects; each following turn is released when the client finishes one unit of output: a
// command line, or (after the peer released a 354) the message content up to "<CRLF>.<CRLF>".
// So PIPELINING behaves as with a real server: three commands in one write release three replies.
//
// A turn can send bytes, send them one byte per read while a manual clock advances (a trickling
// server), stay silent (the read times out and the clock jumps to the deadline), close the
// connection, or reset it. Reads can be cut short (max_read) and writes too (max_write); the Nth
// write can fail. Everything the client wrote is recorded, with the boundaries of each write.
#ifndef MAILWIRE_TESTING_SCRIPTED_TRANSPORT_HPP
#define MAILWIRE_TESTING_SCRIPTED_TRANSPORT_HPP

#include "../config.hpp"

#include "../io.hpp"

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace mailwire {
inline namespace MAILWIRE_ABI {
namespace testing {

/// A clock the test controls; the scripted transport advances it when a read waits.
struct manual_clock {
    millis* now_ms = nullptr;
    millis now() const noexcept { return now_ms ? *now_ms : 0; }
};

class script {
public:
    enum class action : std::uint8_t { send, trickle, silence, close, reset };
    struct turn {
        action what = action::send;
        std::string bytes;
        millis per_byte = 0;
    };

    // ------------------------------------------------------------ building
    /// The server sends `bytes` (use "\r\n" line ends yourself: garbage is allowed on purpose).
    script& reply(std::string bytes) { return add({action::send, std::move(bytes), 0}); }
    /// The server sends `bytes` one byte per read, each taking `per_byte` ms of the manual clock.
    script& trickle(std::string bytes, millis per_byte) { return add({action::trickle, std::move(bytes), per_byte}); }
    /// The server says nothing more at this turn: reads time out.
    script& silence() { return add({action::silence, {}, 0}); }
    /// The server closes the connection at this turn (after sending `bytes`, if any).
    script& close(std::string bytes = {}) { return add({action::close, std::move(bytes), 0}); }
    /// The connection is reset at this turn (reads fail with ECONNRESET).
    script& reset() { return add({action::reset, {}, 0}); }

    /// connect() fails with this status instead of connecting.
    script& fail_connect(io_status s) {
        connect_status = s;
        return *this;
    }

    // ------------------------------------------------------------ knobs
    io_status connect_status = io_status::ok;
    std::size_t max_read = 0;         ///< 0: no limit; else each read returns at most this many bytes
    std::size_t max_write = 0;        ///< 0: no limit; else each write takes at most this many bytes
    std::size_t fail_write_at = 0;    ///< 1-based index of a write that fails (0: none)
    millis now_ms = 0;                ///< the manual clock
    manual_clock clock() { return manual_clock{&now_ms}; }

    // ------------------------------------------------------------ observations
    std::string written;                 ///< every byte the client wrote
    std::vector<std::size_t> write_ends; ///< offsets in `written` where each write call ended
    std::vector<std::string> commands;   ///< the client's command lines, without CRLF
    std::vector<std::string> contents;   ///< message contents as sent (dot-stuffed, with the final ".\r\n")
    std::vector<std::string> chunks;     ///< BDAT chunks' data (RFC 3030), each as sent after its BDAT line
    /// BDAT: release the reply to a BDAT line as soon as the line is read, before its data (a
    /// server answering too early), instead of after the data.
    bool answer_bdat_early = false;
    std::string connected_host;
    std::uint16_t connected_port = 0;
    bool connected = false;
    bool closed_by_client = false;
    std::size_t connects = 0;

    /// How many writes contained `needle` (e.g. to see that MAIL, RCPT and DATA left together).
    std::size_t writes() const { return write_ends.size(); }
    std::string write(std::size_t i) const {
        const std::size_t b = i == 0 ? 0 : write_ends[i - 1];
        return written.substr(b, write_ends[i] - b);
    }
    /// Whether a read would return at once: released bytes, or a close or reset, are waiting.
    bool readable() const { return !pending_.empty(); }
    /// The turns not yet released: 0 when the client went through the whole script.
    std::size_t turns_left() const { return turns_.size() - next_; }

    // ------------------------------------------------------------ used by scripted_transport
    io_result on_connect(std::string_view host, std::uint16_t port) {
        ++connects;
        connected_host.assign(host.data(), host.size());
        connected_port = port;
        if (connect_status != io_status::ok) return io_result::fail(connect_status);
        connected = true;
        release();
        return io_result::done(0);
    }

    io_result on_read(char* buf, std::size_t len, std::uint32_t timeout_ms) {
        if (!connected) return io_result::fail(io_status::error, EBADF);
        while (!pending_.empty() && pending_.front().bytes.empty()) {
            const action a = pending_.front().what;
            if (a == action::close) return io_result::fail(io_status::closed);
            if (a == action::reset) return io_result::fail(io_status::error, ECONNRESET);
            pending_.pop_front();
        }
        if (pending_.empty()) { // silence: the whole timeout passes
            now_ms += timeout_ms;
            return io_result::fail(io_status::timeout);
        }
        turn& t = pending_.front();
        std::size_t n = t.bytes.size() < len ? t.bytes.size() : len;
        if (max_read != 0 && n > max_read) n = max_read;
        if (t.what == action::trickle) {
            if (t.per_byte > timeout_ms) { // the next byte comes too late
                now_ms += timeout_ms;
                return io_result::fail(io_status::timeout);
            }
            now_ms += t.per_byte;
            n = 1;
        }
        t.bytes.copy(buf, n);
        t.bytes.erase(0, n);
        if (t.bytes.empty() && (t.what == action::send || t.what == action::trickle)) pending_.pop_front();
        return io_result::done(n);
    }

    io_result on_write(const char* buf, std::size_t len) {
        if (!connected) return io_result::fail(io_status::error, EBADF);
        ++write_calls_;
        if (fail_write_at != 0 && write_calls_ == fail_write_at) return io_result::fail(io_status::error, EPIPE);
        if (!pending_.empty() && pending_.front().what == action::reset && pending_.front().bytes.empty())
            return io_result::fail(io_status::error, ECONNRESET);
        std::size_t n = len;
        if (max_write != 0 && n > max_write) n = max_write;
        written.append(buf, n);
        write_ends.push_back(written.size());
        consume(std::string_view(buf, n));
        return io_result::done(n);
    }

    void on_close() {
        if (connected) closed_by_client = true;
        connected = false;
    }

private:
    script& add(turn t) {
        turns_.push_back(std::move(t));
        return *this;
    }

    void release() {
        if (next_ >= turns_.size()) return;
        const turn& t = turns_[next_++];
        if (t.what == action::send || t.what == action::trickle) {
            // A 354 switches the client's next bytes to message content.
            if (t.bytes.compare(0, 3, "354") == 0) data_mode_ = true;
        }
        pending_.push_back(t);
    }

    /// Splits the client's output into units; each complete unit releases the next turn. A BDAT
    /// line and the octets it counts are one unit (a chunk).
    void consume(std::string_view s) {
        for (char c : s) {
            if (bdat_left_ != 0) {
                chunk_ += c;
                if (--bdat_left_ == 0) end_chunk();
                continue;
            }
            unit_ += c;
            if (data_mode_) {
                const bool ends = (unit_.size() == 3 && unit_ == ".\r\n") ||
                                  (unit_.size() >= 5 && unit_.compare(unit_.size() - 5, 5, "\r\n.\r\n") == 0);
                if (ends) {
                    contents.push_back(unit_);
                    unit_.clear();
                    data_mode_ = false;
                    release();
                }
            } else if (unit_.size() >= 2 && unit_.compare(unit_.size() - 2, 2, "\r\n") == 0) {
                commands.push_back(unit_.substr(0, unit_.size() - 2));
                const bool bdat = unit_.compare(0, 5, "BDAT ") == 0;
                unit_.clear();
                if (bdat) {
                    // "BDAT <size>[ LAST]": the next <size> octets are the chunk's.
                    bdat_left_ = 0;
                    for (std::size_t i = 5; i < commands.back().size() && commands.back()[i] >= '0' &&
                                            commands.back()[i] <= '9';
                         ++i)
                        bdat_left_ = bdat_left_ * 10 + static_cast<std::size_t>(commands.back()[i] - '0');
                    if (answer_bdat_early) release();
                    if (bdat_left_ == 0) end_chunk();
                    continue;
                }
                release();
            }
        }
    }

    void end_chunk() {
        chunks.push_back(chunk_);
        chunk_.clear();
        if (!answer_bdat_early) release();
    }

    std::vector<turn> turns_;
    std::size_t next_ = 0;
    std::deque<turn> pending_;
    std::string unit_;
    std::string chunk_;
    std::size_t bdat_left_ = 0;
    bool data_mode_ = false;
    std::size_t write_calls_ = 0;
};

/// The transport side: forwards to a script the test keeps (and inspects afterwards).
class scripted_transport {
public:
    scripted_transport() = default;
    explicit scripted_transport(script& s) noexcept : s_(&s) {}

    io_result connect(std::string_view host, std::uint16_t port, std::uint32_t /*timeout_ms*/) {
        return s_ ? s_->on_connect(host, port) : io_result::fail(io_status::error);
    }
    io_result read_some(char* buf, std::size_t len, std::uint32_t timeout_ms) {
        return s_ ? s_->on_read(buf, len, timeout_ms) : io_result::fail(io_status::error);
    }
    io_result write_some(const char* buf, std::size_t len, std::uint32_t /*timeout_ms*/) {
        return s_ ? s_->on_write(buf, len) : io_result::fail(io_status::error);
    }
    void close() {
        if (s_) s_->on_close();
    }

private:
    script* s_ = nullptr;
};

} // namespace testing
} // inline namespace MAILWIRE_ABI
} // namespace mailwire

#endif // MAILWIRE_TESTING_SCRIPTED_TRANSPORT_HPP
