"""What an editor shows about a running job, in words an artist reads at a glance (the same in both plugins)."""

from __future__ import annotations

from painterly_wire.records import Progress


def step_text(progress: Progress) -> str:
    """One optimisation step done, which scale of a coarse-to-fine job runs at what size, and the time left, e.g.
    "Painting scale 3 of 5, 1200x800: step 17 of 40, about 2 min left"."""
    steps = f"step {progress.step} of {progress.total}, {eta_text(progress.eta_s)}"
    if progress.scales <= 1 or not progress.width:
        return f"Painting: {steps}"
    return f"Painting scale {progress.scale} of {progress.scales}, {progress.width}x{progress.height}: {steps}"


def work_done(progress: Progress) -> float:
    """How much of the job is done, 0..1: its pixel-steps where the daemon counts them (a large step counts as
    large), else its steps."""
    done = progress.work_done if progress.work_done > 0 else progress.step / max(progress.total, 1)
    return min(done, 1.0)


def eta_text(seconds: float) -> str:
    """Time left in words an artist reads at a glance."""
    if seconds < 1:
        return "almost done"
    if seconds < 90:
        return f"about {seconds:.0f} s left"
    return f"about {seconds / 60:.0f} min left"
