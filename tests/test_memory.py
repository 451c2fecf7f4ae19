"""The memory budget: chosen tiles keep a job's measured peak below it, and a job that cannot fit is refused first."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from support import IMAGES

from painterly.engine import StyleImage, stylize
from painterly.engine.memory import GiB, JobTooLarge, MiB, parse_memory
from painterly.engine.presets import settings_for
from painterly.engine.stylize import plan_job
from painterly.server.style_library import StyleLibrary
from painterly.server.submission import job_from_submit
from painterly_wire import Pixels, ProtocolError
from painterly_wire.messages import Message, describe_pixels

BUDGET_MIB = 900  # a 512x384 quality job (reflect padding) untiled: estimated 1154 MiB in bf16, 1292 MiB in fp32


def test_memory_sizes_are_read_in_binary_units():
    assert parse_memory("4G") == 4 << 30
    assert parse_memory("1500M") == 1500 << 20
    assert parse_memory("512MiB") == 512 << 20
    assert parse_memory("2.5GB") == int(2.5 * (1 << 30))
    assert parse_memory("65536") == 65536
    for bad in ("", "4X", "-1G", "0", "G"):
        with pytest.raises(ValueError, match="memory limit"):
            parse_memory(bad)


def test_a_job_under_a_budget_that_forces_tiling_stays_below_it(weights_path):
    """Peak resident memory of a fresh process (VmHWM) running a 512-px job in a budget that forces tiles.

    Not ru_maxrss: Linux carries the parent's high-water mark into it at exec (pytest's, over 1 GiB late in a run)."""
    script = textwrap.dedent(
        f"""
        import json, os, sys
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from support import memory_mib
        from painterly.engine import StyleImage, load_model, stylize
        from painterly.engine.images import fit_long_side, load_picture, resize
        from painterly.engine.presets import settings_for

        def sized(path, side):
            rgb = load_picture(path).rgb
            return resize(rgb, *fit_long_side(rgb.shape[2], rgb.shape[1], side))

        model = load_model({str(weights_path)!r}, "cpu", memory_limit={BUDGET_MIB} << 20)
        content = sized({str(IMAGES / "content/tubingen.jpg")!r}, 512)
        style = sized({str(IMAGES / "style/starry_night.jpg")!r}, 512)
        one_step = {{"iterations": 1, "scales": [1.0], "coarsest_side": 0, "size": 512, "seed": 1}}
        settings = settings_for("quality", one_step)
        report = stylize(model, content, [StyleImage(style)], settings).report
        peak = memory_mib(os.getpid(), "VmHWM") * (1 << 20)
        print(json.dumps({{"peak": peak, "memory": report["memory"], "dtype": report.get("dtype")}}))
        """
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=600, check=True)
    measured = json.loads(run.stdout.strip().splitlines()[-1])
    assert measured["memory"]["tiles"][-1] < 512  # its untiled estimate is over the budget: the plan tiles
    assert measured["memory"]["estimated_peak_mib"] <= BUDGET_MIB
    assert measured["peak"] < BUDGET_MIB * MiB, measured


def test_a_job_too_large_for_its_budget_is_refused_before_it_starts(model, test_image):
    small = dataclasses.replace(model, memory_limit=700 * MiB)
    content, style = test_image("content/tubingen.jpg", 64), test_image("style/starry_night.jpg")
    settings = settings_for("quality", {"size": 4096})
    steps = []
    with pytest.raises(JobTooLarge) as refused:
        stylize(small, content, [StyleImage(style)], settings, on_progress=steps.append)
    assert steps == []
    message = str(refused.value)
    assert "4096x3072 job needs about" in message and "may use 700 MiB" in message and "--memory-limit" in message
    assert plan_job(small, settings_for("quality", {"size": 128}), (64, 48)).tiles[-1] == 128


def test_the_daemon_refuses_a_job_too_large_at_submit(model):
    gray = Pixels(64, 48, 1, "u8", bytes(64 * 48))
    header = {
        "type": "submit",
        "req": 1,
        "content": describe_pixels(gray, 0),
        "styles": [{"weight": 1.0, "image": describe_pixels(gray, 1)}],
        "params": {"preset": "quality", "size": 4096},
    }
    message = Message("submit", header, [gray.data, gray.data])
    small = dataclasses.replace(model, memory_limit=700 * MiB)
    with pytest.raises(ProtocolError, match="4096x3072 job needs about") as refused:
        job_from_submit(message, b"client", StyleLibrary(), small)
    assert refused.value.code == "too_large"
    assert job_from_submit(message, b"client", StyleLibrary(), model).settings.size == 4096


def test_a_detail_scale_is_planned_for_the_layers_it_computes(model):
    limited = dataclasses.replace(model, memory_limit=3 * GiB)
    full = plan_job(limited, settings_for("quality", {"size": 2400}), (2400, 1600))
    detail = plan_job(limited, settings_for("quality", {"size": 2400, "detail_above": 1200}), (2400, 1600))
    assert full.tiles[:-1] == detail.tiles[:-1]  # the scales up to 1200 px are full scales in both
    assert detail.tiles[-1] > full.tiles[-1]  # conv1_1..conv3_1 keep fewer activations per pixel than conv5_1's net
