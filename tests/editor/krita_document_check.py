"""Runs inside real Krita (gui mode) with the Painterly plugin installed: what a job leaves in the artist's document
and where its window goes.

argv[1] is a JSON map: endpoint (a running daemon), style (a small image file), folder (an empty folder for saved
images), daemon_pid (the daemon, killed in the last step). Checks that a layer too small to carry a style is refused
with the smallest useful size; that while a job's preview is shown Krita neither marks a saved, unmodified image
modified nor autosaves it (autosave every 2 s here), and a cancelled or failed job leaves it unmodified; that an image
with changes of its own stays modified and a result marks it modified; that the progress window sits in the canvas
area's bottom-right corner and says which scale runs. Prints "RESULT {...}"; exits 0 when all checks passed.
"""

import json
import os
import re
import signal
import sys
import time
import zipfile

import krita_headless as kh
from krita import Krita
from krita_check_report import (
    job_settings,
    made_active,
    progress_window,
    repeat_with,
    run_and_report,
    unless_a_message,
)
from krita_qt import QtCore, QtWidgets

TRANSFER = "painterly_style_transfer"
PREVIEW = "[Preview] Style: tiny style"
AUTOSAVE_S = 2
config = json.loads(sys.argv[1])
k = Krita.instance()
checks = {}
info = {}


def settings(**changes):
    # coarse to fine (quality): the window names each scale
    fields = {"endpoint": config["endpoint"], "preset": "quality", "iterations": 400, "size": 64, **changes}
    return job_settings(config["style"], **fields)


def saved_document(name, width=64, height=48):
    """A shown document with a gradient layer, saved to its own folder, so Krita autosaves it beside its file."""
    doc = k.createDocument(width, height, name, "RGBA", "U8", "", 72.0)
    layer = doc.rootNode().childNodes()[0]
    gradient = bytes(v for y in range(height) for x in range(width) for v in (x * 3 % 256, y * 5 % 256, 90, 255))
    layer.setPixelData(gradient, 0, 0, width, height)
    folder = os.path.join(config["folder"], name)
    os.makedirs(folder)
    doc.setBatchmode(True)
    doc.saveAs(os.path.join(folder, f"{name}.kra"))
    kh.show_document(doc)
    # A loaded Krita 5.1 may take a while to know a new view: the filter that follows must run on this one.
    yield kh.until(lambda: made_active(doc, layer), timeout=30)
    return doc, folder


def holds_preview(kra_path):
    """Whether a saved .kra (a zip whose maindoc.xml lists the layers) has the preview layer in it."""
    with zipfile.ZipFile(kra_path) as kra:
        return PREVIEW in kra.read("maindoc.xml").decode("utf-8")


def autosaves(folder):
    return [name for name in os.listdir(folder) if "autosave" in name]


def layer_names(doc):
    return [node.name() for node in doc.rootNode().childNodes()]


def idle():
    return progress_window() is None


def running_with_preview(doc):
    window = progress_window()
    return window is not None and window.value() > 0 and doc.nodeByName(PREVIEW) is not None and window


def corner_checks(window):
    """The window lies in the canvas area's bottom-right corner, clear of its middle."""
    canvas = k.activeWindow().qwindow().centralWidget()
    origin = canvas.mapToGlobal(QtCore.QPoint(0, 0))
    area = QtCore.QRect(origin.x(), origin.y(), canvas.width(), canvas.height())
    frame = window.frameGeometry()
    info["canvas_area"] = [area.x(), area.y(), area.width(), area.height()]
    info["progress_window"] = [frame.x(), frame.y(), frame.width(), frame.height()]
    checks["progress_window_clear_of_the_canvas_middle"] = not frame.contains(area.center())
    checks["progress_window_in_the_bottom_right_corner"] = (
        area.contains(frame.topLeft())
        and 0 <= area.right() - frame.right() <= 40
        and 0 <= area.bottom() - frame.bottom() <= 40
    )


def watch_marks(doc):
    """Record in info["marks"] each retitling of Krita's windows and each autosave message, with the seconds since
    now and whether `doc` is marked modified: what happened when an autosave check fails."""
    started = time.monotonic()
    marks = info.setdefault("marks", [])

    def record(text):
        marks.append([round(time.monotonic() - started, 3), text[-40:], doc.modified()])

    for widget in QtWidgets.QApplication.instance().allWidgets():
        if isinstance(widget, QtWidgets.QMainWindow):
            widget.windowTitleChanged.connect(record)
        elif isinstance(widget, QtWidgets.QStatusBar):
            widget.messageChanged.connect(lambda text: "utosav" in text and record(text))


