"""Binding the daemon's socket: IPv6 for bracketed addresses, and ipc:// socket files only the user can open,
removed again when the daemon closes. Which endpoints may be bound without CURVE is keys.require_safe_bind's rule."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import zmq

from painterly_wire.endpoints import needs_ipv6

OWNER_ONLY_UMASK = 0o177  # files created while binding: read and write for the user, nothing for anyone else


def bind(socket: zmq.Socket, endpoint: str) -> str:
    """Bind `socket` to `endpoint` and return the endpoint it got (a port 0 resolved); OSError says why not."""
    socket.ipv6 = needs_ipv6(endpoint)
    try:
        with owner_only_files():
            socket.bind(endpoint)
    except zmq.ZMQError as error:
        raise OSError(f"cannot serve on {endpoint}: {error}") from None
    return socket.last_endpoint.decode()


def ipc_file(endpoint: str) -> Path | None:
    """The socket file of an ipc:// endpoint; None for other transports and Linux's abstract ipc://@name."""
    scheme, _, address = endpoint.partition("://")
    if scheme != "ipc" or address.startswith("@"):
        return None
    return Path(address)


@contextmanager
def owner_only_files() -> Iterator[None]:
    """Create files (an ipc:// socket) owner-only whatever the umask, by narrowing it while the block runs."""
    previous = os.umask(OWNER_ONLY_UMASK)
    try:
        yield
    finally:
        os.umask(previous)
