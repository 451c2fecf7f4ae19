"""EngineWorker: runs one job at a time on the engine in its own thread and reports what happens."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from painterly.engine import CancelledError, CancelToken, StepReport, StyleImage, StyleModel, stylize
from painterly.engine.images import ImageError, Picture, resize
from painterly.server.job_queue import Job
from painterly.server.style_library import StyleLibrary
from painterly.server.wire_pictures import picture_of, pixels_of
from painterly_wire import Cancelled, Failed, JobEvent, Progress, Result, StyleSpec

PREVIEW_SIDE = 256

log = logging.getLogger(__name__)


class StyleGone(Exception):
    """A library style a queued job names was removed from the library before the job ran."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


class EngineWorker:
    """Runs jobs on the engine, one at a time, each in a fresh thread; `deliver` gets every event (thread-safe)."""

    def __init__(
        self,
        model: StyleModel,
        library: StyleLibrary,
        deliver: Callable[[JobEvent], None],
        preview_every_s: float = 2.0,
    ) -> None:
        self.model = model
        self.library = library
        self.deliver = deliver
        self.preview_every_s = preview_every_s
        self._thread: threading.Thread | None = None
        self._cancel = CancelToken()
        self._cancel_reason = ""

    def start(self, job: Job) -> None:
        """Run a job in the background once the previous job's thread (which has delivered its outcome) ended."""
        self.join(None)
        self._cancel = CancelToken()
        self._cancel_reason = ""
        self._thread = threading.Thread(
            target=self._run, args=(job, self._cancel), name=f"job-{job.id[:8]}", daemon=True
        )
        self._thread.start()

    def cancel(self, reason: str) -> None:
        """Stop the running job within one step; a Cancelled event with this reason follows."""
        self._cancel_reason = reason
        self._cancel.cancel()

    def join(self, timeout_s: float | None) -> None:
        """Wait for the running job's thread to end."""
        if self._thread is not None:
            self._thread.join(timeout_s)

    def _run(self, job: Job, cancel: CancelToken) -> None:
        try:
            self.deliver(self._outcome(job, cancel))
        except CancelledError:
            self.deliver(Cancelled(job.id, self._cancel_reason))
        except StyleGone as gone:
            self.deliver(Failed(job.id, "unknown_style", f"the style {gone.name!r} left the library"))
        except ImageError as error:
            self.deliver(Failed(job.id, "bad_image", str(error)))
        except ValueError as error:
            self.deliver(Failed(job.id, "bad_params", str(error)))
        except Exception as error:
            log.exception("job %s failed", job.id)
            self.deliver(Failed(job.id, "engine_failed", f"the engine failed: {error}"))

    def _outcome(self, job: Job, cancel: CancelToken) -> Result:
        """Run the job; a job of zero steps in all (no final and no coarse iterations) returns the content as
        it came, without a detour through the engine."""
        settings = job.settings
        if settings.iterations == 0 and (len(settings.scales) == 1 or settings.coarse_iterations == 0):
            return Result(job.id, job.content, {"preset": settings.preset, "steps": 0, "seconds": 0.0})
        content = picture_of(job.content)
        styles = [StyleImage(self._style_picture(style).rgb, style.weight) for style in job.styles]
        init = None if job.init_image is None else picture_of(job.init_image).rgb
        result = stylize(
            self.model,
            content.rgb,
            styles,
            settings,
            on_progress=self._progress_reporter(job.id),
            cancel=cancel,
            init_image=init,
        )
        height, width = result.image.shape[1:]
        alpha = None if content.alpha is None else resize(content.alpha, width, height)
        return Result(job.id, pixels_of(Picture(result.image, alpha), job.content.dtype), result.report)

    def _style_picture(self, style: StyleSpec) -> Picture:
        if style.pixels is not None:
            return picture_of(style.pixels)
        try:
            return self.library.load(style.library)
        except KeyError:
            raise StyleGone(style.library) from None

    def _progress_reporter(self, job_id: str) -> Callable[[StepReport], None]:
        """The engine's progress callback for a job: every step, with a preview every preview_every_s."""
        last_preview = time.monotonic()

        def report(progress: StepReport) -> None:
            nonlocal last_preview
            preview = None
            now = time.monotonic()
            if now - last_preview >= self.preview_every_s:
                last_preview = now
                preview = pixels_of(Picture(progress.preview(PREVIEW_SIDE)), "u8")
            width, height = progress.size
            self.deliver(
                Progress(
                    job_id,
                    progress.step,
                    progress.total,
                    progress.cost,
                    progress.elapsed_s,
                    eta_seconds(progress),
                    preview,
                    progress.scale,
                    progress.scales,
                    width,
                    height,
                    progress.work_done,
                )
            )

        return report


def eta_seconds(progress: StepReport) -> float:
    """Seconds left, weighted by each step's pixels (the coarse steps of a coarse-to-fine job are cheap): the time
    spent per unit of work done so far, times the work left; by steps when the engine reports no work."""
    if progress.step >= progress.total:
        return 0.0
    if progress.work_done > 0:
        return progress.elapsed_s / progress.work_done * max(0.0, 1.0 - progress.work_done)
    return progress.elapsed_s / max(progress.step, 1) * (progress.total - progress.step)
