"""A job's memory: the peak estimated from its sizes, the budget it may use, and the largest tile that keeps it inside.

The estimate of one scale adds up what lives at once while a tile is optimised: the runtime and VGG-19, the input
images, one resized style image, the content targets, the image-sized tensors of the optimiser (L-BFGS keeps two per
remembered step) and the activations one tile's forward and backward pass keeps. The bytes per activation were
measured on this project's CPU (ru_maxrss of one pass over 256-1024 px crops, bench/results/full-size.md) and carry
about 10 % margin.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from painterly.engine.images import ImageError
from painterly.engine.tiling import halo, positions, tile_grid
from painterly.engine.vgg import LAYER_NAMES, layer_scale, layer_shapes

MiB = 1 << 20
GiB = 1 << 30
RUNTIME_BYTES = 600 * MiB  # Python, torch and VGG-19: 420-513 MiB resident after a first step (measured)
PIXEL_BYTES = 12  # an RGB float32 pixel
IMAGE_COPIES = {"lbfgs": 10, "adam": 8}  # image, gradient, trial, step, direction, best, content, crops ...
HISTORIES = (20, 10, 5)  # L-BFGS memory lengths tried, longest first
TILE_SIDES = (4096, 3072, 2048, 1536, 1024, 768, 512, 384, 256, 192, 128)  # tried, largest first
EFFICIENT_TILE = 512  # a shorter history is preferred to tiles smaller than this
DEFAULT_SHARE = 0.5  # of the RAM (or free VRAM: 0.9) the process sees, when no limit is given
# Bytes per activation kept by one forward + backward pass, by convolution bytes; measured, + 10 %. Reflect and
# replicate padding keep no padded copy (engine/edge_padding.py), so they cost what zero padding does.
ACTIVATION_BYTES = {2: 8.0, 4: 10.5}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?\s*$", re.IGNORECASE)


class JobTooLarge(ImageError):
    """A job that would not fit its memory budget even in the smallest tiles; says what was asked and allowed."""


@dataclass(frozen=True)
class MemoryPlan:
    """How a job runs inside its budget: the tile side of each scale (the whole image when it fits), L-BFGS memory."""

    limit: int
    needed: int
    tiles: tuple[int, ...]
    history: int

    def report(self) -> dict[str, object]:
        """The plan for a job's report, in MiB."""
        return {
            "limit_mib": self.limit // MiB,
            "estimated_peak_mib": self.needed // MiB,
            "tiles": list(self.tiles),
            "lbfgs_history": self.history,
        }


def parse_memory(text: str) -> int:
    """'4G', '1500M', '512MiB', '2.5GB' or a number of bytes -> bytes (binary units)."""
    match = _SIZE.match(text)
    if not match or float(match.group(1)) <= 0:
        raise ValueError(f"memory limit {text!r}: write a size such as 4G, 1500M or 512MiB")
    return int(float(match.group(1)) * 1024 ** " KMGT".index(match.group(2).upper() or " "))


def default_memory_limit(device_type: str = "cpu", free_device_bytes: int | None = None) -> int:
    """A safe share of the memory this process sees: half the RAM (cgroup limit included), 90 % of free VRAM."""
    if device_type == "cuda" and free_device_bytes is not None:
        return int(free_device_bytes * 0.9)
    return int(_visible_ram() * DEFAULT_SHARE)


def _visible_ram() -> int:
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    for limit_file in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            text = Path(limit_file).read_text().strip()
        except OSError:
            continue
        if text.isdigit():
            total = min(total, int(text))
    return total


def _activations_per_pixel(layers: set[str]) -> float:
    """Activation values per input pixel of the network cut after the deepest of `layers`."""
    deepest = max(LAYER_NAMES.index(name) for name in layers)
    return sum(layer_shapes()[name][0] / layer_scale(name) ** 2 for name in LAYER_NAMES[: deepest + 1])


@dataclass(frozen=True)
class JobShape:
    """What the estimate needs to know of a job: its layers, precision, optimiser and image sizes."""

    layers: frozenset[str]
    content_layers: frozenset[str]
    conv_bytes: int
    optimizer: str
    input_pixels: int
    style_side: int  # the largest resized style image's long side

    def scale_bytes(self, width: int, height: int, tile: int, history: int) -> int:
        """Estimated peak bytes while optimising a width x height scale in tiles of `tile` px."""
        tiles = tile_grid(width, height, tile, halo(self.layers))
        crop = max((t.crop[1] - t.crop[0]) * (t.crop[3] - t.crop[2]) for t in tiles)
        activations = crop * _activations_per_pixel(set(self.layers)) * ACTIVATION_BYTES[self.conv_bytes]
        copies = IMAGE_COPIES[self.optimizer] + (2 * history if self.optimizer == "lbfgs" else 0)
        content = sum(layer_shapes()[n][0] * positions(n, width, height) for n in self.content_layers)
        fixed = RUNTIME_BYTES + (self.input_pixels + self.style_side**2) * PIXEL_BYTES
        return int(fixed + copies * width * height * PIXEL_BYTES + content * self.conv_bytes + activations)


def plan_memory(shapes: Sequence[JobShape], sizes: Sequence[tuple[int, int]], limit: int) -> MemoryPlan:
    """The largest tiles (and longest L-BFGS memory) whose estimated peak fits `limit`; JobTooLarge when none does.
    `shapes` and `sizes` go scale by scale (a detail scale computes fewer layers)."""
    shape = shapes[-1]
    histories = HISTORIES if shape.optimizer == "lbfgs" else (0,)
    fallback: MemoryPlan | None = None
    for history in histories:
        plan = _largest_tiles(shapes, sizes, limit, history)
        if plan is None:
            continue
        long_side = max(sizes[-1])
        if min(plan.tiles[-1], long_side) >= min(EFFICIENT_TILE, long_side):
            return plan
        fallback = fallback or plan
    if fallback is not None:
        return fallback
    width, height = sizes[-1]
    needed = shape.scale_bytes(width, height, TILE_SIDES[-1], histories[-1])
    raise JobTooLarge(
        f"a {width}x{height} job needs about {_shown(needed)} even in tiles of {TILE_SIDES[-1]} px, and this "
        f"engine may use {_shown(limit)} (its memory limit): choose a smaller size, or give the engine more "
        "memory (--memory-limit)"
    )


def _shown(size: int) -> str:
    """Bytes for a message: MiB below 10 GiB (so close figures stay apart), GiB above."""
    return f"{size // MiB} MiB" if size < 10 * GiB else f"{size / GiB:.1f} GiB"


def _largest_tiles(
    shapes: Sequence[JobShape], sizes: Sequence[tuple[int, int]], limit: int, history: int
) -> MemoryPlan | None:
    tiles, needed = [], 0
    for shape, (width, height) in zip(shapes, sizes, strict=True):
        sides = [max(width, height), *(side for side in TILE_SIDES if side < max(width, height))]
        fitting = [(side, shape.scale_bytes(width, height, side, history)) for side in sides]
        fitting = [(side, peak) for side, peak in fitting if peak <= limit]
        if not fitting:
            return None
        side, peak = fitting[0]
        tiles.append(side)
        needed = max(needed, peak)
    return MemoryPlan(limit, needed, tuple(tiles), history)
