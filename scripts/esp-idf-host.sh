#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# The ESP-IDF example, compiled and run on the host: `bash scripts/esp-idf-host.sh` (Debian 12).
#
# ESP-IDF itself is not installed here, so examples/esp-idf/main/main.cpp is compiled with g++
# against examples/esp-idf/host/include (small stand-ins declaring the ESP-IDF calls it makes, with
# their real signatures), the repository's include/ and Debian's mbedTLS (2.28; ESP-IDF 5 has 3.x, which the header also
# supports). The flags are ESP-IDF's for C++ (-fno-exceptions -fno-rtti) plus -Wall -Wextra
# -Werror; ESP_PLATFORM is defined and __unix__/__linux__ are not, as with ESP-IDF's compilers.
#
# Then it runs: the interop tests' aiosmtpd fixture (tests/interop/aiosmtpd_server.py: STARTTLS
# required, AUTH offered after it, a throwaway certificate from tests/tls/pki.sh) stands in for the
# provider, the stand-in esp_crt_bundle_attach loads the test
# CA, and the script checks that the message arrived. What this does not cover: ESP-IDF's own
# headers (lwIP's socket layer, newlib) and its compiler; see examples/esp-idf/README.md.
#
#   ESP_IDF_HOST_COMPILE_ONLY=1   compile and link only (no server, no run)
#   CXX=clang++                   another compiler
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
python=/usr/bin/python3 # Debian's, which has python3-aiosmtpd
cxx=${CXX:-g++}
example=examples/esp-idf
SECONDS=0

