"""A progress line on stderr for reports that take a while (shown only after `delay` seconds).

A ticker thread draws it, so a long blocking step (a database query) still shows that
something is happening. On a terminal the line is redrawn in place and erased at the end;
elsewhere (a log file) a plain line is written now and then.
"""

from __future__ import annotations

import threading
import time
from typing import TextIO

DEFAULT_DELAY = 1.0
TERMINAL_INTERVAL = 0.2
LOG_INTERVAL = 5.0


class Progress:
    def __init__(self, stream: TextIO, *, delay: float = DEFAULT_DELAY) -> None:
        self._stream = stream
        self._delay = delay
        self._tty = _isatty(stream)
        self._what = "working"
        self._done = self._total = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._shown = False
        self._started = time.monotonic()
        self._thread = threading.Thread(target=self._tick, name="citebot-progress", daemon=True)

    def stage(self, what: str, done: int = 0, total: int = 0) -> None:
        with self._lock:
            self._what, self._done, self._total = what, done, total

    def __call__(self, what: str, done: int, total: int) -> None:
        self.stage(what, done, total)

    def __enter__(self) -> Progress:
        self._started = time.monotonic()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        if self._shown and self._tty:
            self._stream.write("\r\x1b[K")
            self._stream.flush()

    def _line(self) -> str:
        with self._lock:
            what, done, total = self._what, self._done, self._total
        seconds = time.monotonic() - self._started
        count = f" {done:,}/{total:,}" if total else ""
        return f"citebot: {what}{count} ({seconds:.0f} s)"

    def _tick(self) -> None:
        if self._stop.wait(self._delay):
            return
        interval = TERMINAL_INTERVAL if self._tty else LOG_INTERVAL
        while True:
            line = self._line()
            self._stream.write(f"\r\x1b[K{line}" if self._tty else f"{line}\n")
            self._stream.flush()
            self._shown = True
            if self._stop.wait(interval):
                return


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
