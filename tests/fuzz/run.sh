#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# The fuzz targets (libFuzzer, clang with AddressSanitizer and UndefinedBehaviorSanitizer):
#   reply    the reply parser and assembler, the EHLO capability parser, enhanced status codes
#   base64   base64 decoding and encoding as SASL challenges arrive
#   session  a whole client session driven by fuzzed server bytes (STARTTLS through a pass-through
#            TLS policy, AUTH challenges, pipelined replies, the final reply), fuzzed envelope and body
#   session-small  the same with the smallest buffers (96-octet receive, 64-octet send): reply
#            lines cut, commands streamed; and as the firmware builds it, without MAIL parameters and
#            the full address syntax (then no address may add a parameter or a command)
#   message  the composer with fuzzed display names, subject, header value, bodies, file name
#
#   bash tests/fuzz/run.sh [SECONDS]   (default 45 per target)
#
# Builds each target, replays the committed regression inputs (tests/fuzz/regressions/<target>:
# inputs that once failed, each a bug since fixed), then fuzzes for SECONDS from the committed
# seed corpus (tests/fuzz/corpus/<target>). Any crash, sanitizer report or broken invariant fails
# the run and leaves the input under build/fuzz/. MAILWIRE_FUZZ_RUNS=N fuzzes N inputs instead
# of a time (for the long runs reported in the notes).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
here="$root/tests/fuzz"
seconds=${1:-45}
out="$root/build/fuzz"
mkdir -p "$out"

if ! echo 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }' |
    clang++ -x c++ -fsanitize=fuzzer - -o "$out/probe" 2>/dev/null; then
    echo "installing clang's libFuzzer runtime (libclang-rt-14-dev)"
    sudo=()
    [[ $(id -u) -ne 0 ]] && sudo=(sudo)
    "${sudo[@]}" apt-get update
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends clang libclang-rt-14-dev
fi

for target in reply base64 session session-small message; do
    printf '\n==== fuzz target %s\n' "$target"
    source_name=$target
    defines=()
    if [[ $target == session-small ]]; then
        source_name=session
        defines=(-DMAILWIRE_RX_BUFFER_SIZE=96 -DMAILWIRE_TX_BUFFER_SIZE=64 -DMAILWIRE_MAIL_PARAMETERS=0
                 -DMAILWIRE_ADDRESS_SYNTAX=0)
    fi
    clang++ -std=c++17 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all "${defines[@]}" \
        -I "$root/include" "$here/${source_name}_fuzz.cpp" -o "$out/$target"
    if [[ -d "$here/regressions/$source_name" ]]; then
        for input in "$here/regressions/$source_name"/*; do
            "$out/$target" "$input" >"$out/$target.regression.log" 2>&1 ||
                { cat "$out/$target.regression.log"; echo "regression input $input fails again" >&2; exit 1; }
            echo "regression ok: $(basename "$input")"
        done
    fi
    corpus="$out/corpus-$target"
    mkdir -p "$corpus"
    budget=(-max_total_time="$seconds")
    [[ -n "${MAILWIRE_FUZZ_RUNS:-}" ]] && budget=(-runs="$MAILWIRE_FUZZ_RUNS")
    if ! (cd "$out" && "./$target" "${budget[@]}" -print_final_stats=1 -artifact_prefix="$out/$target-" \
        "$corpus" "$here/corpus/$source_name" >"$out/$target.log" 2>&1); then
        tail -n 60 "$out/$target.log"
        echo "fuzz target $target failed: the input is in $out/$target-*" >&2
        exit 1
    fi
    grep -E 'stat::number_of_executed_units|stat::peak_rss_mb' "$out/$target.log" | sed "s/^/$target: /"
done
printf '\nfuzzing found nothing\n'
