"""Painterly for Krita: Filters > Artistic > Neural Style Transfer.

Importing the package puts the vendored packages (pyzmq, msgpack, painterly_wire) first on sys.path and
registers the extension with Krita.
"""

from pathlib import Path

from krita import Krita

from painterly_krita.vendor_builds import add_vendored_packages

VENDOR_DIR = Path(__file__).resolve().parent / "vendor"

try:
    add_vendored_packages(VENDOR_DIR)
    from painterly_krita.extension import PainterlyExtension
except ImportError as error:  # pyzmq built for another Python, none for this one in a zip, or no vendor folder
    from painterly_krita.missing_packages import MissingPackagesExtension

    Krita.instance().addExtension(MissingPackagesExtension(Krita.instance(), error))
else:
    Krita.instance().addExtension(PainterlyExtension(Krita.instance()))
