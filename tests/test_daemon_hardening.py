"""Hostile and careless peers against a real daemon process: chosen routing ids, stolen identities, a dead or
frozen daemon, orphaned jobs, one client filling the daemon, and a CURVE key revoked while it serves."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import textwrap
import time

import msgpack
import pytest
import zmq
from support import DaemonProcess, photo, run_painterly, running_daemon, wait_for

from painterly_wire import (
    Accepted,
    Cancelled,
    Client,
    ClientKeys,
    DaemonUnavailable,
    Failed,
    JobCancelled,
    JobFailed,
    Pixels,
    Progress,
    Result,
    StyleSpec,
)
from painterly_wire.messages import describe_pixels, encode

LONG_JOB = {"preset": "seed", "size": 48, "iterations": 5000, "seed": 1}
ZERO_STEPS = {"preset": "fast", "iterations": 0}
LIBZMQ_FIRST_AUTO_ID = 0x6B8B4567  # where an unseeded libzmq starts numbering peers that set no routing id


@pytest.fixture(scope="module")
def content() -> Pixels:
    return photo("content/tubingen.jpg", 48)


@pytest.fixture(scope="module")
def style() -> StyleSpec:
    return StyleSpec(1.0, library="starry_night")


def dealer(endpoint: str, routing_id: bytes | None = None) -> zmq.Socket:
    """A raw DEALER, as any local program could open one, optionally with a routing id of its choosing."""
    socket = zmq.Context.instance().socket(zmq.DEALER)
    socket.linger = 0
    if routing_id is not None:
        socket.routing_id = routing_id
    socket.connect(endpoint)
    return socket


def headers_within(socket: zmq.Socket, seconds: float, wanted: int | None = None) -> list[dict]:
    """The headers a raw socket receives within `seconds` (sooner once it has `wanted` of them)."""
    received = []
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0 and len(received) != wanted:
        if socket.poll(int(left * 1000) + 1):
            received.append(msgpack.unpackb(socket.recv_multipart()[0]))
    return received


def wait_for_line(daemon: DaemonProcess, line: str, timeout_s: float) -> None:
    """Wait until the daemon's log holds `line`."""
    deadline = time.monotonic() + timeout_s
    while line not in daemon.log():
        assert time.monotonic() < deadline, f"no {line!r} in the daemon's log within {timeout_s} s"
        time.sleep(0.25)


def test_peers_claiming_libzmqs_own_routing_ids_cannot_abort_the_daemon():
    with running_daemon() as daemon:
        squatters = [
            dealer(daemon.endpoint, b"\x00" + (LIBZMQ_FIRST_AUTO_ID + k).to_bytes(4, "big")) for k in range(64)
        ]
        try:
            for squatter in squatters:
                squatter.send_multipart(encode({"type": "hello", "req": 1}))
            assert [headers_within(squatter, 5, 1)[0]["type"] for squatter in squatters] == ["status"] * 64
            for _ in range(8):  # peers without a routing id: libzmq numbers them
                with dealer(daemon.endpoint) as plain:
                    plain.send_multipart(encode({"type": "hello", "req": 2}))
                    assert [header["type"] for header in headers_within(plain, 5, 1)] == ["status"]
            with daemon.client() as client:
                assert client.hello()["device"] == "cpu"
        finally:
            for squatter in squatters:
                squatter.close()
        assert daemon.process.poll() is None, daemon.log()
        assert "Assertion failed" not in daemon.log()


def submit_from(socket: zmq.Socket, content: Pixels, params: dict) -> dict:
    """Submit a job over a raw socket; the `accepted` header."""
    header = {
        "type": "submit",
        "req": 1,
        "content": describe_pixels(content, 0),
        "styles": [{"weight": 1.0, "library": "starry_night"}],
        "params": params,
    }
    socket.send_multipart(encode(header, [content.data]))
    replies = headers_within(socket, 5, 1)
    assert [reply["type"] for reply in replies] == ["accepted"], replies
    return replies[0]


