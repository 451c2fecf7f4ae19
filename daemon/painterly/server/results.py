"""Finished jobs kept for fetching by id, so a result survives the editor going away mid-job, and, with a spool,
the daemon itself crashing or restarting."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

from painterly.server.spool import Outcome, ResultSpool
from painterly_wire import Result


def outcome_bytes(outcome: Outcome) -> int:
    """Memory an outcome holds: its image, if it has one."""
    return outcome.image.nbytes if isinstance(outcome, Result) else 0


class ResultStore:
    """The outcomes of finished jobs, oldest dropped first once over `max_count`, `max_bytes` or `max_age_s`, and a
    client's oldest once that client's results hold more than `client_bytes`.

    With a spool, every kept outcome is also on disk until it is dropped, and a new store starts with the
    spool's outcomes (ages counted on the wall clock, across restarts)."""

    def __init__(
        self,
        max_count: int = 32,
        max_age_s: float = 3600.0,
        max_bytes: int = 2 << 30,
        clock: Callable[[], float] = time.time,
        spool: ResultSpool | None = None,
        client_bytes: int = 512 << 20,
    ) -> None:
        self.max_count = max_count
        self.max_age_s = max_age_s
        self.max_bytes = max_bytes
        self.client_bytes = client_bytes
        self._clients: dict[str, bytes] = {}  # job id -> the client whose quota its outcome counts against
        self._clock = clock
        self._spool = spool
        self._outcomes: OrderedDict[str, tuple[float, Outcome]] = OrderedDict()
        if spool is not None:
            for kept_at, outcome in spool.load():
                self._outcomes[outcome.job] = (kept_at, outcome)
            self._drop_beyond_limits()

    def __len__(self) -> int:
        self._expire()
        return len(self._outcomes)

    def keep(self, outcome: Outcome, client: bytes | None = None) -> None:
        """Keep a finished job's outcome, dropping the oldest ones beyond the limits (the client's own first)."""
        kept_at = self._clock()
        self._outcomes[outcome.job] = (kept_at, outcome)
        self._outcomes.move_to_end(outcome.job)
        if self._spool is not None:
            self._spool.save(kept_at, outcome)
        if client is not None:
            self._clients[outcome.job] = client
            self._drop_beyond_client_quota(client)
        self._drop_beyond_limits()

    def get(self, job_id: str) -> Outcome | None:
        """The outcome of a finished job, or None if it never finished here or has been dropped."""
        self._expire()
        entry = self._outcomes.get(job_id)
        return None if entry is None else entry[1]

    @property
    def held_bytes(self) -> int:
        """Image bytes held by kept results."""
        return sum(outcome_bytes(outcome) for _, outcome in self._outcomes.values())

    def _drop_beyond_limits(self) -> None:
        while len(self._outcomes) > self.max_count or (len(self._outcomes) > 1 and self.held_bytes > self.max_bytes):
            self._drop_oldest()
        self._expire()

    def _drop_beyond_client_quota(self, client: bytes) -> None:
        """Drop the client's oldest outcomes while its results hold more than `client_bytes` (the newest stays)."""
        owned = [job for job in self._outcomes if self._clients.get(job) == client]
        held = sum(outcome_bytes(self._outcomes[job][1]) for job in owned)
        for job in owned[:-1]:
            if held <= self.client_bytes:
                break
            held -= outcome_bytes(self._outcomes[job][1])
            self._drop(job)

    def _expire(self) -> None:
        oldest_allowed = self._clock() - self.max_age_s
        while self._outcomes and next(iter(self._outcomes.values()))[0] < oldest_allowed:
            self._drop_oldest()

    def _drop_oldest(self) -> None:
        self._drop(next(iter(self._outcomes)))

    def _drop(self, job_id: str) -> None:
        del self._outcomes[job_id]
        self._clients.pop(job_id, None)
        if self._spool is not None:
            self._spool.remove(job_id)