def steps():
    messages = kh.auto_dismiss_dialogs()
    k.writeSetting("", "AutoSaveInterval", str(AUTOSAVE_S))
    yield 100

    # 1. Too small to carry a style: refused from the menu and from Repeat, with the smallest useful size.
    doc = k.createDocument(16, 16, "tiny", "RGBA", "U8", "", 72.0)
    kh.show_document(doc)
    yield 200
    k.action(TRANSFER).trigger()
    yield kh.until(lambda: messages, timeout=20)
    repeat_with(settings())
    yield kh.until(lambda: len(messages) >= 2, timeout=20)
    info["too_small_messages"] = messages[:]
    checks["too_small_layer_refused_with_the_smallest_useful_size"] = len(messages) == 2 and all(
        "16x16" in m and "32 px" in m for m in messages
    )
    checks["too_small_layer_nothing_added"] = layer_names(doc) == ["Background"] and idle()
    doc.setModified(False)
    doc.close()

    # 2. A cancelled job on a saved, unmodified image: no modified mark, no autosave, while and after.
    messages.clear()
    doc, folder = yield from saved_document("cancelled")
    yield 500
    checks["saved_image_starts_unmodified"] = not doc.modified()
    repeat_with(settings())
    window = yield unless_a_message(messages, lambda: running_with_preview(doc), "a job with its preview")
    corner_checks(window)
    yield kh.until(lambda: "scale" in window.labelText(), timeout=60)
    info["progress_label"] = window.labelText()
    checks["progress_says_which_scale_runs"] = bool(
        re.match(r"Painting scale \d of \d, \d+x\d+: step \d+ of \d+", window.labelText())
    )
    yield 2500 * AUTOSAVE_S  # two autosave intervals with the preview shown
    info["autosave_while_preview"] = autosaves(folder)
    checks["preview_not_autosaved"] = autosaves(folder) == []
    checks["preview_leaves_image_unmodified"] = not doc.modified() and doc.nodeByName(PREVIEW) is not None
    if hasattr(doc, "autosave"):  # Krita 5.3+
        checks["autosave_off_while_the_job_runs"] = not doc.autosave()
    window.findChild(QtWidgets.QPushButton).click()
    yield kh.until(idle, timeout=30)
    yield 1000
    checks["cancelled_job_leaves_image_unmodified"] = not doc.modified() and layer_names(doc) == ["Background"]
    if hasattr(doc, "autosave"):
        checks["autosave_back_on_after_the_job"] = doc.autosave()

    # 3. An image with unsaved changes of its own stays modified after a cancelled job.
    doc.setModified(True)
    repeat_with(settings())
    window = yield unless_a_message(messages, lambda: running_with_preview(doc), "a job with its preview")
    window.findChild(QtWidgets.QPushButton).click()
    yield kh.until(idle, timeout=30)
    yield 1000
    checks["artists_own_changes_stay_marked"] = doc.modified()
    doc.setModified(False)
    doc.close()

    # 4. A finished job marks the image modified: the result is a change to save.
    doc, folder = yield from saved_document("finished")
    yield 500
    repeat_with(settings(preset="fast", iterations=2))
    yield kh.until(lambda: doc.nodeByName("Style: tiny style") or messages, timeout=120)
    yield kh.until(idle, timeout=30)
    yield 1000
    info["finished_layers"] = layer_names(doc)
    checks["result_marks_image_modified"] = doc.modified() and layer_names(doc) == ["Background", "Style: tiny style"]
    doc.setModified(False)
    doc.close()

    # 5. A job that fails (the daemon dies mid-job) leaves the saved image unmodified, and says so.
    messages.clear()
    doc, folder = yield from saved_document("failed")
    yield 500
    watch_marks(doc)
    repeat_with(settings())
    yield unless_a_message(messages, lambda: running_with_preview(doc), "a job with its preview")
    os.kill(config["daemon_pid"], signal.SIGKILL)
    yield kh.until(lambda: messages and idle(), timeout=40)
    yield 1000
    info["failed_messages"] = messages[:]
    checks["failed_job_says_so"] = any("stopped answering" in m for m in messages)
    checks["failed_job_leaves_image_unmodified"] = not doc.modified() and layer_names(doc) == ["Background"]
    if hasattr(doc, "autosave"):  # Krita 5.3+: autosave is off while a job runs, so nothing is written at all
        checks["failed_job_autosaves_no_preview"] = autosaves(folder) == []
    else:  # Krita 5.1/5.2 cannot pause autosave and may save as the preview goes (the guide says so): never with it
        saved = [os.path.join(folder, name) for name in autosaves(folder)]
        checks["failed_job_autosaves_no_preview"] = not any(holds_preview(path) for path in saved)
    return 0


kh.run_steps(run_and_report(steps(), checks, info))
