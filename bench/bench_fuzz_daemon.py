"""100,000 malformed messages of every kind in tests/malformed_messages.py against a real `painterly serve`, then a
real job; prints how each kind was answered, the internal errors (there must be none) and the daemon's memory.

Run: python bench/bench_fuzz_daemon.py [--messages 100000]   (figures: bench/results/fuzz-daemon.md)
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from malformed_messages import Fuzzer, Tally, malformed
from support import memory_mib, photo, running_daemon

from painterly_wire import StyleSpec

BATCH = 25


def fuzz(endpoint: str, messages: int) -> Tally:
    """Send `messages` malformed messages in batches, each batch checked to be answered in full."""
    fuzzer = Fuzzer(endpoint)

    @settings(
        max_examples=messages // BATCH,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(batch=st.lists(malformed, min_size=BATCH, max_size=BATCH))
    def one_batch(batch):
        fuzzer.exchange(batch)

    try:
        one_batch()
    finally:
        fuzzer.close()
    return fuzzer.tally


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    args = parser.parse_args()
    with running_daemon() as daemon:
        pid = daemon.process.pid
        rss_before = memory_mib(pid)
        started = time.monotonic()
        tally = fuzz(daemon.endpoint, args.messages)
        seconds = time.monotonic() - started
        rss_after, peak = memory_mib(pid), memory_mib(pid, "VmHWM")
        with daemon.client(timeout_s=60) as client:
            style = StyleSpec(1.0, pixels=photo("style/starry_night.jpg", 40))
            params = {"preset": "fast", "size": 40, "iterations": 2}
            result = client.stylize(photo("content/tubingen.jpg", 40), [style], params)
        print(tally.report())
        print(f"{seconds:.0f} s, {tally.sent / seconds:.0f} messages/s")
        print(f"daemon RSS before {rss_before:.0f} MiB, after the fuzzing {rss_after:.0f} MiB, peak {peak:.0f} MiB")
        print(f"real job afterwards: {result.report['steps']} steps, {result.image.width}x{result.image.height}")
        print(f"daemon alive: {daemon.process.poll() is None}, tracebacks logged: {daemon.log().count('Traceback')}")
    return 1 if tally.internal_errors or tally.answered != tally.sent else 0


if __name__ == "__main__":
    sys.exit(main())
