"""Full-size bench: the `quality` preset painting at the output's own size, and the cost of tiling. Prints Markdown.

1. One job per size, each in a fresh process: seconds (in all and per scale), peak RSS (VmHWM; on a GPU also the
   peak it allocated there), the memory plan (estimated peak, tile per scale, L-BFGS memory) and the steps per scale.
2. Seconds per evaluation (J and its gradient) at one size, untiled and by tiles: the halo's overhead.

    cd bench && python bench_full_size.py --weights PATH [--sizes 1024,2400x1600] [--memory-limit 6G] [--steps N]
        [--overhead-size 1024] [--save-dir DIR] [--pair tubingen:starry_night] [--overrides JSON] [--label NAME]

`--steps N` caps every scale at N steps (to measure large sizes on a slow machine; the table says so);
`--overrides` changes settings of the preset (a candidate schedule); the table gives each result's detail energy
(bench_style_resolution.detail_energy) next to its time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import torch
from pictures import content_at, detail_energy, parse_size, photo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from support import memory_mib

from painterly.engine import StyleImage, load_model, stylize
from painterly.engine.images import Picture, save_picture
from painterly.engine.memory import parse_memory
from painterly.engine.objective import Objective
from painterly.engine.presets import settings_for


def run_job(args: argparse.Namespace) -> None:
    """The child: one job, then one JSON line."""
    width, height = parse_size(args.child)
    model = load_model(
        args.weights, "auto", memory_limit=parse_memory(args.memory_limit) if args.memory_limit else None
    )
    content_name, style_name = args.pair.split(":")
    style = photo("style", style_name)
    overrides = {"size": max(width, height), "seed": 1, **json.loads(args.overrides)}
    if args.steps:
        overrides.update(iterations=min(args.steps, 200), coarse_iterations=min(args.steps, 200))
    per_scale: dict[int, float] = {}
    last = [0.0]

    def on_progress(report) -> None:
        per_scale[report.scale] = per_scale.get(report.scale, 0.0) + report.elapsed_s - last[0]
        last[0] = report.elapsed_s

    result = stylize(
        model,
        content_at(width, height, content_name),
        [StyleImage(style)],
        settings_for("quality", overrides),
        on_progress=on_progress,
    )
    if args.save_dir:
        Path(args.save_dir).mkdir(parents=True, exist_ok=True)
        name = f"{content_name}-{style_name}-{width}x{height}{'-' + args.label if args.label else ''}.png"
        save_picture(Picture(result.image), Path(args.save_dir) / name)
    report = result.report
    print(
        json.dumps(
            {
                "size": f"{width}x{height}",
                "seconds": report["seconds"],
                "peak_mib": round(memory_mib(os.getpid(), "VmHWM")),
                "peak_device_mib": round(torch.cuda.max_memory_allocated() / 2**20) if torch.cuda.is_available() else 0,
                "memory": report["memory"],
                "scales": report["scales"],
                "steps_per_scale": report["steps_per_scale"],
                "evaluations_per_scale": report["evaluations_per_scale"],
                "seconds_per_scale": [round(per_scale.get(i + 1, 0.0), 1) for i in range(len(report["scales"]))],
                "device": f"{report['device']} {report['dtype']}",
                "detail_energy": detail_energy(result.image),
            }
        )
    )


def peak_on_device(job: dict) -> str:
    """' (GPU 5120 MiB)' for a job that ran on a GPU, else ''."""
    return f" (GPU {job['peak_device_mib']} MiB)" if job["peak_device_mib"] else ""


def job_table(args: argparse.Namespace) -> None:
    capped = f", every scale capped at {args.steps} steps" if args.steps else ""
    limit = args.memory_limit or "the engine's default"
    changed = f", {args.overrides}" if args.overrides != "{}" else ""
    print(f"\n## `quality` at full size, {args.pair} (memory limit {limit}{capped}{changed})\n")
    print(
        "| size | seconds | peak RSS (GPU: peak allocated) | estimated peak | tile per scale | L-BFGS memory "
        "| scales (steps, evaluations, seconds) | detail energy |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for size in args.sizes.split(","):
        command = [sys.executable, __file__, "--weights", args.weights, "--child", size]
        for flag in ("memory_limit", "steps", "save_dir", "pair", "overrides", "label"):
            if getattr(args, flag):
                command += [f"--{flag.replace('_', '-')}", str(getattr(args, flag))]
        run = subprocess.run(command, capture_output=True, text=True)
        if run.returncode != 0:
            print(f"| {size} | failed: {run.stderr.strip().splitlines()[-1]} | | | | | | |")
            continue
        job = json.loads(run.stdout.strip().splitlines()[-1])
        memory = job["memory"]
        scales = ", ".join(
            f"{scale} ({steps}, {evaluations}, {seconds} s)"
            for scale, steps, evaluations, seconds in zip(
                job["scales"],
                job["steps_per_scale"],
                job["evaluations_per_scale"],
                job["seconds_per_scale"],
                strict=True,
            )
        )
        tiles = ", ".join(
            "whole" if tile >= max(parse_size(scale)) else str(tile)
            for tile, scale in zip(memory["tiles"], job["scales"], strict=True)
        )
        print(
            f"| {job['size']} | {job['seconds']:.0f} s | {job['peak_mib']} MiB{peak_on_device(job)} "
            f"| {memory['estimated_peak_mib']} MiB "
            f"| {tiles} | {memory['lbfgs_history']} | {scales} | {job['detail_energy']:.2f} |",
            flush=True,
        )


def overhead_table(args: argparse.Namespace) -> None:
    width, height = parse_size(args.overhead_size)
    model = load_model(args.weights, "auto")
    settings = settings_for("quality")
    objective = Objective.of(settings)
    content = content_at(width, height)
    style = photo("style", "starry_night")
    targets = objective.targets(model, content, [StyleImage(style)], exact=False)
    image = content[None].to(model.compute.device)
    print(f"\n## Seconds per evaluation (J and gradient) at {width}x{height}, median of {args.repeats}\n")
    print("| tiles | tile side | crop pixels / image pixels | seconds | vs untiled |")
    print("| --- | --- | --- | --- | --- |")
    untiled = None
    sides = [int(side) for side in args.overhead_tiles.split(",")]
    for side in (max(width, height), *(side for side in sides if side < max(width, height))):
        tiles = objective.tiles(width, height, side)
        objective.cost_and_gradient(model, image, targets, side)  # warm-up
        times = []
        for _ in range(args.repeats):
            started = time.perf_counter()
            objective.cost_and_gradient(model, image, targets, side)
            if image.is_cuda:
                torch.cuda.synchronize()  # the last tile's backward may still run
            times.append(time.perf_counter() - started)
        seconds = statistics.median(times)
        untiled = untiled or seconds
        crop = sum((t.crop[1] - t.crop[0]) * (t.crop[3] - t.crop[2]) for t in tiles) / (width * height)
        label = "whole image" if len(tiles) == 1 else str(side)
        print(f"| {len(tiles)} | {label} | {crop:.2f} | {seconds:.2f} s | {seconds / untiled:.2f}x |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", required=True)
    parser.add_argument("--sizes", default="1024,2400x1600")
    parser.add_argument("--memory-limit", help="e.g. 6G (default: the engine's)")
    parser.add_argument("--steps", type=int, help="cap every scale at this many steps")
    parser.add_argument("--overhead-size", default="1024", help="size of the tiled vs untiled comparison ('' skips)")
    parser.add_argument("--overhead-tiles", default="512,256", help="tile sides compared with the untiled pass")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--save-dir", help="write each job's image here")
    parser.add_argument("--pair", default="tubingen:starry_night", help="content:style names from shared/images")
    parser.add_argument("--overrides", default="{}", help="settings over the preset's, as JSON")
    parser.add_argument("--label", default="", help="added to the saved image's name")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_job(args)
        return
    gpu = f", {torch.cuda.get_device_name()}" if torch.cuda.is_available() else ""
    cpu = platform.processor() or platform.machine()
    print(f"{cpu}, torch {torch.__version__}, {torch.get_num_threads()} threads{gpu}")
    if args.overhead_size:
        overhead_table(args)
    if args.sizes:
        job_table(args)


if __name__ == "__main__":
    main()
