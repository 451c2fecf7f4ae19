"""Records between the plug-in and its job runner: msgpack maps over a pipe, each after its 8-byte length."""

from __future__ import annotations

import struct
from typing import Any, BinaryIO

import msgpack

from painterly_wire import Pixels, StyleSpec

LENGTH = struct.Struct("<Q")


def write_record(stream: BinaryIO, record: dict[str, Any]) -> None:
    """Send one record and flush it."""
    payload = msgpack.packb(record, use_bin_type=True)
    stream.write(LENGTH.pack(len(payload)) + payload)
    stream.flush()


def read_record(stream: BinaryIO) -> dict[str, Any] | None:
    """The next record, or None when the other side closed the pipe."""
    head = stream.read(LENGTH.size)
    if len(head) < LENGTH.size:
        return None
    (size,) = LENGTH.unpack(head)
    payload = stream.read(size)
    if len(payload) < size:
        return None
    return msgpack.unpackb(payload, raw=False)


def pixels_to_map(pixels: Pixels) -> dict[str, Any]:
    return {
        "width": pixels.width,
        "height": pixels.height,
        "channels": pixels.channels,
        "dtype": pixels.dtype,
        "data": bytes(pixels.data),
    }


def pixels_from_map(mapping: dict[str, Any]) -> Pixels:
    return Pixels(mapping["width"], mapping["height"], mapping["channels"], mapping["dtype"], mapping["data"])


def style_to_map(style: StyleSpec) -> dict[str, Any]:
    pixels = None if style.pixels is None else pixels_to_map(style.pixels)
    return {"weight": style.weight, "library": style.library, "pixels": pixels}


def style_from_map(mapping: dict[str, Any]) -> StyleSpec:
    pixels = None if mapping["pixels"] is None else pixels_from_map(mapping["pixels"])
    return StyleSpec(weight=mapping["weight"], pixels=pixels, library=mapping["library"])
