"""Crops at 100 % of paintings that bench_full_size.py saved, side by side, with their detail energy. Prints Markdown.

The first painting is the small reference (e.g. the 512-px job); it is also shown scaled up to the size of the
second, as the plugins painted before full-size jobs. Each crop is the middle of its image, so every column is at
100 % of its own painting.

    cd bench && python full_size_sheet.py SMALL.png LARGE.png [OTHER.png ...] --sheet OUT.png [--crop 256]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from pictures import crops, detail_energy

from painterly.engine.images import load_picture, resize


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("small", help="the small reference painting")
    parser.add_argument("large", nargs="+", help="full-size paintings to compare with it")
    parser.add_argument("--sheet", required=True, help="where to write the crops (PNG)")
    parser.add_argument("--crop", type=int, default=256)
    args = parser.parse_args()
    small = load_picture(args.small).rgb
    large = [load_picture(path).rgb for path in args.large]
    height, width = large[0].shape[1:]
    scaled_up = resize(small, width, height)
    columns = [(Path(args.small).stem, small), *zip((Path(p).stem for p in args.large), large, strict=True)]
    columns.append((f"{Path(args.small).stem}, scaled up to {width}x{height}", scaled_up))
    print("| crop (left to right) | size | detail energy |")
    print("| --- | --- | --- |")
    for name, image in columns:
        print(f"| {name} | {image.shape[2]}x{image.shape[1]} | {detail_energy(image):.2f} |")
    crops([image for _, image in columns], args.crop).save(args.sheet)


if __name__ == "__main__":
    main()
