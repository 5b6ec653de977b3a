#!/usr/bin/env python3
# SPDX-License-Identifier: BSL-1.0
"""Throughput benchmark driver (bench/throughput/README.md); run.sh builds the programs and calls it.

Four senders, each over one connection: mailwire (mailwire_batch), libcurl (curl_batch), Postfix's
smtp-source (when installed) and Python's smtplib, in a rotated order every round, the servers on
one CPU and the sender on another (taskset). Cases: 1 KB messages into the C sink (msgs/s); big
messages into the C sink and into Postfix's smtp-sink (MiB/s, client CPU ms per MiB); round trips
per message through delay_proxy.py (20 ms round trip), with and without CHUNKING offered; peak RSS
of mailwire-send sending a big message on standard input and a big attachment. Medians over the
rounds, and the median of the per-round ratios mailwire / curl. Prints a markdown table.

Not a test: nothing is asserted on a figure. It exits 1 only when something breaks: a sender
fails, or a sink did not get the expected messages and octets.
"""
import argparse
import datetime
import os
import platform
import select
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from smtplib_batch import make_message  # noqa: E402  (the same octets as message.h)

KIB, MIB = 1024, 1024 * 1024
SENDER, RCPT = "sender@example.org", "rcpt@example.org"
SMTP_SOURCE, SMTP_SINK = "/usr/sbin/smtp-source", "/usr/sbin/smtp-sink"
GNU_TIME = "/usr/bin/time"

started = []          # server processes, stopped at exit
running_client = []   # the sender being waited for, killed at exit
failures = []


def note(text):
    print(text, file=sys.stderr, flush=True)


def fail(text):
    failures.append(text)
    note("FAILED: " + text)


class Pinning:
    """The servers on the first allowed CPU, the sender on the second; nothing when there is one."""

    def __init__(self, enabled):
        cpus = sorted(os.sched_getaffinity(0))
        self.ok = enabled and len(cpus) >= 2 and shutil.which("taskset") is not None
        self.server_cpu, self.client_cpu = (cpus[0], cpus[1]) if len(cpus) >= 2 else (None, None)
        if not enabled:
            self.why = "not pinned (--no-pin)"
        elif len(cpus) < 2:
            self.why = "not pinned: only one CPU"
        elif not self.ok:
            self.why = "not pinned: no taskset"
        else:
            self.why = "servers on CPU {}, sender on CPU {} (taskset)".format(self.server_cpu, self.client_cpu)

    def server(self, argv):
        return ["taskset", "-c", str(self.server_cpu)] + argv if self.ok else argv

    def client(self, argv):
        return ["taskset", "-c", str(self.client_cpu)] + argv if self.ok else argv


def start_server(argv, pids_file, stdout=subprocess.PIPE):
    p = subprocess.Popen(argv, stdout=stdout, stdin=subprocess.DEVNULL)
    started.append(p)
    if pids_file:
        with open(pids_file, "a") as f:
            f.write("{}\n".format(p.pid))
    return p


def read_port(p, what, timeout=10):
    """The port a server prints on standard output when it is ready."""
    ready, _, _ = select.select([p.stdout], [], [], timeout)
    line = p.stdout.readline().decode().strip() if ready else ""
    if not line.isdigit():
        raise SystemExit("{} did not start (printed {!r})".format(what, line))
    return int(line)


def read_log(path):
    rows = []
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                if line.endswith("\n"):
                    rows.append(dict(kv.split("=", 1) for kv in line.split()))
    return rows


def wait_rows(path, count, timeout=3):
    deadline = time.monotonic() + timeout
    while True:
        rows = read_log(path)
        if len(rows) >= count or time.monotonic() > deadline:
            return rows
        time.sleep(0.01)


