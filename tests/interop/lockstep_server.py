#!/usr/bin/env python3
# SPDX-License-Identifier: BSL-1.0
"""A small SMTP server that answers each command as soon as it reads it, with small socket buffers.

It is the server of issue 17 (PIPELINING that deadlocks): SO_RCVBUF and SO_SNDBUF of 4096 (as
small MTAs and embedded TCP stacks have), TCP_NODELAY on unless --nagle, one blocking sendall() per
reply, worded as sendmail words them ("250 2.1.5 <rcpt>... Recipient ok"). A client that writes
a long pipelined envelope before it reads a reply fills the server's send buffer with replies; the
server then blocks writing and stops reading, and a client blocked writing never reads: deadlock.

Same interface as aiosmtpd_server.py for tests/interop/fixture.hpp: prints "READY <port>" once
listening, writes DIR/msg-<n>.json for each message ({"n", "mail_from", "rcpt_tos",
"content_base64", ...}) and DIR/events.log, and exits when its standard input reaches end of file
or on SIGTERM. Debian's python3 only; loopback addresses only.
"""
import argparse
import base64
import json
import os
import signal
import socket
import sys
import threading


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--outdir", required=True)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--buffer", type=int, default=4096, help="SO_RCVBUF and SO_SNDBUF (0: the system's)")
    p.add_argument("--nagle", action="store_true", help="leave Nagle's algorithm on (no TCP_NODELAY)")
    p.add_argument("--tls-cert", metavar="FILE", help="offer STARTTLS with this certificate (and --tls-key)")
    p.add_argument("--tls-key", metavar="FILE")
    args = p.parse_args()
    if args.host not in ("127.0.0.1", "::1", "localhost"):
        sys.exit("loopback addresses only")

    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if args.buffer:
        # Set on the listener, so accepted sockets have them from the handshake on (the window).
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, args.buffer)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, args.buffer)
    try:
        listener.bind((args.host, args.port))
    except OSError as e:
        print("BINDFAIL {}".format(e), flush=True)
        return
    listener.listen(8)
    context = None
    if args.tls_cert:
        import ssl
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls_cert, args.tls_key)
    lock = threading.Lock()
    count = [0]

    def event(line):
        with lock:
            with open(os.path.join(args.outdir, "events.log"), "a", encoding="utf-8") as f:
                f.write(line + "\n")

    def store(mail_from, rcpts, content, tls=False):
        with lock:
            count[0] += 1
            n = count[0]
        record = {"n": n, "mail_from": mail_from, "rcpt_tos": rcpts, "mail_options": [], "rcpt_options": [],
                  "content_base64": base64.b64encode(content).decode("ascii"), "ehlo": "",
                  "authenticated": False, "auth_login": "", "auth_mechanism": "", "tls": tls}
        path = os.path.join(args.outdir, "msg-{}.json".format(n))
        with open(path + ".tmp", "w", encoding="ascii") as f:
            json.dump(record, f, ensure_ascii=True)
        os.rename(path + ".tmp", path)
        event("MESSAGE {} {} recipients".format(n, len(rcpts)))

    def serve(conn):
        if not args.nagle:
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        say = lambda text: conn.sendall(text.encode("utf-8") + b"\r\n")  # one write per reply
        say("220 mx.example ESMTP Sendmail 8.17.1; ready")
        buf = b""
        mail_from, rcpts, data, in_data = None, [], b"", False
        encrypted = False
        while True:
            chunk = conn.recv(65536)
            if not chunk:
                break
            buf += chunk
            while True:
                if in_data:
                    if buf.startswith(b".\r\n"):
                        body, buf = b"", buf[3:]
                    else:
                        end = buf.find(b"\r\n.\r\n")
                        if end < 0:
                            break
                        body, buf = buf[:end + 2], buf[end + 5:]
                    in_data = False
                    lines = [l[1:] if l.startswith(b".") else l for l in body.split(b"\r\n")]
                    store(mail_from, rcpts, b"\r\n".join(lines), encrypted)
                    say("250 2.0.0 5A1B2C3D Message accepted for delivery")
                    mail_from, rcpts = None, []
                    continue
                nl = buf.find(b"\r\n")
                if nl < 0:
                    break
                line, buf = buf[:nl].decode("utf-8", "replace"), buf[nl + 2:]
                verb = line[:4].upper()
                if verb in ("EHLO", "HELO"):
                    starttls = "250-STARTTLS\r\n" if context is not None and not encrypted else ""
                    say("250-mx.example Hello, pleased to meet you\r\n250-PIPELINING\r\n250-8BITMIME\r\n" + starttls +
                        "250 ENHANCEDSTATUSCODES" if verb == "EHLO" else "250 mx.example")
                elif verb == "STAR" and line.upper() == "STARTTLS" and context is not None and not encrypted:
                    say("220 2.0.0 Ready to start TLS")
                    conn = context.wrap_socket(conn, server_side=True)
                    encrypted, buf = True, b""
                    mail_from, rcpts = None, []
                    break
                elif verb == "MAIL":
                    addr = line[10:].split(" ")[0]
                    mail_from, rcpts = addr.strip("<>"), []
                    say("250 2.1.0 {}... Sender ok".format(addr))
                elif verb == "RCPT":
                    addr = line[8:]
                    if mail_from is None:
                        say("503 5.0.0 Need MAIL before RCPT")
                    else:
                        rcpts.append(addr.strip("<>"))
                        say("250 2.1.5 {}... Recipient ok".format(addr))
                elif verb == "DATA":
                    if mail_from is None or not rcpts:
                        say("503 5.0.0 Need RCPT (recipient)")
                    else:
                        in_data = True
                        say('354 Enter mail, end with "." on a line by itself')
                elif verb == "RSET":
                    mail_from, rcpts = None, []
                    say("250 2.0.0 Reset state")
                elif verb == "NOOP":
                    say("250 2.0.0 OK")
                elif verb == "QUIT":
                    say("221 2.0.0 mx.example closing connection")
                    conn.close()
                    return
                else:
                    say("500 5.5.1 Command unrecognized")
        conn.close()

    def accept_loop():
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=lambda: guarded(conn), daemon=True).start()

    def guarded(conn):
        try:
            serve(conn)
        except OSError as e:
            event("CONNECTION ERROR {}".format(e))

    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    threading.Thread(target=accept_loop, daemon=True).start()
    print("READY {}".format(listener.getsockname()[1]), flush=True)
    try:
        while os.read(0, 4096):
            pass
    except OSError:
        pass
    os._exit(0)


if __name__ == "__main__":
    main()
