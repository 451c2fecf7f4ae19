"""Every knob of a style-transfer job, and the named presets that fill them in.

`seed` is the origin document's recipe verbatim (it returns its best iterate rather than a spiked last one).
`quality` and `fast` are Painterly's own defaults: projected L-BFGS from the content image, coarse-to-fine scales, and
content held at conv4_2 (Gatys et al.) strongly enough that the subject stays readable. Any field can be overridden.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from painterly.engine.vgg import LAYER_NAMES, PADDING_CHOICES, POOLING_CHOICES

Layers = tuple[tuple[str, float], ...]

SEED_CONTENT_LAYERS: Layers = (("conv5_4", 1.0),)
SEED_STYLE_LAYERS: Layers = tuple((name, 0.2) for name in ("conv1_1", "conv2_1", "conv3_1", "conv4_1", "conv5_1"))
SEED_ALPHA = 10.0
SEED_BETA = 40.0
OPTIMIZERS = ("adam", "lbfgs")
INITS = ("content", "noise", "image")
KEEP_CHOICES = ("best", "last")


MAX_JOB_SIDE = 8192  # long side of an output; larger-than-memory images are painted by tiles (engine/tiling.py)
MIN_SCALE_STEPS = 10  # the fewest steps `fewer_steps_above` leaves a scale (unless fewer were asked for)
MAX_SCALES = 8  # coarse-to-fine scales of one job
MAX_TOTAL_STEPS = 100_000  # optimiser steps of one job over all its scales


class SettingError(ValueError):
    """A job setting that is unknown or out of range, with a message for the artist."""


@dataclass(frozen=True)
class Settings:
    """All parameters of one job. Sizes are the long side in pixels."""

    preset: str
    iterations: int
    optimizer: str
    learning_rate: float
    content_weight: float
    style_weight: float
    tv_weight: float
    content_layers: Layers
    style_layers: Layers
    init: str
    init_noise: float
    size: int
    scales: tuple[float, ...]
    coarse_iterations: int
    coarsest_side: int  # coarse scales are added below `scales` until the coarsest is at most this long (0: off)
    fewer_steps_above: int  # a scale longer than this gets steps x (this / its long side)^2 (0: off)
    detail_above: int  # a scale after the first that is longer than this paints detail only (Objective.detail; 0: off)
    style_scale: float  # a style image's long side at each scale: style_scale x the scale's long side ...
    enlarge_style: bool  # ... even past the style image's own size (False: never past it, so strokes stay crisp)
    preserve_colors: bool
    pooling: str
    padding: str
    seed: int | None
    keep: str
    measure_costs: bool  # the report carries the seed-formula J of the saved image (--report asks for it)


SEED = Settings(
    preset="seed",
    iterations=2500,
    optimizer="adam",
    learning_rate=0.03,
    content_weight=SEED_ALPHA,
    style_weight=SEED_BETA,
    tv_weight=0.0,
    content_layers=SEED_CONTENT_LAYERS,
    style_layers=SEED_STYLE_LAYERS,
    init="content",
    init_noise=0.25,
    size=400,
    scales=(1.0,),
    coarse_iterations=0,
    coarsest_side=0,
    fewer_steps_above=0,
    detail_above=0,
    style_scale=1.0,
    enlarge_style=True,
    preserve_colors=False,
    pooling="max",
    padding="zeros",
    seed=None,
    keep="best",
    measure_costs=True,
)
QUALITY = dataclasses.replace(
    SEED,
    preset="quality",
    iterations=200,
    optimizer="lbfgs",
    content_weight=5e4,
    content_layers=(("conv4_2", 1.0),),
    init_noise=0.0,
    size=512,
    scales=(0.25, 0.5, 1.0),
    coarse_iterations=200,
    coarsest_side=128,
    fewer_steps_above=512,
    padding="reflect",  # VGG's zeros paint a frame along the edges (docs/engine.md, "Borders")
    enlarge_style=False,  # an enlarged style paints soft strokes (docs/engine.md, "style_scale at large sizes")
    measure_costs=False,  # the report's seed-formula J is a pass over the result in float32: asked for, not default
)
FAST = dataclasses.replace(QUALITY, preset="fast", iterations=40, size=256, scales=(1.0,), coarsest_side=0)
PRESETS: dict[str, Settings] = {preset.preset: preset for preset in (SEED, QUALITY, FAST)}
PRESET_NAMES = tuple(PRESETS)


def _layers(value: Any, field: str) -> Layers:
    pairs = value.items() if isinstance(value, Mapping) else value
    try:
        layers = tuple((_layer_name(name), float(weight)) for name, weight in pairs)
    except (TypeError, ValueError):
        raise SettingError(f"{field} must map layer names to weights, e.g. {{'conv4_2': 1.0}}") from None
    for name, weight in layers:
        if name not in LAYER_NAMES:
            raise SettingError(f"{field}: unknown layer {name[:40]!r}; layers are {', '.join(LAYER_NAMES)}")
        if not 0 <= weight < math.inf:
            raise SettingError(f"{field}: weight of {name} must be a finite number >= 0")
    if not layers:
        raise SettingError(f"{field} must name at least one layer")
    return layers


def _layer_name(name: Any) -> str:
    if not isinstance(name, str):
        raise TypeError("a layer name is a string")
    return name


def _scales(value: Any) -> tuple[float, ...]:
    if not isinstance(value, (list, tuple)):
        raise TypeError("scales is a list of numbers")
    return tuple(float(scale) for scale in value)


def total_steps(settings: Settings) -> int:
    """Optimiser steps a job runs at most: the final scale's iterations plus the coarse ones of every other."""
    coarse_scales = MAX_SCALES - 1 if settings.coarsest_side else len(settings.scales) - 1
    return settings.iterations + settings.coarse_iterations * coarse_scales


