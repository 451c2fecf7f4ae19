"""VGG passes over an image by tiles that give exactly the whole image's activations, Gram sums and gradient.

A tile's *interior* starts on the 16-px grid of VGG's four poolings (so the pooling windows of a tile are those of
the whole image); its *crop* adds a halo on each side, cut at the image's edges, as wide as the distance from which
a crop edge can change an activation of the used layers (`halo`). Every activation at an interior position is then
computed from the same pixels, with the same padding at the image's edges, as in the whole image. Interiors tile the
image and, at every layer, its activation map; quantities that are sums over positions (Gram sums, content costs)
are sums over interiors. A gradient is seeded at interior activations only and flows back into the whole crop: the
crops' input gradients added up are the whole image's gradient.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import torch

from painterly.engine.losses import gram_sum
from painterly.engine.vgg import LAYER_NAMES, layer_scale

GRID = 16  # four 2x2 poolings before block 5

Features = Callable[[torch.Tensor, set[str]], dict[str, torch.Tensor]]
Box = tuple[int, int, int, int]  # top, bottom, left, right in image pixels


@dataclass(frozen=True)
class Tile:
    """One tile: its interior (on the pooling grid except at the image's far edges) and the crop it is computed on."""

    interior: Box
    crop: Box

    def cut(self, image: torch.Tensor) -> torch.Tensor:
        """The crop of an (N, C, H, W) image."""
        top, bottom, left, right = self.crop
        return image[..., top:bottom, left:right]

    def interior_of(self, activations: torch.Tensor, scale: int) -> torch.Tensor:
        """The interior positions of a map computed on this tile's crop, at a layer of the given scale."""
        top, bottom, left, right = (edge // scale for edge in self.interior)
        crop_top, _, crop_left, _ = (edge // scale for edge in self.crop)
        return activations[..., top - crop_top : bottom - crop_top, left - crop_left : right - crop_left]

    def interior_in(self, activations: torch.Tensor, scale: int) -> torch.Tensor:
        """The interior positions of a map of the whole image, at a layer of the given scale."""
        top, bottom, left, right = (edge // scale for edge in self.interior)
        return activations[..., top:bottom, left:right]


def halo(layers: Iterable[str]) -> int:
    """Pixels beyond a crop edge that reach an activation of `layers` at an interior position (grid-aligned).

    Each 3x3 convolution moves the reach of an edge one position further; an aligned 2x2 pooling halves it
    (rounding up). For conv5_1 that is 5 positions of 16 px: 80 px.
    """
    wanted = set(layers)
    deepest = max(LAYER_NAMES.index(name) for name in wanted)
    reach, widest, block = 0, 0, "1"
    for name in LAYER_NAMES[: deepest + 1]:
        if name[4] != block:
            reach, block = -(-reach // 2), name[4]
        reach += 1
        if name in wanted:
            widest = max(widest, reach * layer_scale(name))
    return -(-widest // GRID) * GRID


def _spans(length: int, side: int) -> list[tuple[int, int]]:
    """Split [0, length) into the fewest spans of at most `side` px that meet on the grid, as even as the grid
    allows; all of it in one span when it is at most `side` long (on the grid or not)."""
    if length <= side:
        return [(0, length)]
    units = -(-length // GRID)
    count = -(-units // max(1, side // GRID))
    base, extra = divmod(units, count)
    spans, start = [], 0
    for index in range(count):
        end = min(length, start + (base + (index < extra)) * GRID)
        spans.append((start, end))
        start = end
    return spans


def tile_grid(width: int, height: int, side: int, halo_px: int) -> list[Tile]:
    """Tiles with interiors of at most `side` px and their crops: one tile across a side that `side` covers, else
    interiors of `side` rounded down to the grid (at least one grid cell)."""
    return [
        Tile(
            (top, bottom, left, right),
            (max(0, top - halo_px), min(height, bottom + halo_px), max(0, left - halo_px), min(width, right + halo_px)),
        )
        for top, bottom in _spans(height, side)
        for left, right in _spans(width, side)
    ]


def positions(name: str, width: int, height: int) -> int:
    """Positions of layer `name`'s map for a width x height image (each pooling floors)."""
    scale = layer_scale(name)
    return (height // scale) * (width // scale)


def gram_sums(features: Features, image: torch.Tensor, tiles: list[Tile], layers: set[str]) -> dict[str, torch.Tensor]:
    """Sum over all positions of a a^T at each layer, for an (1, 3, H, W) image, without gradients."""
    return tile_statistics(features, image, tiles, layers, set())[0]


def gram_sums_keeping_last(
    features: Features, image: torch.Tensor, tiles: list[Tile], gram_layers: set[str], layers: set[str]
) -> tuple[dict[str, torch.Tensor], torch.Tensor, dict[str, torch.Tensor]]:
    """`gram_sums` of two or more tiles, the last tile's pass run with gradients: also its crop (which requires
    gradients) and its activations at `layers`, so that the gradient pass reuses them instead of running that tile's
    forward pass again. Only one tile's graph is held, as in the gradient pass."""
    *earlier, last = tiles
    sums = gram_sums(features, image, earlier, gram_layers)
    crop = last.cut(image).detach().requires_grad_(True)
    found = features(crop, layers)
    for name in gram_layers:
        sums[name] = sums[name] + gram_sum(last.interior_of(found[name].detach(), layer_scale(name)))
    return sums, crop, found


def feature_maps(
    features: Features, image: torch.Tensor, tiles: list[Tile], layers: set[str]
) -> dict[str, torch.Tensor]:
    """The whole image's activation maps at `layers`, assembled from tile interiors, without gradients."""
    return tile_statistics(features, image, tiles, set(), layers)[1]


def tile_statistics(
    features: Features, image: torch.Tensor, tiles: list[Tile], gram_layers: set[str], map_layers: set[str]
) -> tuple[dict[str, torch.Tensor], dict[str, torch.Tensor]]:
    """Gram sums at `gram_layers` and whole maps at `map_layers` of an (1, 3, H, W) image, in one pass by tiles,
    without gradients."""
    sums: dict[str, torch.Tensor] = {}
    maps: dict[str, torch.Tensor] = {}
    height, width = image.shape[2:]
    with torch.no_grad():
        for tile in tiles:
            found = features(tile.cut(image), gram_layers | map_layers)
            for name in gram_layers:
                part = gram_sum(tile.interior_of(found[name], layer_scale(name)))
                sums[name] = sums[name] + part if name in sums else part
            for name in map_layers:
                if len(tiles) == 1:
                    maps[name] = found[name]
                    continue
                scale = layer_scale(name)
                part = tile.interior_of(found[name], scale)
                if name not in maps:
                    shape = (1, part.shape[1], height // scale, width // scale)
                    maps[name] = torch.empty(shape, dtype=part.dtype, device=part.device)
                tile.interior_in(maps[name], scale).copy_(part)
    return sums, maps


def gradient_by_tiles(
    features: Features,
    image: torch.Tensor,
    tiles: list[Tile],
    layers: set[str],
    term: Callable[[Tile, dict[str, torch.Tensor]], torch.Tensor],
) -> torch.Tensor:
    """d(sum over tiles of term(tile, activations of its crop))/d(image), one tile's graph in memory at a time.

    `term` must read interior positions only, so that every activation contributes once.
    """
    gradient = torch.zeros_like(image, dtype=torch.float32)
    for tile in tiles:
        crop = tile.cut(image).detach().requires_grad_(True)
        (part,) = torch.autograd.grad(term(tile, features(crop, layers)), crop)
        tile.cut(gradient).add_(part)
    return gradient
