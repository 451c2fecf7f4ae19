"""`painterly serve --idle-exit SECONDS`: a daemon that a plugin started stops by itself once nothing has used it
for that long (no request from any client, no job queued or running), so it does not hold memory forever."""

from __future__ import annotations

import time
from collections.abc import Callable


class IdleTimer:
    """How long the daemon has been unused; `after_s` 0 means it never stops for that."""

    def __init__(self, after_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        if after_s < 0:
            raise ValueError(f"--idle-exit must be 0 (never) or a number of seconds, not {after_s}")
        self.after_s = after_s
        self._clock = clock
        self._last_use = clock()

    def used(self) -> None:
        """A client sent a request."""
        self._last_use = self._clock()

    def expired(self, busy: bool) -> bool:
        """True once the daemon has been unused for `after_s`; a `busy` daemon (jobs queued or running) is in use."""
        if busy:
            self.used()
        return self.after_s > 0 and self._clock() - self._last_use >= self.after_s
