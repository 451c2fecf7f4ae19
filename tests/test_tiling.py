"""Tiled VGG passes with real weights on a real image: the same activations, targets, cost and gradient as one pass."""

from __future__ import annotations

import dataclasses

import pytest
import torch

from painterly.engine import StyleImage, load_model, stylize
from painterly.engine.objective import SEED_OBJECTIVE, Objective, seed_costs
from painterly.engine.presets import settings_for
from painterly.engine.tiling import feature_maps, halo, tile_grid

CONTENT = "content/tubingen.jpg"
STARRY = "style/starry_night.jpg"
TILE = 64  # interiors of 64 px: a 256x192 image has 12 tiles, the middle ones cut by halo on every side


def relative(tiled: torch.Tensor, whole: torch.Tensor) -> float:
    return ((tiled.float() - whole.float()).abs().max() / whole.float().abs().max()).item()


@pytest.fixture(scope="module")
def fp32_model(weights_path):
    return load_model(str(weights_path), "cpu", "float32")


@pytest.fixture(scope="module")
def bf16_model(weights_path):
    return load_model(str(weights_path), "cpu", "bfloat16")


def test_the_halo_is_exact_and_one_grid_cell_less_is_not(fp32_model, test_image):
    image = test_image(CONTENT, 256)[None]
    width, height = image.shape[3], image.shape[2]

    def features(crop, layers):
        return fp32_model.features(crop, layers, exact=True)

    for name in ("conv3_1", "conv5_1"):
        whole = features(image, {name})[name]
        tiled = feature_maps(features, image, tile_grid(width, height, TILE, halo({name})), {name})[name]
        short = feature_maps(features, image, tile_grid(width, height, TILE, halo({name}) - 16), {name})[name]
        assert relative(tiled, whole) < 1e-6, name
        assert relative(short, whole) > 1e-4, name
    assert halo({"conv5_1"}) == 80 and halo({"conv4_2"}) == 48


def test_a_tile_side_covering_the_image_is_one_tile_even_off_the_grid():
    # the memory plan's "whole image" for a 600x400 scale is a side of 600, not a multiple of 16: it was rounded
    # down to 592 and paid for a second tile, its halo and a statistics pass (a step 2x as long as at 608x400)
    for width, height in ((600, 400), (150, 100), (301, 203)):
        assert [tile.crop for tile in tile_grid(width, height, max(width, height), 80)] == [(0, height, 0, width)]
    split = tile_grid(1200, 800, 1024, 80)
    assert [tile.interior for tile in split] == [(0, 800, 0, 608), (0, 800, 608, 1200)]


def quality_objective(padding: str, tv_weight: float = 0.0) -> Objective:
    settings = settings_for("quality", {"padding": padding, "tv_weight": tv_weight})
    return Objective.of(settings)


def costs_both_ways(model, test_image, objective):
    content = test_image(CONTENT, 256)
    style = test_image(STARRY, 200)
    whole_targets = objective.targets(model, content, [StyleImage(style)], exact=False)
    tiled_targets = objective.targets(model, content, [StyleImage(style)], exact=False, tile=TILE)
    generator = torch.Generator().manual_seed(0)
    image = (content + 0.2 * torch.rand(content.shape, generator=generator) - 0.1).clamp(0, 1)[None]
    whole = objective.cost_and_gradient(model, image, whole_targets)
    tiled = objective.cost_and_gradient(model, image, tiled_targets, tile=TILE)
    assert len(objective.tiles(content.shape[2], content.shape[1], TILE)) == 12
    return whole_targets, tiled_targets, whole, tiled


@pytest.mark.parametrize("padding", ["zeros", "reflect"])
def test_tiled_cost_gradient_and_targets_equal_the_untiled_ones_in_fp32(fp32_model, test_image, padding):
    whole_targets, tiled_targets, (j_whole, g_whole), (j_tiled, g_tiled) = costs_both_ways(
        fp32_model, test_image, quality_objective(padding, tv_weight=1e6)
    )
    for name, target in whole_targets.content.items():
        assert relative(tiled_targets.content[name], target) < 1e-6
    for name, gram in whole_targets.grams.items():
        assert relative(tiled_targets.grams[name], gram) < 1e-5
    assert j_tiled == pytest.approx(j_whole, rel=1e-6)
    assert relative(g_tiled, g_whole) < 1e-5


def test_tiled_cost_and_gradient_in_bf16_stay_within_the_stated_bound(bf16_model, test_image):
    """bf16 convolutions round differently on crops of other shapes: J within 1e-5, gradient within 1 % (L2)."""
    _, _, (j_whole, g_whole), (j_tiled, g_tiled) = costs_both_ways(bf16_model, test_image, quality_objective("zeros"))
    assert j_tiled == pytest.approx(j_whole, rel=1e-5)
    assert ((g_tiled - g_whole).norm() / g_whole.norm()).item() < 1e-2


def test_the_reports_seed_costs_by_tiles_equal_the_untiled_ones(fp32_model, test_image):
    """The report's float32 pass over the result runs in the final scale's tiles, so it never outgrows the plan."""
    content, style = test_image(CONTENT, 256), test_image(STARRY, 200)
    image = (content + 0.2 * torch.rand(content.shape, generator=torch.Generator().manual_seed(0)) - 0.1).clamp(0, 1)
    whole = seed_costs(fp32_model, image, content, [StyleImage(style)])
    tiled = seed_costs(fp32_model, image, content, [StyleImage(style)], tile=TILE)
    assert len(SEED_OBJECTIVE.tiles(256, content.shape[1], TILE)) > 1
    for name in ("J", "J_content", "J_style"):
        assert tiled[name] == pytest.approx(whole[name], rel=1e-5), name
    assert whole["J_content"] > 0 and whole["J_style"] > 0


def test_stylize_tiles_transparently_when_the_memory_plan_asks(fp32_model, test_image):
    from painterly.engine.stylize import plan_job

    content, style = test_image(CONTENT, 240), test_image(STARRY)
    settings = settings_for(
        "fast", {"iterations": 3, "size": 240, "seed": 1, "optimizer": "adam", "measure_costs": True}
    )
    size = (content.shape[2], content.shape[1])
    untiled_plan = plan_job(fp32_model, settings, size)
    assert untiled_plan.tiles == (240,)
    tight = dataclasses.replace(fp32_model, memory_limit=untiled_plan.needed - 1)
    assert plan_job(tight, settings, size).tiles[-1] < 240
    whole = stylize(fp32_model, content, [StyleImage(style)], settings)
    tiled = stylize(tight, content, [StyleImage(style)], settings)
    assert tiled.report["memory"]["tiles"][-1] < 240
    assert tiled.report["J"] == pytest.approx(whole.report["J"], rel=1e-4)
    # Adam divides each pixel's step by its gradient's own size, so the round-off of sums taken in another order
    # (relative 1e-6 in the gradient) moves a few pixels by up to 1.5e-3 in three steps: bound it by half an 8-bit level
    assert (tiled.image - whole.image).abs().max().item() < 0.5 / 255
