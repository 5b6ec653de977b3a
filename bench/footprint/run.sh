#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# Firmware footprint: builds the Cortex-M4 images of examples/firmware with Debian's
# arm-none-eabi toolchain and reports, for each, what mailwire adds to a baseline image (the same
# board, transport and tick, and the application producing its message, without the SMTP client;
# base64_encoder.flash is what mailwire's base64 encoder, which the application uses for its
# attachment, takes of that baseline): flash (text + data), RAM (data + bss), the client's
# and the composer's objects, and the worst stack depth (GCC's -fcallgraph-info, summed along the
# deepest call path from main). Fails when a figure exceeds bench/footprint/budgets.txt, or when
# an image needs the heap (the link has no _sbrk, so malloc cannot link; nm checks as well).
# The TLS image (mailwire::mbedtls_tls over the same transport) is built when mbedTLS can be:
# bench/footprint/mbedtls.sh fetches Debian's mbedtls source package and cross-compiles it into
# build/mbedtls (cached; MAILWIRE_MBEDTLS_CACHE=DIR elsewhere); its figures are tls.* (docs/footprint.md).
#   bash bench/footprint/run.sh            (installs the toolchain on Debian when missing)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
here="$root/bench/footprint"
fw="$root/examples/firmware"
python=/usr/bin/python3
[[ -x "$python" ]] || python=python3

if ! command -v arm-none-eabi-g++ >/dev/null || [[ ! -d /usr/lib/arm-none-eabi/include/c++ ]]; then
    echo "installing the arm-none-eabi toolchain (gcc-arm-none-eabi, libstdc++-arm-none-eabi-newlib)"
    sudo=()
    [[ $(id -u) -ne 0 ]] && sudo=(sudo)
    "${sudo[@]}" apt-get update
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        gcc-arm-none-eabi libstdc++-arm-none-eabi-newlib libnewlib-arm-none-eabi
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/mailwire-footprint.XXXXXX")
trap 'rm -rf "$work"' EXIT

# shellcheck source=../../examples/firmware/flags.sh
source "$fw/flags.sh"
flags=("${fw_cxx_flags[@]}")
link=("${fw_link_flags[@]}")

