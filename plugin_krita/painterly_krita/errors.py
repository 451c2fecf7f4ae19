"""The one exception that carries a message for the artist."""


class ArtistError(Exception):
    """Something the artist can fix (no layer, unreadable style image, no daemon); the text says what and how."""
