"""Installing the GIMP plug-in with the real `painterly install gimp` into a folder of the test's choosing."""

from __future__ import annotations

import subprocess
from pathlib import Path

from daemon_process import painterly_command

GIMP_PYTHON = "3.13"  # Debian trixie's python3, which the chroot's GIMP 3.0.4 runs plug-ins with
PLUGIN = "painterly-gimp"


def install_plugin(plugin_dir: Path) -> subprocess.CompletedProcess:
    """`painterly install gimp --plugin-dir plugin_dir` for GIMP's Python 3.13."""
    return subprocess.run(
        painterly_command("install", "gimp", "--plugin-dir", str(plugin_dir), "--python-version", GIMP_PYTHON),
        capture_output=True,
        text=True,
        timeout=300,
    )


def uninstall_plugin(plugin_dir: Path) -> subprocess.CompletedProcess:
    """`painterly uninstall gimp --plugin-dir plugin_dir`."""
    return subprocess.run(
        painterly_command("uninstall", "gimp", "--plugin-dir", str(plugin_dir)), capture_output=True, text=True
    )
