"""The job runner: a helper process that owns the daemon connection for one job.

GIMP stops a plug-in whose progress the artist cancels by killing it, so the plug-in cannot tell the daemon
itself, and the daemon only lets the connection that submitted a job cancel it. The plug-in therefore starts
this runner in a session of its own: it reads one request record on stdin, submits the job, and writes the
job's records on stdout. When stdin closes (or gets a byte) before the job ended, it cancels the job.

Run as `python3 -m painterly_gimp.runner` from the plug-in's folder.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import Any, BinaryIO

from painterly_gimp.pipe_records import pixels_from_map, pixels_to_map, read_record, style_from_map, write_record
from painterly_wire import (
    Accepted,
    Cancelled,
    Client,
    DaemonUnavailable,
    Failed,
    JobCancelled,
    JobEvent,
    JobFailed,
    PainterlyError,
    Progress,
    Result,
)
from painterly_wire.daemon_start import start_daemon

POLL_S = 0.2
CANCEL_WAIT_S = 3.0
START_WAIT_S = 90.0
FINAL_EVENTS = (Result, Failed, Cancelled)


def watch_plugin(stdin: BinaryIO) -> threading.Event:
    """An event set once the plug-in closes its end of stdin (or writes to it): it is gone, or wants to cancel.

    A thread blocked on reading does this on every OS (select() cannot wait on pipes on Windows).
    """
    gone = threading.Event()

    def wait() -> None:
        stdin.read(1)
        gone.set()

    threading.Thread(target=wait, daemon=True).start()
    return gone


def reach_daemon(client: Client, start_command: str) -> None:
    """Check the daemon answers; if not and a start command is set, start it and wait until it answers."""
    try:
        client.hello()
        return
    except DaemonUnavailable:
        if not start_command:
            raise
    start_daemon(start_command, client.endpoint)  # with --endpoint, so it listens where we look
    deadline = time.monotonic() + START_WAIT_S
    while True:
        try:
            client.hello()
            return
        except DaemonUnavailable:
            if time.monotonic() > deadline:
                raise


def cancel_job(client: Client, job_id: str) -> None:
    """Cancel the job and wait briefly for the daemon to confirm, so the request is not lost on exit."""
    client.cancel(job_id)
    deadline = time.monotonic() + CANCEL_WAIT_S
    while time.monotonic() < deadline:
        for event in client.events(POLL_S):
            if event.job == job_id and isinstance(event, FINAL_EVENTS):
                return


def relay(out: BinaryIO, record: dict[str, Any]) -> bool:
    """Pass a record to the plug-in; False when the plug-in is gone (GIMP killed it)."""
    try:
        write_record(out, record)
    except OSError:  # BrokenPipeError: nobody reads any more
        return False
    return True


def record_for(event: JobEvent) -> dict[str, Any]:
    """The record the plug-in gets for a job event."""
    if isinstance(event, Progress):
        return {"event": "progress", "step": event.step, "total": event.total}
    if isinstance(event, Result):
        return {"event": "result", "image": pixels_to_map(event.image)}
    if isinstance(event, Failed):
        return {"event": "failed", "code": event.code, "message": event.message}
    if isinstance(event, Cancelled):
        return {"event": "cancelled", "reason": event.reason}
    return {"event": "accepted", "job": event.job}


def ask_about_job(client: Client, job_id: str) -> JobEvent:
    """After a quiet spell, ask the daemon about the job (fetch): a hello alone misses a restarted daemon that
    lost the job, and a reconnection under a new routing id whose events go nowhere.

    Returns Accepted while the job is queued or running (its events now come to this connection again), or its
    final record; raises DaemonUnavailable when the daemon does not answer.
    """
    try:
        return client.fetch(job_id)
    except JobCancelled as error:
        return Cancelled(job_id, error.message)
    except PainterlyError as error:
        if error.code == "unknown_job":
            return Failed(
                job_id,
                "unknown_job",
                f"The Painterly daemon at {client.endpoint} no longer knows this job; it was probably restarted "
                "while the job ran. Run the filter again.",
            )
        if isinstance(error, JobFailed):
            return Failed(job_id, error.code, error.message)
        raise


def follow_job(client: Client, job_id: str, plugin_gone: threading.Event, out: BinaryIO) -> None:
    """Relay the job's records until it ends; cancel it if the plug-in goes away first."""
    quiet_since = time.monotonic()
    while not plugin_gone.is_set():
        events = [event for event in client.events(POLL_S) if event.job == job_id]
        if not events and time.monotonic() - quiet_since > client.timeout_s:
            answer = ask_about_job(client, job_id)
            events = [] if isinstance(answer, Accepted) else [answer]  # Accepted: still running, keep waiting
            quiet_since = time.monotonic()
        for event in events:
            quiet_since = time.monotonic()
            if not relay(out, record_for(event)):
                break  # the plug-in is gone; its end of stdin is closed too, so the loop ends
            if isinstance(event, FINAL_EVENTS):
                return
    cancel_job(client, job_id)


def run(request: dict[str, Any], plugin_gone: threading.Event, out: BinaryIO) -> None:
    """Submit the requested job and follow it, writing a final failed record for any error."""
    try:
        with Client(request["endpoint"], timeout_s=request["timeout_s"]) as client:
            reach_daemon(client, request["start_command"])
            content = pixels_from_map(request["content"])
            styles = [style_from_map(style) for style in request["styles"]]
            job_id = client.submit(content, styles, request["params"])
            relay(out, record_for(Accepted(job_id, 0)))
            follow_job(client, job_id, plugin_gone, out)
    except DaemonUnavailable as error:
        relay(out, {"event": "failed", "code": "daemon_unavailable", "message": error.message})
    except PainterlyError as error:
        relay(out, {"event": "failed", "code": error.code, "message": error.message})


def main() -> int:
    """Read the request from stdin, run it, report on stdout."""
    request = read_record(sys.stdin.buffer)
    if request is None:
        return 1
    run(request, watch_plugin(sys.stdin.buffer), sys.stdout.buffer)
    return 0


if __name__ == "__main__":
    sys.exit(main())
