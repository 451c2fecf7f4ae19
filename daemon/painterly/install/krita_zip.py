"""`painterly package krita`: the Krita plugin as one zip for Krita's Tools > Scripts > Import Python Plugin from
File…, carrying pyzmq and msgpack for the Python of every supported Krita build.

Layout (what Krita's importer looks for: a .desktop file naming the package, and the package folder with its
`__init__.py`, both with folder entries in the zip):

    painterly_krita.desktop
    painterly_krita/...                      the plugin
    painterly_krita/vendor/painterly_wire/   the client, pure Python
    painterly_krita/vendor/cp310-win_amd64/  pyzmq + msgpack for one Python and platform (one folder per build)

At import the plugin puts the folder of its own Python's build on sys.path (painterly_krita/vendor_builds.py,
which names the folders the same way).
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from painterly import __version__
from painterly.install.plugin_sources import PLUGIN_IGNORE, plugin_source
from painterly.install.vendor import VENDOR_FOLDER, copy_wire_package, install_runtime, platform_tags

PLUGIN_NAME = "painterly_krita"
# platform part of a build's name -> (OS, CPU) as platform_tags takes them
PLATFORMS = {
    "win_amd64": ("windows", "amd64"),
    "macosx_x86_64": ("darwin", "x86_64"),
    "macosx_arm64": ("darwin", "arm64"),
    "manylinux_x86_64": ("linux", "x86_64"),
}


@dataclass(frozen=True)
class KritaPython:
    """The Python one kind of Krita build embeds, on one platform; `krita` says which builds (for --help)."""

    python: str
    platform: str
    krita: str

    @property
    def name(self) -> str:
        """The build's folder in vendor/, e.g. cp310-win_amd64."""
        return f"cp{self.python.replace('.', '')}-{self.platform}"


# Sources: docs/user-guide-krita.md ("Which Python your Krita runs").
KRITA_PYTHONS = (
    KritaPython("3.10", "win_amd64", "official 5.2"),
    KritaPython("3.13", "win_amd64", "official 5.3 and 6.0"),
    KritaPython("3.10", "macosx_x86_64", "official 5.2, Intel"),
    KritaPython("3.10", "macosx_arm64", "official 5.2, Apple silicon"),
    KritaPython("3.13", "macosx_x86_64", "official 5.3 and 6.0, Intel"),
    KritaPython("3.13", "macosx_arm64", "official 5.3 and 6.0, Apple silicon"),
    KritaPython("3.10", "manylinux_x86_64", "AppImage 5.2"),
    KritaPython("3.11", "manylinux_x86_64", "Debian 12 packages (5.1)"),
    KritaPython("3.12", "manylinux_x86_64", "Ubuntu 24.04 packages (5.2)"),
    KritaPython("3.13", "manylinux_x86_64", "AppImage 5.3 and 6.0, Flatpak, Debian 13 packages (5.2)"),
    KritaPython("3.14", "manylinux_x86_64", "Debian testing/unstable packages (5.3, 6.0)"),
)
BUILDS = {build.name: build for build in KRITA_PYTHONS}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `painterly package krita`."""
    parser.add_argument(
        "-o", "--output", type=Path, help=f"the zip to write (default: painterly-krita-{__version__}.zip)"
    )
    parser.add_argument(
        "--builds",
        type=_build_list,
        default=list(KRITA_PYTHONS),
        metavar="NAME,...",
        help="only these vendored builds (default: all: "
        + "; ".join(f"{build.name} for {build.krita}" for build in KRITA_PYTHONS)
        + ")",
    )


def package(args: argparse.Namespace) -> str:
    """Build the zip; return a one-line summary."""
    output = args.output or Path(f"painterly-krita-{__version__}.zip")
    build_zip(output, args.builds, args.wheels)
    names = ", ".join(build.name for build in args.builds)
    return (
        f"wrote {output} ({output.stat().st_size // 1024} KiB; pyzmq and msgpack for {names}); in Krita: Tools > "
        "Scripts > Import Python Plugin from File…, then restart Krita"
    )


def build_zip(output: Path, builds: list[KritaPython], wheel_folder: Path | None = None) -> Path:
    """Write the plugin zip with the given vendored builds to `output` (replaced only once complete)."""
    source = plugin_source("krita", f"{PLUGIN_NAME}.desktop")
    with tempfile.TemporaryDirectory(prefix="painterly-krita-zip-") as staging_name:
        staging = Path(staging_name)
        package_folder = staging / PLUGIN_NAME
        shutil.copytree(source / PLUGIN_NAME, package_folder, ignore=shutil.ignore_patterns(*PLUGIN_IGNORE))
        shutil.copyfile(source / f"{PLUGIN_NAME}.desktop", staging / f"{PLUGIN_NAME}.desktop")
        vendor = package_folder / VENDOR_FOLDER
        vendor.mkdir()
        copy_wire_package(vendor)
        for build in builds:
            install_runtime(vendor / build.name, build.python, platform_tags(*PLATFORMS[build.platform]), wheel_folder)
        partial = staging / "plugin.zip"
        _write_zip(partial, staging, [staging / f"{PLUGIN_NAME}.desktop", package_folder])
        output.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(partial, output)
    return output


def _write_zip(zip_path: Path, root: Path, entries: list[Path]) -> None:
    """Zip files and folders (recursively, with an entry for every folder) under their paths relative to `root`."""
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry in entries:
            archive.write(entry, entry.relative_to(root).as_posix())
            for folder, subfolders, files in os.walk(entry):
                subfolders.sort()
                for name in [*subfolders, *sorted(files)]:
                    path = Path(folder, name)
                    archive.write(path, path.relative_to(root).as_posix())


def _build_list(text: str) -> list[KritaPython]:
    """Comma-separated build names, as an argparse type."""
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in BUILDS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"unknown build {', '.join(unknown) or text!r}; known: {', '.join(BUILDS)}")
    return [BUILDS[name] for name in names]
