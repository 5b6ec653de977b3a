// SPDX-License-Identifier: BSL-1.0
// Catch2's main(), compiled once into mailwire_catch_main and shared by the unit and interop tests.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
