"""Checks of the plug-in's interactive dialog, run inside real GIMP 3 with its GUI (run-in-gimp3.sh --gui).

Usage: gimp_dialog_check.py ENDPOINT PLUGIN_DIR OUTDIR (OUTDIR gets a screenshot of the dialog)

Builds the real dialog (painterly_gimp.dialog.run_dialog) for the registered procedure's config, against the
daemon at ENDPOINT, then answers it from GTK's main loop the way a click would. Prints "RESULT {json}".
"""

import json
import os
import sys

import gi

gi.require_version("Gimp", "3.0")
gi.require_version("GimpUi", "3.0")
gi.require_version("Gtk", "3.0")
gi.require_version("Gdk", "3.0")
from gi.repository import Gdk, Gimp, GimpUi, GLib, Gtk  # noqa: E402

ENDPOINT, PLUGIN_DIR, OUTDIR = sys.argv[1:4]
sys.path.insert(0, PLUGIN_DIR)
from painterly_gimp.arguments import PROCEDURE_NAME, request_from_config  # noqa: E402
from painterly_gimp.dialog import run_dialog  # noqa: E402

checks: dict[str, list] = {}


def check(name, passed, detail=""):
    checks[name] = [bool(passed), str(detail)]


def widgets(root):
    yield root
    if isinstance(root, Gtk.Container):
        for child in root.get_children():
            yield from widgets(child)


def answer_dialog(response, pick_library=None, screenshot=None):
    """From the main loop: find the open dialog, note what it shows, optionally pick a library style, answer."""

    def answer():
        dialogs = [w for w in Gtk.Window.list_toplevels() if isinstance(w, GimpUi.ProcedureDialog) and w.get_visible()]
        if not dialogs:
            return True  # not shown yet: try again
        dialog = dialogs[0]
        try:
            shown = list(widgets(dialog))
            labels = [w.get_text() for w in shown if isinstance(w, Gtk.Label)]
            labels += [w.get_label() for w in shown if isinstance(w, GimpUi.SpinScale)]  # sliders draw their own
            combos = [w for w in shown if isinstance(w, GimpUi.StringComboBox)]
            library = [row[0] for row in combos[0].get_model()] if combos else []
            seen.update(title=dialog.get_title(), labels=labels, library=library)
            if screenshot:
                window = dialog.get_window()
                Gdk.pixbuf_get_from_window(window, 0, 0, window.get_width(), window.get_height()).savev(
                    screenshot, "png", [], []
                )
            if pick_library is not None and combos:
                combos[0].set_active(pick_library)
        finally:
            dialog.response(response)
        return False

    seen = {}
    GLib.timeout_add(300, answer)
    return seen


proc = Gimp.get_pdb().lookup_procedure(PROCEDURE_NAME)
config = proc.create_config()
config.set_property("endpoint", ENDPOINT)

seen = answer_dialog(Gtk.ResponseType.OK, "starry_night", os.path.join(OUTDIR, "dialog.png"))
accepted = run_dialog(proc, config, request_from_config(config))
check("dialog_ok_accepts", accepted is True, seen.get("title"))
check("dialog_lists_daemon_library", "starry_night" in seen.get("library", []), seen.get("library"))
wanted = ["Style image", "Strength", "Quality", "Output size", "Preserve colours", "Daemon endpoint"]
shown = " | ".join(seen.get("labels", [])).replace("_", "")
check("dialog_shows_settings", all(label in shown for label in wanted), shown)
check("dialog_choice_lands_in_config", config.get_property("library-style") == "starry_night")

seen = answer_dialog(Gtk.ResponseType.CANCEL)
check("dialog_cancel_declines", run_dialog(proc, config, request_from_config(config)) is False)

config.set_property("endpoint", "tcp://127.0.0.1:9")
seen = answer_dialog(Gtk.ResponseType.CANCEL)
run_dialog(proc, config, request_from_config(config))
shown = " ".join(seen.get("labels", []))
check("dialog_says_daemon_down", "not answering" in shown, shown)

print("RESULT " + json.dumps({"checks": checks}))
sys.exit(0 if all(passed for passed, _ in checks.values()) else 1)
