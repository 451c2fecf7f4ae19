"""`painterly package krita`: the plugin zip for Krita's Tools > Scripts > Import Python Plugin from File….

The zip is built by the real CLI with pip-fetched wheels for a few builds, imported by Krita's own importer
(plugin_importer.py of the installed Krita; its `__main__` takes a zip and a resource folder) and enabled in
kritarc as the importer's "Enable plugins now?" does; real Krita then loads it: the plugin picks the build of
Krita's own Python and reaches a real daemon through it, and a zip without that build gives the one message that
says what to do. The Krita tests need Krita from ../shared/editors/install-krita.sh (a version is skipped when its
binary is missing).
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from krita_editor import KRITA_VERSIONS, krita_prefix, krita_python, run_in_krita, version_params
from support import REPO, DaemonProcess, run_painterly

VENDOR_BUILDS_SOURCE = REPO / "plugin_krita" / "painterly_krita" / "vendor_builds.py"
ZIP_CHECK = REPO / "tests" / "editor" / "krita_zip_check.py"
MISSING_PACKAGES_CHECK = REPO / "tests" / "editor" / "krita_missing_packages_check.py"
IMPORTER = "share/krita/pykrita/plugin_importer/plugin_importer.py"
# The importer as its own __main__ (zip, resource folder), with the builtin i18n Krita gives its Python (5.3+ import
# it from builtins).
RUN_IMPORTER = (
    "import builtins, runpy, sys; builtins.i18n = str; sys.argv.pop(0); "
    "runpy.run_path(sys.argv[0], run_name='__main__')"
)
FOREIGN_BUILD = "cp310-win_amd64"  # in every zip here: the plugin must not pick it on Linux


def linux_build(python: str) -> str:
    """The zip's build folder for a Linux Krita embedding this Python, e.g. cp314-manylinux_x86_64."""
    return f"cp{python.replace('.', '')}-manylinux_x86_64"


BUILDS = [FOREIGN_BUILD, *sorted({linux_build(krita_python(version)) for version in KRITA_VERSIONS})]


def vendor_builds():
    """The plugin's vendor_builds module, loaded from its file (the plugin package itself imports Krita)."""
    spec = importlib.util.spec_from_file_location("painterly_krita_vendor_builds", VENDOR_BUILDS_SOURCE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def package(output: Path, builds: list[str]) -> Path:
    done = run_painterly("package", "krita", "-o", output, "--builds", ",".join(builds))
    assert done.returncode == 0, done.stderr
    return output


@pytest.fixture(scope="module")
def plugin_zip(tmp_path_factory) -> Path:
    return package(tmp_path_factory.mktemp("zip") / "painterly-krita.zip", BUILDS)


def import_with_kritas_importer(prefix: Path, plugin_zip: Path, resources: Path) -> Path:
    """Extract the zip as Krita's importer does; the resulting pykrita folder."""
    resources.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [sys.executable, "-c", RUN_IMPORTER, str(prefix / IMPORTER), str(plugin_zip), str(resources)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0 and "Imported plugin: Painterly" in done.stdout, done.stdout + done.stderr
    return resources / "pykrita"


def test_the_zip_has_krita_importers_layout_and_one_folder_per_build(plugin_zip):
    names = zipfile.ZipFile(plugin_zip).namelist()
    assert {"painterly_krita.desktop", "painterly_krita/", "painterly_krita/__init__.py"} <= set(names)
    assert "painterly_krita/vendor/painterly_wire/client.py" in names
    vendor = "painterly_krita/vendor/"
    assert sorted({name[len(vendor) :].split("/")[0] for name in names if name.startswith(vendor)} - {""}) == sorted(
        [*BUILDS, "painterly_wire"]
    )
    assert [name for name in names if name.startswith(f"{vendor}cp311-manylinux_x86_64/zmq/backend/cython/")]
    assert [name for name in names if name.startswith(f"{vendor}{FOREIGN_BUILD}/") and name.endswith(".pyd")]
    assert not [name for name in names if "__pycache__" in name or name.endswith(".pyc")]
    assert all(name.startswith("painterly_krita") for name in names)


def test_an_unknown_build_is_refused_with_the_known_ones(tmp_path):
    done = run_painterly("package", "krita", "-o", tmp_path / "x.zip", "--builds", "cp39-beos")
    assert done.returncode == 2 and "cp310-win_amd64" in done.stderr
    assert not (tmp_path / "x.zip").exists()


def test_the_plugin_puts_this_pythons_build_before_the_shared_vendor_folder(tmp_path, monkeypatch):
    builds = vendor_builds()
    for name in (FOREIGN_BUILD, builds.build_name()):
        (tmp_path / name).mkdir()
    monkeypatch.setattr(sys, "path", list(sys.path))
    builds.add_vendored_packages(tmp_path)
    assert sys.path[:2] == [str(tmp_path / builds.build_name()), str(tmp_path)]


def test_a_vendor_folder_without_this_pythons_build_names_the_builds_it_has(tmp_path, monkeypatch):
    (tmp_path / FOREIGN_BUILD).mkdir()
    monkeypatch.setattr(sys, "path", list(sys.path))
    with pytest.raises(ImportError, match=f"carries pyzmq for {FOREIGN_BUILD}, none for cp3"):
        vendor_builds().add_vendored_packages(tmp_path)
    assert str(tmp_path) not in sys.path


def test_an_installed_plugins_flat_vendor_folder_goes_on_the_path_as_it_is(tmp_path, monkeypatch):
    (tmp_path / "zmq").mkdir()
    monkeypatch.setattr(sys, "path", list(sys.path))
    vendor_builds().add_vendored_packages(tmp_path)
    assert sys.path[0] == str(tmp_path)


ZIP_CHECKS = [
    "actions_offered",
    "plugin_loaded_not_the_missing_packages_stand_in",
    "zmq_and_msgpack_from_this_pythons_build",
    "wire_client_from_vendor",
    "daemon_answers_through_the_vendored_zmq",
    "no_python_exception",
]


@pytest.mark.editor
@pytest.mark.parametrize("version", version_params())
def test_krita_imports_the_zip_and_the_plugin_loads_its_own_pythons_build(plugin_zip, tmp_path, version):
    prefix = krita_prefix(version)
    pykrita = import_with_kritas_importer(prefix, plugin_zip, tmp_path / "krita")
    daemon = DaemonProcess()
    try:
        daemon.wait_ready()
        result = run_in_krita(version, pykrita, ZIP_CHECK, daemon.endpoint)
    finally:
        daemon.stop()
    assert result.get("build") == linux_build(krita_python(version)), result
    assert result["checks"] == dict.fromkeys(ZIP_CHECKS, True), result


@pytest.mark.editor
def test_a_zip_without_this_kritas_build_says_what_to_do(tmp_path):
    prefix = krita_prefix("5.1")
    pykrita = import_with_kritas_importer(prefix, package(tmp_path / "foreign.zip", [FOREIGN_BUILD]), tmp_path / "k")
    result = run_in_krita("5.1", pykrita, MISSING_PACKAGES_CHECK)
    assert all(result["checks"].values()), result
    assert any(f"carries pyzmq for {FOREIGN_BUILD}" in message for message in result["messages"]), result
