"""The procedure's arguments (its PDB signature, also what the dialog shows) and the job a config asks for."""

from __future__ import annotations

from pathlib import Path

from gi.repository import Gimp, GObject

from painterly_gimp.request import JobRequest, StyleChoice
from painterly_wire import editor_choices as choices
from painterly_wire.install_record import default_start_command

PROCEDURE_NAME = "plug-in-painterly-style-transfer"
MENU_PATH = "<Image>/Filters/Artistic"
MENU_LABEL = "_Neural Style Transfer..."
RW = GObject.ParamFlags.READWRITE
PLUGIN_FOLDER = Path(__file__).resolve().parent.parent  # plug-ins/painterly-gimp: `painterly install` records there


def add_arguments(procedure: Gimp.Procedure) -> None:
    """Declare the arguments, in the order the dialog shows them; GIMP remembers their last values."""
    file_action = Gimp.FileChooserAction.OPEN
    procedure.add_file_argument(
        "style", "Style _image", "A painting to take the style from", file_action, True, None, RW
    )
    procedure.add_double_argument("style-weight", "Image _weight", "Its share of the blend", 0.0, 1.0, 1.0, RW)
    procedure.add_file_argument(
        "second-style", "Second style i_mage", "Another painting to blend in (optional)", file_action, True, None, RW
    )
    procedure.add_double_argument(
        "second-style-weight", "Second image w_eight", "Its share of the blend", 0.0, 1.0, 0.5, RW
    )
    procedure.add_string_argument(
        "library-style", "_Library style", "A style from the daemon's library, by name ('' = none)", "", RW
    )
    procedure.add_double_argument(
        "library-style-weight", "Li_brary style weight", "Its share of the blend", 0.0, 1.0, 1.0, RW
    )
    procedure.add_int_argument(
        "strength",
        "Stre_ngth (0 content, 100 style)",
        "From content (0) to style (100); 50 is the quality preset's balance",
        choices.MIN_STRENGTH,
        choices.MAX_STRENGTH,
        choices.DEFAULT_STRENGTH,
        RW,
    )
    procedure.add_choice_argument(
        "quality",
        "_Quality",
        "Quality preset of the daemon",
        _choice(choices.PRESET_TITLES),
        choices.DEFAULT_PRESET,
        RW,
    )
    procedure.add_boolean_argument(
        "preserve-colors", "_Preserve colours", "Keep the source's colours, take only the style's texture", False, RW
    )
    procedure.add_choice_argument(
        "resolution",
        "Resol_ution",
        "The size the layer is painted at: its own (full detail), or smaller and scaled up (faster)",
        _choice(choices.RESOLUTION_TITLES),
        choices.DEFAULT_RESOLUTION,
        RW,
    )
    procedure.add_int_argument(
        "size",
        "Custom si_ze (px, long side)",
        "The long side in pixels a Custom resolution paints at; the result is scaled to the layer",
        choices.MIN_SIZE,
        choices.MAX_SIZE,
        choices.DEFAULT_SIZE,
        RW,
    )
    procedure.add_int_argument(
        "iterations",
        "I_terations (0 = as the quality preset says)",
        "Optimisation steps at the final size (0 = as the quality preset says)",
        0,
        choices.MAX_ITERATIONS,
        0,
        RW,
    )
    procedure.add_string_argument(
        "endpoint",
        "Daemon en_dpoint",
        "Where the Painterly daemon listens ('' = $PAINTERLY_ENDPOINT or tcp://127.0.0.1:7353)",
        "",
        RW,
    )
    procedure.add_string_argument(
        "start-command",
        "Start daemon comm_and",
        "Run this when the daemon is not reachable ('' = never start it)",
        default_start_command(PLUGIN_FOLDER),
        RW,
    )
    procedure.add_layer_return_value("layer", "Layer", "The stylized layer", False, RW)


def _choice(titles: dict[str, str]) -> Gimp.Choice:
    """A Gimp.Choice of these nicks, with what the artist reads for each."""
    choice = Gimp.Choice.new()
    for index, (nick, label) in enumerate(titles.items()):
        choice.add(nick, index, label, "")
    return choice


def _path(config: Gimp.ProcedureConfig, name: str) -> str | None:
    chosen = config.get_property(name)
    return None if chosen is None else chosen.get_path()


def request_from_config(config: Gimp.ProcedureConfig) -> JobRequest:
    """The job a (dialog-filled or scripted) config asks for; styles with no source or share are left out."""
    candidates = (
        StyleChoice(config.get_property("style-weight"), path=_path(config, "style")),
        StyleChoice(config.get_property("second-style-weight"), path=_path(config, "second-style")),
        StyleChoice(config.get_property("library-style-weight"), library=config.get_property("library-style") or None),
    )
    styles = tuple(s for s in candidates if (s.path or s.library) and s.weight > 0)
    return JobRequest(
        styles=styles,
        strength=config.get_property("strength"),
        preset=config.get_property("quality"),
        iterations=config.get_property("iterations"),
        resolution=config.get_property("resolution"),
        size=config.get_property("size"),
        preserve_colors=config.get_property("preserve-colors"),
        endpoint=config.get_property("endpoint"),
        start_command=config.get_property("start-command"),
    )
