#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# The Zephyr example, compiled and run on the host: `bash scripts/zephyr-host.sh` (Debian 12).
#
# Zephyr is not installed here, so examples/zephyr/src/main.cpp is compiled with g++ as for Zephyr
# (__ZEPHYR__ defined, __unix__ and __linux__ not, -fno-exceptions -fno-rtti, -Werror) against
# examples/zephyr/host/include (stand-ins declaring the zsock_* calls and k_uptime_get with Zephyr's
# signatures, carried out by the host's sockets), the repository's include/ and the knobs the Zephyr
# module passes on (zephyr/Kconfig's defaults, as a fresh build has them). So mailwire::zephyr_transport,
# zephyr_clock and the umbrella header's Zephyr case are what runs. Then it sends through the interop
# tests' aiosmtpd fixture and checks the message arrived. What this does not cover: Zephyr's own
# headers and network stack, its C library, its compilers; `west build` is the real test.
#
#   ZEPHYR_HOST_COMPILE_ONLY=1   compile and link only
#   CXX=clang++                  another compiler
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
python=/usr/bin/python3 # Debian's, which has python3-aiosmtpd
cxx=${CXX:-g++}
example=examples/zephyr
SECONDS=0

packages=(g++ cmake)
[[ ${ZEPHYR_HOST_COMPILE_ONLY:-0} == 1 ]] || packages+=(python3 python3-aiosmtpd)
if command -v dpkg >/dev/null; then
    missing=()
    for package in "${packages[@]}"; do
        dpkg -s "$package" 2>/dev/null | grep -qx 'Status: install ok installed' || missing+=("$package")
    done
    if ((${#missing[@]} > 0)); then
        echo "installing: ${missing[*]}"
        sudo=()
        [[ $(id -u) -eq 0 ]] || sudo=(sudo)
        "${sudo[@]}" apt-get update
        "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
    fi
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/mailwire-zephyr.XXXXXX")
server_pid=""
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
    if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

# The definitions the module gives every Zephyr target (tests/packaging/zephyr_module.cmake
# computes them from zephyr/Kconfig and checks them; here they are taken from its compile line).
cmake -DROOT="$root" -DCXX="$cxx" -DOUT="$work/module" -P tests/packaging/zephyr_module.cmake
mapfile -t knobs < <(grep -o -- '-DMAILWIRE_[A-Z0-9_]*=[0-9]*' "$work/module/knobs.txt")

port=0
settings=()
if [[ ${ZEPHYR_HOST_COMPILE_ONLY:-0} != 1 ]]; then
    echo "==== server: aiosmtpd on 127.0.0.1, plaintext (a relay)"
    mkdir -p "$work/received"
    coproc server { exec "$python" tests/interop/aiosmtpd_server.py --outdir "$work/received" 2>"$work/server.err"; }
    server_pid=$server_PID
    read -r ready port <&"${server[0]}" || true
    [[ ${ready:-} == READY && -n "$port" ]] || { echo "the server did not start" >&2; cat "$work/server.err" >&2; exit 1; }
    echo "listening on port $port"
fi
settings=(-DCONFIG_MAILWIRE_EXAMPLE_SERVER='"127.0.0.1"' -DCONFIG_MAILWIRE_EXAMPLE_PORT="$port"
          -DCONFIG_MAILWIRE_EXAMPLE_FROM='"zephyr@host-run.test"' -DCONFIG_MAILWIRE_EXAMPLE_TO='"ops@host-run.test"')

echo "==== compile $example/src/main.cpp as for Zephyr"
flags=(-std=c++17 -Wall -Wextra -Werror -fno-exceptions -fno-rtti -O1
       -D__ZEPHYR__=1 -U__unix__ -U__unix -Uunix -U__linux__ -U__linux -Ulinux
       -I"$example/host/include" -Iinclude "${knobs[@]}")
echo "$cxx ${flags[*]} ${settings[*]}"
"$cxx" "${flags[@]}" "${settings[@]}" "$example/src/main.cpp" -o "$work/zephyr-host"
if [[ ${ZEPHYR_HOST_COMPILE_ONLY:-0} == 1 ]]; then
    echo "OK: compiled and linked as for Zephyr (${SECONDS} s)"
    exit 0
fi

echo "==== run main()"
status=0
timeout 30 "$work/zephyr-host" | tee "$work/run.log" || status=$?
((status == 0)) || { echo "FAIL: the host run exited with $status" >&2; cat "$work/server.err" >&2; exit 1; }
grep -q '^delivered: 250 ' "$work/run.log" || { echo "FAIL: no 'delivered' in the output" >&2; exit 1; }
[[ -f "$work/received/msg-1.json" ]] || { echo "FAIL: the server saved no message" >&2; exit 1; }
"$python" - "$work/received/msg-1.json" <<'PY' || exit 1
import base64, json, sys
m = json.load(open(sys.argv[1]))
content = base64.b64decode(m["content_base64"]).decode("utf-8", "replace").replace("\r", "")
problems = []
if m["mail_from"] != "zephyr@host-run.test" or m["rcpt_tos"] != ["ops@host-run.test"]:
    problems.append("wrong envelope: %s %s" % (m["mail_from"], m["rcpt_tos"]))
if "\nSubject: Hello from Zephyr\n" not in "\n" + content or "over Zephyr's sockets." not in content:
    problems.append("wrong content")
for p in problems:
    print("FAIL: " + p, file=sys.stderr)
sys.exit(1 if problems else 0)
PY
echo "OK: compiled as for Zephyr, ran, and the message arrived (${SECONDS} s)"
