"""Checks of the plug-in's interactive dialog, run inside real GIMP 3 with its GUI (run-in-gimp3.sh --gui).

Usage: gimp_dialog_check.py ENDPOINT PLUGIN_DIR OUTDIR (OUTDIR gets dialog.png, a screenshot of the dialog)

Builds the real dialog (painterly_gimp.dialog.run_dialog) for the registered procedure's config and a 2400x1600
layer, against the daemon at ENDPOINT, then answers it from GTK's main loop the way a click would. Prints
"RESULT {json}".
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
from painterly_gimp.dialog import LIBRARY_CHOOSER, run_dialog  # noqa: E402

LAYER = (2400, 1600)

checks: dict[str, list] = {}


def check(name, passed, detail=""):
    checks[name] = [bool(passed), str(detail)]


def widgets(root):
    yield root
    if isinstance(root, Gtk.Container):
        for child in root.get_children():
            yield from widgets(child)


def answer_dialog(response, pick_library=None, screenshot=None, change=None):
    """From the main loop: find the open dialog, note what it shows, optionally pick a library style and change
    arguments (noting what the dialog then says), answer."""

    def answer():
        dialogs = [w for w in Gtk.Window.list_toplevels() if isinstance(w, GimpUi.ProcedureDialog) and w.get_visible()]
        if not dialogs:
            return True  # not shown yet: try again
        dialog = dialogs[0]
        try:
            seen.update(title=dialog.get_title(), **shown_in(dialog))
            chooser = seen.pop("chooser")
            if pick_library is not None and isinstance(chooser, GimpUi.StringComboBox):
                chooser.set_active(pick_library)
            if screenshot:
                save_screenshot(dialog, screenshot)
            for name, value in (change or {}).items():
                config.set_property(name, value)
            seen["after_change"] = shown_in(dialog)
            seen["after_change"].pop("chooser")
        finally:
            dialog.response(response)
        return False

    seen = {}
    GLib.timeout_add(300, answer)
    return seen


def save_screenshot(dialog, path):
    """The dialog as the artist sees it, with the Advanced expander open, as a PNG."""
    for expander in (w for w in widgets(dialog) if isinstance(w, Gtk.Expander)):
        expander.set_expanded(True)
    while Gtk.events_pending():
        Gtk.main_iteration()
    window = dialog.get_window()
    Gdk.pixbuf_get_from_window(window, 0, 0, window.get_width(), window.get_height()).savev(path, "png", [], [])


def shown_in(dialog):
    """The texts, frame titles, library list and sensitivity of the custom size the dialog shows now."""
    shown = list(widgets(dialog))
    labels = [w.get_text() for w in shown if isinstance(w, Gtk.Label)]
    labels += [w.get_label() for w in shown if isinstance(w, GimpUi.SpinScale)]  # sliders draw their own
    chooser = next((w for w in shown if w.get_name() == LIBRARY_CHOOSER), None)
    combo = isinstance(chooser, GimpUi.StringComboBox)
    library = [[row[0], row[1], row[2] is not None] for row in chooser.get_model()] if combo else []
    sizes = [w for w in shown if isinstance(w, Gtk.SpinButton) and w.get_adjustment().get_upper() == 8192]
    return {
        "labels": labels,
        "frames": [w.get_label() for w in shown if isinstance(w, Gtk.Frame) and w.get_label()],
        "expanders": [w.get_label() for w in shown if isinstance(w, Gtk.Expander)],
        "library": library,
        "chooser": chooser,
        "custom_size_sensitive": [w.is_sensitive() for w in sizes],
    }


proc = Gimp.get_pdb().lookup_procedure(PROCEDURE_NAME)
config = proc.create_config()
config.set_property("endpoint", ENDPOINT)

seen = answer_dialog(
    Gtk.ResponseType.OK, "starry_night", os.path.join(OUTDIR, "dialog.png"), change={"resolution": "preview"}
)
accepted = run_dialog(proc, config, request_from_config(config), *LAYER)
check("dialog_ok_accepts", accepted is True, seen.get("title"))
library = seen.get("library", [])
check("dialog_lists_daemon_library", any(row[0] == "starry_night" for row in library), library)
check("dialog_library_has_thumbnails", library and all(row[2] for row in library[1:]), library)
wanted = ["Style image", "Strength", "Quality", "Resolution", "Custom size (px, long side)", "Preserve colours"]
wanted += ["Iterations (0 = as the quality preset says)", "Daemon endpoint", "Start daemon command"]
shown = " | ".join(seen.get("labels", [])).replace("_", "")
check("dialog_shows_settings", all(label in shown for label in wanted), shown)
groups = ["Styles to blend (each by its weight)", "Painting", "Resolution"]
frames = seen.get("frames", [])  # GIMP 3.2 also frames a choice of three (Quality) as radio buttons
check("dialog_groups_styles_painting_resolution", [frame for frame in frames if frame in groups] == groups, frames)
check("dialog_advanced_in_an_expander", seen.get("expanders") == ["Advanced"], seen.get("expanders"))
check("dialog_says_full_size", "layer's own size, 2400x1600 px" in shown, shown)
after = seen.get("after_change", {})
said = " | ".join(after.get("labels", []))
check("dialog_says_preview_is_scaled_up", "Painted at 512 px" in said and "scaled up 4.7x" in said, said)
sensitive = (seen.get("custom_size_sensitive"), after.get("custom_size_sensitive"))
check("dialog_custom_size_only_for_custom", sensitive == ([False], [False]), sensitive)
check("dialog_choice_lands_in_config", config.get_property("library-style") == "starry_night")
check("dialog_resolution_lands_in_config", config.get_property("resolution") == "preview")

seen = answer_dialog(Gtk.ResponseType.CANCEL, change={"resolution": "custom"})
check("dialog_cancel_declines", run_dialog(proc, config, request_from_config(config), *LAYER) is False)
sensitive = seen.get("after_change", {}).get("custom_size_sensitive")
check("dialog_custom_size_editable_for_custom", sensitive == [True], sensitive)

config.set_property("endpoint", "tcp://127.0.0.1:9")
seen = answer_dialog(Gtk.ResponseType.CANCEL)
run_dialog(proc, config, request_from_config(config), *LAYER)
shown = " ".join(seen.get("labels", []))
check("dialog_says_daemon_down", "not answering" in shown, shown)

print("RESULT " + json.dumps({"checks": checks}))
sys.exit(0 if all(passed for passed, _ in checks.values()) else 1)
