#!/usr/bin/env python3
# SPDX-License-Identifier: BSL-1.0
"""Postfix's smtpd (Debian's postfix package) as a fixture for mailwire's TLS tests.

    postfix_server.py --outdir DIR --pki DIR --mode starttls|wrapper [--host 127.0.0.1] [--no-8bitmime]

Runs Postfix's master(8) in the foreground (master -d) from a temporary configuration directory,
with one smtpd on a free loopback port: in mode starttls it requires STARTTLS
(smtpd_tls_security_level = encrypt), in mode wrapper it speaks TLS from the first byte
(smtpd_tls_wrappermode, as on port 465). The certificate is PKI/good.pem. --no-8bitmime leaves
8BITMIME out of the EHLO reply (smtpd_discard_ehlo_keywords), as an old or strict server does.

smtpd hands every message, before queueing, to tests/interop/aiosmtpd_server.py through
smtpd_proxy_filter (no queue manager, no delivery agents): that server writes DIR/msg-<n>.json as
it always does. What Postfix adds: one "Received:" header (folded over several lines) in front of
the message, nothing else; the client's bytes follow it unchanged, so a test checks that the
content ends with exactly what was sent. Postfix's log goes to DIR/maillog.

Prints "READY <port>" once smtpd accepts connections; "BINDFAIL <reason>" and exit status 3 when
Postfix is missing or does not start. It stops Postfix (and the proxy) on SIGTERM/SIGINT and when
its standard input reaches end of file, leaving no process behind. Must run as root (master(8)
binds and then runs smtpd as the postfix user).
"""

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
AIOSMTPD = os.path.join(HERE, "..", "interop", "aiosmtpd_server.py")
MASTER = "/usr/lib/postfix/sbin/master"


def free_port(host):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def fail(reason):
    print("BINDFAIL %s" % reason, flush=True)
    sys.exit(3)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--outdir", required=True)
    p.add_argument("--pki", required=True)
    p.add_argument("--mode", choices=["starttls", "wrapper"], required=True)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--no-8bitmime", action="store_true", help="leave 8BITMIME out of the EHLO reply")
    args = p.parse_args()

    if not os.path.exists(MASTER):
        fail("Postfix is not installed (%s missing): apt-get install postfix" % MASTER)
    if os.geteuid() != 0:
        fail("Postfix's master must run as root")

    work = tempfile.mkdtemp(prefix="mailwire-postfix-")
    os.chmod(work, 0o755)  # mkdtemp's 0700 would keep Postfix's own processes (user postfix) out
    procs = []

    def cleanup():
        for proc in reversed(procs):
            if proc.poll() is None:
                proc.terminate()
        for proc in reversed(procs):
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(work, ignore_errors=True)

    # The next hop: aiosmtpd in plaintext, writing the messages into outdir.
    proxy = subprocess.Popen([sys.executable, "-u", AIOSMTPD, "--outdir", args.outdir, "--host", "127.0.0.1"],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    procs.append(proxy)
    line = proxy.stdout.readline().decode().split()
    if len(line) != 2 or line[0] != "READY":
        cleanup()
        fail("the proxy filter (aiosmtpd) did not start")
    proxy_port = int(line[1])

    conf = os.path.join(work, "conf")
    queue = os.path.join(work, "queue")
    data = os.path.join(work, "data")
    for d in (conf, queue, data, os.path.join(queue, "pid"), os.path.join(queue, "public"),
              os.path.join(queue, "private")):
        os.makedirs(d, exist_ok=True)
    for d in (data, os.path.join(queue, "public"), os.path.join(queue, "private")):
        shutil.chown(d, user="postfix")
    os.chmod(os.path.join(queue, "private"), 0o700)

    port = free_port(args.host)
    main_cf = """\
compatibility_level = 3.6
queue_directory = {queue}
data_directory = {data}
mail_owner = postfix
myhostname = postfix.test
mydomain = postfix.test
mydestination =
inet_interfaces = loopback-only
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
smtpd_recipient_restrictions =
smtpd_reject_unlisted_recipient = no
smtpd_reject_unlisted_sender = no
smtpd_proxy_filter = 127.0.0.1:{proxy_port}
smtpd_tls_cert_file = {pki}/good.pem
smtpd_tls_key_file = {pki}/good.key
smtpd_tls_security_level = encrypt
smtpd_tls_session_cache_database =
smtpd_tls_loglevel = 1
alias_maps =
alias_database =
maillog_file = {outdir}/maillog
maillog_file_prefixes = {outdir}
smtpd_discard_ehlo_keywords = {discard}
""".format(discard="8bitmime" if args.no_8bitmime else "", queue=queue, data=data, proxy_port=proxy_port, pki=os.path.abspath(args.pki),
           outdir=os.path.abspath(args.outdir))
    wrapper = " -o smtpd_tls_wrappermode=yes" if args.mode == "wrapper" else ""
    master_cf = """\
{host}:{port} inet n - n - - smtpd{wrapper}
postlog unix-dgram n - n - 1 postlogd
anvil unix - - n - 1 anvil
proxymap unix - - n - - proxymap
rewrite unix - - n - - trivial-rewrite
tlsmgr unix - - n 1000? 1 tlsmgr
""".format(host=args.host, port=port, wrapper=wrapper)
    with open(os.path.join(conf, "main.cf"), "w") as f:
        f.write(main_cf)
    with open(os.path.join(conf, "master.cf"), "w") as f:
        f.write(master_cf)
    # With configuration files written a moment ago, Postfix took about 2 s longer to accept
    # connections (measured here: the four Postfix tests 13 s, 6 s with the files dated back).
    past = time.time() - 60
    for name in ("main.cf", "master.cf"):
        os.utime(os.path.join(conf, name), (past, past))

    # -d: stay in the foreground (this script is its supervisor); -c: our configuration only.
    master = subprocess.Popen([MASTER, "-c", conf, "-d"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    procs.append(master)

    deadline = time.monotonic() + 15
    while True:
        if master.poll() is not None:
            cleanup()
            fail("Postfix's master exited with status %s (see its maillog)" % master.returncode)
        try:
            with socket.create_connection((args.host, port), timeout=1):
                pass  # smtpd answers this probe and logs "disconnect ... commands=0/0"
            break
        except OSError:
            if time.monotonic() > deadline:
                cleanup()
                fail("smtpd did not listen on port %d within 15 s" % port)
            time.sleep(0.1)

    done = threading.Event()

    def watch_stdin():
        try:
            while sys.stdin.buffer.read(4096):
                pass
        except OSError:
            pass
        done.set()

    threading.Thread(target=watch_stdin, daemon=True).start()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    print("READY %d" % port, flush=True)
    while not done.wait(0.5):
        if master.poll() is not None:
            break
    # master(8) stops its children when it gets SIGTERM.
    cleanup()


if __name__ == "__main__":
    main()
