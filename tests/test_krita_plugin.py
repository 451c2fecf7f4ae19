"""The Krita plugin in real Krita, in every version ../shared/editors installs (5.1, 5.2, 5.3 and 6.0, PyQt5 and
PyQt6): installed by `painterly install krita` for that Krita's Python, driven from Filters > Artistic against a real
`painterly serve` on loopback with the real weights, on small images (and one large photo).

Every check runs on the oldest and the newest Krita; the versions between get a smoke test (the menu, the vendored
packages, the dialog and one fast job with its result layer). Needs the Kritas from ../shared/editors/install-krita.sh
WITHOUT --with-python-deps (no Debian python3-zmq or python3-msgpack), so that only the plugin's vendored pyzmq can
make the round trips work; the in-Krita scripts also check that zmq and msgpack were imported from the plugin's vendor
folder. One Krita run per script does all its in-editor checks (tests/editor/krita_*_check.py); each test below
asserts a group of them. A version that is not installed is skipped.
"""

from __future__ import annotations

import json
import os
import shlex
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import numpy
import pytest
from krita_editor import (
    KRITA_VERSIONS,
    OLDEST_AND_NEWEST,
    install_plugin,
    installed,
    krita_prefix,
    krita_python,
    run_in_krita,
    version_params,
)
from PIL import Image, ImageOps
from support import IMAGES, REPO, WEIGHTS, DaemonProcess, free_port, painterly_command

CHECKS = REPO / "tests" / "editor"
STYLE_IMAGE = IMAGES / "style" / "starry_night.jpg"
LARGE_PHOTOS = ["tubingen.jpg", "boston.jpg", "golden_gate.jpg", "brad_pitt.jpg"]
LARGE_SIZE = (2000, 1334)  # the large layer: an artist's canvas, painted in one step to stay cheap

pytestmark = pytest.mark.editor


def assert_checks(result: dict, names: list[str]) -> None:
    """Every named check passed, and Krita showed no Python traceback; otherwise the failed ones and the end of
    Krita's output."""
    checks = result.get("checks", {})
    failed = {name: checks.get(name, "missing: an earlier step failed") for name in [*names, "no_python_exception"]}
    failed = {name: value for name, value in failed.items() if value is not True}
    assert not failed, f"{failed}\n{result['log']}"


@pytest.fixture(scope="module")
def plugin_for(tmp_path_factory) -> Callable[[str], Path]:
    """The plugin installed once per Krita version, for the Python that version embeds: version -> pykrita."""
    installs: dict[str, Path] = {}

    def pykrita(version: str) -> Path:
        if version not in installs:
            resources = tmp_path_factory.mktemp(f"krita{version}") / "krita"
            installs[version] = install_plugin(resources, "--python-version", krita_python(version))
        return installs[version]

    return pykrita


@pytest.fixture(scope="module")
def style_file(tmp_path_factory) -> Path:
    style = tmp_path_factory.mktemp("style") / "style.png"
    with Image.open(STYLE_IMAGE) as image:
        image.convert("RGB").resize((40, 32)).save(style)
    return style


@contextmanager
def start_command_for(version: str, work: Path, endpoint: str) -> Iterator[str]:
    """The daemon start command the plugin runs for `endpoint`, and afterwards whatever it started is stopped.

    Krita 5.1 runs on the host: its command is the real `painterly serve`. The newer Kritas run in chroots, which
    cannot run this machine's Python: their command asks the test (through the shared /tmp) for a real daemon on the
    endpoint and stays up as that daemon's stand-in, so the plugin still runs a command, waits for the daemon to
    answer and runs the job on it."""
    pid_file = work / "started-daemon.pid"
    requested = work / "daemon-requested"
    if version == "5.1":
        serve = painterly_command("serve", "--device", "cpu", "--weights", str(WEIGHTS))
        command = ["sh", "-c", f'echo $$ > {pid_file}; exec "$0" "$@"', *serve]
    else:
        command = ["sh", "-c", f"echo $$ > {pid_file}; touch {requested}; exec sleep 900"]
    started: list[DaemonProcess] = []
    stop = threading.Event()

    def serve_when_asked() -> None:
        while not stop.wait(0.2):
            if requested.exists():
                started.append(DaemonProcess(endpoint=endpoint))
                return

    watcher = threading.Thread(target=serve_when_asked, daemon=True)
    watcher.start()
    try:
        yield shlex.join(command)
    finally:
        stop.set()
        watcher.join()
        for daemon in started:
            daemon.stop()
        if pid_file.exists():
            with suppress(ProcessLookupError):  # a daemon stopped by the check itself is gone already
                os.kill(int(pid_file.read_text()), signal.SIGTERM)


