"""painterly_wire.params: the params map the editor plugins send, checked against the engine's presets."""

from __future__ import annotations

import pytest

from painterly.engine.presets import PRESET_NAMES, settings_for
from painterly.server.submission import settings_from_params
from painterly_wire.params import job_params, style_weight_for_strength


@pytest.mark.parametrize("preset", PRESET_NAMES)
def test_strength_50_keeps_each_presets_style_weight(preset):
    assert style_weight_for_strength(50) == pytest.approx(settings_for(preset).style_weight)


def test_strength_moves_monotonically_from_content_to_style():
    weights = [style_weight_for_strength(strength) for strength in range(0, 101, 10)]
    assert weights == sorted(weights) and weights[0] * 10**4 == pytest.approx(weights[-1])


def test_the_daemon_accepts_the_params():
    settings = settings_from_params(job_params("fast", 64, 75, True, iterations=3))
    assert (settings.preset, settings.size, settings.iterations, settings.preserve_colors) == ("fast", 64, 3, True)
    assert settings_from_params(job_params("quality", 512, 50, False)).iterations == settings_for("quality").iterations
