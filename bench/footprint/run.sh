#!/usr/bin/env bash
# Firmware footprint: builds the Cortex-M4 images of examples/firmware with Debian's
# arm-none-eabi toolchain and reports, for each, what mailwire adds to a baseline image (the same
# board, transport and tick without mailwire): flash (text + data), RAM (data + bss), the client's
# and the composer's objects, and the worst stack depth (GCC's -fcallgraph-info, summed along the
# deepest call path from main). Fails when a figure exceeds bench/footprint/budgets.txt, or when
# an image needs the heap (the link has no _sbrk, so malloc cannot link; nm checks as well).
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

flags=(-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 -Os -std=c++17 -fno-exceptions -fno-rtti
       -fno-threadsafe-statics -ffunction-sections -fdata-sections -DNDEBUG -Wall -Wextra -Werror
       -I "$root/include")
link=(-nostartfiles --specs=nano.specs -Wl,--gc-sections -T "$fw/link.ld")

# build NAME IMAGE [extra flags...] -> $work/NAME.elf, and $work/NAME/main.ci for the stack
build() {
    local name=$1 image=$2
    shift 2
    mkdir -p "$work/$name"
    (cd "$work/$name" &&
        arm-none-eabi-g++ "${flags[@]}" "$@" -DMAILWIRE_FW_IMAGE="$image" -fcallgraph-info=su \
            -c "$fw/main.cpp" -o main.o &&
        arm-none-eabi-g++ "${flags[@]}" "$@" -c "$fw/startup.cpp" -o startup.o &&
        arm-none-eabi-g++ "${flags[@]}" main.o startup.o "${link[@]}" -Wl,-Map="$work/$name.map" \
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
build plain 1
build plain-noadvice 1 -DMAILWIRE_ADVICE=0
build composer 2
build composer-noadvice 2 -DMAILWIRE_ADVICE=0

read -r bt bd bb < <(size_of baseline)
declare -A figure
report_image() { # name label
    local t d b
    read -r t d b < <(size_of "$1")
    figure[$1.flash]=$(( (t + d) - (bt + bd) ))
    figure[$1.ram]=$(( (d + b) - (bd + bb) ))
    figure[$1.stack]=$(stack_of "$1")
}
for image in plain plain-noadvice composer composer-noadvice; do report_image "$image"; done
figure[client.object]=$(symbol_size plain '[(]anonymous namespace[)]::smtp$')
figure[composer.object]=$(symbol_size composer '[(]anonymous namespace[)]::message$')
figure[composer.flash_more]=$(( figure[composer.flash] - figure[plain.flash] ))
figure[composer-noadvice.flash_more]=$(( figure[composer-noadvice.flash] - figure[plain-noadvice.flash] ))
figure[baseline.stack]=$(stack_of baseline)

printf '\nmailwire on a Cortex-M4 (arm-none-eabi-g++ %s, -Os, nano.specs): what mailwire adds to a\n' \
    "$(arm-none-eabi-g++ -dumpversion)"
printf 'baseline image of %d bytes flash (same board, transport, tick)\n\n' $((bt + bd))
printf '%-52s %10s %10s\n' "figure" "measured" "budget"
failed=0
while read -r key budget _; do
    [[ -z "$key" || "$key" == \#* ]] && continue
    value=${figure[$key]:-}
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
