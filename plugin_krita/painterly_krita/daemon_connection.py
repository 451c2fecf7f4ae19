"""Finding a daemon that answers at the endpoint, and starting one with the artist's command when none does.

The `hello` requests run on a worker thread with their own client, so Krita's window stays responsive.
"""

from __future__ import annotations

import time

from PyQt5.QtCore import QThread, pyqtSignal

from painterly_wire import Client, PainterlyError, daemon_start

PROBE_TIMEOUT_S = 1.0
START_WAIT_S = 60.0


class DaemonProbe(QThread):
    """Asks `hello` at an endpoint until it answers or `wait_s` passes; emits `answered(dict)` or `silent()`."""

    answered = pyqtSignal(dict)
    silent = pyqtSignal()

    def __init__(self, endpoint: str, wait_s: float = 0.0, parent=None) -> None:
        super().__init__(parent)
        self.endpoint = endpoint
        self.wait_s = wait_s
        self.stop_asked = False

    def run(self) -> None:
        deadline = time.monotonic() + self.wait_s
        while not self.stop_asked:
            try:
                with Client(self.endpoint, timeout_s=PROBE_TIMEOUT_S) as client:
                    status = client.hello()
            except PainterlyError:
                if time.monotonic() >= deadline:
                    break
                continue
            self.answered.emit(status)
            return
        self.silent.emit()


def start_daemon(command: str, endpoint: str) -> str | None:
    """Start the daemon command (detached, with --endpoint added when the command has none); an error or None."""
    try:
        daemon_start.start_daemon(command, endpoint)
    except PainterlyError as error:
        return f"Could not run the daemon start command: {error.message}."
    return None
