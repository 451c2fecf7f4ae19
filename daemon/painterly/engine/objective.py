"""The cost being minimised: content and style targets at one scale, and J = alpha J_content + beta J_style (+ TV)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import torch

from painterly.engine.images import fit_long_side, resize
from painterly.engine.losses import content_cost, gram, gram_distance, style_gradient_term, total_variation
from painterly.engine.model import StyleModel
from painterly.engine.presets import (
    SEED_ALPHA,
    SEED_BETA,
    SEED_CONTENT_LAYERS,
    SEED_STYLE_LAYERS,
    Layers,
    Settings,
)
from painterly.engine.tiling import (
    GRID,
    Features,
    Tile,
    feature_maps,
    gradient_by_tiles,
    gram_sums,
    gram_sums_keeping_last,
    halo,
    positions,
    tile_grid,
    tile_statistics,
)
from painterly.engine.vgg import LAYER_NAMES, layer_scale

MIN_SIDE = GRID  # VGG-19 pools four times before conv5_1: 16 px become 1
DETAIL_DEEPEST = "conv3_1"  # the deepest layer a detail scale computes (a third of conv5_1's work per pixel)
UNTILED = 1 << 30  # a tile side no image reaches


@dataclass(frozen=True)
class StyleImage:
    """One style image, RGB (3, H, W) in [0, 1], with its blend weight."""

    image: torch.Tensor
    weight: float = 1.0


@dataclass(frozen=True)
class Targets:
    """What G is pulled towards at one scale: content activations and blended style Grams."""

    content: dict[str, torch.Tensor]
    grams: dict[str, torch.Tensor]


@dataclass(frozen=True)
class Objective:
    """J = alpha J_content + beta J_style (+ TV) over given layers, and how VGG computes them (pooling, padding)."""

    content_layers: Layers
    style_layers: Layers
    alpha: float
    beta: float
    tv_weight: float = 0.0
    pooling: str = "max"
    padding: str = "zeros"
    holds_start: bool = False  # the content targets are the image the scale starts from, not the content photo
    style_scale: float = 1.0  # a style image's long side at a scale: style_scale x the scale's long side ...
    enlarge_style: bool = True  # ... even past the style image's own size (False: never past it)

    @classmethod
    def of(cls, settings: Settings) -> Objective:
        """The objective a job's settings ask for."""
        return cls(
            settings.content_layers,
            settings.style_layers,
            settings.content_weight,
            settings.style_weight,
            settings.tv_weight,
            settings.pooling,
            settings.padding,
            style_scale=settings.style_scale,
            enlarge_style=settings.enlarge_style,
        )

    def detail(self) -> Objective:
        """The cheaper objective of a fine scale, whose deep layers would see only what the coarser scales settled:
        the style at this objective's layers up to DETAIL_DEEPEST, and as content, at DETAIL_DEEPEST, the structure
        of the image the scale starts from (its targets take that image as their content). Itself when none of
        its style layers is that shallow."""
        deepest = LAYER_NAMES.index(DETAIL_DEEPEST)
        shallow = tuple((name, w) for name, w in self.style_layers if LAYER_NAMES.index(name) <= deepest)
        if not shallow:
            return self
        return dataclasses.replace(
            self, content_layers=((DETAIL_DEEPEST, 1.0),), style_layers=shallow, holds_start=True
        )

    @property
    def layers(self) -> set[str]:
        """Every layer the objective reads."""
        return {name for name, _ in self.content_layers + self.style_layers}

    @property
    def halo(self) -> int:
        """Overlap of tiles (px) that makes tiled activations exact at these layers."""
        return halo(self.layers)

    def tiles(self, width: int, height: int, tile: int) -> list[Tile]:
        """Tiles of at most `tile` px a side (interior) covering a width x height image."""
        return tile_grid(width, height, tile, self.halo)

    def _features(self, model: StyleModel, exact: bool) -> Features:
        return lambda images, layers: model.features(images, layers, exact, self.pooling, self.padding)

    def targets(
        self,
        model: StyleModel,
        content: torch.Tensor,
        styles: Sequence[StyleImage],
        exact: bool,
        tile: int = UNTILED,
    ) -> Targets:
        """Content activations of `content` and the weight-blended Grams of the styles at this scale, by tiles.

        Each style image is resized to `style_scale` x this scale's long side; not past its own size unless
        `enlarge_style`.
        """
        features = self._features(model, exact)
        content_names = {name for name, _ in self.content_layers}
        style_names = {name for name, _ in self.style_layers}
        height, width = content.shape[1:]
        content_maps = feature_maps(features, content[None], self.tiles(width, height, tile), content_names)
        total_weight = sum(style.weight for style in styles)
        grams: dict[str, torch.Tensor] = {}
        long_side = max(1, round(max(height, width) * self.style_scale))
        for style in styles:
            side = long_side if self.enlarge_style else min(long_side, max(style.image.shape[1:]))
            style_width, style_height = style_size(style.image, side)
            resized = resize(style.image, style_width, style_height)[None]
            tiles = self.tiles(style_width, style_height, tile)
            for name, total in gram_sums(features, resized, tiles, style_names).items():
                blended = total * (style.weight / total_weight / positions(name, style_width, style_height))
                grams[name] = grams[name] + blended if name in grams else blended
        return Targets(content_maps, grams)

    def costs(
        self, model: StyleModel, image: torch.Tensor, targets: Targets, exact: bool = False, tile: int = UNTILED
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(J, J_content, J_style) of an (1, 3, H, W) image in one pass; J includes the TV term.

        By tiles of at most `tile` px, without gradients, when the image is larger.
        """
        height, width = image.shape[2:]
        tiles = self.tiles(width, height, tile)
        if len(tiles) == 1:
            features = model.features(image, self.layers, exact, self.pooling, self.padding)
            grams = {name: gram(features[name]) for name, _ in self.style_layers}
        else:
            style_names = {name for name, _ in self.style_layers}
            content_names = {name for name, _ in self.content_layers}
            sums, features = tile_statistics(self._features(model, exact), image, tiles, style_names, content_names)
            grams = {name: total / positions(name, width, height) for name, total in sums.items()}
        j_content = sum(w * content_cost(targets.content[n], features[n]) for n, w in self.content_layers)
        j_style = sum(w * gram_distance(targets.grams[n], grams[n]) for n, w in self.style_layers)
        total = self.alpha * j_content + self.beta * j_style
        if self.tv_weight:
            total = total + self.tv_weight * total_variation(image)
        return total, j_content, j_style

    def cost_and_gradient(
        self, model: StyleModel, image: torch.Tensor, targets: Targets, tile: int = UNTILED, exact: bool = False
    ) -> tuple[float, torch.Tensor]:
        """J and dJ/dimage of an (1, 3, H, W) image, by tiles of at most `tile` px when it is larger.

        Tiled: the Grams of the whole image first (a pass without gradients, but for the last tile, whose graph the
        gradient pass reuses), then per tile a forward and backward pass of the content term at its interior and a
        style term whose gradient is J_style's given the whole image's residual Gram(G) - Gram(S). Same J and
        gradient as one pass, up to the order of the sums.
        """
        height, width = image.shape[2:]
        tiles = self.tiles(width, height, tile)
        pixels = image.detach().requires_grad_(True)
        if len(tiles) == 1:
            cost = self.costs(model, pixels, targets, exact)[0]
            (gradient,) = torch.autograd.grad(cost, pixels)
            return cost.item(), gradient
        features = self._features(model, exact)
        style_names = {name for name, _ in self.style_layers}
        sums, kept_crop, kept_found = gram_sums_keeping_last(features, pixels, tiles, style_names, self.layers)
        counts = {name: positions(name, width, height) for name in sums}
        residuals = {name: sums[name] / counts[name] - targets.grams[name] for name in sums}
        j_style = sum(w * gram_distance(targets.grams[n], sums[n] / counts[n]) for n, w in self.style_layers)
        j_content: list[float] = []

        def term(tile: Tile, found: dict[str, torch.Tensor]) -> torch.Tensor:
            content = sum(
                w
                * content_cost(
                    tile.interior_in(targets.content[n], layer_scale(n)),
                    tile.interior_of(found[n], layer_scale(n)),
                    targets.content[n].numel(),
                )
                for n, w in self.content_layers
            )
            style = sum(
                w * style_gradient_term(residuals[n], tile.interior_of(found[n], layer_scale(n)), counts[n])
                for n, w in self.style_layers
            )
            j_content.append(content.item())
            return self.alpha * content + self.beta * style

        # the statistics pass kept the last tile's graph: its gradient first, then that graph is freed
        (kept_part,) = torch.autograd.grad(term(tiles[-1], kept_found), kept_crop)
        del kept_crop, kept_found
        gradient = gradient_by_tiles(features, pixels, tiles[:-1], self.layers, term)
        tiles[-1].cut(gradient).add_(kept_part)
        total = self.alpha * sum(j_content) + self.beta * j_style.item()
        if self.tv_weight:
            smoothness = self.tv_weight * total_variation(pixels)
            gradient += torch.autograd.grad(smoothness, pixels)[0]
            total += smoothness.item()
        return total, gradient


SEED_OBJECTIVE = Objective(SEED_CONTENT_LAYERS, SEED_STYLE_LAYERS, SEED_ALPHA, SEED_BETA)


def style_size(style: torch.Tensor, long_side: int) -> tuple[int, int]:
    """A style image's size for a given long side, enlarged where needed to give VGG at least MIN_SIDE px."""
    width, height = fit_long_side(style.shape[2], style.shape[1], long_side)
    if min(width, height) < MIN_SIDE:
        width, height = fit_long_side(width, height, round(max(width, height) * MIN_SIDE / min(width, height)))
    return width, height


def seed_costs(
    model: StyleModel,
    image: torch.Tensor,
    content: torch.Tensor,
    styles: Sequence[StyleImage],
    job: Objective = SEED_OBJECTIVE,
    tile: int = UNTILED,
) -> dict[str, float]:
    """The origin document's J, J_content, J_style (alpha 10, beta 40) of an image as saved in 8 bits, in float32,
    against style targets sized as `job` (the job's objective) sizes them; by tiles of at most `tile` px where the
    image is larger."""
    width, height = image.shape[2], image.shape[1]
    saved = (image.clamp(0, 1) * 255).round() / 255
    seed = dataclasses.replace(SEED_OBJECTIVE, style_scale=job.style_scale, enlarge_style=job.enlarge_style)
    with torch.no_grad():
        targets = seed.targets(model, resize(content, width, height), styles, exact=True, tile=tile)
        total, j_content, j_style = seed.costs(model, saved[None], targets, exact=True, tile=tile)
    return {"J": total.item(), "J_content": j_content.item(), "J_style": j_style.item()}
