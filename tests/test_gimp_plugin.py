"""The GIMP 3 plug-in in real GIMP 3: installed by `painterly install gimp`, called through the PDB, against a
real `painterly serve` on loopback with the real weights, on small images.

Needs GIMP 3 from ../shared/editors/install-gimp3.sh (the chroot route needs root), installed WITHOUT
--with-python-deps so that only the plug-in's vendored pyzmq can make the round trips work. One GIMP run does
all the in-editor checks (tests/editor/gimp_style_transfer_check.py); each test below asserts a group of them.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from gimp_plugin_install import PLUGIN, install_plugin
from support import EDITORS, REPO, DaemonProcess

GIMP_ROOT = Path(os.environ.get("GIMP3_ROOT", "/opt/trixie"))
CHECK_SCRIPT = REPO / "tests" / "editor" / "gimp_style_transfer_check.py"
DIALOG_SCRIPT = REPO / "tests" / "editor" / "gimp_dialog_check.py"

pytestmark = [
    pytest.mark.editor,
    pytest.mark.skipif(
        not (GIMP_ROOT / "usr/bin/gimp-console-3.0").exists() or os.geteuid() != 0,
        reason="needs GIMP 3 from shared/editors/install-gimp3.sh and root for its chroot",
    ),
]
needs_xvfb = pytest.mark.skipif(
    subprocess.run(["sh", "-c", "command -v xvfb-run"], capture_output=True).returncode != 0,
    reason="the dialog check runs GIMP's GUI under xvfb-run",
)


@pytest.fixture(scope="module")
def plugin_dir(tmp_path_factory) -> Path:
    plugins = tmp_path_factory.mktemp("gimp-profile") / "plug-ins"
    done = install_plugin(plugins)
    assert done.returncode == 0, done.stderr
    return plugins


@pytest.fixture(scope="module")
def daemon_endpoint():
    daemon = DaemonProcess()
    try:
        daemon.wait_ready()
        yield daemon.endpoint
    finally:
        daemon.stop()


def run_in_gimp(script: Path, *arguments: str, plugin: Path, gui: bool = False) -> dict[str, list]:
    """Run a check script inside GIMP 3 with the installed plug-in; its checks by name."""
    command = [str(EDITORS / "run-in-gimp3.sh"), "--fresh-profile", "--timeout", "240", "--plugin", str(plugin)]
    done = subprocess.run(
        [*command, *(["--gui"] if gui else []), str(script), *arguments], capture_output=True, text=True, timeout=300
    )
    results = [json.loads(line[7:]) for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    assert results, f"no RESULT from GIMP (exit {done.returncode}):\n{done.stdout}\n{done.stderr}"
    return results[0]["checks"]


@pytest.fixture(scope="module")
def gimp_checks(plugin_dir, daemon_endpoint, tmp_path_factory) -> dict[str, list]:
    """The non-interactive checks: one console GIMP run."""
    plugin = plugin_dir / PLUGIN
    out = tmp_path_factory.mktemp("gimp-out")
    return run_in_gimp(CHECK_SCRIPT, daemon_endpoint, str(plugin), str(out), plugin=plugin)


@pytest.fixture(scope="module")
def dialog_checks(plugin_dir, daemon_endpoint, tmp_path_factory) -> dict[str, list]:
    """The interactive dialog's checks: one GIMP run with its GUI (under Xvfb)."""
    plugin = plugin_dir / PLUGIN
    out = tmp_path_factory.mktemp("gimp-dialog")
    return run_in_gimp(DIALOG_SCRIPT, daemon_endpoint, str(plugin), str(out), plugin=plugin, gui=True)


def assert_checks(checks: dict[str, list], *names: str) -> None:
    failed = {name: checks.get(name, [False, "missing (an earlier step raised?)"]) for name in names}
    failed = {name: detail for name, (passed, detail) in failed.items() if not passed}
    crashed = {name: detail for name, (passed, detail) in checks.items() if name.startswith("check_") and not passed}
    assert not failed and not crashed, {**failed, **crashed}


# What the artist is promised, each proven by a group of the in-GIMP checks (see the check scripts).
NON_INTERACTIVE_GROUPS = {
    "registered_under_filters_artistic_with_its_arguments": ["registered", "menu_path", "menu_label", "arguments"],
    "the_vendored_pyzmq_is_what_the_plugin_uses": ["no_system_pyzmq", "vendored_pyzmq", "rgb_success"],
    "stylized_layer_lands_above_the_source_which_stays_byte_identical": [
        "rgb_success",
        "rgb_layer_above_source",
        "rgb_returns_layer",
        "rgb_source_unchanged",
        "rgb_size",
        "rgb_stylized",
        "rgb_new_layer_selected",
    ],
    "alpha_is_preserved": ["rgb_alpha_preserved"],
    "blend_of_a_style_file_and_a_library_style": ["blend_success", "blend_layer_name"],
    "selection_sends_its_bounds_and_masks_the_new_layer": [
        "selection_success",
        "selection_bounds",
        "selection_mask",
        "selection_source_unchanged",
    ],
    "16_bit_linear_and_32_bit_float_images": [
        "u16_success",
        "u16_source_unchanged",
        "u16_precision_kept",
        "f32_success",
        "f32_source_unchanged",
        "f32_precision_kept",
    ],
    "layer_inside_a_group": ["group_success", "group_layer_above_source_in_group"],
    "grayscale_image": ["gray_success", "gray_layer_is_gray", "gray_source_unchanged"],
    "indexed_image_gets_a_message_and_no_layer": ["indexed_message", "indexed_no_layer"],
    "missing_or_unreadable_style_or_daemon_down_gets_one_clear_message": [
        "unreadable_style_file_message",
        "daemon_down_message",
        "daemon_down_no_layer",
        "no_style_message",
    ],
    "an_auto_started_daemon_that_exits_is_reported_at_once_with_its_last_lines": ["exited_daemon_message"],
    "killing_the_plugin_like_gimps_cancel_cancels_the_daemon_job": [
        "cancel_plugin_killed",
        "cancel_daemon_job_stopped",
    ],
}
DIALOG_GROUPS = {
    "offers_the_daemons_library_and_keeps_choices_in_the_config": [
        "dialog_ok_accepts",
        "dialog_lists_daemon_library",
        "dialog_shows_settings",
        "dialog_choice_lands_in_config",
    ],
    "cancel_declines": ["dialog_cancel_declines"],
    "says_when_the_daemon_is_down": ["dialog_says_daemon_down"],
}


@pytest.mark.parametrize("group", NON_INTERACTIVE_GROUPS)
def test_non_interactive_call(gimp_checks, group):
    assert_checks(gimp_checks, *NON_INTERACTIVE_GROUPS[group])


@needs_xvfb
@pytest.mark.parametrize("group", DIALOG_GROUPS)
def test_dialog(dialog_checks, group):
    assert_checks(dialog_checks, *DIALOG_GROUPS[group])
