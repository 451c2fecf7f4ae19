"""CURVE keys a client needs to talk to a daemon that serves beyond loopback."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import zmq.auth


@dataclass(frozen=True)
class ClientKeys:
    """The client's own key pair and the daemon's public key, Z85-encoded."""

    public: bytes
    secret: bytes
    server_public: bytes

    @classmethod
    def from_files(cls, client_secret_file: str | os.PathLike, server_public_file: str | os.PathLike) -> ClientKeys:
        """Read the certificate files `painterly keys` writes; ValueError if one is missing or lacks a key."""
        for path in (client_secret_file, server_public_file):
            if not Path(path).is_file():
                raise ValueError(f"key file {path} does not exist")
        public, secret = zmq.auth.load_certificate(client_secret_file)
        server_public, _ = zmq.auth.load_certificate(server_public_file)
        if secret is None:
            raise ValueError(f"{client_secret_file} holds no secret key; pass the client's .key_secret file")
        return cls(public, secret, server_public)

    def apply(self, socket: zmq.Socket) -> None:
        """Make a not yet connected socket a CURVE client of the daemon with these keys."""
        socket.curve_serverkey = self.server_public
        socket.curve_publickey = self.public
        socket.curve_secretkey = self.secret
