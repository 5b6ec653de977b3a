// SPDX-License-Identifier: BSL-1.0
// base64 for SASL (RFC 4648): the test vectors of §10 both ways, strict rejection of what §3.3 and
// §3.5 forbid, and the streaming encoder against the one-shot one.
#include "support.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace {

std::string encode(std::string_view in) {
    std::string out(mailwire::base64_encoded_size(in.size()), '?');
    const std::size_t n = mailwire::base64_encode(in, &out[0], out.size());
    out.resize(n);
    return out;
}

/// Decodes or returns "<invalid>".
std::string decode(std::string_view in) {
    unsigned char buf[256];
    std::size_t n = 0;
    if (!mailwire::base64_decode(in, buf, sizeof(buf), n)) return "<invalid>";
    return std::string(reinterpret_cast<const char*>(buf), n);
}

bool valid(std::string_view in) {
    std::size_t n = 0;
    return mailwire::base64_decode(in, nullptr, 0, n);
}

/// Feeds `in` to the streaming encoder in pieces of the given sizes (cycled).
std::string encode_in_pieces(std::string_view in, const std::vector<std::size_t>& sizes) {
    mailwire::base64_encoder enc;
    std::string out;
    auto put = [&](char c) {
        out += c;
        return true;
    };
    std::size_t k = 0;
    while (!in.empty()) {
        std::size_t n = sizes[k++ % sizes.size()];
        if (n > in.size()) n = in.size();
        REQUIRE(enc.feed(in.substr(0, n), put));
        in.remove_prefix(n);
    }
    REQUIRE(enc.finish(put));
    return out;
}

// RFC 4648 §10.
const std::pair<const char*, const char*> rfc4648_vectors[] = {
    {"", ""},         {"f", "Zg=="},        {"fo", "Zm8="},         {"foo", "Zm9v"},
    {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
};

} // namespace

TEST_CASE("encodes the RFC 4648 section 10 test vectors", "[unit][base64]") {
    for (const auto& v : rfc4648_vectors) {
        INFO("input: " << v.first);
        CHECK(encode(v.first) == v.second);
        CHECK(mailwire::base64_encoded_size(std::string_view(v.first).size()) == std::string_view(v.second).size());
    }
}

TEST_CASE("decodes the RFC 4648 section 10 test vectors", "[unit][base64]") {
    for (const auto& v : rfc4648_vectors) {
        INFO("input: " << v.second);
        CHECK(decode(v.second) == v.first);
    }
}

TEST_CASE("round-trips every byte value, including NUL and 8-bit bytes", "[unit][base64]") {
    std::string all;
    for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
    for (std::size_t len : {std::size_t(1), std::size_t(2), std::size_t(3), std::size_t(64), std::size_t(100)}) {
        for (std::size_t start = 0; start + len <= all.size(); start += 37) {
            const std::string piece = all.substr(start, len);
            INFO("start " << start << " length " << len);
            const std::string enc = encode(piece);
            CHECK(enc == mwtest::ref_base64(piece));
            CHECK(decode(enc) == piece);
        }
    }
    // The SASL PLAIN message of RFC 4616 with NULs (verified independently with Python's base64).
    CHECK(encode(std::string("\0tim\0tanstaaftanstaaf", 21)) == "AHRpbQB0YW5zdGFhZnRhbnN0YWFm");
}

TEST_CASE("the encoder refuses an output buffer that is too small", "[unit][base64]") {
    char out[8];
    CHECK(mailwire::base64_encode("foobar", out, 7) == 0);
    CHECK(mailwire::base64_encode("foobar", out, 8) == 8);
    CHECK(mailwire::base64_encode("", out, 0) == 0);
}

