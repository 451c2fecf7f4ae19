"""Fuzzing the daemon's message handling over a real socket: 10^4 malformed messages, then a real job.

Every message must get exactly one reply (an error, or the normal answer when a mutation happens to
leave the request valid), never an internal error, and the daemon must keep serving everyone.
"""

from __future__ import annotations

import msgpack
import pytest
import zmq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import photo, running_daemon

from painterly_wire import Result, StyleSpec

BATCH = 25
BATCHES = 400
FENCE = 2**31 - 1
CLEAN_UP = 2**40  # request numbers of the cancels that remove jobs a mutation left valid
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
    "cancel": ({"type": "cancel", "job": "0" * 32}, []),
    "fetch": ({"type": "fetch", "job": "f" * 32}, []),
}

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
descriptor_fields = st.sampled_from(list(CONTENT))
awkward_ints = st.one_of(
    st.sampled_from([0, -1, 1, 3, 4, 5, 16384, 16385, 2**31, 2**32 + 2, 2**63 - 1]), st.integers(-100, 100)
)


@st.composite
def mutated_request(draw) -> list[bytes]:
    """A valid request with one thing broken (or, now and then, only an unknown field added)."""
    header, frames = VALID_REQUESTS[draw(st.sampled_from(list(VALID_REQUESTS)))]
    header = {"v": 1, "req": draw(st.integers(0, 2**31 - 2)), **header}
    frames = list(frames)
    mutation = draw(st.sampled_from(["drop", "retype", "version", "descriptor", "frames", "style", "extra"]))
    if mutation == "drop":
        header.pop(draw(st.sampled_from(sorted(header))))
    elif mutation == "retype":
        header[draw(st.sampled_from(sorted(header)))] = draw(values)
    elif mutation == "version":
        header["v"] = draw(st.one_of(awkward_ints, values))
    elif mutation == "descriptor":
        described = dict(CONTENT)
        described[draw(descriptor_fields)] = draw(st.one_of(awkward_ints, values))
        header[draw(st.sampled_from(["content", "init_image"]))] = described
    elif mutation == "frames":
        frames = draw(st.lists(st.binary(max_size=40), max_size=12))
    elif mutation == "style":
        header["styles"] = draw(
            st.lists(st.dictionaries(st.sampled_from(["weight", "library", "image"]), values), max_size=10)
        )
    else:
        header[draw(field_names.map(lambda name: name + "_extra"))] = draw(values)
    return [msgpack.packb(header, use_bin_type=draw(st.booleans())), *frames]


garbage = st.lists(st.binary(max_size=48), min_size=1, max_size=4)
random_headers = st.builds(lambda value, rest: [msgpack.packb(value), *rest], values, st.lists(st.binary(max_size=8)))
malformed = st.one_of(garbage, random_headers, mutated_request(), mutated_request())


@pytest.fixture(scope="module")
def daemon():
    with running_daemon() as process:
        yield process


def exchange_batch(socket: zmq.Socket, batch: list[list[bytes]], tally: dict) -> None:
    """Send a batch and a fence; count the replies that arrive before the fence's, then cancel any job
    a mutation happened to leave valid (an empty params map means a full-size quality job)."""
    for parts in batch:
        socket.send_multipart(parts)
    socket.send_multipart([msgpack.packb({"v": 1, "type": "hello", "req": FENCE})])
    answered = 0
    accepted = []
    while True:
        assert socket.poll(10_000), "the daemon stopped answering"
        header = msgpack.unpackb(socket.recv_multipart()[0])
        req = header.get("req")
        if req == FENCE:
            break
        if isinstance(req, int) and req >= CLEAN_UP:
            continue
        if header.get("type") == "error" and header.get("code") == "internal_error":
            tally["internal_errors"].append(header)
        if header.get("type") == "accepted":
            accepted.append(header["job"])
        if header.get("type") in REPLY_TYPES and (req is not None or "job" not in header):
            answered += 1
    assert answered == len(batch), f"{len(batch)} messages sent, {answered} answered"
    for number, job in enumerate(accepted):
        socket.send_multipart([msgpack.packb({"v": 1, "type": "cancel", "req": CLEAN_UP + number, "job": job})])
    tally["sent"] += len(batch)
    tally["answered"] += answered


def test_every_malformed_message_is_answered_and_a_real_job_succeeds_after(daemon):
    """The fuzzing and the job after it in one test, so neither depends on another test having run."""
    socket = zmq.Context.instance().socket(zmq.DEALER)
    socket.linger = 0
    socket.connect(daemon.endpoint)
    tally = {"sent": 0, "answered": 0, "internal_errors": []}

    @settings(
        max_examples=BATCHES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(batch=st.lists(malformed, min_size=BATCH, max_size=BATCH))
    def fuzz(batch):
        exchange_batch(socket, batch, tally)
        assert tally["internal_errors"] == []

    try:
        fuzz()
    finally:
        socket.close()
    assert tally["sent"] >= 10_000
    with daemon.client(timeout_s=30) as client:
        content = photo("content/tubingen.jpg", 40)
        style = StyleSpec(1.0, pixels=photo("style/starry_night.jpg", 40))
        result = client.stylize(content, [style], {"preset": "fast", "size": 40, "iterations": 2})
        assert isinstance(result, Result) and result.report["steps"] == 2
        assert client.hello()["queue_length"] == 0
    assert "Traceback" not in daemon.log()
