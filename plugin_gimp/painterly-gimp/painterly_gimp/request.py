"""The job a run asks for, as plain data (no GIMP): the styles to blend and the settings, read from the procedure's
config by `arguments.request_from_config`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from painterly_wire import DEFAULT_ENDPOINT
from painterly_wire.editor_choices import file_style_title, painted_side, result_layer_name
from painterly_wire.params import job_params


@dataclass(frozen=True)
class StyleChoice:
    """One style of the blend: an image file or a daemon library style, with its share of the blend."""

    weight: float
    path: str | None = None
    library: str | None = None

    def title(self, library_titles: Mapping[str, str]) -> str:
        """What the artist calls this style: the library style's title (its name when not known), or the file's
        name without extension."""
        if self.library is not None:
            return library_titles.get(self.library, self.library)
        return file_style_title(self.path or "")


@dataclass(frozen=True)
class JobRequest:
    """Everything a run needs from the procedure's config."""

    styles: tuple[StyleChoice, ...]
    strength: int
    preset: str
    iterations: int
    resolution: str  # editor_choices.RESOLUTIONS: the layer's own size, a quick choice, or "custom"
    size: int  # the long side of a "custom" resolution
    preserve_colors: bool
    endpoint: str
    start_command: str

    @property
    def daemon_endpoint(self) -> str:
        """The endpoint to use: the argument, else $PAINTERLY_ENDPOINT, else the default."""
        return self.endpoint or DEFAULT_ENDPOINT

    @property
    def uses_library(self) -> bool:
        """True when a daemon library style is in the blend."""
        return any(style.library is not None for style in self.styles)

    def painted_side(self, width: int, height: int) -> int:
        """The long side a width x height layer (or selection) is painted at."""
        return painted_side(self.resolution, self.size, width, height)

    def params(self, width: int, height: int) -> dict[str, Any]:
        """The job's params for the daemon, painting a width x height layer (or selection)."""
        size = self.painted_side(width, height)
        return job_params(self.preset, size, self.strength, self.preserve_colors, self.iterations)

    def layer_name(self, library_titles: Mapping[str, str]) -> str:
        """The result layer's name, the same as Krita's: "Style: " and the styles' titles."""
        return result_layer_name(style.title(library_titles) for style in self.styles)
