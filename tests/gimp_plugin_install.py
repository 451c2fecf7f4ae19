"""Installing the GIMP plug-in with the real `painterly install gimp` into a folder of the test's choosing."""

from __future__ import annotations

import subprocess
from pathlib import Path

from support import run_painterly

GIMP_PYTHON = "3.13"  # Debian trixie's python3, which the chroot's GIMP 3.0.4 runs plug-ins with
PLUGIN = "painterly-gimp"


def install_plugin(plugin_dir: Path) -> subprocess.CompletedProcess:
    """`painterly install gimp --plugin-dir plugin_dir` for GIMP's Python 3.13."""
    return run_painterly("install", "gimp", "--plugin-dir", plugin_dir, "--python-version", GIMP_PYTHON)


def uninstall_plugin(plugin_dir: Path) -> subprocess.CompletedProcess:
    """`painterly uninstall gimp --plugin-dir plugin_dir`."""
    return run_painterly("uninstall", "gimp", "--plugin-dir", plugin_dir)
