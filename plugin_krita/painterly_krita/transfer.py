"""One run of the filter: read the layer, find (or start) the daemon, run the job, show preview and result."""

from __future__ import annotations

from krita import Krita

from painterly_krita.daemon_connection import DaemonProbe
from painterly_krita.document_state import DocumentState
from painterly_krita.job import StyleTransferJob
from painterly_krita.layer_pixels import Region, read_pixels, source_region
from painterly_krita.layers import PreviewLayer, add_result_layer
from painterly_krita.pixel_layout import source_alpha
from painterly_krita.progress import JobProgress
from painterly_krita.qt import QtCore, QtWidgets
from painterly_krita.settings import TransferSettings
from painterly_krita.styles import style_specs
from painterly_wire import PainterlyError, Pixels, StyleSpec
from painterly_wire.artist_error import ArtistError
from painterly_wire.job_follower import refused_message

TITLE = "Neural Style Transfer"


class StyleTransferRun(QtCore.QObject):
    """The filter applied once to one layer. `start` raises ArtistError before anything is shown or sent."""

    def __init__(self, window: QtWidgets.QWidget | None, document, node, settings: TransferSettings) -> None:
        super().__init__()
        self.window = window
        self.document = document
        self.node = node
        self.settings = settings
        self.layer_name = settings.layer_name()
        self.ended = False
        self.region: Region | None = None
        self.content: Pixels | None = None
        self.alpha = b""
        self.styles: list[StyleSpec] | None = None
        self.state: DocumentState | None = None
        self.preview: PreviewLayer | None = None
        self.progress: JobProgress | None = None
        self.probe: DaemonProbe | None = None
        self.job: StyleTransferJob | None = None

    def start(self) -> None:
        """Read everything the job needs, then look for the daemon; the rest follows from Qt's event loop."""
        self.region = source_region(self.document, self.node)
        self.content = read_pixels(self.node, self.region)
        self.alpha = source_alpha(self.content)
        self.styles = style_specs(self.settings.styles)
        self.state = DocumentState(
            self.document, self._document_open, (window.qwindow() for window in Krita.instance().windows())
        )
        self.preview = PreviewLayer(self.document, self.node, self.region, self.alpha, self.layer_name, self.state)
        self.progress = JobProgress(self.window)
        self.progress.canceled.connect(self.cancel)
        self.progress.show_in_corner()
        # Bound methods of this QObject, not lambdas: the probe thread's signals must be queued to the GUI thread.
        self.probe = DaemonProbe(self.settings.endpoint, self.settings.daemon_command, self)
        self.probe.answered.connect(self._submit)
        self.probe.starting.connect(self._daemon_starting)
        self.probe.silent.connect(self._fail)
        self.probe.start()

    def cancel(self) -> None:
        """The artist pressed Cancel: stop the job (or the wait for the daemon); nothing is added."""
        if self.ended:
            return
        if self.job is None:
            self._end()
        else:
            self.progress.cancelling()
            self.job.cancel()

    @QtCore.pyqtSlot()
    def _daemon_starting(self) -> None:
        if not self.ended:
            self.progress.waiting(f"Starting the Painterly daemon ({self.settings.daemon_command.strip()})…")

    @QtCore.pyqtSlot(dict)
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
            self.job.submit(self.content, self.styles, self.settings.params(self.region.width, self.region.height))
        except PainterlyError as error:
            self.job.client.close()
            self._fail(refused_message(error))

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
            QtWidgets.QMessageBox.warning(self.window, TITLE, f"The result could not be added: {error}")
        else:
            self.state.result_added()

    def _document_open(self) -> bool:
        """False once the artist has closed the image the job is for."""
        return any(document == self.document for document in Krita.instance().documents())

    @QtCore.pyqtSlot(str)
    def _fail(self, message: str) -> None:
        if self.ended:
            return
        self._end()
        QtWidgets.QMessageBox.warning(self.window, TITLE, message)

    def _end(self) -> None:
        """Stop listening to the job, remove the preview and the progress window, turn autosave back on, stop the
        daemon search, let go of the pixels sent."""
        if self.ended:
            return
        self.ended = True
        if self.job is not None:
            self.job.stop()
        if self.probe is not None:
            self.probe.stop_asked = True
            self.probe.wait()  # at most one hello timeout, and only when cancelled while looking for the daemon
        if self.preview is not None and self._document_open():
            self.preview.remove()
        if self.state is not None:
            self.state.job_ended()
        if self.progress is not None:
            self.progress.close()
        self.content = self.styles = None
