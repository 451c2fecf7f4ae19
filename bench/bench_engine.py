"""Engine benchmarks, measured side by side in one run on the same images. Prints Markdown tables.

1. seconds per step: the plain seed recipe (bench/plain_seed.py: fp32, NCHW, VGG to conv5_4) vs. the engine running
   the same recipe, and vs. the engine's `quality` step, at several sizes.
2. time to reach the plain recipe's cost after N steps (seed formula on the saved 8-bit image): the plain recipe vs.
   the `quality` preset's optimiser on the same cost formula (content conv5_4, alpha 10, beta 40).
3. peak resident memory of one `quality` job at 512 and 1024 px (each in a fresh process).

    python bench/bench_engine.py --weights PATH [--sizes 256,400,512] [--target-size 400] [--plain-steps 2500]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from pictures import at_long_side, photo
from plain_seed import PlainSeedRecipe, PlainVGG
from support import memory_mib

from painterly.engine import StyleImage, load_model, seed_costs, stylize
from painterly.engine.presets import SEED_CONTENT_LAYERS, settings_for


def pair(size: int) -> tuple[torch.Tensor, torch.Tensor]:
    return at_long_side(photo("content", "tubingen"), size), at_long_side(photo("style", "starry_night"), size)


def median_step(durations: list[float]) -> float:
    """Median seconds per step: robust to the odd step slowed by other work on a shared machine."""
    return statistics.median(durations)


def plain_step_times(plain: PlainSeedRecipe, steps: int) -> list[float]:
    plain.step()  # warm-up (allocations, kernels)
    times = []
    for _ in range(steps):
        started = time.perf_counter()
        plain.step()
        times.append(time.perf_counter() - started)
    return times


def engine_step_times(model, content, style, preset: str, steps: int) -> list[float]:
    """Durations of the optimiser steps alone (targets excluded), from the engine's progress records."""
    elapsed: list[float] = []
    settings = settings_for(
        preset,
        {
            "iterations": steps + 1,
            "coarse_iterations": 0,
            "scales": [1.0],
            "size": max(content.shape[1:]),
            "measure_costs": False,
        },
    )
    stylize(model, content, [StyleImage(style)], settings, on_progress=lambda p: elapsed.append(p.elapsed_s))
    return [later - earlier for earlier, later in itertools.pairwise(elapsed)]


def speed_table(weights: str, sizes: list[int], steps: int) -> None:
    model, network = load_model(weights, "cpu"), PlainVGG(weights)
    nchw = load_model(weights, "cpu", channels_last=False)
    print(f"\n## Seconds per step, median of {steps} ({model.dtype} channels_last engine vs plain fp32 NCHW)\n")
    print(
        "| size | plain seed recipe | engine, seed recipe | speed-up | engine, quality step | speed-up "
        "| quality step, NCHW instead of channels_last |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for size in sizes:
        content, style = pair(size)
        plain_s = median_step(plain_step_times(PlainSeedRecipe(network, content, style), steps))
        seed_s = median_step(engine_step_times(model, content, style, "seed", steps))
        quality_s = median_step(engine_step_times(model, content, style, "quality", steps))
        nchw_s = median_step(engine_step_times(nchw, content, style, "quality", steps))
        print(
            f"| {size} | {plain_s:.3f} s | {seed_s:.3f} s | {plain_s / seed_s:.1f}x | {quality_s:.3f} s "
            f"| {plain_s / quality_s:.1f}x | {nchw_s:.3f} s |",
            flush=True,
        )


def time_to_target(weights: str, size: int, plain_steps: int) -> None:
    model, network = load_model(weights, "cpu"), PlainVGG(weights)
    content, style = pair(size)
    plain = PlainSeedRecipe(network, content, style)
    started, trace = time.perf_counter(), []
    for _ in range(plain_steps):
        trace.append(plain.step())
    plain_seconds = time.perf_counter() - started
    final = plain.image.detach()[0]
    target = seed_costs(model, final, content, [StyleImage(style)])["J"]
    print(f"\n## Time to the plain recipe's cost ({size} px, Tübingen + Starry Night)\n")
    print(
        f"plain seed recipe: {plain_steps} steps in {plain_seconds:.0f} s; J of its saved last step {target:.4g}; "
        f"lowest J seen during its run {min(trace):.4g}; J at its last step {trace[-1]:.4g}\n"
    )
    print("| run | time to reach the plain recipe's J | steps | J of its saved result | total time |")
    print("| --- | --- | --- | --- | --- |")
    print(
        f"| plain seed recipe (Adam, fp32) | {plain_seconds:.1f} s | {plain_steps} | {target:.4g} "
        f"| {plain_seconds:.1f} s |"
    )
    variants = {  # label -> (overrides, whether its per-step cost is the seed formula)
        "quality optimiser, seed cost formula": (
            {"content_layers": dict(SEED_CONTENT_LAYERS), "content_weight": 10.0},
            True,
        ),
        "quality preset as shipped (conv4_2 content)": ({}, False),
    }
    for label, (overrides, comparable) in variants.items():
        seen = []
        settings = settings_for("quality", {**overrides, "size": size, "seed": 0})
        result = stylize(model, content, [StyleImage(style)], settings, on_progress=lambda p, seen=seen: seen.append(p))
        final_scale = [p for p in seen if p.step > p.total - settings.iterations]  # coarse costs are not comparable
        reached = next((p for p in final_scale if p.cost <= target), None) if comparable else None
        when = f"{reached.elapsed_s:.1f} s" if reached else ("not reached" if comparable else "(other cost)")
        print(
            f"| {label} | {when} | {reached.step if reached else '-'} | {result.report['J']:.4g} "
            f"| {result.report['seconds']:.1f} s |",
            flush=True,
        )


def peak_memory_child(weights: str, size: int) -> None:
    model = load_model(weights, "cpu")
    content, style = pair(size)
    settings = settings_for("quality", {"size": size, "iterations": 3, "coarse_iterations": 2})
    stylize(model, content, [StyleImage(style)], settings)
    print(json.dumps({"peak_rss_mib": memory_mib(os.getpid(), "VmHWM")}))


def memory_table(weights: str, sizes: list[int]) -> None:
    print("\n## Peak resident memory of a `quality` job (fresh process each)\n")
    print("| size | peak RSS |")
    print("| --- | --- |")
    for size in sizes:
        out = subprocess.run(
            [sys.executable, __file__, "--weights", weights, "--memory-child", str(size)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        print(f"| {size} | {json.loads(out.splitlines()[-1])['peak_rss_mib']:.0f} MiB |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--weights", required=True)
    parser.add_argument("--sizes", default="256,400,512")
    parser.add_argument("--steps", type=int, default=9)
    parser.add_argument("--target-size", type=int, default=400)
    parser.add_argument("--plain-steps", type=int, default=2500)
    parser.add_argument("--memory-sizes", default="512,1024")
    parser.add_argument("--only", choices=["speed", "target", "memory"])
    parser.add_argument("--memory-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        return peak_memory_child(args.weights, args.memory_child)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    if args.only in (None, "speed"):
        speed_table(args.weights, [int(s) for s in args.sizes.split(",")], args.steps)
    if args.only in (None, "target"):
        time_to_target(args.weights, args.target_size, args.plain_steps)
    if args.only in (None, "memory"):
        memory_table(args.weights, [int(s) for s in args.memory_sizes.split(",")])


if __name__ == "__main__":
    main()
