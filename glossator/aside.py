"""Work done aside, in a forked child process, while this process goes on.

The child has everything this process had when it forked, without copying or pickling any
of it; it returns one JSON value through a pipe, read when the caller needs it
(:meth:`Aside.result`). Used by the command line to check the published output while it
imports the build (:mod:`glossator.published`).

A child is started only where this process may fork one that runs Python
(:func:`forkable`): not where ``os.fork`` is missing (Windows), nor beside other threads (a
lock one of them holds would never be released in the child). Callers then do the work
themselves.
"""

from __future__ import annotations

import json
import os
import signal
import threading
from typing import Any, Callable


def forkable() -> bool:
    """Whether this process may fork a child that runs Python: it has ``os.fork``, and no
    other thread."""
    return hasattr(os, "fork") and threading.active_count() == 1


class Aside:
    """One child's work: see :meth:`start`."""

    def __init__(self, pid: int, pipe: int):
        self.pid, self.pipe = pid, pipe  # the pipe: -1 once closed (read, or not needed)
        self.value: Any = None  # what the work returned, once read
        self.done = False  # read, and the work returned (else it failed, or was stopped)

    @classmethod
    def start(cls, work: Callable[[], Any]) -> Aside | None:
        """Run ``work`` (returning JSON-serialisable data) in a child process; None when no
        child can be started here (the caller does the work itself)."""
        if not forkable():
            return None
        read_end, write_end = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(read_end)
            os.close(write_end)
            return None
        if pid == 0:  # the child: the work, then leave without any of the parent's exit work
            status = 1
            try:
                os.close(read_end)
                with os.fdopen(write_end, "wb") as pipe:
                    pipe.write(json.dumps(work(), ensure_ascii=False).encode("utf-8"))
                status = 0
            finally:
                os._exit(status)
        os.close(write_end)
        return cls(pid, read_end)

    def result(self) -> tuple[bool, Any]:
        """Wait for the work: (True, what it returned), or (False, None) when it failed (an
        exception in the child, which ends it quietly) or was stopped by :meth:`close`."""
        if self.pipe >= 0:
            chunks = []
            try:
                while chunk := os.read(self.pipe, 1 << 16):
                    chunks.append(chunk)
            finally:
                self.close()
            try:
                self.value, self.done = json.loads(b"".join(chunks)), True
            except ValueError:  # nothing written: the work failed
                pass
        return self.done, self.value

    def close(self) -> None:
        """Stop the child if it still runs (its work is not needed), and reap it."""
        if self.pipe < 0:
            return
        os.close(self.pipe)
        self.pipe = -1
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:  # (it exited, and is reaped below)
            pass
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:  # reaped already (SIGCHLD ignored by an embedding program)
            pass
