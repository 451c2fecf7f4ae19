#!/usr/bin/env python3
"""Painterly for GIMP 3: Filters > Artistic > Neural Style Transfer.

Sends the selected layer (or the selection's part of it) to the local Painterly daemon and adds the stylized
result as a new layer directly above it. The daemon runs the style transfer; this plug-in only talks to it
through the painterly_wire client, vendored next to this file by `painterly install gimp`.
"""

from __future__ import annotations

import sys

import gi

gi.require_version("Gimp", "3.0")
gi.require_version("GimpUi", "3.0")
gi.require_version("Gegl", "0.4")
from gi.repository import Gimp, GLib, GObject  # noqa: E402
from painterly_gimp.arguments import (  # noqa: E402
    MENU_LABEL,
    MENU_PATH,
    PROCEDURE_NAME,
    add_arguments,
    request_from_config,
)
from painterly_gimp.painting import paint  # noqa: E402
from painterly_gimp.source import check_drawable, source_bounds  # noqa: E402

from painterly_wire.artist_error import ArtistError  # noqa: E402


def stylize(
    procedure: Gimp.Procedure,
    run_mode: Gimp.RunMode,
    image: Gimp.Image,
    drawables: list[Gimp.Drawable],
    config: Gimp.ProcedureConfig,
    run_data: object,
) -> Gimp.ValueArray:
    """The procedure's body: dialog (interactive mode), read the source, run the job with its preview layer, add the
    result layer."""
    try:
        source_layer = check_drawable(image, drawables)
        if run_mode == Gimp.RunMode.INTERACTIVE:
            from painterly_gimp.dialog import run_dialog

            _, _, width, height = source_bounds(source_layer)
            if not run_dialog(procedure, config, request_from_config(config), width, height):
                return procedure.new_return_values(Gimp.PDBStatusType.CANCEL, None)
        layer = paint(image, source_layer, request_from_config(config))
    except ArtistError as error:
        status = Gimp.PDBStatusType.CALLING_ERROR if error.bad_input else Gimp.PDBStatusType.EXECUTION_ERROR
        return procedure.new_return_values(status, GLib.Error.new_literal(Gimp.PlugIn.error_quark(), error.message, 0))
    Gimp.displays_flush()
    values = procedure.new_return_values(Gimp.PDBStatusType.SUCCESS, None)
    values.remove(1)
    values.insert(1, GObject.Value(Gimp.Layer, layer))
    return values


class PainterlyGimp(Gimp.PlugIn):
    """Registers the Neural Style Transfer procedure."""

    def do_query_procedures(self) -> list[str]:
        return [PROCEDURE_NAME]

    def do_set_i18n(self, name: str) -> bool:
        return False

    def do_create_procedure(self, name: str) -> Gimp.Procedure:
        procedure = Gimp.ImageProcedure.new(self, name, Gimp.PDBProcType.PLUGIN, stylize, None)
        procedure.set_image_types("*")  # indexed images get a message instead of a greyed-out menu entry
        procedure.set_sensitivity_mask(Gimp.ProcedureSensitivityMask.DRAWABLE)
        procedure.set_menu_label(MENU_LABEL)
        procedure.add_menu_path(MENU_PATH)
        procedure.set_documentation(
            "Paint the layer in the style of a painting (neural style transfer)",
            "Sends the layer, or the selection's part of it, to the local Painterly daemon and adds the "
            "stylized result as a new layer above it. The source layer is not changed.",
            name,
        )
        procedure.set_attribution("Painterly", "Painterly contributors", "2025")
        add_arguments(procedure)
        return procedure


Gimp.main(PainterlyGimp.__gtype__, sys.argv)
