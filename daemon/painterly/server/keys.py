"""CURVE keys and the loopback rule: the daemon serves beyond this machine only to clients it knows.

A keys folder holds:
    daemon.key, daemon.key_secret           the daemon's key pair
    clients/<name>.key                      public keys of the clients the daemon accepts
    client-secrets/<name>.key_secret        a client's key pair, to hand to that artist with daemon.key
"""

from __future__ import annotations

import ipaddress
import logging
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import zmq
import zmq.auth
from zmq.auth.thread import ThreadAuthenticator

DAEMON_NAME = "daemon"
LOOPBACK_NAMES = ("localhost",)
RELOAD_EVERY_S = 1.0  # how often a running daemon looks at its clients folder
REMEMBERED_PEERS = 4096  # connections whose key is remembered, so a revocation can cut them off

log = logging.getLogger(__name__)


def default_keys_folder() -> Path:
    """PAINTERLY_KEYS_DIR, or ~/.config/painterly/keys (XDG_CONFIG_HOME respected)."""
    if "PAINTERLY_KEYS_DIR" in os.environ:
        return Path(os.environ["PAINTERLY_KEYS_DIR"])
    config_home = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(config_home) / "painterly" / "keys"


def is_loopback(endpoint: str) -> bool:
    """True when a bind endpoint only reaches this user or process: an ipc:// file (created owner-only), inproc://,
    or tcp:// on a loopback address. Linux's abstract ipc://@name has no file permissions: any local user connects."""
    scheme, _, address = endpoint.partition("://")
    if scheme == "ipc":
        return not address.startswith("@")
    if scheme == "inproc":
        return True
    if scheme != "tcp":
        return False
    host = address.rpartition(":")[0].strip("[]")
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class UnsafeBind(ValueError):
    """A bind beyond loopback was asked for without CURVE keys."""


def require_safe_bind(endpoint: str, keys: DaemonKeys | None) -> None:
    """Refuse to serve beyond this machine without CURVE: anyone on the network could use the daemon."""
    if keys is None and not is_loopback(endpoint):
        raise UnsafeBind(
            f"refusing to serve on {endpoint} without CURVE keys: anyone on the network could use it. "
            "Bind to 127.0.0.1, or create keys with `painterly keys` and pass --keys DIR"
        )


def create_daemon_keys(folder: Path) -> Path:
    """Make the daemon's key pair in `folder` unless it exists; returns the public key file."""
    public = folder / f"{DAEMON_NAME}.key"
    if not public.exists():
        folder.mkdir(parents=True, exist_ok=True)
        zmq.auth.create_certificates(folder, DAEMON_NAME)
        os.chmod(folder / f"{DAEMON_NAME}.key_secret", 0o600)
    return public


def create_client_keys(folder: Path, name: str) -> Path:
    """Make a client key pair, authorise its public key; returns the client's secret key file."""
    if not name or not name.replace("-", "").replace("_", "").isalnum():
        raise ValueError(f"client name {name!r}: use letters, digits, - and _")
    secrets_folder = folder / "client-secrets"
    secret = secrets_folder / f"{name}.key_secret"
    if secret.exists():
        raise ValueError(f"{secret} exists already; choose another client name")
    secrets_folder.mkdir(parents=True, exist_ok=True)
    (folder / "clients").mkdir(parents=True, exist_ok=True)
    public_file, secret_file = zmq.auth.create_certificates(secrets_folder, name)
    os.chmod(secret_file, 0o600)
    shutil.copy(public_file, folder / "clients" / f"{name}.key")
    return Path(secret_file)


def revoke_client(folder: Path, name: str) -> Path:
    """Stop accepting a client: remove its public key from `folder`/clients (a running daemon notices within
    RELOAD_EVERY_S); returns the removed file. ValueError when no such client is authorised."""
    public = folder / "clients" / f"{name}.key"
    if not public.is_file():
        raise ValueError(f"no authorised client {name!r} in {folder / 'clients'}")
    public.unlink()
    return public


