"""`painterly serve --idle-exit S --started-by WHO`: the daemon a plugin starts says so in its status and stops by
itself once nothing has used it for S seconds; any request, or a job waiting or running, counts as use."""

from __future__ import annotations

import time

import pytest
from support import DaemonProcess, run_painterly

from painterly.server.idle_exit import IdleTimer

IDLE_S = 3.0


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_timer_runs_out_only_after_the_whole_unused_time_and_a_busy_daemon_is_in_use():
    clock = Clock()
    timer = IdleTimer(10, clock)
    clock.now += 9.9
    assert not timer.expired(busy=False)
    assert not timer.expired(busy=True)  # a job running restarts the count
    clock.now += 9.9
    assert not timer.expired(busy=False)
    timer.used()
    clock.now += 10
    assert timer.expired(busy=False)


def test_zero_never_runs_out_and_a_negative_time_is_refused():
    clock = Clock()
    timer = IdleTimer(0, clock)
    clock.now += 1e9
    assert not timer.expired(busy=False)
    with pytest.raises(ValueError, match="--idle-exit"):
        IdleTimer(-1)


def test_a_daemon_a_plugin_started_says_so_and_stops_when_unused():
    daemon = DaemonProcess("--idle-exit", str(IDLE_S), "--started-by", "plugin")
    try:
        daemon.wait_ready()
        status = run_painterly("status", "--endpoint", daemon.endpoint)
        assert status.returncode == 0, status.stderr
        assert f"started by plugin; stops after {IDLE_S:g} s unused" in status.stdout
        used_until = time.monotonic() + 2 * IDLE_S
        while time.monotonic() < used_until:  # a client asking now and then keeps it
            with daemon.client() as client:
                assert client.hello()["started_by"] == "plugin"
            last_use = time.monotonic()  # the daemon's idle clock starts at the request it answered, or later
            time.sleep(IDLE_S / 3)
        assert daemon.process.poll() is None, daemon.log()
        assert daemon.process.wait(IDLE_S + 30) == 0, daemon.log()
        assert time.monotonic() - last_use >= IDLE_S - 0.5
        assert "stopping (--idle-exit)" in daemon.log()
    finally:
        daemon.stop()


def test_a_daemon_started_by_hand_runs_until_stopped_and_says_nothing_of_it():
    daemon = DaemonProcess()
    try:
        daemon.wait_ready()
        with daemon.client() as client:
            status = client.hello()
        assert (status["started_by"], status["idle_exit_s"]) == (None, 0)
        assert "started by" not in run_painterly("status", "--endpoint", daemon.endpoint).stdout
    finally:
        assert daemon.stop() == 0
