"""The Krita extension: Filters > Artistic > "Neural Style Transfer..." and "Repeat Last Style Transfer"."""

from __future__ import annotations

from krita import Extension, Krita

from painterly_krita.dialog import StyleTransferDialog
from painterly_krita.layer_pixels import painted_rect
from painterly_krita.menu import add_actions
from painterly_krita.qt import QtWidgets
from painterly_krita.remembered_settings import load_settings, save_settings
from painterly_krita.settings import TransferSettings, first_run_settings
from painterly_krita.transfer import TITLE, StyleTransferRun
from painterly_wire.artist_error import ArtistError


class PainterlyExtension(Extension):
    """Adds the two actions and runs at most one style transfer at a time."""

    def __init__(self, parent) -> None:
        super().__init__(parent)
        self.run: StyleTransferRun | None = None

    def setup(self) -> None:
        pass

    def createActions(self, window) -> None:
        add_actions(window, self.open_dialog, self.repeat_last)

    def open_dialog(self) -> None:
        """Ask for the settings, remember them, and run the filter on the active layer."""
        if not self._may_start():
            return
        try:
            _x, _y, width, height = painted_rect(*active_paint_layer())
        except ArtistError as error:
            _tell(str(error))
            return
        dialog = StyleTransferDialog(load_settings() or first_run_settings(), (width, height), _main_window())
        if not dialog.exec():  # 0: rejected (an int in PyQt5 and PyQt6 alike)
            return
        settings = dialog.settings()
        save_settings(settings)
        self._start(settings)

    def repeat_last(self) -> None:
        """Run again with the remembered settings; with none remembered yet, open the dialog."""
        settings = load_settings()
        if settings is None:
            self.open_dialog()
        elif self._may_start():
            self._start(settings)

    def _may_start(self) -> bool:
        if self.run is not None and not self.run.ended:
            _tell("A style transfer is already running; wait for it or cancel it first.")
            return False
        return True

    def _start(self, settings: TransferSettings) -> None:
        try:
            document, node = active_paint_layer()
            run = StyleTransferRun(_main_window(), document, node, settings)
            run.start()
        except ArtistError as error:
            _tell(str(error))
            return
        self.run = run


def active_paint_layer():
    """The active document and its active layer; ArtistError unless that is a paint layer."""
    document = Krita.instance().activeDocument()
    if document is None:
        raise ArtistError("Open an image first: the filter paints its active layer.")
    node = document.activeNode()
    if node is None or node.type() != "paintlayer":
        kind = "nothing" if node is None else f"a {node.type()}"
        raise ArtistError(f"Select a paint layer to stylize (the active layer is {kind}).")
    return document, node


def _main_window():
    window = Krita.instance().activeWindow()
    return None if window is None else window.qwindow()


def _tell(message: str) -> None:
    QtWidgets.QMessageBox.warning(_main_window(), TITLE, message)
