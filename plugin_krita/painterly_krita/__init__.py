"""Painterly for Krita: Filters > Artistic > Neural Style Transfer.

Importing the package puts the vendored packages (pyzmq, msgpack, painterly_wire) first on sys.path and
registers the extension with Krita.
"""

import sys
from pathlib import Path

VENDOR_DIR = Path(__file__).resolve().parent / "vendor"
if VENDOR_DIR.is_dir() and str(VENDOR_DIR) not in sys.path:
    sys.path.insert(0, str(VENDOR_DIR))

from krita import Krita  # noqa: E402 - after the vendored packages are on sys.path

try:
    from painterly_krita.extension import PainterlyExtension
except ImportError as error:  # pyzmq built for another Python, or no vendor folder
    from painterly_krita.missing_packages import MissingPackagesExtension

    Krita.instance().addExtension(MissingPackagesExtension(Krita.instance(), error))
else:
    Krita.instance().addExtension(PainterlyExtension(Krita.instance()))
