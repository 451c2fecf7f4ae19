"""Client: talks to a Painterly daemon over a ZeroMQ DEALER socket.

Blocking calls (hello, list_styles, submit, fetch, stylize) all have timeouts. Editor plugins use the
non-blocking pair instead: watch `fileno()` (edge-triggered ZMQ_FD) and call `events(0)` whenever it
fires, which drains every waiting message.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import zmq

from painterly_wire.curve import ClientKeys
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
        self._requests = itertools.count(1)
        self._waiting: list[JobEvent] = []

    def close(self) -> None:
        """Close the socket, giving unsent messages (a last cancel) CLOSE_LINGER_MS to leave."""
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
        return self._request(header, ("accepted",), frames).header["job"]

    def cancel(self, job_id: str) -> None:
        """Ask the daemon to cancel a job; a Cancelled (or Failed) record follows through events()."""
        self._socket.send_multipart(encode({"type": "cancel", "req": next(self._requests), "job": job_id}))

    def fetch(self, job_id: str) -> Result | Accepted:
        """A finished job's Result; while it is queued or running, Accepted (its events now come here).

        Raises JobFailed or JobCancelled for a job that ended that way, JobFailed("unknown_job") for an
        id the daemon does not know (never submitted there, or its result expired)."""
        reply = self._request({"type": "fetch", "job": job_id}, ("result", "accepted", "cancelled"))
        record = JOB_EVENTS[reply.type].from_message(reply)
        if isinstance(record, Cancelled):
            raise JobCancelled("cancelled", record.reason)
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
                return ready
            event = self._as_event(parts)
            if event is not None:
                ready.append(event)

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
                event = self._event_from(message)
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
            return self._event_from(decode([part.buffer for part in parts], REPLY_TYPES, MAX_REPLY_FRAMES))
        except PainterlyError as error:
            return Failed(None, error.code, error.message)

    @staticmethod
    def _event_from(message: Message) -> JobEvent | None:
        """The record for a job message; None for a late reply to a request that already timed out."""
        kind = JOB_EVENTS.get(message.type)
        return None if kind is None else kind.from_message(message)
