"""Run one style-transfer job from the plug-in: hand it to the runner, show its progress in GIMP's progress bar and
its previews through a callback."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Callable
from typing import Any

from gi.repository import Gimp

from painterly_gimp.location import PLUGIN_DIR
from painterly_gimp.pipe_records import pixels_from_map, pixels_to_map, read_record, style_to_map, write_record
from painterly_gimp.request import JobRequest
from painterly_wire import DaemonUnavailable, Pixels, StyleSpec
from painterly_wire.artist_error import ArtistError
from painterly_wire.daemon_start import no_daemon_message

DAEMON_TIMEOUT_S = 5.0
SETTINGS_PLACE = "the 'Daemon endpoint' and 'Start daemon command' settings under Advanced in the filter's dialog"
NOTHING_ADDED = "Nothing was added to the image."


def _start_runner() -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "painterly_gimp.runner"],
        cwd=PLUGIN_DIR,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        start_new_session=True,  # survives GIMP killing the plug-in, to cancel the job
    )


def _outcome(
    record: dict[str, Any] | None, request: JobRequest, show_preview: Callable[[Pixels], None]
) -> Pixels | None:
    """The result of a final record, None for a progress record; ArtistError for every way a job can fail."""
    if record is None:
        raise ArtistError(f"The Painterly job runner stopped unexpectedly; see GIMP's error console. {NOTHING_ADDED}")
    event = record["event"]
    if event == "progress":
        Gimp.progress_set_text(record["text"])
        Gimp.progress_update(record["fraction"])
        if record["preview"] is not None:
            show_preview(pixels_from_map(record["preview"]))
        return None
    if event == "accepted":
        Gimp.progress_set_text("Neural style transfer: waiting for the daemon")
        return None
    if event == "result":
        return pixels_from_map(record["image"])
    if "unreachable" in record:  # no daemon to give the job to; the value is the DaemonUnavailable code
        error = DaemonUnavailable(record["unreachable"], record["message"])
        raise ArtistError(no_daemon_message(request.daemon_endpoint, request.start_command, error, SETTINGS_PLACE))
    # cancelled or failed once the daemon had the job (it stopped, was restarted, or the job failed), in the words
    # of painterly_wire.job_follower
    raise ArtistError(f"{record['message']} {NOTHING_ADDED}")


def run_job(
    request: JobRequest, content: Pixels, styles: list[StyleSpec], show_preview: Callable[[Pixels], None]
) -> Pixels:
    """Stylize `content` with the daemon, following its steps in the progress bar and passing each preview to
    `show_preview`; returns the result pixels."""
    Gimp.progress_init("Neural style transfer: connecting to the daemon")
    runner = _start_runner()
    request_record = {
        "endpoint": request.daemon_endpoint,
        "timeout_s": DAEMON_TIMEOUT_S,
        "start_command": request.start_command,
        "content": pixels_to_map(content),
        "styles": [style_to_map(style) for style in styles],
        "params": request.params(content.width, content.height),
    }
    try:
        with contextlib.suppress(BrokenPipeError):  # the runner died at once: reading its records says so
            write_record(runner.stdin, request_record)
        while True:
            result = _outcome(read_record(runner.stdout), request, show_preview)
            if result is not None:
                return result
    finally:
        runner.stdin.close()
        runner.wait()
        Gimp.progress_end()
