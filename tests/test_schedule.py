"""The coarse-to-fine schedule at large sizes and the size limits (no model needed)."""

from __future__ import annotations

import pytest

from painterly.engine.presets import MAX_JOB_SIDE, SettingError, settings_for
from painterly.engine.stylize import schedule


def sizes_and_steps(size: int) -> list[tuple[int, int]]:
    return [
        (max(scale.width, scale.height), scale.steps)
        for scale in schedule(3000, 2000, settings_for("quality", {"size": size}))
    ]


def test_the_default_512_px_schedule_is_unchanged():
    assert sizes_and_steps(512) == [(128, 200), (256, 200), (512, 200)]


def test_large_outputs_start_where_small_ones_do_and_take_few_steps_at_full_size():
    assert sizes_and_steps(2400) == [(150, 200), (300, 200), (600, 146), (1200, 36), (2400, 10)]
    assert sizes_and_steps(8192) == [(128, 200), (256, 200), (512, 200), (1024, 50), (2048, 12), (4096, 10), (8192, 10)]
    seed = schedule(3000, 2000, settings_for("seed", {"size": 2400, "iterations": 30}))
    assert [(scale.width, scale.steps) for scale in seed] == [(2400, 30)]  # the seed recipe keeps its one scale


def test_the_engine_paints_up_to_8192_px():
    assert MAX_JOB_SIDE == 8192
    assert settings_for("quality", {"size": 8192}).size == 8192
    with pytest.raises(SettingError, match="size must be between 16 and 8192"):
        settings_for("quality", {"size": 8193})
