"""Starting the daemon with the artist's start command, the same way from every plugin.

The command is what the artist typed (e.g. `painterly serve`); the daemon it starts must listen where the
plugin will look for it, so `--endpoint ENDPOINT` is added unless the command names an endpoint itself.
"""

from __future__ import annotations

import shlex
import subprocess
import sys

from painterly_wire.errors import DaemonUnavailable


def daemon_command_line(command: str, endpoint: str) -> list[str]:
    """The argv to run for a start command and the endpoint the plugin uses.

    Raises ValueError for a command that is empty or cannot be split (unbalanced quotes)."""
    if sys.platform == "win32":  # keep backslashes in paths; drop the quotes around an argument
        arguments = [argument.strip('"') for argument in shlex.split(command, posix=False)]
    else:
        arguments = shlex.split(command)
    if not arguments:
        raise ValueError("the command is empty")
    if not any(argument == "--endpoint" or argument.startswith("--endpoint=") for argument in arguments):
        arguments += ["--endpoint", endpoint]
    return arguments


def start_daemon(command: str, endpoint: str) -> list[str]:
    """Run the start command detached from the plugin (own session, no stdio); return the argv it ran.

    Raises DaemonUnavailable("start_failed") when the command cannot be read or run. It does not wait for
    the daemon to answer: the caller asks `hello` until it does."""
    try:
        arguments = daemon_command_line(command, endpoint)
    except ValueError as error:
        raise DaemonUnavailable("start_failed", f"the command {command!r} cannot be read: {error}") from None
    detached: dict = {"start_new_session": True}
    if sys.platform == "win32":
        detached = {"creationflags": subprocess.DETACHED_PROCESS | subprocess.CREATE_NEW_PROCESS_GROUP}
    try:
        subprocess.Popen(
            arguments,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            close_fds=True,
            **detached,
        )
    except OSError as error:  # not found, not executable
        raise DaemonUnavailable("start_failed", f"the command could not run: {error}") from None
    return arguments
