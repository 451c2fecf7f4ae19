"""Malformed protocol messages by kind (Hypothesis strategies), and one exchange with a real daemon that checks
every message is answered: shared by tests/test_fuzz_daemon.py and bench/bench_fuzz_daemon.py.

Each strategy draws a (kind, multipart) pair. Most start from a valid request and break one thing; a few
mutations may leave it valid (an unknown field added), and then the normal answer is the right one.
"""

from __future__ import annotations

import math
import secrets
import struct
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

import msgpack
import zmq
from hypothesis import strategies as st

from painterly_wire import PROTOCOL_VERSION

REPLY_TYPES = ("status", "styles", "accepted", "error")

CONTENT = {"frame": 0, "width": 2, "height": 2, "channels": 4, "dtype": "u8", "order": "RGBA"}
VALID_REQUESTS = {
    "hello": ({"type": "hello"}, []),
    "list_styles": ({"type": "list_styles"}, []),
    "submit": (
        {
            "type": "submit",
            "content": CONTENT,
            "styles": [{"weight": 1.0, "library": "starry_night"}],
            "params": {"preset": "fast", "iterations": 0},
        },
        [bytes(16)],
    ),
    "cancel": ({"type": "cancel", "job": "0" * 32, "secret": "1" * 32}, []),
    "fetch": ({"type": "fetch", "job": "f" * 32, "secret": "1" * 32}, []),
}


@dataclass(frozen=True)
class Packed:
    """msgpack bytes spliced into a message as they are: values msgpack's Packer refuses (1,000 deep) or cannot
    make (a str that is not UTF-8)."""

    raw: bytes


def pack(value: Any, use_bin_type: bool = True) -> bytes:
    """msgpack bytes of a value that may hold Packed parts."""
    packer = msgpack.Packer(use_bin_type=use_bin_type)
    if isinstance(value, Packed):
        return value.raw
    if isinstance(value, dict):
        items = b"".join(pack(key, use_bin_type) + pack(item, use_bin_type) for key, item in value.items())
        return packer.pack_map_header(len(value)) + items
    if isinstance(value, list):
        return packer.pack_array_header(len(value)) + b"".join(pack(item, use_bin_type) for item in value)
    return packer.pack(value)


def deep(depth: int, container: str) -> Packed:
    """A list (or map) nested `depth` deep: [[[...[nil]...]]]; msgpack reads up to 1,024 levels."""
    level = b"\x91" if container == "list" else b"\x81\xa1k"
    return Packed(level * depth + b"\xc0")


def f32(samples: list[float]) -> bytes:
    return struct.pack(f"<{len(samples)}f", *samples)


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**64 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.binary(max_size=12),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=8,
)
field_names = st.sampled_from(
    ["v", "type", "req", "content", "styles", "params", "job", "init_image", "weight", "library", "image"]
)
awkward_ints = st.one_of(
    st.sampled_from([0, -1, 1, 3, 4, 5, 16384, 16385, 2**31, 2**32 + 2, 2**63 - 1]), st.integers(-100, 100)
)
non_finite = st.sampled_from([math.nan, math.inf, -math.inf])
hostile_text = st.one_of(
    st.sampled_from(["\n2026-01-01 00:00:00,000 INFO forged", "\r\x1b[2J\x1b[31mred", "\x00\x07\x08", "\u202e\u2028"]),
    st.text(min_size=1, max_size=40).map(lambda text: "\n" + text),
    st.integers(1_000, 60_000).map(lambda size: "\n" * 3 + "x" * size),
)
MUTATIONS = [
    "dropped_field",
    "retyped_field",
    "bad_version",
    "bad_descriptor",
    "wrong_frames",
    "bad_styles",
    "extra_field",
]
DEEP_SETTINGS = ["preset", "iterations", "scales", "style_layers", "optimizer"]
NUMERIC_SETTINGS = ["content_weight", "style_weight", "tv_weight", "learning_rate", "init_noise", "style_scale"]


@st.composite
def valid_request(draw, kinds: tuple[str, ...] = tuple(VALID_REQUESTS)) -> tuple[dict[str, Any], list[bytes]]:
    """A valid request's header (a fresh copy) and frames."""
    header, frames = VALID_REQUESTS[draw(st.sampled_from(kinds))]
    copied = msgpack.unpackb(msgpack.packb(header))
    return {"v": PROTOCOL_VERSION, "req": draw(st.integers(0, 2**31 - 2)), **copied}, list(frames)


