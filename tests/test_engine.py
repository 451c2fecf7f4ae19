"""The engine with real VGG-19 weights on small images: costs, optimisation, features, cancel."""

from __future__ import annotations

import pytest
import torch

from painterly.engine import CancelledError, CancelToken, StyleImage, losses, seed_costs, stylize
from painterly.engine.colour import to_yiq
from painterly.engine.images import resize
from painterly.engine.objective import Objective
from painterly.engine.presets import SettingError, settings_for

CONTENT = "content/tubingen.jpg"
STARRY = "style/starry_night.jpg"
SCREAM = "style/the_scream.jpg"


def fast_run(model, content, style, **overrides):
    """One `fast` preset job with a single style and the given overrides."""
    return stylize(model, content, [StyleImage(style)], settings_for("fast", overrides))


def test_costs_match_the_origin_formulas_computed_by_hand():
    torch.manual_seed(0)
    a_c, a_g, a_s = (torch.rand(1, 3, 2, 4) for _ in range(3))
    n_c, n_h, n_w = 3, 2, 4
    by_hand_content = sum(
        (a_c[0, c, h, w] - a_g[0, c, h, w]) ** 2 for c in range(n_c) for h in range(n_h) for w in range(n_w)
    ) / (4 * n_h * n_w * n_c)

    def raw_gram(a):
        return [
            [sum(a[0, i, h, w] * a[0, j, h, w] for h in range(n_h) for w in range(n_w)) for j in range(3)]
            for i in range(3)
        ]

    gram_s, gram_g = raw_gram(a_s), raw_gram(a_g)
    by_hand_style = sum((gram_s[i][j] - gram_g[i][j]) ** 2 for i in range(3) for j in range(3)) / (
        4 * n_c**2 * (n_h * n_w) ** 2
    )
    assert losses.content_cost(a_c, a_g).item() == pytest.approx(float(by_hand_content), rel=1e-5)
    assert losses.gram_distance(losses.gram(a_s), losses.gram(a_g)).item() == pytest.approx(
        float(by_hand_style), rel=1e-5
    )


@pytest.mark.parametrize("preset", ["seed", "quality"])
def test_optimisation_lowers_the_seed_cost(model, test_image, preset):
    content, style = test_image(CONTENT, 96), test_image(STARRY)
    settings = settings_for(
        preset, {"iterations": 10, "coarse_iterations": 3, "size": 96, "seed": 1, "measure_costs": True}
    )
    before = seed_costs(model, content, content, [StyleImage(style)], Objective.of(settings))["J"]
    result = stylize(model, content, [StyleImage(style)], settings)
    assert result.report["J"] < 0.7 * before
    assert result.report["steps"] == settings.iterations + (len(settings.scales) - 1) * settings.coarse_iterations
    for steps, evaluations in zip(
        result.report["steps_per_scale"], result.report["evaluations_per_scale"], strict=True
    ):
        assert evaluations >= steps + (settings.optimizer == "lbfgs")  # L-BFGS evaluates its start too
    assert result.image.min() >= 0 and result.image.max() <= 1


def test_progress_reports_every_step_and_keeps_the_best_iterate(model, test_image):
    content, style = test_image(CONTENT), test_image(STARRY)
    seen = []
    settings = settings_for("seed", {"iterations": 8, "size": 48, "seed": 3, "learning_rate": 0.3})
    result = stylize(model, content, [StyleImage(style)], settings, on_progress=seen.append)
    assert [p.step for p in seen] == list(range(1, 9))
    assert all(p.total == 8 for p in seen)
    preview = seen[-1].preview(24)
    assert preview.shape[0] == 3 and max(preview.shape[1:]) == 24
    best = min(seen, key=lambda p: p.cost)
    assert result.report["best_step"] == best.step


def test_preserve_colors_keeps_the_contents_chroma(model, test_image):
    content, style = test_image(CONTENT), test_image(STARRY)
    chroma = to_yiq(content)[1:]
    runs = {
        keep: fast_run(model, content, style, iterations=10, size=64, preserve_colors=keep, seed=2).image
        for keep in (False, True)
    }
    kept_error = (to_yiq(runs[True])[1:] - chroma).abs().mean().item()
    free_error = (to_yiq(runs[False])[1:] - chroma).abs().mean().item()
    assert kept_error < 0.02
    assert free_error > 3 * kept_error


def test_blend_weights_move_the_result_between_two_styles(model, test_image):
    content, starry, scream = test_image(CONTENT), test_image(STARRY), test_image(SCREAM)

    def distance_to(result_image, style):
        return seed_costs(model, result_image, content, [StyleImage(style)])["J_style"]

    ratios = []
    for weight in (1.0, 0.5, 0.0):
        styles = [StyleImage(starry, weight), StyleImage(scream, 1.0 - weight)]
        image = stylize(model, content, styles, settings_for("fast", {"iterations": 15, "size": 64, "seed": 4})).image
        ratios.append(distance_to(image, starry) / distance_to(image, scream))
    assert ratios[0] < ratios[1] < ratios[2]


@pytest.mark.parametrize("preset", ["seed", "fast"])
def test_cancel_stops_within_one_step(model, test_image, preset):
    content, style = test_image(CONTENT), test_image(STARRY)
    token, steps = CancelToken(), []

    def on_progress(progress):
        steps.append(progress.step)
        if progress.step == 3:
            token.cancel()

    with pytest.raises(CancelledError):
        stylize(
            model,
            content,
            [StyleImage(style)],
            settings_for(preset, {"iterations": 50, "size": 48}),
            on_progress=on_progress,
            cancel=token,
        )
    assert steps == [1, 2, 3]


