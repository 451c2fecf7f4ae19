"""Keeping a job's preview out of the artist's document state: no autosave of a preview, no "modified" mark left
by a job that added nothing.

Krita marks a document modified when a layer is added or removed (each is an undo step), at once or on one of its
next event-loop passes, and autosaves a modified document. So while a job runs its autosave is off (Krita 5.3 and
later: Document.setAutosave), and in a document that was unmodified when the job started, the first mark that comes
within SETTLE_MS after the preview layer's arrival or removal is cleared, with any that follow it within
FOLLOWING_MS (adding a layer sets two). Krita retitles its main window inside the call that sets a mark,
so the mark is cleared there, before Krita's autosave timer can see it (a 20 ms poll lost that race on Krita 5.1
when the autosave came due in the same pass); the poll stays for a document whose view is not the active one. A
result layer marks the document modified as any edit does. What remains (docs/user-guide-krita.md): Krita 5.1/5.2
may autosave a document that had unsaved changes before the job with the preview in it, a document not in the
active view when its mark meets the autosave, and one whose removal's mark Krita autosaves inside the removal,
before the watch begins (a few of about twenty-five runs; the autosave then holds no preview); an edit of the
artist's own that comes before the layer change's mark, within SETTLE_MS, or within FOLLOWING_MS after it, has its
mark cleared with it (the next edit sets it again); the undo history keeps the preview's two steps (adding and
removing its layer).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from painterly_krita.qt import QtCore, QtWidgets

SETTLE_MS = 2000  # Krita's mark for an added or removed layer comes within a few event-loop passes (later on a busy
# machine, so the window is wide)
POLL_MS = 20
FOLLOWING_MS = 500  # the layer change's further marks (adding a layer sets two, a few ms apart) come within this


class DocumentState:
    """The document's modified mark and autosave around one job; create it before the job touches the document."""

    def __init__(self, document, is_open: Callable[[], bool], windows: Iterable[QtWidgets.QWidget]) -> None:
        """`windows`: Krita's main windows, whose titles change in the same call as a document's modified mark."""
        self.document = document
        self.is_open = is_open
        self.windows = list(windows)
        self.was_modified = document.modified()
        self.autosave_was = document.autosave() if hasattr(document, "setAutosave") else False
        if self.autosave_was:
            document.setAutosave(False)
        self._settle_until = 0.0
        self._clearing = False
        self._timer = QtCore.QTimer()
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._clear_mark)

    def preview_changed(self) -> None:
        """The preview layer was added or removed: clear the modified mark that follows, when there was none. The
        watch starts after the change: clearing a mark while Krita is still adding or removing the layer re-enters
        Krita (one Krita 6 run crashed when it did)."""
        if self.was_modified:
            return
        self.document.waitForDone()  # the layer change done, its mark is on its way to the event loop
        self._settle_until = time.monotonic() + SETTLE_MS / 1000
        self._clearing = False
        if not self._timer.isActive():
            for window in self.windows:
                window.windowTitleChanged.connect(self._clear_mark)
            self._timer.start()
        self._clear_mark()

    def result_added(self) -> None:
        """A result layer was added: the document is modified, as by any edit."""
        self._stop_watching()
        self.document.setModified(True)

    def job_ended(self) -> None:
        """Turn autosave back on if the job turned it off."""
        if self.autosave_was and self.is_open():
            self.document.setAutosave(True)

    def _clear_mark(self, *_title) -> None:
        """Clear the first mark that comes within the window and those that follow it within FOLLOWING_MS (the
        layer change's marks), then stop: a later mark is the artist's own edit and stays."""
        if not self.is_open() or time.monotonic() > self._settle_until:
            self._stop_watching()
        elif self.document.modified():
            self.document.setModified(False)
            if not self._clearing:
                self._clearing = True
                self._settle_until = min(self._settle_until, time.monotonic() + FOLLOWING_MS / 1000)

    def _stop_watching(self) -> None:
        self._clearing = False
        if self._timer.isActive():
            self._timer.stop()
            for window in self.windows:
                window.windowTitleChanged.disconnect(self._clear_mark)
