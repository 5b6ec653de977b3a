#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# Consumer tests: each way a user takes mailwire into a build, tried with g++ and clang++.
#   add_subdirectory/  add_subdirectory() on this repository (mailwire is not the top project)
#   find_package/      cmake --install into a temporary prefix, then find_package(mailwire <major.minor> CONFIG)
#   single_header/     nothing but -I single_include (the committed generated header)
#   tls/               the mbedTLS policy: through find_package's mailwire::mbedtls, and through
#                      the single header with -lmbedtls -lmbedx509 -lmbedcrypto
#   pkg-config         the installed mailwire.pc and mailwire-mbedtls.pc, for the same programs
# Then what a packager and a parent project meet: the version and component checks of the
# package, BUILD_TESTING=OFF without Catch2, a subproject without mbedTLS, FindMbedTLS's refusals.
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

# A log with its lines joined: CMake wraps long messages where a path's length puts the break.
flat() { tr -s ' \n' '  ' <"$1"; }

run_and_check() { # program
    local out
    out=$("$1") || fail "$1 exited with status $?"
    [[ "$out" == "rcpt" ]] || fail "$1 printed '$out', expected 'rcpt'"
    echo "ok: $1 printed '$out'"
}

for cxx in $compilers; do
    command -v "$cxx" >/dev/null || fail "compiler $cxx not found"
done
command -v pkg-config >/dev/null || fail "pkg-config not found (Debian: apt-get install pkgconf)"
# The version the package must carry: the one in config.hpp.
version_of() { sed -n "s/^#define MAILWIRE_VERSION_$1 \([0-9]*\)$/\1/p" "$root/include/mailwire/config.hpp"; }
major=$(version_of MAJOR)
minor=$(version_of MINOR)
patch=$(version_of PATCH)
[[ -n "$major" && -n "$minor" && -n "$patch" ]] || fail "no version in include/mailwire/config.hpp"
echo "mailwire $major.$minor.$patch"
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
        -DMAILWIRE_WANTED="$major.$minor" \
        >"$out.log" 2>&1 || { cat "$out.log"; fail "configure find_package ($cxx)"; }
    grep 'found mailwire' "$out.log"
    grep -qxF "mailwire_DIR:PATH=$work/prefix/share/cmake/mailwire" "$out/find_package/CMakeCache.txt" ||
        fail "find_package found a mailwire other than the one just installed"
    cmake --build "$out/find_package" -j "$jobs"
    run_and_check "$out/find_package/consumer"
    run_and_check "$out/find_package/consumer_tls"

    step "pkg-config with $cxx"
    mkdir -p "$out/pkg-config"
    export PKG_CONFIG_PATH="$work/prefix/share/pkgconfig"
    [[ $(pkg-config --modversion mailwire) == "$major.$minor.$patch" ]] || fail "mailwire.pc has version $(pkg-config --modversion mailwire)"
    [[ $(pkg-config --modversion mailwire-mbedtls) == "$major.$minor.$patch" ]] || fail "mailwire-mbedtls.pc has another version"
    read -ra pc_plain <<<"$(pkg-config --cflags --libs mailwire)"
    read -ra pc_tls <<<"$(pkg-config --cflags --libs mailwire-mbedtls)"
    [[ " ${pc_plain[*]} " == *" -I$work/prefix/share/pkgconfig/../../include "* || " ${pc_plain[*]} " == *" -I$work/prefix/include "* ]] ||
        fail "mailwire.pc does not point at the moved prefix: ${pc_plain[*]}"
    (set -x; "$cxx" -std=c++17 -Wall -Wextra -Wpedantic -Werror "$here/single_header/main.cpp" \
        -o "$out/pkg-config/consumer" "${pc_plain[@]}")
    run_and_check "$out/pkg-config/consumer"
    (set -x; "$cxx" -std=c++17 -Wall -Wextra -Wpedantic -Werror "$here/tls/main.cpp" \
        -o "$out/pkg-config/consumer_tls" "${pc_tls[@]}")
    run_and_check "$out/pkg-config/consumer_tls"
    unset PKG_CONFIG_PATH

    step "single header with $cxx"
    mkdir -p "$out/single_header"
    (set -x; "$cxx" -std=c++17 -Wall -Wextra -Wpedantic -Werror -I "$root/single_include" \
        "$here/single_header/main.cpp" -o "$out/single_header/consumer")
    run_and_check "$out/single_header/consumer"
    (set -x; "$cxx" -std=c++17 -Wall -Wextra -Wpedantic -Werror -I "$root/single_include" \
        "$here/tls/main.cpp" -o "$out/single_header/consumer_tls" -lmbedtls -lmbedx509 -lmbedcrypto)
    run_and_check "$out/single_header/consumer_tls"
done

# ------------------------------------------------------------- what packagers and parents meet
# A throwaway project asking for mailwire the way its argument says; prints CMake's output.
ask_package() { # name, find_package arguments..., then the prefix in ASK_PREFIX
    local name=$1
    shift
    mkdir -p "$work/ask/$name"
    printf 'cmake_minimum_required(VERSION 3.16)\nproject(ask LANGUAGES CXX)\nfind_package(%s)\n' "$*" \
        >"$work/ask/$name/CMakeLists.txt"
    cmake -S "$work/ask/$name" -B "$work/ask/$name/build" -DCMAKE_PREFIX_PATH="$ASK_PREFIX" \
        -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF >"$work/ask/$name.log" 2>&1
}

