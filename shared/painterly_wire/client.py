"""Client: talks to a Painterly daemon over a ZeroMQ DEALER socket.

Blocking calls (hello, list_styles, submit, fetch, stylize) all have timeouts. Editor plugins use the
non-blocking pair instead: watch `fileno()` (edge-triggered ZMQ_FD) and call `events(0)` whenever it
fires, which drains every waiting message.

Each job's secret (from `accepted`) is remembered for the whole process and sent with every cancel and fetch of
the job, by this client or a later one. ZeroMQ heartbeats and a socket monitor tell a connection that died: once
it has been down for LOST_AFTER_S, events() yields a Failed record (code `connection_lost`) for each open job.
"""

from __future__ import annotations

import itertools
import secrets
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import zmq
from zmq.utils.monitor import recv_monitor_message

from painterly_wire.curve import ClientKeys
from painterly_wire.endpoints import needs_ipv6
from painterly_wire.errors import DaemonUnavailable, JobCancelled, JobFailed, PainterlyError, ProtocolError
from painterly_wire.job_follower import JobFollower
from painterly_wire.messages import (
    DEFAULT_ENDPOINT,
    MAX_IMAGE_BYTES,
    MAX_REPLY_FRAMES,
    PROTOCOL_ERROR_CODES,
    REPLY_TYPES,
    STYLE_ENTRY_FIELDS,
    Message,
    check_fields,
    decode,
    describe_pixels,
    encode,
    request_number,
)
from painterly_wire.pixels import Pixels
from painterly_wire.records import JOB_EVENTS, Accepted, Cancelled, Failed, JobEvent, Progress, Result

CLOSE_LINGER_MS = 500
HEARTBEAT_IVL_MS = 1000  # ping the daemon this often
HEARTBEAT_TIMEOUT_MS = 3000  # and count the connection dead when nothing came back for this long
LOST_AFTER_S = 2.0  # a connection down this long without coming back ends the open jobs (connection_lost)
REMEMBERED_SECRETS = 4096  # job secrets kept per process, the oldest forgotten first


@dataclass(frozen=True)
class StyleSpec:
    """One style in a blend: either an image sent along (`pixels`) or a daemon library style by name."""

    weight: float = 1.0
    pixels: Pixels | None = None
    library: str | None = None

    def __post_init__(self) -> None:
        if (self.pixels is None) == (self.library is None):
            raise ValueError("a style needs exactly one of pixels or library")


@dataclass(frozen=True)
class LibraryStyle:
    """A style the daemon offers by name, with a small RGB u8 thumbnail."""

    name: str
    title: str
    width: int
    height: int
    thumbnail: Pixels
    artist: str = ""


