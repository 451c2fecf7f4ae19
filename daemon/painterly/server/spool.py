"""Finished outcomes on disk, one file per job, so a daemon restarted after a crash still answers `fetch`.

A file is a msgpack array: a record map (`kept_at`, wall-clock seconds) followed by the outcome's wire frames
(its header and, for a result, the pixel frame), written to a temporary name and renamed into place. The folder
is the user's alone (0700) and so is every file (0600). ResultStore decides what stays; this only stores it.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import msgpack

from painterly_wire.errors import PainterlyError
from painterly_wire.messages import MAX_REPLY_FRAMES, decode
from painterly_wire.records import JOB_EVENTS, Cancelled, Failed, Result

Outcome = Result | Failed | Cancelled

SUFFIX = ".outcome"
PARTIAL_SUFFIX = ".partial"  # a file being written; one left by a crash is deleted at the next start
OUTCOME_TYPES = ("result", "error", "cancelled")
SPOOL_ENV = "PAINTERLY_SPOOL_DIR"

log = logging.getLogger(__name__)


def default_spool_folder(endpoint: str) -> Path:
    """PAINTERLY_SPOOL_DIR, or one folder per endpoint under ~/.local/state/painterly/results (XDG_STATE_HOME
    respected): a daemon restarted on the same endpoint finds its results, two daemons never share a folder."""
    if SPOOL_ENV in os.environ:
        return Path(os.environ[SPOOL_ENV])
    state_home = os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state"
    name = "".join(char if char.isalnum() or char in ".-_" else "-" for char in endpoint)
    return Path(state_home) / "painterly" / "results" / name


class ResultSpool:
    """One folder of outcome files; it makes the folder (owner-only) if needed."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        folder.chmod(0o700)  # an existing folder too: results are the artist's work

    def save(self, kept_at: float, outcome: Outcome) -> None:
        """Write an outcome's file; a disk that refuses is logged and the outcome stays in memory only."""
        target = self._file(outcome.job)
        partial = target.with_suffix(PARTIAL_SUFFIX)
        parts = outcome.to_parts()
        packer = msgpack.Packer(use_bin_type=True)
        try:
            partial.unlink(missing_ok=True)
            with os.fdopen(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as file:
                file.write(packer.pack_array_header(1 + len(parts)))
                file.write(packer.pack({"kept_at": kept_at}))
                for part in parts:
                    file.write(bin_header(memoryview(part).nbytes))
                    file.write(part)
            os.replace(partial, target)
        except OSError as error:
            log.warning("could not spool the outcome of job %s to %s: %s", outcome.job, self.folder, error)
            partial.unlink(missing_ok=True)

    def remove(self, job_id: str) -> None:
        """Delete a job's file, if there is one."""
        self._file(job_id).unlink(missing_ok=True)

    def load(self) -> list[tuple[float, Outcome]]:
        """Every readable outcome with the time it was kept, oldest first; unreadable and partial files are logged
        and deleted."""
        kept = []
        for path in sorted(self.folder.iterdir()):
            if path.suffix == PARTIAL_SUFFIX:
                path.unlink(missing_ok=True)
            elif path.suffix == SUFFIX:
                try:
                    kept.append(read_outcome(path))
                except (OSError, ValueError, KeyError, TypeError, PainterlyError) as error:
                    log.warning("dropping unreadable spooled outcome %s: %s", path, error)
                    path.unlink(missing_ok=True)
        return sorted(kept, key=lambda entry: entry[0])

    def _file(self, job_id: str) -> Path:
        return self.folder / f"{job_id}{SUFFIX}"


def bin_header(size: int) -> bytes:
    """msgpack's bin 32 header for `size` bytes (msgpack's Packer writes no bare headers for bin)."""
    return b"\xc6" + size.to_bytes(4, "big")


def read_outcome(path: Path) -> tuple[float, Outcome]:
    """The time an outcome file was kept and its outcome; ValueError (or PainterlyError) for a damaged file."""
    record, *parts = _unpack(path.read_bytes())
    message = decode(parts, OUTCOME_TYPES, MAX_REPLY_FRAMES)
    return float(record["kept_at"]), JOB_EVENTS[message.type].from_message(message)


def _unpack(data: bytes) -> list[Any]:
    unpacked = msgpack.unpackb(data, raw=False)  # damage raises ValueError
    if not isinstance(unpacked, list) or len(unpacked) < 2 or not isinstance(unpacked[0], dict):
        raise ValueError("not an outcome file")
    return unpacked
