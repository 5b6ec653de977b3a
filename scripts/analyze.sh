#!/usr/bin/env bash
# cppcheck on the library's headers (warning, performance and portability checks). Any finding
# fails; a finding that is intended is suppressed in place with a comment that says why
# (`// cppcheck-suppress <id>` on the line before).
#   bash scripts/analyze.sh
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
if ! command -v cppcheck >/dev/null; then
    sudo=()
    [[ $(id -u) -ne 0 ]] && sudo=(sudo)
    "${sudo[@]}" apt-get update
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends cppcheck
fi
cppcheck --version
cppcheck --std=c++17 --language=c++ --enable=warning,performance,portability --inline-suppr --quiet \
    --error-exitcode=1 -I include \
    include/mailwire/mailwire.hpp include/mailwire/mbedtls_tls.hpp \
    include/mailwire/testing/scripted_transport.hpp include/mailwire/testing/fault_injection.hpp
echo "cppcheck: no findings"
