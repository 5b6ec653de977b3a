#!/usr/bin/env python3
# SPDX-License-Identifier: BSL-1.0
"""A stand-in for the firmware example's modem (examples/firmware/modem_transport.hpp): it answers
the AT commands the transport sends and bridges transparent mode to a real SMTP server.

    modem.py --socket PATH --smtp-port PORT [--port-file FILE] [--log FILE]

Listens on the Unix socket PATH, where QEMU connects the board's USART1. On
AT+CIPSTART="TCP","<host>",<port> it connects to 127.0.0.1:PORT (the host name is the firmware's
own, smtp.example.org, and not resolved), answers CONNECT and from then on passes bytes both ways.
When the server closes, it answers later AT commands (the transport's +++ and AT+CIPCLOSE) with OK.
With --port-file, the port is read from FILE's "READY <port>" line (aiosmtpd_server.py's output),
waiting for it up to 10 s. Prints "READY" once listening, and exits when QEMU disconnects or on
SIGTERM.
"""

import argparse
import os
import re
import select
import socket
import sys
import time

CIPSTART = re.compile(rb'AT\+CIPSTART="TCP","([^"]*)",(\d+)\r\n')


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--socket", required=True)
    p.add_argument("--smtp-port", type=int, required=True)
    p.add_argument("--port-file")
    p.add_argument("--log")
    args = p.parse_args()
    if args.port_file:
        deadline = time.monotonic() + 10
        while True:
            try:
                words = open(args.port_file).read().split()
            except OSError:
                words = []
            if len(words) >= 2 and words[0] == "READY":
                args.smtp_port = int(words[1])
                break
            if time.monotonic() > deadline:
                print("modem: no server port in %s" % args.port_file, file=sys.stderr)
                return 1
            time.sleep(0.05)
    log = open(args.log, "w") if args.log else sys.stderr

    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    if os.path.exists(args.socket):
        os.unlink(args.socket)
    listener.bind(args.socket)
    listener.listen(1)
    print("READY", flush=True)
    uart, _ = listener.accept()
    smtp = None
    pending = b""
    while True:
        socks = [uart] + ([smtp] if smtp else [])
        readable, _, _ = select.select(socks, [], [], 60)
        if not readable:
            print("modem: nothing for 60 s", file=log, flush=True)
            return 1
        if uart in readable:
            data = uart.recv(4096)
            if not data:
                print("modem: the board went away", file=log, flush=True)
                return 0
            if smtp:
                smtp.sendall(data)
                continue
            pending += data
            while b"\r\n" in pending:
                m = CIPSTART.match(pending)
                line, pending = pending.split(b"\r\n", 1)
                print("modem: AT line %r" % line, file=log, flush=True)
                if m:
                    smtp = socket.create_connection(("127.0.0.1", args.smtp_port))
                    print("modem: connected for %s:%s" % (m.group(1).decode(), m.group(2).decode()),
                          file=log, flush=True)
                    uart.sendall(b"CONNECT\r\n")
                    pending = b""
                    break
                uart.sendall(b"OK\r\n")
        if smtp and smtp in readable:
            data = smtp.recv(4096)
            if not data:
                print("modem: the server closed the connection", file=log, flush=True)
                smtp.close()
                smtp = None
                continue
            uart.sendall(data)


if __name__ == "__main__":
    sys.exit(main())