@pytest.fixture(scope="module")
def krita_checks(request, plugin_for, style_file, tmp_path_factory) -> dict:
    """Run krita_style_transfer_check.py once inside one Krita version against a real daemon; what it reported."""
    version = request.param
    work = tmp_path_factory.mktemp(f"krita{version}-run")
    start_endpoint = f"tcp://127.0.0.1:{free_port()}"
    daemon = DaemonProcess("--preview-every", "0.3")
    try:
        with start_command_for(version, work, start_endpoint) as start_command:
            daemon.wait_ready()
            config = {
                "endpoint": daemon.endpoint,
                "dead_endpoint": f"tcp://127.0.0.1:{free_port()}",
                "start_endpoint": start_endpoint,
                "start_command": start_command,
                "style": str(style_file),
                "daemon_pid": daemon.process.pid,
                "smoke": version not in OLDEST_AND_NEWEST,
            }
            script = CHECKS / "krita_style_transfer_check.py"
            # Each step waits with its own limit; the whole run's limit is only a backstop (a loaded CI machine
            # took over 240 s for Krita 5.1's steps).
            result = run_in_krita(version, plugin_for(version), script, json.dumps(config), timeout_s=600)
            return {**result, "pykrita": plugin_for(version)}
    finally:
        daemon.stop()


GROUPS = {
    "menu_has_both_actions_under_filters_artistic": [
        "menu_transfer_in_filters_artistic",
        "menu_repeat_in_filters_artistic",
        "menu_text",
    ],
    "vendored_pyzmq_and_msgpack_are_what_the_plugin_uses": ["zmq_and_msgpack_from_plugin_vendor"],
    "dialog_shows_its_widgets_and_library_and_its_settings_are_remembered": [
        "dialog_has_widgets",
        "dialog_ok_disabled_without_style",
        "dialog_library_thumbnails",
        "dialog_offers_open_images_and_their_layers",
        "dialog_adds_an_open_image",
        "dialog_removes_a_style",
        "dialog_opened_and_accepted",
        "dialog_settings_remembered",
    ],
    "dialog_defaults_to_the_layers_own_size_and_says_when_a_smaller_painting_is_scaled_up": [
        "dialog_resolution_defaults_to_the_layer_size",
        "dialog_says_a_smaller_painting_is_scaled_up",
    ],
    "repeat_with_nothing_remembered_opens_the_dialog_and_cancel_runs_nothing": [
        "repeat_without_settings_opens_the_dialog",
        "dialog_cancel_runs_nothing",
    ],
    "result_is_a_new_active_layer_above_the_untouched_source": [
        "result_above_source",
        "result_active",
        "source_unchanged",
        "result_differs_from_source",
        "result_opaque",
    ],
    "pixels_go_out_as_rgba_and_come_back_as_kritas_bgra": ["pixels_sent_as_rgba", "pixels_written_as_bgra"],
    "transparent_regions_keep_their_alpha_with_a_blended_library_style": [
        "blend_of_file_and_library_style",
        "alpha_preserved",
        "alpha_source_unchanged",
    ],
    "selection_bounds_are_sent_and_the_layer_is_masked_with_an_open_layer_as_style": [
        "selection_inside_painted",
        "selection_hole_empty",
        "selection_outside_empty",
        "selection_source_unchanged",
    ],
    "16_bit_document_gets_a_16_bit_result_with_an_open_image_as_style": [
        "u16_layer_depth",
        "u16_opaque",
        "u16_not_flat",
        "u16_source_unchanged",
    ],
    "cmyk_document_is_converted_both_ways": ["cmyk_layer_model", "cmyk_opaque_and_not_flat", "cmyk_source_unchanged"],
    "float_grayscale_document_is_converted_both_ways": [
        "gray_f32_layer_space",
        "gray_f32_opaque_and_not_flat",
        "gray_f32_values_in_range",
        "gray_f32_source_unchanged",
    ],
    "cancel_removes_the_preview_and_adds_nothing": [
        "preview_locked_above_source",
        "cancelling_window_stays_visible",
        "cancel_leaves_only_source",
    ],
    "deleting_the_source_mid_job_gives_a_message_and_removes_the_preview": [
        "source_deleted_message",
        "source_deleted_preview_removed",
    ],
    "krita_stays_responsive_while_the_job_runs": ["event_loop_keeps_running_during_the_job"],
    "no_daemon_gives_one_clear_message": ["no_daemon_message", "no_daemon_nothing_added"],
    "an_auto_started_daemon_that_exits_is_reported_at_once_with_its_last_lines": ["exited_daemon_message"],
    "a_group_layer_gets_a_message_and_no_job": ["group_layer_message", "group_layer_nothing_added"],
    "closing_the_image_mid_job_cancels_it_quietly": ["closing_image_mid_job_ends_quietly"],
    "plugin_starts_the_daemon_with_the_configured_command": ["daemon_started_by_plugin"],
    "daemon_dying_mid_job_gives_a_message_not_a_hang": ["daemon_died_message", "daemon_died_nothing_added"],
}


