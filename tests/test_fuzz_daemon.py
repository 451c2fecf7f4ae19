"""Fuzzing the daemon's message handling over a real socket (issue 9, defect 7): 20,000 malformed messages of 18
kinds (tests/malformed_messages.py; bench/bench_fuzz_daemon.py sends 100,000), then a real job.

Every message must get exactly one reply (an error, or the normal answer when a mutation happens to leave the
request valid), never an internal error, and the daemon must keep serving everyone. Each kind of malformation
also has one example whose specific error code is pinned.
"""

from __future__ import annotations

import math

import msgpack
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from malformed_messages import CONTENT, Fuzzer, Packed, deep, f32, malformed, pack
from support import photo, raw_exchange, running_daemon

from painterly_wire import PROTOCOL_VERSION, Result, StyleSpec

BATCH = 25
BATCHES = 800
KINDS_AT_LEAST = 12


@pytest.fixture(scope="module")
def daemon():
    with running_daemon() as process:
        yield process


def submit(**changes) -> dict:
    header = {
        "v": PROTOCOL_VERSION,
        "type": "submit",
        "req": 9,
        "content": CONTENT,
        "styles": [{"weight": 1.0, "library": "starry_night"}],
        "params": {"preset": "fast", "iterations": 0},
    }
    return {**header, **changes}


DEEP = deep(1000, "list")
NAN_PIXELS = {**CONTENT, "dtype": "f32"}
EXAMPLES = {
    "garbage": ([b"\xc1\xc1"], "bad_message"),
    "random_header": ([msgpack.packb([1, 2])], "bad_message"),
    "dropped_field": ([pack({"v": PROTOCOL_VERSION, "type": "cancel", "req": 9})], "missing_field"),
    "retyped_field": ([pack({"v": PROTOCOL_VERSION, "type": "fetch", "req": 9, "job": 5})], "bad_field"),
    "bad_version": ([pack({"v": PROTOCOL_VERSION + 1, "type": "hello", "req": 9})], "version_mismatch"),
    "bad_descriptor": ([pack(submit(content={**CONTENT, "width": 3})), bytes(16)], "bad_image"),
    "unknown_type": ([pack({"v": PROTOCOL_VERSION, "type": "teleport", "req": 9})], "unknown_type"),
    "deep_setting": ([pack(submit(params={"iterations": DEEP})), bytes(16)], "bad_params"),
    "deep_preset": ([pack(submit(params={"preset": DEEP})), bytes(16)], "bad_params"),
    "deep_layers": ([pack(submit(params={"style_layers": [[DEEP, 1.0]]})), bytes(16)], "bad_params"),
    "deep_type": ([pack({"v": PROTOCOL_VERSION, "type": DEEP, "req": 9})], "unknown_type"),
    "deep_version": ([pack({"v": DEEP, "type": "hello", "req": 9})], "version_mismatch"),
    "deep_job_echoed": ([pack(submit(job=DEEP, styles=[])), bytes(16)], "bad_field"),
    "deep_descriptor": ([pack(submit(content={**CONTENT, "order": DEEP})), bytes(16)], "bad_field"),
    "oversized_header": ([pack({"v": PROTOCOL_VERSION, "type": "hello", "req": 9, "pad": bytes(70_000)})], "too_large"),
    "too_many_frames": ([pack({"v": PROTOCOL_VERSION, "type": "hello", "req": 9}), *[b""] * 11], "too_large"),
    "non_finite_setting": ([pack(submit(params={"content_weight": math.nan})), bytes(16)], "bad_params"),
    "non_finite_layer": ([pack(submit(params={"style_layers": {"conv1_1": math.inf}})), bytes(16)], "bad_params"),
    "non_finite_weight": ([pack(submit(styles=[{"weight": math.inf, "library": "x"}])), bytes(16)], "bad_field"),
    "too_many_scales": ([pack(submit(params={"size": 16, "scales": [1.0] * 6000})), bytes(16)], "bad_params"),
    "too_many_steps": (
        [pack(submit(params={"iterations": 100_000, "coarse_iterations": 100_000, "scales": [0.5, 1.0]})), bytes(16)],
        "bad_params",
    ),
    "non_finite_pixels": ([pack(submit(content=NAN_PIXELS)), f32([math.nan] * 16)], "bad_image"),
    "hostile_job": (
        [pack({"v": PROTOCOL_VERSION, "type": "fetch", "req": 9, "job": "\n" + "x" * 60_000})],
        "unknown_job",
    ),
    "hostile_style": ([pack(submit(styles=[{"weight": 1, "library": "\n\x1b[2J"}])), bytes(16)], "unknown_style"),
    "invalid_utf8": ([pack({"v": PROTOCOL_VERSION, "type": Packed(b"\xa2\xc3\x28"), "req": 9})], "bad_message"),
    "extension_type": ([pack({"v": PROTOCOL_VERSION, "type": "hello", "req": msgpack.ExtType(5, b"x")})], "bad_field"),
}


@pytest.mark.parametrize("kind", list(EXAMPLES))
def test_each_kind_of_malformed_message_gets_its_own_error_code(daemon, kind):
    parts, code = EXAMPLES[kind]
    reply = raw_exchange(daemon.endpoint, *parts)
    assert (reply["type"], reply["code"]) == ("error", code), reply
    assert "job" not in reply or isinstance(reply["job"], str)


def test_every_malformed_message_is_answered_and_a_real_job_succeeds_after(daemon):
    """The fuzzing and the job after it in one test, so neither depends on another test having run."""
    fuzzer = Fuzzer(daemon.endpoint)

    @settings(
        max_examples=BATCHES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
    )
    @given(batch=st.lists(malformed, min_size=BATCH, max_size=BATCH))
    def fuzz(batch):
        fuzzer.exchange(batch)
        assert fuzzer.tally.internal_errors == []

    try:
        fuzz()
    finally:
        fuzzer.close()
    tally = fuzzer.tally
    print(tally.report())
    assert tally.sent >= BATCH * BATCHES and tally.answered == tally.sent
    assert len(tally.codes) >= KINDS_AT_LEAST, sorted(tally.codes)
    with daemon.client(timeout_s=30) as client:
        content = photo("content/tubingen.jpg", 40)
        style = StyleSpec(1.0, pixels=photo("style/starry_night.jpg", 40))
        result = client.stylize(content, [style], {"preset": "fast", "size": 40, "iterations": 2})
        assert isinstance(result, Result) and result.report["steps"] == 2
        assert client.hello()["queue_length"] == 0
    assert "Traceback" not in daemon.log()
