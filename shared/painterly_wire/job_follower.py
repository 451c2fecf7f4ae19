"""Following one submitted job to its end: the same decisions in `Client.wait`, the Krita plugin and the GIMP runner.

The caller owns the waiting (a blocking poll, a QSocketNotifier, a pipe loop): it feeds every batch of
`client.events(...)` to `follow`, waits at most `seconds_to_check()` for the next batch, and calls `check(client)`
when that reaches 0. The follower decides the rest:

- the job's progress, and its end when a Result, Failed or Cancelled record for it arrives; the client's
  `connection_lost` record is not news and not an end by itself: the check below tells a dead daemon (no
  answer) from one restarted on the same endpoint (`unknown_job`) or a connection that came back (still running);
- after a quiet spell it asks the daemon about the job (`fetch`, short timeout): a dead daemon never sends
  anything, a restarted one answers but no longer knows the job (`unknown_job`), and a connection made again
  needs the job's events routed to it (fetch does that); an outcome missed in transit is fetched;
- after a cancel it waits a grace period for the daemon to confirm, then ends the job as cancelled anyway;
- what the artist is told in each case.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from painterly_wire.errors import DaemonUnavailable, JobCancelled, JobFailed, PainterlyError
from painterly_wire.records import Accepted, Cancelled, Failed, JobEvent, Progress, Result

QUIET_S = 5.0  # this long without news of the job, ask the daemon about it
CHECK_TIMEOUT_S = 2.0  # how long that question may take before the daemon counts as gone
CANCEL_GRACE_S = 5.0  # how long a cancel waits for the daemon's confirmation
CONNECTION_LOST = "connection_lost"  # the client's record for an open job once its connection died


class JobQuestions(Protocol):
    """What `check` needs of a client (painterly_wire.Client)."""

    timeout_s: float

    def fetch(self, job_id: str) -> Result | Accepted: ...


@dataclass(frozen=True)
class JobEnd:
    """How a job ended: its `result`, or the `error` that stands for its end and `message`, the artist's words."""

    result: Result | None = None
    error: PainterlyError | None = None
    message: str = ""

    @property
    def cancelled(self) -> bool:
        """True when the job was cancelled (by its owner, or because the daemon is stopping)."""
        return isinstance(self.error, JobCancelled)


def refused_message(error: PainterlyError) -> str:
    """What the artist reads when the daemon did not take a job (a setting out of range, an unknown style...)."""
    return f"The daemon did not take the job: {error.message}"


class JobFollower:
    """The state of one followed job; `end` is None until it has ended."""

    def __init__(
        self,
        job_id: str,
        endpoint: str,
        quiet_s: float = QUIET_S,
        check_timeout_s: float = CHECK_TIMEOUT_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.job_id = job_id
        self.endpoint = endpoint
        self.quiet_s = quiet_s
        self.check_timeout_s = check_timeout_s
        self.clock = clock
        self.end: JobEnd | None = None
        self.cancel_asked_at: float | None = None
        self._last_news = clock()

    def follow(self, events: Sequence[JobEvent]) -> list[Progress]:
        """Take a batch of events: this job's progress, in order. Its final record sets `end` (later ones are
        ignored); other jobs' events are left to the caller, and `connection_lost` waits for the check."""
        shown = []
        for event in events:
            if self.end is not None:
                break
            if event.job != self.job_id or (isinstance(event, Failed) and event.code == CONNECTION_LOST):
                continue
            self._last_news = self.clock()
            if isinstance(event, Progress):
                shown.append(event)
            elif isinstance(event, Result):
                self.end = JobEnd(result=event)
            elif isinstance(event, Failed):
                self._failed(JobFailed(event.code, event.message))
            elif isinstance(event, Cancelled):
                self._cancelled(JobCancelled("cancelled", event.reason))
        return shown

    def cancel_asked(self) -> None:
        """The caller sent the daemon a cancel: from now on the job ends within CANCEL_GRACE_S."""
        if self.cancel_asked_at is None:
            self.cancel_asked_at = self.clock()

    def seconds_to_check(self) -> float:
        """How long the caller may wait for events before `check` is due (0: now)."""
        due = self._last_news + self.quiet_s
        if self.cancel_asked_at is not None:
            due = min(due, self.cancel_asked_at + CANCEL_GRACE_S)
        return max(0.0, due - self.clock())

    def check(self, client: JobQuestions) -> None:
        """Called when `seconds_to_check()` is 0: end a cancel whose grace is over, else ask the daemon (fetch)."""
        if self.end is not None:
            return
        if self.cancel_asked_at is not None and self.clock() - self.cancel_asked_at >= CANCEL_GRACE_S:
            self._cancelled(JobCancelled("cancelled", "the daemon did not confirm the cancel"))
            return
        timeout_s, client.timeout_s = client.timeout_s, self.check_timeout_s
        try:
            answer = client.fetch(self.job_id)
        except JobCancelled as error:
            self._cancelled(error)
            return
        except DaemonUnavailable as error:
            self._stopped_answering(error)
            return
        except PainterlyError as error:
            self._failed(error)
            return
        finally:
            client.timeout_s = timeout_s
        self._last_news = self.clock()
        if isinstance(answer, Result):
            self.end = JobEnd(result=answer)
        # Accepted: still queued or running, and its events come to this connection again

    def _stopped_answering(self, error: DaemonUnavailable) -> None:
        self.end = JobEnd(
            error=error,
            message=f"The Painterly daemon at {self.endpoint} stopped answering during the job. "
            "Check that it is still running (`painterly serve`), then try again.",
        )

    def _failed(self, error: PainterlyError) -> None:
        if error.code == "unknown_job":
            message = (
                f"The Painterly daemon at {self.endpoint} no longer knows this job; it was probably restarted while "
                "the job ran. Run the filter again."
            )
        else:
            message = f"The style transfer failed: {error.message}"
        self.end = JobEnd(error=error, message=message)

    def _cancelled(self, error: JobCancelled) -> None:
        self.end = JobEnd(error=error, message=f"The style transfer was cancelled: {error.message}")