SMOKE_GROUPS = (
    "menu_has_both_actions_under_filters_artistic",
    "vendored_pyzmq_and_msgpack_are_what_the_plugin_uses",
    "dialog_shows_its_widgets_and_library_and_its_settings_are_remembered",
    "result_is_a_new_active_layer_above_the_untouched_source",
)
BETWEEN = [version for version in KRITA_VERSIONS if version not in OLDEST_AND_NEWEST]


@pytest.mark.parametrize("krita_checks", version_params(OLDEST_AND_NEWEST), indirect=True)
@pytest.mark.parametrize("group", GROUPS)
def test_in_krita(krita_checks, group):
    assert_checks(krita_checks, GROUPS[group])


@pytest.mark.parametrize("krita_checks", version_params(), indirect=True)
def test_the_dialog_offers_the_start_command_install_recorded(krita_checks):
    record = krita_checks["pykrita"] / "painterly_krita" / "painterly-start.json"
    recorded = json.loads(record.read_text())["start_command"]
    assert "painterly" in recorded and krita_checks["dialog_start_command"] == recorded


@pytest.mark.parametrize("krita_checks", version_params(BETWEEN), indirect=True)
@pytest.mark.parametrize("group", SMOKE_GROUPS)
def test_smoke_in_krita(krita_checks, group):
    assert_checks(krita_checks, GROUPS[group])


@pytest.fixture(scope="module")
def document_checks(request, plugin_for, style_file, tmp_path_factory) -> dict:
    """Run krita_document_check.py once inside one Krita version against a real daemon; what it reported."""
    version = request.param
    daemon = DaemonProcess("--preview-every", "0.3")
    try:
        daemon.wait_ready()
        config = {
            "endpoint": daemon.endpoint,
            "style": str(style_file),
            "folder": str(tmp_path_factory.mktemp(f"krita{version}-documents")),
            "daemon_pid": daemon.process.pid,
        }
        return run_in_krita(version, plugin_for(version), CHECKS / "krita_document_check.py", json.dumps(config))
    finally:
        daemon.stop()


DOCUMENT_GROUPS = {
    "a_layer_too_small_to_carry_a_style_is_refused_with_the_smallest_useful_size": [
        "too_small_layer_refused_with_the_smallest_useful_size",
        "too_small_layer_nothing_added",
    ],
    "the_preview_neither_marks_a_saved_image_modified_nor_is_autosaved": [
        "saved_image_starts_unmodified",
        "preview_not_autosaved",
        "preview_leaves_image_unmodified",
    ],
    "a_cancelled_job_leaves_the_image_unmodified": ["cancelled_job_leaves_image_unmodified"],
    "a_failed_job_leaves_the_image_unmodified": [
        "failed_job_says_so",
        "failed_job_leaves_image_unmodified",
        "failed_job_autosaves_no_preview",
    ],
    "an_image_with_its_own_changes_stays_modified": ["artists_own_changes_stay_marked"],
    "a_result_marks_the_image_modified": ["result_marks_image_modified"],
    "the_progress_window_sits_in_the_canvas_corner_and_names_the_scale_that_runs": [
        "progress_window_clear_of_the_canvas_middle",
        "progress_window_in_the_bottom_right_corner",
        "progress_says_which_scale_runs",
    ],
}


@pytest.mark.parametrize("document_checks", version_params(OLDEST_AND_NEWEST), indirect=True)
@pytest.mark.parametrize("group", DOCUMENT_GROUPS)
def test_what_a_job_leaves_in_the_document(document_checks, group):
    assert_checks(document_checks, DOCUMENT_GROUPS[group])


