"""painterly_wire.editor_choices, what both plugins offer, kept in step with the engine's presets and limits."""

from __future__ import annotations

import pytest

from painterly.engine.presets import MAX_JOB_SIDE, PRESET_NAMES, SettingError, settings_for
from painterly_wire import editor_choices as choices


def test_the_presets_offered_are_the_engines():
    assert sorted(choices.PRESETS) == sorted(PRESET_NAMES) and choices.DEFAULT_PRESET in choices.PRESETS
    assert all(choices.PRESET_TITLES[preset] for preset in choices.PRESETS)


def test_the_presets_are_listed_fastest_first():
    steps = [settings_for(preset).iterations + settings_for(preset).coarse_iterations for preset in choices.PRESETS]
    assert steps == sorted(steps)


def test_the_size_range_is_the_engines():
    assert choices.MAX_SIZE == MAX_JOB_SIDE and choices.MIN_SIZE <= choices.DEFAULT_SIZE <= choices.MAX_SIZE
    for size in (choices.MIN_SIZE, choices.MAX_SIZE):
        assert settings_for(choices.DEFAULT_PRESET, {"size": size}).size == size
    for size in (choices.MIN_SIZE - 1, choices.MAX_SIZE + 1):
        with pytest.raises(SettingError):
            settings_for(choices.DEFAULT_PRESET, {"size": size})


def test_the_iterations_range_is_the_engines():
    # "fast" paints at one scale only: its iterations are all the steps there are
    assert settings_for("fast", {"iterations": choices.MAX_ITERATIONS}).iterations == choices.MAX_ITERATIONS
    with pytest.raises(SettingError):
        settings_for("fast", {"iterations": choices.MAX_ITERATIONS + 1})


def test_strength_runs_from_content_to_style_around_the_presets_balance():
    assert (choices.MIN_STRENGTH, choices.DEFAULT_STRENGTH, choices.MAX_STRENGTH) == (0, 50, 100)


def test_the_result_layer_is_named_after_its_styles():
    assert choices.result_layer_name(["The Starry Night", "Blue Waves"]) == "Style: The Starry Night + Blue Waves"
    assert choices.result_layer_name(["x"]).startswith(choices.RESULT_LAYER_PREFIX)


@pytest.mark.parametrize(
    ("path", "title"),
    [("/art/Blue Waves.png", "Blue Waves"), (r"C:\art\wave.v2.jpg", "wave.v2"), ("noext", "noext"), (".png", ".png")],
)
def test_a_style_files_title_is_its_name_without_folder_and_extension(path, title):
    assert choices.file_style_title(path) == title
