// SPDX-License-Identifier: BSL-1.0
// mailwire-send: standard input as the message (or as the composed message's text body), read so
// that memory stays flat whatever its size. The first MiB is read into memory: a message that ends
// within it is sent from memory as before (its exact SIZE=, 7bit when it is ASCII). A longer one
// streams: that first MiB again, then the rest straight from the descriptor, in the client's
// blocks. SIZE= then comes from the file's size when standard input is a regular file (RFC 1870's
// size is the client's estimate), and is left out for a pipe. Before anything is sent, scan()
// finds what the server must be able to take (content_facts: 8-bit octets, long lines, NUL), in
// the part in memory and in the rest of a regular file; a pipe's rest the library checks as it goes.
#ifndef MAILWIRE_SEND_STDIN_MESSAGE_HPP
#define MAILWIRE_SEND_STDIN_MESSAGE_HPP

#include <mailwire/mailwire.hpp> // (content_source.hpp; the umbrella, so the tests' single-header build has it)

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

/// What a message holds that the server must be able to take (found before it is sent): 8-bit
/// octets (RFC 6152: only with 8BITMIME), a NUL or a line over 998 octets (RFC 5322 §2.1.1: only
/// as BINARYMIME, RFC 3030). Lines are counted from 1; a CR or an LF ends one (each becomes CRLF).
struct content_facts {
    bool complete = false;           ///< the whole message was looked at (not so: a pipe past the first MiB)
    std::uint64_t first_8bit_line = 0; ///< the first line with an octet from 0x80 on; 0: none
    std::uint64_t first_long_line = 0; ///< the first line over 998 octets; 0: none
    std::uint64_t first_nul_line = 0;  ///< the first line with a NUL; 0: none
    bool eight_bit() const noexcept { return first_8bit_line != 0; }
    bool not_text() const noexcept { return first_long_line != 0 || first_nul_line != 0; }
};

/// Finds content_facts over blocks in order: eight octets at a time where none of them is a CR,
/// an LF, a NUL or 8-bit and the line stays short, octet by octet elsewhere.
class content_scanner {
public:
    void feed(const char* p, std::size_t n) noexcept {
        constexpr std::uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
        const auto has_zero = [](std::uint64_t v) { return (v - ones) & ~v & highs; };
        for (const char* const end = p + n; p != end; ++p) {
            while (end - p >= 8 && octets_ + 8 < 999) {
                std::uint64_t w;
                std::memcpy(&w, p, 8);
                if (((w & highs) | has_zero(w) | has_zero(w ^ (ones * '\n')) | has_zero(w ^ (ones * '\r'))) != 0) break;
                octets_ += 8;
                p += 8;
                after_cr_ = false;
            }
            if (p == end) break;
            const unsigned char c = static_cast<unsigned char>(*p);
            if (c == '\n' || c == '\r') {
                if (!(c == '\n' && after_cr_)) ++line_;
                after_cr_ = c == '\r';
                octets_ = 0;
                continue;
            }
            after_cr_ = false;
            if (++octets_ == 999 && facts_.first_long_line == 0) facts_.first_long_line = line_;
            if (c == 0 && facts_.first_nul_line == 0) facts_.first_nul_line = line_;
            if (c >= 0x80 && facts_.first_8bit_line == 0) facts_.first_8bit_line = line_;
        }
    }
    content_facts facts(bool complete) const noexcept {
        content_facts f = facts_;
        f.complete = complete;
        return f;
    }

private:
    content_facts facts_;
    std::uint64_t line_ = 1;
    std::size_t octets_ = 0;
    bool after_cr_ = false;
};

class stdin_message {
public:
    /// How much is read into memory before the message counts as big.
    static constexpr std::size_t in_memory_limit = 1u << 20;

    explicit stdin_message(int fd = STDIN_FILENO) noexcept : fd_(fd) {}
    stdin_message(const stdin_message&) = delete;
    stdin_message& operator=(const stdin_message&) = delete;

