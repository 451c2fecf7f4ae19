"""painterly_wire.daemon_start: finding the daemon and starting it from a plugin, without an editor.

A start command whose daemon exits is reported at once with the daemon's last lines; a malformed endpoint fails at
once; an attempt that fails at once is not repeated in a busy loop."""

from __future__ import annotations

import shlex
import sys
import time

import pytest
from support import free_port

from painterly_wire import DaemonUnavailable, daemon_start
from painterly_wire.daemon_start import no_daemon_message, reach_daemon, wait_for_daemon

EXITING_DAEMON = [
    sys.executable,
    "-c",
    "import sys; print('loading'); print('painterly: no VGG-19 weights found', file=sys.stderr); sys.exit(3)",
]


@pytest.fixture(autouse=True)
def cache_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    return tmp_path


def test_a_started_daemon_that_exits_is_reported_at_once_with_its_last_lines(cache_folder):
    endpoint = f"tcp://127.0.0.1:{free_port()}"
    began = time.monotonic()
    with pytest.raises(DaemonUnavailable) as raised:
        reach_daemon(endpoint, shlex.join(EXITING_DAEMON))
    assert time.monotonic() - began < 15  # not START_WAIT_S
    assert raised.value.code == "daemon_exited"
    assert "status 3" in raised.value.message and "no VGG-19 weights found" in raised.value.message
    assert str(cache_folder / "painterly") in raised.value.message  # where the whole log is
    message = no_daemon_message(endpoint, "painterly serve", raised.value, "the dialog")
    assert "no VGG-19 weights found" in message and "painterly serve" in message


def test_the_started_daemon_gets_the_endpoint_and_its_output_goes_to_the_log(cache_folder):
    endpoint = f"tcp://127.0.0.1:{free_port()}"
    echo = shlex.join([sys.executable, "-c", "import sys; print(' '.join(sys.argv[1:]))"])
    started = daemon_start.start_daemon(echo, endpoint)
    assert started.process.wait(30) == 0
    assert started.last_lines() == [f"--endpoint {endpoint}"]
    assert started.log_path.parent == cache_folder / "painterly"


def test_a_start_command_that_cannot_run_is_start_failed():
    with pytest.raises(DaemonUnavailable) as raised:
        reach_daemon(f"tcp://127.0.0.1:{free_port()}", "no-such-painterly serve")
    assert raised.value.code == "start_failed" and "could not run" in raised.value.message


def test_no_start_command_means_one_quick_look():
    began = time.monotonic()
    with pytest.raises(DaemonUnavailable) as raised:
        reach_daemon(f"tcp://127.0.0.1:{free_port()}", "  ")
    assert raised.value.code == "timeout" and time.monotonic() - began < 5
    assert "painterly serve" in no_daemon_message("tcp://h:1", "", raised.value, "the dialog")


def test_a_malformed_endpoint_fails_at_once_and_starts_nothing(monkeypatch):
    monkeypatch.setattr(daemon_start, "start_daemon", lambda *_: pytest.fail("started a daemon"))
    began = time.monotonic()
    with pytest.raises(DaemonUnavailable) as raised:
        reach_daemon("127.0.0.1:7353", "painterly serve")
    assert raised.value.code == "bad_endpoint" and time.monotonic() - began < 1
    assert "cannot be used" in no_daemon_message("127.0.0.1:7353", "painterly serve", raised.value, "the dialog")


def test_an_attempt_that_fails_at_once_is_not_repeated_in_a_busy_loop(monkeypatch):
    attempts = []

    class Refusing:
        def __init__(self, *_args, **_kwargs) -> None:
            attempts.append(time.monotonic())
            raise DaemonUnavailable("timeout", "no answer")

    monkeypatch.setattr(daemon_start, "Client", Refusing)
    with pytest.raises(DaemonUnavailable):
        wait_for_daemon("tcp://127.0.0.1:1", wait_s=1.0)
    assert 2 <= len(attempts) <= 1.0 / daemon_start.PROBE_PAUSE_S + 2


def test_a_stop_request_ends_the_wait():
    began = time.monotonic()
    with pytest.raises(DaemonUnavailable):
        wait_for_daemon(f"tcp://127.0.0.1:{free_port()}", wait_s=60.0, stop_asked=lambda: True)
    assert time.monotonic() - began < 5