@st.composite
def mutated(draw) -> tuple[str, list[bytes]]:
    """A valid request with one thing broken (or, now and then, only an unknown field added)."""
    header, frames = draw(valid_request())
    mutation = draw(st.sampled_from(MUTATIONS))
    if mutation == "dropped_field":
        header.pop(draw(st.sampled_from(sorted(header))))
    elif mutation == "retyped_field":
        header[draw(st.sampled_from(sorted(header)))] = draw(values)
    elif mutation == "bad_version":
        header["v"] = draw(st.one_of(awkward_ints, values))
    elif mutation == "bad_descriptor":
        described = dict(CONTENT)
        described[draw(st.sampled_from(list(CONTENT)))] = draw(st.one_of(awkward_ints, values))
        header[draw(st.sampled_from(["content", "init_image"]))] = described
    elif mutation == "wrong_frames":
        frames = draw(st.lists(st.binary(max_size=40), max_size=12))
    elif mutation == "bad_styles":
        header["styles"] = draw(
            st.lists(st.dictionaries(st.sampled_from(["weight", "library", "image"]), values), max_size=10)
        )
    else:
        header[draw(field_names.map(lambda name: name + "_extra"))] = draw(values)
    return mutation, [pack(header, use_bin_type=draw(st.booleans())), *frames]


@st.composite
def deeply_nested(draw) -> tuple[str, list[bytes]]:
    """A field, a setting, a style weight or a pixel description 900 to 1,024 levels deep."""
    header, frames = draw(valid_request())
    nested = deep(draw(st.integers(900, 1024)), draw(st.sampled_from(["list", "map"])))
    place = draw(st.sampled_from(["field", "setting", "weight", "descriptor", "job"]))
    if place == "field" or header["type"] != "submit":
        header[draw(st.sampled_from(sorted(header)))] = nested
    elif place == "setting":
        header["params"][draw(st.sampled_from(DEEP_SETTINGS))] = nested
    elif place == "weight":
        header["styles"][0]["weight"] = nested
    elif place == "descriptor":
        header["content"][draw(st.sampled_from(list(CONTENT)))] = nested
    else:  # a job field on a submit that fails: the error reply must not echo it
        header.update(job=nested, styles=[])
    return "deep_nesting", [pack(header), *frames]


@st.composite
def oversized_header(draw) -> tuple[str, list[bytes]]:
    header, frames = draw(valid_request())
    header["padding"] = bytes(draw(st.integers(64 * 1024, 80 * 1024)))
    return "oversized_header", [pack(header), *frames]


@st.composite
def too_many_frames(draw) -> tuple[str, list[bytes]]:
    header, frames = draw(valid_request())
    extra = draw(st.lists(st.binary(max_size=16), min_size=12 - len(frames), max_size=40))
    return "too_many_frames", [pack(header), *frames, *extra]


@st.composite
def non_finite_numbers(draw) -> tuple[str, list[bytes]]:
    """NaN or infinity in a setting, a layer weight or a style weight of a valid submit."""
    header, frames = draw(valid_request(("submit",)))
    number = draw(non_finite)
    place = draw(st.sampled_from(["setting", "layer", "weight"]))
    if place == "setting":
        header["params"][draw(st.sampled_from(NUMERIC_SETTINGS))] = number
    elif place == "layer":
        header["params"][draw(st.sampled_from(["content_layers", "style_layers"]))] = {"conv4_2": number}
    else:
        header["styles"][0]["weight"] = number
    return "non_finite_numbers", [pack(header), *frames]


@st.composite
def unusable_steps(draw) -> tuple[str, list[bytes]]:
    """Too many scales, or iterations and coarse iterations that add up past the limit."""
    header, frames = draw(valid_request(("submit",)))
    if draw(st.booleans()):
        header["params"] = {"size": 16, "scales": [1.0] * draw(st.integers(9, 6000))}
    else:
        header["params"] = {"size": 16, "iterations": 100_000, "coarse_iterations": 100_000, "scales": [0.5, 1.0]}
    return "unusable_steps", [pack(header), *frames]


@st.composite
def non_finite_pixels(draw) -> tuple[str, list[bytes]]:
    """f32 content (or style image) with one NaN or infinite sample."""
    header, _ = draw(valid_request(("submit",)))
    samples = [0.5] * 16
    samples[draw(st.integers(0, 15))] = draw(non_finite)
    image = {**CONTENT, "dtype": "f32"}
    if draw(st.booleans()):
        header["content"] = image
        return "non_finite_pixels", [pack(header), f32(samples)]
    header["styles"] = [{"weight": 1.0, "image": {**image, "frame": 1}}]
    return "non_finite_pixels", [pack(header), bytes(16), f32(samples)]


@st.composite
def hostile_strings(draw) -> tuple[str, list[bytes]]:
    """Newlines, terminal escapes and 60 KB strings where the daemon quotes what it got: job, type, style name."""
    header, frames = draw(valid_request())
    text = draw(hostile_text)
    place = draw(st.sampled_from(["job", "type", "library", "preset"]))
    if place == "job":
        header.update(type=draw(st.sampled_from(["cancel", "fetch"])), job=text)
    elif place == "type" or header["type"] != "submit":
        header["type"] = text
    elif place == "library":
        header["styles"][0]["library"] = text
    else:
        header["params"]["preset"] = text
    return "hostile_text", [pack(header), *frames]


