"""The daemon's command-line side: `painterly serve`, `painterly status`, `painterly keys`, and `stylize --endpoint`."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import Any

from painterly.curve_keys import (
    DaemonKeys,
    create_client_keys,
    create_daemon_keys,
    default_keys_folder,
    require_safe_bind,
)
from painterly.images import ImageError, load_picture
from painterly.jobs import JobQueue
from painterly.results import ResultStore
from painterly.wire_pictures import picture_of, pixels_of
from painterly_wire import DEFAULT_ENDPOINT, Client, ClientKeys, PainterlyError, Pixels, StyleSpec


def add_daemon_commands(subparsers: Any) -> None:
    """Add `serve`, `status` and `keys` to the painterly command."""
    serve = subparsers.add_parser("serve", help="run the daemon the editor plugins talk to")
    serve.add_argument("--endpoint", default=DEFAULT_ENDPOINT, help=f"where to listen (default {DEFAULT_ENDPOINT})")
    serve.add_argument("--device", default="auto", help="auto, cpu, cuda, cuda:N or mps (default auto)")
    serve.add_argument("--weights", help="VGG-19 weights file (default: PAINTERLY_WEIGHTS or the cache)")
    serve.add_argument("--keys", type=Path, help="CURVE keys folder from `painterly keys`; needed beyond loopback")
    serve.add_argument("--preview-every", type=float, default=2.0, metavar="S", help="seconds between previews")
    serve.add_argument("--max-queue", type=int, default=64, metavar="N", help="most jobs waiting at once")
    serve.add_argument("--keep-results", type=int, default=32, metavar="N", help="finished results kept")
    serve.add_argument("--result-age", type=float, default=3600, metavar="S", help="seconds a result is kept")
    serve.set_defaults(run=serve_command)

    status = subparsers.add_parser("status", help="show what a running daemon is doing")
    add_connection_options(status)
    status.set_defaults(run=status_command)

    keys = subparsers.add_parser("keys", help="create CURVE keys so the daemon can serve beyond this machine")
    keys.add_argument("--dir", type=Path, default=None, help=f"keys folder (default {default_keys_folder()})")
    keys.add_argument("--client", metavar="NAME", help="also create and authorise a key pair for this client")
    keys.set_defaults(run=keys_command)


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
        raise ValueError("CURVE needs both the client's .key_secret file and the daemon's .key file")
    keys = ClientKeys.from_files(client_key, server_key) if client_key else None
    return Client(args.endpoint, timeout_s=getattr(args, "timeout", 5.0), keys=keys)


def fail(message: str) -> int:
    """Print one clear line to stderr and return the failure exit code."""
    print(f"painterly: {message}", file=sys.stderr)
    return 1


def serve_command(args: argparse.Namespace) -> int:
    """`painterly serve`: load VGG-19 once and serve jobs until SIGTERM or SIGINT."""
    from painterly.engine import load_model
    from painterly.server import Daemon
    from painterly.style_library import StyleLibrary
    from painterly.weights import WeightsNotFoundError

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        keys = DaemonKeys.load(args.keys) if args.keys is not None else None
        require_safe_bind(args.endpoint, keys)
        model = load_model(args.weights, args.device)
        daemon = Daemon(
            args.endpoint,
            model,
            StyleLibrary(),
            keys,
            JobQueue(max_jobs=args.max_queue),
            ResultStore(max_count=args.keep_results, max_age_s=args.result_age),
            preview_every_s=args.preview_every,
        )
    except (ValueError, OSError, WeightsNotFoundError) as error:
        return fail(str(error))
    daemon.serve_forever()
    return 0


def status_command(args: argparse.Namespace) -> int:
    """`painterly status`: print the daemon's version, device, weights and queue."""
    try:
        with client_for(args) as client:
            status = client.hello()
    except (PainterlyError, ValueError) as error:
        return fail(str(error))
    print(f"daemon at {args.endpoint}: painterly {status['version']}")
    print(f"  device  {status['device']} ({status['dtype']})")
    print(f"  weights {status['weights']}")
    print(f"  queue   {status['queue_length']} job(s)")
    return 0


def keys_command(args: argparse.Namespace) -> int:
    """`painterly keys`: create the daemon's key pair, and a client's with --client."""
    folder = args.dir or default_keys_folder()
    try:
        daemon_public = create_daemon_keys(folder)
        print(f"daemon key: {daemon_public} (give this public key to each client)")
        if args.client:
            secret = create_client_keys(folder, args.client)
            print(f"client key for {args.client}: {secret} (give it only to that artist; keep it secret)")
    except (ValueError, OSError) as error:
        return fail(str(error))
    clients = folder / "clients"
    if clients.is_dir() and any(clients.glob("*.key")):
        print(f"serve with: painterly serve --keys {folder} --endpoint tcp://0.0.0.0:7353")
    else:  # DaemonKeys.load refuses a folder that authorises no client
        print(f"no client may connect yet: add one with `painterly keys --dir {folder} --client NAME`, then serve")
        print(f"with: painterly serve --keys {folder} --endpoint tcp://0.0.0.0:7353")
    return 0


def stylize_via_daemon(args: argparse.Namespace) -> int:
    """`painterly stylize ... --endpoint E`: the same job, run by a daemon; writes the same output and report."""
    from painterly.cli import job_overrides, style_blend, write_outputs
    from painterly.progress_bar import ProgressBar

    weights = style_blend(args, len(args.styles))
    try:
        content = wire_pixels(args.content)
        styles = [
            StyleSpec(weight, pixels=wire_pixels(path)) for path, weight in zip(args.styles, weights, strict=True)
        ]
        params = {"preset": args.preset, **job_overrides(args, max(content.width, content.height))}
        init = wire_pixels(args.init) if params["init"] == "image" else None
        bar = ProgressBar()
        try:
            with client_for(args) as client:
                result = client.stylize(
                    content,
                    styles,
                    params,
                    on_progress=lambda p: bar.update(p.step, p.total, p.cost, p.elapsed_s),
                    init=init,
                )
        finally:
            bar.close()
        image = result.image
        picture = picture_of(image)
        write_outputs(picture, args.output, result.report, args.report)
    except (PainterlyError, ImageError, ValueError, OSError) as error:
        return fail(str(error))
    steps, seconds = result.report.get("steps", 0), result.report.get("seconds", 0.0)
    print(f"wrote {args.output} ({image.width}x{image.height}, {steps} steps in {seconds:.1f} s, via {args.endpoint})")
    return 0


def wire_pixels(path: str | Path) -> Pixels:
    """An image file as 16-bit wire pixels, so 16-bit sources keep their precision."""
    return pixels_of(load_picture(path), "u16")
