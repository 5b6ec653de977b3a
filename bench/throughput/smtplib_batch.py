#!/usr/bin/env python3
# SPDX-License-Identifier: BSL-1.0
"""Python smtplib's side of the throughput benchmark (the fourth peer).

Sends --count messages of --size octets (make_message: the same octets as message.h) to one
recipient each over one connection with smtplib.SMTP.sendmail (lock-step: smtplib does not
pipeline, nor send BDAT), then QUIT. Prints one line,
client=smtplib messages=N size=S elapsed=SECONDS cpu=SECONDS, where elapsed is wall-clock time
from connect to QUIT's reply and cpu is this process's user + system time over the same span.
    python3 smtplib_batch.py --port 2525 --count 1000 --size 1024
"""
import argparse
import resource
import smtplib
import sys
import time

HEADER = (b"From: Bench Sender <sender@example.org>\r\n"
          b"To: <rcpt@example.org>\r\n"
          b"Subject: mailwire throughput benchmark\r\n"
          b"Date: Mon, 07 Dec 2026 00:00:00 +0000\r\n"
          b"Message-ID: <throughput@example.org>\r\n"
          b"MIME-Version: 1.0\r\n"
          b"Content-Type: text/plain; charset=us-ascii\r\n"
          b"\r\n")
TEXT = b"abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789 "


def make_message(size):
    """message.h's bench_message(): exactly max(size, header + 3) octets, lines of 78 + CRLF."""
    size = max(size, len(HEADER) + 3)
    # A line's text depends only on its number modulo len(TEXT): build those once.
    doubled = TEXT * 3
    full = [doubled[k:k + 78] + b"\r\n" for k in range(len(TEXT))]
    parts = [HEADER]
    left = size - len(HEADER)
    line_no = 0
    while left > 0:
        line = min(left, 80)
        if left - line in (1, 2):
            line = left - 3
        if line == 80:
            parts.append(full[line_no % len(TEXT)])
        else:
            k = line_no % len(TEXT)
            parts.append(doubled[k:k + line - 2] + b"\r\n")
        left -= line
        line_no += 1
    return b"".join(parts)


def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--count", type=int, default=1)
    p.add_argument("--size", type=int, default=1024)
    args = p.parse_args()
    message = make_message(args.size)
    t0, c0 = time.monotonic(), cpu()
    with smtplib.SMTP(args.host, args.port, local_hostname="client.example", timeout=120) as s:
        for i in range(args.count):
            refused = s.sendmail("sender@example.org", ["rcpt@example.org"], message)
            if refused:
                sys.exit("smtplib_batch: message {}: refused {}".format(i + 1, refused))
    t1, c1 = time.monotonic(), cpu()
    print("client=smtplib messages={} size={} elapsed={:.6f} cpu={:.6f}".format(
        args.count, len(message), t1 - t0, c1 - c0))


if __name__ == "__main__":
    main()
