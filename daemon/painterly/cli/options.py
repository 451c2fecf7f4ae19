"""What several commands share: the job options and their meaning as engine settings, reaching a daemon, and the
one exception a command raises for a failure the user should read."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from painterly.engine.device import DEVICE_CHOICES
from painterly.engine.memory import DEFAULT_SHARE, parse_memory
from painterly.engine.presets import PRESET_NAMES, settings_for
from painterly_wire import DEFAULT_ENDPOINT, Client, ClientKeys


class CommandError(Exception):
    """A failure to report to the user as one line (only `main` prints it)."""


def _weights_list(text: str) -> list[float]:
    try:
        weights = [float(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated numbers, got {text!r}") from None
    if any(w < 0 for w in weights) or not any(weights):
        raise argparse.ArgumentTypeError("style weights must be non-negative and not all zero")
    return weights


def _memory_limit(text: str) -> int:
    try:
        return parse_memory(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def add_memory_limit_option(parser: argparse.ArgumentParser) -> None:
    """--memory-limit: the most memory one job may use at its peak (larger images are painted by tiles)."""
    parser.add_argument(
        "--memory-limit",
        type=_memory_limit,
        metavar="SIZE",
        help=f"most memory a job may use, e.g. 4G or 1500M (default {DEFAULT_SHARE * 100:.0f}%% of the RAM, 90%% of "
        "free VRAM); larger images are painted by tiles, jobs that cannot fit are refused",
    )


def add_job_options(parser: argparse.ArgumentParser) -> None:
    """Options shared by `stylize` and `demo`."""
    parser.add_argument("--preset", choices=PRESET_NAMES, default="quality", help="starting point for all settings")
    parser.add_argument("--size", type=int, help="long side of the output in pixels")
    parser.add_argument("--iterations", type=int, help="optimiser steps at full size")
    parser.add_argument("--content-weight", type=float, help="alpha: how strongly the content is kept")
    parser.add_argument("--style-weight", type=float, help="beta: how strongly the style is imposed")
    parser.add_argument("--style-scale", type=float, help="size of style features relative to the output")
    parser.add_argument(
        "--enlarge-style",
        action="store_true",
        help="enlarge a style image past its own size to reach --style-scale (larger, softer strokes; the quality "
        "and fast presets never enlarge it, so strokes stay crisp at 100%%)",
    )
    parser.add_argument("--preserve-colors", action="store_true", help="keep the content's colours")
    parser.add_argument("--weights", help="VGG-19 weights file (else $PAINTERLY_WEIGHTS, caches, download)")
    parser.add_argument("--device", default="auto", help=f"{', '.join(DEVICE_CHOICES)} or cuda:N")
    add_memory_limit_option(parser)
    parser.add_argument("--seed", type=int, help="random seed, for repeatable results")
    parser.add_argument("--report", type=Path, help="write a JSON report (steps, timing, device, costs)")


def add_style_weights_option(parser: argparse.ArgumentParser) -> None:
    """--style-weights: one blend weight per style."""
    parser.add_argument("--style-weights", type=_weights_list, help="blend weights, one per style: 0.7,0.3")


def style_blend(args: argparse.Namespace, style_count: int) -> list[float]:
    """The blend weight of each style: --style-weights, or equal weights."""
    weights = args.style_weights or [1.0] * style_count
    if len(weights) != style_count:
        raise CommandError(f"{len(weights)} style weights given for {style_count} styles")
    return weights


def job_overrides(args: argparse.Namespace, content_long_side: int) -> dict:
    """Settings the user gave on the command line (None = keep the preset's).

    Without --size the output never gets larger than the content just because the preset is large. A --report
    carries the seed-formula costs of the result (measure_costs).
    """
    init = args.init if args.init in ("content", "noise") else "image"
    return {
        "size": args.size or min(settings_for(args.preset).size, content_long_side),
        "iterations": args.iterations,
        "content_weight": args.content_weight,
        "style_weight": args.style_weight,
        "style_scale": args.style_scale,
        "enlarge_style": args.enlarge_style or None,
        "preserve_colors": args.preserve_colors or None,
        "seed": args.seed,
        "init": init,
        "measure_costs": True if args.report else None,
    }


def add_connection_options(parser: argparse.ArgumentParser) -> None:
    """Options to reach a daemon: endpoint, timeout and CURVE key files."""
    parser.add_argument("--endpoint", default=DEFAULT_ENDPOINT, help=f"daemon address (default {DEFAULT_ENDPOINT})")
    parser.add_argument("--timeout", type=float, default=5.0, metavar="S", help="seconds to wait for an answer")
    parser.add_argument("--client-key", help="client .key_secret file (env PAINTERLY_CLIENT_KEY)")
    parser.add_argument("--server-key", help="daemon.key file (env PAINTERLY_SERVER_KEY)")


def client_for(args: argparse.Namespace) -> Client:
    """A Client for the endpoint in args, with CURVE keys when both key files are given."""
    client_key = getattr(args, "client_key", None) or os.environ.get("PAINTERLY_CLIENT_KEY")
    server_key = getattr(args, "server_key", None) or os.environ.get("PAINTERLY_SERVER_KEY")
    if bool(client_key) != bool(server_key):
        raise CommandError("CURVE needs both the client's .key_secret file and the daemon's .key file")
    keys = ClientKeys.from_files(client_key, server_key) if client_key else None
    return Client(args.endpoint, timeout_s=getattr(args, "timeout", 5.0), keys=keys)
