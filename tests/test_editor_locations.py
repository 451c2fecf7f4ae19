"""Finding Krita and GIMP 3 and their Pythons (painterly.install.editor_locations) in the folder layouts of each way
an artist installs them, laid out as files in a temporary folder: Linux packages, Flatpak (system and user
installations, the app's own Python or its runtime's), AppImage, the Windows installers, the macOS apps. One test
installs into a Flatpak GIMP found that way through the real CLI."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from support import run_painterly

from painterly.install.editor_locations import (
    GIMP_FLATPAK,
    KRITA_FLATPAK,
    Installation,
    Machine,
    choose_installation,
    default_gimp,
    gimp_installations,
    krita_installations,
)
from painterly.install.installer import InstallError
from painterly_wire.install_record import RECORD_NAME


def touch(path: Path, content: bytes = b"") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def flatpak_app(installation: Path, app: str, runtime: str, own_python: str | None = None) -> None:
    """An installed Flatpak app: its metadata naming the runtime, and its own Python when it bundles one."""
    active = installation / "app" / app / "current" / "active"
    touch(active / "metadata", f"[Application]\nname={app}\nruntime={runtime}\nsdk=x\n".encode())
    if own_python:
        (active / "files" / "lib" / f"python{own_python}" / "site-packages").mkdir(parents=True)


def flatpak_runtime(installation: Path, runtime: str, python: str) -> None:
    (installation / "runtime" / runtime / "active" / "files" / "lib" / f"python{python}").mkdir(parents=True)


@pytest.fixture
def linux(tmp_path) -> Machine:
    home = tmp_path / "home" / "artist"
    home.mkdir(parents=True)
    return Machine("Linux", home, {}, tmp_path / "root")


def test_nothing_installed_finds_nothing_and_the_usual_folders_are_the_xdg_ones(linux):
    assert krita_installations(linux) == [] and gimp_installations(linux) == []
    assert default_gimp(linux).plugin_folder == linux.home / ".config" / "GIMP" / "3.0" / "plug-ins"
    xdg = Machine("Linux", linux.home, {"XDG_CONFIG_HOME": "/x/config", "GIMP3_DIRECTORY": "/g3"}, linux.root)
    assert default_gimp(xdg).plugin_folder == Path("/g3/plug-ins")


def test_flatpak_gimp_uses_its_sandbox_config_folder_and_the_python_of_its_gnome_runtime(linux):
    system_flatpak = linux.path("/var/lib/flatpak")
    flatpak_app(system_flatpak, GIMP_FLATPAK, "org.gnome.Platform/x86_64/50")
    flatpak_runtime(system_flatpak, "org.gnome.Platform/x86_64/49", "3.12")  # another runtime: not GIMP's
    flatpak_runtime(system_flatpak, "org.gnome.Platform/x86_64/50", "3.13")
    assert gimp_installations(linux) == [
        Installation("Flatpak", linux.home / ".var/app/org.gimp.GIMP/config/GIMP/3.0/plug-ins", "3.13", sandboxed=True)
    ]


def test_flatpak_krita_in_a_user_installation_uses_its_own_bundled_python(linux):
    flatpak_app(linux.home / ".local/share/flatpak", KRITA_FLATPAK, "org.freedesktop.Platform/x86_64/25.08", "3.13")
    sandbox = linux.home / ".var/app/org.kde.krita"
    assert krita_installations(linux) == [
        Installation("Flatpak", sandbox / "data" / "krita", "3.13", sandbox / "config" / "kritarc", sandboxed=True)
    ]


def test_a_flatpak_whose_runtime_is_missing_is_found_with_its_python_unknown(linux):
    flatpak_app(linux.path("/var/lib/flatpak"), GIMP_FLATPAK, "org.gnome.Platform/x86_64/50")
    assert [(place.kind, place.python) for place in gimp_installations(linux)] == [("Flatpak", None)]


def test_debian_packages_krita_from_its_python_library_and_gimp_from_the_system_python(linux):
    touch(linux.path("/usr/lib/x86_64-linux-gnu/kritaplugins/kritapykrita.so"), b"\0ELF..libpython3.13.so.1.0\0")
    touch(linux.path("/usr/bin/gimp-console-3.0"))
    touch(linux.path("/usr/bin/python3.13"))
    linux.path("/usr/bin/python3").symlink_to("python3.13")
    assert krita_installations(linux) == [
        Installation("Linux package", linux.home / ".local/share/krita", "3.13", linux.home / ".config/kritarc")
    ]
    assert gimp_installations(linux) == [
        Installation("Linux package", linux.home / ".config/GIMP/3.0/plug-ins", "3.13")
    ]


@pytest.mark.parametrize(
    ("image", "python"),
    [
        ("krita-5.2.9-x86_64.appimage", "3.10"),
        ("krita-5.3.1-x86_64.AppImage", "3.13"),
        ("krita-6.0.2.1-x86_64.AppImage", "3.13"),
    ],
)
def test_a_krita_appimage_has_the_python_of_the_official_build_of_its_version(linux, image, python):
    touch(linux.home / "Applications" / image)
    (place,) = krita_installations(linux)
    assert place.kind.startswith("AppImage") and place.python == python
    assert place.plugin_folder == linux.home / ".local/share/krita"  # an AppImage keeps the usual folders


def test_a_gimp_appimage_is_found_but_its_python_cannot_be_read_from_outside(linux):
    touch(linux.home / "Downloads" / "GIMP-3.0.4-x86_64.AppImage")
    assert gimp_installations(linux) == [Installation("AppImage", linux.home / ".config/GIMP/3.0/plug-ins", None)]


def test_windows_installers_for_all_users_and_for_one_user(tmp_path):
    home = tmp_path / "Users" / "artist"
    env = {
        "APPDATA": str(home / "AppData/Roaming"),
        "LOCALAPPDATA": str(home / "AppData/Local"),
        "PROGRAMFILES": str(tmp_path / "Program Files"),
    }
    windows = Machine("Windows", home, env, tmp_path)
    touch(tmp_path / "Program Files" / "Krita (x64)" / "bin" / "python310.dll")
    (home / "AppData/Local/Programs/GIMP 3/lib/python3.12/site-packages").mkdir(parents=True)
    assert krita_installations(windows) == [
        Installation("Windows installer", home / "AppData/Roaming/krita", "3.10", home / "AppData/Local/kritarc")
    ]
    assert gimp_installations(windows) == [
        Installation("Windows installer", home / "AppData/Roaming/GIMP/3.0/plug-ins", "3.12")
    ]


def test_macos_apps(tmp_path):
    home = tmp_path / "Users" / "artist"
    mac = Machine("Darwin", home, {}, tmp_path)
    (tmp_path / "Applications/krita.app/Contents/Frameworks/Python.framework/Versions/3.10").mkdir(parents=True)
    (tmp_path / "Applications/GIMP.app/Contents/Resources/lib/python3.10").mkdir(parents=True)
    support = home / "Library" / "Application Support"
    assert krita_installations(mac) == [
        Installation("macOS app", support / "krita", "3.10", home / "Library/Preferences/kritarc")
    ]
    assert gimp_installations(mac) == [Installation("macOS app", support / "GIMP/3.0/plug-ins", "3.10")]


def test_several_installations_need_a_choice_and_a_given_folder_picks_one_or_takes_their_python(tmp_path):
    package = Installation("Linux package", tmp_path / "native", "3.11")
    flatpak = Installation("Flatpak", tmp_path / "flatpak", "3.13", sandboxed=True)
    usual = Installation("default", tmp_path / "usual", None)
    with pytest.raises(InstallError) as raised:
        choose_installation([package, flatpak], usual, None, "GIMP 3", "--plugin-dir")
    assert f"--plugin-dir {tmp_path / 'flatpak'}" in str(raised.value) and "Python 3.11" in str(raised.value)
    assert choose_installation([package, flatpak], usual, tmp_path / "flatpak", "GIMP 3", "--plugin-dir") == flatpak
    given = choose_installation([package], usual, tmp_path / "elsewhere", "GIMP 3", "--plugin-dir")
    assert (given.plugin_folder, given.python) == (tmp_path / "elsewhere", "3.11")  # a custom folder, the same GIMP
    undecided = choose_installation([package, flatpak], usual, tmp_path / "elsewhere", "GIMP 3", "--plugin-dir")
    assert undecided.python is None
    assert choose_installation([], usual, None, "GIMP 3", "--plugin-dir") == usual


def test_painterly_install_gimp_finds_a_flatpak_gimp_and_records_no_start_command_for_its_sandbox(tmp_path):
    home = tmp_path / "home"
    flatpak_app(home / ".local/share/flatpak", GIMP_FLATPAK, "org.gnome.Platform/x86_64/50")
    flatpak_runtime(home / ".local/share/flatpak", "org.gnome.Platform/x86_64/50", "3.13")
    env = {key: value for key, value in os.environ.items() if not key.startswith(("XDG_", "GIMP3_"))}
    done = run_painterly("install", "gimp", env={**env, "HOME": str(home)})
    assert done.returncode == 0, done.stderr
    plugin = home / ".var/app/org.gimp.GIMP/config/GIMP/3.0/plug-ins/painterly-gimp"
    assert list((plugin / "vendor").glob("msgpack/_cmsgpack.cpython-313*"))
    assert not (plugin / RECORD_NAME).exists() and "start `painterly serve` in a terminal" in done.stdout
