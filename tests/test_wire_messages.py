"""The message codec both sides share: round trips, version, required and unknown fields, pixel checks."""

from __future__ import annotations

import msgpack
import pytest

from painterly_wire import (
    PROTOCOL_VERSION,
    Accepted,
    Cancelled,
    Failed,
    Pixels,
    Progress,
    ProtocolError,
    Result,
    StyleSpec,
)
from painterly_wire.messages import (
    MAX_HEADER_BYTES,
    MAX_REPLY_FRAMES,
    MAX_REQUEST_FRAMES,
    REPLY_TYPES,
    REQUEST_TYPES,
    decode,
    encode,
    request_number,
)
from painterly_wire.records import JOB_EVENTS

RGBA = Pixels(3, 2, 4, "u8", bytes(range(24)))


def as_received(parts: list) -> list[memoryview]:
    """What a receiver holds: each frame's bytes."""
    return [memoryview(bytes(part)) for part in parts]


@pytest.mark.parametrize(
    "record",
    [
        Accepted("a" * 32, 3, 7),
        Progress("b" * 32, 4, 10, 12.5, 1.5, 2.25),
        Progress("b" * 32, 5, 10, 11.0, 2.0, 2.0, Pixels(2, 2, 3, "u8", bytes(12))),
        Progress("b" * 32, 6, 10, 10.0, 3.0, 1.0, None, 3, 5, 1200, 800, 0.45),
        Result("c" * 32, RGBA, {"steps": 3, "settings": {"size": 512}}),
        Result("c" * 32, Pixels(1, 1, 2, "f32", bytes(8)), {}, 9),
        Failed("d" * 32, "bad_params", "iterations must be >= 0", 4),
        Failed(None, "bad_message", "header is not msgpack"),
        Cancelled("e" * 32, "cancelled by its owner", 2),
    ],
)
def test_job_records_survive_the_wire(record):
    message = decode(as_received(record.to_parts()), REPLY_TYPES, MAX_REPLY_FRAMES)
    decoded = JOB_EVENTS[message.type].from_message(message)
    assert decoded == record  # pixel data compares by content (memoryview == bytes)


def test_a_progress_without_scale_fields_reads_as_one_scale():
    record = Progress("b" * 32, 4, 10, 12.5, 1.5, 2.25)
    header, *frames = record.to_parts()
    old_header = {
        key: value
        for key, value in msgpack.unpackb(header).items()
        if key not in ("scale", "scales", "width", "height", "work_done")
    }
    message = decode(as_received([msgpack.packb(old_header), *frames]), REPLY_TYPES, MAX_REPLY_FRAMES)
    assert Progress.from_message(message) == record
    odd = {**old_header, "scale": "3", "work_done": True}
    decoded = Progress.from_message(decode(as_received([msgpack.packb(odd)]), REPLY_TYPES, MAX_REPLY_FRAMES))
    assert (decoded.scale, decoded.work_done) == (1, 0.0)


def test_every_header_carries_the_protocol_version():
    header = msgpack.unpackb(encode({"type": "hello", "req": 1})[0])
    assert header == {"v": PROTOCOL_VERSION, "type": "hello", "req": 1}


def test_other_protocol_version_is_an_error_naming_both_versions():
    with pytest.raises(ProtocolError) as refused:
        decode(
            [msgpack.packb({"v": PROTOCOL_VERSION + 1, "type": "hello", "req": 1})], REQUEST_TYPES, MAX_REQUEST_FRAMES
        )
    assert refused.value.code == "version_mismatch"
    assert str(PROTOCOL_VERSION + 1) in refused.value.message and f"version {PROTOCOL_VERSION}" in refused.value.message


def test_unknown_fields_are_ignored():
    message = decode(
        [msgpack.packb({"v": PROTOCOL_VERSION, "type": "hello", "req": 1, "colour": "teal"})], REQUEST_TYPES, 4
    )
    assert message.type == "hello"


