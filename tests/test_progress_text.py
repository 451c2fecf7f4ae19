"""painterly_wire.progress_text: the progress words both plugins show."""

from __future__ import annotations

import pytest

from painterly_wire import Progress
from painterly_wire.progress_text import eta_text, step_text, work_done


def test_a_coarse_to_fine_step_says_which_scale_runs_at_what_size():
    progress = Progress("j", 17, 40, 1.0, 2.0, 130.0, None, 3, 5, 1200, 800, 0.2)
    assert step_text(progress) == "Painting scale 3 of 5, 1200x800: step 17 of 40, about 2 min left"


def test_a_one_scale_step_says_where_the_job_is():
    assert step_text(Progress("j", 3, 40, 1.0, 2.0, 30.0)) == "Painting: step 3 of 40, about 30 s left"


def test_the_work_done_counts_pixel_steps_not_steps():
    assert work_done(Progress("j", 30, 40, 1.0, 2.0, 130.0, None, 2, 3, 600, 400, 0.25)) == 0.25
    assert work_done(Progress("j", 10, 40, 1.0, 2.0, 30.0)) == 0.25  # an older daemon: by steps


@pytest.mark.parametrize(
    ("seconds", "text"), [(0.4, "almost done"), (12.2, "about 12 s left"), (600, "about 10 min left")]
)
def test_the_time_left_reads_at_a_glance(seconds, text):
    assert eta_text(seconds) == text
