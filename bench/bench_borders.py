"""Borders bench: how far a result's edge lines stray from the lines 10 px in, per side and per line, under each
padding, on the photo as given and mirrored left to right.

The test's measure (tests/test_borders.py): line k of a side (k = 0..3 from the edge) minus line 10, in gray levels
(0-255), beyond what the photo's own lines do. Mirroring the photo tells the two causes of a line apart: one that
comes from the photo moves to the other side with it; one that comes from the network's geometry (its padding, its
poolings dropping the last row or column of an odd size) stays on the same side of the canvas. So the table is by
the canvas's sides, each figure the mean over the seeds and both orientations, with the spread between the two
orientations' means (a large spread: the line follows the photo).

    cd bench && python bench_borders.py --weights PATH [--paddings zeros,replicate,reflect] [--seeds 1,2]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import torch
from pictures import at_long_side, photo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from test_borders import CAT, edge_steps

from painterly.engine import StyleImage, load_model, stylize
from painterly.engine.images import load_picture
from painterly.engine.presets import settings_for

SIDES = ("top", "bottom", "left", "right")
SIZE = 200


def edge_table(
    model: torch.nn.Module, content: torch.Tensor, style: torch.Tensor, padding: str, seeds: list[int]
) -> tuple[torch.Tensor, torch.Tensor]:
    """(side, line) means over seeds and orientations of the result's edge steps beyond the photo's, and the gap
    between the two orientations' means, both in the canvas's sides."""
    by_orientation = []
    for picture in (content, content.flip(2).contiguous()):
        steps = []
        for seed in seeds:
            settings = settings_for("fast", {"size": SIZE, "iterations": 60, "seed": seed, "padding": padding})
            result = stylize(model, picture, [StyleImage(style)], settings).image
            steps.append(edge_steps(result) - edge_steps(picture))
        by_orientation.append(torch.stack(steps).mean(0))
    return (by_orientation[0] + by_orientation[1]) / 2, (by_orientation[0] - by_orientation[1]).abs()


def main() -> None:
    """Paint the demo cat at 200 px (`fast`, 60 steps, float32) per padding and seed, as photo and mirror."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", required=True)
    parser.add_argument("--paddings", default="zeros,replicate,reflect")
    parser.add_argument("--seeds", default="1,2")
    args = parser.parse_args()
    model = load_model(args.weights, "cpu", precision="float32")
    seeds = [int(seed) for seed in args.seeds.split(",")]
    content = at_long_side(load_picture(CAT).rgb, SIZE)
    style = at_long_side(photo("style", "starry_night"), SIZE)
    print(f"Demo cat at {SIZE} px, `fast` 60 steps, float32, seeds {args.seeds}, photo and mirror; gray levels.\n")
    print("| padding | side | line 0 | line 1 | line 2 | line 3 | gap between orientations (lines 0-3) |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for padding in args.paddings.split(","):
        mean, gap = edge_table(model, content, style, padding, seeds)
        for index, side in enumerate(SIDES):
            lines = " | ".join(f"{value:+.1f}" for value in mean[index].tolist())
            gaps = ", ".join(f"{value:.1f}" for value in gap[index].tolist())
            print(f"| {padding} | {side} | {lines} | {gaps} |", flush=True)


if __name__ == "__main__":
    main()
