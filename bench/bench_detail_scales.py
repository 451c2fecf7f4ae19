"""Detail scales: does the cheaper objective (style up to conv3_1, structure held at conv3_1) paint a finest scale as
well as the full one? Prints Markdown; writes every result and a 100 % crop comparison per image pair.

For each content/style pair the coarse scales of a `quality` job at --size are painted once (a --size/2 job: the
same scales and steps), then the finest scale three ways from that same start: the full objective with the
preset's steps, the detail objective with the same steps, and the full objective with --long-steps (the reference).
Each result is scored with the full `quality` objective at --size (J, J_content, J_style, lower is better) and a
high-frequency figure (energy of the gray image minus its 5x5 box blur, as a share of its variance).

    python bench/bench_detail_scales.py --weights PATH [--size 1024] [--long-steps 150] [--out-dir DIR]
"""

from __future__ import annotations

import argparse
import platform
import time
from pathlib import Path

import torch
import torch.nn.functional as functional
from PIL import Image

from painterly.engine import StyleImage, load_model, stylize
from painterly.engine.images import Picture, fit_long_side, load_picture, resize, save_picture
from painterly.engine.objective import Objective
from painterly.engine.presets import settings_for
from painterly.engine.stylize import schedule

SHARED_IMAGES = Path(__file__).resolve().parents[2] / "shared" / "images"
PAIRS = "tubingen:starry_night,golden_gate:the_scream,boston:composition_vii"
CROP = 256  # px of each 100 % crop


def photo(kind: str, name: str) -> torch.Tensor:
    return load_picture(SHARED_IMAGES / kind / f"{name}.jpg").rgb


def high_frequency(image: torch.Tensor) -> float:
    """Energy of the gray image minus its 5x5 box blur, as a share of the gray image's variance."""
    gray = image.mean(0, keepdim=True)[None]
    blurred = functional.avg_pool2d(functional.pad(gray, (2, 2, 2, 2), mode="replicate"), 5, stride=1)
    return ((gray - blurred).pow(2).mean() / gray.var()).item()


def finest_scale(model, content, styles, coarse, size: int, steps: int, detail: bool):
    """The finest scale of a `size` job from the coarse result, with `steps` steps: (image, seconds)."""
    fewer_above = settings_for("quality").fewer_steps_above  # the preset thins the steps of scales above this
    iterations = round(steps * (size / fewer_above) ** 2) if size > fewer_above else steps
    overrides = {
        "size": size,
        "scales": [0.5, 1.0],  # the half scale runs no step: it only hands the coarse result on
        "coarsest_side": 0,
        "coarse_iterations": 0,
        "iterations": iterations,
        "init": "image",
        "detail_above": size // 2 if detail else 0,
        "seed": 1,
        "measure_costs": False,
    }
    settings = settings_for("quality", overrides)
    assert schedule(content.shape[2], content.shape[1], settings)[-1].steps == steps
    started = time.perf_counter()
    result = stylize(model, content, styles, settings, init_image=coarse)
    return result.image, time.perf_counter() - started


def crops(images: list[torch.Tensor], side: int = CROP) -> Image.Image:
    """side x side crops from the middle of each image, side by side with a 4 px gap."""
    sheet = Image.new("RGB", (len(images) * (side + 4) - 4, side), "white")
    for index, image in enumerate(images):
        height, width = image.shape[1:]
        y, x = (height - side) // 2, (width - side) // 2
        crop = image[:, y : y + side, x : x + side].clamp(0, 1).mul(255).round().byte().permute(1, 2, 0).numpy()
        sheet.paste(Image.fromarray(crop), (index * (side + 4), 0))
    return sheet


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", required=True)
    parser.add_argument("--size", type=int, default=1024)
    parser.add_argument("--long-steps", type=int, default=150)
    parser.add_argument("--pairs", default=PAIRS, help="content:style names from shared/images, comma-separated")
    parser.add_argument("--out-dir", default="bench/out/detail-scales")
    args = parser.parse_args()
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    model = load_model(args.weights, "auto")
    quality = settings_for("quality", {"size": args.size})
    scorer = Objective.of(quality)
    print(f"{platform.processor() or platform.machine()}, torch {torch.__version__}, {torch.get_num_threads()} threads")
    print(f"\n## The finest scale ({args.size} px) three ways, from the same coarse result\n")
    print("| pair | finest scale | steps | seconds | s/step | J (full objective) | J_content | J_style | HF |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for pair in args.pairs.split(","):
        content_name, style_name = pair.split(":")
        original = photo("content", content_name)
        content = resize(original, *fit_long_side(original.shape[2], original.shape[1], args.size))
        styles = [StyleImage(photo("style", style_name))]
        coarse = stylize(model, content, styles, settings_for("quality", {"size": args.size // 2, "seed": 1})).image
        steps = schedule(content.shape[2], content.shape[1], quality)[-1].steps
        runs = [("full", steps, False), ("detail", steps, True), ("full, long", args.long_steps, False)]
        targets = scorer.targets(model, content, styles, True)
        images = []
        for label, count, detail in runs:
            image, seconds = finest_scale(model, content, styles, coarse, args.size, count, detail)
            images.append(image)
            save_picture(Picture(image), out / f"{content_name}-{style_name}-{label.replace(', ', '-')}.png")
            with torch.no_grad():
                j, j_content, j_style = scorer.costs(model, image[None], targets, exact=True)
            print(
                f"| {content_name} + {style_name} | {label} | {count} | {seconds:.0f} s | {seconds / count:.2f} s "
                f"| {j.item():.3e} | {j_content.item():.3e} | {j_style.item():.3e} | {high_frequency(image):.3f} |",
                flush=True,
            )
        sheet = crops(images)
        sheet.save(out / f"{content_name}-{style_name}-crops.png")


if __name__ == "__main__":
    main()
