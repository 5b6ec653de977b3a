#!/usr/bin/env python3
# SPDX-License-Identifier: BSL-1.0
"""A fixture SMTP server for mailwire's interop tests, on python3-aiosmtpd (Debian 12: 1.4.3).

    python3 aiosmtpd_server.py --outdir DIR [--host 127.0.0.1|::1] [--auth USER:PASS]
                               [--refuse-rcpt ADDR]... [--tempfail-rcpt ADDR]...
                               [--reject-data CODE] [--size N] [--smtputf8]

It listens on a free port (port 0), prints "READY <port>" on stdout once listening, and for each
accepted message writes DIR/msg-<n>.json (n = 1, 2, ...):

    {"n": 1, "mail_from": "...", "rcpt_tos": [...], "mail_options": [...], "rcpt_options": [...],
     "content_base64": "...", "ehlo": "...", "authenticated": true|false,
     "auth_login": "..."|null, "auth_mechanism": "..."|null}

content_base64 is aiosmtpd's envelope.original_content: the bytes of the DATA section as received,
with the dot-stuffing removed and the CRLF line ends kept (the final ".\\r\\n" is not part of it).
The file is written (atomically, by rename) before the reply to the final "." is sent, so a client
that has its 250 can read it.

DIR/events.log gets one line per event, also written before the server replies to the command:

    EHLO <name> | HELO <name> | AUTH <mechanism> | AUTH-RESULT <mechanism> <login> ok|fail
    | RCPT-REFUSED <addr> | RCPT-TEMPFAIL <addr> | DATA-REJECTED <code> | MESSAGE <n>

(AUTH is logged when the command arrives, whatever happens next: a client that refused to
authenticate leaves no AUTH line.) DIR/dialogue.log keeps the commands (AUTH data masked by
aiosmtpd) and the replies.

With the default data size limit aiosmtpd offers SIZE 33554432 and 8BITMIME; --smtputf8 adds
SMTPUTF8; --no-8bitmime leaves 8BITMIME out; --auth adds AUTH LOGIN PLAIN (auth_require_tls=False: this
is a plaintext test server).

--hostname and --ident set the greeting ("220 NAME IDENT"); --auth-fail sets the reply to rejected
credentials; --xoauth2 offers XOAUTH2 besides LOGIN and PLAIN (the token is --auth's PASS);
--no-plain-auth leaves PLAIN out. (The provider stand-ins in tests/tls use them.)

With --tls-cert/--tls-key it offers STARTTLS and requires it before anything but EHLO, NOOP and
QUIT (and AUTH only after it); with --implicit-tls as well, it speaks TLS from the first byte. Each
msg-<n>.json then says "tls": true when the message arrived encrypted, and events.log gets a
STARTTLS line when a STARTTLS handshake completes.

It exits on SIGTERM or SIGINT, and when its standard input reaches end of file: the test process
that started it holds the other end of a pipe and closes it only after it has stopped the server,
so end of file (or a SIGTERM after the parent changed) means the test process died without
cleaning up (a failed REQUIRE without exceptions aborts). The server then removes DIR itself.
If it cannot listen it prints "BINDFAIL <reason>" and exits with status 3.
"""

import argparse
import asyncio
import base64
import json
import logging
import os
import shutil
import signal
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword, MISSING


