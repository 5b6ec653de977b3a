#!/usr/bin/env python3
# SPDX-License-Identifier: BSL-1.0
"""A scripted, deliberately hostile SMTP server over real TLS, for mailwire's TLS tests.

    hostile_server.py --scenario NAME --cert FILE --key FILE --outdir DIR [--host 127.0.0.1]
                      [--safety-timeout 30] [--handshake-timeout 10]

It plays the attacks on STARTTLS (RFC 3207) and implicit TLS (RFC 8314) described by Poddebniak
et al., "Why TLS is better without STARTTLS" (USENIX Security 2021): replies injected around the
220, refused or garbled STARTTLS answers, capabilities that change across the upgrade. Standard
library only (socket, ssl, selectors); tests/tls/hostile_scenarios.md has the details.

It listens on a free port of --host (port 0), prints "READY <port>" (flushed) and serves ONE
connection, then exits. It also exits on SIGTERM or SIGINT, when its standard input (a pipe)
reaches end of file, and after --safety-timeout seconds in all (default 30). End of file on
standard input, or a SIGTERM after the parent process changed, means the test process died
without cleaning up (PR_SET_PDEATHSIG): DIR is then removed, as tests/interop/aiosmtpd_server.py
does, but only when it holds nothing but this server's files and stderr.log. If it cannot listen
it prints "BINDFAIL <reason>" and exits with status 3; a certificate or key it cannot load is
status 2 (before READY). A safety timeout is status 4.

DIR/received.log  every byte the client sent, in order, written unbuffered as it arrives:
                  plaintext as received, then, once the TLS handshake has completed, the line
                  "--- TLS ---" and the decrypted bytes. The handshake records themselves are not
                  logged; bytes that arrived where the handshake expected a ClientHello but are no
                  TLS record (plaintext the client pipelined after STARTTLS) are, before any marker.
DIR/events.log    one line per event, flushed (CMD lines for command lines only, never the AUTH
                  arguments, the AUTH exchange or the message content):
                    CMD <first word of a command line, upper case>
                    SNI <server name | ->          the ClientHello's server_name ("-": none,
                                                   as for an IP address host, RFC 6066 §3)
                    HANDSHAKE-OK <TLSv1.2|TLSv1.3>
                    HANDSHAKE-FAIL <the ssl error text | timeout: ... | connection lost ...>
                    PIPELINED-AFTER-STARTTLS <n>   n bytes came with STARTTLS, before the 220
                    PLAINTEXT-IN-HANDSHAKE <n>     the handshake began with n non-TLS bytes
                    TLS-RECORD <type> [<handshake type>]  a TLS record where SMTP was expected
                                                   (alert-N: the record it answered)
                    ALERT-SENT <n>                 alert-N sent its alert
                    STARTTLS-AGAIN                 STARTTLS inside TLS
                    TLS-ERROR <text> | RESET | RECV-FAILED <text> | SEND-FAILED <text>
                    | TIMEOUT | TERMINATED
                    CLOSED                         the connection has ended (the last line)
DIR/done          written after CLOSED: the connection has ended and both logs are complete.

Scenarios (greeting "220 hostile.test ESMTP"; EHLO answered 250-hostile.test, 250-PIPELINING,
250-STARTTLS, 250-AUTH PLAIN LOGIN, 250 8BITMIME, after TLS without STARTTLS; AUTH (any
mechanism) 235, MAIL/RCPT/RSET/NOOP 250, DATA 354 then 250 after ".", QUIT 221, before TLS as
after; a failed handshake leaves the server only reading and logging until the client closes):

  good-starttls                 STARTTLS -> "220 2.0.0 Ready to start TLS", handshake, normal
  good-implicit                 TLS from the first byte, then normal (no STARTTLS offered)
  tls-on-starttls-port          alias of good-implicit
  starttls-reply-<CODE>         STARTTLS -> "<CODE> no TLS for you" (any 3 digits); reads on in
                                plaintext (a client that starts TLS anyway shows as TLS-RECORD)
  starttls-reply-220-multiline  STARTTLS -> "220-Go ahead" "220 ready"; reads on in plaintext,
                                never starts a handshake
  starttls-reply-garbage        STARTTLS -> "hello there"; reads on in plaintext
  starttls-reply-close          STARTTLS -> no reply, the connection is closed
  starttls-reply-silence        STARTTLS -> no reply ever; reads and logs until the client closes
  no-starttls                   EHLO without STARTTLS (STARTTLS anyway -> 502); plaintext
  inject-after-220              STARTTLS -> "220 ready\\r\\n250-injected\\r\\n250 AUTH PLAIN\\r\\n"
                                in one send(), then the handshake
  half-line-after-220           STARTTLS -> "220 ready\\r\\n250 inj" in one send(), then the handshake
  late-injection                STARTTLS -> "220 ready", 200 ms later "250 injected" in
                                plaintext, then the handshake
  caps-change                   before TLS: STARTTLS, AUTH PLAIN LOGIN, SIZE 100; after TLS:
                                AUTH XOAUTH2, SIZE 5000 (and PIPELINING, 8BITMIME in both)
  starttls-again                after TLS EHLO still offers STARTTLS; a second STARTTLS gets
                                "220 2.0.0 Ready to start TLS" (and STARTTLS-AGAIN is logged)
  plaintext-on-implicit         a plaintext server: the greeting at once, no STARTTLS offered
  silent                        accepts and sends nothing; reads and logs until the client closes
  reply-after-tls-then-quit     good-starttls, but EHLO (or HELO) after TLS -> "554 5.7.0 go away"
  alert-<N>                     implicit TLS, but the ClientHello is answered with one fatal alert
                                record (RFC 8446 §6: type 21, level 2, description N, 0..255),
                                no ServerHello; then reads and logs until the client closes
"""

