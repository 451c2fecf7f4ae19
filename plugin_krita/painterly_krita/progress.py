"""The non-modal progress window of a running job: a bar, the scale that runs, the time left, and Cancel; it sits in
the bottom-right corner of the canvas area (window_place), not over the middle of the image and its preview."""

from __future__ import annotations

from painterly_krita.progress_text import BAR_STEPS, bar_value, step_text
from painterly_krita.qt import QtCore, QtWidgets
from painterly_krita.window_place import corner_position
from painterly_wire import Progress

OBJECT_NAME = "painterly_progress"


class JobProgress(QtWidgets.QProgressDialog):
    """Shows what the job is doing; `canceled` fires when the artist presses Cancel, and the window stays up
    (saying "Cancelling…") until the run closes it once the daemon confirmed."""

    def __init__(self, parent: QtWidgets.QMainWindow | None) -> None:
        super().__init__("Connecting to the Painterly daemon…", "Cancel", 0, 0, parent)
        self.main_window = parent
        self.setObjectName(OBJECT_NAME)
        self.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle("Neural Style Transfer")
        self.setWindowModality(QtCore.Qt.WindowModality.NonModal)
        self.setMinimumDuration(0)
        self.setAutoClose(False)
        self.setAutoReset(False)
        self.setMinimumWidth(420)
        # QProgressDialog hides itself on Cancel (its own cancel slot); the run decides when the window goes.
        self.canceled.disconnect(self.cancel)

    def cancelling(self) -> None:
        """Cancel was pressed: say so until the job has stopped; a second press would do nothing."""
        self.waiting("Cancelling…")
        button = self.findChild(QtWidgets.QPushButton)
        if button is not None:
            button.setEnabled(False)

    def show_in_corner(self) -> None:
        """Show the window in the bottom-right corner of the canvas area (of the screen without a main window)."""
        self.show()
        self._to_corner()

    def waiting(self, text: str) -> None:
        """A phase without steps yet (connecting, starting the daemon, queued)."""
        self.setMaximum(0)
        self._say(text)

    def step(self, progress: Progress) -> None:
        """One optimisation step done: the bar counts the work done (a large step counts as large)."""
        self.setMaximum(BAR_STEPS)
        self.setValue(bar_value(progress))
        self._say(step_text(progress))

    def _say(self, text: str) -> None:
        """A new text; the window may grow with it, so it goes back into its corner."""
        self.setLabelText(text)
        self._to_corner()

    def _to_corner(self) -> None:
        canvas = None if self.main_window is None else self.main_window.centralWidget()
        if canvas is not None:
            origin = canvas.mapToGlobal(QtCore.QPoint(0, 0))
            area = (origin.x(), origin.y(), canvas.width(), canvas.height())
        else:
            screen = self.screen().availableGeometry()
            area = (screen.x(), screen.y(), screen.width(), screen.height())
        frame = self.frameGeometry()
        self.move(*corner_position(area, frame.width(), frame.height()))
