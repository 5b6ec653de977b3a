#!/usr/bin/python3
# SPDX-License-Identifier: BSL-1.0
"""A small SMTP server for scripts/demo.sh, on python3-aiosmtpd (Debian 12: 1.4.3).

    /usr/bin/python3 scripts/demo_server.py --outdir DIR [--host 127.0.0.1] [--tls-cert F --tls-key F]

Listens on a free port of HOST and prints "PORT <n>" on standard output once it listens. Each
message it accepts is saved under DIR/msg-<n>/ (n = 1, 2, ...):

    envelope.txt   MAIL FROM and RCPT TO, as the client sent them
    content.eml    the message as received: CRLF line ends, dot-stuffing removed (what a mail
                   server stores)
    wire-data.txt  the DATA section exactly as it came over the connection, dot-stuffed, up to
                   and including the final ".": shows what the client did to lines starting
                   with "."

The files are written before the server answers the final "." with 250. It stops on SIGTERM or
SIGINT, and by itself when the process that started it goes away.
"""

import argparse
import asyncio
import os
import signal
import ssl
import sys

from aiosmtpd.smtp import SMTP


class WireRecordingSMTP(SMTP):
    """aiosmtpd's SMTP protocol, keeping a copy of every byte the client sent."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.wire = bytearray()
        self.wire_mark = 0  # where the next message's commands start

    def data_received(self, data):
        self.wire.extend(data)
        super().data_received(data)

    def take_data_section(self):
        """The bytes after the DATA command line up to and including the final ".\\r\\n"."""
        pos = self.wire_mark
        while pos < len(self.wire):
            end = self.wire.find(b"\r\n", pos)
            if end < 0:
                break
            if bytes(self.wire[pos:end]).upper() == b"DATA":
                start = end + 2
                # Search from the DATA line's own CRLF, so an empty message ("." right away) is found.
                stop = self.wire.find(b"\r\n.\r\n", end)
                if stop < 0:
                    break
                self.wire_mark = stop + 5
                return bytes(self.wire[start:stop + 5])
            pos = end + 2
        return b""


class Recorder:
    """The handler: accepts every recipient and saves each message."""

    def __init__(self, outdir):
        self.outdir = outdir
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        folder = os.path.join(self.outdir, "msg-{}".format(self.count))
        os.makedirs(folder)
        with open(os.path.join(folder, "envelope.txt"), "w", encoding="utf-8", errors="backslashreplace") as f:
            options = (" " + " ".join(envelope.mail_options)) if envelope.mail_options else ""
            f.write("MAIL FROM:<{}>{}\n".format(envelope.mail_from, options))
            for rcpt in envelope.rcpt_tos:
                f.write("RCPT TO:<{}>\n".format(rcpt))
        with open(os.path.join(folder, "content.eml"), "wb") as f:
            f.write(envelope.original_content or b"")
        with open(os.path.join(folder, "wire-data.txt"), "wb") as f:
            f.write(server.take_data_section())
        print("MESSAGE {}".format(self.count), flush=True)
        return "250 2.0.0 OK: saved as msg-{}".format(self.count)


async def serve(args):
    loop = asyncio.get_running_loop()
    recorder = Recorder(args.outdir)
    kwargs = {}
    if args.tls_cert:
        # STARTTLS, required before anything but EHLO, NOOP and QUIT (as on port 587).
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(args.tls_cert, args.tls_key)
        kwargs = dict(tls_context=context, require_starttls=True)
    listener = await loop.create_server(
        lambda: WireRecordingSMTP(recorder, hostname="demo.mailwire.test", **kwargs), host=args.host, port=0)
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
        if os.getppid() != parent:  # the demo script is gone without stopping us
            break
    listener.close()
    await listener.wait_closed()


def main():
    parser = argparse.ArgumentParser(description="SMTP server for scripts/demo.sh")
    parser.add_argument("--outdir", required=True, help="where received messages are saved")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--tls-cert", help="offer (and require) STARTTLS with this certificate chain")
    parser.add_argument("--tls-key", help="the certificate's key")
    args = parser.parse_args()
    os.makedirs(args.outdir, exist_ok=True)
    try:
        asyncio.run(serve(args))
    except OSError as e:
        print("cannot listen on {}: {}".format(args.host, e), file=sys.stderr, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
