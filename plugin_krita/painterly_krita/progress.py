"""The non-modal progress window of a running job: a bar, the time left, and Cancel."""

from __future__ import annotations

from painterly_krita.progress_text import step_text
from painterly_krita.qt import QtCore, QtWidgets
from painterly_wire import Progress

OBJECT_NAME = "painterly_progress"


class JobProgress(QtWidgets.QProgressDialog):
    """Shows what the job is doing; `canceled` fires when the artist presses Cancel, and the window stays up
    (saying "Cancelling…") until the run closes it once the daemon confirmed."""

    def __init__(self, parent: QtWidgets.QWidget | None) -> None:
        super().__init__("Connecting to the Painterly daemon…", "Cancel", 0, 0, parent)
        self.setObjectName(OBJECT_NAME)
        self.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle("Neural Style Transfer")
        self.setWindowModality(QtCore.Qt.WindowModality.NonModal)
        self.setMinimumDuration(0)
        self.setAutoClose(False)
        self.setAutoReset(False)
        self.setMinimumWidth(360)
        # QProgressDialog hides itself on Cancel (its own cancel slot); the run decides when the window goes.
        self.canceled.disconnect(self.cancel)

    def cancelling(self) -> None:
        """Cancel was pressed: say so until the job has stopped; a second press would do nothing."""
        self.waiting("Cancelling…")
        button = self.findChild(QtWidgets.QPushButton)
        if button is not None:
            button.setEnabled(False)

    def waiting(self, text: str) -> None:
        """A phase without steps yet (connecting, starting the daemon, queued)."""
        self.setMaximum(0)
        self.setLabelText(text)

    def step(self, progress: Progress) -> None:
        """One optimisation step done."""
        self.setMaximum(max(progress.total, 1))
        self.setValue(min(progress.step, progress.total))
        self.setLabelText(step_text(progress))
