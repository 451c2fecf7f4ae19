"""What the progress window says about a running job (pure Python): the words both plugins share, and the bar."""

from __future__ import annotations

from painterly_wire import Progress
from painterly_wire.progress_text import step_text, work_done

__all__ = ["BAR_STEPS", "bar_value", "step_text"]

BAR_STEPS = 1000  # the progress bar's maximum


def bar_value(progress: Progress) -> int:
    """The bar's value out of BAR_STEPS: the work done, weighted by each step's pixels (by steps from a daemon that
    does not say)."""
    return round(BAR_STEPS * work_done(progress))