@st.composite
def invalid_utf8(draw) -> tuple[str, list[bytes]]:
    """A str field whose bytes are not UTF-8."""
    header, frames = draw(valid_request())
    raw = draw(st.sampled_from([b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"ok\x80"]))
    header[draw(st.sampled_from(sorted(header)))] = Packed(bytes([0xA0 | len(raw)]) + raw)
    return "invalid_utf8", [pack(header), *frames]


@st.composite
def extension_types(draw) -> tuple[str, list[bytes]]:
    """msgpack extension values (timestamps, unknown codes) where the protocol has plain types."""
    header, frames = draw(valid_request())
    value = draw(
        st.one_of(
            st.builds(msgpack.ExtType, st.integers(0, 127), st.binary(max_size=8)),
            st.just(msgpack.Timestamp(0, 0)),
        )
    )
    header[draw(st.sampled_from(sorted(header)))] = value
    return "extension_types", [pack(header), *frames]


garbage = st.lists(st.binary(max_size=48), min_size=1, max_size=4).map(lambda parts: ("garbage", parts))
random_headers = st.builds(
    lambda value, rest: ("random_header", [msgpack.packb(value), *rest]), values, st.lists(st.binary(max_size=8))
)
malformed = st.one_of(
    garbage,
    random_headers,
    mutated(),
    mutated(),
    deeply_nested(),
    oversized_header(),
    too_many_frames(),
    non_finite_numbers(),
    unusable_steps(),
    non_finite_pixels(),
    hostile_strings(),
    invalid_utf8(),
    extension_types(),
)


class Tally:
    """What a fuzz run sent and what came back, by kind of message and reply code."""

    def __init__(self) -> None:
        self.sent = 0
        self.answered = 0
        self.codes: defaultdict[str, Counter[str]] = defaultdict(Counter)
        self.internal_errors: list[dict[str, Any]] = []

    def report(self) -> str:
        """A table: each kind's count and the replies it got."""
        lines = [f"sent {self.sent}, answered {self.answered}, internal_error {len(self.internal_errors)}"]
        for kind, codes in sorted(self.codes.items()):
            replies = ", ".join(f"{code} {count}" for code, count in codes.most_common())
            lines.append(f"  {kind:<20} {sum(codes.values()):>7}  {replies}")
        return "\n".join(lines)


class Fuzzer:
    """Two DEALERs on one daemon: `sender` sends malformed messages and counts their replies; `cleaner` cancels,
    with the secrets from their `accepted`, the jobs a mutation left valid (an empty params map is a full-size
    quality job), so none of its own replies can be mistaken for an answer being counted."""

    def __init__(self, endpoint: str) -> None:
        context = zmq.Context.instance()
        self.sender, self.cleaner = context.socket(zmq.DEALER), context.socket(zmq.DEALER)
        for socket in (self.sender, self.cleaner):
            socket.linger = 0
            socket.connect(endpoint)
        self.tally = Tally()

    def close(self) -> None:
        self.sender.close()
        self.cleaner.close()

    def exchange(self, batch: list[tuple[str, list[bytes]]]) -> None:
        """Send a batch and a fence; match the replies that arrive before the fence's to the messages in order."""
        fence = secrets.randbits(62)  # a request number no mutation will happen to send
        for _, parts in batch:
            self.sender.send_multipart(parts)
        self.sender.send_multipart([msgpack.packb({"v": PROTOCOL_VERSION, "type": "hello", "req": fence})])
        replies = []
        while True:
            assert self.sender.poll(10_000), "the daemon stopped answering"
            header = msgpack.unpackb(self.sender.recv_multipart()[0])
            req = header.get("req")
            if req == fence:
                break
            if header.get("type") in REPLY_TYPES and (req is not None or "job" not in header):
                replies.append(header)  # not a job's own event (progress, result, cancelled: no req)
        assert len(replies) == len(batch), f"{len(batch)} messages sent, {len(replies)} answered"
        for reply in replies:
            if reply["type"] == "accepted":
                cancel = {"v": PROTOCOL_VERSION, "type": "cancel", "req": 0, "job": reply["job"]}
                self.cleaner.send_multipart([msgpack.packb({**cancel, "secret": reply["secret"]})])
        while self.cleaner.poll(0):
            self.cleaner.recv_multipart()
        for (kind, _), reply in zip(batch, replies, strict=True):
            code = reply.get("code", reply["type"])
            self.tally.codes[kind][code] += 1
            if code == "internal_error":
                self.tally.internal_errors.append(reply)
        self.tally.sent += len(batch)
        self.tally.answered += len(replies)
