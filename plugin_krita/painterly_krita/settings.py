"""The artist's choices for a job, remembered between runs in Krita's settings (kritarc, group "painterly")."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from typing import Any

from krita import Krita

from painterly_wire import DEFAULT_ENDPOINT
from painterly_wire.params import job_params

SETTINGS_GROUP = "painterly"
SETTINGS_KEY = "last_settings"
PRESETS = ("fast", "quality", "seed")
STYLE_KINDS = ("file", "document", "layer", "library")


@dataclass(frozen=True)
class StyleChoice:
    """One style of the blend: an image `file` path, an open `document` (its merged image, by name), an open
    document's `layer` ("document|layer"), or a daemon `library` style name, with its blend weight."""

    kind: str
    ref: str
    weight: float = 1.0
    title: str = ""

    def label(self) -> str:
        """A short name for layer names and lists."""
        return self.title or self.ref.rsplit("/", 1)[-1].rsplit("|", 1)[-1]


@dataclass(frozen=True)
class TransferSettings:
    """Everything the dialog asks. `strength` 0..100 moves from content (0) to style (100); 50 is the preset's
    balance. `iterations` 0 keeps the preset's count."""

    styles: tuple[StyleChoice, ...] = ()
    strength: int = 50
    preset: str = "quality"
    size: int = 512
    preserve_colours: bool = False
    iterations: int = 0
    endpoint: str = DEFAULT_ENDPOINT
    daemon_command: str = "painterly serve"

    def params(self) -> dict[str, Any]:
        """The job's `params` map for the daemon."""
        return job_params(self.preset, self.size, self.strength, self.preserve_colours, self.iterations)

    def layer_name(self) -> str:
        """The result layer's name: the styles it was painted in."""
        return "Style: " + " + ".join(style.label() for style in self.styles)

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
        if settings.preset not in PRESETS or any(style.kind not in STYLE_KINDS for style in styles):
            raise ValueError("unknown preset or style kind")
        return settings


def load_settings() -> TransferSettings | None:
    """The settings of the last run, or None when there are none (or they cannot be read)."""
    text = Krita.instance().readSetting(SETTINGS_GROUP, SETTINGS_KEY, "")
    if not text:
        return None
    try:
        return TransferSettings.from_json(text)
    except (ValueError, TypeError, KeyError):
        return None


def save_settings(settings: TransferSettings) -> None:
    """Remember these settings for the next run and for Repeat Last Style Transfer."""
    Krita.instance().writeSetting(SETTINGS_GROUP, SETTINGS_KEY, settings.to_json())
