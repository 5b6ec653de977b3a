// SPDX-License-Identifier: BSL-1.0
// mailwire-send's transport: POSIX sockets whose connects are staggered across the routes, in the
// manner of RFC 8305 §5 (Happy Eyeballs' "connection attempt delay"). When the route being
// connected has not connected after `stagger` (250 ms, the RFC's recommended delay), the next
// route's connect starts beside it, and so on; whichever connects first is used when the fallback
// reaches it, and a route passed over this way counts as a connect timeout ("had not connected
// after 0.3 s"). A route whose connect was started early and finished (refused, say) reports that
// result when its turn comes, at once. With a single route this is posix_transport as it is.
//
// Each early connect runs in a thread of its own with the connect timeout; a thread whose
// connection is never used closes it when it ends, and the process does not wait for it.
#ifndef MAILWIRE_EXAMPLES_SEND_STAGGER_HPP
#define MAILWIRE_EXAMPLES_SEND_STAGGER_HPP

#include <mailwire/posix_transport.hpp>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace mailwire_send {

class staggered_transport {
public:
    /// Where the routes connect to (connect_to or host) and their ports, in the order tried.
    void plan(const std::vector<std::pair<std::string, std::uint16_t>>& targets, std::uint32_t stagger_ms,
              std::uint32_t connect_timeout_ms) {
        race_ = std::make_shared<race>();
        race_->slots.resize(targets.size());
        for (std::size_t i = 0; i < targets.size(); ++i) {
            race_->slots[i].host = targets[i].first;
            race_->slots[i].port = targets[i].second;
        }
        stagger_ = std::chrono::milliseconds(stagger_ms);
        connect_timeout_ms_ = connect_timeout_ms;
    }

    /// Whether the last connect() gave up on its route because a later one connected first.
    bool passed_over() const noexcept { return passed_over_; }

    mailwire::io_result connect(std::string_view host, std::uint16_t port, std::uint32_t timeout_ms) {
        passed_over_ = false;
        conn_.close();
        const std::size_t i = find(host, port);
        if (race_ == nullptr || race_->slots.size() < 2 || i == race_->slots.size())
            return conn_.connect(host, port, timeout_ms);

        using clock = std::chrono::steady_clock;
        const clock::time_point deadline = clock::now() + std::chrono::milliseconds(timeout_ms);
        std::unique_lock<std::mutex> lock(race_->m);
        start(i, lock);
        for (;;) {
            slot& mine = race_->slots[i];
            if (mine.state == slot::done) {
                mine.state = slot::taken;
                conn_ = std::move(mine.conn);
                return mine.result;
            }
            // A later route has connected while this one has not: use that one (RFC 8305 §5).
            for (std::size_t j = i + 1; j < race_->slots.size(); ++j) {
                if (race_->slots[j].state == slot::done && race_->slots[j].result.ok()) {
                    passed_over_ = true;
                    return mailwire::io_result::fail(mailwire::io_status::timeout);
                }
            }
            const clock::time_point now = clock::now();
            if (now >= deadline) return mailwire::io_result::fail(mailwire::io_status::timeout);
            // Not connected after the stagger: start the next route that has not begun.
            clock::time_point wake = deadline;
            const std::size_t next = next_idle(i);
            if (next != race_->slots.size()) {
                const clock::time_point due = race_->last_start + stagger_;
                if (now >= due) {
                    start(next, lock);
                    continue;
                }
                if (due < wake) wake = due;
            }
            race_->changed.wait_until(lock, wake);
        }
    }

    mailwire::io_result read_some(char* buf, std::size_t len, std::uint32_t timeout_ms) noexcept {
        return conn_.read_some(buf, len, timeout_ms);
    }
    mailwire::io_result write_some(const char* buf, std::size_t len, std::uint32_t timeout_ms) noexcept {
        return conn_.write_some(buf, len, timeout_ms);
    }
    /// Both directions at once, so a pipelined envelope reads replies while it writes (RFC 2920 §3.1).
    unsigned wait_ready(unsigned wanted, std::uint32_t timeout_ms) noexcept { return conn_.wait_ready(wanted, timeout_ms); }
    void close() noexcept { conn_.close(); }
    bool local_address_literal(char* out, std::size_t cap) const noexcept {
        return conn_.local_address_literal(out, cap);
    }

private:
    struct slot {
        std::string host;
        std::uint16_t port = 0;
        enum { idle, running, done, taken } state = idle;
        mailwire::io_result result = mailwire::io_result::fail(mailwire::io_status::error);
        mailwire::posix_transport conn;
    };
    struct race {
        std::mutex m;
        std::condition_variable changed;
        std::vector<slot> slots;
        std::chrono::steady_clock::time_point last_start;
    };

    std::size_t find(std::string_view host, std::uint16_t port) const {
        if (race_ == nullptr) return 0;
        for (std::size_t i = 0; i < race_->slots.size(); ++i) {
            const slot& s = race_->slots[i];
            if (s.host == host && s.port == port && s.state != slot::taken) return i;
        }
        return race_->slots.size();
    }
    std::size_t next_idle(std::size_t after) const {
        for (std::size_t j = after + 1; j < race_->slots.size(); ++j) {
            if (race_->slots[j].state == slot::idle) return j;
        }
        return race_->slots.size();
    }
    /// Starts slot i's connect in a thread of its own (the lock is held).
    void start(std::size_t i, std::unique_lock<std::mutex>&) {
        slot& s = race_->slots[i];
        if (s.state != slot::idle) return;
        s.state = slot::running;
        race_->last_start = std::chrono::steady_clock::now();
        std::shared_ptr<race> r = race_;
        const std::string host = s.host;
        const std::uint16_t port = s.port;
        const std::uint32_t timeout = connect_timeout_ms_;
        std::thread([r, i, host, port, timeout] {
            mailwire::posix_transport t;
            const mailwire::io_result result = t.connect(host, port, timeout);
            const std::lock_guard<std::mutex> guard(r->m);
            r->slots[i].result = result;
            r->slots[i].conn = std::move(t);
            r->slots[i].state = slot::done;
            r->changed.notify_all();
        }).detach();
    }

    std::shared_ptr<race> race_;
    std::chrono::milliseconds stagger_{250};
    std::uint32_t connect_timeout_ms_ = 30000;
    mailwire::posix_transport conn_;
    bool passed_over_ = false;
};

} // namespace mailwire_send

#endif // MAILWIRE_EXAMPLES_SEND_STAGGER_HPP
