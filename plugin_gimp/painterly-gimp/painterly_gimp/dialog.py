"""Interactive mode: the procedure's dialog, with the daemon's style library offered by name."""

from __future__ import annotations

from gi.repository import Gimp, GimpUi, Gtk

from painterly_gimp.library import fetch_library
from painterly_gimp.request import JobRequest
from painterly_wire import LibraryStyle


def _library_chooser(config: Gimp.ProcedureConfig, library: list[LibraryStyle] | None) -> Gtk.Widget:
    """A combo box bound to the "library-style" argument, listing the daemon's styles."""
    box = Gtk.Box(orientation=Gtk.Orientation.HORIZONTAL, spacing=6)
    label = Gtk.Label.new_with_mnemonic("_Library style")
    box.pack_start(label, False, False, 0)
    if library is None:
        note = "The daemon is not answering: library styles are not available now. Style images still work."
        box.pack_start(Gtk.Label(label=note), False, False, 0)
        return box
    store = Gtk.ListStore(str, str)
    store.append(["", "None"])
    for style in library:
        store.append([style.name, style.title])
    combo = GimpUi.prop_string_combo_box_new(config, "library-style", store, 0, 1)
    label.set_mnemonic_widget(combo)
    box.pack_start(combo, True, True, 0)
    return box


def run_dialog(procedure: Gimp.Procedure, config: Gimp.ProcedureConfig, request: JobRequest) -> bool:
    """Show the dialog; True when the artist pressed OK (the config then holds their choices)."""
    GimpUi.init("painterly-gimp")
    dialog = GimpUi.ProcedureDialog.new(procedure, config, "Neural Style Transfer")
    for slider in ("style-weight", "second-style-weight", "library-style-weight", "strength"):
        dialog.get_spin_scale(slider, 1.0)
    files = ["style", "style-weight", "second-style", "second-style-weight"]
    styles_box = dialog.fill_box("styles-box", [*files, "library-style-weight"])
    chooser = _library_chooser(config, fetch_library(request.daemon_endpoint))
    styles_box.pack_start(chooser, False, False, 0)
    styles_box.reorder_child(chooser, len(files))  # the library style above its weight
    chooser.show_all()
    dialog.get_label("styles-title", "Styles to blend", False, False)
    dialog.fill_frame("styles-frame", "styles-title", False, "styles-box")
    dialog.fill(
        ["styles-frame", "strength", "quality", "iterations", "size", "preserve-colors", "endpoint", "start-command"]
    )
    accepted = dialog.run()
    dialog.destroy()
    return accepted