import argparse
import errno
import os
import re
import selectors
import shutil
import signal
import socket
import ssl
import stat
import sys
import time

HOST_NAME = b"hostile.test"
GREETING = b"220 hostile.test ESMTP\r\n"
READY_FOR_TLS = b"220 2.0.0 Ready to start TLS\r\n"
MARKER = b"--- TLS ---\n"
LINGER_S = 1.0  # after the end of the dialogue: how long to keep reading (and logging) before closing

GOOD_STARTTLS = ("good-starttls", "caps-change", "starttls-again", "reply-after-tls-then-quit")
IMPLICIT = ("good-implicit", "tls-on-starttls-port")
NO_STARTTLS_OFFERED = ("no-starttls", "plaintext-on-implicit")
INJECTIONS = {
    "inject-after-220": b"220 ready\r\n250-injected\r\n250 AUTH PLAIN\r\n",
    "half-line-after-220": b"220 ready\r\n250 inj",
}
FIXED_SCENARIOS = GOOD_STARTTLS + IMPLICIT + NO_STARTTLS_OFFERED + tuple(INJECTIONS) + (
    "late-injection", "silent",
    "starttls-reply-220-multiline", "starttls-reply-garbage", "starttls-reply-close", "starttls-reply-silence")
REPLY_CODE = re.compile(r"starttls-reply-([0-9]{3})\Z")
ALERT = re.compile(r"alert-([0-9]{1,3})\Z")

# TLS record content types (RFC 8446 §5.1) and the handshake types worth naming.
RECORD_TYPES = {20: "change_cipher_spec", 21: "alert", 22: "handshake", 23: "application_data"}
HANDSHAKE_TYPES = {1: "client_hello", 2: "server_hello", 11: "certificate", 16: "client_key_exchange",
                   20: "finished"}
OWN_FILES = {"received.log", "events.log", "done", "stderr.log"}


# ------------------------------------------------------------------------------------ stopping

class Stop(Exception):
    """Ends the connection and the server at once (no lingering)."""


class SafetyTimeout(Stop):
    pass


class Terminated(Stop):
    pass


class Gone(Exception):
    """The connection broke while sending."""


