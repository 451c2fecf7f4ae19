"""The job runner: a helper process that owns the daemon connection for one job.

GIMP stops a plug-in whose progress the artist cancels by killing it, so the plug-in cannot tell the daemon
itself, and the daemon only lets the connection that submitted a job cancel it. The plug-in therefore starts
this runner in a session of its own: it reads one request record on stdin, submits the job, and writes the
job's records on stdout. When stdin closes (or gets a byte) before the job ended, it cancels the job.

Run as `python3 -m painterly_gimp.runner` from the plug-in's folder.
"""

from __future__ import annotations

import os
import sys
import threading
from typing import Any, BinaryIO

from painterly_gimp.pipe_records import pixels_from_map, pixels_to_map, read_record, style_from_map, write_record
from painterly_wire import Client, DaemonUnavailable, PainterlyError, Progress
from painterly_wire.daemon_start import reach_daemon
from painterly_wire.job_follower import JobEnd, JobFollower, refused_message
from painterly_wire.progress_text import step_text, work_done

POLL_S = 0.2  # how often the runner looks whether the plug-in is gone


def watch_plugin(stdin: BinaryIO) -> threading.Event:
    """An event set once the plug-in closes its end of stdin (or writes to it): it is gone, or wants to cancel.

    A thread blocked on reading does this on every OS (select() cannot wait on pipes on Windows). It reads the file
    descriptor, not the buffered stream: a daemon thread blocked inside the stream's lock makes the interpreter abort
    at exit ("Fatal Python error: _enter_buffered_busy").
    """
    gone = threading.Event()

    def wait() -> None:
        os.read(stdin.fileno(), 1)
        gone.set()

    threading.Thread(target=wait, daemon=True).start()
    return gone


def relay(out: BinaryIO, record: dict[str, Any]) -> bool:
    """Pass a record to the plug-in; False when the plug-in is gone (GIMP killed it)."""
    try:
        write_record(out, record)
    except OSError:  # BrokenPipeError: nobody reads any more
        return False
    return True


def progress_record(progress: Progress) -> dict[str, Any]:
    """The record the plug-in gets for one step: what the progress bar says and shows, and any preview."""
    preview = None if progress.preview is None else pixels_to_map(progress.preview)
    return {
        "event": "progress",
        "step": progress.step,
        "total": progress.total,
        "text": step_text(progress),
        "fraction": work_done(progress),
        "preview": preview,
    }


def end_record(end: JobEnd) -> dict[str, Any]:
    """The record the plug-in gets for the job's end: the result, or the follower's words for the artist."""
    if end.result is not None:
        return {"event": "result", "image": pixels_to_map(end.result.image)}
    if end.cancelled:
        return {"event": "cancelled", "reason": end.error.message, "message": end.message}
    code = "daemon_unavailable" if isinstance(end.error, DaemonUnavailable) else end.error.code
    return {"event": "failed", "code": code, "message": end.message}


def follow_job(client: Client, job_id: str, plugin_gone: threading.Event, out: BinaryIO) -> None:
    """Relay the job's records until it ends; cancel it once the plug-in goes away (then relay nothing more)."""
    # The runner is a process of its own, so its check may wait as long as every request (the plug-in's timeout_s,
    # long enough for a daemon restarted on the same endpoint to answer); Krita's GUI thread keeps the short one.
    follower = JobFollower(job_id, client.endpoint, check_timeout_s=client.timeout_s)
    while follower.end is None:
        if plugin_gone.is_set() and follower.cancel_asked_at is None:
            follower.cancel_asked()
            client.cancel(job_id)
        for progress in follower.follow(client.events(min(POLL_S, follower.seconds_to_check()))):
            if follower.cancel_asked_at is None and not relay(out, progress_record(progress)):
                plugin_gone.set()  # its end of stdin is closed too; the watcher would notice soon
        if follower.end is None and follower.seconds_to_check() == 0:
            follower.check(client)
    if follower.cancel_asked_at is None:
        relay(out, end_record(follower.end))


def run(request: dict[str, Any], plugin_gone: threading.Event, out: BinaryIO) -> None:
    """Reach (or start) the daemon, submit the requested job and follow it, writing a final failed record for any
    error: `unreachable` (a DaemonUnavailable code) when there was no daemon to give the job to."""
    endpoint = request["endpoint"]
    try:
        reach_daemon(endpoint, request["start_command"], stop_asked=plugin_gone.is_set)
        with Client(endpoint, timeout_s=request["timeout_s"]) as client:
            content = pixels_from_map(request["content"])
            styles = [style_from_map(style) for style in request["styles"]]
            job_id = client.submit(content, styles, request["params"])
            relay(out, {"event": "accepted", "job": job_id})
            follow_job(client, job_id, plugin_gone, out)
    except DaemonUnavailable as error:
        relay(
            out, {"event": "failed", "code": "daemon_unavailable", "unreachable": error.code, "message": error.message}
        )
    except PainterlyError as error:  # refused, or something answers at the endpoint but not as this daemon would
        relay(out, {"event": "failed", "code": error.code, "message": refused_message(error)})


def main() -> int:
    """Read the request from stdin, run it, report on stdout."""
    request = read_record(sys.stdin.buffer)
    if request is None:
        return 1
    run(request, watch_plugin(sys.stdin.buffer), sys.stdout.buffer)
    return 0


if __name__ == "__main__":
    sys.exit(main())
