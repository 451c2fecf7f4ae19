"""Installing the GIMP plug-in with the real `painterly install gimp` into a folder of the test's choosing, for
each GIMP version the harness in ../shared/editors runs."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from support import run_painterly

PLUGIN = "painterly-gimp"


@dataclass(frozen=True)
class GimpVersion:
    """A GIMP 3 the harness runs (run-in-gimp3.sh --version), where its console binary is and its Python."""

    version: str
    console: Path
    python: str

    @property
    def installed(self) -> bool:
        return self.console.exists()


GIMP_VERSIONS = (
    GimpVersion("3.0", Path("/opt/trixie/usr/bin/gimp-console-3.0"), "3.13"),  # Debian trixie: GIMP 3.0.4
    GimpVersion("3.2", Path("/opt/sid/usr/bin/gimp-console-3.2"), "3.14"),  # Debian sid: GIMP 3.2.6
)


def install_plugin(plugin_dir: Path, python: str = GIMP_VERSIONS[0].python) -> subprocess.CompletedProcess:
    """`painterly install gimp --plugin-dir plugin_dir` for a GIMP whose Python is `python`."""
    return run_painterly("install", "gimp", "--plugin-dir", plugin_dir, "--python-version", python)


def uninstall_plugin(plugin_dir: Path) -> subprocess.CompletedProcess:
    """`painterly uninstall gimp --plugin-dir plugin_dir`."""
    return run_painterly("uninstall", "gimp", "--plugin-dir", plugin_dir)
