"""Seconds from submitting a full-size job to its first step and its first preview, through a real daemon.

What an artist waits for after pressing OK: the plugin sends the layer (here a photo at 2400x1600, painted at its own
size with the editors' default preset and strength) to `painterly serve` (its default preview interval), and the
first preview of the whole canvas arrives as a Progress record. Each run is cancelled once its first preview came.
Run: python bench/bench_first_preview.py --weights ../shared/models/...bin [--size 2400x1600] [--repeats 3]
Prints a table (median last).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from bench_daemon_roundtrip import free_endpoint, start_daemon
from PIL import Image, ImageOps

from painterly_wire import Cancelled, Client, Failed, Pixels, Progress, Result, StyleSpec
from painterly_wire.editor_choices import DEFAULT_PRESET, DEFAULT_STRENGTH
from painterly_wire.params import job_params

PHOTO = Path(__file__).resolve().parents[2] / "shared" / "images" / "content" / "tubingen.jpg"


def photo_pixels(width: int, height: int) -> Pixels:
    """The photo cropped to the aspect and resized to width x height, as 8-bit RGB wire pixels."""
    with Image.open(PHOTO) as photo:
        image = ImageOps.fit(photo.convert("RGB"), (width, height))
    return Pixels(width, height, 3, "u8", image.tobytes())


def one_run(client: Client, content: Pixels) -> dict[str, float]:
    """Submit, wait for the first step and the first preview, cancel; seconds since the submit began."""
    params = job_params(DEFAULT_PRESET, max(content.width, content.height), DEFAULT_STRENGTH, False)
    started = time.perf_counter()
    job = client.submit(content, [StyleSpec(1.0, library="starry_night")], params)
    times = {"accepted": time.perf_counter() - started}
    while "preview" not in times:
        for event in client.events(1.0):
            if isinstance(event, Progress) and event.job == job:
                times.setdefault("first step", time.perf_counter() - started)
                if event.preview is not None:
                    times["preview"] = time.perf_counter() - started
                    times["preview side"] = max(event.preview.width, event.preview.height)
    client.cancel(job)
    wait_for_end(client, job)
    return times


def wait_for_end(client: Client, job: str, timeout_s: float = 60.0) -> None:
    """Wait for the job's final record (Cancelled, Failed or Result), so the next run starts on an idle daemon."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if any(event.job == job and isinstance(event, (Cancelled, Failed, Result)) for event in client.events(1.0)):
            return


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", required=True)
    parser.add_argument("--size", default="2400x1600")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    width, height = (int(part) for part in args.size.split("x"))
    content = photo_pixels(width, height)
    endpoint = free_endpoint()
    daemon = start_daemon(endpoint, args.weights)
    try:
        with Client(endpoint, timeout_s=120) as client:
            runs = [one_run(client, content) for _ in range(args.repeats)]
    finally:
        daemon.terminate()
        daemon.wait(30)
    print(f"\n## First preview of a {width}x{height} job ({DEFAULT_PRESET}, strength {DEFAULT_STRENGTH}, full size)\n")
    print("| run | accepted | first step | first preview | preview side |")
    print("| --- | --- | --- | --- | --- |")
    rows = [*((str(i + 1), run) for i, run in enumerate(runs))]
    rows.append(("median", {key: statistics.median(run[key] for run in runs) for key in runs[0]}))
    for label, run in rows:
        print(f"| {label} | {run['accepted']:.2f} s | {run['first step']:.2f} s | {run['preview']:.2f} s | "
              f"{run['preview side']:.0f} px |")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