@pytest.mark.parametrize("document_checks", version_params(v for v in OLDEST_AND_NEWEST if v >= "5.3"), indirect=True)
def test_krita_5_3_and_later_autosave_nothing_while_a_job_runs(document_checks):
    assert_checks(document_checks, ["autosave_off_while_the_job_runs", "autosave_back_on_after_the_job"])


@pytest.mark.parametrize("version", version_params(OLDEST_AND_NEWEST))
def test_a_job_that_ends_while_krita_converts_its_preview_leaves_its_result_and_no_preview(
    version, plugin_for, style_file
):
    """A CMYK layer, with a preview on every step: the job's last records come while Krita runs its event loop
    inside the conversion of a preview (once the preview layer vanished under the plugin there: a traceback)."""
    daemon = DaemonProcess("--preview-every", "0")
    try:
        daemon.wait_ready()
        config = {"endpoint": daemon.endpoint, "style": str(style_file), "runs": 3}
        result = run_in_krita(version, plugin_for(version), CHECKS / "krita_busy_preview_check.py", json.dumps(config))
    finally:
        daemon.stop()
    assert_checks(result, ["each_job_adds_one_result_and_leaves_no_preview", "no_message"])


def detail(bgra: bytes, width: int, height: int) -> float:
    """High-frequency energy: the mean absolute difference of neighbouring pixels' lightness (0-255), as the GIMP
    test measures it."""
    pixels = numpy.frombuffer(bgra, numpy.uint8).reshape(height, width, 4).astype(numpy.float64)
    lightness = pixels[..., 2] * 0.2126 + pixels[..., 1] * 0.7152 + pixels[..., 0] * 0.0722
    return float(
        (numpy.abs(numpy.diff(lightness, axis=1)).mean() + numpy.abs(numpy.diff(lightness, axis=0)).mean()) / 2
    )


def large_photo() -> Image.Image:
    """Four photos side by side at about their own resolution: a 2000-px layer with a real photo's detail (none of
    the photos here is 2000 px, and one scaled up would be as soft as the upscale the test tells apart)."""
    width, height = LARGE_SIZE
    mosaic = Image.new("RGB", LARGE_SIZE)
    for index, name in enumerate(LARGE_PHOTOS):
        with Image.open(IMAGES / "content" / name) as photo:
            tile = ImageOps.fit(photo.convert("RGB"), (width // 2, height // 2))
        mosaic.paste(tile, (index % 2 * width // 2, index // 2 * height // 2))
    return mosaic


LARGE_VERSION = [version for version in reversed(OLDEST_AND_NEWEST) if installed(version)][:1] or ["6"]


@pytest.mark.timeout(1200)
@pytest.mark.parametrize("version", version_params(LARGE_VERSION))
def test_a_large_layer_is_painted_at_its_own_size_with_the_detail_of_a_full_size_painting(
    version, plugin_for, style_file, tmp_path
):
    content = tmp_path / "photos.png"
    large_photo().save(content)
    daemon = DaemonProcess()
    try:
        daemon.wait_ready()
        config = {"endpoint": daemon.endpoint, "style": str(style_file), "content": str(content),
                  "folder": str(tmp_path)}  # fmt: skip
        result = run_in_krita(version, plugin_for(version), CHECKS / "krita_full_size_check.py", json.dumps(config),
                              timeout_s=900)  # fmt: skip
    finally:
        daemon.stop()
    assert_checks(result, ["no_message", "results_cover_the_layer"])
    width, height = result["layer_size"]
    assert (width, height) == LARGE_SIZE
    full, preview = (detail((tmp_path / f"{name}.bgra").read_bytes(), width, height) for name in ("full", "preview"))
    assert full > 2 * preview, (full, preview, result["progress_labels"])


def test_plugin_installed_for_another_python_says_how_to_fix_it(tmp_path):
    krita_prefix("5.1")
    other_python = "3.12" if sys.version_info[:2] != (3, 12) else "3.10"  # any version but Krita 5.1's own (3.11)
    pykrita = install_plugin(tmp_path / "krita", "--python-version", other_python)
    result = run_in_krita("5.1", pykrita, CHECKS / "krita_missing_packages_check.py")
    assert_checks(result, ["action_still_offered", "message_names_the_fix", "nothing_added"])
