"""Padding bench: one `quality` evaluation under VGG's zero padding, reflect padding through a padded copy of each
convolution's input (the engine until 2026-12-07), and reflect padding by ring corrections (`edge_padding.py`).

Each variant runs in a fresh process (the model loaded, the work in a new thread, as the daemon runs a job), the
variants of one size alternating round by round so that a noisy machine loads them alike. Prints a Markdown table:
seconds of one forward + backward pass to conv5_1 (median of the rounds' medians), its ratio to zero padding, and
the process's peak RSS (VmHWM).

    cd bench && python bench_padding.py --weights PATH [--sizes 451x300,1024x768] [--rounds 3] [--repeats 3]
        [--precision auto|float32|bfloat16]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import torch
from pictures import content_at, parse_size

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from support import memory_mib

from painterly.engine import load_model, vgg
from painterly.engine.edge_padding import padded_copy_conv2d  # the engine's reflect padding until 2026-12-07
from painterly.engine.presets import settings_for

VARIANTS = ("zeros", "reflect-copy", "reflect-ring")
LAYERS = ("conv1_1", "conv2_1", "conv3_1", "conv4_1", "conv4_2", "conv5_1")  # the quality objective's


def measure(args: argparse.Namespace) -> None:
    """The child: `--repeats` timed evaluations after a warm-up, then one JSON line."""
    width, height = parse_size(args.child)
    if args.variant == "reflect-copy":
        vgg.edge_padded_conv2d = padded_copy_conv2d
    model = load_model(args.weights, "auto", args.precision)
    padding = "zeros" if args.variant == "zeros" else "reflect"
    assert settings_for("quality", {}).padding == "reflect"
    image = content_at(width, height).unsqueeze(0)
    durations: list[float] = []

    def evaluate() -> None:
        pixels = image.clone().requires_grad_(True)
        features = model.features(pixels, set(LAYERS), padding=padding)
        sum(values.float().square().mean() for values in features.values()).backward()

    def work() -> None:
        evaluate()  # warm-up
        for _ in range(args.repeats):
            start = time.perf_counter()
            evaluate()
            durations.append(time.perf_counter() - start)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    peak = memory_mib(os.getpid(), "VmHWM")
    print(json.dumps({"seconds": statistics.median(durations), "peak_mib": peak}))


def run_child(args: argparse.Namespace, size: str, variant: str) -> dict:
    command = [sys.executable, __file__, "--weights", args.weights, "--child", size, "--variant", variant]
    command += ["--repeats", str(args.repeats), "--precision", args.precision]
    run = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(run.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", required=True)
    parser.add_argument("--sizes", default="451x300,1024x768")
    parser.add_argument("--rounds", type=int, default=3, help="fresh processes per variant and size")
    parser.add_argument("--repeats", type=int, default=3, help="timed evaluations per process")
    parser.add_argument("--precision", default="auto", help="auto, float32 or bfloat16 (slow without native bf16)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--variant", choices=VARIANTS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        measure(args)
        return
    dtype = load_model(args.weights, "auto", args.precision).dtype
    threads = torch.get_num_threads()
    print(f"torch {torch.__version__}, {threads} threads, {dtype} convolutions; one quality evaluation\n")
    print("| size | padding | seconds (median) | vs zeros | peak RSS |")
    print("| --- | --- | --- | --- | --- |")
    for size in args.sizes.split(","):
        runs: dict[str, list[dict]] = {variant: [] for variant in VARIANTS}
        for _ in range(args.rounds):
            for variant in VARIANTS:
                runs[variant].append(run_child(args, size, variant))
        zeros = statistics.median(run["seconds"] for run in runs["zeros"])
        for variant in VARIANTS:
            seconds = statistics.median(run["seconds"] for run in runs[variant])
            peak = statistics.median(run["peak_mib"] for run in runs[variant])
            print(f"| {size} | {variant} | {seconds:.3f} s | {seconds / zeros:.2f}x | {peak:.0f} MiB |", flush=True)


if __name__ == "__main__":
    main()
