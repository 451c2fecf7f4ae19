"""Runs inside real Krita (gui mode) with the Painterly plugin installed, for bench/bench_editor_first_preview.py:
seconds from running the filter on a large photo layer (the editors' defaults: `quality`, strength 50, painted at the
layer's own size) to the first "[Preview]" layer in the document, then Cancel, a few times over.

argv[1] is a JSON map: endpoint (a running daemon), content (a PNG), style (a library style's name), runs, and
optionally cold (endpoint and command: one run first with no daemon there, which the plugin starts). Runs from
a copy beside tests/editor/krita_check_report.py (the checks' shared Krita helpers), in a folder that a chroot's
Krita sees too. Prints "RESULT {...}" with one map of seconds per run (and one for the cold run).
"""

import json
import sys
import time

import krita_headless as kh
from krita import Krita
from krita_check_report import made_active, progress_window, repeat_with, run_and_report
from krita_qt import QtWidgets
from painterly_krita.layers import PREVIEW_PREFIX

config = json.loads(sys.argv[1])
checks = {}
info = {"runs": []}


def preview_node(doc):
    """The job's preview layer once the plugin added it, else None."""
    return next((node for node in doc.topLevelNodes() if node.name().startswith(PREVIEW_PREFIX)), None)


def painted_preview(doc):
    """The preview layer once Krita holds its pixels (its bounds cover something), else None."""
    node = preview_node(doc)
    return node if node is not None and not node.bounds().isEmpty() else None


def one_run(doc, source, settings, messages):
    """Press OK (Repeat Last Style Transfer with the saved settings), wait until the preview layer holds its pixels,
    cancel the job and wait until its window and preview are gone; seconds since the press."""
    yield kh.until(lambda: made_active(doc, source), timeout=30)
    started = time.monotonic()
    repeat_with(settings)
    seen = {}

    def preview_shown():
        window = progress_window()
        label = window.labelText() if window is not None else ""
        if label.startswith("Painting") and "first step" not in seen:
            seen.update({"first step": time.monotonic() - started, "first label": label})
        if messages:
            raise RuntimeError(f"a message instead of the preview: {messages}")
        return painted_preview(doc)

    node = yield kh.until(preview_shown, timeout=120, interval_ms=20)
    times = {"first preview": time.monotonic() - started, **seen}
    times["preview side"] = max(node.bounds().width(), node.bounds().height())
    progress_window().findChild(QtWidgets.QPushButton).click()
    yield kh.until(lambda: progress_window() is None and preview_node(doc) is None, timeout=120)
    return times


def steps():
    messages = kh.auto_dismiss_dialogs()
    doc = Krita.instance().openDocument(config["content"])
    kh.show_document(doc)
    yield 500
    info["layer size"] = [doc.width(), doc.height()]
    source = doc.topLevelNodes()[0]
    style = {"kind": "library", "ref": config["style"], "weight": 1.0, "title": config["style"]}

    def settings(endpoint, daemon_command=""):
        return json.dumps({"styles": [style], "resolution": "layer", "daemon_command": daemon_command,
                           "endpoint": endpoint})  # fmt: skip

    if "cold" in config:  # the session's first press, no daemon running: the plugin starts one
        cold = settings(config["cold"]["endpoint"], config["cold"]["command"])
        info["cold"] = yield from one_run(doc, source, cold, messages)
        yield 1000
    for _ in range(config["runs"]):
        info["runs"].append((yield from one_run(doc, source, settings(config["endpoint"]), messages)))
        yield 1000
    checks["no_message"] = not messages
    checks["only_the_photo_left"] = [node.name() for node in doc.topLevelNodes()] == [source.name()]
    doc.setModified(False)
    doc.close()
    return 0


kh.run_steps(run_and_report(steps(), checks, info))