class Control:
    """Blocking waits that honour the overall deadline, signals and end of file on stdin."""

    def __init__(self, safety_s):
        self.deadline = time.monotonic() + safety_s
        self.parent = os.getppid()
        self.orphaned = False
        self.stopping = False
        self.stdin = None
        try:
            mode = os.fstat(0).st_mode
            # Only a pipe or a socket: /dev/null or a file would be end of file at once, and a
            # terminal is a person.
            if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):
                self.stdin = 0
        except OSError:
            pass

    def on_signal(self, signum, frame):
        if os.getppid() != self.parent:
            self.orphaned = True  # the test process died (PR_SET_PDEATHSIG)
        if not self.stopping:
            self.stopping = True
            raise Terminated(signal.Signals(signum).name)

    def wait_readable(self, sock, until=None):
        """True when sock is readable; False when `until` (monotonic) passed first. Raises
        SafetyTimeout at the overall deadline, Terminated when stdin reaches end of file."""
        with selectors.DefaultSelector() as sel:
            sel.register(sock, selectors.EVENT_READ)
            if self.stdin is not None:
                sel.register(self.stdin, selectors.EVENT_READ)
            while True:
                now = time.monotonic()
                if now >= self.deadline:
                    raise SafetyTimeout("safety timeout")
                if until is not None and now >= until:
                    return False
                end = self.deadline if until is None else min(until, self.deadline)
                for key, _ in sel.select(end - now):
                    if key.fileobj == self.stdin:
                        try:
                            data = os.read(self.stdin, 4096)
                        except OSError:
                            data = b""
                        if not data:
                            self.orphaned = True
                            self.stopping = True
                            raise Terminated("end of file on standard input")
                    else:
                        return True

    def remaining(self):
        return max(0.05, self.deadline - time.monotonic())


# ------------------------------------------------------------------------------------ helpers

def record_at(data, i):
    """Whether a TLS record header (type 20..23, major version 3) starts at data[i]."""
    return i + 1 < len(data) and data[i] in RECORD_TYPES and data[i + 1] == 3


def describe_record(rec):
    name = RECORD_TYPES.get(rec[0], str(rec[0]))
    if rec[0] == 22 and len(rec) > 5:
        name += " " + HANDSHAKE_TYPES.get(rec[5], "type-%d" % rec[5])
    return name


def verb_of(line):
    """The first word of a command line, upper case, printable ASCII only, at most 32 chars."""
    words = line.rstrip(b"\r\n").split(None, 1)
    if not words:
        return "<empty>"
    return "".join(chr(c) if 0x21 <= c <= 0x7E else "?" for c in words[0][:32]).upper()


def one_line(text):
    return " ".join(str(text).split())


# ------------------------------------------------------------------------------------ the session

