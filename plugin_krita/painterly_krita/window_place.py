"""Where the progress window goes: the bottom-right corner of the canvas area, where it hides the least of the
image and its preview (pure Python: rectangles as (x, y, width, height) in screen pixels)."""

from __future__ import annotations

MARGIN = 16  # pixels between the window and the canvas area's edges

Rect = tuple[int, int, int, int]


def corner_position(area: Rect, width: int, height: int, margin: int = MARGIN) -> tuple[int, int]:
    """The top-left point that puts a width x height window in the bottom-right corner of `area`, `margin` inside
    its edges, and never above or left of the area's own top-left corner (a window larger than the area)."""
    x, y, area_width, area_height = area
    return max(x, x + area_width - width - margin), max(y, y + area_height - height - margin)