    /// Reads up to in_memory_limit octets. False (errno set) when reading failed.
    bool load() {
        struct stat st {};
        if (::fstat(fd_, &st) == 0 && S_ISREG(st.st_mode)) {
            const off_t at = ::lseek(fd_, 0, SEEK_CUR);
            if (at >= 0 && st.st_size >= at) {
                start_ = at;
                file_size_ = static_cast<std::int64_t>(st.st_size - at);
            }
        }
        head_.resize(in_memory_limit);
        std::size_t have = 0;
        while (have < head_.size()) {
            const ssize_t n = ::read(fd_, &head_[have], head_.size() - have);
            if (n > 0) {
                have += static_cast<std::size_t>(n);
            } else if (n == 0) {
                whole_ = true;
                break;
            } else if (errno != EINTR) {
                return false;
            }
        }
        head_.resize(have);
        head_end_ = start_ + static_cast<off_t>(have);
        if (!whole_) {
            // Exactly the limit so far: one more read tells whether anything follows.
            char probe = 0;
            ssize_t n;
            do {
                n = ::read(fd_, &probe, 1);
            } while (n < 0 && errno == EINTR);
            if (n < 0) return false;
            if (n == 0) {
                whole_ = true;
            } else {
                head_ += probe; // a little past the limit: the stream continues after it
                ++head_end_;
            }
        }
        return true;
    }

    /// RFC 5322 §3.6.3: a Bcc field names recipients the others must not see. As sendmail and
    /// msmtp do, every Bcc field of the header section is removed, its folded lines with it,
    /// before anything is sent (the field name is case-insensitive; the obsolete syntax allows
    /// white space before the colon, §4.5.3). Returns how many were removed, or -1 when the
    /// header section does not end within the part in memory (the rest could not be filtered).
    int remove_bcc() {
        std::string kept;
        kept.reserve(head_.size());
        int removed = 0;
        bool dropping = false;
        std::size_t at = 0;
        while (at < head_.size()) {
            const std::size_t lf = head_.find('\n', at);
            if (lf == std::string::npos && !whole_) return -1; // a line cut at the limit: still headers
            const std::size_t end = lf == std::string::npos ? head_.size() : lf + 1;
            const std::string_view line(head_.data() + at, end - at);
            if (line == "\n" || line == "\r\n") break; // the blank line: the body follows
            if (line[0] == ' ' || line[0] == '\t') {
                if (!dropping) kept += line; // a folded line belongs to the field before it
            } else {
                dropping = is_bcc(line);
                removed += dropping ? 1 : 0;
                if (!dropping) kept += line;
            }
            at = end;
        }
        if (removed == 0) return 0;
        kept.append(head_, at, std::string::npos);
        const std::size_t cut = head_.size() - kept.size();
        head_.swap(kept);
        if (file_size_ >= 0) file_size_ -= static_cast<std::int64_t>(cut);
        return removed;
    }

    /// The header section's fields (in the part in memory), unfolded: name and value, the value's
    /// leading white space and line ends removed.
    std::vector<std::pair<std::string, std::string>> header_fields() const {
        std::vector<std::pair<std::string, std::string>> fields;
        std::size_t at = 0;
        while (at < head_.size()) {
            std::size_t lf = head_.find('\n', at);
            const std::size_t end = lf == std::string::npos ? head_.size() : lf + 1;
            std::string_view line(head_.data() + at, end - at);
            at = end;
            while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
            if (line.empty()) break; // the blank line
            if (line[0] == ' ' || line[0] == '\t') {
                if (!fields.empty()) fields.back().second += std::string(line);
                continue;
            }
            const std::size_t colon = line.find(':');
            if (colon == std::string_view::npos) continue;
            std::string_view name = line.substr(0, colon), value = line.substr(colon + 1);
            while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
            while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
            fields.emplace_back(std::string(name), std::string(value));
        }
        return fields;
    }

    /// Header fields put in front of the message (each ending with CRLF).
    void prepend(const std::string& fields) {
        head_.insert(0, fields);
        if (file_size_ >= 0) file_size_ += static_cast<std::int64_t>(fields.size());
    }

