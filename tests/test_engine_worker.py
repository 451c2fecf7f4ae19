"""EngineWorker's own decisions, with the engine stood in for: when a job is zero-step, which errors mean what."""

from __future__ import annotations

import torch

from painterly import engine_worker
from painterly.engine import StyleResult
from painterly.engine_worker import EngineWorker
from painterly.jobs import Job, StyleRequest
from painterly.presets import settings_for
from painterly.wire_pictures import picture_of
from painterly_wire import Failed, Pixels, Result

CONTENT = Pixels(4, 3, 3, "u8", bytes(range(36)))


class Library:
    def __init__(self, names: set[str]) -> None:
        self.names = names

    def load(self, name: str):
        if name not in self.names:
            raise KeyError(name)
        return picture_of(CONTENT)


def outcome(settings, styles, monkeypatch, engine=None):
    """The one event the worker delivers for a job; `engine` stands in for engine.stylize."""
    calls = []

    def fake_stylize(model, content, sources, settings, progress, cancel, init):
        calls.append(settings)
        if engine is not None:
            return engine()
        return StyleResult(torch.zeros_like(content), {"steps": 1})

    monkeypatch.setattr(engine_worker, "stylize", fake_stylize)
    events = []
    worker = EngineWorker(None, Library({"here"}), events.append)
    worker.start(Job(b"a", b"a", CONTENT, styles, settings))
    worker.join(10)
    assert len(events) == 1
    return events[0], calls


def test_zero_iterations_with_one_scale_echoes_the_content(monkeypatch):
    event, calls = outcome(settings_for("fast", {"iterations": 0}), [StyleRequest(1.0, library="here")], monkeypatch)
    assert isinstance(event, Result) and bytes(event.image.data) == CONTENT.data and calls == []


def test_zero_final_iterations_with_coarse_scales_still_runs_the_engine(monkeypatch):
    settings = settings_for("quality", {"iterations": 0})
    assert len(settings.scales) > 1 and settings.coarse_iterations > 0
    event, calls = outcome(settings, [StyleRequest(1.0, library="here")], monkeypatch)
    assert isinstance(event, Result) and calls == [settings]


def test_zero_iterations_and_zero_coarse_iterations_echo(monkeypatch):
    settings = settings_for("quality", {"iterations": 0, "coarse_iterations": 0})
    event, calls = outcome(settings, [StyleRequest(1.0, library="here")], monkeypatch)
    assert isinstance(event, Result) and bytes(event.image.data) == CONTENT.data and calls == []


def test_a_style_gone_from_the_library_is_unknown_style(monkeypatch):
    event, _ = outcome(settings_for("fast", {"iterations": 2}), [StyleRequest(1.0, library="gone")], monkeypatch)
    assert isinstance(event, Failed) and event.code == "unknown_style" and "'gone'" in event.message


def test_a_key_error_inside_the_engine_is_an_engine_failure_not_a_missing_style(monkeypatch):
    def broken():
        raise KeyError("conv5_1")

    settings = settings_for("fast", {"iterations": 2})
    event, _ = outcome(settings, [StyleRequest(1.0, library="here")], monkeypatch, engine=broken)
    assert isinstance(event, Failed) and event.code == "engine_failed"