TEST_CASE("the decoder rejects what RFC 4648 forbids", "[unit][base64]") {
    SECTION("characters outside the alphabet (section 3.3)") {
        CHECK_FALSE(valid("Zm9v!mFy"));
        CHECK_FALSE(valid("Zm9v YmFy"));
        CHECK_FALSE(valid("Zm9v\r\nYmFy"));
        CHECK_FALSE(valid("Zm9-YmFy")); // base64url's alphabet is not base64's
        CHECK_FALSE(valid("Zm9_YmFy"));
        CHECK_FALSE(valid(std::string("Zm9v\0mFy", 8)));
        CHECK_FALSE(valid("Zm9v\xc3\xa4mF"));
    }
    SECTION("a length that is not a multiple of four") {
        CHECK_FALSE(valid("Z"));
        CHECK_FALSE(valid("Zm"));
        CHECK_FALSE(valid("Zm9"));
        CHECK_FALSE(valid("Zm9vY"));
        CHECK_FALSE(valid("Zg="));
    }
    SECTION("padding anywhere but the end") {
        CHECK_FALSE(valid("Zg==Zm9v"));
        CHECK_FALSE(valid("Zm=v"));
        CHECK_FALSE(valid("=Zm9"));
        CHECK_FALSE(valid("Z==="));
        CHECK_FALSE(valid("===="));
        CHECK_FALSE(valid("Zm9vZ=g="));
    }
    SECTION("non-zero bits under the padding (section 3.5)") {
        CHECK(valid("Zg=="));
        CHECK_FALSE(valid("Zh=="));
        CHECK_FALSE(valid("Zv=="));
        CHECK(valid("Zm8="));
        CHECK_FALSE(valid("Zm9="));
        CHECK_FALSE(valid("Zm/="));
    }
    SECTION("valid input that does not fit the output buffer") {
        unsigned char buf[5];
        std::size_t n = 0;
        CHECK_FALSE(mailwire::base64_decode("Zm9vYmFy", buf, sizeof(buf), n));
        CHECK(mailwire::base64_decode("Zm9vYg==", buf, sizeof(buf), n));
        CHECK(n == 4);
    }
    SECTION("the empty string is valid and decodes to nothing") {
        CHECK(valid(""));
        CHECK(decode("") == "");
    }
}

TEST_CASE("the streaming encoder fed in pieces equals the one-shot encoder", "[unit][base64]") {
    std::string input;
    for (int i = 0; i < 200; ++i) input += static_cast<char>((i * 73 + 11) & 0xFF);
    const std::vector<std::vector<std::size_t>> splits = {{1}, {2}, {3}, {4}, {5}, {7, 1}, {1, 2, 3}, {64}, {199, 1}, {200}};
    for (std::size_t len = 0; len <= input.size(); len += (len < 10 ? 1 : 17)) {
        const std::string piece = input.substr(0, len);
        const std::string expected = mwtest::ref_base64(piece);
        REQUIRE(encode(piece) == expected);
        for (const auto& sizes : splits) {
            INFO("length " << len << ", first piece size " << sizes[0]);
            CHECK(encode_in_pieces(piece, sizes) == expected);
        }
    }
    SECTION("empty pieces change nothing") {
        mailwire::base64_encoder enc;
        std::string out;
        auto put = [&](char c) {
        out += c;
        return true;
    };
        enc.feed("", put);
        enc.feed("fo", put);
        enc.feed("", put);
        enc.feed("ob", put);
        enc.finish(put);
        CHECK(out == "Zm9vYg==");
    }
}

TEST_CASE("base64 encoder: an output that refuses stops it, and it starts afresh after finish()", "[base64]") {
    mailwire::base64_encoder enc;
    std::string out;
    std::size_t room = 5; // the sink takes five characters, then refuses
    auto put = [&](char c) {
        if (room == 0) return false;
        --room;
        out += c;
        return true;
    };
    CHECK_FALSE(enc.feed("foobar", put)); // "Zm9v" fits, "Ym" of "YmFy" goes in, then the refusal
    CHECK(out == "Zm9vY");
    std::string fresh;
    auto take = [&](char c) {
        fresh += c;
        return true;
    };
    mailwire::base64_encoder again;
    CHECK(again.feed("f", take));
    CHECK(again.pending() == 1);
    CHECK(again.finish(take));
    CHECK(again.pending() == 0);
    CHECK(again.feed("fo", take));
    CHECK(again.finish(take));
    CHECK(fresh == "Zg==Zm8=");
}
