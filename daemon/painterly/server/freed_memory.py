"""Giving freed heap memory back to the system, so one huge message does not keep the daemon's resident size high.

glibc keeps freed blocks below its mmap threshold in its arenas (libzmq's I/O thread has its own); malloc_trim
returns their pages. Elsewhere (macOS, Windows, musl) there is no malloc_trim and this does nothing.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable


def _malloc_trim() -> Callable[[int], int] | None:
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError, TypeError):  # no such symbol, or no process-wide symbol lookup
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


_TRIM = _malloc_trim()


def return_freed_memory() -> None:
    """Hand the heap's free pages back to the system (glibc's malloc_trim(0))."""
    if _TRIM is not None:
        _TRIM(0)
