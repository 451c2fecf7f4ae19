"""The record of what an install added (files, folders, settings), so uninstall removes exactly that."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from painterly.install.installer import InstallError

MANIFEST_NAME = "painterly-install.json"


@dataclass
class Manifest:
    """Paths an install created and settings it changed. `settings` entries are the editor installer's own."""

    editor: str
    files: list[str] = field(default_factory=list)
    folders: list[str] = field(default_factory=list)
    settings: list[dict[str, Any]] = field(default_factory=list)

    def make_folders(self, folder: Path) -> None:
        """Create `folder` and any missing parents, recording each one created."""
        missing = [path for path in (folder, *folder.parents) if not path.exists()]
        for path in reversed(missing):
            path.mkdir()
            self.folders.append(str(path))

    def copy_tree(self, source: Path, destination: Path, ignore: Any = None) -> None:
        """Copy a folder that must not exist yet, recording every file and folder of the copy."""
        shutil.copytree(source, destination, ignore=ignore)
        self.add_new_tree(destination)

    def copy_file(self, source: Path, destination: Path) -> None:
        """Copy one file to a path that must not exist yet, recording it."""
        if destination.exists():
            raise InstallError(f"{destination} already exists; move it away first")
        shutil.copyfile(source, destination)
        self.files.append(str(destination))

    def add_new_tree(self, root: Path) -> None:
        """Record a folder this install created, with everything in it."""
        self.folders.append(str(root))
        for folder, subfolders, files in os.walk(root):
            self.folders.extend(str(Path(folder, name)) for name in subfolders)
            self.files.extend(str(Path(folder, name)) for name in files)

    def save(self, path: Path) -> None:
        """Write the manifest as JSON (and record the manifest file itself)."""
        if str(path) not in self.files:
            self.files.append(str(path))
        path.write_text(json.dumps(asdict(self), indent=1) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Manifest:
        """Read a manifest; InstallError when it is unreadable."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(data["editor"], list(data["files"]), list(data["folders"]), list(data["settings"]))
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise InstallError(f"cannot read the install record {path}: {error}") from None

    def remove_paths(self) -> list[str]:
        """Delete the recorded files, then the recorded folders that are empty; return what had to stay.

        The bytecode caches (`__pycache__`) the editor's Python wrote beside recorded modules go too: they exist
        only because of the installed files.
        """
        for name in self.files:
            Path(name).unlink(missing_ok=True)
        kept = []
        for name in sorted(self.folders, key=len, reverse=True):
            folder = Path(name)
            if not folder.is_dir():
                continue
            shutil.rmtree(folder / "__pycache__", ignore_errors=True)
            if any(folder.iterdir()):
                kept.append(name)
            else:
                folder.rmdir()
        return kept
