"""What the progress window says about a running job, in words an artist reads at a glance (pure Python)."""

from __future__ import annotations

from painterly_wire import Progress


def step_text(progress: Progress) -> str:
    """One optimisation step done, and the time left."""
    return f"Painting: step {progress.step} of {progress.total}, {eta_text(progress.eta_s)}"


def eta_text(seconds: float) -> str:
    """Time left in words an artist reads at a glance."""
    if seconds < 1:
        return "almost done"
    if seconds < 90:
        return f"about {seconds:.0f} s left"
    return f"about {seconds / 60:.0f} min left"
