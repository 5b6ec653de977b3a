#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# The interop and TLS tests under valgrind's memcheck (no sanitizers: valgrind sees the real
# allocator): every invalid read or write, use of uninitialised memory, or definite leak fails.
# mailwire-send, which the tests start, runs under valgrind too; the servers (Python, Postfix,
# openssl) do not.
#   bash scripts/valgrind.sh [BUILD_DIR]   (default build/test, which scripts/test.sh leaves)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-"$root/build/test"}
[[ -x "$build/tests/mailwire_interop_tests" ]] ||
    { echo "no test build in $build: run scripts/test.sh first (or give a build directory)" >&2; exit 1; }
if ! command -v valgrind >/dev/null; then
    sudo=()
    [[ $(id -u) -ne 0 ]] && sudo=(sudo)
    "${sudo[@]}" apt-get update
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends valgrind
fi
# The TLS tests' certificates (the ctest fixture tls.pki makes them; made here in case).
bash "$root/tests/tls/pki.sh" "$build/tests/pki"

memcheck=(valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite
          --trace-children=yes
          --trace-children-skip='*python*,*openssl*,*postfix*,*master*,*bash*,*script*,*/php*,*/git,*/git-*,*/perl*,*/bsd-mailx,*/mailx')
for tests in mailwire_interop_tests mailwire_tls_tests; do
    printf '\n==== %s under valgrind\n' "$tests"
    (cd "$build/tests" && "${memcheck[@]}" "./$tests")
done
printf '\nvalgrind found nothing\n'
