#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# Pipelining benchmark (bench/pipelining/README.md): builds mailwire-send (Release) in
# build/bench and runs bench.py against tests/interop/lockstep_server.py. Extra arguments go to
# bench.py (--runs N, --counts 300,1000,5000).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
cmake -S . -B build/bench -DCMAKE_BUILD_TYPE=Release -DMAILWIRE_BUILD_TESTS=OFF >/dev/null
cmake --build build/bench --target mailwire-send -j "$(nproc 2>/dev/null || echo 2)" >/dev/null
send=$(find build/bench -name mailwire-send -type f -perm -u+x | head -n 1)
python3 bench/pipelining/bench.py --send "$send" "$@"
