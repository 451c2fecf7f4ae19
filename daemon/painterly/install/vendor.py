"""Making an installed plugin self-contained: pyzmq and msgpack wheels built for the editor's own Python and
platform, plus a copy of the `painterly_wire` client, in the plugin's `vendor/` folder."""

from __future__ import annotations

import argparse
import platform
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import painterly_wire
from painterly.install.installer import InstallError
from painterly.install.manifest import Manifest

VENDOR_FOLDER = "vendor"
RUNTIME_REQUIREMENTS = ("pyzmq>=25,<28", "msgpack>=1.0,<2")
PIP_TIMEOUT_S = 600

_MANYLINUX = ("manylinux_2_28_{arch}", "manylinux_2_17_{arch}", "manylinux2014_{arch}")
_MACOS = ("macosx_11_0_{arch}", "macosx_10_15_universal2", "macosx_10_9_universal2", "macosx_10_9_{arch}")
_WINDOWS_ARCH = {"amd64": "win_amd64", "x86_64": "win_amd64", "arm64": "win_arm64", "x86": "win32"}
_LINUX_ARCH = {"amd64": "x86_64", "arm64": "aarch64"}


def python_version(text: str) -> str:
    """A checked "3.Y" version string; as an argparse type it reports a bad one in the usage error."""
    if not re.fullmatch(r"3\.\d{1,2}", text.strip()):
        raise argparse.ArgumentTypeError(f"{text!r} is not a Python version like 3.10")
    return text.strip()


def platform_tags(system: str | None = None, machine: str | None = None) -> tuple[str, ...]:
    """The pip `--platform` tags of wheels that load on this OS and CPU (or the given ones)."""
    system = (system or platform.system()).lower()
    machine = (machine or platform.machine()).lower()
    if system == "windows":
        if machine not in _WINDOWS_ARCH:
            raise InstallError(f"no wheels are known for Windows on {machine}")
        return (_WINDOWS_ARCH[machine],)
    if system == "darwin":
        arch = "arm64" if machine in ("arm64", "aarch64") else "x86_64"
        return tuple(tag.format(arch=arch) for tag in _MACOS)
    if system == "linux":
        arch = _LINUX_ARCH.get(machine, machine)
        return tuple(tag.format(arch=arch) for tag in _MANYLINUX)
    raise InstallError(f"no wheels are known for {system} on {machine}")


def vendor_runtime(
    plugin_folder: Path,
    target_python: str,
    manifest: Manifest,
    platforms: Sequence[str] | None = None,
    wheel_folder: Path | None = None,
) -> Path:
    """Fill `plugin_folder/vendor` with pyzmq + msgpack for Python `target_python` and painterly_wire; return it.

    `platforms` are pip platform tags (default: this machine's); `wheel_folder` installs from local wheels
    instead of the package index (offline installs).
    """
    vendor = plugin_folder / VENDOR_FOLDER
    if vendor.exists():
        raise InstallError(f"{vendor} already exists; move it away first")
    install_runtime(vendor, target_python, platforms or platform_tags(), wheel_folder)
    copy_wire_package(vendor)
    manifest.add_new_tree(vendor)
    return vendor


def install_runtime(folder: Path, target_python: str, platforms: Sequence[str], wheel_folder: Path | None) -> None:
    """pip-install pyzmq and msgpack into `folder` as binary wheels for CPython `target_python` on `platforms`.

    The result loads in that Python, not necessarily in this one. Raises InstallError (and leaves no `folder`)
    when pip cannot get them."""
    command = [
        sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-compile",
        "--target", str(folder), "--only-binary=:all:", "--implementation", "cp",
        "--python-version", target_python,
    ]  # fmt: skip
    for tag in platforms:
        command += ["--platform", tag]
    if wheel_folder is not None:
        command += ["--no-index", "--find-links", str(wheel_folder)]
    command += list(RUNTIME_REQUIREMENTS)
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=PIP_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        done = None
    if done is None or done.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        raise InstallError(
            f"pip could not fetch pyzmq and msgpack for Python {target_python} ({', '.join(platforms)}): "
            f"{_last_line(done)}"
        )


def copy_wire_package(vendor: Path) -> Path:
    """Copy the painterly_wire client package (sources only) into `vendor`; return the copy's folder."""
    source = Path(painterly_wire.__file__).resolve().parent
    destination = vendor / source.name
    shutil.copytree(source, destination, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return destination


def _last_line(done: subprocess.CompletedProcess[str] | None) -> str:
    if done is None:
        return f"pip did not finish within {PIP_TIMEOUT_S} s"
    lines = [line.strip() for line in (done.stderr or done.stdout).splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("ERROR")]
    return (errors or lines or [f"pip exited with {done.returncode}"])[-1]
