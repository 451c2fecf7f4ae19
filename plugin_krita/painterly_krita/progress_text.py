"""What the progress window says about a running job, in words an artist reads at a glance (pure Python)."""

from __future__ import annotations

from painterly_wire import Progress

BAR_STEPS = 1000  # the progress bar's maximum


def step_text(progress: Progress) -> str:
    """One optimisation step done, which scale of a coarse-to-fine job runs at what size, and the time left."""
    steps = f"step {progress.step} of {progress.total}, {eta_text(progress.eta_s)}"
    if progress.scales <= 1 or not progress.width:
        return f"Painting: {steps}"
    return f"Painting scale {progress.scale} of {progress.scales}, {progress.width}x{progress.height}: {steps}"


def bar_value(progress: Progress) -> int:
    """The bar's value out of BAR_STEPS: the work done, weighted by each step's pixels (by steps from a daemon that
    does not say)."""
    done = progress.work_done if progress.work_done > 0 else progress.step / max(progress.total, 1)
    return round(BAR_STEPS * min(done, 1.0))


def eta_text(seconds: float) -> str:
    """Time left in words an artist reads at a glance."""
    if seconds < 1:
        return "almost done"
    if seconds < 90:
        return f"about {seconds:.0f} s left"
    return f"about {seconds / 60:.0f} min left"
