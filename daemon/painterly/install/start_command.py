"""The daemon start command an installed plugin is given: this very `painterly`, by absolute path, so the plugin
can start the daemon even though the editor's PATH does not lead to it (a virtual environment, a user folder)."""

from __future__ import annotations

import sys
from pathlib import Path

from painterly.install.manifest import Manifest
from painterly_wire.install_record import command_text, write_start_record

PLUGIN_DAEMON_IDLE_EXIT_S = 1800  # a daemon a plugin started stops after half an hour unused


def this_painterly() -> list[str]:
    """The arguments that run this `painterly`: its program by absolute path, or, when it was run as
    `python -m painterly.cli`, this Python with `-m painterly.cli`."""
    program = Path(sys.argv[0]).absolute()  # not resolved: a venv's python is a link to the base Python
    for candidate in (program, program.with_name(program.name + ".exe")):  # Windows launchers may drop .exe
        if candidate.stem.lower() == "painterly" and candidate.is_file():
            return [str(candidate)]
    return [sys.executable, "-m", "painterly.cli"]


def record_start_command(plugin_folder: Path, manifest: Manifest, sandboxed: bool = False) -> str:
    """Write the plugin's start-command record (`painterly serve` of this installation, stopping when unused for
    PLUGIN_DAEMON_IDLE_EXIT_S); return the command. For an editor in a sandbox (Flatpak, which cannot run programs
    of the host) record nothing and say so."""
    if sandboxed:
        return "none (the Flatpak sandbox cannot run it: start `painterly serve` in a terminal first)"
    arguments = [*this_painterly(), "serve", "--idle-exit", str(PLUGIN_DAEMON_IDLE_EXIT_S), "--started-by", "plugin"]
    manifest.files.append(str(write_start_record(plugin_folder, arguments)))
    return command_text(arguments)
