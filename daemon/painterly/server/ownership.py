"""Who owns a job: whoever holds its secret, given once in `accepted`, never the routing identity of a socket.

A job's secret is an HMAC of its id under a key only the daemon has, so nothing per job needs storing: a result
in the spool stays fetchable by its owner after a restart as long as the key file survives too.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

KEY_BYTES = 32
SECRET_BYTES = 16
KEY_FILE = "job-secrets.key"


class JobSecrets:
    """Makes and checks job secrets under one key."""

    def __init__(self, key: bytes | None = None) -> None:
        self._key = key if key is not None else secrets.token_bytes(KEY_BYTES)

    @classmethod
    def kept_in(cls, folder: Path) -> JobSecrets:
        """Secrets under the key in `folder` (created owner-only when missing), the same across restarts."""
        path = folder / KEY_FILE
        try:
            key = path.read_bytes()
        except FileNotFoundError:
            key = secrets.token_bytes(KEY_BYTES)
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as file:
                file.write(key)
        if len(key) != KEY_BYTES:
            raise ValueError(f"{path} is not a job-secrets key; delete it to make a new one")
        return cls(key)

    def of(self, job_id: str) -> str:
        """The secret of a job, as hex."""
        return hmac.new(self._key, job_id.encode(), hashlib.sha256).hexdigest()[: 2 * SECRET_BYTES]

    def holds(self, job_id: str, secret: str) -> bool:
        """True when `secret` is the job's (compared in constant time, as bytes: any text a peer sends is safe)."""
        return hmac.compare_digest(self.of(job_id).encode(), secret.encode())
