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


def test_the_default_resolution_paints_the_layer_at_its_own_size():
    assert choices.DEFAULT_RESOLUTION == "layer" and choices.DEFAULT_RESOLUTION in choices.RESOLUTIONS
    assert choices.painted_side("layer", 512, 2400, 1600) == 2400
    assert choices.scaled_up_note(2400, 2400, 1600) == ""


@pytest.mark.parametrize(("resolution", "side"), [("preview", 512), ("draft", 1024), ("custom", 700)])
def test_the_quick_choices_and_an_explicit_number_paint_smaller_and_say_it_is_scaled_up(resolution, side):
    assert choices.painted_side(resolution, 700, 2400, 1600) == side
    note = choices.scaled_up_note(side, 2400, 1600)
    assert f"Painted at {side} px" in note and "scaled up" in note and "2400x1600" in note


def test_no_resolution_paints_above_the_layer_or_the_engines_limit():
    assert choices.painted_side("draft", 512, 300, 200) == 300
    assert choices.painted_side("layer", 512, 9000, 9000) == choices.MAX_SIZE


def test_a_long_thin_layer_keeps_the_smallest_useful_short_side():
    side = choices.painted_side("preview", 512, 4000, 40)
    assert side == 3200 and round(40 * side / 4000) >= choices.MIN_LAYER_SIDE


@pytest.mark.parametrize(("width", "height"), [(1, 1), (16, 16), (500, 31)])
def test_a_layer_too_small_to_carry_a_style_is_refused_with_the_smallest_useful_size(width, height):
    message = choices.too_small_message(width, height)
    assert f"{width}x{height}" in message and f"{choices.MIN_LAYER_SIDE} px" in message


def test_a_layer_of_the_smallest_useful_size_is_taken():
    assert choices.too_small_message(choices.MIN_LAYER_SIDE, choices.MIN_LAYER_SIDE) == ""