class Recorder:
    """The handler: decides the replies to RCPT and DATA, and records what arrived."""

    def __init__(self, args):
        self.outdir = args.outdir
        self.refuse = {a.lower() for a in args.refuse_rcpt}
        self.tempfail = {a.lower() for a in args.tempfail_rcpt}
        self.reject_data = args.reject_data
        self.no_8bitmime = args.no_8bitmime
        self.auth_pair = args.auth.partition(":")[::2] if args.auth else None
        self.auth_fail = args.auth_fail
        self.count = 0
        self.events = open(os.path.join(self.outdir, "events.log"), "a", encoding="utf-8")

    def event(self, line):
        self.events.write(line + "\n")
        self.events.flush()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        self.event("EHLO " + hostname)
        if self.no_8bitmime:
            # aiosmtpd always offers 8BITMIME; a server that does not is what --no-8bitmime plays.
            responses = [r for r in responses if r[4:].upper() != "8BITMIME"]
        return responses

    async def handle_HELO(self, server, session, envelope, hostname):
        session.host_name = hostname
        self.event("HELO " + hostname)
        return "250 {}".format(server.hostname)

    def handle_STARTTLS(self, server, session, envelope):
        # Called by aiosmtpd once the STARTTLS handshake is done; True accepts the session.
        self.event("STARTTLS")
        return True

    async def handle_AUTH(self, server, session, envelope, args):
        # Only the mechanism: args[1] may be an initial response with the secret in it.
        self.event("AUTH " + (args[0].upper() if args else ""))
        return MISSING  # let aiosmtpd run the mechanism (and our authenticator)

    async def auth_XOAUTH2(self, server, args):
        """XOAUTH2 (Google's and Microsoft's SASL profile): base64 of
        "user=USER^Aauth=Bearer TOKEN^A^A"; USER:TOKEN must be --auth's pair. Offered with --xoauth2."""
        if len(args) > 1:
            try:
                raw = base64.b64decode(args[1], validate=True)
            except ValueError:
                raw = b""
        else:
            raw = await server.challenge_auth("", encode_to_b64=False)
            if raw is MISSING:
                return AuthResult(success=False, handled=True)
        fields = dict(f.split(b"=", 1) for f in raw.split(b"\x01") if b"=" in f)
        login = fields.get(b"user", b"").decode("utf-8", "replace")
        token = fields.get(b"auth", b"").decode("utf-8", "replace")
        user, password = self.auth_pair or ("", None)
        ok = login == user and token == "Bearer " + str(password)
        self.event("AUTH-RESULT XOAUTH2 {} {}".format(login, "ok" if ok else "fail"))
        if ok:
            server.session.mailwire_auth = ("XOAUTH2", login)
            return AuthResult(success=True, handled=False)
        return AuthResult(success=False, handled=False, message=self.auth_fail)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refuse:
            self.event("RCPT-REFUSED " + address)
            return "550 5.1.1 No such user"
        if address.lower() in self.tempfail:
            self.event("RCPT-TEMPFAIL " + address)
            return "451 4.3.0 Try later"
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.reject_data:
            self.event("DATA-REJECTED {}".format(self.reject_data))
            return self.reject_data
        self.count += 1
        auth = getattr(session, "mailwire_auth", None)
        record = {
            "n": self.count,
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "mail_options": list(envelope.mail_options),
            "rcpt_options": list(envelope.rcpt_options),
            "content_base64": base64.b64encode(envelope.original_content or b"").decode("ascii"),
            "ehlo": session.host_name,
            "authenticated": bool(session.authenticated),
            "auth_login": auth[1] if (auth and session.authenticated) else None,
            "auth_mechanism": auth[0] if (auth and session.authenticated) else None,
            # Encrypted when the message arrived: implicit TLS, or after STARTTLS.
            "tls": server.transport.get_extra_info("ssl_object") is not None,
        }
        path = os.path.join(self.outdir, "msg-{}.json".format(self.count))
        with open(path + ".tmp", "w", encoding="ascii") as f:
            json.dump(record, f, ensure_ascii=True, indent=1)
            f.write("\n")
        os.rename(path + ".tmp", path)
        self.event("MESSAGE {}".format(self.count))
        return "250 2.0.0 OK: queued as {}".format(self.count)


def make_authenticator(recorder, user, password, fail_reply=None):
    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword)
              and auth_data.login == user.encode("utf-8")
              and auth_data.password == password.encode("utf-8"))
        login = auth_data.login.decode("utf-8", "replace") if isinstance(auth_data, LoginPassword) else "?"
        recorder.event("AUTH-RESULT {} {} {}".format(mechanism, login, "ok" if ok else "fail"))
        if ok:
            session.mailwire_auth = (mechanism, login)
        return AuthResult(success=ok, handled=False, message=None if ok else fail_reply)
    return authenticator


