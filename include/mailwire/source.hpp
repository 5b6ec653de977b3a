// SPDX-License-Identifier: BSL-1.0
// mailwire - message sources: where the content of DATA comes from, pulled in small pieces.
//
// A source is any type with `std::ptrdiff_t read(char* buf, std::size_t cap)`: it returns the
// number of bytes it put into buf (> 0), 0 at the end of the message, or a negative number when
// reading failed. A source whose content already lies in memory may also have
// `std::string_view take(std::size_t max)`: the next octets where they are (at most max; empty at
// the end), consumed; the client then writes runs of them without copying them first. After a failure the client closes the connection without the final ".", so the
// server discards the partial message (RFC 5321 §4.1.1.4 gives no other way to abort DATA).
#ifndef MAILWIRE_SOURCE_HPP
#define MAILWIRE_SOURCE_HPP

#include "config.hpp"

#include <cstddef>
#include <cstring>
#include <string_view>
#include <type_traits>
#include <utility>

namespace mailwire {
inline namespace MAILWIRE_ABI {

/// A message that is already in memory.
class string_source {
public:
    constexpr string_source() noexcept = default;
    constexpr explicit string_source(std::string_view data) noexcept : data_(data) {}
    std::ptrdiff_t read(char* buf, std::size_t cap) noexcept {
        const std::size_t n = data_.size() - pos_ < cap ? data_.size() - pos_ : cap;
        if (n != 0) std::memcpy(buf, data_.data() + pos_, n);
        pos_ += n;
        return static_cast<std::ptrdiff_t>(n);
    }
    std::string_view take(std::size_t max) noexcept {
        const std::size_t n = data_.size() - pos_ < max ? data_.size() - pos_ : max;
        const std::string_view v = data_.substr(pos_, n);
        pos_ += n;
        return v;
    }

private:
    std::string_view data_;
    std::size_t pos_ = 0;
};

/// A user function fills the buffer: flash, a sensor ring buffer, a file. No allocation.
struct callback_source {
    std::ptrdiff_t (*fill)(void* context, char* buf, std::size_t cap) = nullptr;
    void* context = nullptr;
    std::ptrdiff_t read(char* buf, std::size_t cap) { return fill ? fill(context, buf, cap) : -1; }
};

namespace detail {
template <class S, class = void>
struct is_source : std::false_type {};
template <class S>
struct is_source<S, std::enable_if_t<std::is_convertible<decltype(std::declval<S&>().read(std::declval<char*>(),
                                                                                           std::declval<std::size_t>())),
                                                         std::ptrdiff_t>::value>> : std::true_type {};
/// Whether S has `std::string_view take(std::size_t)` (content in memory, read without a copy).
template <class S, class = void>
struct has_take : std::false_type {};
template <class S>
struct has_take<S, std::enable_if_t<std::is_same<decltype(std::declval<S&>().take(std::declval<std::size_t>())),
                                                 std::string_view>::value>> : std::true_type {};
} // namespace detail

} // inline namespace MAILWIRE_ABI
} // namespace mailwire

#endif // MAILWIRE_SOURCE_HPP
