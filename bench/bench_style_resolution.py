"""Style resolution bench: a painting larger than its style image, with the style enlarged or kept at its own size.

For each pair, the style image is first reduced to `--style-side` px (a style image smaller than the output, as
every bundled painting is at 2400 px), then three `quality` jobs run:
- `small`: the output at the style's own size (the style is never enlarged): the crispness to match;
- `enlarged`: the output at `--size`, the style enlarged to style_scale x each scale (`enlarge_style` on);
- `own size`: the output at `--size`, the style never past its own size (`enlarge_style` off).
Prints a Markdown table (seconds, high-frequency energy, seed-formula J) and writes each image and one strip of
224-px crops at 100 % per pair (small, enlarged, own size) to `--save-dir`.

    cd bench && python bench_style_resolution.py --weights PATH [--size 768] [--style-side 336] [--steps 40]
        [--pairs tubingen:starry_night,...] [--save-dir DIR]

`--steps` sets the steps of every scale before the preset's rule for scales above 512 px (the table says so).
"""

from __future__ import annotations

import argparse
import platform
from pathlib import Path

import torch
from pictures import PAIRS, at_long_side, crops, detail_energy, photo

from painterly.engine import StyleImage, load_model, stylize
from painterly.engine.images import Picture, save_picture
from painterly.engine.presets import settings_for

CROP = 224  # fits the smallest output (336x252)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", required=True)
    parser.add_argument("--size", type=int, default=768)
    parser.add_argument("--style-side", type=int, default=336)
    parser.add_argument("--steps", type=int, default=40, help="steps of every scale (the preset's: 200)")
    parser.add_argument("--pairs", default=PAIRS, help="content:style names from shared/images, comma-separated")
    parser.add_argument("--save-dir", default="results/style-resolution")
    args = parser.parse_args()
    save_dir = Path(args.save_dir)
    save_dir.mkdir(parents=True, exist_ok=True)
    model = load_model(args.weights, "auto")
    print(f"{platform.processor() or platform.machine()}, torch {torch.__version__}, {torch.get_num_threads()} threads")
    reduced = f"style images reduced to {args.style_side} px"
    print(f"\n## Output {args.size} px, {reduced}, `quality`, {args.steps} steps a scale, seed 1\n")
    print("| pair | job | output | seconds | high-frequency energy | J (seed formula) |")
    print("| --- | --- | --- | --- | --- | --- |")
    jobs = (("small", args.style_side, True), ("enlarged", args.size, True), ("own size", args.size, False))
    for pair in args.pairs.split(","):
        content_name, style_name = pair.split(":")
        content = photo("content", content_name)
        style = at_long_side(photo("style", style_name), args.style_side)
        steps = {"iterations": args.steps, "coarse_iterations": args.steps}
        images = []
        for label, size, enlarge in jobs:
            settings = settings_for("quality", {"size": size, "seed": 1, "enlarge_style": enlarge, **steps})
            result = stylize(model, content, [StyleImage(style)], settings)
            images.append(result.image)
            save_picture(Picture(result.image), save_dir / f"{content_name}-{style_name}-{label.replace(' ', '-')}.png")
            width, height = result.image.shape[2], result.image.shape[1]
            print(
                f"| {content_name} + {style_name} | {label} | {width}x{height} | {result.report['seconds']:.0f} s "
                f"| {detail_energy(result.image):.2f} | {result.report['J']:.3g} |",
                flush=True,
            )
        crops(images, CROP).save(save_dir / f"crops-{content_name}-{style_name}.png")


if __name__ == "__main__":
    main()
