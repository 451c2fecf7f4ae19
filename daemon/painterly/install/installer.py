"""What every editor installer provides to `painterly install` / `painterly uninstall`, and its one error type."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass


class InstallError(Exception):
    """Installing or uninstalling cannot go on; the message is one line for the person at the terminal."""


@dataclass(frozen=True)
class EditorInstaller:
    """One editor's plugin installer.

    `add_arguments` adds the editor's options (shared by install and uninstall); `install` and `uninstall` do the
    work and return a one-line summary, raising InstallError for anything the user must fix.
    """

    name: str
    title: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    install: Callable[[argparse.Namespace], str]
    uninstall: Callable[[argparse.Namespace], str]
