"""A one-line terminal progress bar for the CLI (in-process and through a daemon)."""

from __future__ import annotations

import sys
from typing import Protocol, TextIO


class Step(Protocol):
    """What the bar shows of one step: the engine's StepReport and the wire's Progress both have it."""

    step: int
    total: int
    cost: float
    elapsed_s: float


class ProgressBar:
    """Redraws `[#####.....] step/total  cost  elapsed  ETA` on one line; silent when not on a terminal.

    Use it as a context manager, passing `show` as the progress callback."""

    def __init__(self, stream: TextIO = sys.stderr, width: int = 30) -> None:
        self.stream = stream
        self.width = width
        self.enabled = stream.isatty()

    def update(self, step: int, total: int, cost: float, elapsed_s: float) -> None:
        """Show one step; the ETA assumes the remaining steps cost what the past ones did."""
        if not self.enabled or total <= 0:
            return
        done = round(self.width * step / total)
        eta = elapsed_s / step * (total - step) if step else 0.0
        bar = "#" * done + "." * (self.width - done)
        self.stream.write(f"\r[{bar}] {step}/{total}  J {cost:.3g}  {elapsed_s:5.1f}s  ETA {eta:5.1f}s ")
        self.stream.flush()

    def show(self, progress: Step) -> None:
        """The progress callback: show one step's record."""
        self.update(progress.step, progress.total, progress.cost, progress.elapsed_s)

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        """End the line so later output starts on a fresh one."""
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()