def test_a_routing_identity_is_not_ownership_and_the_secret_is(content):
    with running_daemon("--preview-every", "0") as daemon:
        identity = b"artist-A"
        artist = dealer(daemon.endpoint, identity)
        accepted = submit_from(artist, content, LONG_JOB)
        job, secret = accepted["job"], accepted.get("secret")
        assert headers_within(artist, 30, 1)[0]["type"] == "progress"
        artist.close()
        time.sleep(1.5)  # the daemon's next progress sends find the connection gone
        thief = dealer(daemon.endpoint, identity)
        try:
            assert headers_within(thief, 3) == [], "a stranger with the artist's routing id got the job's events"
            for kind in ("cancel", "fetch"):
                thief.send_multipart(encode({"type": kind, "req": 5, "job": job, "secret": "0" * 32}))
                refusals = headers_within(thief, 5, 1)
                assert [(reply["type"], reply["code"]) for reply in refusals] == [("error", "not_owner")]
        finally:
            thief.close()
        assert isinstance(secret, str) and len(secret) == 32
        Client.remember_secret(job, secret)  # the artist's editor, reconnected with the secret it was given
        with daemon.client() as editor:
            assert isinstance(editor.fetch(job), Accepted)
            wait_for(editor, job, Progress)
            editor.cancel(job)
            assert isinstance(wait_for(editor, job, Cancelled), Cancelled)
        assert "its owner's connection went away" in daemon.log()


@pytest.mark.parametrize(
    ("signum", "within_s"),
    [(signal.SIGKILL, 5), (signal.SIGSTOP, 8)],  # SIGSTOP: alive but silent, the TCP connection stays up
    ids=["killed", "frozen"],
)
def test_an_editor_that_only_drains_events_hears_within_seconds_that_the_daemon_is_gone(
    content, style, signum, within_s
):
    with running_daemon("--preview-every", "0") as daemon, daemon.client() as editor:
        job = editor.submit(content, [style], LONG_JOB)
        wait_for(editor, job, Progress)
        os.kill(daemon.process.pid, signum)
        try:
            gone = time.monotonic()
            lost = wait_for(editor, job, Failed, timeout_s=15)
            heard_after_s = time.monotonic() - gone
        finally:
            if signum == signal.SIGSTOP:
                os.kill(daemon.process.pid, signal.SIGCONT)
        assert lost.code == "connection_lost" and daemon.endpoint in lost.message
        assert heard_after_s < within_s, f"the editor heard after {heard_after_s:.1f} s"


def test_a_job_whose_editor_never_came_back_is_cancelled_after_the_grace(content, style):
    with running_daemon("--preview-every", "0", "--orphan-grace", "2") as daemon:
        with daemon.client() as editor:
            kept = editor.submit(content, [style], LONG_JOB)
            wait_for(editor, kept, Progress)
        time.sleep(1)
        with daemon.client() as editor:  # back within the grace: the job is the editor's again, past the grace
            assert isinstance(editor.fetch(kept), Accepted)
            time.sleep(3)
            orphan = editor.submit(content, [style], LONG_JOB)
            editor.cancel(kept)
            assert wait_for(editor, kept, Cancelled).reason == "cancelled by its owner"
            wait_for(editor, orphan, Progress)
        wait_for_line(daemon, f"job {orphan} ended: cancelled", 20)
        with daemon.client() as editor, pytest.raises(JobCancelled, match="owner went away"):
            editor.fetch(orphan)


FROZEN_EDITOR = textwrap.dedent(
    """
    import sys, time
    from painterly_wire import Client, Pixels, StyleSpec
    client = Client(sys.argv[1], timeout_s=30)
    layer = Pixels(48, 32, 3, "u8", bytes(48 * 32 * 3))
    job = client.submit(layer, [StyleSpec(1.0, library="starry_night")], {"preset": "seed", "iterations": 5000})
    print(job, client.secret_of(job), flush=True)
    time.sleep(600)
    """
)


