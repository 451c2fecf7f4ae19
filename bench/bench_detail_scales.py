"""The finest scale several ways from the same coarse result: the cheaper detail objective (style up to conv3_1,
structure held at conv3_1) against the full one, and fewer or more steps. Prints Markdown; writes every result and a
100 % crop comparison per image pair.

For each content/style pair the coarse scales of a `quality` job at --size are painted once (a job at half the long
side: the same scales and steps), then the finest scale once per --runs entry from that same start: `full` or
`detail`, with the preset's steps or `:N` steps (default: full, detail, full:150, i.e. the preset's steps with either
objective and a long full reference). Each result is scored with the full `quality` objective at --size (J,
J_content, J_style, lower is better), a high-frequency figure (energy of the gray image minus its 5x5 box blur, as a
share of its variance) and its detail energy (bench_style_resolution.detail_energy, as in bench_full_size).

    cd bench && python bench_detail_scales.py --weights PATH [--size 1024 | 2400x1600] [--runs full,detail,full:150]
        [--pairs tubingen:starry_night,...] [--memory-limit 6G] [--out-dir DIR]
"""

from __future__ import annotations

import argparse
import platform
import time
from pathlib import Path

import torch
from pictures import PAIRS, content_at, crops, detail_energy, high_frequency, parse_size, photo

from painterly.engine import StyleImage, load_model, stylize
from painterly.engine.images import Picture, save_picture
from painterly.engine.memory import parse_memory
from painterly.engine.objective import Objective
from painterly.engine.presets import settings_for
from painterly.engine.stylize import schedule

SCORING_TILE = 1024  # px: the scores' forward pass runs by tiles above this (it needs no gradients)


def finest_scale(model, content, styles, coarse, steps: int, detail: bool):
    """The finest scale of a job at the content's size from the coarse result, with `steps` steps and the full or
    the detail objective: (image, seconds)."""
    size = max(content.shape[1:])
    overrides = {
        "size": size,
        "scales": [0.5, 1.0],  # the half scale runs no step: it only hands the coarse result on
        "coarsest_side": 0,
        "coarse_iterations": 0,
        "iterations": steps,
        "fewer_steps_above": 0,  # `steps` is the finest scale's count, not one the schedule thins
        "init": "image",
        "detail_above": size // 2 if detail else 0,
        "seed": 1,
        "measure_costs": False,
    }
    settings = settings_for("quality", overrides)
    started = time.perf_counter()
    result = stylize(model, content, styles, settings, init_image=coarse)
    return result.image, time.perf_counter() - started


def parse_runs(text: str, preset_steps: int) -> list[tuple[str, int]]:
    """'full,detail:50' -> [('full', preset_steps), ('detail', 50)]."""
    runs = []
    for entry in text.split(","):
        objective, _, steps = entry.partition(":")
        if objective not in ("full", "detail"):
            raise SystemExit(f"--runs: {entry!r}: the objective must be full or detail")
        runs.append((objective, int(steps) if steps else preset_steps))
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", required=True)
    parser.add_argument("--size", default="1024", help="WxH, or a long side (4:3)")
    parser.add_argument("--runs", default="full,detail,full:150", help="objective[:steps], comma-separated")
    parser.add_argument("--pairs", default=PAIRS, help="content:style names from shared/images, comma-separated")
    parser.add_argument("--memory-limit", help="e.g. 6G (default: the engine's)")
    parser.add_argument("--out-dir", default="bench/out/detail-scales")
    args = parser.parse_args()
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    width, height = parse_size(args.size)
    model = load_model(
        args.weights, "auto", memory_limit=parse_memory(args.memory_limit) if args.memory_limit else None
    )
    quality = settings_for("quality", {"size": max(width, height)})
    scorer = Objective.of(quality)
    runs = parse_runs(args.runs, schedule(width, height, quality)[-1].steps)
    print(f"{platform.processor() or platform.machine()}, torch {torch.__version__}, {torch.get_num_threads()} threads")
    print(f"\n## The finest scale ({width}x{height}) {len(runs)} ways, from the same coarse result\n")
    print(
        "| pair | finest scale | steps | seconds | s/step | J (full objective) | J_content | J_style | HF "
        "| detail energy |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for pair in args.pairs.split(","):
        content_name, style_name = pair.split(":")
        content = content_at(width, height, content_name)
        styles = [StyleImage(photo("style", style_name))]
        started = time.perf_counter()
        coarse_settings = settings_for("quality", {"size": max(width, height) // 2, "seed": 1})
        coarse = stylize(model, content, styles, coarse_settings).image
        print(
            f"| {content_name} + {style_name} | coarse scales | | {time.perf_counter() - started:.0f} s |", flush=True
        )
        targets = scorer.targets(model, content, styles, True, tile=SCORING_TILE)
        images = []
        for objective, steps in runs:
            image, seconds = finest_scale(model, content, styles, coarse, steps, objective == "detail")
            images.append(image)
            save_picture(Picture(image), out / f"{content_name}-{style_name}-{objective}-{steps}.png")
            with torch.no_grad():
                j, j_content, j_style = scorer.costs(model, image[None], targets, exact=True, tile=SCORING_TILE)
            print(
                f"| {content_name} + {style_name} | {objective} | {steps} | {seconds:.0f} s | {seconds / steps:.2f} s "
                f"| {j.item():.3e} | {j_content.item():.3e} | {j_style.item():.3e} | {high_frequency(image):.3f} "
                f"| {detail_energy(image):.2f} |",
                flush=True,
            )
        sheet = crops(images)
        sheet.save(out / f"{content_name}-{style_name}-crops.png")


if __name__ == "__main__":
    main()
