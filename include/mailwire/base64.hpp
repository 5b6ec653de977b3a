// mailwire - base64 (RFC 4648 §4) for SASL: a streaming encoder and a validating decoder.
#ifndef MAILWIRE_BASE64_HPP
#define MAILWIRE_BASE64_HPP

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mailwire {

namespace detail {
constexpr char base64_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr int base64_value(char c) noexcept {
    return (c >= 'A' && c <= 'Z')   ? c - 'A'
           : (c >= 'a' && c <= 'z') ? c - 'a' + 26
           : (c >= '0' && c <= '9') ? c - '0' + 52
           : c == '+'               ? 62
           : c == '/'               ? 63
                                    : -1;
}
} // namespace detail

/// Encoded length of n bytes, with padding.
constexpr std::size_t base64_encoded_size(std::size_t n) noexcept { return (n + 2) / 3 * 4; }

/// Encodes a stream given in pieces, so "\0user\0secret" never has to exist in one buffer.
/// `put` is called with each group of up to four output characters.
class base64_encoder {
public:
    template <class Put>
    void feed(std::string_view in, Put&& put) {
        for (char ch : in) {
            carry_[n_++] = static_cast<unsigned char>(ch);
            if (n_ == 3) emit(put);
        }
    }
    template <class Put>
    void finish(Put&& put) {
        if (n_ != 0) emit(put);
    }

private:
    template <class Put>
    void emit(Put& put) {
        const unsigned v = (unsigned(carry_[0]) << 16) | (n_ > 1 ? unsigned(carry_[1]) << 8 : 0u) |
                           (n_ > 2 ? unsigned(carry_[2]) : 0u);
        char out[4] = {detail::base64_alphabet[(v >> 18) & 63], detail::base64_alphabet[(v >> 12) & 63],
                       n_ > 1 ? detail::base64_alphabet[(v >> 6) & 63] : '=',
                       n_ > 2 ? detail::base64_alphabet[v & 63] : '='};
        put(std::string_view(out, 4));
        n_ = 0;
        carry_[0] = carry_[1] = carry_[2] = 0;
    }
    unsigned char carry_[3] = {};
    std::size_t n_ = 0;
};

/// Encodes `in` into `out`; returns the length written, or 0 if `cap` is too small (and `in` is
/// not empty).
inline std::size_t base64_encode(std::string_view in, char* out, std::size_t cap) noexcept {
    if (base64_encoded_size(in.size()) > cap) return 0;
    std::size_t len = 0;
    base64_encoder enc;
    auto put = [&](std::string_view four) {
        for (char c : four) out[len++] = c;
    };
    enc.feed(in, put);
    enc.finish(put);
    return len;
}

/// Strict decoding (RFC 4648 §3.3: characters outside the alphabet are rejected; padding only at
/// the end; the length must be a multiple of four). Returns false on invalid input or when the
/// result does not fit `cap`. `out` may be null to only validate.
inline bool base64_decode(std::string_view in, unsigned char* out, std::size_t cap, std::size_t& written) noexcept {
    written = 0;
    if (in.size() % 4 != 0) return false;
    for (std::size_t i = 0; i < in.size(); i += 4) {
        int v[4];
        std::size_t pad = 0;
        for (std::size_t k = 0; k < 4; ++k) {
            const char c = in[i + k];
            if (c == '=') {
                // Padding only in the final group, only in its last two places, and only trailing.
                if (i + 4 != in.size() || k < 2) return false;
                ++pad;
                v[k] = 0;
            } else {
                if (pad != 0) return false;
                v[k] = detail::base64_value(c);
                if (v[k] < 0) return false;
            }
        }
        const unsigned bits = (unsigned(v[0]) << 18) | (unsigned(v[1]) << 12) | (unsigned(v[2]) << 6) | unsigned(v[3]);
        // RFC 4648 §3.5: the unused bits before padding must be zero in canonical encodings.
        if ((pad == 1 && (bits & 0xFF) != 0) || (pad == 2 && (bits & 0xFFFF) != 0)) return false;
        const std::size_t n = 3 - pad;
        if (written + n > cap) {
            if (out != nullptr) return false;
        }
        if (out != nullptr) {
            out[written] = static_cast<unsigned char>(bits >> 16);
            if (n > 1) out[written + 1] = static_cast<unsigned char>(bits >> 8);
            if (n > 2) out[written + 2] = static_cast<unsigned char>(bits);
        }
        written += n;
    }
    return true;
}

} // namespace mailwire

#endif // MAILWIRE_BASE64_HPP
