"""Encoding and checking of protocol messages: a msgpack header frame followed by raw pixel frames.

docs/protocol.md is the specification; this module is its executable form and is shared by the
daemon and every client, so both sides agree on limits, field types and error codes.
"""

from __future__ import annotations

import os
import reprlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import msgpack

from painterly_wire.errors import ProtocolError
from painterly_wire.pixels import BYTES_PER_SAMPLE, Pixels

PROTOCOL_VERSION = 2  # 2: cancel and fetch carry the job's secret from accepted
DEFAULT_ENDPOINT = os.environ.get("PAINTERLY_ENDPOINT", "tcp://127.0.0.1:7353")

MAX_HEADER_BYTES = 64 * 1024
MAX_SIDE = 16384
MAX_IMAGE_BYTES = 256 * 1024 * 1024
MAX_STYLES = 8
MAX_REQUEST_FRAMES = 1 + 2 + MAX_STYLES  # header, content, init image, styles
MAX_REPLY_FRAMES = 1 + 1024  # header, one thumbnail per library style

# Requests a client sends; replies and events the daemon sends.
REQUEST_TYPES = ("hello", "list_styles", "submit", "cancel", "fetch")
REPLY_TYPES = ("status", "styles", "accepted", "progress", "result", "error", "cancelled")

# The fields each message type must carry, with the Python types msgpack gives them. Other fields are ignored.
REQUIRED_FIELDS: dict[str, dict[str, tuple[type, ...]]] = {
    "hello": {"req": (int,)},
    "list_styles": {"req": (int,)},
    "submit": {"req": (int,), "content": (dict,), "styles": (list,), "params": (dict,)},
    "cancel": {"req": (int,), "job": (str,)},
    "fetch": {"req": (int,), "job": (str,)},
    "status": {
        "req": (int,),
        "version": (str,),
        "device": (str,),
        "dtype": (str,),
        "weights": (str,),
        "queue_length": (int,),
    },
    "styles": {"req": (int,), "styles": (list,)},
    "accepted": {"req": (int,), "job": (str,), "position": (int,)},
    "progress": {
        "job": (str,),
        "step": (int,),
        "total": (int,),
        "cost": (float, int),
        "elapsed_s": (float, int),
        "eta_s": (float, int),
    },
    "result": {"job": (str,), "image": (dict,), "report": (dict,)},
    "error": {"code": (str,), "message": (str,)},
    "cancelled": {"job": (str,), "reason": (str,)},
}
PIXEL_FIELDS: dict[str, tuple[type, ...]] = {
    "frame": (int,),
    "width": (int,),
    "height": (int,),
    "channels": (int,),
    "dtype": (str,),
    "order": (str,),
}
STYLE_ENTRY_FIELDS: dict[str, tuple[type, ...]] = {
    "name": (str,),
    "title": (str,),
    "width": (int,),
    "height": (int,),
    "thumbnail": (dict,),
}
CHANNEL_ORDERS = {1: "gray", 2: "gray+alpha", 3: "RGB", 4: "RGBA"}

# Stable error codes the daemon sends (exactly docs/protocol.md's table): clients may branch on them; the message
# is for people. A stopping daemon sends `cancelled` (reason "the daemon is stopping"), not an error.
ERROR_CODES = (
    "bad_message",  # the header frame is not a msgpack map of a sane size
    "version_mismatch",  # the header's protocol version is not this side's
    "unknown_type",  # the message type is not one this side knows
    "missing_field",  # a required field is absent
    "bad_field",  # a field has the wrong type or an impossible value
    "bad_image",  # pixel description and pixel frame disagree
    "too_large",  # an image, a header or the queue exceeds its limit
    "unknown_style",  # a library style name the daemon does not have
    "bad_params",  # the engine rejected a setting
    "unknown_job",  # no such job (never existed, or its result expired)
    "not_owner",  # the request does not carry the job's secret
    "job_finished",  # the job to cancel has already ended
    "queue_full",  # the daemon holds as many jobs as it may
    "over_quota",  # this connection holds as many waiting jobs or image bytes as one connection may
    "engine_failed",  # the engine raised while running the job
    "internal_error",  # a bug in the daemon; it keeps serving and logs the details
)
# The codes of a message that broke the protocol itself (the first five above); a client raises ProtocolError for
# them and JobFailed for the others.
PROTOCOL_ERROR_CODES = ERROR_CODES[: ERROR_CODES.index("bad_field") + 1]


@dataclass(frozen=True)
class Message:
    """A decoded and checked message: its type, its header map and its raw frames after the header."""

    type: str
    header: dict[str, Any]
    frames: Sequence[Any]

    def pixels(self, descriptor: Any, field: str) -> Pixels:
        """The Pixels a descriptor in this message's header points at, checked against its frame."""
        return pixels_from_descriptor(descriptor, self.frames, field)


def encode(header: dict[str, Any], frames: Sequence[Any] = ()) -> list[Any]:
    """The multipart for a header (the protocol version is added) and its raw frames."""
    return [msgpack.packb({"v": PROTOCOL_VERSION, **header}, use_bin_type=True), *frames]


def describe_pixels(pixels: Pixels, frame: int) -> dict[str, Any]:
    """The header map describing an image whose bytes travel as frame number `frame`."""
    return {
        "frame": frame,
        "width": pixels.width,
        "height": pixels.height,
        "channels": pixels.channels,
        "dtype": pixels.dtype,
        "order": CHANNEL_ORDERS[pixels.channels],
    }