class Client:
    """A connection to one daemon. Not thread-safe: use it from one thread (the editor's UI thread)."""

    _job_secrets: ClassVar[dict[str, str]] = {}  # job id -> secret, shared by every client of this process
    _job_secrets_lock: ClassVar[threading.Lock] = threading.Lock()  # clients of several threads share it

    def __init__(
        self,
        endpoint: str = DEFAULT_ENDPOINT,
        timeout_s: float = 5.0,
        keys: ClientKeys | None = None,
        context: zmq.Context | None = None,
    ) -> None:
        self.endpoint = endpoint
        self.timeout_s = timeout_s
        self._socket = (context or zmq.Context.instance()).socket(zmq.DEALER)
        try:
            self._socket.maxmsgsize = MAX_IMAGE_BYTES + 4096
            self._socket.ipv6 = needs_ipv6(endpoint)
            self._socket.routing_id = b"p" + secrets.token_bytes(16)  # never one of libzmq's guessable ids
            self._socket.heartbeat_ivl = HEARTBEAT_IVL_MS
            self._socket.heartbeat_timeout = HEARTBEAT_TIMEOUT_MS
            if keys is not None:
                keys.apply(self._socket)
            self._socket.connect(endpoint)
        except zmq.ZMQError as error:
            self._socket.close(linger=0)
            raise DaemonUnavailable(
                "bad_endpoint",
                f"cannot use endpoint {endpoint!r} ({zmq.strerror(error.errno)}): expected tcp://HOST:PORT",
            ) from None
        except BaseException:
            self._socket.close(linger=0)
            raise
        self._monitor = self._socket.get_monitor_socket(zmq.EVENT_HANDSHAKE_SUCCEEDED | zmq.EVENT_DISCONNECTED)
        self._down_since: float | None = None
        self._open_jobs: set[str] = set()  # submitted or fetched here, not yet seen to end
        self._requests = itertools.count(1)
        self._waiting: list[JobEvent] = []

    def close(self) -> None:
        """Close the socket, giving unsent messages (a last cancel) CLOSE_LINGER_MS to leave; again: nothing."""
        if self._socket.closed:
            return
        self._socket.disable_monitor()
        self._monitor.close(linger=0)
        self._socket.close(linger=CLOSE_LINGER_MS)

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def fileno(self) -> int:
        """The edge-triggered ZMQ_FD to watch (QSocketNotifier, GLib); when it fires, call events(0)."""
        return self._socket.getsockopt(zmq.FD)

    def hello(self) -> dict[str, Any]:
        """The daemon's state: version, device, dtype, weights, queue_length."""
        return dict(self._request({"type": "hello"}, ("status",)).header)

    def list_styles(self) -> list[LibraryStyle]:
        """The daemon's style library: built-in paintings and the user's styles folder."""
        reply = self._request({"type": "list_styles"}, ("styles",))
        styles = []
        for index, entry in enumerate(reply.header["styles"]):
            if not isinstance(entry, dict):
                raise ProtocolError("bad_field", f"styles[{index}] is not a map")
            check_fields(entry, STYLE_ENTRY_FIELDS, f"styles[{index}]")
            thumbnail = reply.pixels(entry["thumbnail"], f"styles[{index}].thumbnail")
            artist = entry.get("artist") if isinstance(entry.get("artist"), str) else ""
            styles.append(
                LibraryStyle(entry["name"], entry["title"], entry["width"], entry["height"], thumbnail, artist)
            )
        return styles

    def submit(
        self, content: Pixels, styles: Sequence[StyleSpec], params: dict[str, Any], init: Pixels | None = None
    ) -> str:
        """Queue a job and return its id; its events then arrive through events().

        `params` holds an optional "preset" and any engine settings; `init` is the starting image
        when params["init"] is "image".
        """
        frames = [content.data]
        described = []
        for style in styles:
            if style.pixels is None:
                described.append({"weight": style.weight, "library": style.library})
            else:
                frames.append(style.pixels.data)
                described.append({"weight": style.weight, "image": describe_pixels(style.pixels, len(frames) - 1)})
        header = {"type": "submit", "content": describe_pixels(content, 0), "styles": described, "params": params}
        if init is not None:
            frames.append(init.data)
            header["init_image"] = describe_pixels(init, len(frames) - 1)
        accepted = Accepted.from_message(self._request(header, ("accepted",), frames))
        if accepted.secret is not None:
            self.remember_secret(accepted.job, accepted.secret)
        self._open_jobs.add(accepted.job)
        return accepted.job

    @classmethod
    def secret_of(cls, job_id: str) -> str | None:
        """The secret of a job submitted from this process (or remembered), to keep with the job id elsewhere."""
        return cls._job_secrets.get(job_id)

    @classmethod
    def remember_secret(cls, job_id: str, secret: str) -> None:
        """Remember a job's secret for this process, so cancel and fetch of it send it."""
        with cls._job_secrets_lock:
            cls._job_secrets[job_id] = secret
            while len(cls._job_secrets) > REMEMBERED_SECRETS:
                del cls._job_secrets[next(iter(cls._job_secrets))]

    def cancel(self, job_id: str) -> None:
        """Ask the daemon to cancel a job; a Cancelled (or Failed) record follows through events()."""
        header = {"type": "cancel", "req": next(self._requests), "job": job_id, "secret": self.secret_of(job_id) or ""}
        self._socket.send_multipart(encode(header))

    def fetch(self, job_id: str) -> Result | Accepted:
        """A finished job's Result; while it is queued or running, Accepted (its events now come here).

        Raises JobFailed or JobCancelled for a job that ended that way, JobFailed("unknown_job") for an
        id the daemon does not know (never submitted there, or its result expired), JobFailed("not_owner")
        without the job's secret (see remember_secret)."""
        header = {"type": "fetch", "job": job_id, "secret": self.secret_of(job_id) or ""}
        reply = self._request(header, ("result", "accepted", "cancelled"))
        record = self._record(reply)
        if isinstance(record, Cancelled):
            raise JobCancelled("cancelled", record.reason)
        if isinstance(record, Accepted):
            self._open_jobs.add(job_id)
        return record

    def events(self, timeout_s: float = 0) -> list[JobEvent]:
        """Every record waiting now; with a timeout, first wait that long for at least one."""
        ready, self._waiting = self._waiting, []
        if not ready and timeout_s > 0:
            self._socket.poll(int(timeout_s * 1000), zmq.POLLIN)
        while True:
            try:
                parts = self._socket.recv_multipart(zmq.NOBLOCK, copy=False)
            except zmq.Again:
                return ready + self._lost_jobs()
            event = self._as_event(parts)
            if event is not None:
                ready.append(event)

    def _lost_jobs(self) -> list[Failed]:
        """A connection_lost record for each open job once the connection has been down for LOST_AFTER_S (the
        daemon closed it, or heartbeats went unanswered for HEARTBEAT_TIMEOUT_MS)."""
        while True:
            try:
                event = recv_monitor_message(self._monitor, zmq.NOBLOCK)["event"]
            except zmq.Again:
                break
            if event == zmq.EVENT_DISCONNECTED:
                self._down_since = self._down_since or time.monotonic()
            elif event == zmq.EVENT_HANDSHAKE_SUCCEEDED:
                self._down_since = None
        if self._down_since is None or time.monotonic() - self._down_since < LOST_AFTER_S:
            return []
        message = f"the connection to the daemon at {self.endpoint} was lost: it stopped, or stopped answering"
        lost = [Failed(job, "connection_lost", message) for job in sorted(self._open_jobs)]
        self._open_jobs.clear()
        return lost

    def stylize(
        self,
        content: Pixels,
        styles: Sequence[StyleSpec],
        params: dict[str, Any],
        on_progress: Callable[[Progress], None] | None = None,
        init: Pixels | None = None,
    ) -> Result:
        """Run a job to the end; Ctrl-C cancels it. Raises JobFailed, JobCancelled or DaemonUnavailable."""
        job_id = self.submit(content, styles, params, init)
        try:
            return self.wait(job_id, on_progress)
        except KeyboardInterrupt:
            self.cancel(job_id)
            raise

    def wait(self, job_id: str, on_progress: Callable[[Progress], None] | None = None) -> Result:
        """Wait for a job to end, followed by a JobFollower: every timeout_s without news it asks the daemon about
        the job (fetch), so a dead daemon raises DaemonUnavailable and an outcome missed in transit is fetched.
        Events of other jobs stay for events()."""
        follower = JobFollower(job_id, self.endpoint, quiet_s=self.timeout_s, check_timeout_s=self.timeout_s)
        kept: list[JobEvent] = []
        try:
            while follower.end is None:
                events = self.events(follower.seconds_to_check())
                kept += [event for event in events if event.job != job_id]
                for progress in follower.follow(events):
                    if on_progress is not None:
                        on_progress(progress)
                if follower.end is None and follower.seconds_to_check() == 0:
                    follower.check(self)
        finally:
            self._waiting = kept + self._waiting
        if follower.end.error is not None:
            raise follower.end.error
        return follower.end.result

    def _request(self, header: dict[str, Any], replies: tuple[str, ...], frames: Sequence[Any] = ()) -> Message:
        """Send a request and wait for its reply, keeping every other record for events()."""
        req = next(self._requests)
        self._socket.send_multipart(encode({**header, "req": req}, frames), copy=len(frames) == 0)
        deadline = time.monotonic() + self.timeout_s
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not self._socket.poll(int(left * 1000) + 1, zmq.POLLIN):
                raise DaemonUnavailable(
                    "timeout", f"no answer from the daemon at {self.endpoint} within {self.timeout_s:g} s"
                )
            parts = [part.buffer for part in self._socket.recv_multipart(copy=False)]
            try:
                message = decode(parts, REPLY_TYPES, MAX_REPLY_FRAMES)
            except PainterlyError as error:
                if request_number(parts) == req:
                    raise
                self._waiting.append(Failed(None, error.code, error.message))
                continue
            if message.header.get("req") != req:
                event = self._record(message)
                if event is not None:
                    self._waiting.append(event)
            elif message.type == "error":
                code, text = message.header["code"], message.header["message"]
                raise (ProtocolError if code in PROTOCOL_ERROR_CODES else JobFailed)(code, text)
            elif message.type in replies:
                return message
            else:
                raise ProtocolError("unknown_type", f"expected {' or '.join(replies)} in reply, got {message.type}")

    def _as_event(self, parts: Sequence[zmq.Frame]) -> JobEvent | None:
        """A received multipart as a record; a malformed one becomes a Failed record without a job."""
        try:
            return self._record(decode([part.buffer for part in parts], REPLY_TYPES, MAX_REPLY_FRAMES))
        except PainterlyError as error:
            return Failed(None, error.code, error.message)

    def _record(self, message: Message) -> JobEvent | None:
        """The record for a job message (a job's last one closes it here); None for a late reply to a request
        that already timed out."""
        kind = JOB_EVENTS.get(message.type)
        if kind is None:
            return None
        record = kind.from_message(message)
        if isinstance(record, (Result, Failed, Cancelled)):
            self._open_jobs.discard(record.job)
        return record
