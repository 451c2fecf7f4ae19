"""Where Krita and GIMP 3 are installed on this machine, each way an artist gets them (Linux packages, Flatpak,
AppImage, the Windows installers, the macOS apps): the folder a plugin goes into and the Python the editor runs
plugins with.

Everything is read from files, relative to a `Machine` (its OS, home, environment and file-system root), so tests
lay out those folders in a temporary directory. The layouts, and what could not be checked, are in the user guides.
"""

from __future__ import annotations

import os
import platform
import re
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from painterly.install.installer import InstallError

KRITA_FLATPAK = "org.kde.krita"
GIMP_FLATPAK = "org.gimp.GIMP"
# Krita's official builds (Windows, macOS, AppImage): 5.2 embeds Python 3.10, 5.3 and 6.0 embed 3.13.
OFFICIAL_KRITA_PYTHON = {"5.2": "3.10", "5.3": "3.13", "6.0": "3.13"}
_PYTHON_FOLDER = re.compile(r"python(3\.\d+)")
_LINKED_PYTHON = re.compile(rb"libpython(3\.\d+)")
_KRITA_APPIMAGE = re.compile(r"krita-(\d+\.\d+)[\w.-]*\.appimage", re.IGNORECASE)


@dataclass(frozen=True)
class Machine:
    """What detection reads: OS ("Linux", "Windows", "Darwin"), home folder, environment, file-system root."""

    system: str = field(default_factory=platform.system)
    home: Path = field(default_factory=Path.home)
    env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    root: Path = Path("/")

    def path(self, absolute: str) -> Path:
        """An absolute path of this machine ("/usr/bin") under its root."""
        return self.root / absolute.lstrip("/")

    def config_home(self) -> Path:
        return Path(self.env.get("XDG_CONFIG_HOME") or self.home / ".config")

    def data_home(self) -> Path:
        return Path(self.env.get("XDG_DATA_HOME") or self.home / ".local" / "share")

    def windows_folder(self, variable: str, fallback: Path) -> Path:
        return Path(self.env.get(variable) or fallback)

    def app_data(self) -> Path:
        """%APPDATA% (Windows)."""
        return self.windows_folder("APPDATA", self.home / "AppData" / "Roaming")

    def local_app_data(self) -> Path:
        """%LOCALAPPDATA% (Windows)."""
        return self.windows_folder("LOCALAPPDATA", self.home / "AppData" / "Local")


@dataclass(frozen=True)
class Installation:
    """One installed editor: how it was installed, where its plugins go, the Python it runs them with (None when it
    cannot be read), and whether it runs in a sandbox (Flatpak) that cannot start programs of the host."""

    kind: str
    plugin_folder: Path  # Krita: the resource folder (holding pykrita/); GIMP: the plug-ins folder
    python: str | None
    settings_file: Path | None = None  # Krita's kritarc
    sandboxed: bool = False


def default_krita(machine: Machine) -> Installation:
    """Where Krita keeps its resources and kritarc on this OS when it is installed the usual way (Python unknown)."""
    if machine.system == "Windows":
        return Installation("default", machine.app_data() / "krita", None, machine.local_app_data() / "kritarc")
    if machine.system == "Darwin":
        library = machine.home / "Library"
        return Installation(
            "default", library / "Application Support" / "krita", None, library / "Preferences" / "kritarc"
        )
    return Installation("default", machine.data_home() / "krita", None, machine.config_home() / "kritarc")


def default_gimp(machine: Machine) -> Installation:
    """GIMP 3's user plug-ins folder on this OS ($GIMP3_DIRECTORY/plug-ins when that is set; Python unknown)."""
    if machine.env.get("GIMP3_DIRECTORY"):
        return Installation("default", Path(machine.env["GIMP3_DIRECTORY"]) / "plug-ins", None)
    if machine.system == "Windows":
        config = machine.app_data()
    elif machine.system == "Darwin":
        config = machine.home / "Library" / "Application Support"
    else:
        config = machine.config_home()
    return Installation("default", config / "GIMP" / "3.0" / "plug-ins", None)


def krita_installations(machine: Machine | None = None) -> list[Installation]:
    """Every Krita found on the machine."""
    machine = machine or Machine()
    usual = default_krita(machine)
    if machine.system == "Windows":
        dlls = [dll for folder in _windows_program_folders(machine) for dll in folder.glob("Krita*/bin/python3*.dll")]
        versions = [f"3.{match.group(1)}" for dll in dlls if (match := re.fullmatch(r"python3(\d+)\.dll", dll.name))]
        return [_found(usual, "Windows installer", _newest(versions))] if dlls else []
    if machine.system == "Darwin":
        frameworks = machine.path("/Applications/krita.app/Contents/Frameworks/Python.framework/Versions")
        versions = [path.name for path in frameworks.glob("3.*")]
        return [_found(usual, "macOS app", _newest(versions))] if frameworks.is_dir() else []
    found = []
    packaged = [version for library in _pykrita_libraries(machine) if (version := _linked_python(library))]
    if packaged:
        found.append(_found(usual, "Linux package", _newest(packaged)))
    appimages = [match.group(1) for image in _appimages(machine) if (match := _KRITA_APPIMAGE.fullmatch(image.name))]
    if appimages:
        newest = max(appimages, key=lambda version: tuple(map(int, version.split("."))))
        found.append(_found(usual, f"AppImage {newest}", OFFICIAL_KRITA_PYTHON.get(newest)))
    flatpak = _flatpak_python(machine, KRITA_FLATPAK)
    if flatpak is not None:
        sandbox = machine.home / ".var" / "app" / KRITA_FLATPAK
        found.append(
            Installation("Flatpak", sandbox / "data" / "krita", flatpak or None, sandbox / "config" / "kritarc", True)
        )
    return found


