"""The records a client receives about its jobs, each with its wire form in both directions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from painterly_wire.messages import Message, describe_pixels, encode, read_req
from painterly_wire.pixels import Pixels


def with_req(header: dict[str, Any], req: int | None) -> dict[str, Any]:
    """The header with the request number it answers, when it answers one."""
    return header if req is None else {**header, "req": req}


@dataclass(frozen=True)
class Accepted:
    """The daemon queued a job; `position` jobs run before it (0: it starts now). In answer to a submit it carries
    the job's `secret`, which every later cancel and fetch of the job must send."""

    job: str
    position: int
    req: int = 0
    secret: str | None = None

    def to_parts(self) -> list[Any]:
        header = {"type": "accepted", "req": self.req, "job": self.job, "position": self.position}
        return encode(header if self.secret is None else {**header, "secret": self.secret})

    @classmethod
    def from_message(cls, message: Message) -> Accepted:
        header = message.header
        secret = header.get("secret")
        return cls(header["job"], header["position"], header["req"], secret if isinstance(secret, str) else None)


@dataclass(frozen=True)
class Progress:
    """One optimisation step done: its cost, seconds spent and left, and now and then a small preview.

    Coarse-to-fine jobs also say which `scale` of `scales` runs and its `width` x `height`, and `work_done`, the
    fraction of the job's pixel-steps done (a large step counts as large); a daemon that predates them sends none,
    read as scale 1 of 1, size 0x0 and work 0."""

    job: str
    step: int
    total: int
    cost: float
    elapsed_s: float
    eta_s: float
    preview: Pixels | None = None
    scale: int = 1
    scales: int = 1
    width: int = 0
    height: int = 0
    work_done: float = 0.0

    def to_parts(self) -> list[Any]:
        header: dict[str, Any] = {
            "type": "progress",
            "job": self.job,
            "step": self.step,
            "total": self.total,
            "cost": float(self.cost),
            "elapsed_s": float(self.elapsed_s),
            "eta_s": float(self.eta_s),
            "scale": self.scale,
            "scales": self.scales,
            "width": self.width,
            "height": self.height,
            "work_done": float(self.work_done),
        }
        if self.preview is None:
            return encode(header)
        return encode({**header, "preview": describe_pixels(self.preview, 0)}, [self.preview.data])

    @classmethod
    def from_message(cls, message: Message) -> Progress:
        header = message.header
        preview = header.get("preview")
        return cls(
            header["job"],
            header["step"],
            header["total"],
            float(header["cost"]),
            float(header["elapsed_s"]),
            float(header["eta_s"]),
            None if preview is None else message.pixels(preview, "preview"),
            _optional(header, "scale", int, 1),
            _optional(header, "scales", int, 1),
            _optional(header, "width", int, 0),
            _optional(header, "height", int, 0),
            float(_optional(header, "work_done", (float, int), 0.0)),
        )


def _optional(header: dict[str, Any], name: str, kinds: type | tuple[type, ...], default: Any) -> Any:
    """An optional header field, or its default when it is absent or of another type (bool is no number here)."""
    value = header.get(name, default)
    return value if isinstance(value, kinds) and not isinstance(value, bool) else default


@dataclass(frozen=True)
class Result:
    """A finished job: the stylized image and the report the CLI writes next to it."""

    job: str
    image: Pixels
    report: dict[str, Any] = field(default_factory=dict)
    req: int | None = None

    def to_parts(self) -> list[Any]:
        header = {"type": "result", "job": self.job, "image": describe_pixels(self.image, 0), "report": self.report}
        return encode(with_req(header, self.req), [self.image.data])

    @classmethod
    def from_message(cls, message: Message) -> Result:
        header = message.header
        return cls(header["job"], message.pixels(header["image"], "image"), header["report"], read_req(header))


@dataclass(frozen=True)
class Failed:
    """The daemon refused a request or a job failed; `code` is stable, `message` is for people."""

    job: str | None
    code: str
    message: str
    req: int | None = None

    def to_parts(self) -> list[Any]:
        header: dict[str, Any] = {"type": "error", "code": self.code, "message": self.message}
        if self.job is not None:
            header["job"] = self.job
        return encode(with_req(header, self.req))

    @classmethod
    def from_message(cls, message: Message) -> Failed:
        header = message.header
        job = header.get("job")
        return cls(job if isinstance(job, str) else None, header["code"], header["message"], read_req(header))


@dataclass(frozen=True)
class Cancelled:
    """The job stopped before finishing: its owner cancelled it, or the daemon is stopping."""

    job: str
    reason: str
    req: int | None = None

    def to_parts(self) -> list[Any]:
        header = {"type": "cancelled", "job": self.job, "reason": self.reason}
        return encode(with_req(header, self.req))

    @classmethod
    def from_message(cls, message: Message) -> Cancelled:
        return cls(message.header["job"], message.header["reason"], read_req(message.header))


JobEvent = Accepted | Progress | Result | Failed | Cancelled
JOB_EVENTS: dict[str, Any] = {
    "accepted": Accepted,
    "progress": Progress,
    "result": Result,
    "error": Failed,
    "cancelled": Cancelled,
}
