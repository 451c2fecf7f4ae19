"""The style library: public-domain paintings shipped with Painterly plus the artist's own styles folder."""

from __future__ import annotations

import json
import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from painterly.engine.images import ImageError, Picture, load_picture
from painterly_wire import Pixels

BUILT_IN_FOLDER = Path(__file__).resolve().parents[1] / "assets" / "styles"
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff")
THUMBNAIL_SIDE = 128
USER_PREFIX = "user/"
MAX_USER_STYLES = 200  # user styles a listing carries at most (sorted by name); the rest are logged, still usable

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
    thumbnails are cached per file and modification time. Names resolve from a plain directory
    listing, without opening any image, so a submit costs no decoding. A listing carries every
    built-in style and at most `max_user_styles` user styles; the others stay usable by name.
    Safe to call from several threads (the daemon's socket loop and its engine worker).
    """

    def __init__(
        self, built_in: Path = BUILT_IN_FOLDER, user: Path | None = None, max_user_styles: int = MAX_USER_STYLES
    ) -> None:
        self.built_in = built_in
        self.user = user if user is not None else user_styles_folder()
        self.max_user_styles = max_user_styles
        self._cache: dict[tuple[Path, float], LibraryEntry] = {}
        self._lock = threading.Lock()
        self._last_unlisted = 0

    def names(self) -> dict[str, Path]:
        """Every style file by name, built-in first, each group sorted by name; no image is opened."""
        found: dict[str, Path] = {}
        for folder, prefix in ((self.built_in, ""), (self.user, USER_PREFIX)):
            for path in image_files(folder):
                found.setdefault(prefix + path.stem, path)
        return found

    def entries(self) -> list[LibraryEntry]:
        """The readable style paintings of a listing: every built-in one, then up to max_user_styles of the
        user's, each group sorted by name. Unreadable files are skipped, user styles past the cap logged."""
        found: list[LibraryEntry] = []
        seen: set[tuple[Path, float]] = set()
        indexes: dict[Path, dict[str, dict[str, str]]] = {}
        users = 0
        unlisted = 0
        for name, path in self.names().items():
            user = name.startswith(USER_PREFIX)
            if user and users >= self.max_user_styles:
                unlisted += 1
                continue
            entry = self._entry(path, name, seen, indexes)
            if entry is not None:
                found.append(entry)
                users += user
        with self._lock:
            for key in set(self._cache) - seen:  # files removed or changed since: forget their old thumbnails
                del self._cache[key]
            if unlisted and unlisted != self._last_unlisted:
                log.warning(
                    "style listing carries %d user styles; %d more in %s are left out of it (still usable by name)",
                    self.max_user_styles,
                    unlisted,
                    self.user,
                )
            self._last_unlisted = unlisted
        return found

    def path_of(self, name: str) -> Path | None:
        """The file of a style by name, or None when there is no such style; no image is opened."""
        return self.names().get(name)

    def load(self, name: str) -> Picture:
        """The painting as a Picture; KeyError when the name is unknown, ImageError (naming the style, not its file:
        the message goes to the client) when the file cannot be read."""
        path = self.path_of(name)
        if path is None:
            raise KeyError(name)
        try:
            return load_picture(path)
        except ImageError as error:
            log.warning("cannot read style %s: %s", name, error)
            raise ImageError(f"the library style {name!r} cannot be read (the daemon's log says why)") from None

    def _entry(
        self, path: Path, name: str, seen: set[tuple[Path, float]], indexes: dict[Path, dict[str, dict[str, str]]]
    ) -> LibraryEntry | None:
        try:
            key = (path, path.stat().st_mtime)
        except OSError as error:
            log.warning("skipping style %s: %s", path, error)
            return None
        seen.add(key)
        with self._lock:
            cached = self._cache.get(key)
        if cached is not None:
            return cached
        try:
            if path.parent not in indexes:
                indexes[path.parent] = read_index(path.parent)
            entry = read_entry(path, name, indexes[path.parent])
        except (OSError, UnidentifiedImageError, Image.DecompressionBombError) as error:
            log.warning("skipping style %s: %s", path, error)
            return None
        with self._lock:
            self._cache[key] = entry
        return entry


def image_files(folder: Path) -> list[Path]:
    """The image files directly in a folder, sorted; none when it is missing or unreadable."""
    try:
        listed = sorted(folder.iterdir())
    except OSError:
        return []
    return [path for path in listed if path.suffix.lower() in IMAGE_SUFFIXES and path.is_file()]
