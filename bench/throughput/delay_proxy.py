#!/usr/bin/env python3
# SPDX-License-Identifier: BSL-1.0
"""A TCP proxy on loopback that delays every chunk by --delay-ms in each direction, and counts
round trips.

    delay_proxy.py --target-port 2525 [--port 0] [--delay-ms 10] [--log FILE]

Each connection accepted on 127.0.0.1:--port is forwarded to 127.0.0.1:--target-port. Every chunk
read from one side is written to the other --delay-ms (default 10) after it was read, in order,
so a request and its answer take twice that (20 ms round trip). The port is printed on standard
output, alone on a line, once the proxy accepts connections.

A round trip is a client flight that follows a server flight: data from the client read after
the proxy has delivered data from the server to the client since the client's previous data. The
flight after the greeting (EHLO) and the one after the last reply of the last message (QUIT) are
part of every session; the benchmark subtracts those two to get round trips per message. Data the
client sends without having been given anything new (a stream of content, more pipelined
commands) is not counted again.

--log FILE gets one line per connection, when both directions are closed:
"conn=1 round_trips=R client_bytes=N server_bytes=N". On SIGTERM or SIGINT the totals go to
standard error. Only loopback: nothing here listens or connects elsewhere.
"""
import argparse
import collections
import signal
import socket
import sys
import threading
import time

LOOPBACK = "127.0.0.1"
lock = threading.Lock()
totals = {"connections": 0, "round_trips": 0}


class Connection:
    def __init__(self, number, client, server, delay, log):
        self.number, self.client, self.server, self.delay, self.log = number, client, server, delay, log
        self.round_trips = 0
        self.delivered = False  # server data written to the client since the client last sent
        self.bytes = {"client": 0, "server": 0}
        self.open_directions = 2

    def start(self):
        for src, dst, name in ((self.client, self.server, "client"), (self.server, self.client, "server")):
            queue = collections.deque()
            ready = threading.Condition()
            threading.Thread(target=self.reader, args=(src, name, queue, ready), daemon=True).start()
            threading.Thread(target=self.writer, args=(dst, name, queue, ready), daemon=True).start()

    def reader(self, src, name, queue, ready):
        while True:
            try:
                data = src.recv(262144)
            except OSError:
                data = b""
            now = time.monotonic()
            if data:
                with lock:
                    self.bytes[name] += len(data)
                    if name == "client" and self.delivered:
                        self.round_trips += 1
                        totals["round_trips"] += 1
                        self.delivered = False
            with ready:
                queue.append((now + self.delay, data))
                ready.notify()
            if not data:
                return

    def writer(self, dst, name, queue, ready):
        while True:
            with ready:
                while not queue:
                    ready.wait()
                due, data = queue.popleft()
            wait = due - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            if not data:
                break
            if name == "server":
                # Marked before the write, so the client's answer cannot be read before the mark.
                with lock:
                    self.delivered = True
            try:
                dst.sendall(data)
            except OSError:
                break
        try:
            dst.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        self.direction_done()

    def direction_done(self):
        with lock:
            self.open_directions -= 1
            last = self.open_directions == 0
        if not last:
            return
        self.client.close()
        self.server.close()
        if self.log:
            with open(self.log, "a") as f:
                f.write("conn={} round_trips={} client_bytes={} server_bytes={}\n".format(
                    self.number, self.round_trips, self.bytes["client"], self.bytes["server"]))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--target-port", type=int, required=True)
    p.add_argument("--delay-ms", type=float, default=10.0)
    p.add_argument("--log")
    args = p.parse_args()

    def stop(signum, frame):
        print("delay_proxy: connections={} round_trips={}".format(totals["connections"], totals["round_trips"]),
              file=sys.stderr, flush=True)
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((LOOPBACK, args.port))
    listener.listen(16)
    print(listener.getsockname()[1], flush=True)
    while True:
        client, _ = listener.accept()
        try:
            server = socket.create_connection((LOOPBACK, args.target_port))
        except OSError as e:
            print("delay_proxy: cannot reach the target: {}".format(e), file=sys.stderr, flush=True)
            client.close()
            continue
        for s in (client, server):
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # the delay is ours, not Nagle's
        with lock:
            totals["connections"] += 1
            number = totals["connections"]
        Connection(number, client, server, args.delay_ms / 1000.0, args.log).start()


if __name__ == "__main__":
    main()
