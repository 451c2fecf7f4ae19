"""Load on a real daemon: 50 concurrent clients x 10 jobs each (mostly zero-step echoes, some tiny real jobs), a
random third of the jobs cancelled; two rounds. Every job must end (result, cancelled or error) on its client:
a job that never ends is lost. Reports lost jobs, outcomes, wall time and the daemon's resident memory after
each round.

Run: python bench/bench_daemon_load.py [--clients 50] [--jobs 10] [--rounds 2]
Writes bench/results/daemon-load.md.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from painterly_wire import Cancelled, Client, DaemonUnavailable, Failed, JobFailed, Pixels, Result, StyleSpec

RESULTS = Path(__file__).resolve().parent / "results" / "daemon-load.md"
WEIGHTS = (
    Path(__file__).resolve().parents[2] / "shared" / "models" / "vgg19_weights_tf_dim_ordering_tf_kernels_notop_q.bin"
)
ZERO_STEPS = {"preset": "fast", "iterations": 0}
TINY = {"preset": "fast", "size": 24, "iterations": 2, "seed": 3}
TINY_SHARE = 0.1  # of the jobs run real optimiser steps
CANCEL_SHARE = 0.3
END_WITHIN_S = 600.0
STYLE = StyleSpec(1.0, library="starry_night")


@dataclass
class Tally:
    """What the clients saw, added up under a lock."""

    outcomes: Counter = field(default_factory=Counter)
    lost: list[str] = field(default_factory=list)
    wrong_echo: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def free_endpoint() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"tcp://127.0.0.1:{probe.getsockname()[1]}"


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def start_daemon(endpoint: str, clients: int, jobs: int) -> subprocess.Popen:
    """`painterly serve` with a queue that holds every job of a round, on CPU, logging to a temporary file."""
    env = dict(os.environ, PAINTERLY_SPOOL_DIR=tempfile.mkdtemp(), PAINTERLY_STYLES_DIR=tempfile.mkdtemp())
    env.setdefault("PAINTERLY_WEIGHTS", str(WEIGHTS))
    log = open(tempfile.mkstemp(prefix="painterly-load-", suffix=".log")[1], "wb")  # noqa: SIM115 (the child's)
    command = [sys.executable, "-m", "painterly.cli", "serve", "--endpoint", endpoint, "--device", "cpu"]
    command += ["--preview-every", "0", "--max-queue", str(clients * jobs), "--client-jobs", str(jobs)]
    daemon = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
    print(f"daemon log: {log.name}")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with Client(endpoint, timeout_s=1) as client:
                client.hello()
                return daemon
        except DaemonUnavailable:
            if daemon.poll() is not None:
                raise SystemExit(f"the daemon exited with {daemon.returncode}; see {log.name}") from None
    raise SystemExit("the daemon did not answer within 120 s")


def one_client(endpoint: str, jobs: int, seed: int, tally: Tally) -> None:
    """Submit `jobs` jobs, cancel some at random moments, and wait until every one has ended."""
    chooser = random.Random(seed)
    content = Pixels(64, 48, 3, "u8", bytes(chooser.randrange(256) for _ in range(64 * 48 * 3)))
    with Client(endpoint, timeout_s=60) as client:
        open_jobs: dict[str, bool] = {}  # job id -> a zero-step echo
        for _ in range(jobs):
            echo = chooser.random() >= TINY_SHARE
            try:
                open_jobs[client.submit(content, [STYLE], ZERO_STEPS if echo else TINY)] = echo
            except JobFailed as refused:
                with tally.lock:
                    tally.outcomes[f"refused: {refused.code}"] += 1
        to_cancel = [job for job in open_jobs if chooser.random() < CANCEL_SHARE]
        deadline = time.monotonic() + END_WITHIN_S
        while open_jobs and time.monotonic() < deadline:
            if to_cancel and chooser.random() < 0.5:
                client.cancel(to_cancel.pop())
            for event in client.events(0.05):
                if not isinstance(event, (Result, Cancelled, Failed)) or event.job not in open_jobs:
                    continue
                echo = open_jobs.pop(event.job)
                kind = type(event).__name__.lower() if not isinstance(event, Failed) else f"error: {event.code}"
                with tally.lock:
                    tally.outcomes[kind] += 1
                    tally.wrong_echo += isinstance(event, Result) and echo and event.image.data != content.data
        with tally.lock:
            tally.lost += list(open_jobs)


def run_round(endpoint: str, clients: int, jobs: int, round_number: int) -> tuple[Tally, float]:
    tally = Tally()
    threads = [
        threading.Thread(target=one_client, args=(endpoint, jobs, round_number * 1000 + index, tally))
        for index in range(clients)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally, time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--jobs", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    endpoint = free_endpoint()
    daemon = start_daemon(endpoint, args.clients, args.jobs)
    rows = []
    try:
        rss_before = rss_mib(daemon.pid)
        for round_number in range(1, args.rounds + 1):
            tally, seconds = run_round(endpoint, args.clients, args.jobs, round_number)
            time.sleep(1.0)
            rows.append((round_number, tally, seconds, rss_mib(daemon.pid)))
            print(f"round {round_number}: {dict(tally.outcomes)}, lost {len(tally.lost)}, {seconds:.1f} s")
        alive = daemon.poll() is None
    finally:
        daemon.terminate()
        daemon.wait(30)
    write_report(args, rss_before, rows, alive)


def write_report(args: argparse.Namespace, rss_before: float, rows: list, alive: bool) -> None:
    lines = [
        "# Daemon under load",
        "",
        f"`python bench/bench_daemon_load.py --clients {args.clients} --jobs {args.jobs} --rounds {args.rounds}`: "
        f"{args.clients} concurrent clients (one thread and one connection each) x {args.jobs} jobs per round "
        f"({1 - TINY_SHARE:.0%} zero-step echoes, {TINY_SHARE:.0%} tiny real jobs of 2 steps at 24 px), "
        f"about {CANCEL_SHARE:.0%} cancelled at random moments; daemon on CPU, `--max-queue "
        f"{args.clients * args.jobs} --client-jobs {args.jobs}`. A lost job is one whose client never saw it end.",
        "",
        f"Daemon RSS after start: {rss_before:.0f} MiB. Daemon alive at the end: {'yes' if alive else 'NO'}.",
        "",
        "| round | jobs lost | outcomes | wrong echoes | wall time | daemon RSS after |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for round_number, tally, seconds, rss in rows:
        outcomes = ", ".join(f"{kind} {count}" for kind, count in sorted(tally.outcomes.items()))
        cells = [round_number, len(tally.lost), outcomes, tally.wrong_echo, f"{seconds:.1f} s", f"{rss:.0f} MiB"]
        lines.append("| " + " | ".join(map(str, cells)) + " |")
    RESULTS.write_text("\n".join(lines) + "\n")
    print(RESULTS.read_text())


if __name__ == "__main__":
    main()
