"""The daemon's commands: `painterly serve`, `painterly status` and `painterly keys`."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path
from typing import Any

from painterly.cli.options import add_connection_options, add_memory_limit_option, client_for
from painterly.server.keys import (
    DaemonKeys,
    create_client_keys,
    create_daemon_keys,
    default_keys_folder,
    revoke_client,
)
from painterly_wire import DEFAULT_ENDPOINT


def add_daemon_commands(subparsers: Any) -> None:
    """Add `serve`, `status` and `keys` to the painterly command."""
    serve = subparsers.add_parser("serve", help="run the daemon the editor plugins talk to")
    serve.add_argument("--endpoint", default=DEFAULT_ENDPOINT, help=f"where to listen (default {DEFAULT_ENDPOINT})")
    serve.add_argument("--device", default="auto", help="auto, cpu, cuda, cuda:N or mps (default auto)")
    serve.add_argument("--weights", help="VGG-19 weights file (default: PAINTERLY_WEIGHTS or the cache)")
    add_memory_limit_option(serve)
    serve.add_argument("--keys", type=Path, help="CURVE keys folder from `painterly keys`; needed beyond loopback")
    serve.add_argument("--preview-every", type=float, default=2.0, metavar="S", help="seconds between previews")
    serve.add_argument("--max-queue", type=int, default=64, metavar="N", help="most jobs waiting at once")
    serve.add_argument("--keep-results", type=int, default=32, metavar="N", help="finished results kept")
    serve.add_argument("--result-age", type=float, default=3600, metavar="S", help="seconds a result is kept")
    serve.add_argument(
        "--spool",
        type=Path,
        metavar="DIR",
        help="folder keeping finished results across restarts (default: PAINTERLY_SPOOL_DIR, or one per endpoint "
        "under ~/.local/state/painterly/results)",
    )
    serve.add_argument(
        "--client-jobs", type=int, default=16, metavar="N", help="most jobs one connection may have waiting"
    )
    serve.add_argument(
        "--client-mib",
        type=int,
        default=512,
        metavar="MIB",
        help="most MiB of images one connection's waiting jobs may hold, and as many of its kept results",
    )
    serve.add_argument(
        "--orphan-grace",
        type=float,
        default=300,
        metavar="S",
        help="cancel a job whose editor disconnected and did not come back for it within S seconds (inf: never)",
    )
    serve.add_argument(
        "--idle-exit",
        type=float,
        default=0,
        metavar="S",
        help="stop once no client has sent anything and no job has waited or run for S seconds (default 0: never)",
    )
    serve.add_argument("--started-by", metavar="WHO", help="who started this daemon (e.g. plugin), shown in its status")
    serve.set_defaults(run=serve_command)

    status = subparsers.add_parser("status", help="show what a running daemon is doing")
    add_connection_options(status)
    status.set_defaults(run=status_command)

    keys = subparsers.add_parser("keys", help="create CURVE keys so the daemon can serve beyond this machine")
    keys.add_argument("--dir", type=Path, default=None, help=f"keys folder (default {default_keys_folder()})")
    keys.add_argument("--client", metavar="NAME", help="also create and authorise a key pair for this client")
    keys.add_argument("--revoke", metavar="NAME", help="stop accepting this client (a running daemon: within 1 s)")
    keys.set_defaults(run=keys_command)


def serve_command(args: argparse.Namespace) -> int:
    """`painterly serve`: load VGG-19 once and serve jobs until SIGTERM or SIGINT."""
    from painterly.engine import load_model
    from painterly.server.daemon import Daemon
    from painterly.server.job_queue import JobQueue
    from painterly.server.ownership import JobSecrets
    from painterly.server.results import ResultStore
    from painterly.server.spool import ResultSpool, default_spool_folder
    from painterly.server.style_library import StyleLibrary

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    keys = DaemonKeys.load(args.keys) if args.keys is not None else None
    spool = ResultSpool(args.spool or default_spool_folder(args.endpoint))
    client_bytes = args.client_mib << 20
    daemon = Daemon(
        args.endpoint,
        load_model(args.weights, args.device, memory_limit=args.memory_limit),
        StyleLibrary(),
        keys,
        JobQueue(max_jobs=args.max_queue, lane_jobs=args.client_jobs, lane_bytes=client_bytes),
        ResultStore(
            max_count=args.keep_results,
            max_age_s=args.result_age,
            spool=spool,
            client_bytes=client_bytes,
        ),
        preview_every_s=args.preview_every,
        job_secrets=JobSecrets.kept_in(spool.folder),  # spooled results stay fetchable by their owners
        orphan_grace_s=args.orphan_grace,
        idle_exit_s=args.idle_exit,
        started_by=args.started_by,
    )
    daemon.serve_forever()
    return 0


def status_command(args: argparse.Namespace) -> int:
    """`painterly status`: print the daemon's version, device, weights and queue."""
    with client_for(args) as client:
        status = client.hello()
    print(f"daemon at {args.endpoint}: painterly {status['version']}")
    print(f"  device  {status['device']} ({status['dtype']})")
    print(f"  weights {status['weights']}")
    print(f"  queue   {status['queue_length']} job(s)")
    if status.get("started_by") or status.get("idle_exit_s"):
        idle = f"stops after {status['idle_exit_s']:g} s unused" if status.get("idle_exit_s") else "runs until stopped"
        print(f"  started by {status.get('started_by') or 'hand'}; {idle}")
    return 0


def keys_command(args: argparse.Namespace) -> int:
    """`painterly keys`: create the daemon's key pair, and a client's with --client; --revoke removes a client."""
    folder = args.dir or default_keys_folder()
    if args.revoke:
        removed = revoke_client(folder, args.revoke)
        print(f"revoked {args.revoke}: removed {removed}; a running daemon refuses its new connections within 1 s")
        return 0
    daemon_public = create_daemon_keys(folder)
    print(f"daemon key: {daemon_public} (give this public key to each client)")
    if args.client:
        secret = create_client_keys(folder, args.client)
        print(f"client key for {args.client}: {secret} (give it only to that artist; keep it secret)")
    clients = folder / "clients"
    if clients.is_dir() and any(clients.glob("*.key")):
        print(f"serve with: painterly serve --keys {folder} --endpoint tcp://0.0.0.0:7353")
    else:  # DaemonKeys.load refuses a folder that authorises no client
        print(f"no client may connect yet: add one with `painterly keys --dir {folder} --client NAME`, then serve")
        print(f"with: painterly serve --keys {folder} --endpoint tcp://0.0.0.0:7353")
    return 0
