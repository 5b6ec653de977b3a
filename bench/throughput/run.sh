#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# Throughput benchmark (bench/throughput/README.md). On Debian 12 (as root, or with sudo) it first
# installs what it needs when something is missing (MAILWIRE_SKIP_APT=1 skips that), then builds
# mailwire-send (CMake, Release) in build/bench-throughput and, with gcc/g++ -O2, the sink, the
# libcurl sender and the mailwire sender into build/bench-throughput/bin, and runs bench.py.
#
#   bash bench/throughput/run.sh                 # 5 rounds, the sizes of the README
#   bash bench/throughput/run.sh --rounds 3
#   bash bench/throughput/run.sh --short         # CI: tiny sizes, 1 round, every component
#   bash bench/throughput/run.sh --tree DIR --label "before X"   # mailwire from another checkout
#
# --tree DIR builds mailwire_batch and mailwire-send from DIR (a `git worktree` of another commit,
# say) instead of this checkout, in build/bench-throughput-tree-<hash of DIR>; --label TEXT is
# printed above the table. Every other argument goes to bench.py (--rounds N, --count N,
# --big-size OCTETS, --big-count N, --rt-count N, --rss-size OCTETS, --clients LIST, --no-pin).
# Only loopback is used. Everything started is stopped at exit; scratch files live in a mktemp
# directory that is removed at exit. Exits non-zero only when something breaks (a build, a
# sender, a sink that did not get what was sent), never because of a figure.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"

tree=$root
label=""
pass=()
while (($#)); do
    case $1 in
    --tree) tree=$(cd "${2:?--tree needs a directory}" && pwd); shift 2 ;;
    --label) label=${2?--label needs a text}; shift 2 ;;
    *) pass+=("$1"); shift ;;
    esac
done
[[ -f "$tree/include/mailwire/mailwire.hpp" ]] || { echo "run.sh: $tree has no include/mailwire/mailwire.hpp" >&2; exit 64; }

# ------------------------------------------------------------------------------- packages
# package: what shows it is there
need=(
    "build-essential:g++ gcc make"
    "cmake:cmake"
    "libcurl4-openssl-dev:curl-config"
    "libmbedtls-dev:/usr/include/mbedtls/ssl.h"
    "python3:python3"
    "util-linux:taskset"
    "postfix:/usr/sbin/smtp-source /usr/sbin/smtp-sink"
    "time:/usr/bin/time"
)
missing=()
for entry in "${need[@]}"; do
    package=${entry%%:*}
    for thing in ${entry#*:}; do
        if [[ $thing == /* ]]; then [[ -e $thing ]] && continue; else command -v "$thing" >/dev/null && continue; fi
        missing+=("$package")
        break
    done
done
if ((${#missing[@]})); then
    if [[ "${MAILWIRE_SKIP_APT:-}" == 1 ]] || ! command -v apt-get >/dev/null; then
        echo "run.sh: missing ${missing[*]} (not installing: MAILWIRE_SKIP_APT=1 or no apt-get)" >&2
        # Optional: without Postfix, smtp-source and smtp-sink are left out; without time, the RSS.
        for package in "${missing[@]}"; do [[ $package == postfix || $package == time ]] || exit 1; done
    else
        echo "installing: ${missing[*]}"
        sudo=()
        if [[ $(id -u) -ne 0 ]]; then
            command -v sudo >/dev/null || { echo "run as root (or install sudo) to install ${missing[*]}" >&2; exit 1; }
            sudo=(sudo)
        fi
        if [[ " ${missing[*]} " == *" postfix "* ]]; then
            # Only for smtp-source and smtp-sink: no mail system of its own set up or started.
            echo "postfix postfix/main_mailer_type select No configuration" | "${sudo[@]}" debconf-set-selections
        fi
        "${sudo[@]}" apt-get update
        "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
    fi
fi
python=/usr/bin/python3
[[ -x "$python" ]] || python=python3

# ----------------------------------------------------------------------------------- build
if [[ $tree == "$root" ]]; then
    build="$root/build/bench-throughput"
else
    build="$root/build/bench-throughput-tree-$(printf '%s' "$tree" | md5sum | cut -c1-8)"
fi
bin="$build/bin"
mkdir -p "$bin"
jobs=$(nproc 2>/dev/null || echo 2)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mailwire-throughput.XXXXXX")
bench_pid=""
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    if [[ -n $bench_pid ]] && kill -0 "$bench_pid" 2>/dev/null; then
        kill -TERM "$bench_pid" 2>/dev/null || true
        wait "$bench_pid" 2>/dev/null || true
    fi
    # Whatever bench.py started and could not stop itself: only processes whose command line
    # names this run's scratch directory (the sinks' and the proxies' logs, smtp-sink's -h).
    if [[ -f "$tmp/pids" ]]; then
        local pid
        while read -r pid; do
            if [[ -r /proc/$pid/cmdline ]] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "$(basename "$tmp")"; then
                kill -TERM "$pid" 2>/dev/null || true
            fi
        done <"$tmp/pids"
    fi
    rm -rf "$tmp"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

build_step() { # what, command...: the command's output only when it fails
    local what=$1
    shift
    if ! "$@" >"$tmp/build.log" 2>&1; then
        cat "$tmp/build.log" >&2
        echo "run.sh: building $what failed" >&2
        exit 1
    fi
}
started=$SECONDS
echo "building in $build (mailwire from $tree)"
build_step "the CMake configuration" cmake -S "$tree" -B "$build" -DCMAKE_BUILD_TYPE=Release -DMAILWIRE_BUILD_TESTS=OFF
build_step mailwire-send cmake --build "$build" --target mailwire-send -j "$jobs"
send="$build/examples/send/mailwire-send"
[[ -x $send ]] || send=$(find "$build" -name mailwire-send -type f -perm -u+x | head -n 1)
build_step sink gcc -O2 -Wall -Wextra -o "$bin/sink" "$here/sink.c"
# shellcheck disable=SC2046 # curl-config's flags are words
build_step curl_batch gcc -O2 -Wall -Wextra -o "$bin/curl_batch" "$here/curl_batch.c" $(curl-config --cflags) $(curl-config --libs)
build_step mailwire_batch g++ -O2 -DNDEBUG -std=c++17 -Wall -Wextra -I "$tree/include" -o "$bin/mailwire_batch" "$here/mailwire_batch.cpp"
echo "built in $((SECONDS - started)) s"

# What is measured: the commit, and whether include/ differs from it (read-only git commands).
if [[ -z $label ]] && git -C "$tree" rev-parse --git-dir >/dev/null 2>&1; then
    label="mailwire $(git -C "$tree" rev-parse --short HEAD)"
    git -C "$tree" --no-optional-locks diff --quiet HEAD -- include examples/send 2>/dev/null ||
        label+=" with uncommitted changes in include/ or examples/send/"
fi

# In the background, so that a signal reaches the trap at once (bash runs traps between commands).
"$python" "$here/bench.py" --bin "$bin" --send "$send" --tmp "$tmp" --pids "$tmp/pids" --label "$label" \
    ${pass[@]+"${pass[@]}"} &
bench_pid=$!
status=0
wait "$bench_pid" || status=$?
bench_pid=""
exit "$status"
