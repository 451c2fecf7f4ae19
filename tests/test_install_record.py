"""The start command `painterly install` records beside the plugin (painterly_wire.install_record): what the
plugins offer as their default, so that a `painterly` the editor's PATH does not reach still starts the daemon."""

from __future__ import annotations

import sys

import pytest
from support import WEIGHTS, free_port, run_painterly

from painterly_wire.daemon_start import daemon_command_line, start_daemon, wait_for_daemon
from painterly_wire.install_record import RECORD_NAME, recorded_start_command, write_start_record


def test_a_recorded_command_splits_back_into_its_arguments(tmp_path):
    arguments = [str(tmp_path / "a venv" / "bin" / "painterly"), "serve"]
    write_start_record(tmp_path, arguments)
    command = recorded_start_command(tmp_path)
    assert daemon_command_line(command, "tcp://127.0.0.1:1") == [*arguments, "--endpoint", "tcp://127.0.0.1:1"]


@pytest.mark.parametrize("content", [None, "", "not json", '{"start_command": ""}', '{"start_command": 3}', "[]"])
def test_no_record_or_an_unreadable_one_is_none(tmp_path, content):
    if content is not None:
        (tmp_path / RECORD_NAME).write_text(content)
    assert recorded_start_command(tmp_path) is None


@pytest.fixture
def daemon_environment(monkeypatch, tmp_path):
    """What a daemon started by a plugin inherits here: the real weights, an empty styles folder, a log folder."""
    monkeypatch.setenv("PAINTERLY_WEIGHTS", str(WEIGHTS))
    monkeypatch.setenv("PAINTERLY_STYLES_DIR", str(tmp_path / "styles"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def test_both_installers_record_this_painterly_and_its_daemon_starts_from_the_record(tmp_path, daemon_environment):
    krita = run_painterly("install", "krita", "--resource-dir", tmp_path / "krita", "--kritarc", tmp_path / "kritarc",
                          "--python-version", "3.11")  # fmt: skip
    gimp = run_painterly("install", "gimp", "--plugin-dir", tmp_path / "plug-ins", "--python-version", "3.13")
    assert krita.returncode == 0 and gimp.returncode == 0, krita.stderr + gimp.stderr
    krita_command = recorded_start_command(tmp_path / "krita" / "pykrita" / "painterly_krita")
    gimp_command = recorded_start_command(tmp_path / "plug-ins" / "painterly-gimp")
    assert krita_command == gimp_command
    assert daemon_command_line(gimp_command, "e")[:4] == [sys.executable, "-m", "painterly.cli", "serve"]
    assert f"daemon start command {gimp_command}" in gimp.stdout

    endpoint = f"tcp://127.0.0.1:{free_port()}"
    started = start_daemon(gimp_command, endpoint)
    try:
        status = wait_for_daemon(endpoint, 60, started)
        assert (status["started_by"], status["idle_exit_s"]) == ("plugin", 1800)
    finally:
        started.process.terminate()
        started.process.wait(30)


def test_uninstall_removes_the_record(tmp_path):
    assert run_painterly("install", "gimp", "--plugin-dir", tmp_path, "--python-version", "3.13").returncode == 0
    assert (tmp_path / "painterly-gimp" / RECORD_NAME).is_file()
    assert run_painterly("uninstall", "gimp", "--plugin-dir", tmp_path).returncode == 0
    assert list(tmp_path.iterdir()) == []
