"""`painterly install gimp`: the plug-in folder in GIMP 3's user plug-ins folder, executable, with pyzmq, msgpack
and painterly_wire vendored for the Python that GIMP runs its plug-ins with."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from painterly.install.editor_locations import (
    Installation,
    Machine,
    choose_installation,
    default_gimp,
    gimp_installations,
)
from painterly.install.installer import EditorInstaller, InstallError
from painterly.install.manifest import MANIFEST_NAME, Manifest
from painterly.install.plugin_sources import PLUGIN_IGNORE, plugin_source
from painterly.install.start_command import record_start_command
from painterly.install.vendor import platform_tags, python_version, vendor_runtime

PLUGIN_NAME = "painterly-gimp"


def chosen_gimp(args: argparse.Namespace) -> Installation:
    """The GIMP to install into or uninstall from (see choose_installation)."""
    return choose_installation(gimp_installations(), default_gimp(Machine()), args.plugin_dir, "GIMP 3", "--plugin-dir")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `painterly install gimp` and `painterly uninstall gimp`."""
    parser.add_argument(
        "--plugin-dir",
        type=Path,
        help="GIMP 3's plug-ins folder (default: the GIMP found here: package, Flatpak, Windows or macOS install; "
        f"else {default_gimp(Machine()).plugin_folder})",
    )
    parser.add_argument(
        "--python-version",
        type=python_version,
        help="the Python version GIMP runs plug-ins with, e.g. 3.13 (default: detected)",
    )


def install(args: argparse.Namespace) -> str:
    """Copy the plug-in folder, make it executable and vendor its packages; undo everything if a step fails."""
    place = chosen_gimp(args)
    plugins = place.plugin_folder
    target_python = args.python_version or place.python
    if target_python is None:
        raise InstallError(
            "cannot tell which Python your GIMP 3 runs plug-ins with; pass --python-version (e.g. 3.13 for "
            "Debian 13 / Ubuntu 25.04 packages; in GIMP, Filters > Development > Python-Fu > Console shows it)"
        )
    source = plugin_source("gimp", f"{PLUGIN_NAME}/{PLUGIN_NAME}.py") / PLUGIN_NAME
    replaced = _uninstall_existing(plugins)
    target = plugins / PLUGIN_NAME
    if target.exists():
        raise InstallError(f"{target} exists but was not installed by `painterly install gimp`; move it away first")
    manifest = Manifest("gimp")
    try:
        manifest.make_folders(plugins)
        manifest.copy_tree(source, target, shutil.ignore_patterns(*PLUGIN_IGNORE))
        entry = target / f"{PLUGIN_NAME}.py"
        entry.chmod(entry.stat().st_mode | 0o111)
        vendor_runtime(target, target_python, manifest, platform_tags(), args.wheels)
        start_command = record_start_command(target, manifest, place.sandboxed)
        manifest.save(target / MANIFEST_NAME)
    except BaseException:
        manifest.remove_paths()
        raise
    verb = "updated" if replaced else "installed"
    return (
        f"{verb} the GIMP plug-in in {target} (packages for Python {target_python}), daemon start command "
        f"{start_command}; restart GIMP, then use Filters > Artistic > Neural Style Transfer"
    )


def uninstall(args: argparse.Namespace) -> str:
    """Remove what install recorded in its manifest."""
    plugins = chosen_gimp(args).plugin_folder
    if not _uninstall_existing(plugins):
        raise InstallError(f"no Painterly plug-in installed by `painterly install gimp` in {plugins}")
    return f"removed the GIMP plug-in from {plugins}"


def _uninstall_existing(plugins: Path) -> bool:
    """Remove a previous install found in `plugins`; False when there is none."""
    record = plugins / PLUGIN_NAME / MANIFEST_NAME
    if not record.is_file():
        return False
    Manifest.load(record).remove_paths()
    return True


INSTALLER = EditorInstaller("gimp", "GIMP 3", add_arguments, install, uninstall)