def gimp_installations(machine: Machine | None = None) -> list[Installation]:
    """Every GIMP 3 found on the machine."""
    machine = machine or Machine()
    usual = default_gimp(machine)
    if machine.system == "Windows":
        folders = [lib for folder in _windows_program_folders(machine) for lib in folder.glob("GIMP 3*/lib/python3.*")]
        return [_found(usual, "Windows installer", _python_of_folders(folders))] if folders else []
    if machine.system == "Darwin":
        folders = [*machine.path("/Applications").glob("GIMP*.app/Contents/Resources/lib/python3.*")]
        return [_found(usual, "macOS app", _python_of_folders(folders))] if folders else []
    found = []
    programs = ("gimp-3.0", "gimp-console-3.0", "gimp-3.2", "gimp-console-3.2")
    if any(machine.path(f"/usr/bin/{program}").exists() for program in programs) or (
        machine.root == Path("/") and any(shutil.which(program) for program in programs)
    ):
        system_python = machine.path("/usr/bin/python3")  # GIMP's packages run plug-ins with the system python3
        found.append(_found(usual, "Linux package", _python_of_folders([system_python.resolve()])))
    if any(image.name.lower().startswith("gimp") for image in _appimages(machine)):
        found.append(_found(usual, "AppImage", None))
    flatpak = _flatpak_python(machine, GIMP_FLATPAK)
    if flatpak is not None:
        config = machine.home / ".var" / "app" / GIMP_FLATPAK / "config"
        found.append(Installation("Flatpak", config / "GIMP" / "3.0" / "plug-ins", flatpak or None, sandboxed=True))
    return found


def choose_installation(
    found: list[Installation], usual: Installation, folder: Path | None, editor: str, option: str
) -> Installation:
    """What to install into: the installation whose plugin folder is `folder` (given with `option`), or that folder
    with the usual settings file and the Python of the installations found (when they agree on one); else the one
    installation found; else the usual folders. InstallError when several are found and no folder was given,
    naming each with the option that picks it."""
    if folder is not None:
        match = next((place for place in found if place.plugin_folder == folder), None)
        pythons = {place.python for place in found}
        python = pythons.pop() if len(pythons) == 1 else None  # what every editor found here runs
        return match or Installation("given", folder, python, usual.settings_file)
    if len(found) > 1:
        ways = "; ".join(
            f"{place.kind} ({'Python ' + place.python if place.python else 'Python unknown'}): {option} "
            f"{place.plugin_folder}"
            for place in found
        )
        raise InstallError(f"{editor} is installed more than one way here; choose one with {option}: {ways}")
    return found[0] if found else usual


def _found(usual: Installation, kind: str, python: str | None) -> Installation:
    """An installation that keeps its plugins in the usual folders."""
    return Installation(kind, usual.plugin_folder, python, usual.settings_file)


def _flatpak_python(machine: Machine, app: str) -> str | None:
    """The Python of an installed Flatpak app ("" when the app is there but its Python is not found; None when the
    app is not installed): the app's own /app/lib/python3.Y, else its runtime's."""
    installations = [machine.data_home() / "flatpak", machine.path("/var/lib/flatpak")]
    for installation in installations:
        active = installation / "app" / app / "current" / "active"
        if not (active / "metadata").is_file():
            continue
        own = _python_of_folders(active.glob("files/lib/python3.*"))
        if own:
            return own
        runtime = _metadata_runtime(active / "metadata")
        folders = [
            folder
            for place in installations
            if runtime
            for folder in (place / "runtime" / runtime / "active" / "files" / "lib").glob("python3.*")
        ]
        return _python_of_folders(folders) or ""
    return None


def _metadata_runtime(metadata: Path) -> str | None:
    """`runtime=org.gnome.Platform/x86_64/50` of a Flatpak app's metadata file."""
    for line in metadata.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("runtime="):
            return line.split("=", 1)[1].strip()
    return None


def _pykrita_libraries(machine: Machine) -> list[Path]:
    """Krita's Python plugin library (kritapykrita.so) under the usual prefixes and the one `krita` runs from."""
    prefixes = {machine.path("/usr"), machine.path("/usr/local")}
    executable = shutil.which("krita") if machine.root == Path("/") else None
    if executable:
        prefixes.add(Path(executable).resolve().parent.parent)
    patterns = ("lib*/kritaplugins/kritapykrita.so", "lib*/*/kritaplugins/kritapykrita.so")
    return [library for prefix in prefixes for pattern in patterns for library in prefix.glob(pattern)]


def _linked_python(library: Path) -> str | None:
    """The libpython3.Y a shared library links against, as "3.Y"."""
    match = _LINKED_PYTHON.search(library.read_bytes())
    return match.group(1).decode() if match else None


def _appimages(machine: Machine) -> list[Path]:
    """AppImage files in the folders people keep them in."""
    folders = [machine.home / name for name in ("Applications", "Downloads", "Desktop", ".local/bin", "bin", "")]
    return [
        path for folder in folders if folder.is_dir() for path in folder.iterdir() if path.suffix.lower() == ".appimage"
    ]


def _windows_program_folders(machine: Machine) -> list[Path]:
    """Where the Windows installers put programs: for all users, and for this user only."""
    return [machine.windows_folder("PROGRAMFILES", Path("C:/Program Files")), machine.local_app_data() / "Programs"]


def _python_of_folders(folders: Iterable[Path]) -> str | None:
    """The newest "3.Y" among folders named python3.Y."""
    return _newest([match.group(1) for folder in folders if (match := _PYTHON_FOLDER.fullmatch(folder.name))])


def _newest(versions: list[str]) -> str | None:
    return max(versions, key=lambda version: int(version.split(".")[1]), default=None)
