"""The daemon's style library for the dialog: fetched on a worker thread, shown as thumbnails."""

from __future__ import annotations

from painterly_krita.layer_pixels import fitted_image
from painterly_krita.qt import QtCore, QtGui
from painterly_wire import Client, LibraryStyle, PainterlyError

LIBRARY_TIMEOUT_S = 2.0


class LibraryLoader(QtCore.QThread):
    """Asks the daemon for its styles once; emits `loaded(endpoint, list[LibraryStyle])` or
    `unavailable(endpoint, reason)`. Connect them to QObject methods so they arrive on the GUI thread."""

    loaded = QtCore.pyqtSignal(str, list)
    unavailable = QtCore.pyqtSignal(str, str)

    def __init__(self, endpoint: str, parent=None) -> None:
        super().__init__(parent)
        self.endpoint = endpoint

    def run(self) -> None:
        try:
            with Client(self.endpoint, timeout_s=LIBRARY_TIMEOUT_S) as client:
                styles = client.list_styles()
        except PainterlyError as error:
            self.unavailable.emit(self.endpoint, error.message)
            return
        self.loaded.emit(self.endpoint, styles)


def thumbnail_icon(style: LibraryStyle) -> QtGui.QIcon:
    """A library style's thumbnail (RGB or RGBA, 8-bit) as an icon."""
    return QtGui.QIcon(
        QtGui.QPixmap.fromImage(fitted_image(style.thumbnail, style.thumbnail.width, style.thumbnail.height))
    )
