"""A small progress bar on stderr: one line per step when stderr is not a terminal (CI logs)."""

from __future__ import annotations

import sys
import time


class Progress:
    def __init__(self, total: int, quiet: bool = False, width: int = 30) -> None:
        self.total, self.quiet, self.width = total, quiet, width
        self.done_steps = 0
        self.started = time.perf_counter()
        self.tty = sys.stderr.isatty()

    def _show(self, label: str) -> None:
        if self.quiet:
            return
        filled = int(self.width * min(self.done_steps, self.total) / self.total)
        line = (f"[{'#' * filled}{'.' * (self.width - filled)}] {self.done_steps:>2}/{self.total} "
                f"{time.perf_counter() - self.started:7.1f} s  {label}")
        if self.tty:
            sys.stderr.write("\r\033[K" + line)
        else:
            sys.stderr.write(line + "\n")
        sys.stderr.flush()

    def step(self, label: str) -> None:
        self._show(label)
        self.done_steps += 1

    def done(self, label: str) -> None:
        self.done_steps = self.total
        self._show(label)
        if self.tty and not self.quiet:
            sys.stderr.write("\n")
