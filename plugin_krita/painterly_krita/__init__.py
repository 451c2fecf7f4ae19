"""Painterly for Krita: Filters > Artistic > Neural Style Transfer.

Imported by Krita, the package puts the vendored packages (pyzmq, msgpack, painterly_wire) first on sys.path and
registers the extension. Imported anywhere else (unit tests, tools) it registers nothing, so that its modules
without Krita or Qt (settings, progress_text, pixel_layout) can be imported and tested outside the editor.
"""

from pathlib import Path

from painterly_krita.vendor_builds import add_vendored_packages

VENDOR_DIR = Path(__file__).resolve().parent / "vendor"


def register(krita) -> None:
    """Add the extension to Krita (or, when the vendored packages do not load, the one that says how to fix it)."""
    try:
        add_vendored_packages(VENDOR_DIR)
        from painterly_krita.extension import PainterlyExtension
    except ImportError as error:  # pyzmq built for another Python, none for this one in a zip, or no vendor folder
        from painterly_krita.missing_packages import MissingPackagesExtension

        krita.addExtension(MissingPackagesExtension(krita, error))
    else:
        krita.addExtension(PainterlyExtension(krita))


try:
    from krita import Krita
except ImportError:  # not inside Krita
    pass
else:
    register(Krita.instance())
