"""The artist's choices for a job and their JSON form (pure Python: no Krita, no Qt, so it is tested outside Krita)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from painterly_wire import DEFAULT_ENDPOINT
from painterly_wire.daemon_start import DEFAULT_START_COMMAND
from painterly_wire.editor_choices import (
    DEFAULT_PRESET,
    DEFAULT_RESOLUTION,
    DEFAULT_SIZE,
    DEFAULT_STRENGTH,
    PRESETS,
    RESOLUTIONS,
    file_style_title,
    painted_side,
    result_layer_name,
)
from painterly_wire.install_record import default_start_command
from painterly_wire.params import job_params

PLUGIN_FOLDER = Path(__file__).resolve().parent  # pykrita/painterly_krita: `painterly install` records beside it
STYLE_KINDS = ("file", "document", "layer", "library")
LAYER_SEPARATOR = "|"  # a `layer` style's ref: "document name|layer name"


@dataclass(frozen=True)
class StyleChoice:
    """One style of the blend: an image `file` path, an open `document` (its merged image, by name), an open
    document's `layer` ("document|layer"), or a daemon `library` style name, with its blend weight."""

    kind: str
    ref: str
    weight: float = 1.0
    title: str = ""

    def label(self) -> str:
        """A short name for layer names and lists: the title, else the file's name or the layer's name."""
        if self.title:
            return self.title
        if self.kind == "file":
            return file_style_title(self.ref)
        return self.ref.rsplit(LAYER_SEPARATOR, 1)[-1]


@dataclass(frozen=True)
class TransferSettings:
    """Everything the dialog asks. `strength` 0..100 moves from content (0) to style (100); 50 is the preset's
    balance. `resolution` is one of editor_choices.RESOLUTIONS ("layer": the layer's own size); `size` is the long
    side of a "custom" one. `iterations` 0 keeps the preset's count."""

    styles: tuple[StyleChoice, ...] = ()
    strength: int = DEFAULT_STRENGTH
    preset: str = DEFAULT_PRESET
    resolution: str = DEFAULT_RESOLUTION
    size: int = DEFAULT_SIZE
    preserve_colours: bool = False
    iterations: int = 0
    endpoint: str = DEFAULT_ENDPOINT
    daemon_command: str = DEFAULT_START_COMMAND

    def painted_side(self, width: int, height: int) -> int:
        """The long side a width x height layer (or selection) is painted at."""
        return painted_side(self.resolution, self.size, width, height)

    def params(self, width: int, height: int) -> dict[str, Any]:
        """The job's `params` map for the daemon, for a width x height layer (or selection)."""
        side = self.painted_side(width, height)
        return job_params(self.preset, side, self.strength, self.preserve_colours, self.iterations)

    def layer_name(self) -> str:
        """The result layer's name: the styles it was painted in."""
        return result_layer_name(style.label() for style in self.styles)

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> TransferSettings:
        """Settings from their JSON form; missing keys take their defaults. ValueError when a value is unusable."""
        data = json.loads(text)
        defaults = cls()
        known = {name: data[name] for name in cls.__dataclass_fields__ if name in data and name != "styles"}
        for name, value in known.items():
            if type(value) is not type(getattr(defaults, name)):
                raise ValueError(f"setting {name} has the wrong type")
        styles = tuple(
            StyleChoice(str(style["kind"]), str(style["ref"]), float(style["weight"]), str(style.get("title", "")))
            for style in data.get("styles", ())
        )
        settings = replace(defaults, **known, styles=styles)
        if (
            settings.preset not in PRESETS
            or settings.resolution not in RESOLUTIONS
            or any(style.kind not in STYLE_KINDS for style in styles)
        ):
            raise ValueError("unknown preset, resolution or style kind")
        return settings


def first_run_settings(plugin_folder: Path = PLUGIN_FOLDER) -> TransferSettings:
    """The settings the dialog starts from before any were saved: the defaults, with the start command
    `painterly install` recorded in `plugin_folder`."""
    return TransferSettings(daemon_command=default_start_command(plugin_folder))
