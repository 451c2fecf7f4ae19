"""The cost being minimised: content and style targets at one scale, and J = alpha J_content + beta J_style (+ TV)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch

from painterly.engine.images import fit_long_side, resize
from painterly.engine.losses import content_cost, gram, style_cost, total_variation
from painterly.engine.model import StyleModel
from painterly.engine.presets import SEED_ALPHA, SEED_BETA, SEED_CONTENT_LAYERS, SEED_STYLE_LAYERS, Layers

MIN_SIDE = 16  # VGG-19 pools four times before conv5_1: 16 px become 1


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
    content_layers: Layers
    style_layers: Layers
    alpha: float
    beta: float
    tv_weight: float = 0.0
    pooling: str = "max"

    @property
    def layers(self) -> set[str]:
        return {name for name, _ in self.content_layers + self.style_layers}

    def targets(
        self, model: StyleModel, content: torch.Tensor, styles: Sequence[StyleImage], style_scale: float, exact: bool
    ) -> Targets:
        """Content activations of `content` and the weight-blended Grams of the styles at this scale."""
        content_names = {name for name, _ in self.content_layers}
        style_names = {name for name, _ in self.style_layers}
        with torch.no_grad():
            content_features = model.features(content[None], content_names, exact, self.pooling)
            total_weight = sum(style.weight for style in styles)
            grams: dict[str, torch.Tensor] = {}
            long_side = max(1, round(max(content.shape[1:]) * style_scale))
            for style in styles:
                width, height = style_size(style.image, long_side)
                features = model.features(resize(style.image, width, height)[None], style_names, exact, self.pooling)
                for name in style_names:
                    blended = gram(features[name]) * (style.weight / total_weight)
                    grams[name] = grams[name] + blended if name in grams else blended
        return Targets({k: v.float() for k, v in content_features.items()}, grams)

    def costs(
        self, model: StyleModel, image: torch.Tensor, targets: Targets, exact: bool = False
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(J, J_content, J_style) of an (1, 3, H, W) image; J includes the TV term."""
        features = model.features(image, self.layers, exact, self.pooling)
        j_content = sum(w * content_cost(targets.content[n], features[n]) for n, w in self.content_layers)
        j_style = sum(w * style_cost(targets.grams[n], features[n]) for n, w in self.style_layers)
        total = self.alpha * j_content + self.beta * j_style
        if self.tv_weight:
            total = total + self.tv_weight * total_variation(image)
        return total, j_content, j_style


SEED_OBJECTIVE = Objective(SEED_CONTENT_LAYERS, SEED_STYLE_LAYERS, SEED_ALPHA, SEED_BETA)


def style_size(style: torch.Tensor, long_side: int) -> tuple[int, int]:
    """A style image's size for a given long side, enlarged where needed to give VGG at least MIN_SIDE px."""
    width, height = fit_long_side(style.shape[2], style.shape[1], long_side)
    if min(width, height) < MIN_SIDE:
        width, height = fit_long_side(width, height, round(max(width, height) * MIN_SIDE / min(width, height)))
    return width, height


def seed_costs(
    model: StyleModel, image: torch.Tensor, content: torch.Tensor, styles: Sequence[StyleImage], style_scale: float
) -> dict[str, float]:
    """The origin document's J, J_content, J_style (alpha 10, beta 40) of an image as saved in 8 bits, in float32."""
    width, height = image.shape[2], image.shape[1]
    saved = (image.clamp(0, 1) * 255).round() / 255
    with torch.no_grad():
        targets = SEED_OBJECTIVE.targets(model, resize(content, width, height), styles, style_scale, exact=True)
        total, j_content, j_style = SEED_OBJECTIVE.costs(model, saved[None], targets, exact=True)
    return {"J": total.item(), "J_content": j_content.item(), "J_style": j_style.item()}


