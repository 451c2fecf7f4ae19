"""Shared by the in-Krita check scripts: running the plugin with given settings (Repeat Last Style Transfer), a STEP
line as each step starts, and the ending: named checks, extra facts, one RESULT line."""

import json
import time

REPEAT = "painterly_repeat_style_transfer"


def job_settings(style, **fields):
    """The plugin's saved settings (JSON) for a job painting the style file `style` as "tiny style" at a custom
    size, never starting a daemon; `fields` (the endpoint at least) add to them or override them."""
    settings = {
        "styles": [{"kind": "file", "ref": style, "weight": 1.0, "title": "tiny style"}],
        "resolution": "custom",
        "daemon_command": "",
    }
    return json.dumps({**settings, **fields})


def repeat_with(settings_json):
    """Save these settings as the last ones and run Repeat Last Style Transfer, as an artist's shortcut does."""
    from krita import Krita

    Krita.instance().writeSetting("painterly", "last_settings", settings_json)
    Krita.instance().action(REPEAT).trigger()


def made_active(doc, node):
    """Ask Krita to make `doc` the active document and `node` its active layer; whether `node` is active yet (Krita
    learns of a new layer only once its main loop has run, so poll this with krita_headless.until)."""
    from krita import Krita

    Krita.instance().setActiveDocument(doc)
    doc.setActiveNode(node)
    active = doc.activeNode()
    return active is not None and active.uniqueId() == node.uniqueId()


def progress_window():
    """The plugin's progress window while it is shown, else None."""
    from krita_qt import QtWidgets

    for widget in QtWidgets.QApplication.topLevelWidgets():
        if widget.objectName() == "painterly_progress" and widget.isVisible():
            return widget
    return None


def unless_a_message(messages, condition, awaited, timeout=120):
    """A krita_headless.until waiting for condition() to be truthy; a message box appearing instead (`messages`, as
    krita_headless.auto_dismiss_dialogs collects them) fails the step at once, naming what was awaited."""
    import krita_headless as kh

    def met():
        if messages:
            raise RuntimeError(f"a message instead of {awaited}: {messages}")
        return condition()

    return kh.until(met, timeout=timeout)


def python_exceptions():
    """The tracebacks Krita shows in its exception window: a Python exception nobody caught, in the plugin (a slot
    of the job, say) or in a check's callback."""
    from krita_qt import QtWidgets

    return [
        edit.toPlainText().strip()[-1500:]
        for window in QtWidgets.QApplication.topLevelWidgets()
        if window.objectName() == "ExceptHookDialog" and window.isVisible()
        for edit in window.findChildren(QtWidgets.QTextEdit)
        if edit.toPlainText().strip()
    ]


def run_and_report(steps, checks, info):
    """Drive `steps` (a run_steps generator), then print "RESULT {...info, checks}" even when a step raised; the
    checks end with no_python_exception (Krita showed no traceback). The exit status is 0 only when the steps
    made checks and all of them passed."""
    try:
        yield from steps
    finally:
        made_checks = bool(checks)
        info["python_exceptions"] = python_exceptions()
        checks["no_python_exception"] = not info["python_exceptions"]
        info["checks"] = checks
        print("RESULT " + json.dumps(info))
    return 0 if made_checks and all(checks.values()) else 1


def report_step(name):
    """Print "STEP <name> <seconds>" when a numbered step starts: a check that runs out of time says where it was."""
    print(f"STEP {name} {time.monotonic():.1f}", flush=True)
