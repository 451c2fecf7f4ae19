"""`painterly install gimp` / `painterly uninstall gimp`: the plug-in folder, executable, with pyzmq and msgpack
vendored for GIMP's Python (3.13 in GIMP 3.0, 3.14 in GIMP 3.2: manylinux wheels from the package index);
uninstall removes exactly that."""

from __future__ import annotations

import stat
import subprocess
import sys

import pytest
from gimp_plugin_install import GIMP_VERSIONS, PLUGIN, install_plugin, uninstall_plugin


@pytest.mark.parametrize("python", sorted({gimp.python for gimp in GIMP_VERSIONS}))
def test_install_copies_plugin_vendors_the_gimp_pythons_packages_and_uninstall_removes_exactly_that(tmp_path, python):
    profile = tmp_path / "GIMP" / "3.0"
    profile.mkdir(parents=True)
    (profile / "gimprc").write_text("# the user's own file\n")
    plugins = profile / "plug-ins"
    done = install_plugin(plugins, python)
    assert done.returncode == 0, done.stderr
    folder = plugins / PLUGIN
    entry = folder / f"{PLUGIN}.py"
    assert entry.stat().st_mode & stat.S_IXUSR
    assert (folder / "painterly_gimp" / "runner.py").is_file()
    assert (folder / "vendor" / "painterly_wire" / "client.py").is_file()
    assert (
        folder / "vendor" / "msgpack" / f"_cmsgpack.cpython-{python.replace('.', '')}-x86_64-linux-gnu.so"
    ).is_file()
    assert (folder / "vendor" / "zmq" / "backend" / "cython" / "_zmq.abi3.so").is_file()  # pyzmq: stable ABI
    assert not list(folder.rglob("__pycache__"))

    assert install_plugin(plugins, python).returncode == 0  # a second install replaces the first
    # GIMP's Python leaves bytecode caches beside the modules it ran; uninstall must not trip over them
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(folder)], check=True)
    done = uninstall_plugin(plugins)
    assert done.returncode == 0, done.stderr
    assert not plugins.exists()  # install created it, so uninstall removes it
    assert (profile / "gimprc").read_text() == "# the user's own file\n"
    assert uninstall_plugin(plugins).returncode == 1


def test_install_refuses_to_overwrite_a_folder_it_did_not_install(tmp_path):
    foreign = tmp_path / "plug-ins" / PLUGIN
    foreign.mkdir(parents=True)
    (foreign / "mine.txt").write_text("keep me")
    done = install_plugin(tmp_path / "plug-ins")
    assert done.returncode == 1
    assert "was not installed by `painterly install gimp`" in done.stderr
    assert (foreign / "mine.txt").read_text() == "keep me"
