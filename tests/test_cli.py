"""`painterly stylize` and `painterly demo` as a user runs them: real processes, real files, real weights."""

from __future__ import annotations

import json
import os

import pytest
from PIL import Image
from support import run_painterly

from painterly.engine.images import load_picture

STYLE_ARGS = ["--preset", "fast", "--iterations", "2", "--size", "40"]


@pytest.fixture()
def painterly(weights_path):
    def run(*args, timeout=300):
        environment = {"PAINTERLY_WEIGHTS": str(weights_path), "PATH": "/usr/bin:/bin"}
        completed = run_painterly(*args, env=environment, timeout=timeout)
        return completed.returncode, completed.stdout, completed.stderr

    return run


@pytest.fixture()
def photo(tmp_path, test_image):
    from painterly.engine.images import Picture, save_picture

    path = tmp_path / "photo.png"
    save_picture(Picture(test_image("content/tubingen.jpg", 48)), path)
    return path


def test_stylize_writes_the_image_and_the_report(painterly, photo, tmp_path):
    style = photo.parent / "style.jpg"
    Image.open(photo).rotate(90).save(style)
    rc, _, err = painterly(
        "stylize",
        photo,
        style,
        style,
        "--style-weights",
        "0.7,0.3",
        "-o",
        tmp_path / "out.png",
        "--report",
        tmp_path / "report.json",
        "--enlarge-style",
        *STYLE_ARGS,
    )
    assert rc == 0, err
    assert Image.open(tmp_path / "out.png").size == (40, 30)
    report = json.loads((tmp_path / "report.json").read_text())
    for key in ("steps", "seconds", "seconds_per_step", "device", "dtype", "J", "J_content", "J_style"):
        assert key in report
    assert report["steps"] == 2 and report["J"] > 0
    assert report["settings"]["enlarge_style"] is True


@pytest.mark.parametrize("mode", ["L", "CMYK", "I;16", "P", "LA"])
def test_gray_cmyk_16bit_palette_and_alpha_images_are_accepted(painterly, photo, tmp_path, mode):
    source = Image.open(photo)
    converted = source.convert("I").point(lambda v: v * 256).convert("I;16") if mode == "I;16" else source.convert(mode)
    path = tmp_path / ("in.tif" if mode == "CMYK" else "in.png")
    converted.save(path)
    rc, _, err = painterly("stylize", path, photo, "-o", tmp_path / "out.png", *STYLE_ARGS)
    assert rc == 0, err


def test_alpha_is_carried_through_unchanged(painterly, photo, tmp_path):
    rgba = Image.open(photo).convert("RGBA")
    alpha = Image.linear_gradient("L").resize(rgba.size)
    rgba.putalpha(alpha)
    rgba.save(tmp_path / "rgba.png")
    rc, _, err = painterly(
        "stylize",
        tmp_path / "rgba.png",
        photo,
        "-o",
        tmp_path / "out.png",
        "--preset",
        "fast",
        "--iterations",
        "2",
        "--size",
        "48",
    )
    assert rc == 0, err
    assert load_picture(tmp_path / "out.png").alpha.equal(load_picture(tmp_path / "rgba.png").alpha)


def test_errors_are_one_line_with_a_nonzero_exit(painterly, photo, tmp_path):
    (tmp_path / "garbage.jpg").write_bytes(b"\xff\xd8 not really a jpeg")
    Image.new("RGB", (1, 1)).save(tmp_path / "tiny.png")
    cases = {
        "no such file": ["stylize", tmp_path / "missing.jpg", photo, "-o", tmp_path / "o.png"],
        "not an image file": ["stylize", tmp_path / "garbage.jpg", photo, "-o", tmp_path / "o.png"],
        "size must be between": ["stylize", photo, photo, "-o", tmp_path / "o.png", "--size", "1000000"],
        "unknown device": ["stylize", photo, photo, "-o", tmp_path / "o.png", "--device", "tpu"],
        "refusing to overwrite the input": ["stylize", photo, photo, "-o", photo],
        "2 style weights given for 1 styles": [
            "stylize",
            photo,
            photo,
            "-o",
            tmp_path / "o.png",
            "--style-weights",
            "1,2",
        ],
    }
    for expected, args in cases.items():
        rc, _, err = painterly(*args)
        assert rc != 0, expected
        assert expected in err and "Traceback" not in err, err
        assert err.strip().count("\n") == 0, err
    assert photo.stat().st_size > 0


def test_zero_pixel_image_is_refused(painterly, photo, tmp_path):
    from painterly.engine.images import ImageError, check_dimensions

    with pytest.raises(ImageError, match="no pixels"):
        check_dimensions(0, 10)
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    rc, _, err = painterly("stylize", empty, photo, "-o", tmp_path / "o.png")
    assert rc == 1 and "Traceback" not in err


def test_demo_runs_on_the_built_in_example(painterly, tmp_path):
    rc, _, err = painterly("demo", "-o", tmp_path / "demo.png", "--preset", "fast", "--iterations", "2", "--size", "48")
    assert rc == 0, err
    assert Image.open(tmp_path / "demo.png").size[0] == 48


def test_exif_rotation_is_applied_and_the_output_gets_the_usual_file_mode(painterly, photo, tmp_path):
    source = Image.open(photo)
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90 degrees clockwise to display
    rotated = tmp_path / "phone.jpg"
    source.save(rotated, exif=exif)
    assert load_picture(rotated).size == (source.height, source.width)
    rc, _, err = painterly("stylize", rotated, photo, "-o", tmp_path / "out.png", *STYLE_ARGS)
    assert rc == 0, err
    umask = os.umask(0)
    os.umask(umask)
    assert (tmp_path / "out.png").stat().st_mode & 0o777 == 0o666 & ~umask  # not mkstemp's private 0600
