"""The `painterly` command: the grammar of every subcommand, and the one place a failure is printed.

Every failure an artist can cause ends in one line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from painterly import __version__
from painterly.cli.daemon_commands import add_daemon_commands
from painterly.cli.options import CommandError, add_job_options, add_style_weights_option
from painterly.cli.stylize import run_demo, run_stylize
from painterly.engine.images import ImageError
from painterly.engine.weights import WeightsNotFoundError
from painterly.install import add_install_commands
from painterly_wire import PainterlyError

EXIT_FAILURE = 1
EXIT_INTERRUPTED = 130


def build_parser() -> argparse.ArgumentParser:
    """The full command-line grammar."""
    parser = argparse.ArgumentParser(prog="painterly", description="Neural style transfer for artists.")
    parser.add_argument("--version", action="version", version=f"painterly {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    stylize = commands.add_parser("stylize", help="render a content image in the style of one or more paintings")
    stylize.add_argument("content", type=Path)
    stylize.add_argument("styles", type=Path, nargs="+", metavar="style")
    stylize.add_argument("-o", "--output", type=Path, required=True)
    add_style_weights_option(stylize)
    stylize.add_argument("--init", default="content", help="start from: content, noise, or an image FILE")
    stylize.add_argument("--endpoint", help="run the job on a Painterly daemon at this ZeroMQ endpoint")
    add_job_options(stylize)
    stylize.set_defaults(run=run_stylize)

    demo = commands.add_parser("demo", help="stylize the built-in example photo with the built-in painting")
    demo.add_argument("-o", "--output", type=Path, default=Path("painterly-demo.png"))
    add_job_options(demo)
    demo.set_defaults(run=run_demo, init="content", style_weights=None, endpoint=None)

    add_daemon_commands(commands)
    add_install_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `painterly` console script."""
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except PainterlyError as error:
        print(f"painterly: {error}", file=sys.stderr)
    except (CommandError, ImageError, WeightsNotFoundError, ValueError, OSError) as error:
        print(f"painterly: error: {error}", file=sys.stderr)
    except KeyboardInterrupt:
        print("painterly: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as error:  # last resort: one line, the traceback only on request
        if os.environ.get("PAINTERLY_DEBUG"):
            raise
        print(f"painterly: internal error: {error!r} (set PAINTERLY_DEBUG=1 to see where)", file=sys.stderr)
    return EXIT_FAILURE
