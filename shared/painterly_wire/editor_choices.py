"""What both editor plugins offer the artist, so that a setting means the same in Krita and in GIMP.

The daemon's engine is the authority on presets and sizes (painterly.engine.presets); tests/test_editor_choices.py
keeps these values in step with it. `strength` is turned into the engine's style weight by `params.job_params`.
"""

from __future__ import annotations

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
DEFAULT_SIZE = 512

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
