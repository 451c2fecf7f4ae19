"""Interactive mode: the procedure's dialog, grouped as Krita's is (styles, painting, resolution, advanced), with the
daemon's style library offered by thumbnail and title, and what the chosen resolution means for this layer."""

from __future__ import annotations

from collections.abc import Callable

from gi.repository import GdkPixbuf, Gimp, GimpUi, GLib, GObject, Gtk

from painterly_gimp.library import fetch_library
from painterly_gimp.request import JobRequest
from painterly_wire import LibraryStyle, Pixels
from painterly_wire import editor_choices as choices

LIST_THUMBNAIL_SIDE = 40  # in the library's drop-down list
PREVIEW_SIDE = 96  # the chosen library style, beside the list
NAME, TITLE, THUMBNAIL = range(3)  # the library list's columns
LIBRARY_CHOOSER = "library-style-chooser"  # the widget name tests find it by


def _pixbuf(pixels: Pixels, side: int) -> GdkPixbuf.Pixbuf:
    """An 8-bit RGB(A) thumbnail as a pixbuf whose long side is `side`."""
    alpha = pixels.channels == 4
    whole = GdkPixbuf.Pixbuf.new_from_bytes(
        GLib.Bytes.new(bytes(pixels.data)),
        GdkPixbuf.Colorspace.RGB,
        alpha,
        8,
        pixels.width,
        pixels.height,
        pixels.width * pixels.channels,
    )
    scale = side / max(pixels.width, pixels.height)
    width, height = max(1, round(pixels.width * scale)), max(1, round(pixels.height * scale))
    return whole.scale_simple(width, height, GdkPixbuf.InterpType.BILINEAR)


def _library_chooser(config: Gimp.ProcedureConfig, library: list[LibraryStyle] | None) -> Gtk.Widget:
    """The "library-style" argument as a list of the daemon's styles with their thumbnails, and a larger preview of
    the chosen one; a text field for a style's name when the daemon does not answer now."""
    box = Gtk.Box(orientation=Gtk.Orientation.HORIZONTAL, spacing=6)
    label = Gtk.Label.new_with_mnemonic("_Library style")
    box.pack_start(label, False, False, 0)
    if library is None:
        entry = GimpUi.prop_entry_new(config, "library-style", -1)
        entry.set_name(LIBRARY_CHOOSER)
        label.set_mnemonic_widget(entry)
        box.pack_start(entry, True, True, 0)
        note = Gtk.Label(label="(the daemon is not answering now: type a style's name, or use style images)")
        box.pack_start(note, False, False, 0)
        return box
    store = Gtk.ListStore(str, str, GdkPixbuf.Pixbuf)
    store.append(["", "None", None])
    previews = {}
    for style in library:
        store.append([style.name, style.title, _pixbuf(style.thumbnail, LIST_THUMBNAIL_SIDE)])
        previews[style.name] = _pixbuf(style.thumbnail, PREVIEW_SIDE)
    combo = GimpUi.prop_string_combo_box_new(config, "library-style", store, NAME, TITLE)
    combo.set_name(LIBRARY_CHOOSER)
    combo.set_valign(Gtk.Align.CENTER)
    thumbnail = Gtk.CellRendererPixbuf()
    combo.pack_start(thumbnail, False)
    combo.reorder(thumbnail, 0)
    combo.add_attribute(thumbnail, "pixbuf", THUMBNAIL)
    label.set_mnemonic_widget(combo)
    box.pack_start(combo, True, True, 0)
    preview = Gtk.Image()
    preview.set_size_request(PREVIEW_SIDE, PREVIEW_SIDE)
    box.pack_start(preview, False, False, 0)

    def show_chosen(*_: object) -> None:
        preview.set_from_pixbuf(previews.get(config.get_property("library-style")))

    _follow(config, ["library-style"], preview, show_chosen)
    return box


def _follow(config: Gimp.ProcedureConfig, names: list[str], widget: Gtk.Widget, update: Callable[..., None]) -> None:
    """Call `update` now and whenever one of these arguments changes, for as long as `widget` lives (the config
    outlives the dialog)."""
    handlers = [config.connect(f"notify::{name}", update) for name in names]
    widget.connect("destroy", lambda *_: [config.disconnect(handler) for handler in handlers])
    update()


def _resolution_note(config: Gimp.ProcedureConfig, width: int, height: int) -> Gtk.Label:
    """A line under the resolution saying what it paints for this layer, kept up to date."""
    note = Gtk.Label(xalign=0.0)
    note.set_line_wrap(True)
    note.set_max_width_chars(60)

    def update(*_: object) -> None:
        resolution, size = config.get_property("resolution"), config.get_property("size")
        painted = choices.painted_side(resolution, size, width, height)
        scaled_up = choices.scaled_up_note(painted, width, height)
        note.set_text(scaled_up or f"Painted at the layer's own size, {width}x{height} px: full detail.")

    _follow(config, ["resolution", "size"], note, update)
    return note


def _frame(dialog: GimpUi.ProcedureDialog, name: str, title: str, properties: list[str]) -> Gtk.Box:
    """A titled frame `name`-frame holding these arguments; returns its box, for more widgets."""
    box = dialog.fill_box(f"{name}-box", properties)
    dialog.get_label(f"{name}-title", title, False, False)
    dialog.fill_frame(f"{name}-frame", f"{name}-title", False, f"{name}-box")
    return box


def _insert(box: Gtk.Box, widget: Gtk.Widget, position: int) -> None:
    box.pack_start(widget, False, False, 0)
    box.reorder_child(widget, position)
    widget.show_all()


def run_dialog(
    procedure: Gimp.Procedure, config: Gimp.ProcedureConfig, request: JobRequest, width: int, height: int
) -> bool:
    """Show the dialog for a width x height layer (or selection); True when the artist pressed OK (the config then
    holds their choices)."""
    GimpUi.init("painterly-gimp")
    dialog = GimpUi.ProcedureDialog.new(procedure, config, "Neural Style Transfer")
    for slider in ("style-weight", "second-style-weight", "library-style-weight", "strength"):
        dialog.get_spin_scale(slider, 1.0)
    files = ["style", "style-weight", "second-style", "second-style-weight"]
    styles = _frame(dialog, "styles", "Styles to blend (each by its weight)", [*files, "library-style-weight"])
    _insert(styles, _library_chooser(config, fetch_library(request.daemon_endpoint)), len(files))
    _frame(dialog, "painting", "Painting", ["strength", "quality", "preserve-colors"])
    resolution = _frame(dialog, "resolution", "Resolution", ["resolution", "size"])
    _insert(resolution, _resolution_note(config, width, height), 2)
    # by hand: with set_sensitive_if_in GIMP 3.0 crashed after the dialog was gone (a handler left on the config,
    # which outlives the dialog)
    size = dialog.get_widget("size", GObject.TYPE_NONE)
    _follow(config, ["resolution"], size, lambda *_: size.set_sensitive(config.get_property("resolution") == "custom"))
    dialog.fill_box("advanced-box", ["iterations", "endpoint", "start-command"])
    dialog.get_label("advanced-title", "Advanced", False, False)
    dialog.fill_expander("advanced", "advanced-title", False, "advanced-box")
    dialog.fill(["styles-frame", "painting-frame", "resolution-frame", "advanced"])
    accepted = dialog.run()
    dialog.destroy()
    return accepted
