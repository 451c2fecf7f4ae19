"""Wire images (`painterly_wire.Pixels`) <-> the engine's `Picture`: the one pair the daemon and the CLI share."""

from __future__ import annotations

from painterly.engine.images import Picture, picture_from_pixels, pixels_from_picture
from painterly_wire import Pixels


def picture_of(pixels: Pixels) -> Picture:
    """A wire image as the engine's Picture (alpha split off)."""
    return picture_from_pixels(pixels.data, pixels.width, pixels.height, pixels.channels, pixels.dtype)


def pixels_of(picture: Picture, dtype: str) -> Pixels:
    """An engine Picture as a wire image of the given sample type ("u8", "u16" or "f32"), alpha carried."""
    data, channels = pixels_from_picture(picture, dtype)
    width, height = picture.size
    return Pixels(width, height, channels, dtype, data)
