"""The `params` map of a submit, built from what an editor plugin's dialog asks (shared by every plugin).

`strength` is the artists' one slider: 0..100 moves from content to style on a log scale, 50 keeps the presets'
style weight, so a strength means the same in every editor.
"""

from __future__ import annotations

from typing import Any

BASE_STYLE_WEIGHT = 40.0  # the presets' style weight (painterly.engine.presets)
STRENGTH_DECADES = 2.0  # strength 0 and 100 are this many powers of ten below and above it


def style_weight_for_strength(strength: float) -> float:
    """The engine's style_weight for a strength of 0..100 (50: the presets' own)."""
    return BASE_STYLE_WEIGHT * 10 ** (STRENGTH_DECADES * (strength - 50) / 50)


def job_params(preset: str, size: int, strength: float, preserve_colors: bool, iterations: int = 0) -> dict[str, Any]:
    """A job's params: the preset plus the settings the artist chose; iterations 0 keeps the preset's count."""
    params: dict[str, Any] = {
        "preset": preset,
        "size": size,
        "preserve_colors": preserve_colors,
        "style_weight": style_weight_for_strength(strength),
    }
    if iterations > 0:
        params["iterations"] = iterations
    return params
