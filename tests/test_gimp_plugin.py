"""The GIMP 3 plug-in in real GIMP 3: installed by `painterly install gimp`, called through the PDB, against a
real `painterly serve` on loopback with the real weights, on small images.

Needs GIMP 3 from ../shared/editors/install-gimp3.sh (the chroot route needs root), installed WITHOUT
--with-python-deps so that only the plug-in's vendored pyzmq can make the round trips work. One GIMP run does
all the in-editor checks (tests/editor/gimp_style_transfer_check.py); each test below asserts a group of them.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from daemon_process import DaemonProcess, painterly_command

REPO = Path(__file__).resolve().parent.parent
EDITORS = Path(os.environ.get("EDITORS_DIR", REPO.parent / "shared" / "editors"))
GIMP_ROOT = Path(os.environ.get("GIMP3_ROOT", "/opt/trixie"))
CHECK_SCRIPT = REPO / "tests" / "editor" / "gimp_style_transfer_check.py"
DIALOG_SCRIPT = REPO / "tests" / "editor" / "gimp_dialog_check.py"
GIMP_PYTHON = "3.13"  # Debian trixie's python3, which the chroot's GIMP 3.0.4 runs plug-ins with
PLUGIN = "painterly-gimp"

needs_gimp = pytest.mark.skipif(
    not (GIMP_ROOT / "usr/bin/gimp-console-3.0").exists() or os.geteuid() != 0,
    reason="needs GIMP 3 from shared/editors/install-gimp3.sh and root for its chroot",
)
needs_xvfb = pytest.mark.skipif(
    subprocess.run(["sh", "-c", "command -v xvfb-run"], capture_output=True).returncode != 0,
    reason="the dialog check runs GIMP's GUI under xvfb-run",
)


def install_plugin(plugin_dir: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        painterly_command("install", "gimp", "--plugin-dir", str(plugin_dir), "--python-version", GIMP_PYTHON),
        capture_output=True,
        text=True,
        timeout=300,
    )


def uninstall_plugin(plugin_dir: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        painterly_command("uninstall", "gimp", "--plugin-dir", str(plugin_dir)), capture_output=True, text=True
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


def test_install_copies_plugin_vendors_cp313_packages_and_uninstall_removes_exactly_that(tmp_path):
    profile = tmp_path / "GIMP" / "3.0"
    profile.mkdir(parents=True)
    (profile / "gimprc").write_text("# the user's own file\n")
    plugins = profile / "plug-ins"
    done = install_plugin(plugins)
    assert done.returncode == 0, done.stderr
    folder = plugins / PLUGIN
    entry = folder / f"{PLUGIN}.py"
    assert entry.stat().st_mode & stat.S_IXUSR
    assert (folder / "painterly_gimp" / "runner.py").is_file()
    assert (folder / "vendor" / "painterly_wire" / "client.py").is_file()
    assert list((folder / "vendor" / "zmq").rglob("*cpython-313-x86_64-linux-gnu.so")) or list(
        (folder / "vendor" / "zmq").rglob("*.abi3.so")
    )
    assert list((folder / "vendor").glob("msgpack-*.dist-info"))
    assert not list(folder.rglob("__pycache__"))

    assert install_plugin(plugins).returncode == 0  # a second install replaces the first
    # GIMP's Python leaves bytecode caches beside the modules it ran; uninstall must not trip over them
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(folder)], check=True)
    done = uninstall_plugin(plugins)
    assert done.returncode == 0, done.stderr
    assert not plugins.exists()  # install created it, so uninstall removes it
    assert (profile / "gimprc").read_text() == "# the user's own file\n"
    assert uninstall_plugin(plugins).returncode == 1


def test_install_refuses_to_overwrite_a_folder_it_did_not_install(tmp_path):
    foreign = tmp_path / "plug-ins" / PLUGIN
    foreign.mkdir(parents=True)
    (foreign / "mine.txt").write_text("keep me")
    done = install_plugin(tmp_path / "plug-ins")
    assert done.returncode == 1
    assert "was not installed by `painterly install gimp`" in done.stderr
    assert (foreign / "mine.txt").read_text() == "keep me"


@needs_gimp
@pytest.mark.editor
def test_registered_under_filters_artistic_with_its_arguments(gimp_checks):
    assert_checks(gimp_checks, "registered", "menu_path", "menu_label", "arguments")


@needs_gimp
@pytest.mark.editor
def test_the_vendored_pyzmq_is_what_the_plugin_uses(gimp_checks):
    assert_checks(gimp_checks, "no_system_pyzmq", "vendored_pyzmq", "rgb_success")


@needs_gimp
@pytest.mark.editor
def test_stylized_layer_lands_above_the_source_which_stays_byte_identical(gimp_checks):
    assert_checks(
        gimp_checks,
        "rgb_success",
        "rgb_layer_above_source",
        "rgb_returns_layer",
        "rgb_source_unchanged",
        "rgb_size",
        "rgb_stylized",
        "rgb_new_layer_selected",
    )


@needs_gimp
@pytest.mark.editor
def test_alpha_is_preserved(gimp_checks):
    assert_checks(gimp_checks, "rgb_alpha_preserved")


@needs_gimp
@pytest.mark.editor
def test_selection_sends_its_bounds_and_masks_the_new_layer(gimp_checks):
    assert_checks(gimp_checks, "selection_success", "selection_bounds", "selection_mask", "selection_source_unchanged")


@needs_gimp
@pytest.mark.editor
def test_16_bit_linear_image(gimp_checks):
    assert_checks(gimp_checks, "u16_success", "u16_source_unchanged", "u16_precision_kept")


@needs_gimp
@pytest.mark.editor
def test_grayscale_image(gimp_checks):
    assert_checks(gimp_checks, "gray_success", "gray_layer_is_gray", "gray_source_unchanged")


@needs_gimp
@pytest.mark.editor
def test_indexed_image_gets_a_message_and_no_layer(gimp_checks):
    assert_checks(gimp_checks, "indexed_message", "indexed_no_layer")


@needs_gimp
@pytest.mark.editor
def test_daemon_down_gets_one_clear_message(gimp_checks):
    assert_checks(gimp_checks, "daemon_down_message", "daemon_down_no_layer", "no_style_message")


@needs_gimp
@pytest.mark.editor
def test_killing_the_plugin_like_gimps_cancel_cancels_the_daemon_job(gimp_checks):
    assert_checks(gimp_checks, "cancel_plugin_killed", "cancel_daemon_job_stopped")


@needs_gimp
@needs_xvfb
@pytest.mark.editor
def test_dialog_offers_the_daemons_library_and_remembers_choices_in_the_config(dialog_checks):
    assert_checks(
        dialog_checks,
        "dialog_ok_accepts",
        "dialog_lists_daemon_library",
        "dialog_shows_settings",
        "dialog_choice_lands_in_config",
        "dialog_cancel_declines",
        "dialog_says_daemon_down",
    )