class Session:
    def __init__(self, sock, context, outdir, control, scenario, handshake_s):
        self.sock = sock
        self.context = context
        self.outdir = outdir
        self.control = control
        self.scenario = scenario
        self.handshake_s = handshake_s
        self.tls = None         # ssl.SSLObject once the handshake has completed
        self.incoming = None    # its MemoryBIOs
        self.outgoing = None
        self.buf = bytearray()  # received (decrypted once TLS is on) and not yet parsed
        self.eof = False
        self.closing = False    # finishing: errors of the connection are no news any more
        self.received = open(os.path.join(outdir, "received.log"), "ab", buffering=0)
        self.events = open(os.path.join(outdir, "events.log"), "a", encoding="utf-8", buffering=1)

    # -- logging
    def event(self, text):
        self.events.write(text + "\n")
        self.events.flush()

    def log(self, data):
        if data:
            self.received.write(bytes(data))

    # -- the socket
    def raw_recv(self, until=None):
        """Bytes from the socket; b"" at end of stream; None when `until` passed."""
        while True:
            if not self.control.wait_readable(self.sock, until):
                return None
            try:
                return self.sock.recv(65536)
            except (BlockingIOError, InterruptedError, socket.timeout):
                continue
            except OSError as e:
                if e.errno != errno.ECONNRESET and not self.closing:
                    self.event("RECV-FAILED " + one_line(e))
                elif not self.closing:
                    self.event("RESET")
                return b""

    def raw_send(self, data):
        try:
            self.sock.settimeout(self.control.remaining())
            self.sock.sendall(data)
        except OSError as e:
            if not self.closing:
                self.event("SEND-FAILED " + one_line(e))
            raise Gone(one_line(e)) from e

    def flush_tls(self):
        if self.outgoing is not None and self.outgoing.pending:
            self.raw_send(self.outgoing.read())

    def flush_tls_quietly(self):
        try:
            self.flush_tls()
        except Gone:
            pass

    def send(self, data):
        if self.tls is not None:
            try:
                self.tls.write(data)
            except ssl.SSLError as e:
                self.event("TLS-ERROR " + one_line(e))
                raise Gone(one_line(e)) from e
            self.flush_tls()
        else:
            self.raw_send(data)

    # -- reading
    def fill(self, until=None):
        """More bytes into buf (and the log). False at end of stream, after a TLS error, or
        when `until` passed."""
        if self.eof:
            return False
        while True:
            if self.tls is not None:
                try:
                    data = self.tls.read(65536)
                except ssl.SSLWantReadError:
                    data = None
                except ssl.SSLZeroReturnError:  # close_notify
                    self.eof = True
                    return False
                except ssl.SSLError as e:
                    if not self.closing:
                        self.event("TLS-ERROR " + one_line(e))
                    self.eof = True
                    self.flush_tls_quietly()  # the alert, if any
                    return False
                self.flush_tls()  # whatever reading produced (key updates)
                if data:
                    self.log(data)
                    self.buf += data
                    return True
                if data == b"":
                    self.eof = True
                    return False
            raw = self.raw_recv(until)
            if raw is None:
                return False
            if not raw:
                self.eof = True
                return False
            if self.tls is not None:
                self.incoming.write(raw)
                continue
            self.log(raw)
            self.buf += raw
            return True

    def read_line(self, until=None):
        """One line with its line end, or None (a partial line stays in buf, and in the log)."""
        while True:
            i = self.buf.find(b"\n")
            if i >= 0:
                line = bytes(self.buf[:i + 1])
                del self.buf[:i + 1]
                return line
            if not self.fill(until):
                return None

    def next_item(self, until=None):
        """("line", bytes) for a command line, ("tls", description) for a TLS record where a
        command was expected, or None at the end."""
        while True:
            b = self.buf
            if b and b[0] in RECORD_TYPES:
                if len(b) < 5:
                    if self.fill(until):
                        continue
                    return None
                if b[1] == 3:
                    n = 5 + (b[3] << 8 | b[4])
                    while len(self.buf) < n:
                        if not self.fill(until):
                            return None
                    rec = bytes(self.buf[:n])
                    del self.buf[:n]
                    return ("tls", describe_record(rec))
            i = b.find(b"\n")
            if i >= 0:
                line = bytes(b[:i + 1])
                del b[:i + 1]
                return ("line", line)
            if not self.fill(until):
                return None

    def note(self, item):
        """Logs a command line or a stray TLS record; returns the verb ("" for a record)."""
        kind, value = item
        if kind == "tls":
            self.event("TLS-RECORD " + value)
            return ""
        verb = verb_of(value)
        self.event("CMD " + verb)
        return verb

    def hold(self, until=None):
        """Never answers again: reads and logs until the client closes (or `until`)."""
        while True:
            item = self.next_item(until)
            if item is None:
                return
            self.note(item)

    # -- TLS
    def handshake(self):
        """The server side of the handshake, on the bytes that follow on this connection,
        including those already received after the STARTTLS line: what a TLS stack on this
        socket would see. True when it completed."""
        leftover = bytes(self.buf)
        self.buf.clear()
        if leftover:
            # Sent together with STARTTLS, before the client could have seen our 220. They are
            # in received.log already (plaintext is logged as it arrives).
            self.event("PIPELINED-AFTER-STARTTLS %d" % len(leftover))
        incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        # Called for every ClientHello, with None when it has no server_name extension.
        self.context.sni_callback = lambda obj, name, ctx: self.event("SNI " + (one_line(name) if name else "-"))
        obj = self.context.wrap_bio(incoming, outgoing, server_side=True)
        incoming.write(leftover)
        fed = bytearray(leftover)
        until = time.monotonic() + self.handshake_s
        self.outgoing = outgoing
        reason = None
        try:
            while True:
                try:
                    obj.do_handshake()
                    break
                except ssl.SSLWantReadError:
                    pass
                except ssl.SSLError as e:
                    reason = one_line(e)
                    break
                self.flush_tls()
                raw = self.raw_recv(until)
                if raw is None:
                    reason = "timeout: no complete handshake within %g s" % self.handshake_s
                    break
                if not raw:
                    self.eof = True
                    incoming.write_eof()
                else:
                    incoming.write(raw)
                    fed += raw
            self.flush_tls_quietly()  # our last flight, or the alert that says why we stopped
        except Gone as e:
            reason = "connection lost while sending: %s" % e
        except Stop as e:
            self.handshake_failed(fed, len(leftover), "interrupted: %s" % e)
            raise
        if reason is None:
            self.tls, self.incoming = obj, incoming
            self.log(MARKER)
            self.event("HANDSHAKE-OK %s" % obj.version())
            return True
        self.handshake_failed(fed, len(leftover), reason)
        return False

    def handshake_failed(self, fed, logged, reason):
        self.outgoing = None
        if fed and not record_at(fed, 0):
            # Plaintext where a ClientHello belonged: up to a record at the start of a line, if
            # any (a client that pipelined commands, then started TLS). Logged, as plaintext.
            cut = next((i for i in range(len(fed)) if (i == 0 or fed[i - 1] == 0x0A) and record_at(fed, i)),
                       len(fed))
            self.log(fed[logged:cut])
            self.event("PLAINTEXT-IN-HANDSHAKE %d" % cut)
            for line in bytes(fed[:cut]).splitlines(keepends=True):
                if line.endswith(b"\n"):
                    self.event("CMD " + verb_of(line))
        self.event("HANDSHAKE-FAIL " + reason)

    # -- the end
    def finish(self, linger):
        self.closing = True
        self.control.stopping = True  # a signal from now on does not cut the logs short
        if self.tls is not None and not self.eof:
            try:
                self.tls.unwrap()  # close_notify
            except ssl.SSLError:
                pass
            self.flush_tls_quietly()
        try:
            self.sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        if linger:
            # Read (and log) what still comes, so that the close is a FIN, not a reset that
            # could destroy our last reply in flight; and a client that goes on regardless shows.
            try:
                self.hold(time.monotonic() + LINGER_S)
            except (Stop, Gone):
                pass
        try:
            self.sock.close()
        except OSError:
            pass
        self.event("CLOSED")
        self.received.close()
        self.events.close()
        with open(os.path.join(self.outdir, "done"), "w") as f:
            f.write("done\n")


