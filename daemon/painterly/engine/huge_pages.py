"""Transparent huge pages for PyTorch's large CPU blocks, asked for before torch loads (importing this module does it).

A VGG pass at 1200x800 allocates and frees gigabytes in blocks that glibc maps afresh each time, and the kernel
faults them in 4 KiB page by page: 1.45 million faults and 4 s of system time per evaluation on a 2-core CPU.
PyTorch backs blocks of 2 MiB and more with huge pages (madvise) when THP_MEM_ALLOC_ENABLE is set at its first
allocation: 0.79x an evaluation there and 0.82x a 10-step job at 1200x800, with the same peak memory
(bench/bench_heap_reuse.py, bench/results/full-size.md). A value already in the environment is kept, so
THP_MEM_ALLOC_ENABLE=0 turns it off; where the kernel offers no huge pages nothing is set.
"""

from __future__ import annotations

import os
from pathlib import Path

THP_SETTING = Path("/sys/kernel/mm/transparent_hugepage/enabled")  # e.g. "always [madvise] never"


def huge_pages_offered(setting: Path = THP_SETTING) -> bool:
    """Whether this Linux kernel gives huge pages to memory advised for them (THP mode `always` or `madvise`)."""
    try:
        return "[never]" not in setting.read_text()
    except OSError:
        return False


if huge_pages_offered():
    os.environ.setdefault("THP_MEM_ALLOC_ENABLE", "1")