class CSink:
    """bench/throughput/sink: one line per connection in its log."""

    def __init__(self, opt, pin, chunking):
        self.log = os.path.join(opt.tmp, "sink-{}.log".format("chunking" if chunking else "plain"))
        argv = [os.path.join(opt.bin, "sink"), "--log", self.log] + ([] if chunking else ["--no-chunking"])
        self.proc = start_server(pin.server(argv), opt.pids)
        self.port = read_port(self.proc, "the sink")
        self.name = "C sink" + ("" if chunking else " (no CHUNKING)")

    def mark(self):
        return len(read_log(self.log))

    def check(self, mark, label, messages, octets):
        """Whether the connection after `mark` delivered `messages` (and `octets`, unless None)."""
        rows = wait_rows(self.log, mark + 1)
        if len(rows) <= mark:
            return fail("{}: the sink logged no connection".format(label))
        got = rows[mark:]
        m = sum(int(r["messages"]) for r in got)
        o = sum(int(r["octets"]) for r in got)
        if m != messages or (octets is not None and o != octets):
            fail("{}: the sink received {} messages, {} octets; expected {}, {}".format(
                label, m, o, messages, octets if octets is not None else "any"))


class PostfixSink:
    """Postfix's smtp-sink on loopback; -c prints its counters (mesg=N) on standard output."""

    def __init__(self, opt, pin):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.out = os.path.join(opt.tmp, "smtp-sink.out")
        # -h carries the temporary directory's name, so that run.sh's clean-up can recognise it.
        argv = [SMTP_SINK, "-c", "-h", "smtp-sink." + os.path.basename(opt.tmp)]
        if os.geteuid() == 0:
            argv += ["-u", "nobody"]  # required when started as root: it drops to nobody
        argv += ["127.0.0.1:{}".format(self.port), "100"]
        with open(self.out, "wb") as out:
            self.proc = start_server(pin.server(argv), opt.pids, stdout=out)
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("smtp-sink did not start on port {}".format(self.port))
                time.sleep(0.05)
        self.name = "Postfix smtp-sink"

    def messages(self):
        with open(self.out, "rb") as f:
            text = f.read().decode(errors="replace")
        counts = [int(part.split("=", 1)[1]) for part in text.replace("\r", " ").split() if part.startswith("mesg=")]
        return counts[-1] if counts else 0

    def mark(self):
        return self.messages()

    def check(self, mark, label, messages, octets):
        deadline = time.monotonic() + 3
        while self.messages() - mark < messages and time.monotonic() < deadline:
            time.sleep(0.02)
        got = self.messages() - mark
        if got != messages:
            fail("{}: smtp-sink counted {} messages; expected {}".format(label, got, messages))


class Proxy:
    def __init__(self, opt, pin, target_port, name):
        self.log = os.path.join(opt.tmp, "proxy-{}.log".format(name))
        argv = [sys.executable, os.path.join(HERE, "delay_proxy.py"), "--target-port", str(target_port),
                "--delay-ms", str(opt.delay_ms), "--log", self.log]
        self.proc = start_server(pin.server(argv), opt.pids)
        self.port = read_port(self.proc, "delay_proxy.py")

    def round_trips(self, mark, label):
        rows = wait_rows(self.log, mark + 1)
        if len(rows) <= mark:
            fail("{}: the proxy logged no connection".format(label))
            return None
        return sum(int(r["round_trips"]) for r in rows[mark:])


def stop_servers():
    for p in started:
        if p.poll() is None:
            p.terminate()
    for p in started:
        try:
            p.wait(5)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    started.clear()


def run_client(argv, timeout, stdin_path=None):
    """Runs a sender; returns its exit status, wall time, its CPU time (wait4) and its output."""
    out_path = os.path.join(opt.tmp, "client.out")
    err_path = os.path.join(opt.tmp, "client.err")
    stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        t0 = time.monotonic()
        p = subprocess.Popen(argv, stdin=stdin, stdout=out, stderr=err)
        running_client.append(p)
        watchdog = threading.Timer(timeout, p.kill)
        watchdog.start()
        try:
            _, status, usage = os.wait4(p.pid, 0)
        finally:
            watchdog.cancel()
            running_client.clear()
        wall = time.monotonic() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
    if stdin_path:
        stdin.close()
    with open(out_path, "rb") as f:
        stdout = f.read().decode(errors="replace")
    with open(err_path, "rb") as f:
        stderr = f.read().decode(errors="replace")
    reported = {}
    for line in stdout.splitlines():
        if line.startswith("client="):
            reported = dict(kv.split("=", 1) for kv in line.split())
    return {
        "rc": p.returncode,
        "wall": wall,
        "cpu_rusage": usage.ru_utime + usage.ru_stime,
        # The sender's own figures (connect to QUIT's reply) when it prints them; else the process's.
        "elapsed": float(reported["elapsed"]) if "elapsed" in reported else wall,
        "cpu": float(reported["cpu"]) if "cpu" in reported else usage.ru_utime + usage.ru_stime,
        "stderr": stderr,
    }


