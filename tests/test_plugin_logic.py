"""The plugins' parts that need no editor, imported outside Krita and GIMP: settings and their JSON form, job
params, layer names, progress text, pixel layouts, the GIMP runner's records, and the Krita run's state."""

from __future__ import annotations

import ast
import json
import subprocess
import sys

import pytest
from support import REPO

KRITA_PLUGIN = REPO / "plugin_krita"
GIMP_PLUGIN = REPO / "plugin_gimp" / "painterly-gimp"
for folder in (KRITA_PLUGIN, GIMP_PLUGIN):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from painterly_gimp.request import JobRequest  # noqa: E402
from painterly_gimp.request import StyleChoice as GimpStyle  # noqa: E402
from painterly_gimp.runner import end_record, progress_record  # noqa: E402
from painterly_krita.pixel_layout import source_alpha  # noqa: E402
from painterly_krita.progress_text import BAR_STEPS, bar_value  # noqa: E402
from painterly_krita.settings import StyleChoice as KritaStyle  # noqa: E402
from painterly_krita.settings import TransferSettings, first_run_settings  # noqa: E402
from painterly_krita.window_place import MARGIN, corner_position  # noqa: E402

from painterly_wire import DaemonUnavailable, JobFailed, Pixels, Progress, Result  # noqa: E402
from painterly_wire.daemon_start import DEFAULT_START_COMMAND  # noqa: E402
from painterly_wire.editor_choices import (  # noqa: E402
    DEFAULT_PRESET,
    DEFAULT_RESOLUTION,
    DEFAULT_SIZE,
    DEFAULT_STRENGTH,
)
from painterly_wire.errors import JobCancelled  # noqa: E402
from painterly_wire.install_record import write_start_record  # noqa: E402
from painterly_wire.job_follower import JobEnd  # noqa: E402
from painterly_wire.params import job_params  # noqa: E402


def test_the_krita_plugin_imports_outside_krita_without_registering_or_loading_qt():
    script = (
        "import sys, painterly_krita.settings, painterly_krita.progress_text, painterly_krita.pixel_layout,"
        " painterly_krita.window_place;"
        "print(sorted(name for name in ('krita', 'PyQt5', 'painterly_krita.extension') if name in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PYTHONPATH": f"{KRITA_PLUGIN}:{REPO / 'shared'}"},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


# Krita: the remembered settings


def test_settings_survive_their_json_form():
    settings = TransferSettings(
        styles=(KritaStyle("file", "/a/b.png", 0.5), KritaStyle("library", "starry_night", 1.0, "The Starry Night")),
        strength=70,
        preset="fast",
        resolution="custom",
        size=300,
        preserve_colours=True,
        iterations=12,
        endpoint="tcp://127.0.0.1:9999",
        daemon_command="",
    )
    assert TransferSettings.from_json(settings.to_json()) == settings


def test_missing_settings_take_the_shared_defaults():
    settings = TransferSettings.from_json("{}")
    assert (settings.preset, settings.size, settings.strength) == (DEFAULT_PRESET, DEFAULT_SIZE, DEFAULT_STRENGTH)
    assert settings.resolution == DEFAULT_RESOLUTION == "layer"
    assert settings.daemon_command == DEFAULT_START_COMMAND


def test_before_any_settings_are_saved_krita_offers_the_recorded_start_command(tmp_path):
    assert first_run_settings(tmp_path).daemon_command == DEFAULT_START_COMMAND  # a zip or a checkout: no record
    write_start_record(tmp_path, ["/home/artist/venv/bin/painterly", "serve"])
    assert first_run_settings(tmp_path).daemon_command == "/home/artist/venv/bin/painterly serve"
    assert first_run_settings(tmp_path).preset == DEFAULT_PRESET


@pytest.mark.parametrize(
    "broken",
    [
        {"preset": "best"},
        {"size": "big"},
        {"resolution": "huge"},
        {"styles": [{"kind": "url", "ref": "x", "weight": 1}]},
    ],
)
def test_unusable_settings_are_refused(broken):
    with pytest.raises(ValueError):
        TransferSettings.from_json(json.dumps(broken))


def test_krita_params_are_the_shared_job_params():
    settings = TransferSettings(strength=80, preset="quality", resolution="custom", size=640, preserve_colours=True,
                                iterations=5)  # fmt: skip
    assert settings.params(2400, 1600) == job_params("quality", 640, 80, True, 5)


@pytest.mark.parametrize(("resolution", "side"), [("layer", 2400), ("preview", 512), ("draft", 1024)])
def test_krita_paints_at_the_layers_size_unless_told_otherwise(resolution, side):
    assert TransferSettings(resolution=resolution).params(2400, 1600)["size"] == side


# Both editors: one name for the result layer


def test_both_plugins_name_the_same_blend_alike():
    krita = TransferSettings(
        styles=(
            KritaStyle("file", "/art/Blue Waves.png"),
            KritaStyle("library", "starry_night", 1.0, "The Starry Night"),
        )
    )
    gimp = JobRequest(
        styles=(GimpStyle(1.0, path="/art/Blue Waves.png"), GimpStyle(1.0, library="starry_night")),
        strength=50,
        preset="quality",
        iterations=0,
        resolution=DEFAULT_RESOLUTION,
        size=512,
        preserve_colors=False,
        endpoint="",
        start_command="",
    )
    assert krita.layer_name() == gimp.layer_name({"starry_night": "The Starry Night"})
    assert krita.layer_name() == "Style: Blue Waves + The Starry Night"