class LoggingSMTP(SMTP):
    """aiosmtpd's SMTP, with the replies in the dialogue log too (it logs commands at INFO)."""

    async def push(self, status):
        text = status.decode("utf-8", "replace") if isinstance(status, bytes) else status
        logging.getLogger("mail.log").info("%r << %r", self.session.peer if self.session else None, text)
        await super().push(status)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--outdir", required=True)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--auth", metavar="USER:PASS")
    p.add_argument("--refuse-rcpt", action="append", default=[], metavar="ADDR")
    p.add_argument("--tempfail-rcpt", action="append", default=[], metavar="ADDR")
    p.add_argument("--reject-data", metavar="REPLY", default=None,
                   help='reply to the final "." with this (a code like 554 becomes "554 5.7.1 Rejected")')
    p.add_argument("--size", type=int, default=None, help="data_size_limit (0: none)")
    p.add_argument("--smtputf8", action="store_true")
    p.add_argument("--no-8bitmime", action="store_true", help="leave 8BITMIME out of the EHLO reply")
    p.add_argument("--tls-cert", metavar="FILE", help="offer STARTTLS (required before anything but "
                   "EHLO/NOOP/QUIT, and before AUTH) with this certificate chain")
    p.add_argument("--tls-key", metavar="FILE")
    p.add_argument("--implicit-tls", action="store_true",
                   help="with --tls-cert: TLS from the first byte instead of STARTTLS")
    p.add_argument("--hostname", default="fixture.mailwire.test",
                   help="the server's name in the greeting and the EHLO reply")
    p.add_argument("--ident", default=None, help="the greeting's text after the name")
    p.add_argument("--auth-fail", metavar="REPLY", default=None,
                   help="the reply to rejected credentials (default: aiosmtpd's 535 5.7.8)")
    p.add_argument("--xoauth2", action="store_true", help="with --auth: offer XOAUTH2 too (token = PASS)")
    p.add_argument("--no-plain-auth", action="store_true", help="with --auth: do not offer PLAIN")
    args = p.parse_args()
    if bool(args.tls_cert) != bool(args.tls_key) or (args.implicit_tls and not args.tls_cert):
        p.error("--tls-cert and --tls-key go together; --implicit-tls needs them")
    if args.reject_data and args.reject_data.strip().isdigit():
        code = args.reject_data.strip()
        args.reject_data = "{} {}.7.1 Rejected".format(code, code[0])

    logging.basicConfig(filename=os.path.join(args.outdir, "dialogue.log"), level=logging.INFO,
                        format="%(asctime)s %(message)s")

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    recorder = Recorder(args)

    kwargs = dict(hostname=args.hostname, enable_SMTPUTF8=args.smtputf8, loop=loop)
    if args.ident:
        kwargs["ident"] = args.ident
    excluded = [] if args.xoauth2 else ["XOAUTH2"]
    if args.no_plain_auth:
        excluded.append("PLAIN")
    kwargs["auth_exclude_mechanism"] = excluded
    if args.size is not None:
        kwargs["data_size_limit"] = args.size if args.size > 0 else None
    if args.auth:
        user, _, password = args.auth.partition(":")
        kwargs["authenticator"] = make_authenticator(recorder, user, password, args.auth_fail)
        kwargs["auth_require_tls"] = False
    # Without --auth aiosmtpd keeps auth_require_tls=True and so offers no AUTH on plaintext.
    server_ssl = None
    if args.tls_cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(args.tls_cert, args.tls_key)
        if args.implicit_tls:
            # Every byte is encrypted. (aiosmtpd 1.4 knows only STARTTLS as "TLS": with
            # auth_require_tls it would offer no AUTH here at all.)
            server_ssl = context
            kwargs["auth_require_tls"] = False
        else:
            kwargs["tls_context"] = context
            kwargs["require_starttls"] = True
            kwargs["auth_require_tls"] = True  # AUTH only once the session is encrypted

    try:
        server = loop.run_until_complete(
            loop.create_server(lambda: LoggingSMTP(recorder, **kwargs), host=args.host, port=0, ssl=server_ssl))
    except OSError as e:
        print("BINDFAIL {}".format(e), flush=True)
        sys.exit(3)

    port = server.sockets[0].getsockname()[1]

    parent = os.getppid()
    orphaned = []

    def stop():
        if loop.is_running():
            loop.stop()

    def on_signal():
        if os.getppid() != parent:
            orphaned.append(True)  # the test process died (PR_SET_PDEATHSIG)
        stop()

    loop.add_signal_handler(signal.SIGTERM, on_signal)
    loop.add_signal_handler(signal.SIGINT, on_signal)

    def stdin_ready():
        try:
            data = os.read(0, 4096)
        except OSError:
            data = b""
        if not data:
            # The test process closes its end only after it has stopped us; end of file first
            # means it died without cleaning up.
            orphaned.append(True)
            loop.remove_reader(0)
            stop()

    try:
        loop.add_reader(0, stdin_ready)
    except (OSError, ValueError, PermissionError):
        pass  # stdin is not pollable (a file, /dev/null): rely on signals

    print("READY {}".format(port), flush=True)
    try:
        loop.run_forever()
    finally:
        server.close()
        recorder.events.close()
        if orphaned:
            # Nobody will read or remove the output directory: remove it ourselves.
            logging.shutdown()
            shutil.rmtree(args.outdir, ignore_errors=True)
    # Open connections are simply dropped: the test is over.
    os._exit(0)


if __name__ == "__main__":
    main()