def test_a_frozen_editor_is_dropped_by_heartbeats_and_its_job_cancelled_as_an_orphan():
    with running_daemon("--preview-every", "0", "--orphan-grace", "1") as daemon:
        editor = subprocess.Popen(
            [sys.executable, "-c", FROZEN_EDITOR, daemon.endpoint], stdout=subprocess.PIPE, text=True
        )
        try:
            job, secret = editor.stdout.readline().split()
            wait_for_line(daemon, f"job {job} started", 30)
            os.kill(editor.pid, signal.SIGSTOP)  # its connection stays open; only heartbeats tell it is gone
            frozen = time.monotonic()
            wait_for_line(daemon, f"job {job} ended: cancelled", 30)
            assert time.monotonic() - frozen < 15
        finally:
            editor.kill()
            editor.wait()
        Client.remember_secret(job, secret)
        with daemon.client() as reconnected, pytest.raises(JobCancelled, match="owner went away"):
            reconnected.fetch(job)


def test_one_connection_cannot_fill_the_queue_or_the_result_store(content, style):
    options = ("--preview-every", "0", "--max-queue", "3", "--client-jobs", "2", "--client-mib", "1")
    half_mib = Pixels(512, 256, 4, "u8", bytes(512 * 256 * 4))
    with running_daemon(*options) as daemon, daemon.client() as blocker:
        blocking = blocker.submit(content, [style], LONG_JOB)
        wait_for(blocker, blocking, Progress)
        with daemon.client() as greedy, daemon.client() as other, daemon.client() as third:
            waiting = [greedy.submit(content, [style], ZERO_STEPS) for _ in range(2)]
            with pytest.raises(JobFailed) as refused:
                greedy.submit(content, [style], ZERO_STEPS)
            assert refused.value.code == "over_quota" and "2 jobs waiting" in refused.value.message
            waiting.append(other.submit(content, [style], ZERO_STEPS))
            with pytest.raises(JobFailed) as full:
                third.submit(content, [style], ZERO_STEPS)
            assert full.value.code == "queue_full"
            blocker.cancel(blocking)
            assert all(isinstance(greedy.wait(job), Result) for job in waiting[:2])
            assert isinstance(other.wait(waiting[2]), Result)

            big = [greedy.submit(half_mib, [style], ZERO_STEPS) for _ in range(2)]
            assert [bytes(greedy.wait(job).image.data) == half_mib.data for job in big] == [True, True]
            with pytest.raises(JobFailed) as too_much:
                greedy.submit(Pixels(640, 512, 4, "u8", bytes(640 * 512 * 4)), [style], ZERO_STEPS)
            assert too_much.value.code == "over_quota" and "MiB" in too_much.value.message
            third_big = greedy.submit(half_mib, [style], ZERO_STEPS)
            greedy.wait(third_big)
            with pytest.raises(JobFailed) as dropped:  # over its result quota: its own oldest result went
                greedy.fetch(big[0])
            assert dropped.value.code == "unknown_job"
            assert isinstance(greedy.fetch(big[1]), Result)
            assert isinstance(other.fetch(waiting[2]), Result)  # another client's result stays


@pytest.fixture
def keys_folder(tmp_path):
    for name in ("alice", "bob"):
        made = run_painterly("keys", "--dir", str(tmp_path), "--client", name)
        assert made.returncode == 0, made.stderr
    return tmp_path


def test_a_revoked_client_key_is_refused_without_a_restart(keys_folder):
    def keys_of(name: str) -> ClientKeys:
        return ClientKeys.from_files(keys_folder / "client-secrets" / f"{name}.key_secret", keys_folder / "daemon.key")

    alice, bob = keys_of("alice"), keys_of("bob")
    with (
        running_daemon("--keys", str(keys_folder), keys=alice) as daemon,
        Client(daemon.endpoint, timeout_s=2, keys=bob) as connected_bob,
    ):
        assert connected_bob.hello()["device"] == "cpu"
        revoked = run_painterly("keys", "--dir", str(keys_folder), "--revoke", "bob")
        assert revoked.returncode == 0 and "revoked bob" in revoked.stdout, revoked.stderr
        time.sleep(2)
        with Client(daemon.endpoint, timeout_s=2, keys=bob) as client, pytest.raises(DaemonUnavailable):
            client.hello()
        with pytest.raises(DaemonUnavailable):  # nor is a connection bob opened before the revocation answered
            connected_bob.hello()
        with Client(daemon.endpoint, timeout_s=5, keys=alice) as client:
            assert client.hello()["device"] == "cpu"
        assert re.search(r"authorised client keys reloaded from .*: 1 key", daemon.log())
