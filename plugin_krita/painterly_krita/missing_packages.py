"""What the artist gets when the vendored packages do not load in Krita's Python (installed for another
Python version, or not installed at all): the menu entries are there and say how to fix it."""

from __future__ import annotations

import sys

from krita import Extension, Krita

from painterly_krita.menu import add_actions
from painterly_krita.qt import QtWidgets


class MissingPackagesExtension(Extension):
    """Stands in for the plugin when `import painterly_wire` failed; both actions explain the fix."""

    def __init__(self, parent, error: ImportError) -> None:
        super().__init__(parent)
        self.error = error

    def setup(self) -> None:
        pass

    def createActions(self, window) -> None:
        add_actions(window, self.explain, self.explain)

    def explain(self) -> None:
        """Say what failed to load and the command that fixes it."""
        version = f"{sys.version_info.major}.{sys.version_info.minor}"
        window = Krita.instance().activeWindow()
        QtWidgets.QMessageBox.warning(
            None if window is None else window.qwindow(),
            "Neural Style Transfer",
            f"Painterly's packages do not load in Krita's Python {version} ({self.error}). Close Krita, run "
            f"`painterly install krita --python-version {version}` in a terminal, and start Krita again.",
        )
