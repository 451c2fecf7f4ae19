"""The daemon's log of refused messages: peer-supplied text escaped and capped, repeats counted, not written.

A peer chooses what a refusal's message quotes (a job id, a type name, a style name), so each line escapes it and
cuts it short, and past the first few refusals of an interval the log gets one line of counts per code instead.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable

MAX_LOGGED_CHARS = 200
PEER_ID_BYTES = 8  # a routing id is 5 bytes unless the peer chose one (up to 255)
REFUSALS_PER_INTERVAL = 10
INTERVAL_S = 10.0


def loggable(text: str, limit: int = MAX_LOGGED_CHARS) -> str:
    """Text safe for one log line: newlines, control and non-ASCII characters escaped, at most `limit` characters."""
    escaped = text[:limit].encode("unicode_escape").decode("ascii")
    if len(text) <= limit and len(escaped) <= limit:
        return escaped
    return f"{escaped[:limit]}… ({len(text)} characters)"


def peer_name(routing_id: bytes) -> str:
    """A connection's routing id in hex, cut to its first PEER_ID_BYTES bytes."""
    shown = routing_id[:PEER_ID_BYTES].hex()
    return shown if len(routing_id) <= PEER_ID_BYTES else f"{shown}…"


class RefusalLog:
    """Logs the first `burst` refusals of each `interval_s` in full; the rest as one line of counts per code."""

    def __init__(
        self,
        logger: logging.Logger,
        burst: int = REFUSALS_PER_INTERVAL,
        interval_s: float = INTERVAL_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.logger = logger
        self.burst = burst
        self.interval_s = interval_s
        self._clock = clock
        self._started = clock()
        self._written = 0
        self._held: Counter[str] = Counter()

    def refused(self, sender: bytes, code: str, message: str) -> None:
        """One refused message: `code` is the daemon's error code, `message` the text the peer was sent."""
        self.tick()
        if self._written < self.burst:
            self._written += 1
            self.logger.warning("refused a message from %s: %s [%s]", peer_name(sender), loggable(message), code)
        else:
            self._held[code] += 1

    def tick(self) -> None:
        """Close the interval if it is over, writing the count of the refusals it held back; call it now and then."""
        now = self._clock()
        if now - self._started < self.interval_s:
            return
        if self._held:
            counts = ", ".join(f"{code} {count}" for code, count in self._held.most_common())
            self.logger.warning(
                "refused %d more messages in the last %.0f s: %s", self._held.total(), now - self._started, counts
            )
        self._started, self._written = now, 0
        self._held.clear()
