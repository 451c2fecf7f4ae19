"""Runs inside real Krita (gui mode) with the Painterly plugin installed: jobs that end while Krita is busy showing
their preview.

In a CMYK image each preview is converted in a scratch image, and Krita runs its event loop while it waits for the
conversion; the daemon here (--preview-every 0) sends a preview with every step, so the job's last records arrive
while a preview is being shown. argv[1] is a JSON map: endpoint (that daemon), style (a small image file), runs (how
many jobs). Checks that every job leaves exactly one result layer right above the source and no preview, with no
message and no Python traceback. Prints "RESULT {...}"; exits 0 when all checks passed.
"""

import json
import sys

import krita_headless as kh
from krita import Krita
from krita_check_report import job_settings, made_active, progress_window, repeat_with, run_and_report, unless_a_message

WIDTH, HEIGHT = 600, 400  # large enough that converting a preview takes Krita a while
RESULT = "Style: tiny style"
config = json.loads(sys.argv[1])
k = Krita.instance()
checks = {}
info = {"layers_after_each_job": []}


def cmyk_document():
    """A shown CMYK document with one gradient layer named "source"."""
    doc = k.createDocument(WIDTH, HEIGHT, "busy preview", "CMYKA", "U8", "", 72.0)
    kh.show_document(doc)
    source = doc.rootNode().childNodes()[0]
    source.setName("source")
    row = bytes(value for x in range(WIDTH) for value in (x % 256, 40, 90, 0, 255))
    source.setPixelData(row * HEIGHT, 0, 0, WIDTH, HEIGHT)
    doc.refreshProjection()
    return doc, source


def steps():
    messages = kh.auto_dismiss_dialogs()
    yield 100
    doc, source = cmyk_document()
    settings = job_settings(config["style"], endpoint=config["endpoint"], preset="fast", iterations=15, size=64)
    for _ in range(config["runs"]):
        yield kh.until(lambda: made_active(doc, source), timeout=30)
        repeat_with(settings)
        yield unless_a_message(messages, progress_window, "the job's progress window", timeout=30)
        yield unless_a_message(messages, lambda: progress_window() is None, "the job's end")
        yield 500
        info["layers_after_each_job"].append([node.name() for node in doc.rootNode().childNodes()])
    info["messages"] = messages[:]
    expected = [["source", *[RESULT] * (run + 1)] for run in range(config["runs"])]
    checks["each_job_adds_one_result_and_leaves_no_preview"] = info["layers_after_each_job"] == expected
    checks["no_message"] = not messages
    doc.setModified(False)
    doc.close()
    return 0


kh.run_steps(run_and_report(steps(), checks, info))
