#!/usr/bin/env python3
"""A scripted, deliberately hostile SMTP server over real TLS, for mailwire's TLS tests.

    hostile_server.py --scenario NAME --cert FILE --key FILE --outdir DIR [--host 127.0.0.1]

It listens on a free loopback port, prints "READY <port>", serves ONE connection and exits. It
also exits when its standard input reaches end of file (the test process that holds the other
end died), and after a 60 s safety bound. Standard library only (socket, ssl).

DIR/received.log  every byte the client sent, in order; the line "--- TLS ---" is inserted where
                  the TLS handshake completed (so plaintext and encrypted parts can be told apart).
DIR/events.log    HANDSHAKE-OK <version> | HANDSHAKE-FAIL <reason> | CMD <VERB> | STARTTLS-AGAIN
                  | PLAINTEXT-AFTER-STARTTLS <n> | CLOSED
DIR/done          written when the connection has ended.

Scenarios (the normal greeting is "220 hostile.test ESMTP"; a normal server answers EHLO with
hostile.test, PIPELINING, STARTTLS, AUTH PLAIN LOGIN, 8BITMIME; after TLS without STARTTLS; AUTH
235, MAIL/RCPT 250, DATA 354 then 250 after ".", QUIT 221):

  good-starttls                 well-behaved STARTTLS ("220 2.0.0 Ready to start TLS")
  good-implicit                 TLS from the first byte (alias: tls-on-starttls-port)
  starttls-reply-<CODE>         STARTTLS answered "<CODE> no TLS for you"; goes on in plaintext
  starttls-reply-220-multiline  "220-Go ahead" "220 ready", then waits for a handshake that it
                                never starts (it reads plaintext)
  starttls-reply-garbage        "hello there"; goes on in plaintext
  starttls-reply-close          closes the connection without a reply
  starttls-reply-silence        never answers; reads until the client closes
  no-starttls                   EHLO without STARTTLS; goes on in plaintext
  inject-after-220              "220 ready" + "250-injected" + "250 AUTH PLAIN" in one send()
  half-line-after-220           "220 ready" + "250 inj" in one send()
  late-injection                "220 ready", 200 ms later "250 injected" in plaintext, then a
                                handshake attempt
  caps-change                   before TLS: AUTH PLAIN LOGIN, SIZE 100; after: AUTH XOAUTH2, SIZE 5000
  starttls-again                STARTTLS still offered after TLS; a second STARTTLS gets 220
  plaintext-on-implicit         a plain SMTP server (for clients that expect implicit TLS)
  silent                        accepts and sends nothing
  reply-after-tls-then-quit     good STARTTLS, then "554 5.7.0 go away" to the EHLO after TLS
"""

import argparse
import os
import shutil
import signal
import socket
import ssl
import sys
import threading
import time

MARKER = b"--- TLS ---\n"


class Session:
    def __init__(self, sock, outdir, context):
        self.sock = sock
        self.context = context
        self.buf = b""
        self.tls = False
        self.received = open(os.path.join(outdir, "received.log"), "ab", buffering=0)
        self.events = open(os.path.join(outdir, "events.log"), "a", buffering=1)
        self.sock.settimeout(15)

    def event(self, text):
        self.events.write(text + "\n")

    def send(self, data):
        self.sock.sendall(data)

    def recv_more(self):
        try:
            data = self.sock.recv(65536)
        except (socket.timeout, OSError, ssl.SSLError):
            return False
        if not data:
            return False
        self.received.write(data)
        self.buf += data
        return True

    def readline(self):
        """One line with its line end, or None at end of stream or timeout."""
        while b"\n" not in self.buf:
            if not self.recv_more():
                return None
        line, _, self.buf = self.buf.partition(b"\n")
        return line + b"\n"

    def handshake(self):
        """The server side of the TLS handshake on this connection."""
        if self.buf:
            # The client sent more after STARTTLS without waiting for the 220 (RFC 3207 §4 forbids it).
            self.event("PLAINTEXT-AFTER-STARTTLS %d" % len(self.buf))
            self.buf = b""
        try:
            tls = self.context.wrap_socket(self.sock, server_side=True, do_handshake_on_connect=False)
            tls.settimeout(10)
            tls.do_handshake()
        except (ssl.SSLError, OSError, socket.timeout) as e:
            self.event("HANDSHAKE-FAIL %s" % str(e).replace("\n", " "))
            return False
        self.sock = tls
        self.tls = True
        self.received.write(MARKER)
        self.event("HANDSHAKE-OK %s" % tls.version())
        return True

    def read_until_closed(self):
        while self.recv_more():
            pass


def ehlo_reply(scenario, tls):
    caps = [b"PIPELINING"]
    if scenario == "caps-change":
        caps += [b"AUTH XOAUTH2", b"SIZE 5000"] if tls else [b"STARTTLS", b"AUTH PLAIN LOGIN", b"SIZE 100"]
    else:
        if (not tls and scenario != "no-starttls") or (tls and scenario == "starttls-again"):
            caps.append(b"STARTTLS")
        caps += [b"AUTH PLAIN LOGIN", b"8BITMIME"]
    lines = [b"hostile.test"] + caps
    out = b""
    for i, c in enumerate(lines):
        out += b"250" + (b" " if i == len(lines) - 1 else b"-") + c + b"\r\n"
    return out


