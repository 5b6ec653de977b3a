#!/usr/bin/python3
"""The submission server the host run of the ESP-IDF example talks to (python3-aiosmtpd, Debian 12).

    /usr/bin/python3 smtp_server.py --outdir DIR --tls-cert F --tls-key F --user U --password P

Listens on a free port of 127.0.0.1 and prints "PORT <n>" once it listens. Like port 587 of a
provider: STARTTLS required, then AUTH (PLAIN or LOGIN) with the one user and password, required
before MAIL. Each accepted message is saved as DIR/msg-<n>.eml, with DIR/msg-<n>.envelope (MAIL
FROM, RCPT TO and the authenticated user). Stops on SIGTERM, SIGINT, or when its parent is gone.
"""

import argparse
import asyncio
import os
import signal
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Saver:
    def __init__(self, outdir):
        self.outdir = outdir
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.outdir, "msg-{}".format(self.count))
        with open(base + ".eml", "wb") as f:
            f.write(envelope.original_content or b"")
        with open(base + ".envelope", "w", encoding="utf-8", errors="backslashreplace") as f:
            f.write("MAIL FROM:<{}>\n".format(envelope.mail_from))
            for rcpt in envelope.rcpt_tos:
                f.write("RCPT TO:<{}>\n".format(rcpt))
            user = session.auth_data if session.authenticated else None
            f.write("AUTH {}\n".format(user.decode("utf-8", "backslashreplace") if user else "-"))
        print("MESSAGE {}".format(self.count), flush=True)
        return "250 2.0.0 OK: saved as msg-{}".format(self.count)


def authenticator(user, password):
    def check(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login == user.encode()
              and auth_data.password == password.encode())
        return AuthResult(success=ok, handled=False, auth_data=auth_data.login if ok else None)
    return check


async def serve(args):
    loop = asyncio.get_running_loop()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(args.tls_cert, args.tls_key)
    saver = Saver(args.outdir)
    listener = await loop.create_server(
        lambda: SMTP(saver, hostname="smtp.host-run.test", tls_context=context, require_starttls=True,
                     authenticator=authenticator(args.user, args.password), auth_required=True,
                     auth_require_tls=True),
        host="127.0.0.1", port=0)
    print("PORT {}".format(listener.sockets[0].getsockname()[1]), flush=True)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    parent = os.getppid()
    while not stop.is_set():
        try:
            await asyncio.wait_for(stop.wait(), 0.5)
        except asyncio.TimeoutError:
            pass
        if os.getppid() != parent:
            break
    listener.close()
    await listener.wait_closed()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name in ("--outdir", "--tls-cert", "--tls-key", "--user", "--password"):
        parser.add_argument(name, required=True)
    args = parser.parse_args()
    os.makedirs(args.outdir, exist_ok=True)
    asyncio.run(serve(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
