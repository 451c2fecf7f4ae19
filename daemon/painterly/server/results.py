"""Finished jobs kept for fetching by id, so a result survives the editor going away mid-job."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

from painterly_wire import Cancelled, Failed, Result

Outcome = Result | Failed | Cancelled


def outcome_bytes(outcome: Outcome) -> int:
    """Memory an outcome holds: its image, if it has one."""
    return outcome.image.nbytes if isinstance(outcome, Result) else 0


class ResultStore:
    """The outcomes of finished jobs, oldest dropped first once over `max_count`, `max_bytes` or `max_age_s`."""

    def __init__(
        self,
        max_count: int = 32,
        max_age_s: float = 3600.0,
        max_bytes: int = 2 << 30,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_count = max_count
        self.max_age_s = max_age_s
        self.max_bytes = max_bytes
        self._clock = clock
        self._outcomes: OrderedDict[str, tuple[float, Outcome]] = OrderedDict()

    def __len__(self) -> int:
        self._expire()
        return len(self._outcomes)

    def keep(self, outcome: Outcome) -> None:
        """Keep a finished job's outcome, dropping the oldest ones beyond the limits."""
        self._outcomes[outcome.job] = (self._clock(), outcome)
        self._outcomes.move_to_end(outcome.job)
        while len(self._outcomes) > self.max_count or (len(self._outcomes) > 1 and self.held_bytes > self.max_bytes):
            self._outcomes.popitem(last=False)
        self._expire()

    def get(self, job_id: str) -> Outcome | None:
        """The outcome of a finished job, or None if it never finished here or has been dropped."""
        self._expire()
        entry = self._outcomes.get(job_id)
        return None if entry is None else entry[1]

    @property
    def held_bytes(self) -> int:
        """Image bytes held by kept results."""
        return sum(outcome_bytes(outcome) for _, outcome in self._outcomes.values())

    def _expire(self) -> None:
        oldest_allowed = self._clock() - self.max_age_s
        while self._outcomes and next(iter(self._outcomes.values()))[0] < oldest_allowed:
            self._outcomes.popitem(last=False)
