"""`painterly stylize` and `painterly demo`: one job from image files to an image file, run in this process or,
with --endpoint, by a daemon; both paths share the settings, the output checks and the files they write."""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from painterly.cli.options import CommandError, client_for, job_overrides, style_blend
from painterly.cli.progress_bar import ProgressBar
from painterly.engine.images import Picture, load_picture, resize, save_picture


def run_stylize(args: argparse.Namespace) -> int:
    """`painterly stylize`: in-process, or through a daemon with --endpoint."""
    _check_output(args.output, [args.content, *args.styles])
    if args.endpoint:
        return _stylize_via_daemon(args)
    return _stylize_here(args, args.content, args.styles)


def run_demo(args: argparse.Namespace) -> int:
    """`painterly demo`: the built-in photo in the built-in painting's style."""
    content, style = demo_images()
    print(f"stylizing {content.name} in the style of {style.name} ...")
    return _stylize_here(args, content, [style])


def demo_images() -> tuple[Path, Path]:
    """The example photo and painting shipped inside the package (see assets/PROVENANCE.md)."""
    assets = Path(str(resources.files("painterly") / "assets"))
    index = json.loads((assets / "demo" / "index.json").read_text())
    return assets / index["content"], assets / index["style"]


def _stylize_here(args: argparse.Namespace, content_path: Path, style_paths: Sequence[Path]) -> int:
    from painterly.engine import StyleImage, load_model, stylize
    from painterly.engine.presets import settings_for

    weights = style_blend(args, len(style_paths))
    content = load_picture(content_path)
    settings = settings_for(args.preset, job_overrides(args, max(content.size)))
    styles = [StyleImage(load_picture(path).rgb, weight) for path, weight in zip(style_paths, weights, strict=True)]
    init_image = load_picture(args.init).rgb if settings.init == "image" else None
    model = load_model(args.weights, args.device, memory_limit=args.memory_limit)
    with ProgressBar() as bar:
        result = stylize(model, content.rgb, styles, settings, on_progress=bar.show, init_image=init_image)
    width, height = result.image.shape[2], result.image.shape[1]
    alpha = None if content.alpha is None else resize(content.alpha, width, height)
    _write_outputs(Picture(result.image, alpha), args.output, result.report, args.report)
    _say_written(args.output, width, height, result.report, "")
    return 0


def _stylize_via_daemon(args: argparse.Namespace) -> int:
    """The same job, run by a daemon; writes the same output and report."""
    from painterly.server.wire_pictures import picture_of, pixels_of
    from painterly_wire import StyleSpec

    def wire_pixels(path: str | Path):
        """An image file as 16-bit wire pixels, so 16-bit sources keep their precision."""
        return pixels_of(load_picture(path), "u16")

    weights = style_blend(args, len(args.styles))
    content = wire_pixels(args.content)
    styles = [StyleSpec(weight, pixels=wire_pixels(path)) for path, weight in zip(args.styles, weights, strict=True)]
    params = {"preset": args.preset, **job_overrides(args, max(content.width, content.height))}
    init = wire_pixels(args.init) if params["init"] == "image" else None
    with ProgressBar() as bar, client_for(args) as client:
        result = client.stylize(content, styles, params, on_progress=bar.show, init=init)
    image = result.image
    _write_outputs(picture_of(image), args.output, result.report, args.report)
    _say_written(args.output, image.width, image.height, result.report, f", via {args.endpoint}")
    return 0


def _say_written(output: Path, width: int, height: int, report: dict[str, Any], how: str) -> None:
    steps, seconds = report.get("steps", 0), report.get("seconds", 0.0)
    print(f"wrote {output} ({width}x{height}, {steps} steps in {seconds:.1f} s{how})")


def _check_output(output: Path, inputs: Sequence[Path]) -> None:
    for source in inputs:
        if source.exists() and output.exists() and output.resolve() == source.resolve():
            raise CommandError(f"refusing to overwrite the input {source}; choose another -o")
    if not output.parent.exists() and str(output.parent):
        raise CommandError(f"folder {output.parent} does not exist")


def _write_outputs(picture: Picture, output: Path, report: dict, report_path: Path | None) -> None:
    """Save the image (via a temporary file, so a failure never leaves half a file) and the JSON report."""
    handle, temporary = tempfile.mkstemp(suffix=output.suffix or ".png", dir=output.parent or Path("."))
    os.close(handle)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(temporary, 0o666 & ~umask)  # mkstemp makes 0600; the image should get the user's usual mode
    try:
        save_picture(picture, temporary)
        os.replace(temporary, output)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    if report_path is not None:
        report_path.write_text(json.dumps(report, indent=2) + "\n")
