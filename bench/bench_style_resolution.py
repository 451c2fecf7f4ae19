"""Style resolution bench: a painting larger than its style image, with the style enlarged or kept at its own size.

For each pair, the style image is first reduced to `--style-side` px (a style image smaller than the output, as
every bundled painting is at 2400 px), then three `quality` jobs run:
- `small`: the output at the style's own size (the style is never enlarged): the crispness to match;
- `enlarged`: the output at `--size`, the style enlarged to style_scale x each scale (`enlarge_style` on);
- `own size`: the output at `--size`, the style never past its own size (`enlarge_style` off).
Prints a Markdown table (seconds, high-frequency energy, seed-formula J) and writes each image and one strip of
224-px crops at 100 % per pair (small, enlarged, own size) to `--save-dir`.

    cd bench && python bench_style_resolution.py --weights PATH [--size 768] [--style-side 336] [--steps 40]
        [--pairs 1,2,3] [--save-dir DIR]

`--steps` sets the steps of every scale before the preset's rule for scales above 512 px (the table says so).
"""

from __future__ import annotations

import argparse
import platform
from pathlib import Path

import numpy
import torch
from bench_full_size import SHARED_IMAGES
from PIL import Image

from painterly.engine import StyleImage, load_model, stylize
from painterly.engine.images import Picture, fit_long_side, load_picture, resize, save_picture
from painterly.engine.presets import settings_for

PAIRS = (
    ("tubingen.jpg", "starry_night.jpg"),
    ("golden_gate.jpg", "the_scream.jpg"),
    ("boston.jpg", "composition_vii.jpg"),
)
CROP = 224  # fits the smallest output (336x252)


def sized(path: Path, side: int) -> torch.Tensor:
    rgb = load_picture(path).rgb
    return resize(rgb, *fit_long_side(rgb.shape[2], rgb.shape[1], side))


def detail_energy(image: torch.Tensor) -> float:
    """High-frequency energy: mean absolute difference of neighbouring pixels' lightness (0-255), as the editor
    tests measure it."""
    lightness = (torch.tensor([0.2126, 0.7152, 0.0722]).view(3, 1, 1) * image.clamp(0, 1)).sum(0) * 255
    return float((lightness.diff(dim=1).abs().mean() + lightness.diff(dim=0).abs().mean()) / 2)


def middle_crop(image: torch.Tensor) -> numpy.ndarray:
    height, width = image.shape[1:]
    top, left = (height - CROP) // 2, (width - CROP) // 2
    crop = image[:, top : top + CROP, left : left + CROP].clamp(0, 1) * 255
    return crop.round().byte().permute(1, 2, 0).numpy()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", required=True)
    parser.add_argument("--size", type=int, default=768)
    parser.add_argument("--style-side", type=int, default=336)
    parser.add_argument("--steps", type=int, default=40, help="steps of every scale (the preset's: 200)")
    parser.add_argument("--pairs", default="1,2,3", help=f"which of the {len(PAIRS)} pairs, e.g. 2,3")
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
    for content_name, style_name in (PAIRS[int(index) - 1] for index in args.pairs.split(",")):
        content = load_picture(SHARED_IMAGES / "content" / content_name).rgb
        style = sized(SHARED_IMAGES / "style" / style_name, args.style_side)
        crops = []
        for label, size, enlarge in jobs:
            steps = {"iterations": args.steps, "coarse_iterations": args.steps}
            settings = settings_for("quality", {"size": size, "seed": 1, "enlarge_style": enlarge, **steps})
            result = stylize(model, content, [StyleImage(style)], settings)
            image, report = result.image, result.report
            name = f"{Path(content_name).stem}-{Path(style_name).stem}-{label.replace(' ', '-')}"
            save_picture(Picture(image), save_dir / f"{name}.png")
            crops.append(middle_crop(image))
            print(
                f"| {Path(content_name).stem} + {Path(style_name).stem} | {label} | {image.shape[2]}x{image.shape[1]} "
                f"| {report['seconds']:.0f} s | {detail_energy(image):.2f} | {report['J']:.3g} |",
                flush=True,
            )
        strip = Image.fromarray(numpy.concatenate(crops, axis=1))
        strip.save(save_dir / f"crops-{Path(content_name).stem}-{Path(style_name).stem}.png")


if __name__ == "__main__":
    main()
