"""What both editor plugins offer the artist, so that a setting means the same in Krita and in GIMP.

The daemon's engine is the authority on presets and sizes (painterly.engine.presets); tests/test_editor_choices.py
keeps these values in step with it. `strength` is turned into the engine's style weight by `params.job_params`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

# The engine's quality presets, fastest first (the order the dialogs list them), with what an artist reads.
PRESET_TITLES = {
    "fast": "Fast (a quick sketch)",
    "quality": "Quality",
    "seed": "Reference recipe (slow, as published)",
}
PRESETS = tuple(PRESET_TITLES)
# An artist who opens the filter wants the painting, not a draft of it: `fast` is there to try styles quickly.
DEFAULT_PRESET = "quality"

MIN_SIZE = 16  # the long side in pixels the engine paints at (painterly.engine.presets)
MAX_SIZE = 8192  # presets.MAX_JOB_SIDE
DEFAULT_SIZE = 512  # the explicit number a "custom" resolution starts from

# Resolution: the long side the engine paints at. "layer" paints the layer (or selection) at its own size; the quick
# choices paint smaller, faster, and the result is scaled up to the layer; "custom" paints at an explicit number.
RESOLUTION_TITLES = {
    "layer": "Layer size (full detail)",
    "preview": "Preview (512 px)",
    "draft": "Draft (1024 px)",
    "custom": "Custom",
}
RESOLUTIONS = tuple(RESOLUTION_TITLES)
RESOLUTION_SIDES = {"preview": 512, "draft": 1024}
DEFAULT_RESOLUTION = "layer"

MIN_LAYER_SIDE = 32  # a layer (selection) with a shorter side than this is too small to carry a style

MIN_STRENGTH = 0  # all content
MAX_STRENGTH = 100  # all style
DEFAULT_STRENGTH = 50  # the preset's own balance

MAX_ITERATIONS = 100_000  # 0 keeps the preset's count

RESULT_LAYER_PREFIX = "Style: "


def result_layer_name(style_titles: Iterable[str]) -> str:
    """The new layer's name: the styles it was painted in, e.g. "Style: The Starry Night + Blue Waves"."""
    return RESULT_LAYER_PREFIX + " + ".join(style_titles)


def file_style_title(path: str) -> str:
    """What the artist calls a style image file: its name without folder and extension."""
    name = re.split(r"[/\\]", path)[-1]
    stem, dot, _ = name.rpartition(".")
    return stem if dot and stem else name


def painted_side(resolution: str, custom_size: int, width: int, height: int) -> int:
    """The long side the engine paints a width x height layer at: the resolution's side, never above the layer's own
    (nor MAX_SIZE), and large enough that the painting's short side keeps MIN_LAYER_SIDE where the layer has it."""
    long_side, short_side = max(width, height), min(width, height)
    chosen = {"layer": long_side, "custom": custom_size}.get(resolution) or RESOLUTION_SIDES[resolution]
    keeps_short_side = math.ceil(MIN_LAYER_SIDE * long_side / max(short_side, 1))
    return max(MIN_SIZE, min(max(chosen, keeps_short_side), long_side, MAX_SIZE))


def scaled_up_note(painted: int, width: int, height: int) -> str:
    """What the dialog says when the painting is smaller than the layer (empty when it is painted at full size)."""
    long_side = max(width, height)
    if painted >= long_side:
        return ""
    return (
        f"Painted at {painted} px (long side) and scaled up {long_side / painted:.1f}x to the layer's "
        f"{width}x{height}: brush strokes will look soft at 100 %."
    )


def too_small_message(width: int, height: int) -> str:
    """Why a width x height layer (or selection) is refused, or empty when it is large enough."""
    if min(width, height) >= MIN_LAYER_SIDE:
        return ""
    return (
        f"The layer (or selection) is {width}x{height} px: too small to carry a style. The smallest useful size is "
        f"{MIN_LAYER_SIDE} px on its shorter side; select a larger area or enlarge the layer."
    )
