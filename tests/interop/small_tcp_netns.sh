#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# Runs a command in a network namespace of its own whose TCP buffers are 4 KiB and cannot grow
# (net.ipv4.tcp_rmem and tcp_wmem are per namespace), with only its loopback up. On the host's
# loopback Linux grows a socket's send buffer until it holds a whole pipelined envelope, which
# hides the deadlock of issue 17; here a client that writes every command before reading a reply
# deadlocks every time (the client before the fix: exit 75 at its deadline), as it does against a
# small MTA or an embedded stack. No traffic leaves the namespace.
#
#   bash tests/interop/small_tcp_netns.sh COMMAND [ARGS...]
# Exit 77 (CTest: skipped) when a namespace cannot be made here (not root, no unshare).
set -euo pipefail
if [[ "${MAILWIRE_IN_SMALL_NETNS:-}" != 1 ]]; then
    if ! command -v unshare >/dev/null || ! unshare --net true 2>/dev/null; then
        echo "small_tcp_netns.sh: cannot create a network namespace here (needs root and unshare): skipped"
        exit 77
    fi
    exec unshare --net env MAILWIRE_IN_SMALL_NETNS=1 bash "$0" "$@"
fi
ip link set lo up
sysctl -qw net.ipv4.tcp_rmem="4096 4096 4096" net.ipv4.tcp_wmem="4096 4096 4096"
echo "small_tcp_netns.sh: tcp_rmem $(sysctl -n net.ipv4.tcp_rmem | tr '\t' ' '), tcp_wmem $(sysctl -n net.ipv4.tcp_wmem | tr '\t' ' ')"
exec "$@"