def on_starttls(s, scenario):
    """Answers STARTTLS. Returns True to go on serving, False to end the connection."""
    if s.tls:
        s.event("STARTTLS-AGAIN")
        s.send(b"220 2.0.0 go ahead again\r\n")
        return True
    if scenario in ("good-starttls", "caps-change", "starttls-again", "reply-after-tls-then-quit"):
        s.send(b"220 2.0.0 Ready to start TLS\r\n")
        return s.handshake()
    if scenario.startswith("starttls-reply-"):
        what = scenario[len("starttls-reply-"):]
        if what == "close":
            return False
        if what == "silence":
            s.read_until_closed()
            return False
        if what == "garbage":
            s.send(b"hello there\r\n")
            return True
        if what == "220-multiline":
            s.send(b"220-Go ahead\r\n220 ready\r\n")
            return True  # reads on in plaintext: whatever the client sends now is logged
        s.send(what.encode() + b" no TLS for you\r\n")
        return True
    if scenario == "inject-after-220":
        s.send(b"220 ready\r\n250-injected\r\n250 AUTH PLAIN\r\n")
        s.handshake()
        return False
    if scenario == "half-line-after-220":
        s.send(b"220 ready\r\n250 inj")
        s.handshake()
        return False
    if scenario == "late-injection":
        s.send(b"220 ready\r\n")
        time.sleep(0.2)
        s.send(b"250 injected\r\n")
        s.handshake()
        return False
    s.send(b"502 5.5.1 not here\r\n")
    return True


def serve(s, scenario):
    while True:
        line = s.readline()
        if line is None:
            return
        words = line.strip().split(b" ", 1)
        verb = words[0].upper().decode("latin-1") if words and words[0] else ""
        s.event("CMD %s" % verb)
        if verb in ("EHLO", "HELO"):
            if s.tls and scenario == "reply-after-tls-then-quit":
                s.send(b"554 5.7.0 go away\r\n")
            else:
                s.send(ehlo_reply(scenario, s.tls) if verb == "EHLO" else b"250 hostile.test\r\n")
        elif verb == "STARTTLS":
            if not on_starttls(s, scenario):
                return
        elif verb == "AUTH":
            arg = words[1].split() if len(words) > 1 else []
            mech = arg[0].upper() if arg else b""
            if mech == b"LOGIN" and len(arg) == 1:
                s.send(b"334 VXNlcm5hbWU6\r\n")
                if s.readline() is None:
                    return
                s.send(b"334 UGFzc3dvcmQ6\r\n")
                if s.readline() is None:
                    return
            elif len(arg) == 1:
                s.send(b"334 \r\n")
                if s.readline() is None:
                    return
            s.send(b"235 2.7.0 Authentication successful\r\n")
        elif verb in ("MAIL", "RCPT", "RSET", "NOOP"):
            s.send(b"250 2.0.0 OK\r\n")
        elif verb == "DATA":
            s.send(b"354 End data with <CR><LF>.<CR><LF>\r\n")
            while True:
                body = s.readline()
                if body is None:
                    return
                if body == b".\r\n":
                    break
            s.send(b"250 2.0.0 queued\r\n")
        elif verb == "QUIT":
            s.send(b"221 2.0.0 Bye\r\n")
            return
        else:
            s.send(b"500 5.5.2 what?\r\n")


def run(args):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(args.cert, args.key)

    listener = socket.socket(socket.AF_INET6 if ":" in args.host else socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((args.host, 0))
        listener.listen(1)
    except OSError as e:
        print("BINDFAIL %s" % e, flush=True)
        sys.exit(3)
    print("READY %d" % listener.getsockname()[1], flush=True)

    listener.settimeout(60)
    try:
        conn, _ = listener.accept()
    except socket.timeout:
        return
    listener.close()
    s = Session(conn, args.outdir, context)
    scenario = args.scenario
    try:
        if scenario in ("good-implicit", "tls-on-starttls-port"):
            if not s.handshake():
                return
        if scenario == "silent":
            s.read_until_closed()
            return
        s.send(b"220 hostile.test ESMTP\r\n")
        serve(s, scenario)
    except (OSError, ssl.SSLError) as e:
        s.event("ERROR %s" % str(e).replace("\n", " "))
    finally:
        s.event("CLOSED")
        try:
            s.sock.close()
        except OSError:
            pass
        with open(os.path.join(args.outdir, "done"), "w") as f:
            f.write("done\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenario", required=True)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--outdir", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()

    # End with the test process: its end of our standard input closes when it dies.
    def watch_stdin():
        try:
            while sys.stdin.buffer.read(4096):
                pass
        except OSError:
            pass
        shutil.rmtree(args.outdir, ignore_errors=True)
        os._exit(0)

    threading.Thread(target=watch_stdin, daemon=True).start()
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    threading.Timer(60, lambda: os._exit(4)).start()
    run(args)
    os._exit(0)


if __name__ == "__main__":
    main()
