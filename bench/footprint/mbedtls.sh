#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# mbedTLS for the firmware's TLS image (examples/firmware, MAILWIRE_FW_IMAGE=3): fetches Debian's
# mbedtls SOURCE package (2.28 on Debian 12) and cross-compiles its library/*.c for a Cortex-M4
# with bench/footprint/run.sh's flags (C, -Os, -ffunction-sections -fdata-sections) and the
# configuration examples/firmware/mbedtls_config.h, into libmbedcrypto.a, libmbedx509.a and
# libmbedtls.a. Each object's GCC call graph (-fcallgraph-info=su, *.ci) is kept next to the
# archives for bench/footprint/stack.py.
#
#   bash bench/footprint/mbedtls.sh [CACHE_DIR]      (default: build/mbedtls in the repository)
#
# Prints two lines on stdout, everything else goes to stderr:
#   MBEDTLS_INCLUDE=<the source's include directory>
#   MBEDTLS_LIB=<the directory of the archives and the .ci files>
# The source is fetched once into CACHE_DIR/src; the build is cached in CACHE_DIR/cortex-m4-<key>,
# <key> a hash of the configuration, the flags, the compiler and the source version, so a changed
# configuration builds again and an unchanged one costs nothing. Fetching needs deb-src entries
# in apt's sources: they are added (deb822 `Types: deb deb-src`, or deb-src lines in
# /etc/apt/sources.list) when missing, followed by apt-get update. Needs root or sudo for that.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
config="$root/examples/firmware/mbedtls_config.h"
cache=${1:-$root/build/mbedtls}
mkdir -p "$cache/src"
cache=$(cd "$cache" && pwd)
log() { echo "mbedtls.sh: $*" >&2; }

sudo=()
[[ $(id -u) -ne 0 ]] && sudo=(sudo)

# ---- deb-src entries, idempotently: only sources that lack them are changed
enable_deb_src() {
    local changed=0 f
    for f in /etc/apt/sources.list.d/*.sources; do
        [[ -f "$f" ]] || continue
        # deb822 stanzas whose Types has deb but not deb-src
        if grep -Eq '^Types:.*\bdeb\b' "$f" && grep -E '^Types:' "$f" | grep -vq 'deb-src'; then
            log "adding deb-src to the Types of $f"
            "${sudo[@]}" sed -i -E '/^Types:/{/deb-src/!s/^Types:(.*)\bdeb\b/Types:\1deb deb-src/}' "$f"
            changed=1
        fi
    done
    f=/etc/apt/sources.list
    if [[ -f "$f" ]] && grep -Eq '^[[:space:]]*deb[[:space:]]' "$f" && ! grep -Eq '^[[:space:]]*deb-src[[:space:]]' "$f"; then
        log "adding deb-src lines to $f"
        local tmp
        tmp=$(mktemp)
        cat "$f" >"$tmp"
        sed -nE 's/^[[:space:]]*deb([[:space:]])/deb-src\1/p' "$f" >>"$tmp"
        "${sudo[@]}" cp "$tmp" "$f"
        rm -f "$tmp"
        changed=1
    fi
    return $((1 - changed)) # 0 when something changed
}

src=$(find "$cache/src" -mindepth 1 -maxdepth 1 -type d -name 'mbedtls-*' 2>/dev/null | sort -V | tail -n 1)
if [[ -z "$src" || ! -f "$src/library/ssl_tls.c" ]]; then
    command -v apt-get >/dev/null || { log "apt-get not found: mbedTLS's Debian source package cannot be fetched"; exit 1; }
    if ! command -v dpkg-source >/dev/null; then
        log "installing dpkg-dev (dpkg-source unpacks the source package)"
        "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends dpkg-dev >&2
    fi
    if enable_deb_src; then
        "${sudo[@]}" apt-get update >&2
    fi
    log "fetching Debian's mbedtls source package into $cache/src"
    if ! (cd "$cache/src" && apt-get source -q mbedtls >&2); then
        # deb-src entries present but apt's lists not refreshed since
        "${sudo[@]}" apt-get update >&2
        (cd "$cache/src" && apt-get source -q mbedtls >&2)
    fi
    src=$(find "$cache/src" -mindepth 1 -maxdepth 1 -type d -name 'mbedtls-*' | sort -V | tail -n 1)
    [[ -n "$src" && -f "$src/library/ssl_tls.c" ]] || { log "no mbedTLS source in $cache/src"; exit 1; }
fi

command -v arm-none-eabi-gcc >/dev/null || { log "arm-none-eabi-gcc not found (bench/footprint/run.sh installs it)"; exit 1; }

fw="$root/examples/firmware"
# shellcheck source=../../examples/firmware/flags.sh
source "$fw/flags.sh"
cflags=("${fw_c_flags[@]}" -Wall -Wno-unused-function "-DMBEDTLS_CONFIG_FILE=\"$config\"" -I "$src/include"
        -I "$src/library")
# (the configuration by its content, the flags without the paths: another checkout of the same
# configuration shares the build)
key=$( { cat "$config"; echo "${fw_c_flags[*]}"; arm-none-eabi-gcc --version | head -n 1; basename "$src"; } |
      sha256sum | cut -c1-16)
out="$cache/cortex-m4-$key"

if [[ ! -f "$out/libmbedtls.a" ]]; then
    log "cross-compiling $(basename "$src") for the Cortex-M4 into $out"
    tmp="$out.tmp.$$"
    rm -rf "$tmp"
    mkdir -p "$tmp"
    trap 'rm -rf "$tmp"' EXIT
    export tmp
    # One compiler per core; -fcallgraph-info=su writes NAME.ci next to NAME.o.
    ls "$src"/library/*.c | xargs -P "$(nproc)" -I{} sh -c \
        'f=$1; shift; exec arm-none-eabi-gcc "$@" -fcallgraph-info=su -c "$f" -o "$tmp/$(basename "$f" .c).o"' sh {} \
        "${cflags[@]}" >&2 ||
        { log "compiling mbedTLS failed"; exit 1; }
    # Upstream's split (library/Makefile): TLS, X.509, the rest is crypto.
    crypto=() x509=() tls=()
    for o in "$tmp"/*.o; do
        case $(basename "$o") in
        debug.o | net_sockets.o | ssl_*.o | mps_*.o) tls+=("$o") ;;
        certs.o | pkcs11.o | x509*.o) x509+=("$o") ;;
        *) crypto+=("$o") ;;
        esac
    done
    arm-none-eabi-ar rcs "$tmp/libmbedcrypto.a" "${crypto[@]}"
    arm-none-eabi-ar rcs "$tmp/libmbedx509.a" "${x509[@]}"
    arm-none-eabi-ar rcs "$tmp/libmbedtls.a" "${tls[@]}"
    rm -f "$tmp"/*.o
    rm -rf "$out"
    mv "$tmp" "$out"
    trap - EXIT
    # builds of earlier configurations
    find "$cache" -mindepth 1 -maxdepth 1 -type d -name 'cortex-m4-*' ! -name "cortex-m4-$key" ! -name '*.tmp.*' \
        -exec rm -rf {} +
fi

echo "MBEDTLS_INCLUDE=$src/include"
echo "MBEDTLS_LIB=$out"
