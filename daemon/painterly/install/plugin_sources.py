"""Where the editor plugins' own files are: inside the installed package (a wheel ships them as data of
`painterly.plugins.krita` / `painterly.plugins.gimp`) or beside the package in a checkout (plugin_krita/,
plugin_gimp/)."""

from __future__ import annotations

from pathlib import Path

import painterly
from painterly.install.installer import InstallError

PACKAGE_FOLDER = Path(painterly.__file__).resolve().parent
PLUGIN_IGNORE = ("__pycache__", "*.pyc", "vendor")  # never copied out of a source folder


def plugin_source(editor: str, marker: str) -> Path:
    """The folder of `editor`'s plugin ("krita" or "gimp") that holds the file `marker`.

    Raises InstallError when neither the package nor a checkout has it."""
    candidates = (PACKAGE_FOLDER / "plugins" / editor, PACKAGE_FOLDER.parents[1] / f"plugin_{editor}")
    for folder in candidates:
        if (folder / marker).is_file():
            return folder
    searched = " and ".join(map(str, candidates))
    raise InstallError(f"the {editor} plugin's files are missing: no {marker} in {searched}")