def _check(settings: Settings) -> Settings:
    problems = []
    if not 0 <= settings.iterations <= 100_000:
        problems.append("iterations must be between 0 and 100000")
    if not 0 <= settings.coarse_iterations <= 100_000:
        problems.append("coarse_iterations must be between 0 and 100000")
    if settings.optimizer not in OPTIMIZERS:
        problems.append(f"optimizer must be one of {', '.join(OPTIMIZERS)}")
    if settings.init not in INITS:
        problems.append(f"init must be one of {', '.join(INITS)}")
    if settings.keep not in KEEP_CHOICES:
        problems.append(f"keep must be one of {', '.join(KEEP_CHOICES)}")
    if settings.pooling not in POOLING_CHOICES:
        problems.append(f"pooling must be one of {', '.join(POOLING_CHOICES)}")
    if settings.padding not in PADDING_CHOICES:
        problems.append(f"padding must be one of {', '.join(PADDING_CHOICES)}")
    if not 16 <= settings.size <= MAX_JOB_SIDE:
        problems.append(f"size must be between 16 and {MAX_JOB_SIDE} pixels")
    if settings.seed is not None and not 0 <= settings.seed < 2**63:
        problems.append("seed must be between 0 and 2**63 - 1")
    if not settings.scales or any(not 0 < s <= 1 for s in settings.scales) or settings.scales[-1] != 1.0:
        problems.append("scales must be fractions in (0, 1] ending with 1.0")
    if len(settings.scales) > MAX_SCALES:
        problems.append(f"scales may list at most {MAX_SCALES} scales, not {len(settings.scales)}")
    elif total_steps(settings) > MAX_TOTAL_STEPS:
        problems.append(
            f"iterations + coarse_iterations per coarse scale come to {total_steps(settings)} steps; "
            f"at most {MAX_TOTAL_STEPS} are allowed"
        )
    for name in ("coarsest_side", "fewer_steps_above", "detail_above"):
        if not 0 <= getattr(settings, name) <= MAX_JOB_SIDE:
            problems.append(f"{name} must be between 0 and {MAX_JOB_SIDE} pixels")
    if not 0.05 <= settings.style_scale <= 4:
        problems.append("style_scale must be between 0.05 and 4")
    for name in ("learning_rate", "content_weight", "style_weight", "tv_weight", "init_noise"):
        if not 0 <= getattr(settings, name) < math.inf:
            problems.append(f"{name} must be a finite number >= 0")
    if problems:
        raise SettingError("; ".join(problems))
    return settings


_CONVERTERS = {
    "content_layers": lambda v: _layers(v, "content_layers"),
    "style_layers": lambda v: _layers(v, "style_layers"),
    "scales": _scales,
    "seed": lambda v: None if v is None else int(v),
    "preserve_colors": lambda v: v if isinstance(v, bool) else _not_bool(),
    "enlarge_style": lambda v: v if isinstance(v, bool) else _not_bool(),
    "measure_costs": lambda v: v if isinstance(v, bool) else _not_bool(),
}


def _kind_of(value: Any) -> str:
    """A value described without printing it whole (a client may send a megabyte, or a list 1,000 deep)."""
    if isinstance(value, (bool, int, float)):
        return repr(value)
    if isinstance(value, str):
        return repr(value[:40])
    return f"a {type(value).__name__}"


def _not_bool() -> bool:
    raise TypeError("expected true or false")


def settings_for(preset: str = "quality", overrides: Mapping[str, Any] | None = None) -> Settings:
    """A preset with some fields overridden; ValueError names any unknown field or bad value."""
    if not isinstance(preset, str) or preset not in PRESETS:
        shown = f"{preset[:40]!r}" if isinstance(preset, str) else f"of type {type(preset).__name__}"
        raise SettingError(f"unknown preset {shown}: choose one of {', '.join(PRESET_NAMES)}")
    base = PRESETS[preset]
    fields = {f.name for f in dataclasses.fields(Settings)} - {"preset"}
    changes: dict[str, Any] = {}
    for name, value in (overrides or {}).items():
        if name not in fields:
            raise SettingError(f"unknown setting {str(name)[:40]!r}")
        if value is None and name != "seed":
            continue
        current = getattr(base, name)
        try:
            if name in _CONVERTERS:
                changes[name] = _CONVERTERS[name](value)
            elif isinstance(current, bool) or isinstance(value, bool):
                raise TypeError
            elif isinstance(current, int):
                if isinstance(value, float) and not value.is_integer():
                    raise TypeError
                changes[name] = int(value)
            elif isinstance(current, float):
                changes[name] = float(value)
            elif isinstance(value, str):
                changes[name] = value
            else:
                raise TypeError
        except SettingError:
            raise
        except (TypeError, ValueError, OverflowError):
            raise SettingError(f"setting {name!r} has an invalid value ({_kind_of(value)})") from None
    return _check(dataclasses.replace(base, **changes))
