"""`painterly install krita`: the pykrita plugin in Krita's resource folder, enabled in kritarc, with pyzmq and
msgpack vendored for the Python that Krita embeds."""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
from pathlib import Path

from painterly.install.installer import EditorInstaller, InstallError
from painterly.install.manifest import MANIFEST_NAME, Manifest
from painterly.install.plugin_sources import PLUGIN_IGNORE, plugin_source
from painterly.install.start_command import record_start_command
from painterly.install.vendor import platform_tags, python_version, vendor_runtime

PLUGIN_NAME = "painterly_krita"
OFFICIAL_BUILDS_PYTHON = "3.10"
MACOS_PYTHON_FRAMEWORK = "/Applications/krita.app/Contents/Frameworks/Python.framework/Versions"
_PYKRITA_LIBRARY = re.compile(rb"libpython(3\.\d+)")


def default_resource_dir() -> Path:
    """Krita's resource folder (the one holding pykrita/) on this OS."""
    system = platform.system()
    if system == "Windows":
        return Path(os.environ.get("APPDATA", Path.home() / "AppData" / "Roaming")) / "krita"
    if system == "Darwin":
        return Path.home() / "Library" / "Application Support" / "krita"
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "krita"


def default_kritarc() -> Path:
    """Krita's settings file (kritarc) on this OS."""
    system = platform.system()
    if system == "Windows":
        return Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local")) / "kritarc"
    if system == "Darwin":
        return Path.home() / "Library" / "Preferences" / "kritarc"
    return Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "kritarc"


def detect_krita_python() -> str | None:
    """The "3.Y" version of the Python an installed Krita embeds, or None when no Krita is found here."""
    system = platform.system()
    if system == "Windows":
        program_files = Path(os.environ.get("PROGRAMFILES", r"C:\Program Files"))
        names = [
            re.fullmatch(r"python3(\d+)\.dll", p.name, re.I) for p in program_files.glob("Krita*/bin/python3*.dll")
        ]
        versions = [f"3.{name.group(1)}" for name in names if name]
    elif system == "Darwin":
        versions = [p.name for p in Path(MACOS_PYTHON_FRAMEWORK).glob("3.*")]
    else:
        versions = [version for library in _pykrita_libraries() if (version := _linked_python(library))]
    return max(versions, key=lambda version: int(version.split(".")[1]), default=None)


def _pykrita_libraries() -> list[Path]:
    """Krita's Python plugin library (kritapykrita.so) under the usual Linux prefixes and the one `krita` runs from."""
    prefixes = {Path("/usr"), Path("/usr/local")}
    executable = shutil.which("krita")
    if executable:
        prefixes.add(Path(executable).resolve().parent.parent)
    patterns = ("lib*/kritaplugins/kritapykrita.so", "lib*/*/kritaplugins/kritapykrita.so")
    return [library for prefix in prefixes for pattern in patterns for library in prefix.glob(pattern)]


def _linked_python(library: Path) -> str | None:
    """The libpython3.Y a shared library links against, as "3.Y"."""
    match = _PYKRITA_LIBRARY.search(library.read_bytes())
    return match.group(1).decode() if match else None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `painterly install krita` and `painterly uninstall krita`."""
    parser.add_argument(
        "--resource-dir", type=Path, metavar="DIR", help=f"Krita's resource folder (default: {default_resource_dir()})"
    )
    parser.add_argument(
        "--kritarc",
        type=Path,
        metavar="FILE",
        help=f"Krita's settings file, where the plugin is enabled (default: {default_kritarc()})",
    )
    parser.add_argument(
        "--python-version",
        type=python_version,
        metavar="X.Y",
        help="the Python version Krita embeds, e.g. 3.10 (default: detected; Krita's official Windows, macOS and "
        f"AppImage builds use {OFFICIAL_BUILDS_PYTHON})",
    )


def install(args: argparse.Namespace) -> str:
    """Copy the plugin, vendor its packages and enable it; undo everything if a step fails."""
    resources = args.resource_dir or default_resource_dir()
    kritarc = args.kritarc or default_kritarc()
    target_python = args.python_version or detect_krita_python()
    if target_python is None:
        raise InstallError(
            "cannot find Krita's Python version; pass --python-version "
            f"(Krita's official Windows, macOS and AppImage builds use {OFFICIAL_BUILDS_PYTHON})"
        )
    source = plugin_source("krita", f"{PLUGIN_NAME}.desktop")
    pykrita = resources / "pykrita"
    replaced = _uninstall_existing(pykrita)
    manifest = Manifest("krita")
    try:
        _place_plugin(source, pykrita, manifest)
        vendor_runtime(pykrita / PLUGIN_NAME, target_python, manifest, platform_tags(), args.wheels)
        start_command = record_start_command(pykrita / PLUGIN_NAME, manifest)
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
    resources = args.resource_dir or default_resource_dir()
    pykrita = resources / "pykrita"
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
