"""What an editor shows about a running job, in words an artist reads at a glance (shared by the plugins)."""

from __future__ import annotations

from painterly_wire.records import Progress


def progress_text(progress: Progress) -> str:
    """Which scale runs and at what size (coarse-to-fine jobs), the step, and the time left, e.g.
    "Painting: scale 3 of 5, 1200x800, step 40 of 200, about 2 min left"."""
    scale = ""
    if progress.scales > 1:
        scale = f"scale {progress.scale} of {progress.scales}, "
        if progress.width and progress.height:
            scale += f"{progress.width}x{progress.height}, "
    return f"Painting: {scale}step {progress.step} of {progress.total}, {eta_text(progress.eta_s)}"


def progress_fraction(progress: Progress) -> float:
    """How much of the job is done, 0..1: its pixel-steps where the daemon counts them (a large step counts as
    large), else its steps."""
    if progress.work_done > 0:
        return min(progress.work_done, 1.0)
    return progress.step / max(progress.total, 1)


def eta_text(seconds: float) -> str:
    """Time left in words an artist reads at a glance."""
    if seconds < 1:
        return "almost done"
    if seconds < 90:
        return f"about {seconds:.0f} s left"
    return f"about {seconds / 60:.0f} min left"
