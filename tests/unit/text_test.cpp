// SPDX-License-Identifier: BSL-1.0
// The small helpers in text.hpp that firmware builds rely on: the 64-bit division done in 32-bit
// steps and the decimal formatting on top of it, checked against the compiler's own 64-bit
// arithmetic and std::to_string over edge values and a deterministic spread of others.
#include "support.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

using mailwire::detail::div_u64;
using mailwire::detail::format_u64;

TEST_CASE("div_u64 agrees with 64-bit division for divisors below 2^16", "[unit][text]") {
    std::vector<std::uint64_t> values = {0, 1, 2, 3, 9, 10, 11, 75, 76, 77, 0xFFFFu, 0x10000u, 0xFFFFFFFFu, 0x100000000ull,
                                         0xFFFFFFFFFFFFFFFFull, 0x8000000000000000ull, 10000000000000000000ull};
    std::uint64_t x = 0x9E3779B97F4A7C15ull;
    for (int i = 0; i < 2000; ++i) {
        x = x * 6364136223846793005ull + 1442695040888963407ull; // a fixed LCG: the same values every run
        values.push_back(x >> (i % 64));
    }
    for (std::uint32_t d : {1u, 3u, 7u, 10u, 76u, 1000u, 65535u}) {
        for (std::uint64_t v : values) {
            INFO(v << " / " << d);
            CHECK(div_u64(v, d) == v / d);
        }
    }
}

TEST_CASE("format_u64 writes what std::to_string writes", "[unit][text]") {
    for (std::uint64_t v : {std::uint64_t{0}, std::uint64_t{7}, std::uint64_t{10}, std::uint64_t{4294967295u},
                            std::uint64_t{4294967296u}, std::uint64_t{71745162}, std::uint64_t{18446744073709551615u}}) {
        char buf[24];
        CHECK(std::string(format_u64(v, buf)) == std::to_string(v));
    }
}
