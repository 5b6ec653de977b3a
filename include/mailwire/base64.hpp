// SPDX-License-Identifier: BSL-1.0
// mailwire - base64 (RFC 4648 §4): one streaming encoder (for the API, SASL and the composer), a
// strict check and a decoder.
#ifndef MAILWIRE_BASE64_HPP
#define MAILWIRE_BASE64_HPP

#include "config.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mailwire {
inline namespace MAILWIRE_ABI {

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

/// The four characters of n (1 to 3) octets at p, with "=" for the octets past n (RFC 4648 §4),
/// each handed to `out(char)`, which returns false to stop (a full buffer, a failed write).
/// The one base64 group every encoder in mailwire goes through: the API, SASL and the composer.
template <class Out>
bool base64_quad(const unsigned char* p, std::size_t n, Out&& out) {
    unsigned v = 0;
    for (std::size_t i = 0; i < 3; ++i) v = v << 8 | (i < n ? p[i] : 0u);
    // Character i holds bits 18 - 6i on; those past the n octets are padding.
    for (unsigned i = 0; i < 4; ++i) {
        if (!out(i <= n ? detail::base64_alphabet[(v >> (18 - 6 * i)) & 63] : '=')) return false;
    }
    return true;
}

/// Encodes a stream given in pieces, octet by octet or a piece at a time, so "\0user\0secret"
/// never has to exist in one buffer. `out(char)` gets each output character and returns false to
/// stop; then the encoder's call returns false too.
class base64_encoder {
public:
    template <class Out>
    bool push(unsigned char c, Out&& out) {
        carry_[n_++] = c;
        if (n_ < 3) return true;
        n_ = 0;
        return base64_quad(carry_, 3, out);
    }
    template <class Out>
    bool feed(std::string_view in, Out&& out) {
        for (char c : in) {
            if (!push(static_cast<unsigned char>(c), out)) return false;
        }
        return true;
    }
    /// The last group, padded; the encoder is then ready for a new stream.
    template <class Out>
    bool finish(Out&& out) {
        const std::size_t n = n_;
        n_ = 0;
        return n == 0 || base64_quad(carry_, n, out);
    }
    /// Octets pushed since the last complete group (0 to 2).
    std::size_t pending() const noexcept { return n_; }

private:
    unsigned char carry_[3] = {};
    std::size_t n_ = 0;
};

/// Encodes `in` into `out`; returns the length written, or 0 if `cap` is too small (and `in` is
/// not empty).
inline std::size_t base64_encode(std::string_view in, char* out, std::size_t cap) noexcept {
    if (base64_encoded_size(in.size()) > cap) return 0;
    std::size_t len = 0;
    base64_encoder enc;
    const auto put = [&](char c) {
        out[len++] = c;
        return true;
    };
    (void)enc.feed(in, put);
    (void)enc.finish(put);
    return len;
}

/// Whether `in` is strict base64 (RFC 4648 §4): whole groups of four, characters of the alphabet
/// (§3.3: nothing else is skipped), at most two "=" and only at the end, and (§3.5) no stray bits
/// before them, as canonical encodings have. What RFC 4954 §4 asks of an AUTH challenge.
inline bool base64_valid(std::string_view in) noexcept {
    std::size_t pad = 0;
    unsigned v = 0; // the last character's value
    for (char c : in) {
        if (c == '=') {
            ++pad;
            continue;
        }
        v = 0;
        while (v < 64 && detail::base64_alphabet[v] != c) ++v;
        if (pad != 0 || v == 64) return false;
    }
    // One "=" leaves two stray bits in the last character, two leave four.
    return in.size() % 4 == 0 && pad <= 2 && (v & ((1u << (2 * pad)) - 1)) == 0;
}

/// Strict decoding: base64_valid() input only. Returns false on invalid input or when the result
/// does not fit `cap`. `out` may be null to only validate.
inline bool base64_decode(std::string_view in, unsigned char* out, std::size_t cap, std::size_t& written) noexcept {
    written = 0;
    if (!base64_valid(in)) return false;
    for (std::size_t i = 0; i < in.size(); i += 4) {
        unsigned bits = 0;
        std::size_t pad = 0;
        for (std::size_t k = 0; k < 4; ++k) {
            const char c = in[i + k];
            if (c == '=') ++pad;
            bits = (bits << 6) | (c == '=' ? 0u : static_cast<unsigned>(detail::base64_value(c)));
        }
        const std::size_t n = 3 - pad;
        if (out != nullptr) {
            if (written + n > cap) return false;
            out[written] = static_cast<unsigned char>(bits >> 16);
            if (n > 1) out[written + 1] = static_cast<unsigned char>(bits >> 8);
            if (n > 2) out[written + 2] = static_cast<unsigned char>(bits);
        }
        written += n;
    }
    return true;
}

} // inline namespace MAILWIRE_ABI
} // namespace mailwire

#endif // MAILWIRE_BASE64_HPP
