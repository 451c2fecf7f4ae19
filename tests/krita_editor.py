"""Real Krita for the tests: the versions ../shared/editors installs, the Python each embeds, and running a check
script inside one of them (gui mode, run-in-krita.sh) with plugins from a pykrita folder."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support import EDITORS, run_painterly

# run-in-krita.sh --version -> the prefix that Krita is installed under, and the Python it embeds
KRITA_VERSIONS = {
    "5.1": (Path("/usr"), "3.11"),
    "5.2": (Path("/opt/trixie/usr"), "3.13"),
    "5.3": (Path("/opt/sid/usr"), "3.14"),
    "6": (Path("/opt/sid-krita6/usr"), "3.14"),
}
OLDEST_AND_NEWEST = ("5.1", "6")  # every check runs on these; the versions between get a smoke test


def installed(version: str) -> bool:
    """Whether this Krita version and what runs it headless (xvfb-run, run-in-krita.sh) are here."""
    prefix = KRITA_VERSIONS[version][0]
    return (
        (prefix / "bin" / "krita").exists()
        and shutil.which("xvfb-run") is not None
        and (EDITORS / "run-in-krita.sh").exists()
    )


def install_plugin(resources: Path, *options: str) -> Path:
    """Install the plugin the way an artist does, into a Krita resource folder; its pykrita folder."""
    kritarc = resources / "kritarc"
    done = run_painterly("install", "krita", "--resource-dir", resources, "--kritarc", kritarc, *options)
    assert done.returncode == 0, done.stderr
    assert "enable_painterly_krita=true" in kritarc.read_text()
    return resources / "pykrita"


def krita_prefix(version: str) -> Path:
    """The prefix of an installed Krita version; skips the test when it is not installed."""
    if not installed(version):
        pytest.skip(f"needs Krita {version} (shared/editors/install-krita.sh --version {version})")
    return KRITA_VERSIONS[version][0]


def krita_python(version: str) -> str:
    """The Python version a Krita version embeds, e.g. "3.14"."""
    return KRITA_VERSIONS[version][1]


def needs_krita(version: str) -> pytest.MarkDecorator:
    """A mark that skips a test where this Krita version is not installed."""
    return pytest.mark.skipif(not installed(version), reason=f"needs Krita {version} (shared/editors/install-krita.sh)")


def version_params(versions=tuple(KRITA_VERSIONS)) -> list:
    """pytest params, one per Krita version, skipped where that version is not installed."""
    return [pytest.param(version, id=f"krita{version}", marks=needs_krita(version)) for version in versions]


def run_in_krita(version: str, pykrita: Path, script: Path, *arguments: str, timeout_s: int = 240) -> dict:
    """Run a check script in real Krita (gui mode) with every plugin in `pykrita` enabled; its RESULT map plus the
    end of the log. Krita 5.1's Python finds its standard library through the first python3 on PATH, so this
    interpreter's folders are taken off PATH."""
    ours = {sys.prefix, sys.base_prefix}
    path = [entry for entry in os.environ["PATH"].split(os.pathsep) if not any(entry.startswith(p) for p in ours)]
    command = [str(EDITORS / "run-in-krita.sh"), "--version", version, "--timeout", str(timeout_s)]
    done = subprocess.run(
        [*command, "--plugin", str(pykrita), str(script), *arguments],
        capture_output=True,
        text=True,
        timeout=timeout_s + 120,
        env={**os.environ, "PATH": os.pathsep.join(path)},
    )
    results = [json.loads(line[7:]) for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    steps = [line for line in (done.stdout + done.stderr).splitlines() if line.startswith("STEP ")]
    assert results, (
        f"no RESULT from Krita {version} (exit {done.returncode}); steps begun (name, seconds): {steps}\n"
        f"{done.stdout}\n{done.stderr}"
    )
    return {**results[-1], "log": (done.stdout + done.stderr)[-6000:]}
