"""One style-transfer job on the daemon, driven from Qt's event loop so Krita never waits on the socket.

The client's ZMQ_FD is watched by a QSocketNotifier (plus a slow timer, as the FD is edge-triggered); every
wake-up drains the waiting records and turns them into Qt signals. After a quiet spell the daemon is asked about
the job (`fetch`, short timeout): no answer, or a daemon that no longer knows the job (restarted), ends it with a
message instead of a hang; a job still running is routed to this connection again.
"""

from __future__ import annotations

import time

from PyQt5.QtCore import QObject, QSocketNotifier, QTimer, pyqtSignal

from painterly_wire import (
    Cancelled,
    Client,
    DaemonUnavailable,
    Failed,
    JobCancelled,
    PainterlyError,
    Progress,
    Result,
)

POLL_INTERVAL_MS = 250
QUIET_LIMIT_S = 5.0
ALIVE_CHECK_TIMEOUT_S = 2.0
CANCEL_GRACE_S = 5.0


class StyleTransferJob(QObject):
    """Submits a job and reports it through signals; exactly one of finished / failed / cancelled ends it."""

    progressed = pyqtSignal(object)  # painterly_wire.Progress
    finished = pyqtSignal(object)  # painterly_wire.Result
    failed = pyqtSignal(str)
    cancelled = pyqtSignal()

    def __init__(self, endpoint: str, timeout_s: float = 5.0, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.client = Client(endpoint, timeout_s=timeout_s)
        self.job_id: str | None = None
        self.ended = False
        self._cancel_asked_at: float | None = None
        self._last_news = time.monotonic()
        self._notifier: QSocketNotifier | None = None
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._drain)

    def submit(self, content, styles, params) -> None:
        """Send the job (a quick request-reply on a daemon known to be up) and start listening for its records."""
        self.job_id = self.client.submit(content, styles, params)
        self._last_news = time.monotonic()
        self._notifier = QSocketNotifier(self.client.fileno(), QSocketNotifier.Read, self)
        self._notifier.activated.connect(self._drain)
        self._timer.start(POLL_INTERVAL_MS)
        QTimer.singleShot(0, self._drain)

    def cancel(self) -> None:
        """Ask the daemon to stop; `cancelled` follows when it confirms (or after a grace period)."""
        if self.ended or self.job_id is None or self._cancel_asked_at is not None:
            return
        self._cancel_asked_at = time.monotonic()
        try:
            self.client.cancel(self.job_id)
        except PainterlyError:
            self._end(self.cancelled)
        QTimer.singleShot(0, self._drain)

    def _drain(self) -> None:
        if self.ended:
            return
        try:
            events = self.client.events(0)
        except PainterlyError as error:
            return self._end(self.failed, f"The connection to the Painterly daemon broke: {error.message}")
        for event in events:
            if getattr(event, "job", None) not in (self.job_id, None):
                continue
            self._last_news = time.monotonic()
            if isinstance(event, Progress):
                self.progressed.emit(event)
            elif isinstance(event, Result):
                return self._end(self.finished, event)
            elif isinstance(event, Failed):
                return self._end(self.failed, f"The style transfer failed: {event.message}")
            elif isinstance(event, Cancelled):
                return self._end(self.cancelled)
        self._check_alive()

    def _check_alive(self) -> None:
        """After a quiet spell, ask the daemon about the job: a dead one never sends anything, a restarted one
        answers hello but lost the job, and a reconnection needs the job routed to it again (fetch does that)."""
        now = time.monotonic()
        if self._cancel_asked_at is not None and now - self._cancel_asked_at > CANCEL_GRACE_S:
            return self._end(self.cancelled)
        if now - self._last_news < QUIET_LIMIT_S:
            return None
        timeout_s, self.client.timeout_s = self.client.timeout_s, ALIVE_CHECK_TIMEOUT_S
        try:
            answer = self.client.fetch(self.job_id)
        except JobCancelled:
            return self._end(self.cancelled)
        except DaemonUnavailable:
            return self._end(
                self.failed,
                f"The Painterly daemon at {self.client.endpoint} stopped answering during the job. "
                "Check that it is still running (`painterly serve`), then try again.",
            )
        except PainterlyError as error:
            if error.code == "unknown_job":
                return self._end(
                    self.failed,
                    f"The Painterly daemon at {self.client.endpoint} no longer knows this job; it was probably "
                    "restarted while the job ran. Run the filter again.",
                )
            return self._end(self.failed, f"The style transfer failed: {error.message}")
        finally:
            self.client.timeout_s = timeout_s
        if isinstance(answer, Result):
            return self._end(self.finished, answer)
        self._last_news = time.monotonic()  # Accepted: still queued or running, its events now come here again
        return None

    def _end(self, signal, *payload) -> None:
        self.ended = True
        self._timer.stop()
        if self._notifier is not None:
            self._notifier.setEnabled(False)
        self.client.close()
        signal.emit(*payload)
