"""GEGL (babl) pixel formats for the pixel types that travel on the wire.

Pixels always travel sRGB-encoded ("perceptual", the R'G'B' formats): the network was trained on such images.
GEGL converts from and to the image's own precision and linear/perceptual encoding when reading or writing.
"""

from __future__ import annotations

WIRE_DTYPE_TO_BABL = {"u8": "u8", "u16": "u16", "f32": "float"}
CHANNELS_TO_BABL = {1: "Y'", 2: "Y'A", 3: "R'G'B'", 4: "R'G'B'A"}


def babl_format(channels: int, dtype: str) -> str:
    """The babl format name for interleaved pixels of this channel count and wire dtype, e.g. "R'G'B'A u16"."""
    if channels not in CHANNELS_TO_BABL:
        raise ValueError(f"{channels} channels: expected 1 to 4")
    if dtype not in WIRE_DTYPE_TO_BABL:
        raise ValueError(f"pixel type {dtype!r}: expected one of {', '.join(WIRE_DTYPE_TO_BABL)}")
    return f"{CHANNELS_TO_BABL[channels]} {WIRE_DTYPE_TO_BABL[dtype]}"


def wire_dtype_for_precision(precision_nick: str) -> str:
    """The wire dtype that carries an image of a GIMP precision ("u8-perceptual", "float-linear"...) without
    visible loss: u8 for 8-bit images, u16 for every higher bit depth."""
    return "u8" if precision_nick.startswith("u8") else "u16"
