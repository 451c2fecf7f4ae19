"""The daemon's style library, asked for by the dialog (the list to choose from) and for the result layer's name."""

from __future__ import annotations

from painterly_wire import Client, LibraryStyle, PainterlyError

LIBRARY_TIMEOUT_S = 2.0


def fetch_library(endpoint: str) -> list[LibraryStyle] | None:
    """The daemon's library styles, or None when the daemon does not answer."""
    try:
        with Client(endpoint, timeout_s=LIBRARY_TIMEOUT_S) as client:
            return client.list_styles()
    except PainterlyError:
        return None


def library_titles(endpoint: str) -> dict[str, str]:
    """Each library style's title by name; empty when the daemon does not answer."""
    return {style.name: style.title for style in fetch_library(endpoint) or ()}
