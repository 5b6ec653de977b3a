#!/usr/bin/env python3
# SPDX-License-Identifier: BSL-1.0
"""Recipients per second: mailwire-send (pipelining) beside Python's smtplib (lock-step).

The server is tests/interop/lockstep_server.py: 4 KiB socket buffers, each command answered as it
is read, one write per reply (sendmail's wording), with Nagle's algorithm off (TCP_NODELAY) or on.
One message to N recipients per run, over loopback; each figure is the median of --runs runs,
wall-clock time from connect to QUIT's reply (mailwire-send: the process, start-up included).
Not a test: nothing is asserted, and the figures go into bench/pipelining/README.md by hand.
    python3 bench/pipelining/bench.py --send build/bench/examples/send/mailwire-send
"""
import argparse
import os
import smtplib
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SERVER = os.path.join(ROOT, "tests", "interop", "lockstep_server.py")
MESSAGE = "From: sender@example.org\r\nSubject: bench\r\n\r\nOne message, many recipients.\r\n"


class Server:
    def __init__(self, nagle):
        self.dir = tempfile.mkdtemp(prefix="mailwire-bench-")
        args = [sys.executable, "-u", SERVER, "--outdir", self.dir] + (["--nagle"] if nagle else [])
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        line = self.proc.stdout.readline().decode()
        if not line.startswith("READY "):
            raise SystemExit("server did not start: " + line)
        self.port = int(line.split()[1])

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(5)


def run_mailwire(send, port, rcpts):
    t0 = time.monotonic()
    r = subprocess.run([send, "--profile", "relay", "--tls", "none", "--host", "127.0.0.1", "--port", str(port),
                        "--from", "sender@example.org", "--timeout", "60", "--"] + rcpts,
                       input=MESSAGE.encode(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    took = time.monotonic() - t0
    if r.returncode != 0:
        raise SystemExit("mailwire-send exit {}: {}".format(r.returncode, r.stderr.decode()[-500:]))
    return took


def run_smtplib(port, rcpts):
    t0 = time.monotonic()
    with smtplib.SMTP("127.0.0.1", port, timeout=60) as s:
        refused = s.sendmail("sender@example.org", rcpts, MESSAGE)
        if refused:
            raise SystemExit("smtplib: refused {}".format(len(refused)))
    return time.monotonic() - t0


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--send", required=True, help="the mailwire-send executable")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--counts", default="300,1000,5000")
    args = p.parse_args()
    print("| recipients | server's Nagle | mailwire-send: s | rcpt/s | smtplib lock-step: s | rcpt/s |")
    print("|---:|---|---:|---:|---:|---:|")
    for nagle in (False, True):
        for n in (int(c) for c in args.counts.split(",")):
            rcpts = ["rcpt{}@example.org".format(i) for i in range(1, n + 1)]
            times = {"mailwire": [], "smtplib": []}
            server = Server(nagle)
            try:
                for _ in range(args.runs):
                    times["mailwire"].append(run_mailwire(args.send, server.port, rcpts))
                    times["smtplib"].append(run_smtplib(server.port, rcpts))
            finally:
                server.close()
            m, s = statistics.median(times["mailwire"]), statistics.median(times["smtplib"])
            print("| {} | {} | {:.3f} | {:,.0f} | {:.3f} | {:,.0f} |".format(
                n, "on" if nagle else "off", m, n / m, s, n / s), flush=True)


if __name__ == "__main__":
    main()