@pytest.mark.parametrize(
    ("header", "code"),
    [
        ({"v": PROTOCOL_VERSION, "type": "cancel", "req": 1}, "missing_field"),
        ({"v": PROTOCOL_VERSION, "type": "cancel", "req": "1", "job": "x"}, "bad_field"),
        ({"v": PROTOCOL_VERSION, "type": "cancel", "req": True, "job": "x"}, "bad_field"),
        ({"v": PROTOCOL_VERSION, "type": "paint", "req": 1}, "unknown_type"),
        ({"v": PROTOCOL_VERSION, "req": 1}, "unknown_type"),
        ({"type": "hello", "req": 1}, "version_mismatch"),
        ([1, 2, 3], "bad_message"),
    ],
)
def test_broken_headers_get_stable_codes(header, code):
    with pytest.raises(ProtocolError) as refused:
        decode([msgpack.packb(header)], REQUEST_TYPES, MAX_REQUEST_FRAMES)
    assert refused.value.code == code


@pytest.mark.parametrize(
    ("parts", "code"),
    [
        ([], "bad_message"),
        ([b"\xc1"], "bad_message"),
        ([b"\x92\x01"], "bad_message"),
        ([b"\x00" * (MAX_HEADER_BYTES + 1)], "too_large"),
        ([msgpack.packb({"v": PROTOCOL_VERSION, "type": "hello", "req": 1})] * (MAX_REQUEST_FRAMES + 1), "too_large"),
    ],
)
def test_garbage_frames_are_refused(parts, code):
    with pytest.raises(ProtocolError) as refused:
        decode(parts, REQUEST_TYPES, MAX_REQUEST_FRAMES)
    assert refused.value.code == code


def submit_with(content: dict, frames: list[bytes]):
    header = {"v": PROTOCOL_VERSION, "type": "submit", "req": 1, "content": content, "styles": [], "params": {}}
    return decode([msgpack.packb(header), *frames], REQUEST_TYPES, MAX_REQUEST_FRAMES)


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({}, None),
        ({"width": 4000, "height": 4000}, "bad_image"),
        ({"width": 0}, "too_large"),
        ({"width": 20_000}, "too_large"),
        ({"width": 16384, "height": 16384}, "too_large"),
        ({"channels": 5, "order": "RGBAX"}, "bad_image"),
        ({"order": "BGRA"}, "bad_image"),
        ({"dtype": "f64"}, "bad_image"),
        ({"frame": 1}, "bad_image"),
        ({"frame": -1}, "bad_image"),
        ({"width": "3"}, "bad_field"),
    ],
)
def test_pixel_descriptions_must_match_their_frame(changes, code):
    described = {"frame": 0, "width": 3, "height": 2, "channels": 4, "dtype": "u8", "order": "RGBA", **changes}
    message = submit_with(described, [bytes(24)])
    if code is None:
        assert bytes(message.pixels(message.header["content"], "content").data) == bytes(24)
        return
    with pytest.raises(ProtocolError) as refused:
        message.pixels(message.header["content"], "content")
    assert refused.value.code == code


def test_request_number_is_recovered_from_a_broken_request():
    assert request_number([msgpack.packb({"v": 9, "type": "hello", "req": 41})]) == 41
    assert request_number([b"\xc1"]) is None
    assert request_number([msgpack.packb({"req": True})]) is None


def test_pixels_refuse_a_buffer_of_the_wrong_size():
    with pytest.raises(ValueError, match="96 bytes, not 95"):
        Pixels(4, 3, 2, "f32", bytes(95))


def test_a_style_is_an_image_or_a_library_name_not_both():
    with pytest.raises(ValueError):
        StyleSpec(1.0)
    with pytest.raises(ValueError):
        StyleSpec(1.0, pixels=RGBA, library="starry_night")


def test_the_protocol_doc_lists_exactly_the_error_codes_the_daemon_sends():
    import re
    from pathlib import Path

    from painterly_wire.messages import ERROR_CODES

    repo = Path(__file__).resolve().parent.parent
    doc = (repo / "docs" / "protocol.md").read_text()
    table = doc.split("## Error codes", 1)[1].split("\n\n", 2)[2].split("\n\n", 1)[0]
    documented = re.findall(r"`([a-z_]+)`", "\n".join(line.split("|")[1] for line in table.splitlines()[2:]))
    assert sorted(documented) == sorted(ERROR_CODES)
    sources = "".join(path.read_text() for path in (repo / "daemon" / "painterly").rglob("*.py"))
    before, after = (repo / "shared" / "painterly_wire" / "messages.py").read_text().split("ERROR_CODES = (")
    sources += before + after.split("\n)\n", 1)[1]  # messages.py without the list itself
    sources += (repo / "shared" / "painterly_wire" / "pixels.py").read_text()
    unsent = [code for code in ERROR_CODES if f'"{code}"' not in sources]
    assert unsent == []