def decode(
    parts: Sequence[Any], allowed_types: Sequence[str], max_frames: int, frame_count: int | None = None
) -> Message:
    """Check a received multipart and return it as a Message; ProtocolError(code) says what is wrong.

    `frame_count` is the message's length when the receiver kept only its first frames (default: len(parts)).
    """
    if not parts:
        raise ProtocolError("bad_message", "empty message")
    count = len(parts) if frame_count is None else frame_count
    if count > max_frames:
        raise ProtocolError("too_large", f"{count} frames; at most {max_frames} are allowed")
    header = unpack_header(parts[0])
    version = header.get("v")
    if version != PROTOCOL_VERSION:
        raise ProtocolError(
            "version_mismatch",
            f"protocol version {shown(version)} is not supported; this side speaks version {PROTOCOL_VERSION}",
        )
    kind = header.get("type")
    if not isinstance(kind, str) or kind not in allowed_types:
        raise ProtocolError("unknown_type", f"message type {shown(kind)} is not one of {', '.join(allowed_types)}")
    check_fields(header, REQUIRED_FIELDS[kind], kind)
    return Message(kind, header, parts[1:])


def request_number(parts: Sequence[Any]) -> int | None:
    """The `req` of a message that failed its checks, if one can be read, so the error reply finds its request."""
    try:
        return read_req(unpack_header(parts[0])) if parts else None
    except ProtocolError:
        return None


def read_req(header: dict[str, Any]) -> int | None:
    """The request number in a header, or None when it has none (an event nobody asked for)."""
    req = header.get("req")
    return req if isinstance(req, int) and not isinstance(req, bool) else None


def read_job(header: dict[str, Any]) -> str | None:
    """The job id in a header, or None when it has none (or something that is not a string)."""
    job = header.get("job")
    return job if isinstance(job, str) else None


def shown(value: Any) -> str:
    """A peer-sent value for a message to people: a repr bounded in depth and length (never a deep recursion)."""
    return _SHOWN.repr(value)


def _short_repr() -> reprlib.Repr:
    short = reprlib.Repr()  # attributes, not keywords: Python 3.10 and 3.11 have no Repr(maxlevel=...)
    short.maxlevel, short.maxlist, short.maxdict = 2, 4, 4
    short.maxstring = short.maxother = 48
    return short


_SHOWN = _short_repr()


def unpack_header(raw: Any) -> dict[str, Any]:
    """The header map of a first frame (any bytes-like object, sized before it is read or copied); ProtocolError
    for anything that is not a small msgpack map."""
    size = memoryview(raw).nbytes
    if size > MAX_HEADER_BYTES:
        raise ProtocolError("too_large", f"header of {size} bytes; at most {MAX_HEADER_BYTES} allowed")
    try:
        header = msgpack.unpackb(raw, raw=False, strict_map_key=True)
    except (ValueError, TypeError, msgpack.ExtraData, msgpack.FormatError, msgpack.StackError) as error:
        raise ProtocolError("bad_message", f"header is not valid msgpack: {error}") from None
    if not isinstance(header, dict):
        raise ProtocolError("bad_message", f"header is a {type(header).__name__}, not a map")
    return header


def check_fields(mapping: dict[str, Any], required: dict[str, tuple[type, ...]], where: str) -> None:
    """Raise ProtocolError unless every required field is present with one of its allowed types."""
    for field, kinds in required.items():
        if field not in mapping:
            raise ProtocolError("missing_field", f"{where} needs the field {field!r}")
        value = mapping[field]
        if isinstance(value, bool) or not isinstance(value, kinds):
            names = " or ".join(kind.__name__ for kind in kinds)
            raise ProtocolError("bad_field", f"{where}.{field} must be {names}, not {type(value).__name__}")


def pixels_from_descriptor(descriptor: Any, frames: Sequence[Any], field: str) -> Pixels:
    """The Pixels described by a header map, after checking sizes, limits and the frame's length."""
    if not isinstance(descriptor, dict):
        raise ProtocolError("bad_field", f"{field} must be a map describing an image")
    check_fields(descriptor, PIXEL_FIELDS, field)
    width, height, channels = descriptor["width"], descriptor["height"], descriptor["channels"]
    if not (0 < width <= MAX_SIDE and 0 < height <= MAX_SIDE):
        raise ProtocolError("too_large", f"{field} is {width}x{height}; each side must be 1 to {MAX_SIDE}")
    if CHANNEL_ORDERS.get(channels) != descriptor["order"]:
        raise ProtocolError(
            "bad_image", f"{field}: {channels} channels with order {shown(descriptor['order'])} is not supported"
        )
    dtype = descriptor["dtype"]
    if dtype not in BYTES_PER_SAMPLE:
        raise ProtocolError("bad_image", f"{field}: dtype {shown(dtype)} is not one of {', '.join(BYTES_PER_SAMPLE)}")
    if width * height * channels * BYTES_PER_SAMPLE[dtype] > MAX_IMAGE_BYTES:
        raise ProtocolError("too_large", f"{field} is larger than {MAX_IMAGE_BYTES >> 20} MiB")
    index = descriptor["frame"]
    if not 0 <= index < len(frames):
        raise ProtocolError("bad_image", f"{field} points at frame {index}, but the message has {len(frames)}")
    data = frames[index]
    try:
        return Pixels(width, height, channels, dtype, data)
    except ValueError as error:
        raise ProtocolError("bad_image", f"{field}: {error}") from None
