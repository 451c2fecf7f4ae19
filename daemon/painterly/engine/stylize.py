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
from painterly.engine.memory import JobShape, MemoryPlan, plan_memory
from painterly.engine.model import StyleModel
from painterly.engine.objective import MIN_SIDE, Objective, StyleImage, Targets, seed_costs
from painterly.engine.presets import MAX_SCALES, MIN_SCALE_STEPS, Settings


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
    scale: int = 1  # which coarse-to-fine scale runs, 1-based
    scales: int = 1
    size: tuple[int, int] = (0, 0)  # (width, height) of that scale
    work_done: float = 0.0  # fraction of the job's pixel-steps done: an ETA that counts large steps as large


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
    settings: Settings
    plan: MemoryPlan
    sizes: list[tuple[int, int]]
    steps: list[int]
    on_progress: Callable[[StepReport], None] | None
    cancel: CancelToken
    started: float
    step: int = 0
    level: int = 0
    work_done: float = 0.0
    evaluations: list[int] = dataclasses.field(init=False)  # of J and its gradient, per scale

    def __post_init__(self) -> None:
        self.evaluations = [0] * len(self.sizes)

    def report_step(self, cost: float, image: torch.Tensor) -> None:
        self.step += 1
        width, height = self.sizes[self.level]
        total_work = sum(w * h * n for (w, h), n in zip(self.sizes, self.steps, strict=True))
        self.work_done += width * height / total_work
        if self.on_progress is not None:
            self.on_progress(
                StepReport(
                    self.step,
                    sum(self.steps),
                    cost,
                    time.perf_counter() - self.started,
                    _previewer(image),
                    self.level + 1,
                    len(self.sizes),
                    (width, height),
                    min(1.0, self.work_done),
                )
            )


def _previewer(image: torch.Tensor) -> Callable[[int], torch.Tensor]:
    def preview(max_side: int) -> torch.Tensor:
        current = image.detach()[0].float().clamp(0, 1).cpu()
        width, height = fit_long_side(current.shape[2], current.shape[1], min(max_side, max(current.shape[1:])))
        return resize(current, width, height)

    return preview


Evaluate = Callable[[torch.Tensor], tuple[float, torch.Tensor]]


def _evaluator(run: _Run, objective: Objective, targets: Targets, tile: int, best: _BestIterate | None) -> Evaluate:
    """J and its gradient of an image (by tiles of `tile` px where it is larger), checking for cancel first."""

    def evaluate(image: torch.Tensor) -> tuple[float, torch.Tensor]:
        run.cancel.raise_if_cancelled()
        run.evaluations[run.level] += 1
        cost, gradient = objective.cost_and_gradient(run.model, image, targets, tile)
        if best is not None:
            best.offer(cost, image, run.step + 1)
        return cost, gradient

    return evaluate


def _optimise_adam(run: _Run, image: torch.Tensor, evaluate: Evaluate, steps: int) -> torch.Tensor:
    """The seed recipe's loop: Adam on the pixels, clipped to [0, 1] after every step."""
    pixels = image.clone().requires_grad_(True)
    optimizer = torch.optim.Adam([pixels], lr=run.settings.learning_rate)
    for _ in range(steps):
        cost, pixels.grad = evaluate(pixels.detach())
        optimizer.step()
        with torch.no_grad():
            pixels.clamp_(0.0, 1.0)
        run.report_step(cost, pixels)
    return pixels.detach()


def _optimise_lbfgs(run: _Run, image: torch.Tensor, evaluate: Evaluate, steps: int) -> torch.Tensor:
    """Projected L-BFGS: every image it evaluates is clamped to [0, 1], i.e. exactly what gets saved."""
    optimizer = ProjectedLBFGS(image, evaluate, history=run.plan.history)
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


@dataclass(frozen=True)
class Scale:
    """One scale of the coarse-to-fine schedule: its size and how many optimiser steps it gets."""

    width: int
    height: int
    steps: int


def schedule(content_width: int, content_height: int, settings: Settings) -> list[Scale]:
    """A job's coarse-to-fine scales, the output's last, with their steps.

    Scales too small for VGG's poolings are skipped; below the coarsest of `scales`, halvings are added while they
    stay at least `coarsest_side` long (so a large output starts where a small one does); a scale longer than
    `fewer_steps_above` gets fewer steps, in proportion to its area (at least MIN_SCALE_STEPS).
    """
    width, height = fit_long_side(content_width, content_height, settings.size)
    check_dimensions(width, height, "the output")
    if min(width, height) < MIN_SIDE:
        raise ImageError(
            f"the output would be {width}x{height} px; style transfer needs at least {MIN_SIDE} px on the short "
            "side (use a larger size or a larger selection)"
        )
    long_side = max(width, height)
    fractions = list(settings.scales)
    while (
        settings.coarsest_side
        and len(fractions) < MAX_SCALES
        and long_side * fractions[0] / 2 >= settings.coarsest_side
    ):
        fractions.insert(0, fractions[0] / 2)
    sizes = [fit_long_side(width, height, round(long_side * fraction)) for fraction in fractions]
    sizes = [size for size in sizes[:-1] if min(size) >= MIN_SIDE] + [sizes[-1]]
    scales = []
    for index, (scale_width, scale_height) in enumerate(sizes):
        steps = settings.iterations if index == len(sizes) - 1 else settings.coarse_iterations
        side = max(scale_width, scale_height)
        if settings.fewer_steps_above and side > settings.fewer_steps_above:
            steps = min(steps, max(MIN_SCALE_STEPS, round(steps * (settings.fewer_steps_above / side) ** 2)))
        scales.append(Scale(scale_width, scale_height, steps))
    return scales


