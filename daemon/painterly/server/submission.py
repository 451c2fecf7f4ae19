"""Turning a checked `submit` message into a Job, refusing anything the engine could not run."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from painterly.engine.images import ImageError
from painterly.engine.memory import JobTooLarge
from painterly.engine.model import StyleModel
from painterly.engine.presets import Settings, settings_for
from painterly.engine.stylize import plan_job
from painterly.server.job_queue import Job
from painterly.server.style_library import StyleLibrary
from painterly_wire import Pixels, ProtocolError, StyleSpec
from painterly_wire.messages import MAX_STYLES, Message, check_fields, shown

DEFAULT_PRESET = "quality"


def job_from_submit(message: Message, sender: bytes, library: StyleLibrary, model: StyleModel | None = None) -> Job:
    """The Job a submit message asks for; ProtocolError (code bad_field, bad_image, unknown_style, bad_params,
    too_large: a job the model's memory limit cannot hold even by tiles)."""
    header = message.header
    content = finite_pixels(message, header["content"], "content")
    raw_styles = header["styles"]
    if not 1 <= len(raw_styles) <= MAX_STYLES:
        raise ProtocolError("bad_field", f"a job needs 1 to {MAX_STYLES} styles, not {len(raw_styles)}")
    styles = [style_spec(message, raw, f"styles[{index}]", library) for index, raw in enumerate(raw_styles)]
    if not 0 < sum(style.weight for style in styles) < math.inf:
        raise ProtocolError("bad_field", "the style weights must add up to a finite number above zero")
    settings = settings_from_params(header["params"])
    init = header.get("init_image")
    init_image = None if init is None else finite_pixels(message, init, "init_image")
    if (settings.init == "image") != (init_image is not None):
        raise ProtocolError("bad_params", "init 'image' and an init_image go together; send both or neither")
    if model is not None:
        held = [content, init_image, *(style.pixels for style in styles)]
        try:
            plan_job(model, settings, (content.width, content.height), sum(p.width * p.height for p in held if p))
        except JobTooLarge as error:
            raise ProtocolError("too_large", str(error)) from None
        except ImageError:
            pass  # an output too small to paint: the worker reports it as bad_image, as before
    return Job(lane=sender, owner=sender, content=content, styles=styles, settings=settings, init_image=init_image)


def style_spec(message: Message, raw: Any, where: str, library: StyleLibrary) -> StyleSpec:
    """One style of the blend: {weight, image} or {weight, library}."""
    if not isinstance(raw, dict):
        raise ProtocolError("bad_field", f"{where} must be a map")
    check_fields(raw, {"weight": (float, int)}, where)
    weight = float(raw["weight"])
    if not 0 <= weight < float("inf"):
        raise ProtocolError("bad_field", f"{where}.weight must be a finite number >= 0, not {weight}")
    if "library" in raw:
        check_fields(raw, {"library": (str,)}, where)
        if library.path_of(raw["library"]) is None:
            raise ProtocolError("unknown_style", f"the style library has no style named {shown(raw['library'])}")
        return StyleSpec(weight, library=raw["library"])
    if "image" not in raw:
        raise ProtocolError("missing_field", f"{where} needs the field 'image' or 'library'")
    return StyleSpec(weight, pixels=finite_pixels(message, raw["image"], f"{where}.image"))


def finite_pixels(message: Message, descriptor: Any, field: str) -> Pixels:
    """The image a descriptor points at; bad_image when f32 samples hold NaN or infinity (the engine would turn
    the whole result into NaN). A float64 sum of f32 samples cannot overflow, so it is finite iff every sample is."""
    pixels = message.pixels(descriptor, field)
    if pixels.dtype == "f32" and not math.isfinite(np.sum(np.frombuffer(pixels.data, "<f4"), dtype=np.float64)):
        raise ProtocolError("bad_image", f"{field} holds samples that are NaN or infinite; f32 samples run 0 to 1")
    return pixels


def settings_from_params(params: dict[str, Any]) -> Settings:
    """Engine Settings from a params map: an optional preset name plus any setting overrides."""
    overrides = dict(params)
    preset = overrides.pop("preset", DEFAULT_PRESET)
    try:
        return settings_for(preset, overrides)
    except (ValueError, TypeError) as error:
        raise ProtocolError("bad_params", str(error)) from None
