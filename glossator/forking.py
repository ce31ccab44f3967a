"""A piece of work done in a forked copy of the main process while the main process goes on.

The listing pages are made in the main process after every document is rendered, one core
left idle. Part of them (the all-notes pages) can be made by a forked copy of the process on
that core: the copy already holds everything they are made from, so nothing is sent to it,
and only what it made comes back (pickled, through a pipe).

A fork is safe only in a process with no other thread (another thread may hold a lock that
the copy would find held forever: the live preview's build runs beside the watcher and the
web server), and only where a forked process may go on running Python (Linux). Anywhere else,
and if the copy fails for any reason (it died, an exception, a result that does not pickle),
the work is done in the main process when its result is asked for, as it would have been.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
from typing import Callable, Generic, TypeVar

T = TypeVar("T")


def can_fork() -> bool:
    """Whether a forked copy of this process may run Glossator's code now."""
    return sys.platform == "linux" and threading.active_count() == 1


class Beside(Generic[T]):
    """``work()``, started in a forked copy at once (when :func:`can_fork`); :meth:`result`
    waits for it, or does the work here if the copy could not."""

    def __init__(self, work: Callable[[], T], *, fork: bool = True) -> None:
        self._work = work
        self._pid: int | None = None
        self._read = -1
        self.forked = fork and can_fork()
        if self.forked:
            self._start()

    def _start(self) -> None:
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the copy: work, send, and leave without running the parent's exits
            status = 1
            try:
                os.close(read)
                try:
                    payload = pickle.dumps(self._work(), protocol=pickle.HIGHEST_PROTOCOL)
                except BaseException:  # noqa: BLE001 - any failure: the parent does the work
                    payload = b""
                with os.fdopen(write, "wb") as out:
                    out.write(payload)
                status = 0
            finally:
                os._exit(status)
        os.close(write)
        self._pid, self._read = pid, read

    def result(self) -> T:
        """The work's result: the copy's if it gave one, otherwise made here."""
        if self._pid is None:
            return self._work()
        try:
            with os.fdopen(self._read, "rb") as pipe:
                payload = pipe.read()
        finally:
            os.waitpid(self._pid, 0)
            self._pid = None
        if payload:
            try:
                return pickle.loads(payload)
            except Exception:  # noqa: BLE001 - a broken result: do the work here
                pass
        return self._work()

    def discard(self) -> None:
        """Stop the copy, if any, without its result (the main process failed meanwhile)."""
        if self._pid is None:
            return
        try:
            os.kill(self._pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.close(self._read)
        os.waitpid(self._pid, 0)
        self._pid = None
