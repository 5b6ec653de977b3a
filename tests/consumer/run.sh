#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# Consumer tests: each way a user takes mailwire into a build, tried with g++ and clang++.
#   add_subdirectory/  add_subdirectory() on this repository (mailwire is not the top project)
#   find_package/      cmake --install into a temporary prefix, then find_package(mailwire 0.1 CONFIG)
#   single_header/     nothing but -I single_include (the committed generated header)
#   tls/               the mbedTLS policy: through find_package's mailwire::mbedtls, and through
#                      the single header with -lmbedtls -lmbedx509 -lmbedcrypto
# Each program must build with -Werror, run, and print "rcpt". Exits non-zero on the first failure.
# MAILWIRE_CONSUMER_COMPILERS overrides the compiler list (default: "g++ clang++").
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
here="$root/tests/consumer"
compilers=${MAILWIRE_CONSUMER_COMPILERS:-"g++ clang++"}
jobs=$(nproc 2>/dev/null || echo 2)
work=$(mktemp -d "${TMPDIR:-/tmp}/mailwire-consumer.XXXXXX")
trap 'rm -rf "$work"' EXIT

step() { printf '\n--- consumer: %s\n' "$*"; }
fail() { printf 'consumer test FAILED: %s\n' "$*" >&2; exit 1; }

run_and_check() { # program
    local out
    out=$("$1") || fail "$1 exited with status $?"
    [[ "$out" == "rcpt" ]] || fail "$1 printed '$out', expected 'rcpt'"
    echo "ok: $1 printed '$out'"
}

for cxx in $compilers; do
    command -v "$cxx" >/dev/null || fail "compiler $cxx not found"
done
[[ -f "$root/single_include/mailwire/mailwire.hpp" ]] ||
    fail "single_include/mailwire/mailwire.hpp is missing: run python3 scripts/amalgamate.py"

# The installed package does not depend on the compiler: install it once. It is then moved, so a
# package that remembered its install prefix or pointed back into the source tree would fail.
step "install into a temporary prefix"
cmake -S "$root" -B "$work/install-build" -DCMAKE_BUILD_TYPE=Release \
    -DMAILWIRE_BUILD_TESTS=OFF -DMAILWIRE_BUILD_EXAMPLES=OFF -DMAILWIRE_INSTALL=ON \
    -DCMAKE_INSTALL_PREFIX="$work/staging" >"$work/install.log" 2>&1 || { cat "$work/install.log"; fail "configure for install"; }
cmake --install "$work/install-build" >>"$work/install.log" 2>&1 || { cat "$work/install.log"; fail "cmake --install"; }
mv "$work/staging" "$work/prefix"
(cd "$work/prefix" && find . -type f | sort)
[[ -f "$work/prefix/share/cmake/mailwire/mailwireConfig.cmake" ]] || fail "mailwireConfig.cmake not installed"
[[ -f "$work/prefix/include/mailwire/mailwire.hpp" ]] || fail "headers not installed"
if grep -rlF -e "$root" -e "$work/staging" "$work/prefix"; then
    fail "the installed files above name the source tree or the install prefix"
fi

for cxx in $compilers; do
    out="$work/$cxx"

    step "add_subdirectory with $cxx"
    cmake -S "$here/add_subdirectory" -B "$out/add_subdirectory" -DCMAKE_CXX_COMPILER="$cxx" \
        -DMAILWIRE_ROOT="$root" >"$out.log" 2>&1 || { cat "$out.log"; fail "configure add_subdirectory ($cxx)"; }
    cmake --build "$out/add_subdirectory" -j "$jobs"
    run_and_check "$out/add_subdirectory/consumer"

    step "find_package with $cxx"
    cmake -S "$here/find_package" -B "$out/find_package" -DCMAKE_CXX_COMPILER="$cxx" \
        -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF \
        >"$out.log" 2>&1 || { cat "$out.log"; fail "configure find_package ($cxx)"; }
    grep 'found mailwire' "$out.log"
    grep -qxF "mailwire_DIR:PATH=$work/prefix/share/cmake/mailwire" "$out/find_package/CMakeCache.txt" ||
        fail "find_package found a mailwire other than the one just installed"
    cmake --build "$out/find_package" -j "$jobs"
    run_and_check "$out/find_package/consumer"
    run_and_check "$out/find_package/consumer_tls"

    step "single header with $cxx"
    mkdir -p "$out/single_header"
    (set -x; "$cxx" -std=c++17 -Wall -Wextra -Wpedantic -Werror -I "$root/single_include" \
        "$here/single_header/main.cpp" -o "$out/single_header/consumer")
    run_and_check "$out/single_header/consumer"
    (set -x; "$cxx" -std=c++17 -Wall -Wextra -Wpedantic -Werror -I "$root/single_include" \
        "$here/tls/main.cpp" -o "$out/single_header/consumer_tls" -lmbedtls -lmbedx509 -lmbedcrypto)
    run_and_check "$out/single_header/consumer_tls"
done

step "configure where mbedTLS cannot be found: CMake says so, plainly"
if cmake -S "$root" -B "$work/no-mbedtls" -DCMAKE_DISABLE_FIND_PACKAGE_MbedTLS=ON -DMAILWIRE_BUILD_TESTS=OFF \
    >"$work/no-mbedtls.log" 2>&1; then
    cat "$work/no-mbedtls.log"; fail "configured although mbedTLS was not found"
fi
grep -F "mbedTLS was not found" "$work/no-mbedtls.log" || { cat "$work/no-mbedtls.log"; fail "no plain message"; }
grep -F "apt-get install libmbedtls-dev" "$work/no-mbedtls.log"
grep -F -- "-DMAILWIRE_WITH_MBEDTLS=OFF" "$work/no-mbedtls.log"

step "-DMAILWIRE_WITH_MBEDTLS=OFF: mailwire-send without TLS"
cmake -S "$root" -B "$work/without-tls" -DMAILWIRE_WITH_MBEDTLS=OFF -DMAILWIRE_BUILD_TESTS=OFF \
    >"$work/without-tls.log" 2>&1 || { cat "$work/without-tls.log"; fail "configure without TLS"; }
cmake --build "$work/without-tls" --target mailwire-send -j "$jobs" >>"$work/without-tls.log" 2>&1 ||
    { cat "$work/without-tls.log"; fail "build mailwire-send without TLS"; }
version=$("$work/without-tls/examples/send/mailwire-send" --version)
echo "$version"
[[ "$version" == *"TLS not built in"* ]] || fail "mailwire-send without TLS says: $version"

printf '\nconsumer tests passed (%s)\n' "$compilers"
