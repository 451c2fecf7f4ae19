"""Round trip of a 4096x4096 RGBA8 layer through the daemon (zero-step job) vs. a raw ZeroMQ loopback echo.

Also reports the daemon's resident memory before the job, at its peak, and while it holds the finished
result for fetching. Run: python bench/bench_daemon_roundtrip.py [--side 4096] [--repeats 5]
Writes bench/out/daemon_roundtrip.json.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import zmq

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from support import memory_mib

from painterly_wire import Client, DaemonUnavailable, Pixels, StyleSpec

OUT = Path(__file__).resolve().parent / "out"

ECHO_SERVER = """
import sys, zmq
router = zmq.Context().socket(zmq.ROUTER)
router.maxmsgsize = -1
router.bind(sys.argv[1])
print("ready", flush=True)
while True:
    parts = router.recv_multipart(copy=False)
    router.send_multipart(parts, copy=False)
"""


def free_endpoint() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"tcp://127.0.0.1:{probe.getsockname()[1]}"


def resident_mib(pid: int) -> dict[str, float]:
    """Resident memory now (VmRSS) and at its peak (VmHWM) of a process, in MiB."""
    return {field: memory_mib(pid, field) for field in ("VmRSS", "VmHWM")}


def median_seconds(action, repeats: int) -> float:
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def raw_round_trip(layer: bytes, repeats: int) -> float:
    """Median seconds for the same bytes to a plain ROUTER echo process and back."""
    endpoint = free_endpoint()
    echo = subprocess.Popen([sys.executable, "-c", ECHO_SERVER, endpoint], stdout=subprocess.PIPE, text=True)
    try:
        echo.stdout.readline()
        dealer = zmq.Context.instance().socket(zmq.DEALER)
        dealer.linger = 0
        dealer.connect(endpoint)

        def once() -> None:
            dealer.send_multipart([b"header", layer], copy=False)
            reply = dealer.recv_multipart(copy=False)
            assert len(reply[1]) == len(layer)

        once()
        seconds = median_seconds(once, repeats)
        dealer.close()
        return seconds
    finally:
        echo.kill()
        echo.wait()


def start_daemon(endpoint: str, weights: str | None) -> subprocess.Popen:
    command = [sys.executable, "-m", "painterly.cli", "serve", "--endpoint", endpoint, "--device", "cpu"]
    log_path = Path(tempfile.mkstemp(prefix="painterly-bench-", suffix=".log")[1])
    with open(log_path, "w") as log:
        daemon = subprocess.Popen(command + (["--weights", weights] if weights else []), stderr=log)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with Client(endpoint, timeout_s=0.5) as client:
                client.hello()
                return daemon
        except DaemonUnavailable:
            if daemon.poll() is not None:
                sys.exit(f"the daemon did not start: {log_path.read_text().strip()}")
    sys.exit("the daemon did not answer within 120 s")


def daemon_round_trip(layer: bytes, side: int, repeats: int, weights: str | None) -> dict:
    """Median seconds for a zero-step job with the layer, and the daemon's memory around it."""
    endpoint = free_endpoint()
    daemon = start_daemon(endpoint, weights)
    try:
        before = resident_mib(daemon.pid)
        pixels = Pixels(side, side, 4, "u8", layer)
        style = [StyleSpec(1.0, library="starry_night")]
        with Client(endpoint, timeout_s=60) as client:

            def once() -> None:
                result = client.stylize(pixels, style, {"preset": "fast", "iterations": 0})
                assert result.image.nbytes == len(layer)

            once()
            holding_one = resident_mib(daemon.pid)
            seconds = median_seconds(once, repeats)
            holding_all = resident_mib(daemon.pid)
        return {
            "seconds": seconds,
            "rss_before_mib": before["VmRSS"],
            "rss_holding_one_mib": holding_one["VmRSS"],
            "rss_holding_all_mib": holding_all["VmRSS"],
            "rss_peak_mib": holding_all["VmHWM"],
        }
    finally:
        daemon.terminate()
        daemon.wait(30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--side", type=int, default=4096)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--weights", help="VGG-19 weights file for the daemon (default: PAINTERLY_WEIGHTS)")
    args = parser.parse_args()
    layer = os.urandom(args.side * args.side * 4)
    raw = raw_round_trip(layer, args.repeats)
    through_daemon = daemon_round_trip(layer, args.side, args.repeats, args.weights)
    mib = len(layer) / 2**20
    report = {
        "layer": f"{args.side}x{args.side} RGBA8 ({mib:.0f} MiB)",
        "repeats": args.repeats,
        "raw_zmq_round_trip_s": round(raw, 4),
        "daemon_round_trip_s": round(through_daemon["seconds"], 4),
        "ratio": round(through_daemon["seconds"] / raw, 2),
        "daemon_rss_before_mib": round(through_daemon["rss_before_mib"]),
        "daemon_rss_holding_1_result_mib": round(through_daemon["rss_holding_one_mib"]),
        f"daemon_rss_holding_{args.repeats + 1}_results_mib": round(through_daemon["rss_holding_all_mib"]),
        "daemon_rss_peak_mib": round(through_daemon["rss_peak_mib"]),
    }
    OUT.mkdir(exist_ok=True)
    (OUT / "daemon_roundtrip.json").write_text(json.dumps(report, indent=2) + "\n")
    for key, value in report.items():
        print(f"{key:36} {value}")
    return 0 if report["ratio"] <= 2 else 1


if __name__ == "__main__":
    sys.exit(main())