# ------------------------------------------------------------------------------------ the dialogue

def ehlo_reply(scenario, encrypted):
    if scenario == "caps-change":
        caps = [b"PIPELINING", b"AUTH XOAUTH2", b"SIZE 5000", b"8BITMIME"] if encrypted else \
               [b"PIPELINING", b"STARTTLS", b"AUTH PLAIN LOGIN", b"SIZE 100", b"8BITMIME"]
    else:
        caps = [b"PIPELINING"]
        if (not encrypted and scenario not in NO_STARTTLS_OFFERED) or (encrypted and scenario == "starttls-again"):
            caps.append(b"STARTTLS")
        caps += [b"AUTH PLAIN LOGIN", b"8BITMIME"]
    lines = [HOST_NAME] + caps
    return b"".join(b"250" + (b" " if i == len(lines) - 1 else b"-") + c + b"\r\n" for i, c in enumerate(lines))


def answer_starttls(s):
    """Answers STARTTLS in plaintext. True: go on serving (in TLS or not); False: end."""
    sc = s.scenario
    if sc in NO_STARTTLS_OFFERED:
        s.send(b"502 5.5.1 STARTTLS not offered\r\n")
        return True
    if sc in GOOD_STARTTLS:
        s.send(READY_FOR_TLS)
    elif sc in INJECTIONS:
        s.send(INJECTIONS[sc])  # one sendall of a few bytes: one send(), one segment (TCP_NODELAY)
    elif sc == "late-injection":
        s.send(b"220 ready\r\n")
        time.sleep(0.2)
        s.send(b"250 injected\r\n")
    elif sc == "starttls-reply-220-multiline":
        s.send(b"220-Go ahead\r\n220 ready\r\n")
        return True  # and reads on in plaintext: no handshake ever
    elif sc == "starttls-reply-garbage":
        s.send(b"hello there\r\n")
        return True
    elif sc == "starttls-reply-close":
        return False
    elif sc == "starttls-reply-silence":
        s.hold()
        return False
    elif REPLY_CODE.match(sc):
        s.send(sc[-3:].encode("ascii") + b" no TLS for you\r\n")
        return True
    else:
        s.send(b"502 5.5.1 STARTTLS not offered\r\n")
        return True
    if s.handshake():
        return True
    s.hold()  # only reading and logging: what does the client do after a failed handshake?
    return False


