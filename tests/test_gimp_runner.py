"""The GIMP plug-in's job runner (painterly_gimp.runner) against a real `painterly serve`, outside GIMP.

The runner is the process that owns the daemon connection for one job: these tests drive it over its pipes
exactly as the plug-in does, and check what the plug-in relies on: every step relayed (the progress bar's words and
work done, the previews), the result, cancelling when the plug-in goes away (GIMP kills a plug-in whose progress the
artist cancels), and the daemon being down, dying mid-job, or started by the start command.
"""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support import WEIGHTS, DaemonProcess, free_port, painterly_command, photo

PLUGIN_FOLDER = Path(__file__).resolve().parent.parent / "plugin_gimp" / "painterly-gimp"
sys.path.insert(0, str(PLUGIN_FOLDER))
from painterly_gimp.pipe_records import pixels_from_map, pixels_to_map, read_record, write_record  # noqa: E402

from painterly_wire.daemon_start import daemon_command_line  # noqa: E402

CONTENT = photo("content/boston.jpg")


@pytest.fixture(scope="module")
def daemon():
    process = DaemonProcess("--preview-every", "0")  # a preview at every step
    try:
        process.wait_ready()
        yield process
    finally:
        process.stop()


def start_runner(endpoint: str, iterations: int, timeout_s: float = 5.0, start_command: str = "") -> subprocess.Popen:
    """A runner with its request sent, as the plug-in starts it."""
    runner = subprocess.Popen(
        [sys.executable, "-m", "painterly_gimp.runner"],
        cwd=PLUGIN_FOLDER,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        start_new_session=True,
    )
    style = {"weight": 1.0, "library": "starry_night", "pixels": None}
    write_record(
        runner.stdin,
        {
            "endpoint": endpoint,
            "timeout_s": timeout_s,
            "start_command": start_command,
            "content": pixels_to_map(CONTENT),
            "styles": [style],
            "params": {"preset": "fast", "iterations": iterations, "size": 48},
        },
    )
    return runner


def records_until_end(runner: subprocess.Popen) -> list[dict]:
    records = []
    while (record := read_record(runner.stdout)) is not None:
        records.append(record)
    runner.stdin.close()
    runner.wait(30)
    return records


def test_every_step_is_relayed_then_the_result(daemon):
    records = records_until_end(start_runner(daemon.endpoint, iterations=4))
    events = [record["event"] for record in records]
    assert events[0] == "accepted" and events[-1] == "result", events
    steps = [record for record in records if record["event"] == "progress"]
    assert steps and steps[-1]["step"] == steps[-1]["total"] == 4, steps
    assert steps[-1]["text"].startswith("Painting: step 4 of 4") and steps[-1]["fraction"] == 1.0
    preview = pixels_from_map(steps[-1]["preview"])  # what the plug-in's preview layer shows
    assert max(preview.width, preview.height) == 48 and preview.channels == 3
    result = pixels_from_map(records[-1]["image"])
    assert max(result.width, result.height) == 48


def test_the_job_is_cancelled_when_the_plugin_goes_away(daemon):
    runner = start_runner(daemon.endpoint, iterations=5000)
    while read_record(runner.stdout)["event"] != "progress":
        pass
    runner.stdin.close()  # what the kernel does when GIMP kills the plug-in
    assert runner.wait(10) == 0
    with daemon.client() as client:
        assert client.hello()["queue_length"] == 0
    assert "ended: cancelled" in daemon.log()


def test_daemon_down_is_one_failed_record():
    records = records_until_end(start_runner(f"tcp://127.0.0.1:{free_port()}", iterations=1, timeout_s=0.5))
    assert [(record["event"], record.get("code")) for record in records] == [("failed", "daemon_unavailable")]


def test_a_start_command_that_cannot_run_is_reported():
    endpoint = f"tcp://127.0.0.1:{free_port()}"
    records = records_until_end(start_runner(endpoint, 1, timeout_s=0.5, start_command="no-such-painterly serve"))
    assert [(record["event"], record.get("code")) for record in records] == [("failed", "daemon_unavailable")]
    assert "could not run" in records[0]["message"]


def test_a_daemon_dying_mid_job_is_reported():
    dying = DaemonProcess()
    dying.wait_ready()
    runner = start_runner(dying.endpoint, iterations=5000, timeout_s=1.0)
    while read_record(runner.stdout)["event"] != "progress":
        pass
    dying.stop(signal.SIGKILL)
    started = time.monotonic()
    records = records_until_end(runner)
    assert records[-1]["event"] == "failed" and records[-1]["code"] == "daemon_unavailable", records[-1]
    assert time.monotonic() - started < 10


def test_a_daemon_restarted_mid_job_is_reported_not_waited_for():
    first = DaemonProcess()
    first.wait_ready()
    runner = start_runner(first.endpoint, iterations=5000, timeout_s=5.0)  # long enough for the restart
    while read_record(runner.stdout)["event"] != "progress":
        pass
    first.stop(signal.SIGKILL)
    second = DaemonProcess(endpoint=first.endpoint)  # answers hello, but never heard of the job
    try:
        second.wait_ready()
        started = time.monotonic()
        records = records_until_end(runner)
    finally:
        second.stop()
    assert records[-1]["event"] == "failed" and records[-1]["code"] == "unknown_job", records[-1]
    assert "restarted" in records[-1]["message"]
    assert time.monotonic() - started < 10


def test_the_start_command_line_gets_the_endpoint_unless_it_names_one():
    endpoint = "tcp://127.0.0.1:5999"
    assert daemon_command_line("painterly serve", endpoint) == ["painterly", "serve", "--endpoint", endpoint]
    for named in ("painterly serve --endpoint tcp://x:1", "painterly serve --endpoint=tcp://x:1"):
        assert daemon_command_line(named, endpoint) == shlex.split(named)
    for unreadable in ("", "painterly 'serve"):
        with pytest.raises(ValueError):
            daemon_command_line(unreadable, endpoint)


def test_the_start_command_starts_a_daemon_that_is_not_running():
    endpoint = f"tcp://127.0.0.1:{free_port()}"
    # no --endpoint in the command: the runner adds the one it connects to
    command = painterly_command("serve", "--device", "cpu", "--weights", str(WEIGHTS))
    records = records_until_end(start_runner(endpoint, iterations=1, start_command=shlex.join(command)))
    try:
        assert records[-1]["event"] == "result", records[-1]
    finally:
        for pid in pids_serving(endpoint):
            os.kill(pid, signal.SIGTERM)


def pids_serving(endpoint: str) -> list[int]:
    """The `painterly serve` processes listening on `endpoint` (the one the start command ran)."""
    found = []
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"serve" in cmdline and endpoint.encode() in cmdline:
            found.append(int(entry))
    return found
