"""The style library: names from file names alone, capped listings, and a real daemon with a big styles folder."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import pytest
from PIL import Image
from support import photo, running_daemon

import painterly.server.style_library as style_library
from painterly.server.style_library import BUILT_IN_FOLDER, MAX_USER_STYLES, StyleLibrary
from painterly_wire import StyleSpec

TINY_JOB = {"preset": "fast", "size": 40, "iterations": 1, "seed": 7}
BUILT_INS = sorted(path.stem for path in BUILT_IN_FOLDER.iterdir() if path.suffix == ".jpg")


def fill_folder(folder: Path, count: int, stem: str = "style_{:03d}") -> list[str]:
    """`count` small PNGs of different colours in `folder`; their stems, sorted."""
    stems = [stem.format(number) for number in range(count)]
    for number, name in enumerate(stems):
        Image.new("RGB", (12, 8), (number % 256, (number * 7) % 256, 90)).save(folder / f"{name}.png")
    return sorted(stems)


def test_names_resolve_without_opening_any_image(tmp_path, monkeypatch):
    fill_folder(tmp_path, 3)
    (tmp_path / "broken.jpg").write_bytes(b"not a jpeg at all")
    (tmp_path / "notes.txt").write_text("not a style")

    def no_decoding(*_args, **_kwargs):
        raise AssertionError("resolving a style name opened an image")

    monkeypatch.setattr(style_library.Image, "open", no_decoding)
    library = StyleLibrary(user=tmp_path)
    assert library.path_of("user/style_002") == tmp_path / "style_002.png"
    assert library.path_of("starry_night") == BUILT_IN_FOLDER / "starry_night.jpg"
    assert library.path_of("user/broken") == tmp_path / "broken.jpg"  # its job fails when the worker reads it
    assert library.path_of("user/notes") is None and library.path_of("style_002") is None
    assert list(library.names())[: len(BUILT_INS)] == BUILT_INS
    with pytest.raises(KeyError):
        library.load("user/no_such_style")


def test_listing_carries_built_ins_then_capped_user_styles_and_logs_the_rest(tmp_path, caplog):
    stems = fill_folder(tmp_path, 12)
    (tmp_path / "0_broken.png").write_bytes(b"not a png")  # sorts first; skipped, does not use up the cap
    library = StyleLibrary(user=tmp_path, max_user_styles=5)
    with caplog.at_level(logging.WARNING, logger=style_library.__name__):
        names = [entry.name for entry in library.entries()]
    assert names == BUILT_INS + [f"user/{stem}" for stem in stems[:5]]
    assert "7 more" in caplog.text and "skipping style" in caplog.text
    assert library.load("user/style_011").rgb.shape[1:] == (8, 12)  # left out of the listing, still usable


def test_listing_forgets_removed_files_and_threads_share_the_cache(tmp_path):
    stems = fill_folder(tmp_path, 30)
    library = StyleLibrary(user=tmp_path)
    failures: list[BaseException] = []

    def list_and_resolve() -> None:
        try:
            for _ in range(5):
                assert len(library.entries()) == len(BUILT_INS) + len(stems)
                assert library.load(f"user/{stems[-1]}").rgb.shape[1:] == (8, 12)
        except BaseException as error:  # reported by the main thread
            failures.append(error)

    threads = [threading.Thread(target=list_and_resolve) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not failures
    (tmp_path / f"{stems[0]}.png").unlink()
    assert len(library.entries()) == len(BUILT_INS) + len(stems) - 1
    assert len(library._cache) == len(BUILT_INS) + len(stems) - 1


def test_daemon_with_600_user_styles_lists_them_and_runs_one(tmp_path, monkeypatch):
    stems = fill_folder(tmp_path, 600)
    monkeypatch.setenv("PAINTERLY_STYLES_DIR", str(tmp_path))
    content_pixels = photo("content/tubingen.jpg", 40)
    with running_daemon("--preview-every", "0") as daemon, daemon.client(timeout_s=60) as client:
        listed = [style.name for style in client.list_styles()]
        assert listed == BUILT_INS + [f"user/{stem}" for stem in stems[:MAX_USER_STYLES]]
        assert "400 more" in daemon.log()
        for name in (f"user/{stems[0]}", f"user/{stems[-1]}"):  # listed, and past the listing's cap
            result = client.stylize(content_pixels, [StyleSpec(1.0, library=name)], TINY_JOB)
            assert result.report["steps"] >= 1

        # Long file names push the header past 64 KiB well before the cap: the listing is trimmed, not refused.
        long_stems = fill_folder(tmp_path, 150, "{:03d}_" + "long_name_" * 22)
        listed = [style.name for style in client.list_styles()]
        assert listed[: len(BUILT_INS)] == BUILT_INS
        assert len(BUILT_INS) < len(listed) < len(BUILT_INS) + len(long_stems)
        assert listed[len(BUILT_INS) :] == [f"user/{stem}" for stem in long_stems[: len(listed) - len(BUILT_INS)]]
        assert "style listing trimmed" in daemon.log()
        result = client.stylize(content_pixels, [StyleSpec(1.0, library=f"user/{long_stems[-1]}")], TINY_JOB)
        assert result.report["steps"] >= 1