def test_gimp_names_a_library_style_by_its_name_when_the_daemon_gives_no_title():
    assert GimpStyle(1.0, library="starry_night").title({}) == "starry_night"


def test_krita_names_an_open_layer_after_the_layer():
    assert KritaStyle("layer", "sketch.kra|Ink").label() == "Ink"


def test_gimp_params_are_the_shared_job_params_and_the_endpoint_defaults():
    request = JobRequest((), 20, "fast", 3, "custom", 640, False, "", "")
    assert request.params(2400, 1600) == job_params("fast", 640, 20, False, 3)
    assert request.daemon_endpoint.startswith("tcp://") and not request.uses_library


@pytest.mark.parametrize(("resolution", "side"), [("layer", 2400), ("preview", 512), ("draft", 1024)])
def test_gimp_paints_at_the_layers_size_unless_told_otherwise(resolution, side):
    assert JobRequest((), 50, "fast", 0, resolution, 640, False, "", "").params(2400, 1600)["size"] == side


# Krita: the progress window's bar (its words are painterly_wire.progress_text's, tests/test_progress_text.py), and
# pixel layouts


def test_the_bar_counts_work_done_not_steps():
    assert bar_value(Progress("j", 30, 40, 1.0, 2.0, 130.0, None, 2, 3, 600, 400, 0.25)) == BAR_STEPS // 4
    assert bar_value(Progress("j", 10, 40, 1.0, 2.0, 30.0)) == BAR_STEPS // 4  # an older daemon: by steps


def test_the_progress_window_goes_to_the_bottom_right_corner_of_the_canvas():
    assert corner_position((100, 50, 1600, 900), 420, 120) == (100 + 1600 - 420 - MARGIN, 50 + 900 - 120 - MARGIN)
    assert corner_position((0, 0, 300, 100), 420, 120) == (0, 0)  # larger than the canvas: its top-left corner


def test_the_alpha_of_wire_pixels_is_read_out():
    assert source_alpha(Pixels(2, 1, 4, "u8", bytes([1, 2, 3, 4, 5, 6, 7, 8]))) == bytes([4, 8])


# GIMP: what the runner tells the plug-in


def test_the_runner_relays_a_step_and_each_kind_of_end():
    image = Pixels(1, 1, 3, "u8", b"abc")
    step = progress_record(Progress("j", 2, 8, 1.0, 0.1, 0.2, None, 2, 3, 600, 400, 0.25))
    assert step == {
        "event": "progress",
        "step": 2,
        "total": 8,
        "text": "Painting scale 2 of 3, 600x400: step 2 of 8, almost done",
        "fraction": 0.25,
        "preview": None,
    }
    preview = progress_record(Progress("j", 2, 8, 1.0, 0.1, 0.2, Pixels(1, 1, 3, "u8", b"xyz")))["preview"]
    assert preview == {"width": 1, "height": 1, "channels": 3, "dtype": "u8", "data": b"xyz"}
    assert end_record(JobEnd(result=Result("j", image)))["image"]["data"] == b"abc"
    cancelled = end_record(JobEnd(error=JobCancelled("cancelled", "stopping"), message="The style transfer was..."))
    assert cancelled == {"event": "cancelled", "reason": "stopping", "message": "The style transfer was..."}
    gone = end_record(JobEnd(error=DaemonUnavailable("timeout", "no answer"), message="stopped answering"))
    assert gone == {"event": "failed", "code": "daemon_unavailable", "message": "stopped answering"}
    failed = end_record(JobEnd(error=JobFailed("unknown_job", "no job"), message="restarted"))
    assert failed == {"event": "failed", "code": "unknown_job", "message": "restarted"}


# Krita: a run's and a job's state exist from the start, so cancel() before start() is harmless


def attributes_set(module: str, class_name: str) -> dict[str, set[str]]:
    """Per method of a plugin class, the `self.x` attributes it assigns (read from the source, no Krita needed)."""
    tree = ast.parse((KRITA_PLUGIN / "painterly_krita" / f"{module}.py").read_text())
    (cls,) = [node for node in tree.body if isinstance(node, ast.ClassDef) and node.name == class_name]
    assigned: dict[str, set[str]] = {}
    for method in (node for node in cls.body if isinstance(node, ast.FunctionDef)):
        targets = [
            target
            for node in ast.walk(method)
            if isinstance(node, (ast.Assign, ast.AnnAssign))
            for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        ]
        names = {
            element.attr
            for target in targets
            for element in (target.elts if isinstance(target, ast.Tuple) else [target])
            if isinstance(element, ast.Attribute) and isinstance(element.value, ast.Name) and element.value.id == "self"
        }
        assigned[method.name] = names
    return assigned


@pytest.mark.parametrize(("module", "class_name"), [("transfer", "StyleTransferRun"), ("job", "StyleTransferJob")])
def test_every_attribute_is_set_in_init(module, class_name):
    assigned = attributes_set(module, class_name)
    later = set().union(*(names for method, names in assigned.items() if method != "__init__"))
    assert later <= assigned["__init__"], later - assigned["__init__"]
