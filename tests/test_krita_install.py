"""`painterly install krita` / `painterly uninstall krita` through the real CLI: the plugin, its vendored pyzmq and
msgpack for the chosen Python, the kritarc switch, and an uninstall that leaves exactly what was there before."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from krita_editor import krita_prefix, krita_python, version_params
from support import run_painterly as painterly

from painterly.install.editor_locations import OFFICIAL_KRITA_PYTHON, Machine, krita_installations
from painterly.install.manifest import Manifest
from painterly.install.vendor import platform_tags, vendor_runtime

USER_KRITARC = "[General]\nsomething=kept\n\n[python]\nenable_other_plugin=true\n"


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every file (with its bytes) and folder (None) below `folder`."""
    return {str(path.relative_to(folder)): path.read_bytes() if path.is_file() else None for path in folder.rglob("*")}


@pytest.fixture
def profile(tmp_path) -> tuple[Path, Path]:
    """A Krita resource folder holding another plugin, and a kritarc with the artist's own settings."""
    resources = tmp_path / "krita"
    (resources / "pykrita" / "other_plugin").mkdir(parents=True)
    (resources / "pykrita" / "other_plugin" / "__init__.py").write_text("# someone else's plugin\n")
    kritarc = tmp_path / "kritarc"
    kritarc.write_text(USER_KRITARC)
    return resources, kritarc


def install(profile: tuple[Path, Path], *extra: str) -> subprocess.CompletedProcess:
    resources, kritarc = profile
    return painterly("install", "krita", "--resource-dir", str(resources), "--kritarc", str(kritarc), *extra)


def test_install_places_plugin_vendored_packages_and_enables_it(profile):
    resources, kritarc = profile
    done = install(profile, "--python-version", "3.10")
    assert done.returncode == 0, done.stderr
    package = resources / "pykrita" / "painterly_krita"
    assert (resources / "pykrita" / "painterly_krita.desktop").is_file()
    assert (package / "extension.py").is_file()
    vendor = package / "vendor"
    assert (vendor / "painterly_wire" / "client.py").is_file()
    assert list(vendor.glob("zmq/backend/cython/*cpython-310*")), "pyzmq was not built for Python 3.10"
    assert list(vendor.glob("msgpack-*.dist-info"))
    assert not list(vendor.rglob("__pycache__"))
    text = kritarc.read_text()
    assert "enable_painterly_krita=true" in text
    assert "something=kept" in text and "enable_other_plugin=true" in text


def test_uninstall_restores_exactly_what_was_there(profile):
    resources, kritarc = profile
    before = snapshot(resources)
    assert install(profile, "--python-version", "3.11").returncode == 0
    # Krita's Python writes bytecode beside the modules it imports; that goes too.
    (resources / "pykrita" / "painterly_krita" / "__pycache__").mkdir()
    (resources / "pykrita" / "painterly_krita" / "__pycache__" / "extension.cpython-311.pyc").write_bytes(b"x")
    done = painterly("uninstall", "krita", "--resource-dir", str(resources), "--kritarc", str(kritarc))
    assert done.returncode == 0, done.stderr
    assert snapshot(resources) == before
    assert kritarc.read_text() == USER_KRITARC


def test_uninstall_from_nothing_leaves_nothing(tmp_path):
    resources, kritarc = tmp_path / "new" / "krita", tmp_path / "config" / "kritarc"
    assert install((resources, kritarc), "--python-version", "3.11").returncode == 0
    assert kritarc.read_text() == "[python]\nenable_painterly_krita=true\n"
    done = painterly("uninstall", "krita", "--resource-dir", str(resources), "--kritarc", str(kritarc))
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "new").exists()
    assert not kritarc.exists()


def test_second_install_updates_in_place(profile):
    assert install(profile, "--python-version", "3.11").returncode == 0
    done = install(profile, "--python-version", "3.11")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("updated the Krita plugin")


def test_install_refuses_to_overwrite_a_plugin_it_did_not_install(profile):
    resources, kritarc = profile
    (resources / "pykrita" / "painterly_krita").mkdir()
    before = snapshot(resources)
    done = install(profile, "--python-version", "3.11")
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "was not installed by `painterly install krita`" in done.stderr
    assert snapshot(resources) == before
    assert kritarc.read_text() == USER_KRITARC


def test_uninstall_without_install_says_so(profile):
    resources, kritarc = profile
    done = painterly("uninstall", "krita", "--resource-dir", str(resources), "--kritarc", str(kritarc))
    assert done.returncode == 1
    pykrita = resources / "pykrita"
    assert (
        done.stderr
        == f"painterly uninstall krita: no Painterly plugin installed by `painterly install krita` in {pykrita}\n"
    )


def test_bad_python_version_is_a_usage_error(profile):
    done = install(profile, "--python-version", "2.7")
    assert done.returncode == 2
    assert "'2.7' is not a Python version like 3.10" in done.stderr
    assert "Traceback" not in done.stderr


def test_wheels_that_do_not_exist_fail_cleanly(profile, tmp_path):
    resources, kritarc = profile
    before = snapshot(resources)
    done = install(profile, "--python-version", "3.11", "--wheels", str(tmp_path / "no-wheels-here"))
    assert done.returncode == 1
    assert done.stderr.startswith("painterly install krita: pip could not fetch pyzmq and msgpack for Python 3.11")
    assert "Traceback" not in done.stderr
    assert snapshot(resources) == before
    assert kritarc.read_text() == USER_KRITARC


@pytest.mark.skipif(shutil.which("krita") is None, reason="needs Krita installed")
def test_detects_the_python_that_debians_krita_embeds():
    assert ("Linux package", "3.11") in [(place.kind, place.python) for place in krita_installations()]


@pytest.mark.parametrize("version", version_params())
def test_detects_the_python_of_each_krita_version(version, tmp_path):
    """Each Krita the editor tests run (its Debian packages, the newer ones in chroots read as the file-system root)
    is found with the Python it embeds, which `painterly install krita` vendors pyzmq for."""
    machine = Machine(system="Linux", home=tmp_path, env={}, root=krita_prefix(version).parent)
    assert ("Linux package", krita_python(version)) in [(p.kind, p.python) for p in krita_installations(machine)]


@pytest.mark.parametrize(
    ("system", "machine", "extension"),
    [("Windows", "AMD64", "cp310-win_amd64.pyd"), ("Darwin", "arm64", "cpython-310-darwin.so")],
)
def test_vendors_wheels_for_the_official_krita_builds(tmp_path, system, machine, extension):
    manifest = Manifest("krita")
    vendor = vendor_runtime(tmp_path, OFFICIAL_KRITA_PYTHON["5.2"], manifest, platform_tags(system, machine))
    assert list(vendor.glob(f"zmq/backend/cython/_zmq.{extension}"))
    assert list(vendor.glob("msgpack/_cmsgpack.*")) and (vendor / "painterly_wire" / "client.py").is_file()
    assert str(vendor / "zmq" / "__init__.py") in manifest.files