# ---------------------------------------------------------------------------- the senders
def client_argv(name, port, count, size):
    if name == "mailwire":
        return [os.path.join(opt.bin, "mailwire_batch"), "--port", str(port), "--count", str(count),
                "--size", str(size)]
    if name == "curl":
        return [os.path.join(opt.bin, "curl_batch"), "--port", str(port), "--count", str(count), "--size", str(size)]
    if name == "smtplib":
        return [sys.executable, os.path.join(HERE, "smtplib_batch.py"), "--port", str(port), "--count", str(count),
                "--size", str(size)]
    if name == "smtp-source":
        # -d: every message over the same connection; -l is the body: smtp-source adds its own
        # header (measured at start-up), so the messages are `size` octets like everyone else's.
        return [SMTP_SOURCE, "-d", "-m", str(count), "-l", str(max(1, size - smtp_source_header)), "-f", SENDER,
                "-t", RCPT, "-M", "client.example", "127.0.0.1:{}".format(port)]
    raise ValueError(name)


def send(name, sink, port, count, size, label, pin):
    """One sender's run into `sink` (through `port`, the sink's or a proxy's); None when it broke."""
    mark = sink.mark()
    r = run_client(pin.client(client_argv(name, port, count, size)), opt.client_timeout)
    if r["rc"] != 0:
        fail("{}: {} exited {}: {}".format(label, name, r["rc"], r["stderr"].strip()[-600:]))
        return None
    before = len(failures)
    sink.check(mark, label, count, count * size)
    return r if len(failures) == before else None


def calibrate_smtp_source(sink, pin):
    """The octets smtp-source adds to its -l body (its own header): one message of -l 1."""
    global smtp_source_header
    mark = sink.mark()
    r = run_client(pin.client([SMTP_SOURCE, "-m", "1", "-l", "1", "-f", SENDER, "-t", RCPT, "-M", "client.example",
                               "127.0.0.1:{}".format(sink.port)]), 30)
    rows = wait_rows(sink.log, mark + 1)
    if r["rc"] != 0 or len(rows) <= mark:
        raise SystemExit("smtp-source does not work: " + r["stderr"])
    smtp_source_header = int(rows[mark]["octets"]) - 1


# ---------------------------------------------------------------------------- the cases
def fmt_int(v):
    return "{:,.0f}".format(v)


def fmt2(v):
    return "{:.2f}".format(v)


def fmt1(v):
    return "{:.1f}".format(v)


def fmt_g(v):
    return "{:g}".format(v)


FORMATS = {"msgs/s": fmt_int, "client CPU µs/msg": fmt1, "MiB/s": fmt_int, "client CPU ms/MiB": fmt2,
           "round trips, raw": fmt_g, "round trips/msg (raw − 2)/N": fmt2, "ms/msg": fmt1}