@dataclass(frozen=True)
class DaemonKeys:
    """The daemon's key pair and the folder of client public keys it accepts."""

    public: bytes
    secret: bytes
    clients_folder: Path

    @classmethod
    def load(cls, folder: Path) -> DaemonKeys:
        """Read a keys folder made by `painterly keys`; ValueError says what is missing."""
        secret_file = folder / f"{DAEMON_NAME}.key_secret"
        clients = folder / "clients"
        if not secret_file.is_file():
            raise ValueError(f"no daemon key in {folder}: run `painterly keys --dir {folder}`")
        if not clients.is_dir() or not any(clients.glob("*.key")):
            raise ValueError(f"no client keys in {clients}: run `painterly keys --dir {folder} --client NAME`")
        public, secret = zmq.auth.load_certificate(secret_file)
        if secret is None:
            raise ValueError(f"{secret_file} holds no secret key")
        return cls(public, secret, clients)

    def secure(self, socket: zmq.Socket, context: zmq.Context) -> ThreadAuthenticator:
        """Make an unbound socket a CURVE server that accepts only the known client keys."""
        authenticator = ThreadAuthenticator(context)
        authenticator.start()
        authenticator.configure_curve(domain="*", location=str(self.clients_folder))
        socket.curve_secretkey = self.secret
        socket.curve_publickey = self.public
        socket.curve_server = True
        return authenticator


class AuthorisedClients:
    """The client keys a running daemon accepts, read again whenever the clients folder changes (looked at every
    RELOAD_EVERY_S) or at the next refresh after reload_soon() (SIGHUP). A removed key is refused from its next
    connection on, and a connection already open with it is refused from its next request on (admits)."""

    def __init__(
        self, authenticator: ThreadAuthenticator, folder: Path, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.folder = folder
        self._authenticator = authenticator
        self._clock = clock
        self._seen: frozenset[tuple[str, int, int]] | None = self._listing()
        self._next_look = clock() + RELOAD_EVERY_S
        self._peers: dict[bytes, str] = {}  # routing id -> the key (z85, ZAP's User-Id) it authenticated with

    def admits(self, peer: bytes, user_id: str) -> bool:
        """True while the key a connection authenticated with (its messages' User-Id) is still authorised."""
        self._peers[peer] = user_id
        while len(self._peers) > REMEMBERED_PEERS:
            del self._peers[next(iter(self._peers))]
        return self._authorises(user_id)

    def reload_soon(self) -> None:
        """Reload at the next refresh whether or not the folder changed (safe from a signal handler)."""
        self._seen = None
        self._next_look = 0.0

    def refresh(self) -> list[bytes]:
        """Give the authenticator the folder's keys again if they changed since it last read them; returns the
        connections (routing ids) whose key is no longer authorised, forgetting them."""
        if self._clock() < self._next_look:
            return []
        self._next_look = self._clock() + RELOAD_EVERY_S
        listing = self._listing()
        if listing == self._seen:
            return []
        self._seen = listing
        self._authenticator.configure_curve(domain="*", location=str(self.folder))
        log.info("authorised client keys reloaded from %s: %d key(s)", self.folder, len(listing))
        revoked = [peer for peer, user_id in self._peers.items() if not self._authorises(user_id)]
        for peer in revoked:
            del self._peers[peer]
        return revoked

    def _authorises(self, user_id: str) -> bool:
        return user_id.encode() in self._authenticator.certs.get("*", {})

    def _listing(self) -> frozenset[tuple[str, int, int]]:
        """Each key file's name, modification time and size: what tells a change."""
        try:
            stats = [(path.name, path.stat()) for path in self.folder.glob("*.key")]
        except OSError:
            return frozenset()
        return frozenset((name, stat.st_mtime_ns, stat.st_size) for name, stat in stats)
