"""EngineWorker's own decisions with the real engine and weights: when a job is zero-step, which errors mean what."""

from __future__ import annotations

from pathlib import Path

from painterly.engine import StepReport
from painterly.engine.images import Picture, pixels_from_picture
from painterly.engine.presets import settings_for
from painterly.server.job_queue import Job
from painterly.server.style_library import StyleLibrary
from painterly.server.worker import EngineWorker, eta_seconds
from painterly_wire import Failed, Pixels, Progress, Result, StyleSpec


def wire_image(rgb) -> Pixels:
    data, channels = pixels_from_picture(Picture(rgb), "u8")
    return Pixels(rgb.shape[2], rgb.shape[1], channels, "u8", data)


def outcome(model, content: Pixels, settings, styles, library=None):
    """The one event the real worker delivers for a job, and the steps it reported."""
    events = []
    worker = EngineWorker(
        model, library or StyleLibrary(user=Path("/nonexistent")), events.append, preview_every_s=3600
    )
    worker.start(Job(b"a", b"a", content, styles, settings))
    worker.join(120)
    finals = [event for event in events if isinstance(event, (Result, Failed))]
    steps = [event.step for event in events if hasattr(event, "step")]
    assert len(finals) == 1
    return finals[0], steps


def test_zero_steps_echo_the_content_without_running_the_engine(model, test_image):
    content = wire_image(test_image("content/tubingen.jpg", 64))
    style = StyleSpec(1.0, pixels=wire_image(test_image("style/starry_night.jpg", 32)))
    for settings in (
        settings_for("fast", {"iterations": 0}),
        settings_for("quality", {"iterations": 0, "coarse_iterations": 0}),
    ):
        event, steps = outcome(model, content, settings, [style])
        assert isinstance(event, Result) and bytes(event.image.data) == content.data and steps == []


def test_zero_final_steps_with_coarse_scales_still_run_the_engine(model, test_image):
    content = wire_image(test_image("content/tubingen.jpg", 96))
    style = StyleSpec(1.0, pixels=wire_image(test_image("style/starry_night.jpg", 32)))
    settings = settings_for("quality", {"iterations": 0, "coarse_iterations": 2, "size": 96})
    event, steps = outcome(model, content, settings, [style])
    assert isinstance(event, Result) and steps == [1, 2, 3, 4]
    assert bytes(event.image.data) != content.data


def test_a_style_missing_from_the_library_is_unknown_style(model, test_image, tmp_path):
    content = wire_image(test_image("content/tubingen.jpg", 48))
    library = StyleLibrary(user=tmp_path)
    event, _ = outcome(
        model, content, settings_for("fast", {"iterations": 1}), [StyleSpec(1.0, library="gone")], library
    )
    assert isinstance(event, Failed) and event.code == "unknown_style" and "gone" in event.message


def test_progress_says_which_scale_runs_and_its_size(model, test_image):
    content = wire_image(test_image("content/tubingen.jpg", 96))
    style = StyleSpec(1.0, pixels=wire_image(test_image("style/starry_night.jpg", 32)))
    events = []
    worker = EngineWorker(model, StyleLibrary(user=Path("/nonexistent")), events.append, preview_every_s=3600)
    worker.start(Job(b"a", b"a", content, [style], settings_for("quality", {"iterations": 1, "coarse_iterations": 1,
                                                                            "size": 96})))  # fmt: skip
    worker.join(120)
    progress = [event for event in events if isinstance(event, Progress)]
    assert [(p.scale, p.scales) for p in progress] == [(1, 3), (2, 3), (3, 3)]
    assert [max(p.width, p.height) for p in progress] == [24, 48, 96]
    works = [p.work_done for p in progress]
    assert works == sorted(works) and works[-1] == 1.0 and progress[-1].eta_s == 0.0


def test_the_eta_weighs_steps_by_their_pixels():
    def report(step: int, work_done: float) -> StepReport:
        return StepReport(step, 10, 1.0, 10.0, lambda side: None, work_done=work_done)

    # 9 cheap coarse steps took 10 s and did a tenth of the work: the last, large step takes 90 s more
    assert eta_seconds(report(9, 0.1)) == 90.0
    assert eta_seconds(report(5, 0.0)) == 10.0  # no work figure: by steps
    assert eta_seconds(report(10, 0.9999999)) == 0.0  # the last step leaves nothing, whatever the rounding
