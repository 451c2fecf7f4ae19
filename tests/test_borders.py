"""No frame along the borders: with the presets' padding, a result's edge lines look like the lines 10 px in."""

from __future__ import annotations

import torch
from support import REPO

from painterly.engine import StyleImage, load_model, stylize
from painterly.engine.images import fit_long_side, load_picture, resize
from painterly.engine.presets import settings_for

CAT = REPO / "daemon" / "painterly" / "assets" / "demo" / "chelsea.jpg"  # its edges are flat: a frame shows


def edge_steps(image: torch.Tensor) -> torch.Tensor:
    """(side, k): mean gray (0-255) of line k from the edge minus that of line 10, for k = 0..3 on all four sides."""
    gray = image.mean(0) * 255
    sides = (gray, gray.flip(0), gray.T, gray.T.flip(0))  # top, bottom, left, right
    return torch.stack([torch.stack([side[k].mean() - side[10].mean() for k in range(4)]) for side in sides])


def frame_depth(result: torch.Tensor, content: torch.Tensor) -> float:
    """How far the result's edge lines stray from the lines 10 px in, beyond what the content's own edges do: the
    largest gap of each side, averaged over the four sides (a frame runs along every edge, one stroke along one)."""
    return (edge_steps(result) - edge_steps(content)).abs().amax(1).mean().item()


def test_results_carry_no_frame_at_their_borders(weights_path, test_image):
    """In float32: bf16 convolutions round differently on different CPUs, and 60 steps carry that far enough to
    move the frame depths (docs/engine.md, "Borders")."""
    model = load_model(str(weights_path), "cpu", precision="float32")
    rgb = load_picture(CAT).rgb
    content = resize(rgb, *fit_long_side(rgb.shape[2], rgb.shape[1], 200))
    style = test_image("style/starry_night.jpg", 200)
    chosen = settings_for("quality").padding
    depths = {}
    for padding in ("zeros", chosen):
        settings = settings_for("fast", {"size": 200, "iterations": 60, "seed": 1, "padding": padding})
        depths[padding] = frame_depth(stylize(model, content, [StyleImage(style)], settings).image, content)
    assert depths["zeros"] > 9, depths  # VGG's zero padding paints a dark or bright band along the edges
    assert depths[chosen] < 0.65 * depths["zeros"], depths
