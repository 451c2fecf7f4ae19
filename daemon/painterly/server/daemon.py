"""The daemon's socket loop: one ZeroMQ ROUTER, requests in, job events out, one job on the engine at a time.

Every request is answered (or, if it breaks the protocol, answered with an error) from this one thread; the
engine runs in EngineWorker's thread and hands its events back through a queue and a self-pipe.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import queue
import signal
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import zmq

from painterly import __version__
from painterly.engine import StyleModel
from painterly.server.binding import bind, ipc_file
from painterly.server.freed_memory import return_freed_memory
from painterly.server.idle_exit import IdleTimer
from painterly.server.job_queue import Job, JobQueue, OverQuota, QueueFull
from painterly.server.keys import AuthorisedClients, DaemonKeys, require_safe_bind
from painterly.server.ownership import JobSecrets
from painterly.server.refusals import RefusalLog, peer_name
from painterly.server.results import Outcome, ResultStore
from painterly.server.router_socket import router_socket
from painterly.server.style_library import StyleLibrary
from painterly.server.submission import job_from_submit
from painterly.server.worker import EngineWorker
from painterly_wire import Accepted, Cancelled, Failed, JobEvent, PainterlyError, Progress, ProtocolError
from painterly_wire.messages import (
    MAX_HEADER_BYTES,
    MAX_IMAGE_BYTES,
    MAX_REQUEST_FRAMES,
    REQUEST_TYPES,
    Message,
    decode,
    describe_pixels,
    encode,
    read_job,
    request_number,
)

POLL_MS = 250
STOP_WAIT_S = 10.0
RECEIVE_BATCH = 100
TRIM_AFTER_BYTES = 64 << 20  # received in one batch: then freed memory goes back to the system
ORPHAN_GRACE_S = 300.0  # a job whose owner went away and did not fetch it again within this long is cancelled
ORPHAN_REASON = "its owner went away and did not come back for it"

log = logging.getLogger(__name__)


class Daemon:
    """Serves style-transfer jobs on one endpoint until stop() or SIGTERM/SIGINT."""

    def __init__(
        self,
        endpoint: str,
        model: StyleModel,
        library: StyleLibrary,
        keys: DaemonKeys | None = None,
        jobs: JobQueue | None = None,
        results: ResultStore | None = None,
        preview_every_s: float = 2.0,
        job_secrets: JobSecrets | None = None,
        orphan_grace_s: float = ORPHAN_GRACE_S,
        idle_exit_s: float = 0.0,
        started_by: str | None = None,
    ) -> None:
        require_safe_bind(endpoint, keys)
        self.model = model
        self.library = library
        self.jobs = jobs if jobs is not None else JobQueue()
        self.results = results if results is not None else ResultStore()
        self.job_secrets = job_secrets if job_secrets is not None else JobSecrets()
        self.orphan_grace_s = orphan_grace_s
        self.idle = IdleTimer(idle_exit_s)  # 0: never stop for being unused
        self.started_by = started_by  # e.g. "plugin", shown in the status
        self._events: queue.SimpleQueue[JobEvent] = queue.SimpleQueue()
        self._bell_read, self._bell_write = os.pipe()
        os.set_blocking(self._bell_read, False)
        os.set_blocking(self._bell_write, False)  # a full pipe already rings; never block an engine thread
        self._bell_lock = threading.Lock()  # _deliver (engine thread) vs. close(): no write to a closed fd
        self._bell_closed = False
        self.worker = EngineWorker(model, library, self._deliver, preview_every_s)
        self._running: Job | None = None
        self._ipc_file: Path | None = None  # set once bound: close() removes only a socket file it made
        self._stopping = False
        self._refusals = RefusalLog(log)
        self._context = zmq.Context()
        self._socket = router_socket(self._context)
        self._socket.linger = 1000
        self._socket.maxmsgsize = MAX_IMAGE_BYTES
        self._socket.rcvhwm = 8
        self._authenticator = keys.secure(self._socket, self._context) if keys is not None else None
        self._authorised = None if keys is None else AuthorisedClients(self._authenticator, keys.clients_folder)
        try:
            self.endpoint = bind(self._socket, endpoint)
        except OSError:
            self.close()
            raise
        self._ipc_file = ipc_file(self.endpoint)

    def serve_forever(self) -> None:
        """Serve until stop() is called or SIGTERM/SIGINT arrives, then cancel what is left and tell its owners."""
        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, lambda *_: self.stop())
            if self._authorised is not None:
                signal.signal(signal.SIGHUP, lambda *_: self._authorised.reload_soon())
        poller = zmq.Poller()
        poller.register(self._socket, zmq.POLLIN)
        poller.register(self._bell_read, zmq.POLLIN)
        log.info("serving on %s (device %s, %s)", self.endpoint, self.model.device, self.model.dtype)
        try:
            while not self._stopping:
                ready = dict(poller.poll(POLL_MS))
                if self._socket in ready:
                    self._receive_batch()
                self._handle_events()
                self._cancel_orphans()
                self._start_next_job()
                if self.idle.expired(busy=self._running is not None or len(self.jobs) > 0):
                    log.info("unused for %g s: stopping (--idle-exit)", self.idle.after_s)
                    self.stop()
                self._refusals.tick()
                if self._authorised is not None:
                    for peer in self._authorised.refresh():  # revoked: no more events, no more answers
                        self._owner_gone(peer)
            self._wind_down()
        finally:
            self.close()

    def stop(self) -> None:
        """Ask the loop to stop after the current poll (safe from signal handlers)."""
        self._stopping = True

    def close(self) -> None:
        """Release the socket (and its ipc:// file), the authenticator and the self-pipe."""
        if self._authenticator is not None:
            self._authenticator.stop()
        self._socket.close()
        self._context.term()
        if self._ipc_file is not None:
            self._ipc_file.unlink(missing_ok=True)
            self._ipc_file = None
        with self._bell_lock:
            if not self._bell_closed:
                self._bell_closed = True
                os.close(self._bell_read)
                os.close(self._bell_write)

    # --- requests -------------------------------------------------------------------------------------------

    def _receive_batch(self) -> None:
        """Answer up to RECEIVE_BATCH waiting requests; after large ones, give the freed memory back."""
        received = 0
        for _ in range(RECEIVE_BATCH):
            try:
                received += self._receive_request()
            except zmq.Again:
                break
        if received >= TRIM_AFTER_BYTES:
            return_freed_memory()

    def _receive_request(self) -> int:
        """Receive one request frame by frame and answer it; returns its size in bytes (zmq.Again: none waits).

        libzmq holds a whole multipart before its first frame can be read, so a message is bounded per frame
        (ZMQ_MAXMSGSIZE), not in length: past MAX_REQUEST_FRAMES each frame is freed as soon as it is read.
        """
        frame = self._socket.recv(zmq.NOBLOCK, copy=False)
        sender, parts, count, size = frame.bytes, [], 0, 0
        admitted = self._authorised is None or self._authorised.admits(sender, frame.get("User-Id"))
        while frame.more:
            frame = self._socket.recv(copy=False)
            count += 1
            size += len(frame)
            if count <= MAX_REQUEST_FRAMES:
                parts.append(frame.buffer)
        if admitted:  # a connection whose CURVE key was revoked gets no answer, as an unknown key gets none
            self._handle_request(sender, parts, count)
        return size

    def _handle_request(self, sender: bytes, parts: Sequence[Any], frame_count: int) -> None:
        """Answer one request (`parts`: its first frames of `frame_count`); a broken one gets an error reply and a
        line in the refusal log, and nothing else changes."""
        self.idle.used()
        job = None
        try:
            message = decode(parts, REQUEST_TYPES, MAX_REQUEST_FRAMES, frame_count)
            job = read_job(message.header)
            getattr(self, f"_on_{message.type}")(sender, message)
        except PainterlyError as error:
            self._refusals.refused(sender, error.code, error.message)
            self._send(sender, Failed(job, error.code, error.message, request_number(parts)))
        except Exception:
            log.exception("failed to handle a message from %s", peer_name(sender))
            self._send(sender, Failed(job, "internal_error", "the daemon failed; see its log", request_number(parts)))

    def _on_hello(self, sender: bytes, message: Message) -> None:
        status = {
            "type": "status",
            "req": message.header["req"],
            "version": __version__,
            "device": self.model.device,
            "dtype": self.model.dtype,
            "weights": self.model.weights_description,
            "queue_length": len(self.jobs) + (self._running is not None),
            "running": self._running is not None,
            "idle_exit_s": self.idle.after_s,
            "started_by": self.started_by,
        }
        self._send_parts(sender, encode(status))

    def _on_list_styles(self, sender: bytes, message: Message) -> None:
        entries = self.library.entries()
        styles = [
            {
                "name": entry.name,
                "title": entry.title,
                "artist": entry.artist,
                "width": entry.width,
                "height": entry.height,
                "thumbnail": describe_pixels(entry.thumbnail, index),
            }
            for index, entry in enumerate(entries)
        ]
        header = {"type": "styles", "req": message.header["req"], "styles": styles}
        parts = encode(header, [entry.thumbnail.data for entry in entries])
        if len(parts[0]) > MAX_HEADER_BYTES:  # long names and titles: drop the last styles until it fits
            kept = len(styles)
            while len(parts[0]) > MAX_HEADER_BYTES:
                kept -= 1
                header["styles"] = styles[:kept]
                parts = encode(header, [entry.thumbnail.data for entry in entries[:kept]])
            log.warning(
                "style listing trimmed to %d of %d styles to fit the %d-byte header limit",
                kept,
                len(styles),
                MAX_HEADER_BYTES,
            )
        self._send_parts(sender, parts)

    def _on_submit(self, sender: bytes, message: Message) -> None:
        job = job_from_submit(message, sender, self.library, self.model)
        try:
            ahead = self.jobs.push(job) + (self._running is not None)
        except QueueFull as error:
            raise ProtocolError("queue_full", str(error)) from None
        except OverQuota as error:
            raise ProtocolError("over_quota", str(error)) from None
        log.info("job %s queued for %s", job.id, sender.hex())
        self._start_next_job()
        self._send(sender, Accepted(job.id, ahead, message.header["req"], self.job_secrets.of(job.id)))

    def _on_cancel(self, sender: bytes, message: Message) -> None:
        job_id, req = message.header["job"], message.header["req"]
        job = self._live_job(job_id)
        if job is None and self.results.get(job_id) is None:
            raise ProtocolError("unknown_job", f"no job {job_id}")
        self._check_secret(job_id, message)
        if job is None:
            raise ProtocolError("job_finished", f"job {job_id} has already ended")
        if job is self._running:
            self.worker.cancel("cancelled by its owner")
            return
        self.jobs.remove(job_id)
        self._finish(Cancelled(job_id, "cancelled by its owner", req), job)

    def _on_fetch(self, sender: bytes, message: Message) -> None:
        """The outcome of an ended job; for a live one, Accepted, and its events go to this connection from now."""
        job_id, req = message.header["job"], message.header["req"]
        outcome = self.results.get(job_id)
        job = self._live_job(job_id) if outcome is None else None
        if outcome is None and job is None:
            raise ProtocolError("unknown_job", f"no job {job_id}: it never existed here or its result expired")
        self._check_secret(job_id, message)
        if outcome is not None:
            self._send(sender, dataclasses.replace(outcome, req=req))
            return
        job.owner, job.orphaned_at = sender, None
        self._send(sender, Accepted(job_id, self._jobs_ahead(job_id), req))

    def _check_secret(self, job_id: str, message: Message) -> None:
        """ProtocolError(not_owner) unless the request carries the job's secret (its routing id proves nothing)."""
        secret = message.header.get("secret")
        if not (isinstance(secret, str) and self.job_secrets.holds(job_id, secret)):
            raise ProtocolError("not_owner", f"job {job_id}: the request does not carry the job's secret")

    # --- jobs -----------------------------------------------------------------------------------------------

    def _live_job(self, job_id: str) -> Job | None:
        if self._running is not None and self._running.id == job_id:
            return self._running
        return self.jobs.get(job_id)

    def _jobs_ahead(self, job_id: str) -> int:
        if self._running is not None and self._running.id == job_id:
            return 0
        return self.jobs.position(job_id) + (self._running is not None)

    def _start_next_job(self) -> None:
        if self._running is not None or self._stopping:
            return
        job = self.jobs.pop()
        if job is not None:
            self._running = job
            log.info("job %s started", job.id)
            self.worker.start(job)

    def _deliver(self, event: JobEvent) -> None:
        """Called from the engine thread: queue the event and wake the loop.

        After close() (a job thread that _wind_down left behind) the event is dropped: nobody is listening.
        """
        with self._bell_lock:
            if self._bell_closed:
                return
            self._events.put(event)
            with contextlib.suppress(BlockingIOError):  # a pipe full of unread rings wakes the loop anyway
                os.write(self._bell_write, b"!")

    def _handle_events(self) -> None:
        try:
            while os.read(self._bell_read, 4096):
                pass
        except BlockingIOError:
            pass
        while not self._events.empty():
            event = self._events.get()
            if isinstance(event, Progress):
                if self._running is not None and self._running.id == event.job:
                    self._send(self._running.owner, event)
                continue
            if self._running is not None and self._running.id == event.job:
                job, self._running = self._running, None
                self._finish(event, job)

    def _finish(self, outcome: Outcome, job: Job) -> None:
        """Keep a job's outcome for fetching (counted against its submitter's quota) and tell its owner, if any."""
        log.info("job %s ended: %s", outcome.job, type(outcome).__name__.lower())
        self.results.keep(outcome, job.lane)
        self._send(job.owner, outcome)

    def _cancel_orphans(self) -> None:
        """Cancel the jobs whose owner went away more than orphan_grace_s ago and did not fetch them again."""
        gone_before = time.monotonic() - self.orphan_grace_s
        for job in list(self.jobs):
            if job.orphaned_at is not None and job.orphaned_at <= gone_before:
                self.jobs.remove(job.id)
                self._finish(Cancelled(job.id, ORPHAN_REASON), job)
        running = self._running
        if running is not None and running.orphaned_at is not None and running.orphaned_at <= gone_before:
            running.orphaned_at = None  # still ownerless; cancel it once, its Cancelled event ends it
            log.info("job %s: cancelling, %s", running.id, ORPHAN_REASON)
            self.worker.cancel(ORPHAN_REASON)

    def _owner_gone(self, owner: bytes) -> None:
        """A send to `owner` found no connection: its jobs get no events until their secret is shown again."""
        now = time.monotonic()
        live = [*self.jobs, *([self._running] if self._running is not None else [])]
        for job in live:
            if job.owner == owner:
                job.owner, job.orphaned_at = None, now
                log.info("job %s: its owner's connection went away", job.id)

    def _wind_down(self) -> None:
        """Cancel the queue and the running job, telling each owner, before the socket closes."""
        log.info("stopping: cancelling %d waiting job(s)", len(self.jobs))
        for job in list(self.jobs):
            self.jobs.remove(job.id)
            self._send(job.owner, Cancelled(job.id, "the daemon is stopping"))
        if self._running is not None:
            self.worker.cancel("the daemon is stopping")
            self.worker.join(STOP_WAIT_S)
            self._handle_events()
        if self._running is not None:
            log.warning("job %s did not stop within %g s; leaving it behind", self._running.id, STOP_WAIT_S)
            self._send(self._running.owner, Cancelled(self._running.id, "the daemon is stopping"))

    # --- sending --------------------------------------------------------------------------------------------

    def _send(self, recipient: bytes | None, event: JobEvent) -> None:
        """Send a job's event to its owner; nothing when it has none (its connection went away)."""
        if recipient is not None:
            self._send_parts(recipient, event.to_parts())

    def _send_parts(self, recipient: bytes, parts: list[Any]) -> None:
        """Send to one client without ever blocking the loop: a client whose queue is full misses the message (a
        fetch gets any outcome again); one whose connection went away (ZMQ_ROUTER_MANDATORY says so) is no longer
        its jobs' owner."""
        try:
            self._socket.send_multipart([recipient, *parts], zmq.NOBLOCK, copy=len(parts) == 1)
        except zmq.Again:
            log.debug("a message to %s was dropped: its queue is full", peer_name(recipient))
        except zmq.ZMQError as error:
            if error.errno != zmq.EHOSTUNREACH:
                raise
            self._owner_gone(recipient)
