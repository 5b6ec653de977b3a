#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# Static analysis of the library's headers; any finding fails.
#   cppcheck    warning, performance and portability checks; an intended finding is suppressed
#               in place with a comment that says why (`// cppcheck-suppress <id>` on the line before)
#   clang-tidy  the checks in .clang-tidy (bugprone, cert, clang-analyzer, misc, performance,
#               portability) on one translation unit that includes every header and instantiates
#               the client (POSIX + mbedTLS, scripted) and the composer, then the Arduino and
#               Zephyr transports with their platforms' stand-in headers; an intended finding is
#               kept with NOLINT(check) and its reason on the same line
#   bash scripts/analyze.sh
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
if ! command -v cppcheck >/dev/null || ! command -v clang-tidy >/dev/null || [[ ! -f /usr/include/mbedtls/ssl.h ]]; then
    sudo=()
    [[ $(id -u) -ne 0 ]] && sudo=(sudo)
    "${sudo[@]}" apt-get update
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends cppcheck clang-tidy \
        libmbedtls-dev
fi
cppcheck --version
cppcheck --std=c++17 --language=c++ --enable=warning,performance,portability --inline-suppr --quiet \
    --error-exitcode=1 -I include \
    include/mailwire/mailwire.hpp include/mailwire/mbedtls_tls.hpp \
    include/mailwire/testing/scripted_transport.hpp include/mailwire/testing/fault_injection.hpp
echo "cppcheck: no findings"

clang-tidy --version | sed -n 2p
work=$(mktemp -d "${TMPDIR:-/tmp}/mailwire-tidy.XXXXXX")
trap 'rm -rf "$work"' EXIT
cat >"$work/all_headers.cpp" <<'EOF'
#include <mailwire/mailwire.hpp>
#include <mailwire/mbedtls_tls.hpp>
#include <mailwire/message.hpp>
#include <mailwire/posix_transport.hpp>
#include <mailwire/testing/fault_injection.hpp>
#include <mailwire/testing/scripted_transport.hpp>
template class mailwire::basic_client<mailwire::posix_transport, mailwire::mbedtls_tls, mailwire::profiles::submission>;
template class mailwire::basic_client<mailwire::testing::scripted_transport, mailwire::no_tls, mailwire::profiles::relay,
                                      mailwire::testing::manual_clock>;
template class mailwire::basic_message<>;
int main() { return 0; }
EOF
clang-tidy --quiet --config-file="$root/.clang-tidy" --header-filter="$root/include/mailwire/.*" \
    "$work/all_headers.cpp" -- -std=c++17 -I "$root/include"
# The platform transports, each with the stand-ins of its platform's headers (as its tests build them).
cat >"$work/arduino.cpp" <<'EOF'
#include <WiFiClient.h>
#include <mailwire/arduino_client_transport.hpp>
#include <mailwire/mailwire.hpp>
template class mailwire::arduino_client_transport<WiFiClient>;
template class mailwire::basic_client<mailwire::arduino_client_transport<WiFiClient>, mailwire::no_tls,
                                      mailwire::profiles::relay, mailwire::arduino_clock>;
int main() { return 0; }
EOF
clang-tidy --quiet --config-file="$root/.clang-tidy" --header-filter="$root/include/mailwire/.*" \
    "$work/arduino.cpp" -- -std=c++17 -DARDUINO=10819 -I "$root/tests/arduino/host" -I "$root/include"
cat >"$work/zephyr.cpp" <<'EOF'
#include <mailwire/mailwire.hpp>
template class mailwire::basic_socket_transport<mailwire::zephyr_sockets>;
template class mailwire::basic_client<mailwire::zephyr_transport, mailwire::no_tls, mailwire::profiles::relay>;
int main() { return 0; }
EOF
clang-tidy --quiet --config-file="$root/.clang-tidy" --header-filter="$root/include/mailwire/.*" \
    "$work/zephyr.cpp" -- -std=c++17 -D__ZEPHYR__=1 -U__unix__ -U__linux__ -I "$root/examples/zephyr/host/include" \
    -I "$root/include"
echo "clang-tidy: no findings"
