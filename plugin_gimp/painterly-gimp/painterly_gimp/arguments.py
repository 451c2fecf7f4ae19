"""The procedure's arguments (its PDB signature, also what the dialog shows) and the job a config asks for."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gi.repository import Gimp, GObject

from painterly_wire import DEFAULT_ENDPOINT
from painterly_wire.params import job_params

PROCEDURE_NAME = "plug-in-painterly-style-transfer"
MENU_PATH = "<Image>/Filters/Artistic"
MENU_LABEL = "_Neural Style Transfer..."
RW = GObject.ParamFlags.READWRITE

# The daemon's quality presets (painterly.engine.presets), fastest first.
QUALITY_PRESETS = (
    ("fast", "Fast draft"),
    ("quality", "Quality"),
    ("seed", "Reference recipe (slow)"),
)
DEFAULT_SIZE = 512
MAX_SIZE = 4096


@dataclass(frozen=True)
class StyleSource:
    """One style of the blend: an image file or a daemon library style, with its share of the blend."""

    weight: float
    path: str | None = None
    library: str | None = None

    @property
    def title(self) -> str:
        """What the artist calls this style: the file's name without extension, or the library name."""
        return self.library if self.library is not None else Path(self.path).stem


@dataclass(frozen=True)
class JobRequest:
    """Everything a run needs from the procedure's config."""

    styles: tuple[StyleSource, ...]
    strength: int
    preset: str
    iterations: int
    size: int
    preserve_colors: bool
    endpoint: str
    start_command: str

    @property
    def daemon_endpoint(self) -> str:
        """The endpoint to use: the argument, else $PAINTERLY_ENDPOINT, else the default."""
        return self.endpoint or DEFAULT_ENDPOINT

    def params(self) -> dict[str, Any]:
        """The job's params for the daemon."""
        return job_params(self.preset, self.size, self.strength, self.preserve_colors, self.iterations)


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
        "strength", "Stre_ngth", "From content (0) to style (100); 50 is the quality preset's balance", 0, 100, 50, RW
    )
    presets = Gimp.Choice.new()
    for index, (nick, label) in enumerate(QUALITY_PRESETS):
        presets.add(nick, index, label, "")
    procedure.add_choice_argument("quality", "_Quality", "Quality preset of the daemon", presets, "fast", RW)
    procedure.add_int_argument(
        "iterations", "I_terations", "Optimisation steps (0 = as the quality preset says)", 0, 100000, 0, RW
    )
    procedure.add_int_argument(
        "size",
        "Output si_ze",
        "Long side in pixels the style transfer works at; the layer fits the source",
        16,
        MAX_SIZE,
        DEFAULT_SIZE,
        RW,
    )
    procedure.add_boolean_argument(
        "preserve-colors", "_Preserve colours", "Keep the source's colours, take only the style's texture", False, RW
    )
    procedure.add_string_argument(
        "endpoint", "Daemon en_dpoint", "Daemon endpoint ('' = $PAINTERLY_ENDPOINT or tcp://127.0.0.1:7353)", "", RW
    )
    procedure.add_string_argument(
        "start-command",
        "Start daemon comm_and",
        "Run this when the daemon is not reachable, e.g. 'painterly serve' ('' = never start it)",
        "",
        RW,
    )
    procedure.add_layer_return_value("layer", "Layer", "The stylized layer", False, RW)


def _path(config: Gimp.ProcedureConfig, name: str) -> str | None:
    chosen = config.get_property(name)
    return None if chosen is None else chosen.get_path()


def request_from_config(config: Gimp.ProcedureConfig) -> JobRequest:
    """The job a (dialog-filled or scripted) config asks for; styles with no source or share are left out."""
    candidates = (
        StyleSource(config.get_property("style-weight"), path=_path(config, "style")),
        StyleSource(config.get_property("second-style-weight"), path=_path(config, "second-style")),
        StyleSource(config.get_property("library-style-weight"), library=config.get_property("library-style") or None),
    )
    styles = tuple(s for s in candidates if (s.path or s.library) and s.weight > 0)
    return JobRequest(
        styles=styles,
        strength=config.get_property("strength"),
        preset=config.get_property("quality"),
        iterations=config.get_property("iterations"),
        size=config.get_property("size"),
        preserve_colors=config.get_property("preserve-colors"),
        endpoint=config.get_property("endpoint"),
        start_command=config.get_property("start-command"),
    )
