// SPDX-License-Identifier: BSL-1.0
// mailwire - where the content of a message part comes from, for the composer (message.hpp):
// text it refers to without copying (text_ref), memory or a function that fills a buffer
// (content_source), and where the C library has open/read/lseek a file (file_reader): POSIX, and
// ESP-IDF, whose VFS serves them for SPIFFS, LittleFS and FAT on SD cards (/spiffs, /sdcard...).
// Another such target (Zephyr with CONFIG_POSIX_API, an lwIP port with a file system) defines
// MAILWIRE_HAS_POSIX_FILES in its mailwire_config.h.
#ifndef MAILWIRE_CONTENT_SOURCE_HPP
#define MAILWIRE_CONTENT_SOURCE_HPP

#include "config.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#if !defined(MAILWIRE_HAS_POSIX_FILES) && (defined(__unix__) || defined(__APPLE__) || defined(ESP_PLATFORM))
#define MAILWIRE_HAS_POSIX_FILES 1
#endif
#if defined(MAILWIRE_HAS_POSIX_FILES)
#include <cerrno>
#include <fcntl.h>
#include <unistd.h>
#endif

namespace mailwire {
inline namespace MAILWIRE_ABI {

/// Text the composer refers to without copying (it must outlive the send): a string literal, a
/// string_view, or a std::string that lives on. A temporary std::string would dangle, so it does
/// not compile: keep it in a variable first.
class text_ref {
public:
    constexpr text_ref() noexcept = default;
    constexpr text_ref(std::string_view s) noexcept : v_(s) {}
    constexpr text_ref(const char* s) noexcept : v_(s) {}
    template <class Alloc>
    text_ref(const std::basic_string<char, std::char_traits<char>, Alloc>& s) noexcept : v_(s) {}
    template <class Alloc>
    text_ref(std::basic_string<char, std::char_traits<char>, Alloc>&&) = delete; // would dangle
    constexpr std::string_view view() const noexcept { return v_; }

private:
    std::string_view v_;
};

/// Where a body or an attachment comes from: memory, or a function that fills a buffer (flash, a
/// sensor ring buffer, a file). `size` (octets) lets the composed size be known in advance, for
/// SIZE= and progress; -1 when unknown.
struct content_source {
    std::ptrdiff_t (*fill)(void* context, char* buf, std::size_t cap) = nullptr; ///< >0 bytes, 0 end, <0 error
    void* context = nullptr;
    std::int64_t size = -1;
    std::string_view memory; ///< used when fill is null
    /// Optional: back to the beginning, so the message can be prepared and sent again (a file
    /// can; a sensor stream cannot, and then sends once).
    bool (*rewind)(void* context) = nullptr;

    // cppcheck-suppress passedByValue ; a text_ref is a string_view: cheaper by value
    static content_source from_memory(text_ref data_ref) noexcept {
        const std::string_view data = data_ref.view();
        content_source s;
        s.memory = data;
        s.size = static_cast<std::int64_t>(data.size());
        return s;
    }
    static content_source callback(std::ptrdiff_t (*fill)(void*, char*, std::size_t), void* context,
                                   std::int64_t size = -1) noexcept {
        content_source s;
        s.fill = fill;
        s.context = context;
        s.size = size;
        return s;
    }
    bool in_memory() const noexcept { return fill == nullptr; }
};

#if defined(MAILWIRE_HAS_POSIX_FILES)
/// A file, read with open/read (no stdio buffer, no heap). Keep it alive until the message is sent.
/// On ESP-IDF the path names a mounted VFS file system: "/spiffs/log.csv", "/sdcard/photo.jpg".
class file_reader {
public:
    file_reader() noexcept = default;
    explicit file_reader(const char* path) noexcept { open(path); }
    file_reader(const file_reader&) = delete;
    file_reader& operator=(const file_reader&) = delete;
    ~file_reader() { close(); }

    bool open(const char* path) noexcept {
        close();
        do {
            fd_ = ::open(path, O_RDONLY | open_flags);
        } while (fd_ < 0 && errno == EINTR);
        if (fd_ < 0) return false;
        const off_t end = ::lseek(fd_, 0, SEEK_END);
        size_ = end < 0 ? -1 : static_cast<std::int64_t>(end);
        if (end < 0 || ::lseek(fd_, 0, SEEK_SET) != 0) size_ = -1;
        return true;
    }
    bool is_open() const noexcept { return fd_ >= 0; }
    std::int64_t size() const noexcept { return size_; }
    /// The source; each prepare() (so each send) starts reading from the beginning of the file.
    content_source source() noexcept {
        content_source s = content_source::callback(&fill, this, size_);
        s.rewind = [](void* self) { return static_cast<file_reader*>(self)->rewind(); };
        return s;
    }
    void close() noexcept {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }
    bool rewind() noexcept { return fd_ >= 0 && ::lseek(fd_, 0, SEEK_SET) == 0; }

private:
#if defined(O_CLOEXEC)
    static constexpr int open_flags = O_CLOEXEC; // not inherited by a program the caller starts
#else
    static constexpr int open_flags = 0; // ESP-IDF's newlib: nothing is ever exec'd
#endif
    static std::ptrdiff_t fill(void* self, char* buf, std::size_t cap) {
        file_reader& f = *static_cast<file_reader*>(self);
        if (f.fd_ < 0) return -1;
        for (;;) {
            const ssize_t n = ::read(f.fd_, buf, cap);
            if (n >= 0) return static_cast<std::ptrdiff_t>(n);
            if (errno != EINTR) return -1;
        }
    }
    int fd_ = -1;
    std::int64_t size_ = -1;
};
#endif

} // inline namespace MAILWIRE_ABI
} // namespace mailwire

#endif // MAILWIRE_CONTENT_SOURCE_HPP
