"""The Krita plugin in real Krita: installed by `painterly install krita`, driven from Filters > Artistic against a
real `painterly serve` on loopback with the real weights, on small images.

Needs Krita from ../shared/editors/install-krita.sh WITHOUT --with-python-deps (no Debian python3-zmq or
python3-msgpack), so that only the plugin's vendored pyzmq can make the round trips work; the in-Krita script
also checks that zmq and msgpack were imported from the plugin's vendor folder. One Krita run does all the
in-editor checks (tests/editor/krita_style_transfer_check.py); each test below asserts a group of them.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image
from support import EDITORS, IMAGES, REPO, WEIGHTS, DaemonProcess, free_port, painterly_command

CHECK_SCRIPT = REPO / "tests" / "editor" / "krita_style_transfer_check.py"
MISSING_PACKAGES_SCRIPT = REPO / "tests" / "editor" / "krita_missing_packages_check.py"
STYLE_IMAGE = IMAGES / "style" / "starry_night.jpg"

pytestmark = [
    pytest.mark.editor,
    pytest.mark.skipif(
        shutil.which("krita") is None or shutil.which("xvfb-run") is None or not (EDITORS / "run-in-krita.sh").exists(),
        reason="needs Krita and xvfb-run from shared/editors/install-krita.sh, and shared/editors/run-in-krita.sh",
    ),
]


def krita_environment() -> dict[str, str]:
    """This environment minus this interpreter's folders on PATH: Krita's embedded Python finds its standard
    library through the first `python3` on PATH, which must be the system one, not a venv's or pyenv's."""
    ours = {sys.prefix, sys.base_prefix}
    path = [entry for entry in os.environ["PATH"].split(os.pathsep) if not any(entry.startswith(p) for p in ours)]
    return {**os.environ, "PATH": os.pathsep.join(path)}


def install_plugin(resources: Path, *options: str) -> Path:
    """Install the plugin the way an artist does, into a Krita resource folder; its pykrita folder."""
    kritarc = resources / "kritarc"
    done = subprocess.run(
        painterly_command("install", "krita", "--resource-dir", str(resources), "--kritarc", str(kritarc), *options),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return resources / "pykrita"


def run_in_krita(pykrita: Path, script: Path, *arguments: str) -> dict:
    """Run a check script in real Krita (gui mode) with the installed plugin; its RESULT map plus the log."""
    done = subprocess.run(
        [str(EDITORS / "run-in-krita.sh"), "--timeout", "240", "--plugin", str(pykrita), str(script), *arguments],
        capture_output=True,
        text=True,
        timeout=600,
        env=krita_environment(),
    )
    results = [json.loads(line[7:]) for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    assert results, f"no RESULT from Krita (exit {done.returncode}):\n{done.stdout}\n{done.stderr}"
    return {**results[-1], "log": done.stdout + done.stderr}


def assert_checks(result: dict, names: list[str]) -> None:
    """Every named check passed; otherwise the failed ones and the end of Krita's output."""
    checks = result.get("checks", {})
    failed = {name: checks.get(name, "missing: an earlier step failed") for name in names}
    failed = {name: value for name, value in failed.items() if value is not True}
    assert not failed, f"{failed}\n{result['log'][-4000:]}"


@pytest.fixture(scope="module")
def krita_checks(tmp_path_factory) -> dict:
    """Run the check script once inside Krita against a real daemon; what it reported."""
    work = tmp_path_factory.mktemp("krita-run")
    pykrita = install_plugin(work / "krita")  # Krita's Python version detected
    style = work / "style.png"
    with Image.open(STYLE_IMAGE) as image:
        image.convert("RGB").resize((40, 32)).save(style)
    pid_file = work / "started-daemon.pid"
    serve = painterly_command("serve", "--device", "cpu", "--weights", str(WEIGHTS))
    start_command = shlex.join(["sh", "-c", f'echo $$ > {pid_file}; exec "$0" "$@"', *serve])
    daemon = DaemonProcess("--preview-every", "0.3")
    try:
        daemon.wait_ready()
        config = {
            "endpoint": daemon.endpoint,
            "dead_endpoint": f"tcp://127.0.0.1:{free_port()}",
            "start_endpoint": f"tcp://127.0.0.1:{free_port()}",
            "start_command": start_command,
            "style": str(style),
            "daemon_pid": daemon.process.pid,
        }
        return run_in_krita(pykrita, CHECK_SCRIPT, json.dumps(config))
    finally:
        daemon.stop()
        if pid_file.exists():
            os.kill(int(pid_file.read_text()), signal.SIGTERM)


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


@pytest.mark.parametrize("group", GROUPS)
def test_in_krita(krita_checks, group):
    assert_checks(krita_checks, GROUPS[group])


def test_plugin_installed_for_another_python_says_how_to_fix_it(tmp_path):
    other_python = "3.12" if sys.version_info[:2] != (3, 12) else "3.11"  # any version but Krita's own
    pykrita = install_plugin(tmp_path / "krita", "--python-version", other_python)
    result = run_in_krita(pykrita, MISSING_PACKAGES_SCRIPT)
    assert_checks(result, ["action_still_offered", "message_names_the_fix", "nothing_added"])
