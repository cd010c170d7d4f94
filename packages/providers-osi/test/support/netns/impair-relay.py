#!/usr/bin/env python3
"""Packet impairment for the two-host test when the kernel has no `tc netem` (no qdiscs at all on
some CI kernels): a TUN device in the link namespace, which policy routing sends every packet
crossing the link through. Each IP packet read from the TUN is dropped, delayed (with jitter) or
sent at once ahead of the delayed ones (reordering), then written back to the TUN, where the kernel
forwards it on. What `tc qdisc add ... netem delay D J loss L reorder R` does on a link, in user
space, for real packets: the TCP stacks of both hosts see the loss, the delay and the reordering.

    python3 impair-relay.py <tun name>

Commands, one JSON object per line on stdin:
    {"delayMs": 10, "jitterMs": 5, "loss": 0.02, "reorder": 0.1, "seed": 1}   set the impairment
    {"stats": true}                                                           print the counters
It prints one line "ready" once the TUN is attached, and a JSON line of counters for each
{"stats": true}. It ends when stdin closes.
"""
import fcntl
import heapq
import json
import os
import random
import select
import struct
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000


def main() -> None:
    name = sys.argv[1]
    tun = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
    fcntl.ioctl(tun, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI))
    config = {"delayMs": 0.0, "jitterMs": 0.0, "loss": 0.0, "reorder": 0.0}
    rng = random.Random(1)
    stats = {"forwarded": 0, "dropped": 0, "reordered": 0}
    queue: list = []
    seq = 0
    stdin = sys.stdin.fileno()
    pending_input = b""
    print("ready", flush=True)
    while True:
        timeout = None
        if queue:
            timeout = max(0.0, queue[0][0] - time.monotonic())
        readable, _, _ = select.select([tun, stdin], [], [], timeout)
        if stdin in readable:
            chunk = os.read(stdin, 65536)
            if not chunk:
                break
            pending_input += chunk
            while b"\n" in pending_input:
                line, pending_input = pending_input.split(b"\n", 1)
                if not line.strip():
                    continue
                command = json.loads(line)
                if command.get("stats"):
                    print(json.dumps(stats), flush=True)
                    continue
                config.update({k: float(v) for k, v in command.items() if k in config})
                if "seed" in command:
                    rng.seed(command["seed"])
        if tun in readable:
            while True:
                try:
                    packet = os.read(tun, 65536)
                except BlockingIOError:
                    break
                if rng.random() < config["loss"]:
                    stats["dropped"] += 1
                    continue
                now = time.monotonic()
                if config["reorder"] > 0 and rng.random() < config["reorder"]:
                    due = now
                    stats["reordered"] += 1
                else:
                    jitter = rng.uniform(-config["jitterMs"], config["jitterMs"])
                    due = now + max(0.0, config["delayMs"] + jitter) / 1000.0
                seq += 1
                heapq.heappush(queue, (due, seq, packet))
        now = time.monotonic()
        while queue and queue[0][0] <= now:
            _, _, packet = heapq.heappop(queue)
            try:
                os.write(tun, packet)
                stats["forwarded"] += 1
            except OSError:
                stats["dropped"] += 1


if __name__ == "__main__":
    main()
