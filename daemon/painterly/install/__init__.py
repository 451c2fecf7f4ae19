"""`painterly install EDITOR` and `painterly uninstall EDITOR`: put an editor plugin where the editor finds it;
`painterly package krita`: the Krita plugin as a zip that Krita installs itself (`krita_zip`).

Each editor has an EditorInstaller (its module's INSTALLER); add one to EDITORS to offer it on the command line.
The shared parts live in `vendor` (pyzmq, msgpack and painterly_wire for the editor's Python) and `manifest`
(what an install added, so uninstall removes exactly that).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from painterly.install import gimp, krita, krita_zip
from painterly.install.installer import EditorInstaller, InstallError

EDITORS: tuple[EditorInstaller, ...] = (krita.INSTALLER, gimp.INSTALLER)

__all__ = ["EDITORS", "EditorInstaller", "InstallError", "add_install_commands"]


def add_install_commands(subparsers: argparse._SubParsersAction) -> None:
    """Add `install` and `uninstall`, each with one sub-command per editor, and `package krita`; `args.run(args)`
    returns the exit code."""
    for command, help_text in (
        ("install", "install an editor plugin, with the packages it needs"),
        ("uninstall", "remove exactly what `painterly install` added"),
    ):
        parser = subparsers.add_parser(command, help=help_text, description=help_text)
        editors = parser.add_subparsers(dest="editor", metavar="EDITOR", required=True)
        for editor in EDITORS:
            editor_parser = editors.add_parser(editor.name, help=f"the {editor.title} plugin")
            editor.add_arguments(editor_parser)
            _add_wheels_option(editor_parser)
            action = editor.install if command == "install" else editor.uninstall
            editor_parser.set_defaults(run=_reporting(f"painterly {command} {editor.name}", action))
    help_text = "build a plugin file that the editor installs itself"
    parser = subparsers.add_parser("package", help=help_text, description=help_text)
    editors = parser.add_subparsers(dest="editor", metavar="EDITOR", required=True)
    zip_parser = editors.add_parser("krita", help="a zip for Krita's Tools > Scripts > Import Python Plugin from File…")
    krita_zip.add_arguments(zip_parser)
    _add_wheels_option(zip_parser)
    zip_parser.set_defaults(run=_reporting("painterly package krita", krita_zip.package))


def _add_wheels_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--wheels",
        type=Path,
        metavar="DIR",
        help="install pyzmq and msgpack from the wheels in this folder, not the package index",
    )


def _reporting(label: str, action: Callable[[argparse.Namespace], str]) -> Callable[[argparse.Namespace], int]:
    """Run an installer step: its summary on stdout and 0, or one error line on stderr and 1."""

    def run(args: argparse.Namespace) -> int:
        try:
            print(action(args))
        except (InstallError, OSError) as error:
            print(f"{label}: {error}", file=sys.stderr)
            return 1
        return 0

    return run
