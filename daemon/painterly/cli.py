"""The `painterly` command: parses arguments, loads images, calls the engine or a daemon, writes files.

Every failure an artist can cause ends in one line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from painterly import __version__
from painterly.device import DEVICE_CHOICES
from painterly.presets import PRESET_NAMES

EXIT_FAILURE = 1


class CommandError(Exception):
    """A failure to report to the user as one line."""


def _weights_list(text: str) -> list[float]:
    try:
        weights = [float(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated numbers, got {text!r}") from None
    if any(w < 0 for w in weights) or not any(weights):
        raise argparse.ArgumentTypeError("style weights must be non-negative and not all zero")
    return weights


def _add_job_options(parser: argparse.ArgumentParser) -> None:
    """Options shared by `stylize` and `demo`."""
    parser.add_argument("--preset", choices=PRESET_NAMES, default="quality", help="starting point for all settings")
    parser.add_argument("--size", type=int, help="long side of the output in pixels")
    parser.add_argument("--iterations", type=int, help="optimiser steps at full size")
    parser.add_argument("--content-weight", type=float, help="alpha: how strongly the content is kept")
    parser.add_argument("--style-weight", type=float, help="beta: how strongly the style is imposed")
    parser.add_argument("--style-scale", type=float, help="size of style features relative to the output")
    parser.add_argument("--preserve-colors", action="store_true", help="keep the content's colours")
    parser.add_argument("--weights", help="VGG-19 weights file (else $PAINTERLY_WEIGHTS, caches, download)")
    parser.add_argument("--device", default="auto", help=f"{', '.join(DEVICE_CHOICES)} or cuda:N")
    parser.add_argument("--seed", type=int, help="random seed, for repeatable results")
    parser.add_argument("--report", type=Path, help="write a JSON report (steps, timing, device, costs)")


def build_parser() -> argparse.ArgumentParser:
    """The full command-line grammar."""
    parser = argparse.ArgumentParser(prog="painterly", description="Neural style transfer for artists.")
    parser.add_argument("--version", action="version", version=f"painterly {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    stylize = commands.add_parser("stylize", help="render a content image in the style of one or more paintings")
    stylize.add_argument("content", type=Path)
    stylize.add_argument("styles", type=Path, nargs="+", metavar="style")
    stylize.add_argument("-o", "--output", type=Path, required=True)
    stylize.add_argument("--style-weights", type=_weights_list, help="blend weights, one per style: 0.7,0.3")
    stylize.add_argument("--init", default="content", help="start from: content, noise, or an image FILE")
    stylize.add_argument("--endpoint", help="run the job on a Painterly daemon at this ZeroMQ endpoint")
    _add_job_options(stylize)
    stylize.set_defaults(run=run_stylize)

    demo = commands.add_parser("demo", help="stylize the built-in example photo with the built-in painting")
    demo.add_argument("-o", "--output", type=Path, default=Path("painterly-demo.png"))
    _add_job_options(demo)
    demo.set_defaults(run=run_demo, init="content", style_weights=None, endpoint=None)

    _add_optional_commands(commands)
    return parser


def _add_optional_commands(commands: argparse._SubParsersAction) -> None:
    """Daemon (serve/status/keys) and editor install commands live in their own modules."""
    from painterly.cli_daemon import add_daemon_commands
    from painterly.install import add_install_commands

    add_daemon_commands(commands)
    add_install_commands(commands)


def style_blend(args: argparse.Namespace, style_count: int) -> list[float]:
    """The blend weight of each style: --style-weights, or equal weights."""
    weights = args.style_weights or [1.0] * style_count
    if len(weights) != style_count:
        raise CommandError(f"{len(weights)} style weights given for {style_count} styles")
    return weights


def job_overrides(args: argparse.Namespace, content_long_side: int) -> dict:
    """Settings the user gave on the command line (None = keep the preset's).

    Without --size the output never gets larger than the content just because the preset is large.
    """
    from painterly.presets import settings_for

    init = args.init if args.init in ("content", "noise") else "image"
    return {
        "size": args.size or min(settings_for(args.preset).size, content_long_side),
        "iterations": args.iterations,
        "content_weight": args.content_weight,
        "style_weight": args.style_weight,
        "style_scale": args.style_scale,
        "preserve_colors": args.preserve_colors or None,
        "seed": args.seed,
        "init": init,
    }


def _check_output(output: Path, inputs: Sequence[Path]) -> None:
    for source in inputs:
        if source.exists() and output.exists() and output.resolve() == source.resolve():
            raise CommandError(f"refusing to overwrite the input {source}; choose another -o")
    if not output.parent.exists() and str(output.parent):
        raise CommandError(f"folder {output.parent} does not exist")


def write_outputs(picture, output: Path, report: dict, report_path: Path | None) -> None:
    """Save the image (via a temporary file, so a failure never leaves half a file) and the JSON report."""
    from painterly.images import save_picture

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


def _stylize_files(args: argparse.Namespace, content_path: Path, style_paths: Sequence[Path]) -> int:
    from painterly.engine import StyleSource, load_model, stylize
    from painterly.images import Picture, load_picture, resize
    from painterly.presets import settings_for
    from painterly.progress_bar import ProgressBar

    weights = style_blend(args, len(style_paths))
    content = load_picture(content_path)
    settings = settings_for(args.preset, job_overrides(args, max(content.size)))
    styles = [StyleSource(load_picture(path).rgb, weight) for path, weight in zip(style_paths, weights, strict=True)]
    init_image = load_picture(args.init).rgb if settings.init == "image" else None
    model = load_model(args.weights, args.device)
    bar = ProgressBar()
    try:
        result = stylize(
            model,
            content.rgb,
            styles,
            settings,
            lambda p: bar.update(p.step, p.total, p.cost, p.elapsed_s),
            None,
            init_image,
        )
    finally:
        bar.close()
    width, height = result.image.shape[2], result.image.shape[1]
    alpha = None if content.alpha is None else resize(content.alpha, width, height)
    write_outputs(Picture(result.image, alpha), args.output, result.report, args.report)
    print(f"wrote {args.output} ({width}x{height}, {result.report['steps']} steps in {result.report['seconds']:.1f} s)")
    return 0


def run_stylize(args: argparse.Namespace) -> int:
    """`painterly stylize`: in-process, or through a daemon with --endpoint."""
    _check_output(args.output, [args.content, *args.styles])
    if args.endpoint:
        from painterly.cli_daemon import stylize_via_daemon

        return stylize_via_daemon(args)
    return _stylize_files(args, args.content, args.styles)


def demo_images() -> tuple[Path, Path]:
    """The example photo and painting shipped inside the package (see assets/PROVENANCE.md)."""
    assets = Path(str(resources.files("painterly") / "assets"))
    index = json.loads((assets / "demo" / "index.json").read_text())
    return assets / index["content"], assets / index["style"]


def run_demo(args: argparse.Namespace) -> int:
    """`painterly demo`: the built-in photo in the built-in painting's style."""
    content, style = demo_images()
    print(f"stylizing {content.name} in the style of {style.name} ...")
    return _stylize_files(args, content, [style])


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `painterly` console script."""
    from painterly.images import ImageError
    from painterly.weights import WeightsNotFoundError

    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except (CommandError, ImageError, WeightsNotFoundError, ValueError, OSError) as error:
        print(f"painterly: error: {error}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        print("painterly: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # last resort: one line, the traceback only on request
        if os.environ.get("PAINTERLY_DEBUG"):
            raise
        print(f"painterly: internal error: {error!r} (set PAINTERLY_DEBUG=1 to see where)", file=sys.stderr)
        return EXIT_FAILURE


if __name__ == "__main__":
    sys.exit(main())