def authenticate(s, line):
    """Any mechanism, any credentials: 235. The exchange goes to received.log only."""
    args = line.rstrip(b"\r\n").split()[1:]
    if not args:
        s.send(b"501 5.5.4 Syntax: AUTH mechanism\r\n")
        return True
    if args[0].upper() == b"LOGIN":
        prompts = [b"334 VXNlcm5hbWU6\r\n", b"334 UGFzc3dvcmQ6\r\n"][len(args) - 1:] if len(args) <= 2 else []
    elif len(args) == 1:
        prompts = [b"334 \r\n"]
    else:
        prompts = []
    for prompt in prompts:
        s.send(prompt)
        answer = s.read_line()
        if answer is None:
            return False
        if answer.strip() == b"*":
            s.send(b"501 5.7.0 Authentication cancelled\r\n")
            return True
    s.send(b"235 2.7.0 Authentication successful\r\n")
    return True


def serve(s):
    """The command loop, in plaintext or in TLS. Returns when the connection should end."""
    sc = s.scenario
    while True:
        item = s.next_item()
        if item is None:
            return
        verb = s.note(item)
        if not verb:
            continue  # a TLS record where a command belonged: no answer
        refuse = s.tls is not None and sc == "reply-after-tls-then-quit"
        if verb == "EHLO":
            s.send(b"554 5.7.0 go away\r\n" if refuse else ehlo_reply(sc, s.tls is not None))
        elif verb == "HELO":
            s.send(b"554 5.7.0 go away\r\n" if refuse else b"250 " + HOST_NAME + b"\r\n")
        elif verb == "STARTTLS":
            if s.tls is not None:
                s.event("STARTTLS-AGAIN")
                s.send(READY_FOR_TLS if sc == "starttls-again" else b"503 5.5.1 TLS already active\r\n")
            elif not answer_starttls(s):
                return
        elif verb == "AUTH":
            if not authenticate(s, item[1]):
                return
        elif verb in ("MAIL", "RCPT", "RSET", "NOOP"):
            s.send(b"250 2.0.0 OK\r\n")
        elif verb == "VRFY":
            s.send(b"252 2.0.0 Cannot VRFY user\r\n")
        elif verb == "DATA":
            s.send(b"354 End data with <CR><LF>.<CR><LF>\r\n")
            while True:
                line = s.read_line()
                if line is None:
                    return
                if line in (b".\r\n", b".\n"):
                    break
            s.send(b"250 2.0.0 OK: queued\r\n")
        elif verb == "QUIT":
            s.send(b"221 2.0.0 Bye\r\n")
            return
        else:
            s.send(b"500 5.5.2 Unrecognized command\r\n")


