"""One job: optimise the pixels of G, coarse to fine, against the objective of its settings.

No editor, socket or terminal code lives here: progress leaves through a callback receiving a small immutable
`StepReport` record, and a `CancelToken` stops a job within one optimiser step.
"""

from __future__ import annotations

import dataclasses
import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import torch

from painterly.engine.colour import transfer_luminance
from painterly.engine.images import ImageError, check_dimensions, fit_long_side, resize
from painterly.engine.lbfgs import ProjectedLBFGS
from painterly.engine.model import StyleModel
from painterly.engine.objective import MIN_SIDE, Objective, StyleImage, Targets, seed_costs
from painterly.engine.presets import Settings


class CancelledError(Exception):
    """The job was cancelled through its CancelToken."""


class CancelToken:
    """Thread-safe flag a caller sets to stop a running job; the engine checks it every step."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        """Ask the job to stop; it raises CancelledError at its next step."""
        self._event.set()

    @property
    def cancelled(self) -> bool:
        """Whether cancel() was called."""
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        """Raise CancelledError if cancel() was called (the engine's check, once per step and evaluation)."""
        if self._event.is_set():
            raise CancelledError()


@dataclass(frozen=True)
class StepReport:
    """One optimiser step. `preview(max_side)` renders the current image; call it inside the callback only."""

    step: int
    total: int
    cost: float
    elapsed_s: float
    preview: Callable[[int], torch.Tensor]


@dataclass(frozen=True)
class StyleResult:
    """The stylized RGB image (3, H, W) in [0, 1] and the job's report (steps, timing, device, final costs)."""

    image: torch.Tensor
    report: dict[str, Any]


class _BestIterate:
    """Remembers the lowest-cost image seen at the final scale, so a spike at the last step is never returned."""

    def __init__(self) -> None:
        self.cost = math.inf
        self.image: torch.Tensor | None = None
        self.step = 0

    def offer(self, cost: float, image: torch.Tensor, step: int) -> None:
        if cost < self.cost:
            self.cost, self.image, self.step = cost, image.detach().clone(), step


@dataclass
class _Run:
    """Book-keeping shared by the optimiser loops of one job."""

    model: StyleModel
    objective: Objective
    settings: Settings
    total: int
    on_progress: Callable[[StepReport], None] | None
    cancel: CancelToken
    started: float
    step: int = 0

    def report_step(self, cost: float, image: torch.Tensor) -> None:
        self.step += 1
        if self.on_progress is not None:
            self.on_progress(
                StepReport(self.step, self.total, cost, time.perf_counter() - self.started, _previewer(image))
            )


def _previewer(image: torch.Tensor) -> Callable[[int], torch.Tensor]:
    def preview(max_side: int) -> torch.Tensor:
        current = image.detach()[0].float().clamp(0, 1).cpu()
        width, height = fit_long_side(current.shape[2], current.shape[1], min(max_side, max(current.shape[1:])))
        return resize(current, width, height)

    return preview


def _optimise_adam(
    run: _Run, image: torch.Tensor, targets: Targets, steps: int, best: _BestIterate | None
) -> torch.Tensor:
    """The seed recipe's loop: Adam on the pixels, clipped to [0, 1] after every step."""
    pixels = image.clone().requires_grad_(True)
    optimizer = torch.optim.Adam([pixels], lr=run.settings.learning_rate)
    for _ in range(steps):
        run.cancel.raise_if_cancelled()
        optimizer.zero_grad(set_to_none=True)
        cost, _, _ = run.objective.costs(run.model, pixels, targets)
        cost.backward()
        value = cost.item()
        if best is not None:
            best.offer(value, pixels, run.step + 1)
        optimizer.step()
        with torch.no_grad():
            pixels.clamp_(0.0, 1.0)
        run.report_step(value, pixels)
    return pixels.detach()


def _optimise_lbfgs(
    run: _Run, image: torch.Tensor, targets: Targets, steps: int, best: _BestIterate | None
) -> torch.Tensor:
    """Projected L-BFGS: every image it evaluates is clamped to [0, 1], i.e. exactly what gets saved."""

    def evaluate(candidate: torch.Tensor) -> tuple[float, torch.Tensor]:
        run.cancel.raise_if_cancelled()
        pixels = candidate.clone().requires_grad_(True)
        cost, _, _ = run.objective.costs(run.model, pixels, targets)
        (gradient,) = torch.autograd.grad(cost, pixels)
        value = cost.item()
        if best is not None:
            best.offer(value, candidate, run.step + 1)
        return value, gradient

    optimizer = ProjectedLBFGS(image, evaluate)
    for _ in range(steps):
        cost = optimizer.step()
        run.report_step(cost, optimizer.image)
    return optimizer.image


def _initial_image(
    settings: Settings, content: torch.Tensor, init_image: torch.Tensor | None, generator: torch.Generator
) -> torch.Tensor:
    if settings.init == "noise":
        start = torch.rand(content.shape, generator=generator)
    elif settings.init == "image":
        if init_image is None:
            raise ValueError("init 'image' needs an init image")
        start = resize(init_image, content.shape[2], content.shape[1])
    else:
        start = content.clone()
    if settings.init_noise:
        noise = torch.rand(content.shape, generator=generator) * 2 - 1
        start = start + settings.init_noise * noise
    return start.clamp(0.0, 1.0)


def _scale_sizes(width: int, height: int, settings: Settings) -> list[tuple[int, int]]:
    """Sizes of the coarse-to-fine scales; coarse scales too small for VGG's four poolings are skipped."""
    if min(width, height) < MIN_SIDE:
        raise ImageError(
            f"the output would be {width}x{height} px; style transfer needs at least {MIN_SIDE} px on the short "
            "side (use a larger size or a larger selection)"
        )
    long_side = max(width, height)
    sizes = [fit_long_side(width, height, round(long_side * scale)) for scale in settings.scales]
    return [size for size in sizes[:-1] if min(size) >= MIN_SIDE] + [sizes[-1]]


def stylize(
    model: StyleModel,
    content: torch.Tensor,
    styles: Sequence[StyleImage],
    settings: Settings,
    *,
    on_progress: Callable[[StepReport], None] | None = None,
    cancel: CancelToken | None = None,
    init_image: torch.Tensor | None = None,
) -> StyleResult:
    """Render `content` (3, H, W) in the blended style of `styles`; see Settings for every knob.

    Raises CancelledError if `cancel` is set, ValueError for unusable inputs.
    """
    if not styles:
        raise ValueError("at least one style image is needed")
    if any(style.weight < 0 for style in styles) or sum(style.weight for style in styles) <= 0:
        raise ValueError("style blend weights must be non-negative and not all zero")
    for image in [content, *(style.image for style in styles)]:
        if image.ndim != 3 or image.shape[0] != 3:
            raise ValueError("images must be RGB tensors of shape (3, H, W)")
        check_dimensions(image.shape[2], image.shape[1])
    cancel = cancel or CancelToken()
    seed = settings.seed if settings.seed is not None else time.time_ns() % 2**63
    generator = torch.Generator().manual_seed(seed)
    out_width, out_height = fit_long_side(content.shape[2], content.shape[1], settings.size)
    check_dimensions(out_width, out_height, "the output")
    objective = Objective(
        settings.content_layers,
        settings.style_layers,
        settings.content_weight,
        settings.style_weight,
        settings.tv_weight,
        settings.pooling,
    )
    sizes = _scale_sizes(out_width, out_height, settings)
    total = settings.iterations + settings.coarse_iterations * (len(sizes) - 1)
    run = _Run(model, objective, settings, total, on_progress, cancel, time.perf_counter())
    optimise = _optimise_adam if settings.optimizer == "adam" else _optimise_lbfgs
    best = _BestIterate() if settings.keep == "best" else None
    device = model.compute.device
    image: torch.Tensor | None = None
    for level, (width, height) in enumerate(sizes):
        cancel.raise_if_cancelled()
        scaled_content = resize(content, width, height)
        targets = objective.targets(model, scaled_content, styles, settings.style_scale, exact=False)
        if image is None:
            image = _initial_image(settings, scaled_content, init_image, generator)
        else:
            image = resize(image, width, height)
        final = level == len(sizes) - 1
        steps = settings.iterations if final else settings.coarse_iterations
        image = optimise(run, image[None].to(device), targets, steps, best if final else None)[0].cpu()
    seconds = time.perf_counter() - run.started
    assert image is not None
    if best is not None and best.image is not None:
        image = best.image[0].cpu()
    image = image.float().clamp(0.0, 1.0)
    if settings.preserve_colors:
        image = transfer_luminance(image, resize(content, image.shape[2], image.shape[1]))
    report: dict[str, Any] = {
        "preset": settings.preset,
        "width": image.shape[2],
        "height": image.shape[1],
        "steps": run.step,
        "seconds": round(seconds, 3),
        "seconds_per_step": round(seconds / run.step, 4) if run.step else 0.0,
        "device": model.device,
        "dtype": model.dtype,
        "weights": model.weights_description,
        "best_step": best.step if best is not None else run.step,
        "settings": _settings_report(dataclasses.replace(settings, seed=seed)),
    }
    if settings.measure_costs:
        report.update(seed_costs(model, image, content, styles, settings.style_scale))
    return StyleResult(image, report)


def _settings_report(settings: Settings) -> dict[str, Any]:
    fields = dataclasses.asdict(settings)
    fields["content_layers"] = dict(settings.content_layers)
    fields["style_layers"] = dict(settings.style_layers)
    return fields
