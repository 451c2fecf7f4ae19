"""Jobs waiting for the engine, in a FIFO queue that takes turns between clients."""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from painterly_wire import Pixels, StyleSpec

if TYPE_CHECKING:
    from painterly.engine.presets import Settings


class QueueFull(Exception):
    """The queue already holds as many jobs or bytes as it may."""


class OverQuota(Exception):
    """The submitting connection already holds as many waiting jobs or bytes as one connection may."""


@dataclass
class Job:
    """A submitted job. `lane` is the connection that submitted it (for fair turns and quotas); `owner` the one that
    gets its events, which a fetch with the job's secret moves, None once the owner's connection went away
    (`orphaned_at`: since when, on the monotonic clock). The id is a 128-bit random token."""

    lane: bytes
    owner: bytes | None
    content: Pixels
    styles: list[StyleSpec]
    settings: Settings
    init_image: Pixels | None = None
    id: str = field(default_factory=lambda: secrets.token_hex(16))
    orphaned_at: float | None = None

    @property
    def nbytes(self) -> int:
        """Pixel bytes this job holds in memory."""
        images = [self.content, self.init_image, *(style.pixels for style in self.styles)]
        return sum(image.nbytes for image in images if image is not None)


class JobQueue:
    """Waiting jobs, served in rounds: each client's n-th waiting job runs in round n, oldest first within a round.

    So a client with ten jobs queued cannot hold back another client's first job by more than one turn, and one
    client (lane) may hold at most `lane_jobs` of the `max_jobs` and `lane_bytes` of the `max_bytes`.
    """

    def __init__(
        self, max_jobs: int = 64, max_bytes: int = 2 << 30, lane_jobs: int = 16, lane_bytes: int = 512 << 20
    ) -> None:
        self.max_jobs = max_jobs
        self.max_bytes = max_bytes
        self.lane_jobs = lane_jobs
        self.lane_bytes = lane_bytes
        self._waiting: dict[str, tuple[tuple[int, int], Job]] = {}
        self._next_round: dict[bytes, int] = {}
        self._current_round = 0
        self._served_this_round: set[bytes] = set()  # lanes whose job of the current round has been popped
        self._arrivals = itertools.count()

    def __len__(self) -> int:
        return len(self._waiting)

    def __iter__(self) -> Iterator[Job]:
        """The waiting jobs in the order they will run."""
        return (job for _, job in sorted(self._waiting.values(), key=lambda entry: entry[0]))

    def push(self, job: Job) -> int:
        """Queue a job and return how many waiting jobs run before it; OverQuota when over its lane's share,
        QueueFull when over the whole queue's limit."""
        lane_jobs = [other for _, other in self._waiting.values() if other.lane == job.lane]
        if len(lane_jobs) >= self.lane_jobs:
            raise OverQuota(f"this connection has {len(lane_jobs)} jobs waiting, the most one connection may")
        lane_bytes = sum(other.nbytes for other in lane_jobs)
        if lane_bytes + job.nbytes > self.lane_bytes:
            raise OverQuota(
                f"this connection's waiting jobs hold {lane_bytes >> 20} MiB of images and this one "
                f"{job.nbytes >> 20} MiB; one connection may hold {self.lane_bytes >> 20} MiB"
            )
        if len(self._waiting) >= self.max_jobs:
            raise QueueFull(f"the queue holds {len(self._waiting)} jobs, its limit")
        if self.queued_bytes + job.nbytes > self.max_bytes:
            raise QueueFull(
                f"the queue holds {self.queued_bytes >> 20} MiB of images; its limit is {self.max_bytes >> 20}"
            )
        turn = max(self._next_round.get(job.lane, 0), self._current_round)
        self._next_round[job.lane] = turn + 1
        self._waiting[job.id] = ((turn, next(self._arrivals)), job)
        return self.position(job.id)

    def pop(self) -> Job | None:
        """Take the job whose turn it is, or None when nothing waits."""
        if not self._waiting:
            return None
        key, job = min(self._waiting.values(), key=lambda entry: entry[0])
        del self._waiting[job.id]
        if key[0] != self._current_round:
            self._served_this_round = set()
        self._current_round = key[0]
        self._served_this_round.add(job.lane)
        self._next_round = {lane: turn for lane, turn in self._next_round.items() if turn > self._current_round}
        return job

    def remove(self, job_id: str) -> Job | None:
        """Take a waiting job out of the queue (cancel); None when it is not waiting."""
        entry = self._waiting.pop(job_id, None)
        if entry is None:
            return None
        self._recount_lane(entry[1].lane)
        return entry[1]

    def _recount_lane(self, lane: bytes) -> None:
        """A lane's next round after a removal: right after its last waiting job, or after the turn it already
        had this round, so cancelled jobs leave no gap (and bank no turns) behind."""
        turns = [key[0] + 1 for key, job in self._waiting.values() if job.lane == lane]
        if lane in self._served_this_round:
            turns.append(self._current_round + 1)
        next_round = max(turns, default=self._current_round)
        if next_round > self._current_round:
            self._next_round[lane] = next_round
        else:
            self._next_round.pop(lane, None)

    def get(self, job_id: str) -> Job | None:
        """A waiting job by id."""
        entry = self._waiting.get(job_id)
        return None if entry is None else entry[1]

    def position(self, job_id: str) -> int:
        """How many waiting jobs run before this one."""
        key = self._waiting[job_id][0]
        return sum(1 for other, _ in self._waiting.values() if other < key)

    @property
    def queued_bytes(self) -> int:
        """Pixel bytes held by waiting jobs."""
        return sum(job.nbytes for _, job in self._waiting.values())