def test_same_seed_gives_the_same_image(model, test_image):
    content, style = test_image(CONTENT), test_image(STARRY)
    settings = settings_for("seed", {"iterations": 4, "size": 48, "seed": 7, "init": "noise"})
    first = stylize(model, content, [StyleImage(style)], settings).image
    second = stylize(model, content, [StyleImage(style)], settings).image
    assert torch.equal(first, second)


def test_bf16_convolutions_give_the_fp32_result_within_tolerance(weights_path, test_image):
    from painterly.engine import load_model

    content, style = test_image(CONTENT), test_image(STARRY)
    settings = settings_for("fast", {"iterations": 15, "size": 64, "seed": 5, "measure_costs": True})
    costs = {
        precision: stylize(
            load_model(str(weights_path), "cpu", precision), content, [StyleImage(style)], settings
        ).report["J"]
        for precision in ("float32", "bfloat16")
    }
    assert costs["bfloat16"] == pytest.approx(costs["float32"], rel=0.25)


def test_output_size_is_independent_of_input_size(model, test_image):
    content, style = test_image(CONTENT, 80), test_image(STARRY)
    result = stylize(model, content, [StyleImage(style)], settings_for("fast", {"iterations": 1, "size": 40}))
    assert max(result.image.shape[1:]) == 40
    assert result.image.shape[2] / result.image.shape[1] == pytest.approx(content.shape[2] / content.shape[1], 0.05)


def test_bad_settings_and_inputs_are_refused_with_a_message(model, test_image):
    content, style = test_image(CONTENT), test_image(STARRY)
    with pytest.raises(SettingError, match="unknown setting 'colour'"):
        settings_for("fast", {"colour": 1})
    with pytest.raises(SettingError, match="unknown layer 'conv9_1'"):
        settings_for("fast", {"style_layers": {"conv9_1": 1.0}})
    with pytest.raises(SettingError, match="unknown preset"):
        settings_for("best")
    with pytest.raises(ValueError, match="not all zero"):
        stylize(model, content, [StyleImage(style, 0.0)], settings_for("fast", {"iterations": 1}))
    with pytest.raises(ValueError, match="RGB"):
        stylize(model, content[:1], [StyleImage(style)], settings_for("fast", {"iterations": 1}))
    assert resize(content, 10, 8).shape == (3, 8, 10)


def test_small_regions_get_a_clear_message_and_coarse_scales_adapt(model, test_image):
    from painterly.engine.images import ImageError

    content, style = test_image(CONTENT, 64), test_image(STARRY)
    strip = content[:, :10, :]  # a 64x10 selection
    with pytest.raises(ImageError, match="at least 16 px on the short side"):
        stylize(model, strip, [StyleImage(style)], settings_for("quality", {"iterations": 1, "size": 64}))
    thin_style = style[:, :6, :]
    result = stylize(
        model,
        content[:, :20, :],
        [StyleImage(thin_style)],
        settings_for("quality", {"iterations": 2, "coarse_iterations": 2, "size": 64}),
    )
    assert result.image.shape[1:] == (20, 64)
    assert result.report["steps"] == 2  # the half-size scale (10 px high) was skipped


def test_average_pooling_changes_the_result_and_the_seed_is_reported(model, test_image):
    content, style = test_image(CONTENT, 48), test_image(STARRY)
    runs = {
        pooling: fast_run(model, content, style, iterations=3, size=48, pooling=pooling, seed=9)
        for pooling in ("max", "avg")
    }
    assert not torch.equal(runs["max"].image, runs["avg"].image)
    assert runs["avg"].report["settings"]["pooling"] == "avg"
    unseeded = fast_run(model, content, style, iterations=1, size=48)
    assert isinstance(unseeded.report["settings"]["seed"], int)


def test_a_detail_scale_reads_only_shallow_layers_and_holds_the_image_it_starts_from(model, test_image):
    content, style = test_image(CONTENT), test_image(STARRY)
    overrides = {"size": 96, "scales": [0.5, 1.0], "coarsest_side": 0, "iterations": 4, "coarse_iterations": 4}
    overrides["seed"] = 1
    full = stylize(model, content, [StyleImage(style)], settings_for("quality", overrides))
    settings = settings_for("quality", {**overrides, "detail_above": 64})
    detail = stylize(model, content, [StyleImage(style)], settings)
    assert full.report["detail_scales"] == [] and detail.report["detail_scales"] == ["96x72"]
    objective = Objective.of(settings).detail()
    assert objective.layers == {"conv1_1", "conv2_1", "conv3_1"} and objective.holds_start
    assert objective.content_layers == (("conv3_1", 1.0),)
    assert not torch.equal(full.image, detail.image)


def test_a_style_smaller_than_the_scale_is_enlarged_only_when_asked(model, test_image):
    """enlarge_style off: a 64-px style at a 128-px scale keeps its own size; a larger style is reduced either way."""
    content, small_style, large_style = test_image(CONTENT, 128), test_image(STARRY, 64), test_image(STARRY, 256)

    def grams(style, style_scale=1.0, enlarge_style=True):
        sizing = {"style_scale": style_scale, "enlarge_style": enlarge_style}
        objective = Objective.of(settings_for("quality", sizing))
        return objective.targets(model, content, [StyleImage(style)], exact=True).grams

    kept, enlarged = grams(small_style, enlarge_style=False), grams(small_style)
    at_its_own_size = grams(small_style, style_scale=0.5)  # 0.5 x 128 px: the style's own 64 px
    reduced, reduced_anyway = grams(large_style), grams(large_style, enlarge_style=False)
    for name in kept:
        torch.testing.assert_close(kept[name], at_its_own_size[name])
        assert not torch.allclose(kept[name], enlarged[name], rtol=0.01)
        torch.testing.assert_close(reduced[name], reduced_anyway[name])