# ------------------------------------------------------------------------------------ packages
packages=(g++ libmbedtls-dev)
[[ ${ESP_IDF_HOST_COMPILE_ONLY:-0} == 1 ]] || packages+=(python3 python3-aiosmtpd openssl)
if command -v dpkg >/dev/null; then
    missing=()
    for package in "${packages[@]}"; do
        dpkg -s "$package" 2>/dev/null | grep -qx 'Status: install ok installed' || missing+=("$package")
    done
    if ((${#missing[@]} > 0)); then
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

work=$(mktemp -d "${TMPDIR:-/tmp}/mailwire-esp-idf.XXXXXX")
server_pid=""
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
    if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        for ((i = 0; i < 50; i++)); do
            kill -0 "$server_pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

# ------------------------------------------------------------------------------------- compile
# The values a run needs are menuconfig's on a device: here -D, over host/include/sdkconfig.h.
user=device@host-run.test
password=not-a-real-secret
port=0
server_defines=()
if [[ ${ESP_IDF_HOST_COMPILE_ONLY:-0} != 1 ]]; then
    echo "==== server: aiosmtpd on 127.0.0.1, STARTTLS required, AUTH (tests/tls/pki.sh certificate)"
    bash tests/tls/pki.sh "$work/pki"
    mkdir -p "$work/received"
    # The fixture stops when its standard input ends: a coprocess keeps that pipe open.
    coproc server { exec "$python" tests/interop/aiosmtpd_server.py --outdir "$work/received" \
        --tls-cert "$work/pki/good.pem" --tls-key "$work/pki/good.key" --auth "$user:$password" \
        2>"$work/server.err"; }
    server_pid=$server_PID
    read -r ready port <&"${server[0]}" || true
    [[ ${ready:-} == READY && -n "$port" ]] || { echo "the server did not start" >&2; cat "$work/server.err" >&2; exit 1; }
    echo "listening on port $port"
    # What SPIFFS holds on the board (spiffs_image/), here a host file read by the same file_reader.
    mkdir -p "$work/spiffs"
    cp "$example/spiffs_image/readings.csv" "$work/spiffs/readings.csv"
    server_defines=(
        -DCONFIG_MAILWIRE_SMTP_HOST='"localhost"' -DCONFIG_MAILWIRE_SMTP_PORT="$port"
        -DCONFIG_MAILWIRE_SMTP_USER="\"$user\"" -DCONFIG_MAILWIRE_SMTP_PASSWORD="\"$password\""
        -DCONFIG_MAILWIRE_MAIL_FROM='"esp32@host-run.test"' -DCONFIG_MAILWIRE_MAIL_TO='"ops@host-run.test"'
        -DCONFIG_MAILWIRE_ATTACHMENT="\"$work/spiffs/readings.csv\""
        ${ESP_IDF_HOST_TRACE:+-DCONFIG_MAILWIRE_TRACE=1}
    )
fi

echo "==== compile $example/main/main.cpp and the host stand-ins"
flags=(-std=c++17 -Wall -Wextra -Werror -fno-exceptions -fno-rtti -O1
       -DESP_PLATFORM=1 -U__unix__ -U__unix -Uunix -U__linux__ -U__linux -Ulinux
       -I"$example/host/include" -Iinclude)
echo "$cxx ${flags[*]} ${server_defines[*]} -c $example/main/main.cpp"
"$cxx" "${flags[@]}" "${server_defines[@]}" -c "$example/main/main.cpp" -o "$work/main.o" &
main_pid=$!
# The stand-ins are host code (pthread, mmap): compiled as such, with the same warnings.
"$cxx" -std=c++17 -Wall -Wextra -Werror -fno-exceptions -fno-rtti -O1 -I"$example/host/include" -Iinclude \
    -c "$example/host/stubs.cpp" -o "$work/stubs.o" &
stubs_pid=$!
wait "$main_pid"
wait "$stubs_pid"
"$cxx" "$work/main.o" "$work/stubs.o" -o "$work/esp-idf-host" -lmbedtls -lmbedx509 -lmbedcrypto -pthread
echo "linked: $work/esp-idf-host"

if [[ ${ESP_IDF_HOST_COMPILE_ONLY:-0} == 1 ]]; then
    echo "OK: compiled and linked as for ESP-IDF (${SECONDS} s)"
    exit 0
fi

# ----------------------------------------------------------------------------------------- run
echo "==== run app_main (the stand-in esp_crt_bundle_attach trusts the test CA)"
status=0
MAILWIRE_HOST_CA_FILE="$work/pki/ca.pem" timeout 30 "$work/esp-idf-host" | tee "$work/run.log" || status=$?
if ((status != 0)); then
    echo "FAIL: the host run exited with $status" >&2
    cat "$work/server.err" >&2
    exit 1
fi
grep -q '^I ([0-9]*) mailwire: delivered: 250 ' "$work/run.log" || { echo "FAIL: no 'delivered' in the log" >&2; exit 1; }

echo "==== what the server received"
[[ -f "$work/received/msg-1.json" ]] || { echo "FAIL: the server saved no message" >&2; cat "$work/server.err" >&2; exit 1; }
"$python" - "$work/received/msg-1.json" "$user" "$work/spiffs/readings.csv" <<'PY' || exit 1
import base64, email, email.policy, json, sys
m = json.load(open(sys.argv[1]))
content = base64.b64decode(m["content_base64"]).decode("utf-8", "replace").replace("\r", "")
print("MAIL FROM:<%s>  RCPT TO:%s  AUTH %s  TLS %s" % (m["mail_from"], m["rcpt_tos"], m["auth_login"], m.get("tls")))
print(content)
problems = []
if not (m["authenticated"] and m["auth_login"] == sys.argv[2]):
    problems.append("not authenticated as " + sys.argv[2])
if m["rcpt_tos"] != ["ops@host-run.test"]:
    problems.append("wrong recipient")
if not m.get("tls"):
    problems.append("not over TLS")
if "\nSubject: Hello from an ESP32\n" not in "\n" + content:
    problems.append("wrong content")
# The attachment, streamed from the file by file_reader, arrives as the file's exact octets.
parsed = email.message_from_bytes(base64.b64decode(m["content_base64"]), policy=email.policy.default)
attached = [p for p in parsed.iter_attachments() if p.get_filename() == "readings.csv"]
if len(attached) != 1:
    problems.append("no attachment readings.csv")
elif attached[0].get_payload(decode=True) != open(sys.argv[3], "rb").read():
    problems.append("the attachment differs from the file")
else:
    print("attachment readings.csv: %d octets, identical to the file" % len(attached[0].get_payload(decode=True)))
for p in problems:
    print("FAIL: " + p, file=sys.stderr)
sys.exit(1 if problems else 0)
PY
echo "OK: compiled as for ESP-IDF, ran, and the message arrived over STARTTLS with AUTH, the file attached (${SECONDS} s)"
