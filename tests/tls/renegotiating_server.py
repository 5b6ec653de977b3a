#!/usr/bin/env python3
# SPDX-License-Identifier: BSL-1.0
"""A TLS 1.2 server that asks its client to renegotiate, for mailwire's TLS tests.

    renegotiating_server.py --outdir DIR --cert FILE --key FILE [--host 127.0.0.1]

Python's ssl module cannot start a renegotiation, so this drives Debian's `openssl s_server`
(implicit TLS, TLS 1.2 only, one connection) through its standard input: the greeting
"220 renegotiate.test ESMTP" goes out as soon as the client has connected, and when the client's
EHLO arrives, s_server's "r" command sends a HelloRequest (RFC 5246 §7.4.1.1). A client that
refuses (the warning alert no_renegotiation) makes s_server give up on the connection.

It prints "READY <port>" once s_server listens. DIR/events.log gets EHLO and RENEGOTIATE as they
happen, then every line s_server printed (as "OUT <line>") once it has ended. It exits when its
standard input reaches end of file (the test process is done with it), or after 20 s.
"""

import argparse
import os
import subprocess
import sys
import threading


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--outdir", required=True)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    args = p.parse_args()
    events = open(os.path.join(args.outdir, "events.log"), "a", buffering=1)

    server = subprocess.Popen(
        ["openssl", "s_server", "-accept", args.host + ":0", "-cert", args.cert, "-key", args.key,
         "-tls1_2", "-crlf", "-naccept", "1"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
    output = []
    for line in server.stdout:
        output.append(line.rstrip("\n"))
        if line.startswith("ACCEPT "):
            port = line.strip().rsplit(":", 1)[1]
            break
    else:
        print("BINDFAIL openssl s_server did not listen: " + " | ".join(output), flush=True)
        sys.exit(3)
    # Read by s_server once a client has connected: the greeting.
    server.stdin.write("220 renegotiate.test ESMTP\n")
    server.stdin.flush()
    print("READY " + port, flush=True)

    def watch():
        for line in server.stdout:
            output.append(line.rstrip("\n"))
            if line.upper().startswith("EHLO"):
                events.write("EHLO\n")
                try:
                    server.stdin.write("r\n")  # SSL_renegotiate: a HelloRequest
                    server.stdin.flush()
                    events.write("RENEGOTIATE\n")
                except OSError:
                    pass
    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()

    done = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()
    done.wait(20)
    server.kill()
    server.wait()
    watcher.join(2)
    for line in output:
        events.write("OUT " + line + "\n")
    events.close()


if __name__ == "__main__":
    main()
