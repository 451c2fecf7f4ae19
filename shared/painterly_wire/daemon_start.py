"""Finding the daemon, and starting it with the artist's start command when none answers: the same from every plugin.

The command is what the artist typed (e.g. `painterly serve`); the daemon it starts must listen where the
plugin will look for it, so `--endpoint ENDPOINT` is added unless the command names an endpoint itself. Its
output goes to a log file in the user's cache folder, so that a daemon that exits before it answers (no weights,
endpoint in use) is reported at once, with the last lines it printed.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from painterly_wire.client import Client
from painterly_wire.errors import DaemonUnavailable, PainterlyError

DEFAULT_START_COMMAND = "painterly serve"
# A first start loads torch and the VGG-19 weights, which takes over a minute on a slow laptop with a cold disk;
# a daemon that exits instead is reported as soon as it has, so the long wait only ever applies to a slow start.
START_WAIT_S = 90.0
PROBE_TIMEOUT_S = 1.0  # one `hello`
PROBE_PAUSE_S = 0.25  # between two `hello`s, so an attempt that fails at once is not repeated in a busy loop
LOG_LINES = 8  # how many of a daemon's last lines the artist is shown when it exited


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


@dataclass(frozen=True)
class StartedDaemon:
    """A daemon process a plugin started, and the file its output goes to."""

    arguments: list[str]
    process: subprocess.Popen
    log_path: Path

    def check_running(self) -> None:
        """Raise DaemonUnavailable("daemon_exited") with the daemon's last lines once its process has ended."""
        status = self.process.poll()
        if status is None:
            return
        lines = self.last_lines()
        said = ":\n" + "\n".join(lines) if lines else " without printing anything."
        raise DaemonUnavailable(
            "daemon_exited", f"it exited (status {status}) before it answered; its last lines ({self.log_path}){said}"
        )

    def last_lines(self) -> list[str]:
        """The last LOG_LINES non-empty lines the daemon printed."""
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return []
        return [line for line in text.splitlines() if line.strip()][-LOG_LINES:]


def log_folder() -> Path:
    """Where started daemons write their output: the user's cache folder (the temp folder when there is none)."""
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA")
    elif sys.platform == "darwin":
        base = str(Path.home() / "Library" / "Caches")
    else:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    for folder in (Path(base) / "painterly" if base else None, Path(tempfile.gettempdir()) / "painterly"):
        if folder is None:
            continue
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            continue
        return folder
    raise DaemonUnavailable("start_failed", "there is no folder to write the daemon's log to")


def start_daemon(command: str, endpoint: str) -> StartedDaemon:
    """Run the start command detached from the plugin (own session, output to a log file named after the endpoint).

    Raises DaemonUnavailable("start_failed") when the command cannot be read or run. It does not wait for
    the daemon to answer: `wait_for_daemon` does."""
    try:
        arguments = daemon_command_line(command, endpoint)
    except ValueError as error:
        raise DaemonUnavailable("start_failed", f"the command {command!r} cannot be read: {error}") from None
    detached: dict = {"start_new_session": True}
    if sys.platform == "win32":
        detached = {"creationflags": subprocess.DETACHED_PROCESS | subprocess.CREATE_NEW_PROCESS_GROUP}
    log_path = log_folder() / f"daemon-{re.sub(r'[^A-Za-z0-9.]+', '-', endpoint).strip('-')}.log"
    try:
        with open(log_path, "wb") as log:
            process = subprocess.Popen(
                arguments, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, close_fds=True, **detached
            )
    except OSError as error:  # not found, not executable, log not writable
        raise DaemonUnavailable("start_failed", f"the command could not run: {error}") from None
    return StartedDaemon(arguments, process, log_path)


def wait_for_daemon(
    endpoint: str,
    wait_s: float,
    started: StartedDaemon | None = None,
    stop_asked: Callable[[], bool] = lambda: False,
) -> dict[str, Any]:
    """Ask `hello` at the endpoint until the daemon answers (its status) or `wait_s` has passed.

    Raises DaemonUnavailable: the last `hello`'s error; at once for a malformed endpoint ("bad_endpoint"), for a
    `started` daemon whose process ended ("daemon_exited"), or when `stop_asked()` says so."""
    deadline = time.monotonic() + wait_s
    while True:
        try:
            with Client(endpoint, timeout_s=PROBE_TIMEOUT_S) as client:
                return client.hello()
        except DaemonUnavailable as error:
            if error.code == "bad_endpoint":
                raise
            if started is not None:
                started.check_running()
            if stop_asked() or time.monotonic() >= deadline:
                raise
        time.sleep(PROBE_PAUSE_S)


def reach_daemon(
    endpoint: str,
    command: str,
    on_start: Callable[[], None] = lambda: None,
    stop_asked: Callable[[], bool] = lambda: False,
) -> dict[str, Any]:
    """The status of the daemon at the endpoint; when none answers and there is a start command, start the daemon
    (calling `on_start` first) and wait up to START_WAIT_S for it. Raises DaemonUnavailable (see wait_for_daemon)."""
    try:
        return wait_for_daemon(endpoint, 0.0)
    except DaemonUnavailable as error:
        if error.code == "bad_endpoint" or not command.strip() or stop_asked():
            raise
    on_start()
    return wait_for_daemon(endpoint, START_WAIT_S, start_daemon(command, endpoint), stop_asked)


def no_daemon_message(endpoint: str, command: str, error: PainterlyError, settings: str) -> str:
    """What the artist reads when `reach_daemon` failed: what happened and what to do; `settings` names where the
    editor's dialog keeps the endpoint and the start command."""
    if not isinstance(error, DaemonUnavailable):  # something answers, but not as a daemon of this version would
        return f"The Painterly daemon at {endpoint} cannot be used: {error.message}. Check {settings}."
    if error.code == "bad_endpoint":
        return f"The daemon endpoint cannot be used: {error.message}. Check {settings}."
    advice = f"Start it in a terminal with `painterly serve` and try again, or check {settings}."
    if not command.strip():
        return f"No Painterly daemon answers at {endpoint}. {advice}"
    if error.code == "daemon_exited":
        why = error.message
    elif error.code == "start_failed":
        why = error.message + "."
    else:
        why = f"it did not answer within {START_WAIT_S:.0f} s."
    return f"No Painterly daemon answers at {endpoint}, and starting it with {command!r} did not work: {why}\n{advice}"
