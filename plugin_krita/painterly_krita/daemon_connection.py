"""Finding a daemon that answers at the endpoint, starting one with the artist's command when none does, on a
worker thread so Krita's window stays responsive. The decisions are painterly_wire.daemon_start's, as in GIMP."""

from __future__ import annotations

from painterly_krita.qt import QtCore
from painterly_wire import PainterlyError
from painterly_wire.daemon_start import no_daemon_message, reach_daemon

SETTINGS_PLACE = "the endpoint and the start command under Advanced in the Neural Style Transfer dialog"


class DaemonProbe(QtCore.QThread):
    """Runs `reach_daemon` once; emits `starting()` before it starts the daemon, then `answered(status)` or
    `silent(message for the artist)`. Set `stop_asked` to give up early (within one `hello`)."""

    answered = QtCore.pyqtSignal(dict)
    starting = QtCore.pyqtSignal()
    silent = QtCore.pyqtSignal(str)

    def __init__(self, endpoint: str, command: str, parent=None) -> None:
        super().__init__(parent)
        self.endpoint = endpoint
        self.command = command
        self.stop_asked = False

    def run(self) -> None:
        try:
            status = reach_daemon(self.endpoint, self.command, self.starting.emit, lambda: self.stop_asked)
        except PainterlyError as error:
            self.silent.emit(no_daemon_message(self.endpoint, self.command, error, SETTINGS_PLACE))
            return
        self.answered.emit(status)
