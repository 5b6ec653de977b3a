#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# The TLS image's mbedTLS heap, measured: mbedTLS from Debian's source package built for the host
# with the firmware's configuration (host_config.h: the same features, record buffers and static
# allocator, plus MBEDTLS_MEMORY_DEBUG), 32-bit (-m32, as the Cortex-M4: the structures have the
# same pointer and long sizes) where g++ can build it, and image 3's client (measure.cpp) sending
# one message over implicit TLS to aiosmtpd, with an ECDSA P-256 chain and with an RSA chain
# (a 4096-bit CA like ISRG Root X1, a 2048-bit server key), each CA given as DER (the
# configuration parses no PEM). Prints one line per chain:
#   HEAP <chain> <peak bytes> <blocks>
# bench/footprint/run.sh reports them as tls.heap_peak_ec / tls.heap_peak_rsa against the static
# buffer the firmware gives mbedTLS.
# A kernel without IA32 emulation (CONFIG_IA32_EMULATION off, as on some VM and container hosts)
# cannot execute the 32-bit program ("Exec format error"): it then runs under qemu-i386 (Debian's
# qemu-user), which emulates the 32-bit user space on any x86-64 kernel and passes the socket calls
# to the host, so the figures are the same. MAILWIRE_HEAP_RUNNER=qemu forces that path (to test it on
# a kernel that could run the program itself); =native forbids it.
#   bash bench/footprint/heap/measure.sh [CACHE_DIR]
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
here="$root/bench/footprint/heap"
cache=${1:-$root/build/mbedtls}
python=/usr/bin/python3
log() { echo "heap/measure.sh: $*" >&2; }

need=()
command -v openssl >/dev/null || need+=(openssl)
"$python" -c 'import aiosmtpd' 2>/dev/null || need+=(python3-aiosmtpd)
if ! echo 'int main() { return 0; }' | g++ -m32 -x c++ - -o /dev/null 2>/dev/null; then
    need+=(g++-multilib)
fi
if ((${#need[@]})); then
    sudo=()
    [[ $(id -u) -ne 0 ]] && sudo=(sudo)
    log "installing ${need[*]}"
    "${sudo[@]}" apt-get update >&2 || true
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need[@]}" >&2 ||
        log "could not install ${need[*]}"
fi
arch=(-m32)
echo 'int main() { return 0; }' | g++ -m32 -x c++ - -o /dev/null 2>/dev/null || {
    log "no -m32 here: measuring 64-bit, an upper bound (pointers are larger)"
    arch=()
}

# How a 32-bit program runs here: natively when the kernel can, else under qemu-i386.
runner=()
if ((${#arch[@]})); then
    probe=$(mktemp "${TMPDIR:-/tmp}/mailwire-m32-probe.XXXXXX")
    echo 'int main() { return 0; }' | g++ -m32 -x c++ - -o "$probe"
    mode=${MAILWIRE_HEAP_RUNNER:-auto}
    if [[ $mode != qemu ]] && "$probe" 2>/dev/null; then
        log "32-bit programs run natively on this kernel"
    elif [[ $mode == native ]]; then
        rm -f "$probe"
        log "this kernel cannot execute 32-bit programs, and MAILWIRE_HEAP_RUNNER=native forbids qemu-i386"
        exit 1
    else
        if ! command -v qemu-i386 >/dev/null; then
            log "this kernel cannot execute 32-bit programs: installing qemu-user for qemu-i386"
            sudo=()
            [[ $(id -u) -ne 0 ]] && sudo=(sudo)
            "${sudo[@]}" apt-get update >&2 || true
            "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends qemu-user >&2
        fi
        if ! qemu-i386 "$probe"; then
            rm -f "$probe"
            log "qemu-i386 cannot run a 32-bit program either"
            exit 1
        fi
        runner=(qemu-i386)
        log "32-bit programs run under qemu-i386 (MAILWIRE_HEAP_RUNNER=${mode})"
    fi
    rm -f "$probe"
fi

env_out=$(bash "$root/bench/footprint/mbedtls.sh" "$cache")
include=$(sed -n 's/^MBEDTLS_INCLUDE=//p' <<<"$env_out")
src=$(dirname "$include")
work=$(mktemp -d "${TMPDIR:-/tmp}/mailwire-heap.XXXXXX")
server_pid=""
cleanup() {
    [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# mbedTLS for the host, with the firmware's configuration
config="-DMBEDTLS_CONFIG_FILE=\"$here/host_config.h\""
mkdir -p "$work/obj"
printf '%s\n' "$src"/library/*.c | xargs -P "$(nproc)" -I{} sh -c \
    'gcc '"${arch[*]}"' -O1 -w -I "'"$include"'" '"'$config'"' -c "$1" -o "'"$work/obj"'/$(basename "$1" .c).o"' _ {}
ar rcs "$work/libmbedtls-host.a" "$work"/obj/*.o
g++ "${arch[@]}" -std=c++17 -O1 -Wall -Wextra -Werror -I "$root/include" -I "$include" "$config" \
    "$here/measure.cpp" "$work/libmbedtls-host.a" -o "$work/measure"

# the two chains: the tests' P-256 PKI, and an RSA one made here
bash "$root/tests/tls/pki.sh" "$work/ec" >/dev/null
(
    cd "$work" && mkdir -p rsa && cd rsa
    openssl req -x509 -newkey rsa:4096 -nodes -keyout ca.key -out ca.pem -days 30 -subj "/CN=mailwire heap RSA CA" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -keyout good.key -out good.csr -subj "/CN=localhost" 2>/dev/null
    printf 'subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n' >ext
    openssl x509 -req -in good.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out good.pem -days 30 -extfile ext \
        2>/dev/null
)

for chain in ec rsa; do
    # the CA as DER, as the firmware compiles it in: its configuration has no PEM parser
    openssl x509 -in "$work/$chain/ca.pem" -outform DER -out "$work/$chain/ca.der"
    mkdir -p "$work/out-$chain"
    coproc server { exec "$python" "$root/tests/interop/aiosmtpd_server.py" --outdir "$work/out-$chain" \
        --tls-cert "$work/$chain/good.pem" --tls-key "$work/$chain/good.key" --implicit-tls; }
    server_pid=$server_PID
    read -r ready port <&"${server[0]}" || { log "the server did not start"; exit 1; }
    [[ $ready == READY ]] || { log "the server said: $ready $port"; exit 1; }
    line=$("${runner[@]}" "$work/measure" "$port" "$work/$chain/ca.der")
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
    log "$chain: $line"
    read -r _ _ peak _ _ blocks _ <<<"$line"
    echo "HEAP $chain $peak $blocks"
done
