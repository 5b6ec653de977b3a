// mailwire - small string helpers that never throw. std::string_view::substr reports a bad
// position by throwing std::out_of_range (or, without exceptions, abort()), and on newlib abort()
// pulls in signal handling and malloc: the library uses these instead, so a firmware image links
// without any of that.
#ifndef MAILWIRE_TEXT_HPP
#define MAILWIRE_TEXT_HPP

#include <cstddef>
#include <string_view>

namespace mailwire::detail {

/// s.substr(pos, n), clamped instead of throwing.
constexpr std::string_view sub(std::string_view s, std::size_t pos, std::size_t n = std::string_view::npos) noexcept {
    if (pos > s.size()) pos = s.size();
    const std::size_t left = s.size() - pos;
    return std::string_view(s.data() + pos, n < left ? n : left);
}

} // namespace mailwire::detail

#endif // MAILWIRE_TEXT_HPP
