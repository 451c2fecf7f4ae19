"""The start command that `painterly install` records beside an installed plugin.

The editor's PATH seldom has the `painterly` program (it lives in a virtual environment, or in a user's scripts
folder), so the installer writes the absolute command of the `painterly` that ran it into the plugin's folder,
and the plugin offers that as its default start command. A plugin without a record (a Krita zip, a checkout, a
Flatpak editor) offers DEFAULT_START_COMMAND. Settings the artist saved win over both.
"""

from __future__ import annotations

import json
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path

from painterly_wire.daemon_start import DEFAULT_START_COMMAND

RECORD_NAME = "painterly-start.json"


def recorded_start_command(plugin_folder: Path) -> str | None:
    """The start command recorded in `plugin_folder`, or None when there is none or it cannot be read."""
    try:
        command = json.loads((plugin_folder / RECORD_NAME).read_text(encoding="utf-8"))["start_command"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return command if isinstance(command, str) and command.strip() else None


def default_start_command(plugin_folder: Path) -> str:
    """What a plugin in `plugin_folder` offers to start the daemon with: the recorded command, else
    DEFAULT_START_COMMAND."""
    return recorded_start_command(plugin_folder) or DEFAULT_START_COMMAND


def write_start_record(plugin_folder: Path, arguments: Sequence[str]) -> Path:
    """Record the command `arguments` (one start command, e.g. [".../bin/painterly", "serve"]); the file's path."""
    record = plugin_folder / RECORD_NAME
    record.write_text(json.dumps({"start_command": command_text(arguments)}, indent=1) + "\n", encoding="utf-8")
    return record


def command_text(arguments: Sequence[str]) -> str:
    """Arguments as one command line that `daemon_start.daemon_command_line` splits back into the same arguments."""
    if sys.platform == "win32":  # that split keeps backslashes and drops the quotes around an argument
        return " ".join(f'"{argument}"' if " " in argument else argument for argument in arguments)
    return shlex.join(arguments)
