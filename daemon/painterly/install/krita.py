"""`painterly install krita`: the pykrita plugin in Krita's resource folder, enabled in kritarc, with pyzmq and
msgpack vendored for the Python that Krita embeds."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from painterly.install.editor_locations import (
    OFFICIAL_KRITA_PYTHON,
    Installation,
    Machine,
    choose_installation,
    default_krita,
    krita_installations,
)
from painterly.install.installer import EditorInstaller, InstallError
from painterly.install.manifest import MANIFEST_NAME, Manifest
from painterly.install.plugin_sources import PLUGIN_IGNORE, plugin_source
from painterly.install.start_command import record_start_command
from painterly.install.vendor import platform_tags, python_version, vendor_runtime

PLUGIN_NAME = "painterly_krita"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `painterly install krita` and `painterly uninstall krita`."""
    usual = default_krita(Machine())
    parser.add_argument(
        "--resource-dir",
        type=Path,
        metavar="DIR",
        help=f"Krita's resource folder (default: the Krita found here: package, AppImage, Flatpak, Windows or macOS "
        f"install; else {usual.plugin_folder})",
    )
    parser.add_argument(
        "--kritarc",
        type=Path,
        metavar="FILE",
        help=f"Krita's settings file, where the plugin is enabled (default: that Krita's; else {usual.settings_file})",
    )
    parser.add_argument(
        "--python-version",
        type=python_version,
        metavar="X.Y",
        help=f"the Python version Krita embeds, e.g. 3.10 (default: detected; {_OFFICIAL_BUILDS})",
    )


_OFFICIAL_BUILDS = "Krita's official Windows, macOS and AppImage builds: " + ", ".join(
    f"{krita} uses {python}" for krita, python in OFFICIAL_KRITA_PYTHON.items()
)


def chosen_krita(args: argparse.Namespace) -> Installation:
    """The Krita to install into or uninstall from (see choose_installation)."""
    return choose_installation(
        krita_installations(), default_krita(Machine()), args.resource_dir, "Krita", "--resource-dir"
    )


def install(args: argparse.Namespace) -> str:
    """Copy the plugin, vendor its packages and enable it; undo everything if a step fails."""
    place = chosen_krita(args)
    resources = place.plugin_folder
    kritarc = args.kritarc or place.settings_file
    target_python = args.python_version or place.python
    if target_python is None:
        raise InstallError(f"cannot find Krita's Python version; pass --python-version ({_OFFICIAL_BUILDS})")
    source = plugin_source("krita", f"{PLUGIN_NAME}.desktop")
    pykrita = resources / "pykrita"
    replaced = _uninstall_existing(pykrita)
    manifest = Manifest("krita")
    try:
        _place_plugin(source, pykrita, manifest)
        vendor_runtime(pykrita / PLUGIN_NAME, target_python, manifest, platform_tags(), args.wheels)
        start_command = record_start_command(pykrita / PLUGIN_NAME, manifest, place.sandboxed)
        setting = {"file": str(kritarc), "section": "python", "key": f"enable_{PLUGIN_NAME}"}
        setting["file_existed"] = kritarc.exists()
        setting["previous"] = set_ini_value(kritarc, "python", setting["key"], "true")
        manifest.settings.append(setting)
        manifest.save(pykrita / PLUGIN_NAME / MANIFEST_NAME)
    except BaseException:
        _undo(manifest)
        raise
    verb = "updated" if replaced else "installed"
    return (
        f"{verb} the Krita plugin in {pykrita / PLUGIN_NAME} (packages for Python {target_python}), "
        f"enabled in {kritarc}, daemon start command {start_command}; restart Krita, then use "
        "Filters > Artistic > Neural Style Transfer"
    )


def uninstall(args: argparse.Namespace) -> str:
    """Remove what install recorded in its manifest, restoring the kritarc setting it changed."""
    pykrita = chosen_krita(args).plugin_folder / "pykrita"
    if not _uninstall_existing(pykrita):
        raise InstallError(f"no Painterly plugin installed by `painterly install krita` in {pykrita}")
    return f"removed the Krita plugin from {pykrita}"


def set_ini_value(path: Path, section: str, key: str, value: str | None) -> str | None:
    """Set (or with None remove) `key` in `[section]` of an INI file, keeping every other line; return the old value."""
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    header = f"[{section}]"
    start = next((i for i, line in enumerate(lines) if line.strip() == header), None)
    if start is None:
        if value is None:
            return None
        lines += ["", header] if lines else [header]
        start = len(lines) - 1
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("[")), len(lines))
    index = next((i for i in range(start + 1, end) if lines[i].split("=", 1)[0].strip() == key), None)
    previous = None if index is None else lines[index].split("=", 1)[1].strip()
    if index is not None:
        del lines[index]
        end -= 1
    if value is not None:
        lines.insert(start + 1, f"{key}={value}")
    elif not any(line.strip() for line in lines[start + 1 : end]):  # an empty section says nothing: drop it
        first = start - 1 if start > 0 and not lines[start - 1].strip() else start
        del lines[first:end]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return previous


def _place_plugin(source: Path, pykrita: Path, manifest: Manifest) -> None:
    """Copy the .desktop file and the package; refuse to overwrite what some other install put there."""
    package = pykrita / PLUGIN_NAME
    if package.exists():
        raise InstallError(f"{package} exists but was not installed by `painterly install krita`; move it away first")
    manifest.make_folders(pykrita)
    manifest.copy_file(source / f"{PLUGIN_NAME}.desktop", pykrita / f"{PLUGIN_NAME}.desktop")
    manifest.copy_tree(source / PLUGIN_NAME, package, shutil.ignore_patterns(*PLUGIN_IGNORE))


def _uninstall_existing(pykrita: Path) -> bool:
    """Remove a previous install found in `pykrita`; False when there is none."""
    record = pykrita / PLUGIN_NAME / MANIFEST_NAME
    if not record.is_file():
        return False
    _undo(Manifest.load(record))
    return True


def _undo(manifest: Manifest) -> None:
    """Restore the recorded settings, then delete the recorded files and folders."""
    for setting in reversed(manifest.settings):
        settings_file = Path(setting["file"])
        set_ini_value(settings_file, setting["section"], setting["key"], setting["previous"])
        if not setting.get("file_existed", True) and not settings_file.read_text(encoding="utf-8").strip():
            settings_file.unlink()
    manifest.remove_paths()


INSTALLER = EditorInstaller("krita", "Krita", add_arguments, install, uninstall)
