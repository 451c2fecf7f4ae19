"""The exception a run stops with when it has something to tell the artist."""

from __future__ import annotations


class ArtistError(Exception):
    """A problem the artist can act on; `message` is shown as is, `calling_error` marks bad input."""

    def __init__(self, message: str, calling_error: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.calling_error = calling_error
