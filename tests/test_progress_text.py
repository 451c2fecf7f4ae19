"""painterly_wire.progress_text: the progress words both plugins show."""

from __future__ import annotations

import pytest

from painterly_wire import Progress
from painterly_wire.progress_text import eta_text, progress_fraction, progress_text


def step(step: int, total: int, eta_s: float = 30.0, **scale) -> Progress:
    return Progress("job", step, total, 1.0, 10.0, eta_s, **scale)


def test_a_coarse_to_fine_job_says_which_scale_runs_at_what_size():
    progress = step(40, 200, 150, scale=3, scales=5, width=1200, height=800, work_done=0.3)
    assert progress_text(progress) == "Painting: scale 3 of 5, 1200x800, step 40 of 200, about 2 min left"


def test_a_one_scale_job_says_its_step():
    assert progress_text(step(4, 40, 12.2)) == "Painting: step 4 of 40, about 12 s left"


def test_the_bar_follows_the_pixel_steps_done_when_the_daemon_counts_them():
    assert progress_fraction(step(150, 200, scale=2, scales=3, work_done=0.25)) == 0.25
    assert progress_fraction(step(10, 40)) == 0.25  # an older daemon: by steps


@pytest.mark.parametrize(
    ("seconds", "text"), [(0.4, "almost done"), (12.2, "about 12 s left"), (600, "about 10 min left")]
)
def test_the_time_left_reads_at_a_glance(seconds, text):
    assert eta_text(seconds) == text
