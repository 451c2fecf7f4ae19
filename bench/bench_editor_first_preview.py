"""Seconds from pressing OK in real Krita and GIMP on a large photo layer to the first preview layer in the image,
next to the daemon's own share measured over the wire in the same run.

The daemon's share (bench_first_preview.one_run): submit the photo's pixels, wait for the first Progress record that
carries a preview. Krita's: the photo opened as a document, the installed plugin runs with the editors' defaults
(`quality`, strength 50, painted at the layer's own size, Starry Night from the daemon's library) on the same daemon
through Repeat Last Style Transfer, and the clock stops when its "[Preview]" layer holds its pixels (read layer,
submit, first preview, scaled up to the layer and written into a new layer); in Krita 5.1 (on the host, so its start
command can run this machine's Python) one more job comes first, with no daemon at its endpoint: the plugin starts
one. GIMP's: the plug-in's `painting.paint` (what follows the dialog's OK) runs inside GIMP with the same defaults
until the preview layer's first `show` returned. Each job is cancelled once its preview came.
Run from bench/: python bench_editor_first_preview.py --weights /abs/path/to/weights.bin [--size 2400x1600]
[--repeats 3] [--krita 5.1,6] [--gimp 3.0,3.2]. Needs the editors of ../shared/editors (install-krita.sh,
install-gimp3.sh; GIMP's chroots need root). Prints a table.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext, suppress
from pathlib import Path

from bench_daemon_roundtrip import free_endpoint, start_daemon
from bench_first_preview import one_run, photo_pixels
from pictures import parse_size
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from gimp_plugin_install import GIMP_VERSIONS, PLUGIN
from gimp_plugin_install import install_plugin as install_gimp_plugin
from krita_editor import install_plugin, installed, krita_python, run_in_krita
from support import EDITORS

from painterly_wire import Client

HERE = Path(__file__).resolve().parent
IN_KRITA = HERE / "editor" / "krita_first_preview.py"
IN_GIMP = HERE / "editor" / "gimp_first_preview.py"
HELPERS = HERE.parent / "tests" / "editor"
STYLE = "starry_night"


def krita_runs(
    version: str,
    endpoint: str,
    content: Path,
    repeats: int,
    work: Path,
    cold: dict[str, str] | None,
    first_scale_side: int,
) -> dict:
    """Install the plugin for this Krita and time `repeats` jobs in one Krita session, after one on a daemon the
    plugin starts when `cold` (endpoint, command) is given; Krita's RESULT map (runs, cold). Each job must start at
    `first_scale_side` px, as the full-size job over the wire did."""
    pykrita = install_plugin(work / f"krita{version}", "--python-version", krita_python(version))
    config = {"endpoint": endpoint, "content": str(content), "style": STYLE, "runs": repeats}
    if cold is not None:
        config["cold"] = cold
    result = run_in_krita(version, pykrita, work / IN_KRITA.name, json.dumps(config), timeout_s=600)
    failed = [name for name, passed in result.get("checks", {}).items() if not passed]
    labels = [run.get("first label", "") for run in [*result.get("runs", []), result.get("cold", {})]]
    scales = [label for label in labels if label and f", {first_scale_side}x" not in label]  # not a full-size job
    if failed or not result.get("runs") or scales:
        sys.exit(f"Krita {version}: {failed or scales or 'no runs'}\n{result['log']}")
    return result


@contextmanager
def daemon_for_the_plugin(weights: str, work: Path) -> Iterator[dict[str, str]]:
    """A free endpoint and the start command the plugin runs there (the real `painterly serve`, recording its
    process id); afterwards the daemon it started is stopped."""
    pid_file = work / "cold-daemon.pid"
    serve = [sys.executable, "-m", "painterly.cli", "serve", "--device", "cpu", "--weights", weights]
    command = shlex.join(["sh", "-c", f'echo $$ > {pid_file}; exec "$0" "$@"', *serve])
    try:
        yield {"endpoint": free_endpoint(), "command": command}
    finally:
        if pid_file.exists():
            with suppress(ProcessLookupError):
                os.kill(int(pid_file.read_text()), signal.SIGTERM)


def gimp_runs(version: str, endpoint: str, content: Path, repeats: int, work: Path) -> list[dict[str, float]]:
    """Install the plug-in for this GIMP and time `repeats` paintings in one GIMP session; seconds per run."""
    gimp = next(gimp for gimp in GIMP_VERSIONS if gimp.version == version)
    plugins = work / f"gimp{version}" / "plug-ins"
    installing = install_gimp_plugin(plugins, gimp.python)
    if installing.returncode != 0:
        sys.exit(f"GIMP {version}: the plug-in did not install:\n{installing.stderr}")
    plugin = plugins / PLUGIN
    command = [str(EDITORS / "run-in-gimp3.sh"), "--version", version, "--fresh-profile", "--timeout", "540"]
    command += ["--plugin", str(plugin), str(IN_GIMP), endpoint, str(plugin), str(content), STYLE, str(repeats)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    results = [json.loads(line[7:]) for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    runs = results[0]["runs"] if results else []
    full_size = results and results[0]["painted side"] == max(results[0]["layer size"])
    clean = results and len(results[0]["layers left"]) == 1  # the photo alone: preview removed, nothing added
    if not (full_size and clean and runs) or any("first preview" not in run for run in runs):
        sys.exit(f"GIMP {version}: {results}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return runs


def table_rows(label: str, runs: list[dict[str, float]]) -> list[str]:
    """One row per run, and a median row for more than one: seconds to the first step and to the first preview."""
    rows = []
    medians = [("median", median_run(runs))] if len(runs) > 1 else []
    for name, run in [*((str(i + 1), run) for i, run in enumerate(runs)), *medians]:
        first_step = f"{run['first step']:.2f} s" if "first step" in run else "not seen"
        preview = f"{run['first preview']:.2f} s | {run['preview side']:.0f} px"
        rows.append(f"| {label} | {name} | {first_step} | {preview} |")
    return rows


def median_run(runs: list[dict[str, float]]) -> dict[str, float]:
    keys = [key for key in ("first step", "first preview", "preview side") if all(key in run for run in runs)]
    return {key: statistics.median(run[key] for run in runs) for key in keys}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", required=True)
    parser.add_argument("--size", default="2400x1600")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--krita", default="5.1,6", help="Krita versions (run-in-krita.sh --version), comma-separated")
    parser.add_argument("--gimp", default="3.0,3.2", help="GIMP versions (run-in-gimp3.sh --version), comma-separated")
    args = parser.parse_args()
    width, height = parse_size(args.size)
    kritas = [version for version in args.krita.split(",") if version and installed(version)]
    gimps = [gimp.version for gimp in GIMP_VERSIONS if gimp.version in args.gimp.split(",") and gimp.installed]
    work = Path(tempfile.mkdtemp(prefix="painterly-first-preview-"))  # in /tmp: a chroot's Krita sees it
    for script in (IN_KRITA, HELPERS / "krita_check_report.py"):
        shutil.copy(script, work)
    pixels = photo_pixels(width, height)
    content = work / "photo.png"
    Image.frombytes("RGB", (width, height), pixels.data).save(content)
    endpoint = free_endpoint()
    daemon = start_daemon(endpoint, args.weights)
    rows = []
    try:
        with Client(endpoint, timeout_s=120) as client:
            wire = [one_run(client, pixels) for _ in range(args.repeats)]
        first_scale_side = int(wire[0]["preview side"])
        rows += table_rows("daemon, over the wire", [{**run, "first preview": run["preview"]} for run in wire])
        for version in kritas:
            # only the host's Krita can run this machine's Python as its start command
            host = daemon_for_the_plugin(args.weights, work) if version == "5.1" else nullcontext()
            with host as cold:
                result = krita_runs(version, endpoint, content, args.repeats, work, cold, first_scale_side)
            rows += table_rows(f"Krita {version}, OK to preview layer", result["runs"])
            if "cold" in result:
                rows += table_rows(f"Krita {version}, first OK, the plugin starts the daemon", [result["cold"]])
        for version in gimps:
            runs = gimp_runs(version, endpoint, content, args.repeats, work)
            rows += table_rows(f"GIMP {version}, OK to preview layer", runs)
    finally:
        daemon.terminate()
        daemon.wait(30)
    print(f"\n## First preview of a {width}x{height} layer painted at its own size (editors' defaults)\n")
    print("| where | run | first step | first preview | preview side |")
    print("| --- | --- | --- | --- | --- |")
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