def scale_objectives(settings: Settings, sizes: Sequence[tuple[int, int]]) -> list[Objective]:
    """The objective of each scale: the settings' one, and its detail objective at a scale after the first that is
    longer than `detail_above`."""
    full = Objective.of(settings)
    detail_above = settings.detail_above
    return [
        full.detail() if index and detail_above and max(size) > detail_above else full
        for index, size in enumerate(sizes)
    ]


def plan_job(model: StyleModel, settings: Settings, content_size: tuple[int, int], input_pixels: int = 0) -> MemoryPlan:
    """How a job runs inside the model's memory limit (tiles per scale); JobTooLarge before anything runs.

    `content_size` is (width, height); `input_pixels` the pixels of every image the job holds (content, styles,
    init), which stay in memory while it runs.
    """
    sizes = [(scale.width, scale.height) for scale in schedule(*content_size, settings)]
    shapes = [
        JobShape(
            layers=frozenset(objective.layers),
            content_layers=frozenset(name for name, _ in objective.content_layers),
            conv_bytes=model.compute.conv_dtype.itemsize,
            optimizer=settings.optimizer,
            input_pixels=input_pixels,
            style_side=round(max(sizes[-1]) * settings.style_scale),
        )
        for objective in scale_objectives(settings, sizes)
    ]
    return plan_memory(shapes, sizes, model.memory_limit)


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

    Images larger than the memory plan's tile are optimised by tiles, with the same cost and gradient.
    Raises CancelledError if `cancel` is set, JobTooLarge when the job cannot fit the model's memory limit,
    ValueError for unusable inputs.
    """
    if not styles:
        raise ValueError("at least one style image is needed")
    if any(style.weight < 0 for style in styles) or sum(style.weight for style in styles) <= 0:
        raise ValueError("style blend weights must be non-negative and not all zero")
    inputs = [content, *(style.image for style in styles), *([] if init_image is None else [init_image])]
    for image in inputs:
        if image.ndim != 3 or image.shape[0] != 3:
            raise ValueError("images must be RGB tensors of shape (3, H, W)")
        check_dimensions(image.shape[2], image.shape[1])
    scales = schedule(content.shape[2], content.shape[1], settings)
    sizes = [(scale.width, scale.height) for scale in scales]
    plan = plan_job(model, settings, (content.shape[2], content.shape[1]), sum(i.shape[1] * i.shape[2] for i in inputs))
    cancel = cancel or CancelToken()
    seed = settings.seed if settings.seed is not None else time.time_ns() % 2**63
    generator = torch.Generator().manual_seed(seed)
    objectives = scale_objectives(settings, sizes)
    steps = [scale.steps for scale in scales]
    run = _Run(model, settings, plan, sizes, steps, on_progress, cancel, time.perf_counter())
    optimise = _optimise_adam if settings.optimizer == "adam" else _optimise_lbfgs
    best = _BestIterate() if settings.keep == "best" else None
    device = model.compute.device
    image: torch.Tensor | None = None
    for level, ((width, height), objective) in enumerate(zip(sizes, objectives, strict=True)):
        cancel.raise_if_cancelled()
        run.level = level
        scaled_content = resize(content, width, height)
        tile = plan.tiles[level]
        if image is None:
            image = _initial_image(settings, scaled_content, init_image, generator)
        else:
            image = resize(image, width, height)
        held = image if objective.holds_start else scaled_content
        targets = objective.targets(model, held, styles, exact=False, tile=tile)
        del scaled_content, held
        evaluate = _evaluator(run, objective, targets, tile, best if level == len(sizes) - 1 else None)
        image = optimise(run, image[None].to(device), evaluate, steps[level])[0].cpu()
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
        "scales": [f"{width}x{height}" for width, height in sizes],
        "steps_per_scale": steps,
        "evaluations_per_scale": run.evaluations,
        "detail_scales": [f"{w}x{h}" for (w, h), o in zip(sizes, objectives, strict=True) if o.holds_start],
        "memory": plan.report(),
        "weights": model.weights_description,
        "best_step": best.step if best is not None else run.step,
        "settings": _settings_report(dataclasses.replace(settings, seed=seed)),
    }
    if settings.measure_costs:
        report.update(seed_costs(model, image, content, styles, objectives[-1], plan.tiles[-1]))
    return StyleResult(image, report)


def _settings_report(settings: Settings) -> dict[str, Any]:
    fields = dataclasses.asdict(settings)
    fields["content_layers"] = dict(settings.content_layers)
    fields["style_layers"] = dict(settings.style_layers)
    return fields