def size_text(octets):
    if octets >= MIB and octets % MIB == 0:
        return "{} MiB".format(octets // MIB)
    if octets >= KIB and octets % KIB == 0:
        return "{} KiB".format(octets // KIB)
    return "{} octets".format(octets)


def main():
    global opt, smtp_source_header
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--bin", required=True, help="the directory with sink, curl_batch and mailwire_batch")
    p.add_argument("--send", required=True, help="the mailwire-send executable")
    p.add_argument("--tmp", required=True, help="a scratch directory (run.sh's mktemp -d)")
    p.add_argument("--pids", help="append the servers' process ids here (run.sh's clean-up)")
    p.add_argument("--label", default="", help="what is measured (printed above the table)")
    p.add_argument("--short", action="store_true", help="CI: tiny sizes, one round, every component")
    p.add_argument("--rounds", type=int)
    p.add_argument("--count", type=int, help="1 KB messages per sender (default 10000, --short 50)")
    p.add_argument("--big-size", type=int, help="octets of a big message (default 20 MiB, --short 1 MiB)")
    p.add_argument("--big-count", type=int, help="big messages per sender (default 10, --short 2)")
    p.add_argument("--rt-count", type=int, help="messages through the delay proxy (default 20, --short 5)")
    p.add_argument("--rss-size", type=int, help="mailwire-send's message and attachment (default 50 MiB, --short 2 MiB)")
    p.add_argument("--delay-ms", type=float, default=10.0, help="the proxy's delay each way (default 10)")
    p.add_argument("--clients", default="mailwire,curl,smtp-source,smtplib")
    p.add_argument("--no-pin", action="store_true")
    opt = p.parse_args()
    short = opt.short
    opt.rounds = opt.rounds or (1 if short else 5)
    opt.count = opt.count or (50 if short else 10000)
    opt.big_size = opt.big_size or (1 * MIB if short else 20 * MIB)
    opt.big_count = opt.big_count or (2 if short else 10)
    opt.rt_count = opt.rt_count or (5 if short else 20)
    opt.rss_size = opt.rss_size or (2 * MIB if short else 50 * MIB)
    opt.client_timeout = 60 if short else 600
    small_size = 1024

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    pin = Pinning(not opt.no_pin)
    clients = [c for c in opt.clients.split(",") if c]
    if "smtp-source" in clients and not os.access(SMTP_SOURCE, os.X_OK):
        note("no {}: smtp-source left out (apt-get install postfix)".format(SMTP_SOURCE))
        clients.remove("smtp-source")
    have_smtp_sink = os.access(SMTP_SINK, os.X_OK)
    if not have_smtp_sink:
        note("no {}: the smtp-sink case left out (apt-get install postfix)".format(SMTP_SINK))
    note("pinning: " + pin.why)
    have_time = os.access(GNU_TIME, os.X_OK)
    if not have_time:
        note("no {}: mailwire-send's peak RSS not measured (apt-get install time)".format(GNU_TIME))

    sink = CSink(opt, pin, chunking=True)
    plain_sink = CSink(opt, pin, chunking=False)
    postfix = PostfixSink(opt, pin) if have_smtp_sink else None
    proxy = Proxy(opt, pin, sink.port, "chunking")
    plain_proxy = Proxy(opt, pin, plain_sink.port, "plain")
    smtp_source_header = 0
    if "smtp-source" in clients:
        calibrate_smtp_source(sink, pin)

    # results[row key][client][round] = figure
    results = {}

    def record(key, client, value):
        results.setdefault(key, {}).setdefault(client, {})[rnd] = value

    # The messages mailwire-send reads (a raw message on standard input, an attachment).
    message_path = os.path.join(opt.tmp, "message.eml")
    with open(message_path, "wb") as f:
        f.write(make_message(opt.rss_size))
    attachment_path = os.path.join(opt.tmp, "attachment.bin")
    with open(attachment_path, "wb") as f:
        left = opt.rss_size
        while left > 0:
            block = os.urandom(min(left, MIB))
            f.write(block)
            left -= len(block)
    empty_path = os.path.join(opt.tmp, "empty.txt")
    open(empty_path, "wb").close()

    big_mib = opt.big_size * opt.big_count / MIB
    small_key = ("small", "{} × {}, {}".format(size_text(small_size), opt.count, sink.name))
    big_key = ("big", "{} × {}, {}".format(size_text(opt.big_size), opt.big_count, sink.name))
    postfix_key = ("big", "{} × {}, {}".format(size_text(opt.big_size), opt.big_count, "Postfix smtp-sink"))
    rt_keys = [(("rt", "{} × {}, {:g} ms RTT, CHUNKING offered".format(size_text(small_size), opt.rt_count,
                                                                    2 * opt.delay_ms)), sink, proxy),
               (("rt", "{} × {}, {:g} ms RTT, no CHUNKING".format(size_text(small_size), opt.rt_count,
                                                                2 * opt.delay_ms)), plain_sink, plain_proxy)]
    t_start = time.monotonic()
    for rnd in range(opt.rounds):
        order = clients[rnd % len(clients):] + clients[:rnd % len(clients)]
        note("round {}/{}: {}".format(rnd + 1, opt.rounds, ", ".join(order)))

        for name in order:
            label = "round {} {} {}".format(rnd + 1, small_key[1], name)
            r = send(name, sink, sink.port, opt.count, small_size, label, pin)
            if r:
                record(small_key + ("msgs/s",), name, opt.count / r["elapsed"])
                record(small_key + ("client CPU µs/msg",), name, r["cpu"] * 1e6 / opt.count)
                note("  {}: {:,.0f} msgs/s, {:.1f} µs CPU/msg".format(label, opt.count / r["elapsed"],
                                                                      r["cpu"] * 1e6 / opt.count))

        for key, target in ((big_key, sink), (postfix_key, postfix)):
            if target is None:
                continue
            for name in order:
                label = "round {} {} {}".format(rnd + 1, key[1], name)
                r = send(name, target, target.port, opt.big_count, opt.big_size, label, pin)
                if r:
                    record(key + ("MiB/s",), name, big_mib / r["elapsed"])
                    record(key + ("client CPU ms/MiB",), name, r["cpu"] * 1e3 / big_mib)
                    note("  {}: {:.0f} MiB/s, {:.2f} ms CPU/MiB".format(label, big_mib / r["elapsed"],
                                                                        r["cpu"] * 1e3 / big_mib))

        for key, target, via in rt_keys:
            for name in order:
                label = "round {} {} {}".format(rnd + 1, key[1], name)
                mark = len(read_log(via.log))
                r = send(name, target, via.port, opt.rt_count, small_size, label, pin)
                rt = via.round_trips(mark, label)
                if r and rt is not None:
                    record(key + ("round trips, raw",), name, rt)
                    record(key + ("round trips/msg (raw − 2)/N",), name, (rt - 2) / opt.rt_count)
                    record(key + ("ms/msg",), name, r["elapsed"] * 1e3 / opt.rt_count)
                    note("  {}: {} round trips, {:.2f}/msg, {:.1f} ms/msg".format(
                        label, rt, (rt - 2) / opt.rt_count, r["elapsed"] * 1e3 / opt.rt_count))

        # mailwire-send's peak RSS, from GNU time (%M: the child's ru_maxrss). Not wait4 from
        # here: Linux carries a process's RSS high-water mark across exec, so a child forked by
        # this Python process would report at least the harness's own size. time's child is small.
        common = [opt.send, "--profile", "relay", "--tls", "none", "--host", "127.0.0.1", "--port", str(sink.port),
                  "--from", SENDER, "--timeout", "120"]
        for what, argv, stdin in (
                ("message on stdin", common + ["--", RCPT], message_path),
                ("attachment (--attach)", common + ["--subject", "attachment", "--attach",
                                                    attachment_path + ";application/octet-stream", "--", RCPT],
                 empty_path)):
            label = "round {} mailwire-send {} {}".format(rnd + 1, size_text(opt.rss_size), what)
            mark = sink.mark()
            rss_path = os.path.join(opt.tmp, "rss.txt")
            timed = [GNU_TIME, "-f", "%M", "-o", rss_path] if have_time else []
            r = run_client(timed + pin.client(argv), opt.client_timeout, stdin_path=stdin)
            if r["rc"] != 0:
                fail("{}: mailwire-send exited {}: {}".format(label, r["rc"], r["stderr"].strip()[-600:]))
                continue
            before = len(failures)
            sink.check(mark, label, 1, opt.rss_size if stdin == message_path else None)
            if len(failures) == before:
                key = ("rss", "mailwire-send, {} {}".format(size_text(opt.rss_size), what))
                record(key + ("s",), "mailwire", r["wall"])
                rss = None
                if have_time:
                    with open(rss_path) as f:
                        rss = int(f.read().split()[-1]) / KIB
                    record(key + ("peak RSS MiB",), "mailwire", rss)
                note("  {}: peak RSS {} MiB, {:.2f} s".format(label, "?" if rss is None else "{:.1f}".format(rss),
                                                            r["wall"]))

    stop_servers()
    elapsed = time.monotonic() - t_start
    # The paired ratios: mailwire / curl in each round where both have the figure.
    ratios = {}
    for key, per_client in results.items():
        m, c = per_client.get("mailwire", {}), per_client.get("curl", {})
        paired = [m[r] / c[r] for r in m if r in c and c[r] != 0]
        if paired:
            ratios[key] = paired
    print_report(results, ratios, clients, pin, short, elapsed)
    if failures:
        note("\n{} failure(s):".format(len(failures)))
        for f in failures:
            note("  " + f)
        sys.exit(1)


def command_output(argv):
    try:
        return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                              timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def print_report(results, ratios, clients, pin, short, elapsed):
    os_name = ""
    if os.path.exists("/etc/os-release"):
        with open("/etc/os-release") as f:
            for line in f:
                if line.startswith("PRETTY_NAME="):
                    os_name = line.split("=", 1)[1].strip().strip('"')
    postfix = command_output(["/usr/sbin/postconf", "-d", "-h", "mail_version"]) if os.path.exists(
        "/usr/sbin/postconf") else ""
    print()
    print("Throughput{}: {}{}".format(" (--short: tiny sizes, figures meaningless)" if short else "",
                                      datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                                      (", " + opt.label) if opt.label else ""))
    print("Machine: {} CPUs (nproc), Linux {}, {}, {}, g++ {}, {}, Postfix {}, Python {}; {}; {} round(s), "
          "{:.0f} s".format(os.cpu_count(), platform.release(), os_name, platform.machine(),
                            command_output(["g++", "-dumpfullversion"]),
                            command_output(["curl-config", "--version"]) or "libcurl ?", postfix or "not installed",
                            platform.python_version(), pin.why, opt.rounds, elapsed))
    print()
    names = {"mailwire": "mailwire", "curl": "libcurl", "smtp-source": "smtp-source", "smtplib": "smtplib"}
    shown = [c for c in clients if any(c in v for v in results.values())]
    print("| case | figure | " + " | ".join(names.get(c, c) for c in shown) + " | mailwire ÷ libcurl |")
    print("|---|---|" + "---:|" * (len(shown) + 1))
    for key, per_client in results.items():
        if key[0] == "rss":
            continue
        kind, case, figure = key
        fmt = FORMATS.get(figure, fmt2)
        cells = []
        for c in shown:
            v = per_client.get(c)
            cells.append(fmt(statistics.median(v.values())) if v else "–")
        ratio = "{:.2f}".format(statistics.median(ratios[key])) if key in ratios else "–"
        print("| {} | {} | {} | {} |".format(case, figure, " | ".join(cells), ratio))
    rss = [(k, v) for k, v in results.items() if k[0] == "rss"]
    if rss:
        print()
        print("| mailwire-send | peak RSS MiB | s |")
        print("|---|---:|---:|")
        cases = []
        for (kind, case, figure), v in rss:
            if case not in cases:
                cases.append(case)
        for case in cases:
            m = results.get(("rss", case, "peak RSS MiB"), {}).get("mailwire")
            s = results.get(("rss", case, "s"), {}).get("mailwire")
            print("| {} | {} | {} |".format(case.replace("mailwire-send, ", ""),
                                            fmt1(statistics.median(m.values())) if m else "–",
                                            fmt2(statistics.median(s.values())) if s else "–"))
    print()
    print("Medians over the rounds; mailwire ÷ libcurl is the median of the per-round ratios (above 1: mailwire's "
          "figure is higher). Elapsed is each sender's own, connect to QUIT's reply (smtp-source: the process). "
          "Round trips: client flights that follow a server flight, counted by delay_proxy.py; raw − 2 leaves out "
          "the EHLO after the greeting and the QUIT.")


if __name__ == "__main__":
    opt = None
    smtp_source_header = 0
    try:
        main()
    finally:
        for p in running_client:
            if p.poll() is None:
                p.kill()
        stop_servers()