    /// Looks at the message as it will be sent (after remove_bcc() and prepend()): the text in
    /// memory, and the rest of a regular file, read without moving the descriptor. A pipe's rest
    /// is not known in advance (facts().complete is false): the library looks at it as it goes.
    /// False (errno set) when reading the file failed.
    bool scan() {
        content_scanner scanner;
        scanner.feed(head_.data(), head_.size());
        bool complete = whole_;
        if (!whole_ && file_size_ >= 0) {
            char buf[65536];
            for (off_t at = head_end_;;) {
                const ssize_t n = ::pread(fd_, buf, sizeof(buf), at);
                if (n < 0 && errno == EINTR) continue;
                if (n < 0) return false;
                if (n == 0) break;
                scanner.feed(buf, static_cast<std::size_t>(n));
                at += n;
            }
            complete = true;
        }
        facts_ = scanner.facts(complete);
        return true;
    }
    const content_facts& facts() const noexcept { return facts_; }

    /// The whole message ended within the limit: it is text().
    bool whole() const noexcept { return whole_; }
    std::string_view text() const noexcept { return head_; }
    /// The message's size when known in advance: the whole text's, or the regular file's from
    /// where standard input stood; -1 for a pipe.
    std::int64_t size_hint() const noexcept {
        return whole_ ? static_cast<std::int64_t>(head_.size()) : file_size_;
    }

    /// The source interface (client::send): the text in memory, then the rest of the descriptor.
    /// -1 when reading failed, or when a second attempt cannot start again from the beginning.
    std::ptrdiff_t read(char* buf, std::size_t cap) noexcept {
        if (failed_) return -1;
        if (pos_ < head_.size()) {
            const std::size_t n = head_.size() - pos_ < cap ? head_.size() - pos_ : cap;
            std::memcpy(buf, head_.data() + pos_, n);
            pos_ += n;
            return static_cast<std::ptrdiff_t>(n);
        }
        if (whole_ || cap == 0) return 0;
        read_past_head_ = true;
        for (;;) {
            const ssize_t n = ::read(fd_, buf, cap);
            if (n >= 0) return n;
            if (errno != EINTR) {
                failed_ = true;
                return -1;
            }
        }
    }

    /// Back to the beginning, for another attempt (a fallback route): always possible while
    /// nothing past the text in memory was read, and for a regular file. Otherwise (a pipe that
    /// was read on) the source fails, so nothing incomplete can be sent.
    bool rewind() noexcept {
        pos_ = 0;
        if (!read_past_head_) return true;
        if (file_size_ >= 0 && ::lseek(fd_, head_end_, SEEK_SET) >= 0) {
            read_past_head_ = false;
            return true;
        }
        failed_ = true;
        return false;
    }

    /// The same for the composer (the text body from standard input).
    mailwire::content_source source() noexcept {
        mailwire::content_source s = mailwire::content_source::callback(
            [](void* self, char* buf, std::size_t cap) { return static_cast<stdin_message*>(self)->read(buf, cap); },
            this, size_hint());
        s.rewind = [](void* self) { return static_cast<stdin_message*>(self)->rewind(); };
        return s;
    }

private:
    static bool is_bcc(std::string_view line) noexcept {
        if (line.size() < 4) return false;
        const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
        if (lower(line[0]) != 'b' || lower(line[1]) != 'c' || lower(line[2]) != 'c') return false;
        std::size_t i = 3;
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
        return i < line.size() && line[i] == ':';
    }

    int fd_;
    std::string head_;
    std::size_t pos_ = 0;
    bool whole_ = false;
    bool read_past_head_ = false;
    bool failed_ = false;
    off_t start_ = 0;
    off_t head_end_ = 0; ///< where the descriptor stood after the part in memory was read
    std::int64_t file_size_ = -1;
    content_facts facts_;
};

#endif // MAILWIRE_SEND_STDIN_MESSAGE_HPP
