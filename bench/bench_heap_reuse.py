"""Heap bench: glibc's default heap against one that keeps freed blocks for reuse (an idea measured, not kept).

The reused heap: one arena, no mmap for large blocks, no trimming (`mallopt`), set before the model loads; the
engine does not do this (it broke the memory budget over a whole job: bench/results/full-size.md).

Each variant runs in a fresh process, as the daemon runs a job: the model loaded in the main thread, the work in
a new thread. Prints Markdown tables:
1. one evaluation: seconds (median after a warm-up), minor page faults and system CPU seconds, peak RSS;
2. a one-scale `quality` job of `--job-steps` steps at `--job-size`: seconds and peak RSS (the pages a job keeps).

    cd bench && python bench_heap_reuse.py --weights PATH [--sizes 600x400,1200x800] [--repeats 3]
        [--job-size 1200x800] [--job-steps 10]
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import torch
from pictures import content_at, parse_size, photo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from support import memory_mib

from painterly.engine import StyleImage, load_model, stylize
from painterly.engine.objective import Objective
from painterly.engine.presets import settings_for

M_TRIM_THRESHOLD, M_MMAP_MAX, M_ARENA_MAX = -1, -4, -8  # glibc's malloc.h
HEAPS = ("default", "reuse", "huge-pages")  # huge-pages: PyTorch's THP_MEM_ALLOC_ENABLE (2 MiB pages, madvise)


def keep_freed_blocks() -> None:
    """One arena (per-thread arenas map large blocks afresh), no mmap, no trimming: freed pages stay for reuse."""
    mallopt = ctypes.CDLL(None).mallopt
    for parameter, value in ((M_ARENA_MAX, 1), (M_MMAP_MAX, 0), (M_TRIM_THRESHOLD, 2**31 - 1)):
        if mallopt(parameter, value) != 1:
            raise SystemExit("this C library has no glibc mallopt")


def measure(args: argparse.Namespace) -> None:
    """The child: evaluations at one size in a new thread, then one JSON line."""
    width, height = parse_size(args.child)
    if args.heap == "reuse":
        keep_freed_blocks()
    model = load_model(args.weights, "auto")
    content = content_at(width, height)
    style = photo("style", "starry_night")
    if args.job_steps:
        one_scale = {"size": max(width, height), "scales": [1.0], "coarsest_side": 0, "seed": 1}
        settings = settings_for("quality", {**one_scale, "iterations": args.job_steps, "fewer_steps_above": 0})
        thread = threading.Thread(target=lambda: stylize(model, content, [StyleImage(style)], settings))
        started = time.perf_counter()
        thread.start()
        thread.join()
        seconds = time.perf_counter() - started
        print(json.dumps({"seconds": seconds, "peak_mib": round(memory_mib(os.getpid(), "VmHWM"))}))
        return
    objective = Objective.of(settings_for("quality"))
    targets = objective.targets(model, content, [StyleImage(style)], exact=False)
    samples: list[tuple[float, int, float]] = []

    def evaluations() -> None:
        for _ in range(args.repeats + 1):
            before = resource.getrusage(resource.RUSAGE_SELF)
            started = time.perf_counter()
            objective.cost_and_gradient(model, content[None], targets, max(width, height))
            after = resource.getrusage(resource.RUSAGE_SELF)
            seconds = time.perf_counter() - started
            samples.append((seconds, after.ru_minflt - before.ru_minflt, after.ru_stime - before.ru_stime))

    thread = threading.Thread(target=evaluations)
    thread.start()
    thread.join()
    measured = samples[1:]  # the first evaluation faults its pages in either way
    print(
        json.dumps(
            {
                "seconds": statistics.median(s for s, _, _ in measured),
                "faults": statistics.median(f for _, f, _ in measured),
                "system_s": statistics.median(c for _, _, c in measured),
                "peak_mib": round(memory_mib(os.getpid(), "VmHWM")),
            }
        )
    )


def child(args: argparse.Namespace, size: str, heap: str, *options: str) -> dict:
    """One measurement in a fresh process: its JSON line."""
    command = [sys.executable, __file__, "--weights", args.weights, "--child", size, "--heap", heap, *options]
    environment = {**os.environ, "THP_MEM_ALLOC_ENABLE": "1" if heap == "huge-pages" else "0"}
    run = subprocess.run(command, capture_output=True, text=True, check=True, env=environment)
    return json.loads(run.stdout.splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", required=True)
    parser.add_argument("--sizes", default="600x400,1200x800")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--job-size", default="1200x800")
    parser.add_argument("--job-steps", type=int, default=10, help="steps of the one-scale job (0 skips it)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--heap", choices=HEAPS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        measure(args)
        return
    print(f"{platform.processor() or platform.machine()}, torch {torch.__version__}, {torch.get_num_threads()} threads")
    print(f"\n## One evaluation in a job thread, median of {args.repeats} after a warm-up\n")
    print("| size | heap | seconds | minor page faults | system CPU s | peak RSS | vs default |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for size in args.sizes.split(","):
        default_seconds = None
        for heap in HEAPS:
            run = child(args, size, heap, "--repeats", str(args.repeats), "--job-steps", "0")
            default_seconds = default_seconds or run["seconds"]
            print(
                f"| {size} | {heap} | {run['seconds']:.2f} s | {run['faults']:.0f} | {run['system_s']:.1f} "
                f"| {run['peak_mib']} MiB | {run['seconds'] / default_seconds:.2f}x |",
                flush=True,
            )
    if not args.job_steps:
        return
    print(f"\n## A one-scale `quality` job at {args.job_size}, {args.job_steps} steps, in a job thread\n")
    print("| heap | seconds | peak RSS | vs default |")
    print("| --- | --- | --- | --- |")
    default_seconds = None
    for heap in HEAPS:
        run = child(args, args.job_size, heap, "--job-steps", str(args.job_steps))
        default_seconds = default_seconds or run["seconds"]
        print(f"| {heap} | {run['seconds']:.1f} s | {run['peak_mib']} MiB | {run['seconds'] / default_seconds:.2f}x |")


if __name__ == "__main__":
    main()
