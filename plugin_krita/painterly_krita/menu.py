"""Where the plugin's two actions live: Filters > Artistic."""

from __future__ import annotations

from collections.abc import Callable

MENU = "Filter/artistic_filters"
TRANSFER_ACTION = "painterly_style_transfer"
REPEAT_ACTION = "painterly_repeat_style_transfer"


def add_actions(window, transfer: Callable[[], None], repeat: Callable[[], None]) -> None:
    """Create "Neural Style Transfer..." and "Repeat Last Style Transfer" in a Krita window's Filters > Artistic."""
    window.createAction(TRANSFER_ACTION, "Neural Style Transfer...", MENU).triggered.connect(transfer)
    window.createAction(REPEAT_ACTION, "Repeat Last Style Transfer", MENU).triggered.connect(repeat)
