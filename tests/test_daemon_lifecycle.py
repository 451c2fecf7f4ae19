"""Graceful stop: SIGTERM and SIGINT cancel the running job and the queue, tell every owner, and exit 0."""

from __future__ import annotations

import signal
import time

import pytest
from support import photo, running_daemon, wait_for

from painterly_wire import Cancelled, Client, DaemonUnavailable, Progress, StyleSpec

LONG_JOB = {"preset": "seed", "size": 48, "iterations": 5000}


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_stop_signal_cancels_jobs_and_tells_their_owners(signum):
    with running_daemon() as daemon:
        stop_with_jobs_in_flight(daemon, signum)


def stop_with_jobs_in_flight(daemon, signum: int) -> None:
    content = photo("content/tubingen.jpg", 48)
    style = StyleSpec(1.0, pixels=photo("style/starry_night.jpg", 48))
    with daemon.client() as artist, daemon.client() as other:
        running = artist.submit(content, [style], LONG_JOB)
        waiting = other.submit(content, [style], {"preset": "fast", "iterations": 0})
        wait_for(artist, running, Progress)
        stopped_at = time.monotonic()
        assert daemon.stop(signum) == 0
        assert time.monotonic() - stopped_at < 10
        assert "stopping" in wait_for(artist, running, Cancelled).reason
        assert "stopping" in wait_for(other, waiting, Cancelled).reason
        with Client(daemon.endpoint, timeout_s=0.5) as late, pytest.raises(DaemonUnavailable):
            late.hello()
    assert "Traceback" not in daemon.log()


def test_a_job_thread_left_behind_may_deliver_after_close_without_touching_closed_pipes(monkeypatch):
    from painterly.server.daemon import Daemon

    daemon = Daemon("tcp://127.0.0.1:0", model=None, library=None)
    daemon.close()
    writes = []
    monkeypatch.setattr("os.write", lambda fd, data: writes.append(fd))
    daemon._deliver(Cancelled("x" * 32, "late"))  # what a left-behind engine thread does
    daemon.close()  # closing twice is harmless
    assert writes == []


@pytest.mark.timeout(60)  # a blocking write would hang here: the timeout turns that into a failure
def test_deliver_never_blocks_on_a_full_bell_pipe():
    from painterly.server.daemon import Daemon

    daemon = Daemon("tcp://127.0.0.1:0", model=None, library=None)
    rings = 100_000  # far more than a pipe holds, with nobody reading
    try:
        for _ in range(rings):
            daemon._deliver(Cancelled("x" * 32, "ring"))
        assert daemon._events.qsize() == rings  # every event kept although the pipe filled up
    finally:
        daemon.close()
