"""The style library: public-domain paintings shipped with Painterly plus the artist's own styles folder."""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from painterly.images import Picture, load_picture
from painterly_wire import Pixels

BUILT_IN_FOLDER = Path(__file__).parent / "assets" / "styles"
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff")
THUMBNAIL_SIDE = 128
USER_PREFIX = "user/"

log = logging.getLogger(__name__)


def user_styles_folder() -> Path:
    """PAINTERLY_STYLES_DIR, or ~/.local/share/painterly/styles (XDG_DATA_HOME respected)."""
    if "PAINTERLY_STYLES_DIR" in os.environ:
        return Path(os.environ["PAINTERLY_STYLES_DIR"])
    data_home = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(data_home) / "painterly" / "styles"


@dataclass(frozen=True)
class LibraryEntry:
    """One style painting: its name for requests, title and artist for people, its size and a small thumbnail."""

    name: str
    title: str
    artist: str
    path: Path
    width: int
    height: int
    thumbnail: Pixels


def title_from_file_name(stem: str) -> str:
    """'van_gogh-starry_night' -> 'Van Gogh - Starry Night'."""
    return " - ".join(part.replace("_", " ").strip().title() for part in stem.split("-"))


def read_index(folder: Path) -> dict[str, dict[str, str]]:
    """Titles and artists by file stem from a folder's index.json (a list of {name, title, artist}), if any."""
    try:
        listed = json.loads((folder / "index.json").read_text())
        return {item["name"]: item for item in listed if isinstance(item, dict) and "name" in item}
    except FileNotFoundError:
        return {}
    except (OSError, ValueError, TypeError) as error:
        log.warning("ignoring %s: %s", folder / "index.json", error)
        return {}


def read_entry(path: Path, name: str, index: dict[str, dict[str, str]]) -> LibraryEntry:
    """A library entry for an image file; raises OSError or UnidentifiedImageError for unreadable files."""
    with Image.open(path) as image:
        width, height = image.size
        image.draft("RGB", (THUMBNAIL_SIDE, THUMBNAIL_SIDE))
        small = image.convert("RGB")
        small.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
    thumbnail = Pixels(small.width, small.height, 3, "u8", small.tobytes())
    known = index.get(path.stem, {})
    title = str(known.get("title") or title_from_file_name(path.stem))
    return LibraryEntry(name, title, str(known.get("artist", "")), path, width, height, thumbnail)


class StyleLibrary:
    """Style paintings by name: built-in ones by file stem, the user's as 'user/<stem>'.

    The user folder is read again on every listing, so new paintings show up without a restart;
    thumbnails are cached per file and modification time.
    """

    def __init__(self, built_in: Path = BUILT_IN_FOLDER, user: Path | None = None) -> None:
        self.built_in = built_in
        self.user = user if user is not None else user_styles_folder()
        self._cache: dict[tuple[Path, float], LibraryEntry] = {}

    def entries(self) -> list[LibraryEntry]:
        """Every readable style painting, built-in first, each group sorted by name."""
        found = []
        for folder, prefix in ((self.built_in, ""), (self.user, USER_PREFIX)):
            if not folder.is_dir():
                continue
            index = read_index(folder)
            for path in sorted(folder.iterdir()):
                if path.suffix.lower() not in IMAGE_SUFFIXES or not path.is_file():
                    continue
                entry = self._entry(path, prefix + path.stem, index)
                if entry is not None:
                    found.append(entry)
        return found

    def path_of(self, name: str) -> Path | None:
        """The file of a style by name, or None when there is no such style."""
        return next((entry.path for entry in self.entries() if entry.name == name), None)

    def load(self, name: str) -> Picture:
        """The painting as a Picture; KeyError when the name is unknown."""
        path = self.path_of(name)
        if path is None:
            raise KeyError(name)
        return load_picture(path)

    def _entry(self, path: Path, name: str, index: dict[str, dict[str, str]]) -> LibraryEntry | None:
        key = (path, path.stat().st_mtime)
        if key not in self._cache:
            try:
                self._cache[key] = read_entry(path, name, index)
            except (OSError, UnidentifiedImageError, Image.DecompressionBombError) as error:
                log.warning("skipping style %s: %s", path, error)
                return None
        return self._cache[key]
