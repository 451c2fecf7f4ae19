"""Pixels: a raw image as it travels on the wire, interleaved, rows top to bottom."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

BYTES_PER_SAMPLE = {"u8": 1, "u16": 2, "f32": 4}


@dataclass(frozen=True)
class Pixels:
    """An interleaved image: gray (1), gray+alpha (2), RGB (3) or RGBA (4) channels of u8, u16 or f32.

    `data` is any bytes-like object of exactly width * height * channels * bytes-per-sample bytes
    (native little-endian for u16 and f32); it is not copied.
    """

    width: int
    height: int
    channels: int
    dtype: str
    data: Any

    def __post_init__(self) -> None:
        if self.dtype not in BYTES_PER_SAMPLE:
            raise ValueError(f"dtype {self.dtype!r} is not one of {', '.join(BYTES_PER_SAMPLE)}")
        if self.channels not in (1, 2, 3, 4):
            raise ValueError(f"{self.channels} channels; 1 to 4 are supported")
        if self.width <= 0 or self.height <= 0:
            raise ValueError(f"size {self.width}x{self.height} is empty")
        expected = self.width * self.height * self.channels * BYTES_PER_SAMPLE[self.dtype]
        actual = memoryview(self.data).nbytes
        if actual != expected:
            raise ValueError(f"{self.width}x{self.height}x{self.channels} {self.dtype}: {expected} bytes, not {actual}")

    @property
    def nbytes(self) -> int:
        """Size of the pixel data in bytes."""
        return self.width * self.height * self.channels * BYTES_PER_SAMPLE[self.dtype]