step "versions: before 1.0 another minor version is not compatible"
ASK_PREFIX="$work/prefix"
ask_package same "mailwire $major.$minor CONFIG REQUIRED" || { cat "$work/ask/same.log"; fail "mailwire $major.$minor refused"; }
if ask_package next "mailwire $major.$((minor + 1)) CONFIG REQUIRED"; then
    fail "mailwire $major.$minor.$patch accepted a request for $major.$((minor + 1))"
fi
if ((major == 0 && minor > 0)); then
    if ask_package older "mailwire 0.$((minor - 1)) CONFIG REQUIRED"; then
        fail "mailwire 0.$minor.$patch accepted a request for 0.$((minor - 1)) (0.x minor versions break)"
    fi
    echo "ok: 0.$((minor - 1)) and 0.$((minor + 1)) refused, 0.$minor accepted"
fi

step "COMPONENTS mbedtls: found where it was built, refused with the reason where it was not"
ask_package component "mailwire $major.$minor CONFIG REQUIRED COMPONENTS mbedtls" ||
    { cat "$work/ask/component.log"; fail "COMPONENTS mbedtls refused"; }
cmake -S "$root" -B "$work/plain-install-build" -DMAILWIRE_WITH_MBEDTLS=OFF -DMAILWIRE_BUILD_TESTS=OFF \
    -DMAILWIRE_BUILD_EXAMPLES=OFF -DMAILWIRE_INSTALL=ON -DCMAKE_INSTALL_PREFIX="$work/plain-prefix" \
    >"$work/plain-install.log" 2>&1 || { cat "$work/plain-install.log"; fail "configure without mbedTLS"; }
cmake --install "$work/plain-install-build" >>"$work/plain-install.log" 2>&1 || fail "install without mbedTLS"
[[ ! -e "$work/plain-prefix/share/pkgconfig/mailwire-mbedtls.pc" ]] || fail "mailwire-mbedtls.pc installed without mbedTLS"
ASK_PREFIX="$work/plain-prefix"
if ask_package component-missing "mailwire $major.$minor CONFIG REQUIRED COMPONENTS mbedtls"; then
    fail "COMPONENTS mbedtls accepted from a package installed without mbedTLS"
fi
flat "$work/ask/component-missing.log" | grep -oF "installed without mbedTLS" ||
    { cat "$work/ask/component-missing.log"; fail "the refusal does not say why"; }

step "BUILD_TESTING=OFF: no tests, and so no Catch2, needed"
cmake -S "$root" -B "$work/no-testing" -DBUILD_TESTING=OFF -DCMAKE_DISABLE_FIND_PACKAGE_Catch2=ON \
    >"$work/no-testing.log" 2>&1 || { cat "$work/no-testing.log"; fail "BUILD_TESTING=OFF still needs the tests' packages"; }
grep -qx 'MAILWIRE_BUILD_TESTS:BOOL=OFF' "$work/no-testing/CMakeCache.txt" || fail "BUILD_TESTING=OFF left MAILWIRE_BUILD_TESTS on"
echo "ok: configured without Catch2"

step "a subproject that wants only the plain headers configures without mbedTLS"
cmake -S "$here/add_subdirectory" -B "$work/subproject-no-mbedtls" -DMAILWIRE_ROOT="$root" \
    -DCMAKE_DISABLE_FIND_PACKAGE_MbedTLS=ON >"$work/subproject-no-mbedtls.log" 2>&1 ||
    { cat "$work/subproject-no-mbedtls.log"; fail "add_subdirectory stopped because mbedTLS is missing"; }
grep -F "no mailwire::mbedtls" "$work/subproject-no-mbedtls.log"
cmake --build "$work/subproject-no-mbedtls" -j "$jobs" >/dev/null
run_and_check "$work/subproject-no-mbedtls/consumer"

step "FindMbedTLS: an mbedTLS outside 2.28 to 4.x, and headers without their libraries, are refused"
fake="$work/fake-mbedtls"
mkdir -p "$fake/v5/include/mbedtls" "$fake/v5/lib" "$fake/nolibs/include/mbedtls"
for dir in "$fake/v5" "$fake/nolibs"; do : >"$dir/include/mbedtls/ssl.h"; done
printf '#define MBEDTLS_VERSION_STRING "5.0.0"\n' >"$fake/v5/include/mbedtls/build_info.h"
printf '#define MBEDTLS_VERSION_STRING "3.6.2"\n' >"$fake/nolibs/include/mbedtls/build_info.h"
for lib in mbedtls mbedx509 mbedcrypto tfpsacrypto; do : >"$fake/v5/lib/lib$lib.a"; done
for case in v5 nolibs; do
    mkdir -p "$work/ask/find-$case"
    printf 'cmake_minimum_required(VERSION 3.16)\nproject(ask LANGUAGES CXX)\nlist(APPEND CMAKE_MODULE_PATH "%s")\nfind_package(MbedTLS REQUIRED)\n' \
        "$root/cmake" >"$work/ask/find-$case/CMakeLists.txt"
    if cmake -S "$work/ask/find-$case" -B "$work/ask/find-$case/build" -DMbedTLS_ROOT="$fake/$case" \
        -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF >"$work/ask/find-$case.log" 2>&1; then
        cat "$work/ask/find-$case.log"; fail "FindMbedTLS accepted $case"
    fi
done
flat "$work/ask/find-v5.log" | grep -oF "mbedTLS 5.0.0 is outside what mailwire supports" ||
    { cat "$work/ask/find-v5.log"; fail "no reason for refusing 5.0"; }
flat "$work/ask/find-nolibs.log" | grep -oF "does not mix installations" ||
    { cat "$work/ask/find-nolibs.log"; fail "no reason for refusing headers without libraries"; }

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
