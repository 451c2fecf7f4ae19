"""Which vendored pyzmq/msgpack build this Krita's Python loads (standard library only: runs before any of them).

`painterly install krita` vendors one build, for the Krita it found, straight into vendor/. The plugin zip
(`painterly package krita`) carries one build per supported Krita Python in vendor/<build>/, named as
`build_name()` names them, beside the pure-Python painterly_wire in vendor/.
"""

from __future__ import annotations

import platform
import sys
from pathlib import Path

_WINDOWS = {"amd64": "win_amd64", "x86_64": "win_amd64", "arm64": "win_arm64", "x86": "win32"}
_LINUX = {"amd64": "x86_64", "arm64": "aarch64"}


def build_name() -> str:
    """This Python's build folder: cp<major><minor>-<platform>, e.g. cp310-win_amd64, cp313-macosx_arm64,
    cp311-manylinux_x86_64."""
    machine = platform.machine().lower()
    if sys.platform == "win32":
        system = _WINDOWS.get(machine, f"win_{machine}")
    elif sys.platform == "darwin":
        system = "macosx_arm64" if machine in ("arm64", "aarch64") else "macosx_x86_64"
    else:
        system = f"manylinux_{_LINUX.get(machine, machine)}"
    return f"cp{sys.version_info.major}{sys.version_info.minor}-{system}"


def add_vendored_packages(vendor: Path) -> None:
    """Put `vendor` (and in a zip's layout this Python's build folder in it, before it) first on sys.path.

    Raises ImportError, saying which builds there are, when `vendor` has builds but none for this Python."""
    if not vendor.is_dir():
        return
    folders = [vendor]
    builds = sorted(path.name for path in vendor.glob("cp3*-*") if path.is_dir())
    if builds:
        if build_name() not in builds:
            raise ImportError(f"this plugin carries pyzmq for {', '.join(builds)}, none for {build_name()}")
        folders.insert(0, vendor / build_name())
    for folder in reversed(folders):
        if str(folder) not in sys.path:
            sys.path.insert(0, str(folder))
