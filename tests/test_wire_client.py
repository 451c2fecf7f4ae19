"""The client library: timeouts, version checks, the socket fd editors watch, and Python 3.10 / 3.13."""

from __future__ import annotations

import select
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import msgpack
import pytest
import zmq
from support import REPO, free_port, running_daemon

from painterly_wire import PROTOCOL_VERSION, Client, DaemonUnavailable, Progress, ProtocolError

EDITOR_PYTHONS = {
    "3.10 (Krita)": Path.home() / ".pyenv/versions/3.10.13/bin/python",
    "3.13 (GIMP 3)": Path.home() / ".pyenv/versions/3.13.0/bin/python",
}


@pytest.fixture
def fake_daemon():
    """A bare ROUTER on loopback standing in for a daemon that misbehaves in a chosen way."""
    context = zmq.Context.instance()
    router = context.socket(zmq.ROUTER)
    router.linger = 0
    port = router.bind_to_random_port("tcp://127.0.0.1")
    yield router, f"tcp://127.0.0.1:{port}"
    router.close()


def test_no_daemon_means_daemon_unavailable_within_the_timeout():
    started = time.monotonic()
    with Client(f"tcp://127.0.0.1:{free_port()}", timeout_s=0.3) as client, pytest.raises(DaemonUnavailable):
        client.hello()
    assert time.monotonic() - started < 2


def test_a_daemon_speaking_another_version_is_a_clear_error(fake_daemon):
    router, endpoint = fake_daemon
    with Client(endpoint, timeout_s=5) as client:
        client.cancel("x" * 32)
        sender, header = router.recv_multipart()
        request = msgpack.unpackb(header)
        router.send_multipart(
            [sender, msgpack.packb({"v": PROTOCOL_VERSION + 1, "type": "status", "req": request["req"] + 1})]
        )
        with pytest.raises(ProtocolError) as refused:
            client.hello()
    assert refused.value.code == "version_mismatch" and f"version {PROTOCOL_VERSION}" in refused.value.message


def test_fileno_wakes_the_editor_and_events_drains_every_waiting_record(fake_daemon):
    """The editor's loop: drain with events(0), then sleep on the fd until it fires (edge-triggered)."""
    router, endpoint = fake_daemon
    with Client(endpoint, timeout_s=5) as client:
        client.cancel("j" * 32)
        sender, _ = router.recv_multipart()
        assert client.events(0) == []
        for step in (1, 2, 3):
            router.send_multipart([sender, *Progress("j" * 32, step, 3, 1.0 / step, 0.1 * step, 0.0).to_parts()])
        received: list = []
        wakeups = 0
        deadline = time.monotonic() + 5
        while len(received) < 3 and time.monotonic() < deadline:
            readable, _, _ = select.select([client.fileno()], [], [], 1.0)
            wakeups += bool(readable)
            received += client.events(0)
    assert wakeups >= 1
    assert [event.step for event in received] == [1, 2, 3]


def test_a_malformed_event_becomes_a_failed_record_not_an_exception(fake_daemon):
    router, endpoint = fake_daemon
    with Client(endpoint, timeout_s=5) as client:
        client.cancel("k" * 32)
        sender, _ = router.recv_multipart()
        router.send_multipart([sender, b"\xc1not msgpack"])
        events = client.events(5)
    assert [(event.job, event.code) for event in events] == [(None, "bad_message")]


CLIENT_SCRIPT = textwrap.dedent(
    """
    import sys
    from painterly_wire import Client, Pixels, StyleSpec
    with Client(sys.argv[1], timeout_s=10) as client:
        assert client.hello()["device"] == "cpu"
        assert any(style.name == "starry_night" for style in client.list_styles())
        layer = Pixels(5, 4, 4, "u8", bytes(range(80)))
        result = client.stylize(layer, [StyleSpec(1.0, library="starry_night")], {"preset": "fast", "iterations": 0})
        assert bytes(result.image.data) == bytes(range(80))
    print("ok", sys.version_info[:2])
    """
)


@pytest.fixture(scope="module")
def daemon():
    with running_daemon() as process:
        yield process


@pytest.mark.parametrize("editor_python", EDITOR_PYTHONS.values(), ids=EDITOR_PYTHONS.keys())
def test_client_runs_on_the_editors_python(daemon, editor_python):
    if not editor_python.exists():
        pytest.skip(f"{editor_python} is not installed")
    has_modules = subprocess.run([editor_python, "-c", "import zmq, msgpack"], capture_output=True)
    if has_modules.returncode != 0:
        pytest.skip(f"{editor_python} lacks pyzmq or msgpack")
    done = subprocess.run(
        [editor_python, "-c", CLIENT_SCRIPT, daemon.endpoint],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(REPO / "shared")},
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ok")


@pytest.mark.parametrize("endpoint", ["127.0.0.1:7353", "tcp://127.0.0.1", "bad"])
def test_a_malformed_endpoint_is_daemon_unavailable_naming_it_and_the_socket_is_closed(endpoint, monkeypatch):
    sockets = []
    real_socket = zmq.Context.socket

    def recording_socket(context, *args, **kwargs):
        sockets.append(real_socket(context, *args, **kwargs))
        return sockets[-1]

    monkeypatch.setattr(zmq.Context, "socket", recording_socket)
    with pytest.raises(DaemonUnavailable) as raised:
        Client(endpoint)
    assert raised.value.code == "bad_endpoint"
    assert endpoint in raised.value.message and "tcp://HOST:PORT" in raised.value.message
    assert len(sockets) == 1 and sockets[0].closed


def test_status_with_a_malformed_endpoint_prints_one_clear_line():
    command = [sys.executable, "-m", "painterly.cli", "status", "--endpoint", "bad"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 1 and done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "'bad'" in lines[0] and "tcp://HOST:PORT" in lines[0], done.stderr
