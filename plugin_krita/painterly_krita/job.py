"""One style-transfer job on the daemon, driven from Qt's event loop so Krita never waits on the socket.

The client's ZMQ_FD is watched by a QSocketNotifier (plus a slow timer, as the FD is edge-triggered); every
wake-up drains the waiting records into the shared JobFollower (painterly_wire.job_follower), which decides when
the job has ended, when to ask the daemon about it after a quiet spell, and what the artist is told; this module
only turns its decisions into Qt signals.

Handlers of `progressed` may run Krita's event loop (showing a preview in a CMYK or 16-bit image converts it in a
scratch image and waits for Krita), which wakes the drain again. That wake-up waits for the running drain: records
are handled one at a time, in order, so the job cannot end (and its preview go) while a preview is being shown.
A handler may also end the run (`stop`): the drain then handles no more records, as the run that owns this job may
be deleted as soon as the handler returns.
"""

from __future__ import annotations

from painterly_krita.qt import QtCore
from painterly_wire import Client
from painterly_wire.job_follower import JobEnd, JobFollower

POLL_INTERVAL_MS = 250


class StyleTransferJob(QtCore.QObject):
    """Submits a job and reports it through signals; exactly one of finished / failed / cancelled ends it."""

    progressed = QtCore.pyqtSignal(object)  # painterly_wire.Progress
    finished = QtCore.pyqtSignal(object)  # painterly_wire.Result
    failed = QtCore.pyqtSignal(str)
    cancelled = QtCore.pyqtSignal()

    def __init__(self, endpoint: str, timeout_s: float = 5.0, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.client = Client(endpoint, timeout_s=timeout_s)
        self.follower: JobFollower | None = None
        self.ended = False
        self._notifier: QtCore.QSocketNotifier | None = None
        self._draining = False
        self._woken_while_draining = False
        self._timer = QtCore.QTimer(self)
        self._timer.timeout.connect(self._drain)
        # "drain soon" as a child timer, not QTimer.singleShot(0, self._drain): a child dies with the job, while a
        # queued callable would still run on a job Qt has deleted (seen in Krita 6: "wrapped C/C++ object deleted")
        self._soon = QtCore.QTimer(self)
        self._soon.setSingleShot(True)
        self._soon.setInterval(0)
        self._soon.timeout.connect(self._drain)

    def submit(self, content, styles, params) -> None:
        """Send the job (a quick request-reply on a daemon known to be up) and start listening for its records."""
        job_id = self.client.submit(content, styles, params)
        self.follower = JobFollower(job_id, self.client.endpoint)
        self._notifier = QtCore.QSocketNotifier(self.client.fileno(), QtCore.QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._drain)
        self._timer.start(POLL_INTERVAL_MS)
        self._soon.start()

    def cancel(self) -> None:
        """Ask the daemon to stop; `cancelled` follows when it confirms (or after the follower's grace period)."""
        if self.ended or self.follower is None or self.follower.cancel_asked_at is not None:
            return
        self.follower.cancel_asked()
        self.client.cancel(self.follower.job_id)
        self._soon.start()

    def stop(self) -> None:
        """Stop listening: no more signals, the socket closed (a cancel just sent still leaves). Again: nothing."""
        if self.ended:
            return
        self.ended = True
        self._timer.stop()
        self._soon.stop()
        if self._notifier is not None:
            self._notifier.setEnabled(False)
        self.client.close()

    def _drain(self) -> None:
        follower = self.follower
        if self.ended or follower is None:
            return
        if self._draining:  # woken from inside a progressed handler: the running drain comes back for it
            self._woken_while_draining = True
            return
        self._draining = True
        try:
            for progress in follower.follow(self.client.events(0)):
                self.progressed.emit(progress)
                if self.ended:  # the handler stopped the job: its owner may be gone already, emit nothing more
                    return
            if follower.end is None and follower.seconds_to_check() == 0:
                follower.check(self.client)
        finally:
            self._draining = False
        if follower.end is not None and not self.ended:
            self._end(follower.end)
        elif self._woken_while_draining:  # the socket's notifier is edge-triggered: read what came meanwhile
            self._woken_while_draining = False
            self._soon.start()

    def _end(self, end: JobEnd) -> None:
        self.stop()
        if end.result is not None:
            self.finished.emit(end.result)
        elif end.cancelled:
            self.cancelled.emit()
        else:
            self.failed.emit(end.message)
