#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# The firmware images (examples/firmware: MAILWIRE_FW_IMAGE=1, the plain client with a hand-made
# MIME message; 2, the same with the composer; 3, image 1 over implicit TLS with mbedTLS; the
# builds bench/footprint measures) run on QEMU's netduinoplus2 (an STM32F405, Cortex-M4). USART1
# goes to a modem stand-in (tests/firmware/modem.py) that answers the AT commands and bridges the
# TCP link to aiosmtpd with AUTH (image 3: implicit TLS, a throwaway CA compiled in). Passes when
# the server has each image's message from the authenticated user, to both recipients, with the
# sensor log decoded intact from its attachment (Python's email parser); for the composer's: the
# RFC 2047 subject decoded, the Bcc recipient in the envelope only; for image 3: over TLS.
# QEMU's F405 has no RNG: image 3 is built with MAILWIRE_FW_QEMU_ENTROPY, a tick-based stand-in
# that is for the emulator only. Image 3 is skipped when mbedTLS cannot be built (no apt).
#   bash scripts/firmware-qemu.sh          (installs qemu-system-arm and the toolchain when missing)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
fw="$root/examples/firmware"
# shellcheck source=../examples/firmware/flags.sh
source "$fw/flags.sh" # the same build bench/footprint/run.sh measures
python=/usr/bin/python3
need=()
command -v qemu-system-arm >/dev/null || need+=(qemu-system-arm)
command -v arm-none-eabi-g++ >/dev/null || need+=(gcc-arm-none-eabi libstdc++-arm-none-eabi-newlib libnewlib-arm-none-eabi)
"$python" -c 'import aiosmtpd' 2>/dev/null || need+=(python3-aiosmtpd)
if ((${#need[@]})); then
    sudo=()
    [[ $(id -u) -ne 0 ]] && sudo=(sudo)
    "${sudo[@]}" apt-get update
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need[@]}"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/mailwire-qemu.XXXXXX")
pids=()
stop_all() {
    for p in "${pids[@]+"${pids[@]}"}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]+"${pids[@]}"}"; do wait "$p" 2>/dev/null || true; done
    pids=()
}
trap 'stop_all; rm -rf "$work"' EXIT

# What the images send: main.cpp's sensor log, as an attachment.
expected=$(sed -n 's/^const char sensor_log\[\] = "\(.*\)";$/\1/p' "$fw/main.cpp")
[[ -n "$expected" ]] || { echo "firmware-qemu: sensor_log not found in main.cpp" >&2; exit 1; }

# For image 3: mbedTLS as bench/footprint builds it, and a CA and a certificate for the name the
# image connects to (smtp.example.org), the CA as a header of DER bytes.
tls_ready=0
if [[ " ${MAILWIRE_QEMU_IMAGES:-1 2 3} " == *" 3 "* ]] &&
    mbedtls_env=$(bash "$root/bench/footprint/mbedtls.sh" "${MAILWIRE_MBEDTLS_CACHE:-$root/build/mbedtls}"); then
    mbedtls_include=$(sed -n 's/^MBEDTLS_INCLUDE=//p' <<<"$mbedtls_env")
    mbedtls_lib=$(sed -n 's/^MBEDTLS_LIB=//p' <<<"$mbedtls_env")
    mkdir -p "$work/pki"
    (
        cd "$work/pki"
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem -days 2 \
            -subj "/CN=mailwire QEMU test CA" -addext "basicConstraints=critical,CA:TRUE" \
            -addext "keyUsage=critical,keyCertSign" 2>/dev/null
        openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout server.key -out server.csr \
            -subj "/CN=smtp.example.org" 2>/dev/null
        printf 'subjectAltName=DNS:smtp.example.org\nextendedKeyUsage=serverAuth\n' >ext
        openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 \
            -extfile ext 2>/dev/null
        openssl x509 -in ca.pem -outform DER -out ca.der
    )
    "$python" - "$work/pki/ca.der" "$work/pki/test_ca.hpp" <<'PY'
import sys
der = open(sys.argv[1], "rb").read()
rows = ",\n    ".join(", ".join("0x%02x" % b for b in der[i:i + 16]) for i in range(0, len(der), 16))
open(sys.argv[2], "w").write("namespace firmware_ca {\ninline constexpr unsigned char test_ca[] = {\n    %s};\n}\n" % rows)
PY
    tls_ready=1
fi

# run IMAGE: build it, start the server and the modem, boot it, check what arrived
run() {
    local image=$1 dir="$work/image$1" port ready
    mkdir -p "$dir/mail"
    local flags=("${fw_cxx_flags[@]}" -DMAILWIRE_FW_IMAGE="$image")
    local link_more=() server_more=()
    if [[ $image == 3 ]]; then
        local mbedtls_flags=(-I "$mbedtls_include" "-DMBEDTLS_CONFIG_FILE=\"$fw/mbedtls_config.h\"")
        flags+=("${mbedtls_flags[@]}" -DMAILWIRE_FW_QEMU_ENTROPY "-DMAILWIRE_FW_TEST_CA=\"$work/pki/test_ca.hpp\"")
        arm-none-eabi-gcc "${fw_c_flags[@]}" "${mbedtls_flags[@]}" -c "$fw/tls/fw_platform.c" -o "$dir/fw_platform.o"
        link_more=("$dir/fw_platform.o" -L "$mbedtls_lib" -lmbedtls -lmbedx509 -lmbedcrypto)
        server_more=(--tls-cert "$work/pki/server.pem" --tls-key "$work/pki/server.key" --implicit-tls)
    fi
    arm-none-eabi-g++ "${flags[@]}" -c "$fw/main.cpp" -o "$dir/main.o"
    arm-none-eabi-g++ "${flags[@]}" -c "$fw/startup.cpp" -o "$dir/startup.o"
    arm-none-eabi-g++ "${flags[@]}" "$dir/main.o" "$dir/startup.o" "${link_more[@]+"${link_more[@]}"}" \
        "${fw_link_flags[@]}" -o "$dir/image.elf"

    # The server stops when its standard input ends: a coprocess keeps that pipe open.
    coproc server { exec "$python" "$root/tests/interop/aiosmtpd_server.py" --outdir "$dir/mail" \
        --auth "${MAILWIRE_QEMU_AUTH:-sensor-7:app-password}" "${server_more[@]+"${server_more[@]}"}" >"$dir/server.out"; }
    pids+=("$server_PID")
    "$python" "$root/tests/firmware/modem.py" --socket "$dir/uart" --smtp-port 0 --log "$dir/modem.log" \
        --port-file "$dir/server.out" >"$dir/modem.out" &
    pids+=("$!")
    for _ in $(seq 100); do
        grep -q READY "$dir/modem.out" 2>/dev/null && break
        sleep 0.1
    done
    grep -q READY "$dir/modem.out" || { echo "firmware-qemu: the server or the modem did not start" >&2; exit 1; }

    qemu-system-arm -machine netduinoplus2 -nographic -monitor none -kernel "$dir/image.elf" \
        -chardev socket,id=uart,path="$dir/uart" -serial chardev:uart >"$dir/qemu.log" 2>&1 &
    pids+=("$!")
    # The image sends (or fails) and QUITs, then idles: wait for its QUIT (at most 60 s). The server
    # writes the message before it answers the final dot, so it is there by then if it was sent.
    for _ in $(seq 600); do
        grep -q "QUIT" "$dir/mail/dialogue.log" 2>/dev/null && break
        sleep 0.1
    done
    stop_all
    printf '\n==== image %s: the SMTP dialogue, as the server saw it\n' "$image"
    sed -E 's/^[0-9-]+ [0-9:,]+ //' "$dir/mail/dialogue.log" 2>/dev/null | grep -E "^\('127" || true
    echo "---- the modem's view"
    cat "$dir/modem.log"
    if [[ ! -f "$dir/mail/msg-1.json" ]]; then
        echo "---- qemu"
        cat "$dir/qemu.log"
        echo "firmware-qemu: image $image: no message arrived" >&2
        exit 1
    fi
    "$python" - "$dir/mail/msg-1.json" "$expected" "$image" <<'PY'
import base64, email, email.policy, json, sys
m = json.load(open(sys.argv[1]))
expected = sys.argv[2].encode().decode("unicode_escape").encode()
image = sys.argv[3]
assert m["authenticated"] and m["auth_login"] == "sensor-7", m
assert m["mail_from"] == "sensor-7@example.org", m["mail_from"]
assert m["rcpt_tos"] == ["ops@example.org", "archive@example.org"], m["rcpt_tos"]
raw = base64.b64decode(m["content_base64"])
msg = email.message_from_bytes(raw, policy=email.policy.default)
parts = [p for p in msg.walk() if not p.is_multipart()]
assert [p.get_content_type() for p in parts] == ["text/plain", "text/csv"], parts
data = parts[1].get_payload(decode=True)
assert data == expected, (data, expected)
if image in ("1", "3"):
    assert msg["Subject"] == "cold room 3", msg["Subject"]
    assert m.get("tls", False) == (image == "3"), m.get("tls")
else:
    assert msg["Subject"] == "K\u00fchlraum 3: Messwerte", msg["Subject"]  # RFC 2047, decoded
    assert parts[1].get_filename() == "log.csv", parts[1].get_filename()
    assert "archive@example.org" not in raw.decode("ascii", "replace"), "the Bcc recipient shows"
    assert str(msg["From"]) == "Sensor 7 <sensor-7@example.org>", msg["From"]
print("firmware-qemu: image %s delivered over AUTH%s: %d octets, subject %r, the %d-octet log intact"
      % (image, " and TLS" if m.get("tls") else "", len(raw), str(msg["Subject"]), len(data)))
PY
}

for image in ${MAILWIRE_QEMU_IMAGES:-1 2 3}; do
    if [[ $image == 3 && $tls_ready == 0 ]]; then
        echo "firmware-qemu: mbedTLS could not be built (bench/footprint/mbedtls.sh): image 3 not run" >&2
        continue
    fi
    run "$image"
done
