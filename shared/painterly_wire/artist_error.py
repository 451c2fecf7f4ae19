"""The one exception both editor plugins stop a run with when they have something to tell the artist."""

from __future__ import annotations


class ArtistError(Exception):
    """A problem the artist can act on (no layer, unreadable style image, no daemon); `message` says what and how.

    `bad_input` marks a problem with what was asked rather than with running it (GIMP reports it as a calling
    error); Krita shows every ArtistError in the same message box."""

    def __init__(self, message: str, bad_input: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.bad_input = bad_input
