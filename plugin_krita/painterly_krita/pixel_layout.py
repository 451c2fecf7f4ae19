"""Byte layouts of 8-bit RGBA pixels: Krita's layers store B,G,R,A, the wire carries R,G,B,A (pure Python)."""

from __future__ import annotations

from painterly_wire import Pixels


def swap_red_blue(data: bytes) -> bytes:
    """B,G,R,A <-> R,G,B,A for 8-bit four-channel pixels."""
    swapped = bytearray(data)
    swapped[0::4], swapped[2::4] = data[2::4], data[0::4]
    return bytes(swapped)


def source_alpha(pixels: Pixels) -> bytes:
    """The alpha channel of RGBA u8 wire Pixels, one byte per pixel."""
    return bytes(pixels.data)[3::4]
