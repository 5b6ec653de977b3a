#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# The main job: `bash scripts/demo.sh` (fresh Debian 12, as root).
#
# 1. installs what it needs, only if something is missing
# 2. builds mailwire-send into build/demo (Release)
# 3. starts a local SMTP server (python3-aiosmtpd, scripts/demo_server.py) on a free loopback port,
#    with STARTTLS required and a throwaway certificate for localhost (tests/tls/pki.sh, openssl)
# 4. pipes a small RFC 5322 message into mailwire-send -v, which shows the SMTP dialogue: the
#    default profile (submission: STARTTLS required, the certificate verified against the CA)
# 5. prints what the server received (envelope, content, the dot-stuffed DATA as on the wire)
# and stops the server. The exit status is mailwire-send's (0: accepted for every recipient).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
jobs=$(nproc 2>/dev/null || echo 2)
build_dir=build/demo
send="$build_dir/examples/send/mailwire-send"
# Debian's python3, which has python3-aiosmtpd: the first python3 on PATH may be another one (pyenv,
# a virtual environment) without it.
python=/usr/bin/python3

section() { printf '\n==== %s\n' "$*"; }
indent() { sed 's/^/    /'; }

# ------------------------------------------------------------------------------------ packages
section "1. packages"
packages=(cmake make g++ python3 python3-aiosmtpd catch2 libmbedtls-dev openssl)
if ! command -v dpkg >/dev/null; then
    echo "not a Debian system: make sure the equivalents of ${packages[*]} are installed"
else
    missing=()
    for package in "${packages[@]}"; do
        dpkg -s "$package" 2>/dev/null | grep -qx 'Status: install ok installed' || missing+=("$package")
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
        "${sudo[@]}" apt-get update
        "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
    fi
fi

# --------------------------------------------------------------------------------------- build
section "2. build mailwire-send into $build_dir"
echo "cmake -S . -B $build_dir -DCMAKE_BUILD_TYPE=Release -DMAILWIRE_BUILD_TESTS=OFF"
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DMAILWIRE_BUILD_TESTS=OFF | indent
echo "cmake --build $build_dir --target mailwire-send"
cmake --build "$build_dir" --target mailwire-send -j "$jobs" | indent
"$send" --version

# -------------------------------------------------------------------------------------- server
section "3. start a local SMTP server (aiosmtpd) on a free loopback port, STARTTLS required"
if ! "$python" -c 'import aiosmtpd' 2>/dev/null; then
    echo "$python cannot import aiosmtpd: install python3-aiosmtpd" >&2
    exit 1
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/mailwire-demo.XXXXXX")
server_pid=""
stop_server() {
    if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        for ((i = 0; i < 50; i++)); do # up to 5 s, then without asking
            kill -0 "$server_pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    server_pid=""
}
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
    stop_server
    rm -rf "$work"
}
trap cleanup EXIT

bash tests/tls/pki.sh "$work/pki"
echo "a throwaway CA and a certificate for localhost: tests/tls/pki.sh (openssl)"
"$python" scripts/demo_server.py --outdir "$work/received" --tls-cert "$work/pki/good.pem" \
    --tls-key "$work/pki/good.key" >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
port=""
for ((i = 0; i < 100; i++)); do # it prints the port once it listens: wait up to 10 s
    port=$(sed -n 's/^PORT \([0-9][0-9]*\)$/\1/p' "$work/server.out")
    [[ -n "$port" ]] && break
    if ! kill -0 "$server_pid" 2>/dev/null; then
        echo "the server stopped before listening:" >&2
        cat "$work/server.err" >&2
        exit 1
    fi
    sleep 0.1
done
if [[ -z "$port" ]]; then
    echo "the server did not start listening within 10 s:" >&2
    cat "$work/server.err" >&2
    exit 1
fi
echo "scripts/demo_server.py (pid $server_pid) listens on 127.0.0.1 port $port (STARTTLS required)"

# ------------------------------------------------------------------------------------- message
section "4. the message (standard input of mailwire-send)"
message=$(cat <<EOF
From: Demo Sender <demo@mailwire.test>
To: Alice <alice@example.test>, Bob <bob@example.test>
Subject: Hello from mailwire-send
Date: $(LC_ALL=C date -R)
Message-ID: <demo.$(date +%s).$$@mailwire.test>
MIME-Version: 1.0
Content-Type: text/plain; charset=us-ascii

Hello Alice and Bob,

this message went through mailwire-send. The next line starts with a dot:
.signature follows (the client sends this line as "..signature", the server removes the dot)
.
The line above is a lone "." -- sent as it is, it would end the message there.
EOF
)
printf '%s\n' "$message" | indent

# ---------------------------------------------------------------------------------------- send
section "5. send it: the SMTP dialogue (mailwire-send -v, on standard error)"
# The default profile, submission: STARTTLS required, the certificate checked for "localhost".
args=(-v --host localhost --port "$port" --cafile "$work/pki/ca.pem" --from demo@mailwire.test
      alice@example.test bob@example.test)
echo "$send ${args[*]} < message"
echo
status=0
printf '%s\n' "$message" | "$send" "${args[@]}" 2>&1 || status=$?
echo
echo "mailwire-send exit status: $status (0: the server accepted the message for every recipient)"
stop_server

# ------------------------------------------------------------------------------------ received
section "6. what the server received"
shopt -s nullglob
received=("$work"/received/msg-*)
if ((${#received[@]} == 0)); then
    echo "nothing (see the dialogue above)"
fi
for folder in "${received[@]}"; do
    echo "--- $(basename "$folder"): envelope"
    indent <"$folder/envelope.txt"
    echo "--- $(basename "$folder"): content ($(wc -c <"$folder/content.eml") bytes, CRLF line ends shown as line breaks)"
    tr -d '\r' <"$folder/content.eml" | indent
    echo "--- $(basename "$folder"): lines of the DATA section starting with \".\", as they were on the wire"
    tr -d '\r' <"$folder/wire-data.txt" | grep -n '^\.' | indent || true
    echo "    (every such line got a second dot; the last line, a single \".\", is the end of the data)"
    if printf '%s\n' "$message" | sed 's/$/\r/' | cmp -s - "$folder/content.eml"; then
        echo "--- the server's copy is byte for byte the input, with CRLF line ends"
    else
        echo "--- NOTE: the server's copy differs from the input (beyond CRLF line ends)"
    fi
done

exit "$status"