def send_alert(s, description):
    """Waits for the client's first TLS record (its ClientHello) and answers it with a fatal alert
    in a TLS 1.2 record header, which TLS 1.3 clients accept before the ServerHello too (RFC 8446
    §5.1: legacy_record_version)."""
    item = s.next_item()
    if item is None:
        return
    s.note(item)
    s.raw_send(bytes([21, 3, 3, 0, 2, 2, description]))
    s.event("ALERT-SENT %d" % description)
    s.hold()


def converse(s):
    alert = ALERT.match(s.scenario)
    if alert:
        send_alert(s, int(alert.group(1)))
        return
    if s.scenario in IMPLICIT:
        if not s.handshake():
            s.hold()
            return
    if s.scenario == "silent":
        s.hold()
        return
    s.send(GREETING)
    serve(s)


# ------------------------------------------------------------------------------------ main

def scenario_name(text):
    if text in FIXED_SCENARIOS or REPLY_CODE.match(text):
        return text
    alert = ALERT.match(text)
    if alert and int(alert.group(1)) <= 255:
        return text
    raise argparse.ArgumentTypeError("unknown scenario %r" % text)


def remove_outdir(outdir):
    """The test process died: remove DIR, but only when it holds nothing but our files."""
    try:
        if set(os.listdir(outdir)) <= OWN_FILES:
            shutil.rmtree(outdir, ignore_errors=True)
    except OSError:
        pass


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0], epilog=__doc__.split("\n", 2)[2],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--scenario", required=True, type=scenario_name)
    p.add_argument("--cert", required=True, help="PEM certificate (chain)")
    p.add_argument("--key", required=True, help="PEM private key")
    p.add_argument("--outdir", required=True)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--safety-timeout", type=float, default=30.0, metavar="S")
    p.add_argument("--handshake-timeout", type=float, default=10.0, metavar="S")
    args = p.parse_args()

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.load_cert_chain(args.cert, args.key)
    except (OSError, ssl.SSLError) as e:
        print("hostile_server.py: cannot load %s / %s: %s" % (args.cert, args.key, e), file=sys.stderr)
        sys.exit(2)

    os.makedirs(args.outdir, exist_ok=True)
    for name in ("received.log", "events.log"):
        open(os.path.join(args.outdir, name), "wb").close()
    try:
        os.unlink(os.path.join(args.outdir, "done"))
    except FileNotFoundError:
        pass

    listener = socket.socket(socket.AF_INET6 if ":" in args.host else socket.AF_INET, socket.SOCK_STREAM)
    try:
        listener.bind((args.host, 0))
        listener.listen(1)
    except OSError as e:
        print("BINDFAIL %s" % e, flush=True)
        sys.exit(3)

    control = Control(args.safety_timeout)
    signal.signal(signal.SIGTERM, control.on_signal)
    signal.signal(signal.SIGINT, control.on_signal)
    signal.alarm(int(args.safety_timeout) + 5)  # the last resort, should everything else fail
    print("READY %d" % listener.getsockname()[1], flush=True)

    status = 0
    try:
        control.wait_readable(listener)
        conn, _ = listener.accept()
        listener.close()
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        session = Session(conn, context, args.outdir, control, args.scenario, args.handshake_timeout)
        linger = True
        try:
            converse(session)
        except Gone:
            linger = False
        except SafetyTimeout:
            session.event("TIMEOUT")
            status, linger = 4, False
        except Terminated:
            session.event("TERMINATED")
            linger = False
        if not control.orphaned:
            session.finish(linger)
    except SafetyTimeout:
        status = 4  # nobody connected
    except Terminated:
        pass
    if control.orphaned:
        remove_outdir(args.outdir)
    os._exit(status)


if __name__ == "__main__":
    main()
