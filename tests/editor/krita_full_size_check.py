"""Runs inside real Krita (gui mode) with the Painterly plugin installed: a large photo layer painted with the
default resolution (the layer's own size), then again at the preview resolution (512 px, scaled up).

argv[1] is a JSON map: endpoint (a running daemon), style (a small image file), content (a PNG of >= 2000 px),
folder (where the two result layers' raw B,G,R,A bytes are written as full.bgra and preview.bgra for the caller to
measure). Settings not given take their defaults: that is what proves the default resolution. Prints "RESULT {...}"
with the layer and result sizes and the progress texts seen; exits 0 when all checks passed.
"""

import json
import os
import sys

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

RESULT = "Style: tiny style"
config = json.loads(sys.argv[1])
k = Krita.instance()
checks = {}
info = {"progress_labels": []}


def painted(doc, source, settings, name, messages):
    """Run Repeat Last Style Transfer on `source` with `settings` (JSON); write the result layer's bytes to
    folder/name.bgra and remove the layer (the source is active again); its bounds."""
    yield kh.until(lambda: made_active(doc, source), timeout=30)
    repeat_with(settings)

    def done():
        window = progress_window()
        label = window.labelText() if window is not None else None
        if label and label not in info["progress_labels"]:
            info["progress_labels"].append(label)
        return doc.nodeByName(RESULT)

    layer = yield unless_a_message(messages, done, "the result", timeout=900)
    bounds = layer.bounds()
    with open(os.path.join(config["folder"], f"{name}.bgra"), "wb") as out:
        out.write(bytes(layer.pixelData(0, 0, doc.width(), doc.height())))
    layer.remove()
    doc.setModified(False)  # the test's own removal: nothing for Krita to autosave beside the photo
    yield 500
    return [bounds.width(), bounds.height()]


def steps():
    messages = kh.auto_dismiss_dialogs()
    doc = k.openDocument(config["content"])
    kh.show_document(doc)
    yield 500
    info["layer_size"] = [doc.width(), doc.height()]
    source = doc.rootNode().childNodes()[0]
    base = {"endpoint": config["endpoint"], "preset": "fast", "iterations": 1}
    full = job_settings(config["style"], **base, resolution="layer")
    preview = job_settings(config["style"], **base, resolution="preview")
    info["full_size"] = yield from painted(doc, source, full, "full", messages)
    info["preview_size"] = yield from painted(doc, source, preview, "preview", messages)
    info["messages"] = messages[:]
    checks["no_message"] = not messages
    checks["results_cover_the_layer"] = info["full_size"] == info["preview_size"] == info["layer_size"]
    doc.setModified(False)
    doc.close()
    return 0


kh.run_steps(run_and_report(steps(), checks, info))
