"""Run one style-transfer job from the plug-in: hand it to the runner, show its steps in GIMP's progress bar."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from typing import Any

from gi.repository import Gimp

from painterly_gimp.arguments import JobRequest
from painterly_gimp.errors import ArtistError
from painterly_gimp.location import PLUGIN_DIR
from painterly_gimp.pipe_records import pixels_from_map, pixels_to_map, read_record, style_to_map, write_record
from painterly_wire import Pixels, StyleSpec

DAEMON_TIMEOUT_S = 5.0


def daemon_down_message(endpoint: str, start_command: str, detail: str) -> str:
    """What the artist sees when no daemon answers: what happened and what to do."""
    if start_command:
        return (
            f"The Painterly daemon is not answering at {endpoint}, and starting it with '{start_command}' did not "
            f"work ({detail}). Start it in a terminal with 'painterly serve', or fix 'Start daemon command'."
        )
    return (
        f"The Painterly daemon is not answering at {endpoint}. Start it in a terminal with 'painterly serve' and "
        "try again, or check the 'Daemon endpoint' setting. To have the filter start it for you, set 'Start "
        "daemon command' in the filter's dialog (e.g. 'painterly serve')."
    )


def _start_runner() -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "painterly_gimp.runner"],
        cwd=PLUGIN_DIR,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        start_new_session=True,  # survives GIMP killing the plug-in, to cancel the job
    )


def _outcome(record: dict[str, Any] | None, request: JobRequest) -> Pixels | None:
    """The result of a final record, None for a progress record; ArtistError for every way a job can fail."""
    if record is None:
        raise ArtistError("The Painterly job runner stopped unexpectedly; see GIMP's error console.")
    event = record["event"]
    if event == "progress":
        Gimp.progress_set_text(f"Neural style transfer: step {record['step']} of {record['total']}")
        Gimp.progress_update(record["step"] / max(record["total"], 1))
        return None
    if event == "accepted":
        Gimp.progress_set_text("Neural style transfer: waiting for the daemon")
        return None
    if event == "result":
        return pixels_from_map(record["image"])
    if event == "cancelled":
        raise ArtistError(f"The style transfer was cancelled: {record['reason']}")
    if record["code"] == "daemon_unavailable":
        raise ArtistError(daemon_down_message(request.daemon_endpoint, request.start_command, record["message"]))
    if record["code"] == "unknown_job":  # the daemon restarted mid-job; the runner's message says so
        raise ArtistError(record["message"])
    raise ArtistError(f"The daemon could not stylize the layer: {record['message']}")


def run_job(request: JobRequest, content: Pixels, styles: list[StyleSpec]) -> Pixels:
    """Stylize `content` with the daemon, following its steps in the progress bar; returns the result pixels."""
    Gimp.progress_init("Neural style transfer: connecting to the daemon")
    runner = _start_runner()
    request_record = {
        "endpoint": request.daemon_endpoint,
        "timeout_s": DAEMON_TIMEOUT_S,
        "start_command": request.start_command,
        "content": pixels_to_map(content),
        "styles": [style_to_map(style) for style in styles],
        "params": request.params(),
    }
    try:
        with contextlib.suppress(BrokenPipeError):  # the runner died at once: reading its records says so
            write_record(runner.stdin, request_record)
        while True:
            result = _outcome(read_record(runner.stdout), request)
            if result is not None:
                return result
    finally:
        runner.stdin.close()
        runner.wait()
        Gimp.progress_end()
