"""Where the plug-in's files are, and how its vendored packages (pyzmq, msgpack, painterly_wire) get imported."""

from __future__ import annotations

import sys
from pathlib import Path

PLUGIN_DIR = Path(__file__).resolve().parent.parent
VENDOR_DIR = PLUGIN_DIR / "vendor"


def use_vendored_packages() -> None:
    """Put the vendored packages first on sys.path, so they win over anything GIMP's Python has installed."""
    vendor = str(VENDOR_DIR)
    if vendor not in sys.path:
        sys.path.insert(0, vendor)
