"""The alpha channel of wire pixels, for the layers a job adds (pure Python). Krita's 8-bit layers store B,G,R,A and
the wire carries R,G,B,A: `layer_pixels.red_blue_swapped` turns one into the other."""

from __future__ import annotations

from painterly_wire import Pixels


def source_alpha(pixels: Pixels) -> bytes:
    """The alpha channel of RGBA u8 wire Pixels, one byte per pixel."""
    return bytes(pixels.data)[3::4]