# build NAME IMAGE [extra flags...] -> $work/NAME.elf, and $work/NAME/main.ci for the stack;
# link_more: more objects and libraries for the link (the TLS image's)
link_more=()
build() {
    local name=$1 image=$2
    shift 2
    mkdir -p "$work/$name"
    (cd "$work/$name" &&
        arm-none-eabi-g++ "${flags[@]}" "$@" -DMAILWIRE_FW_IMAGE="$image" -fcallgraph-info=su \
            -c "$fw/main.cpp" -o main.o &&
        arm-none-eabi-g++ "${flags[@]}" "$@" -c "$fw/startup.cpp" -o startup.o &&
        arm-none-eabi-g++ "${flags[@]}" main.o startup.o "${link_more[@]}" "${link[@]}" -Wl,-Map="$work/$name.map" \
            -o "$work/$name.elf")
    if arm-none-eabi-nm "$work/$name.elf" | grep -Eq ' (malloc|free|_malloc_r|_Znwj|_Znaj|_ZdlPv|_ZdaPv)$'; then
        echo "$name: the image links the heap (malloc/free/new/delete)" >&2
        exit 1
    fi
}
# size NAME -> "text data bss"
size_of() { arm-none-eabi-size "$work/$1.elf" | awk 'NR == 2 { print $1, $2, $3 }'; }
# symbol_size NAME SYMBOL-REGEX -> bytes (from nm -S, demangled)
symbol_size() {
    local hex
    hex=$(arm-none-eabi-nm -S -C "$work/$1.elf" | awk -v re="$2" '$0 ~ re { print $2; exit }')
    echo $((16#${hex:-0}))
}
stack_of() { "$python" "$here/stack.py" main "$work/$1/main.ci" 2>/dev/null; }

build baseline 0
build baseline-raw 0 -DMAILWIRE_FW_LOG_RAW # the application sends its log without base64
build plain 1
build plain-noadvice 1 -DMAILWIRE_ADVICE=0
# The features the firmware's mailwire_config.h compiles out (MAIL parameters, full address syntax)
build plain-allfeatures-noadvice 1 -DMAILWIRE_ADVICE=0 -DMAILWIRE_MAIL_PARAMETERS=1 -DMAILWIRE_ADDRESS_SYNTAX=1
build plain-fulladvice 1 -DMAILWIRE_ADVICE_SHORT=0 # the full advice texts, as hosted builds have them
build composer 2
build composer-noadvice 2 -DMAILWIRE_ADVICE=0

# The TLS image: mbedTLS (Debian's source package, cross-compiled by mbedtls.sh with
# examples/firmware/mbedtls_config.h), its platform functions (examples/firmware/tls/fw_platform.c).
tls_built=0
if mbedtls_env=$(bash "$here/mbedtls.sh" "${MAILWIRE_MBEDTLS_CACHE:-$root/build/mbedtls}"); then
    mbedtls_include=$(sed -n 's/^MBEDTLS_INCLUDE=//p' <<<"$mbedtls_env")
    mbedtls_lib=$(sed -n 's/^MBEDTLS_LIB=//p' <<<"$mbedtls_env")
    tls_flags=(-I "$mbedtls_include" "-DMBEDTLS_CONFIG_FILE=\"$fw/mbedtls_config.h\"")
    mkdir -p "$work/tls-platform"
    (cd "$work/tls-platform" &&
        arm-none-eabi-gcc "${fw_c_flags[@]}" -Wall -Wextra -Werror "${tls_flags[@]}" -fcallgraph-info=su \
            -c "$fw/tls/fw_platform.c" -o fw_platform.o)
    link_more=("$work/tls-platform/fw_platform.o" -L "$mbedtls_lib" -lmbedtls -lmbedx509 -lmbedcrypto)
    build tls 3 "${tls_flags[@]}"
    build tls-noadvice 3 "${tls_flags[@]}" -DMAILWIRE_ADVICE=0 # and so MAILWIRE_TLS_DETAIL=0
    link_more=()
    tls_built=1
else
    echo "footprint: mbedTLS could not be fetched or built (bench/footprint/mbedtls.sh): no TLS image" >&2
fi

read -r bt bd bb < <(size_of baseline)
declare -A figure
report_image() { # name label
    local t d b
    read -r t d b < <(size_of "$1")
    figure[$1.flash]=$(( (t + d) - (bt + bd) ))
    figure[$1.ram]=$(( (d + b) - (bd + bb) ))
    figure[$1.stack]=$(stack_of "$1")
}
for image in plain plain-noadvice plain-allfeatures-noadvice plain-fulladvice composer composer-noadvice; do
    report_image "$image"
done
read -r rt rd _ < <(size_of baseline-raw)
figure[base64_encoder.flash]=$(( (bt + bd) - (rt + rd) ))
figure[client.object]=$(symbol_size plain '[(]anonymous namespace[)]::smtp$')
figure[composer.object]=$(symbol_size composer '[(]anonymous namespace[)]::message$')
figure[composer.flash_more]=$(( figure[composer.flash] - figure[plain.flash] ))
figure[composer-noadvice.flash_more]=$(( figure[composer-noadvice.flash] - figure[plain-noadvice.flash] ))
figure[baseline.stack]=$(stack_of baseline)

# archive_flash NAME REGEX -> bytes of flash (text, rodata, data) the link map takes from input
# files whose name matches REGEX (e.g. the mbedTLS archives)
archive_flash() {
    "$python" - "$work/$1.map" "$2" <<'PY'
import re, sys
lines = open(sys.argv[1], encoding="utf-8", errors="replace").read().split("\n")
wanted = re.compile(sys.argv[2])
start = next(i for i, l in enumerate(lines) if l.startswith("Linker script and memory map"))
alone = re.compile(r"^ (\.\S+)\s*$")  # a long section name, its address on the next line
entry = re.compile(r"^ (\.\S+)?\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$")
total, pending = 0, None
for line in lines[start:]:
    m = alone.match(line)
    if m:
        pending = m.group(1)
        continue
    m = entry.match(line)
    name = (m.group(1) or pending) if m else None
    pending = None
    if not name or name.startswith((".bss", ".debug", ".comment", ".ARM.attributes", "COMMON")):
        continue
    path = m.group(4).split("(")[0]
    if wanted.search(path.rsplit("/", 1)[-1]):
        total += int(m.group(3), 16)
print(total)
PY
}
if ((tls_built)); then
    report_image tls
    # The worst depth through mailwire and mbedTLS: both call graphs, mbedTLS's calls through
    # function pointers resolved for this configuration (examples/firmware/tls/callgraph.py).
    figure[tls.stack]=$("$python" "$fw/tls/callgraph.py" "$work/tls/main.ci" \
        "$work/tls-platform/fw_platform.ci" "$mbedtls_lib"/*.ci >"$work/tls-all.ci" 2>/dev/null &&
        "$python" "$here/stack.py" main "$work/tls-all.ci" 2>/dev/null || true)
    figure[tls.mailwire_stack]=$(stack_of tls)
    figure[tls.mbedtls_flash]=$(archive_flash tls '^libmbed.*[.]a$')
    figure[tls.glue_flash]=$(( figure[tls.flash] - figure[plain.flash] - figure[tls.mbedtls_flash] ))
    # What of that glue is mailwire's own TLS code (mbedtls_tls and the client's TLS paths): not the
    # trust anchor (the application's data), the platform functions mbedTLS's configuration asks
    # for (fw_platform.c), nor the C library functions only mbedTLS pulls in. NAME PLAIN-NAME
    mailwire_glue() {
        # main.o's own bytes in the link map, the TLS image's less the plain one's: the linker's
        # alignment padding (which moves with unrelated code) is not in it. Less the CA and the
        # application's entropy callback; its few lines of TLS settings in main() stay counted.
        local main_tls main_plain ca entropy
        main_tls=$(archive_flash "$1" '^main[.]o$')
        main_plain=$(archive_flash "$2" '^main[.]o$')
        ca=$(symbol_size "$1" 'firmware_ca::isrg_root_x1$')
        entropy=$(symbol_size "$1" 'board_entropy')
        echo $(( main_tls - main_plain - ca - entropy ))
    }
    figure[tls.mailwire_glue_flash]=$(mailwire_glue tls plain)
    figure[tls-noadvice.mailwire_glue_flash]=$(mailwire_glue tls-noadvice plain-noadvice)
    figure[tls.object]=$(symbol_size tls '[(]anonymous namespace[)]::smtp$')
    figure[tls.heap]=$(symbol_size tls '[(]anonymous namespace[)]::tls_heap$')
    # The heap mbedTLS really uses in a handshake and a send, measured on the host with the same
    # configuration (heap/measure.sh): it must fit in the static buffer the image gives it.
    heap_lines=$(bash "$here/heap/measure.sh" "${MAILWIRE_MBEDTLS_CACHE:-$root/build/mbedtls}")
    figure[tls.heap_peak_ec]=$(awk '$1 == "HEAP" && $2 == "ec" { print $3 }' <<<"$heap_lines")
    figure[tls.heap_peak_rsa]=$(awk '$1 == "HEAP" && $2 == "rsa" { print $3 }' <<<"$heap_lines")
fi

printf '\nmailwire on a Cortex-M4 (arm-none-eabi-g++ %s, -Os, nano.specs): what mailwire adds to a\n' \
    "$(arm-none-eabi-g++ -dumpversion)"
printf 'baseline image of %d bytes flash (same board, transport, tick)\n\n' $((bt + bd))
printf '%-52s %10s %10s\n' "figure" "measured" "budget"
failed=0
while read -r key budget _; do
    [[ -z "$key" || "$key" == \#* ]] && continue
    value=${figure[$key]:-}
    [[ "$key" == tls.* ]] && ((!tls_built)) && continue # no mbedTLS: said above
    if [[ -z "$value" ]]; then
        echo "budgets.txt names $key, which run.sh does not measure" >&2
        exit 1
    fi
    mark=""
    if ((value > budget)); then
        mark="  <-- over budget"
        failed=1
    fi
    printf '%-52s %10d %10d%s\n' "$key" "$value" "$budget" "$mark"
done <"$here/budgets.txt"
printf '\nno image links malloc, free, new or delete\n'
if ((failed)); then
    echo "footprint: a budget is exceeded (bench/footprint/budgets.txt)" >&2
    exit 1
fi
