"""One run of the filter: read the layer, find (or start) the daemon, run the job, show preview and result."""

from __future__ import annotations

from krita import Krita
from PyQt5.QtCore import QObject, pyqtSlot
from PyQt5.QtWidgets import QMessageBox, QWidget

from painterly_krita.daemon_connection import START_WAIT_S, DaemonProbe, start_daemon
from painterly_krita.errors import ArtistError
from painterly_krita.job import StyleTransferJob
from painterly_krita.layer_pixels import read_pixels, source_alpha, source_region
from painterly_krita.layers import PreviewLayer, add_result_layer
from painterly_krita.progress import JobProgress
from painterly_krita.settings import TransferSettings
from painterly_krita.styles import style_specs
from painterly_wire import PainterlyError

TITLE = "Neural Style Transfer"


class StyleTransferRun(QObject):
    """The filter applied once to one layer. `start` raises ArtistError before anything is shown or sent."""

    def __init__(self, window: QWidget | None, document, node, settings: TransferSettings) -> None:
        super().__init__()
        self.window = window
        self.document = document
        self.node = node
        self.settings = settings
        self.ended = False
        self.job: StyleTransferJob | None = None
        self.probes: list[DaemonProbe] = []

    def start(self) -> None:
        """Read everything the job needs, then look for the daemon; the rest follows from Qt's event loop."""
        self.region = source_region(self.document, self.node)
        self.content = read_pixels(self.node, self.region)
        self.alpha = source_alpha(self.content)
        self.styles = style_specs(self.settings.styles)
        self.layer_name = self.settings.layer_name()
        self.preview = PreviewLayer(self.document, self.node, self.region, self.alpha, self.layer_name)
        self.progress = JobProgress(self.window)
        self.progress.canceled.connect(self.cancel)
        self.progress.show()
        self._look_for_daemon(wait_s=0.0)

    def cancel(self) -> None:
        """The artist pressed Cancel: stop the job (or the wait for the daemon); nothing is added."""
        if self.ended:
            return
        if self.job is None:
            for probe in self.probes:
                probe.stop_asked = True
            self._end()
        else:
            self.progress.cancelling()
            self.job.cancel()

    def _look_for_daemon(self, wait_s: float) -> None:
        # Bound methods of this QObject, not lambdas: the probe thread's signals must be queued to the GUI thread.
        probe = DaemonProbe(self.settings.endpoint, wait_s, self)
        probe.answered.connect(self._submit)
        probe.silent.connect(self._no_daemon)
        self.probes.append(probe)
        probe.start()

    @pyqtSlot()
    def _no_daemon(self) -> None:
        """No answer: start the daemon with the artist's command the first time, else say what to do."""
        if self.ended:
            return
        endpoint, command = self.settings.endpoint, self.settings.daemon_command.strip()
        if len(self.probes) == 1 and command:
            problem = start_daemon(command, endpoint)
            if problem is None:
                self.progress.waiting(f"Starting the Painterly daemon ({command})…")
                self._look_for_daemon(wait_s=START_WAIT_S)
                return
            self._fail(f"No Painterly daemon answers at {endpoint}. {problem}")
            return
        started = f" It was started with {command!r} but did not answer within {START_WAIT_S:.0f} s." if command else ""
        self._fail(
            f"No Painterly daemon answers at {endpoint}.{started} Start it in a terminal with `painterly serve`, "
            "or check the endpoint and the start command under Advanced in the Neural Style Transfer dialog."
        )

    @pyqtSlot(dict)
    def _submit(self, _status: dict) -> None:
        if self.ended:
            return
        self.progress.waiting("Waiting for the daemon to start the job…")
        self.job = StyleTransferJob(self.settings.endpoint, parent=self)
        self.job.progressed.connect(self._progressed)
        self.job.finished.connect(self._finished)
        self.job.failed.connect(self._fail)
        self.job.cancelled.connect(self._end)
        try:
            self.job.submit(self.content, self.styles, self.settings.params())
        except PainterlyError as error:
            self.job.client.close()
            self._fail(f"The daemon did not take the job: {error.message}")

    def _progressed(self, progress) -> None:
        if not self._document_open():
            self.cancel()
            return
        self.progress.step(progress)
        if progress.preview is not None:
            try:
                self.preview.show(progress.preview)
            except ArtistError as error:
                self.job.cancel()
                self._fail(f"The preview could not be shown: {error}")

    def _finished(self, result) -> None:
        self._end()
        if not self._document_open():
            return
        try:
            add_result_layer(self.document, self.node, self.region, self.alpha, result.image, self.layer_name)
        except ArtistError as error:
            QMessageBox.warning(self.window, TITLE, f"The result could not be added: {error}")

    def _document_open(self) -> bool:
        """False once the artist has closed the image the job is for."""
        return any(document == self.document for document in Krita.instance().documents())

    def _fail(self, message: str) -> None:
        if self.ended:
            return
        self._end()
        QMessageBox.warning(self.window, TITLE, message)

    def _end(self) -> None:
        """Remove the preview and the progress window, stop the daemon search, let go of the pixels sent."""
        if self.ended:
            return
        self.ended = True
        for probe in self.probes:
            probe.stop_asked = True
            probe.wait()  # at most one hello timeout, and only when cancelled while looking for the daemon
        if self._document_open():
            self.preview.remove()
        self.progress.close()
        self.content = self.styles = None
