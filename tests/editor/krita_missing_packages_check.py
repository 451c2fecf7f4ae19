"""Runs inside real Krita (gui mode) with the plugin installed for a Python that is not Krita's: the menu entry is
still there and tells the artist which `painterly install krita` command fixes it. Prints "RESULT {...}"."""

import sys

import krita_headless as kh
from krita import Krita
from krita_check_report import run_and_report

k = Krita.instance()
checks = {}
info = {}


def steps():
    messages = kh.auto_dismiss_dialogs()
    doc = k.createDocument(16, 16, "missing", "RGBA", "U8", "", 72.0)
    kh.show_document(doc)
    yield 100
    action = k.action("painterly_style_transfer")
    checks["action_still_offered"] = action is not None
    action.trigger()
    yield kh.until(lambda: messages, timeout=10)
    info["messages"] = messages[:]
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    checks["message_names_the_fix"] = any(f"painterly install krita --python-version {version}" in m for m in messages)
    checks["nothing_added"] = [n.name() for n in doc.rootNode().childNodes()] == ["Background"]
    return 0


kh.run_steps(run_and_report(steps(), checks, info))
