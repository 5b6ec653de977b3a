#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# A fully static mailwire-send: glibc and mbedTLS's static libraries (Debian's libmbedtls-dev),
# MinSizeRel. Checks that it is static (file, ldd), sends a message with it over implicit TLS to a
# local aiosmtpd (test certificate from tests/tls/pki.sh), once resolving "localhost" and once with
# --connect-to, and reports its size.
#
# Name resolution in a static glibc binary: since glibc 2.34 the "files" and "dns" NSS sources are
# built into libc itself, so /etc/hosts and DNS work in the static binary; sources that are
# separate modules (nss-resolve, mdns, LDAP) would have to be loaded at run time from the same
# glibc version, and are not available to it. Numeric addresses need no resolution at all, and
# --connect-to ADDRESS skips resolution while the certificate is still checked for --host.
#   bash scripts/static-send.sh
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
build=build/static
python=/usr/bin/python3
jobs=$(nproc 2>/dev/null || echo 2)

rm -rf "$build"
configure=$(cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=MinSizeRel -DMAILWIRE_SEND_STATIC=ON \
    -DMAILWIRE_BUILD_TESTS=OFF -DMAILWIRE_WERROR=ON)
mbedtls_version=$(grep -o 'mailwire::mbedtls with mbedTLS [0-9.]*' <<<"$configure" | awk '{ print $4 }')
cmake --build "$build" --target mailwire-send -j "$jobs" 2>&1 | grep -v "Using 'getaddrinfo' in statically linked" || true
tool="$build/examples/send/mailwire-send"
[[ -x "$tool" ]] || { echo "static build failed" >&2; exit 1; }

file "$tool"
file "$tool" | grep -q "statically linked" || { echo "mailwire-send is not statically linked" >&2; exit 1; }
if ldd "$tool" >/dev/null 2>&1; then
    echo "ldd lists shared libraries for the static mailwire-send" >&2
    exit 1
fi
echo "ldd: not a dynamic executable"

work=$(mktemp -d "${TMPDIR:-/tmp}/mailwire-static.XXXXXX")
server_pid=""
cleanup() {
    [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
bash tests/tls/pki.sh "$work/pki"

send_once() { # description, then mailwire-send's arguments after --port
    local what=$1
    shift
    mkdir -p "$work/out-$what"
    "$python" tests/interop/aiosmtpd_server.py --outdir "$work/out-$what" --tls-cert "$work/pki/good.pem" \
        --tls-key "$work/pki/good.key" --implicit-tls >"$work/port-$what" 2>/dev/null < <(sleep 60) &
    server_pid=$!
    for ((i = 0; i < 100; i++)); do
        grep -q '^READY' "$work/port-$what" 2>/dev/null && break
        sleep 0.1
    done
    local port
    port=$(awk '/^READY/ { print $2 }' "$work/port-$what")
    [[ -n "$port" ]] || { echo "the test server did not start" >&2; exit 1; }
    printf 'Subject: from the static mailwire-send\n\nhello\n' |
        "$tool" --profile submissions --port "$port" --cafile "$work/pki/ca.pem" --from a@example.org "$@" b@example.org
    ls "$work/out-$what"/msg-1.json >/dev/null || { echo "the server has no message ($what)" >&2; exit 1; }
    echo "sent over implicit TLS: $what"
    kill "$server_pid" 2>/dev/null || true
    server_pid=""
}
send_once "resolving localhost" --host localhost
send_once "connect-to" --host localhost --connect-to 127.0.0.1

size=$(stat -c %s "$tool")
strip -o "$work/stripped" "$tool"
stripped=$(stat -c %s "$work/stripped")
printf '\nstatic mailwire-send (mbedTLS %s, glibc %s): %d bytes, %d stripped\n' \
    "$mbedtls_version" \
    "$(ldd --version | head -1 | awk '{ print $NF }')" "$size" "$stripped"
