#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# The test command: `bash scripts/test.sh` from anywhere in the repository.
#
# On Debian 12 (as root, or with sudo) it first installs what the build and the tests need, and
# skips apt entirely when everything is installed already. Then it configures a fresh build/test
# (Debug, -Werror), builds it and runs every CTest test: unit, interop (a real aiosmtpd server) and
# compile-fail. Extra arguments go to the CMake configure step, e.g.
#   bash scripts/test.sh -DCMAKE_CXX_COMPILER=clang++
# MAILWIRE_SKIP_APT=1 skips the package check (a machine that is not Debian, or has no network).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
build_dir="build/test"
jobs=$(nproc 2>/dev/null || echo 2)
started=$SECONDS

section() { printf '\n==== %s\n' "$*"; }

section "packages"
# postfix: the TLS tests run its smtpd from a temporary configuration of their own; installed with
# "No configuration" so that the package sets up (and starts) no mail system of its own.
# php-cli, git, git-email, bsd-mailx: the programs that call sendmail, driving mailwire-send in
# its place (tests/interop/sendmail_test.cpp); git send-email needs libmailtools-perl (Mail::Address),
# only a Recommends of git-email, which --no-install-recommends leaves out. help2man: the man pages (cmake/ManPage.cmake).
# pkgconf: the consumer tests read the installed mailwire.pc with pkg-config.
packages=(cmake make g++ clang catch2 pkgconf python3 python3-aiosmtpd file libmbedtls-dev openssl ca-certificates postfix
          php-cli git git-email libmailtools-perl bsd-mailx help2man)
if [[ "${MAILWIRE_SKIP_APT:-}" == 1 ]]; then
    echo "MAILWIRE_SKIP_APT=1: not checking ${packages[*]}"
elif ! command -v dpkg-query >/dev/null; then
    echo "not a Debian system: make sure the equivalents of ${packages[*]} are installed"
else
    missing=()
    for package in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' ||
            missing+=("$package")
    done
    if ((${#missing[@]} == 0)); then
        echo "all installed: ${packages[*]}"
    else
        echo "installing: ${missing[*]}"
        sudo=()
        if [[ $(id -u) -ne 0 ]]; then
            command -v sudo >/dev/null || { echo "run as root (or install sudo) to install ${missing[*]}" >&2; exit 1; }
            sudo=(sudo)
        fi
        if [[ " ${missing[*]} " == *" postfix "* ]]; then
            echo "postfix postfix/main_mailer_type select No configuration" | "${sudo[@]}" debconf-set-selections
        fi
        "${sudo[@]}" apt-get update
        "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
            apt-get install -y --no-install-recommends "${missing[@]}"
    fi
fi

section "configure $build_dir"
rm -rf "$build_dir"
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Debug -DMAILWIRE_WERROR=ON "$@"

section "build ($jobs jobs)"
cmake --build "$build_dir" -j "$jobs"

section "test"
(cd "$build_dir" && ctest --output-on-failure -j "$jobs")

# Not a failure here (CI checks it, with .ci/run): a reminder while headers are being edited.
python=/usr/bin/python3
[[ -x "$python" ]] || python=python3
if ! "$python" scripts/amalgamate.py --check >/dev/null 2>&1; then
    section "note"
    echo "single_include/ is not up to date with include/: run '$python scripts/amalgamate.py' before committing"
fi

section "all tests passed ($((SECONDS - started)) s)"
