"""What one peer can make a real daemon hold, run or write (issue 9): memory per message (defect 4), unusable
settings and pixels (defect 5), and the log (defect 8)."""

from __future__ import annotations

import math
import re
import struct
import time
from pathlib import Path

import msgpack
import pytest
from support import memory_mib, photo, raw_exchange, running_daemon

from painterly_wire import PROTOCOL_VERSION, JobFailed, Pixels, StyleSpec

HELLO = msgpack.packb({"v": PROTOCOL_VERSION, "type": "hello", "req": 7})
MIB = 1 << 20


@pytest.fixture(scope="module")
def daemon():
    with running_daemon() as process:
        yield process


@pytest.fixture(scope="module")
def style():
    return StyleSpec(1.0, pixels=photo("style/starry_night.jpg", 32))


def test_a_message_of_many_frames_is_refused_and_its_memory_given_back(daemon):
    pid = daemon.process.pid
    before = memory_mib(pid)
    reply = raw_exchange(daemon.endpoint, HELLO, *[bytes(MIB)] * 600, timeout_s=60)
    assert (reply["code"], reply["req"]) == ("too_large", 7) and "601 frames" in reply["message"]
    time.sleep(0.5)
    assert memory_mib(pid) - before < 64, "the daemon kept the memory of a refused 600 MiB message"


def test_an_oversized_header_is_refused_before_it_is_copied(daemon):
    pid = daemon.process.pid
    clear_refs = Path(f"/proc/{pid}/clear_refs")
    try:
        clear_refs.write_text("5")  # reset VmHWM to the current resident size
    except OSError as error:
        pytest.skip(f"cannot reset the daemon's peak memory: {error}")
    before = memory_mib(pid)
    header = msgpack.packb({"v": PROTOCOL_VERSION, "type": "hello", "req": 8, "pad": bytes(128 * MIB)})
    reply = raw_exchange(daemon.endpoint, header, timeout_s=60)
    assert reply["code"] == "too_large" and "header" in reply["message"]
    # libzmq's own copy of the frame is unavoidable; reading it must add no second (or third) one
    assert memory_mib(pid, "VmHWM") - before < 128 * 1.4


NAN, INF = math.nan, math.inf


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"content_weight": NAN}, "content_weight"),
        ({"style_weight": INF}, "style_weight"),
        ({"tv_weight": -INF}, "tv_weight"),
        ({"learning_rate": NAN, "preset": "seed"}, "learning_rate"),
        ({"style_layers": {"conv1_1": NAN}}, "style_layers"),
        ({"scales": [1.0] * 6000, "size": 16}, "scales"),
        ({"size": 16, "iterations": 100_000, "coarse_iterations": 100_000, "scales": [0.5, 1.0]}, "steps"),
    ],
)
def test_unusable_settings_are_refused_naming_the_field(daemon, style, params, named):
    content = photo("content/tubingen.jpg", 32)
    with daemon.client() as client, pytest.raises(JobFailed) as refused:
        client.submit(content, [style], params)
    assert refused.value.code == "bad_params" and named in refused.value.message


@pytest.mark.parametrize("sample", [NAN, INF, -INF])
def test_float_pixels_that_are_not_finite_are_refused(daemon, style, sample):
    samples = [0.5] * (8 * 8 * 3)
    samples[17] = sample
    layer = Pixels(8, 8, 3, "f32", struct.pack(f"<{len(samples)}f", *samples))
    with daemon.client() as client:
        with pytest.raises(JobFailed) as refused:
            client.submit(layer, [style], {"preset": "fast", "iterations": 0})
        assert refused.value.code == "bad_image" and "content" in refused.value.message
        with pytest.raises(JobFailed) as refused:
            client.submit(photo("content/tubingen.jpg", 8), [StyleSpec(1.0, pixels=layer)], {"preset": "fast"})
        assert refused.value.code == "bad_image" and "styles[0].image" in refused.value.message


FORGED = "2026-01-01 00:00:00,000 INFO painterly.server.daemon: job 0 ended: result"


def test_refusals_reach_the_log_escaped_capped_and_counted(daemon):
    job = "\n" + FORGED + "\x1b[2J" + "x" * 60_000
    reply = raw_exchange(
        daemon.endpoint, msgpack.packb({"v": PROTOCOL_VERSION, "type": "cancel", "req": 1, "job": job})
    )
    assert reply["code"] == "unknown_job"
    logged_before = daemon.log().count("refused a message")
    flood = [msgpack.packb({"v": PROTOCOL_VERSION, "type": "teleport", "req": number}) for number in range(300)]
    started = time.monotonic()
    for parts in flood:
        assert raw_exchange(daemon.endpoint, parts)["code"] == "unknown_type"
    assert time.monotonic() - started < 10, "the flood took longer than one log interval"
    deadline = time.monotonic() + 15
    while "more messages" not in daemon.log() and time.monotonic() < deadline:
        time.sleep(0.5)
    log = daemon.log()
    lines = log.splitlines()
    assert not any(line.startswith(FORGED) for line in lines), "a client forged a log line"
    assert "\x1b" not in log and max(len(line) for line in lines) < 1000
    assert log.count("refused a message") - logged_before <= 20  # at most the first 10 of each 10 s interval
    counted = sum(int(number) for number in re.findall(r"refused (\d+) more messages", log))
    assert counted >= 300 - 20 and "unknown_type" in log
