"""Is the published output as the last good build left it? Asked beside the rest.

A rebuild that may have nothing to do, or may patch a few documents (:mod:`glossator.patch`),
first checks that every published file still has the size, mtime and inode the last good
build recorded (``cache.site("output")``): a file edited or deleted by hand is put right by
a full build. At N = 5,000 that is the stat of 25,000 files, 0.17-0.35 s on the machine of
docs/performance.md, and the record's JSON, 0.02-0.04 s.

Nothing else a rebuild does waits on that answer until it is needed: the command line takes
the inputs' stats and reads their record, then imports the build (0.2-0.4 s). So it asks in
a child process (:func:`os.fork`) as it starts, and reads the answer, a few bytes through a
pipe, when it needs it (:meth:`PublishedCheck.answer`). Where there is no ``fork`` (Windows),
or other threads run in this process (a lock one of them holds would never be released in
the child), nothing is started, and the caller checks in its own process
(:func:`output_as_left`): the same answer, later.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import threading
from pathlib import Path
from typing import Any

from .cache import FORMAT, BuildCache, read_site, tree_state


def forkable() -> bool:
    """Whether this process may fork a child that runs Python: it has ``os.fork``, and no
    other thread (a lock one holds would never be released in the child)."""
    return hasattr(os, "fork") and threading.active_count() == 1


class PublishedCheck:
    """The question asked in a child process: see :meth:`start`."""

    def __init__(self, pid: int, pipe: int):
        self.pid, self.pipe = pid, pipe  # the pipe: -1 once closed (read, or not needed)
        self.told: list[Any] | None = None  # [meta, output folder, same], if it answered

    @classmethod
    def start(cls, cache_file: Path, output: Path | None) -> PublishedCheck | None:
        """Ask, in a child process, whether the output folder ``output`` (None: the one the
        last build recorded) is as the build cache ``cache_file`` says it was left. None when
        no child can be started here; the caller asks :func:`output_as_left` itself."""
        if not forkable():
            return None
        read_end, write_end = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(read_end)
            os.close(write_end)
            return None
        if pid == 0:  # the child: answer, and leave without any of the parent's exit work
            status = 1
            try:
                os.close(read_end)
                with os.fdopen(write_end, "wb") as pipe:
                    pipe.write(json.dumps(_ask(cache_file, output)).encode())
                status = 0
            finally:
                os._exit(status)
        os.close(write_end)
        return cls(pid, read_end)

    def answer(self, output_dir: Path, code_version: str) -> bool | None:
        """Whether ``output_dir`` is as the last good build left it, by a cache made by this
        ``code_version``; None when the child was asked about another folder, found
        another cache format or code, or failed."""
        if self.pipe >= 0:
            self._read()
        if self.told is None:
            return None
        meta, folder, same = self.told
        if meta != {"format": FORMAT, "code": code_version} or folder != str(output_dir):
            return None
        return bool(same)

    def _read(self) -> None:
        chunks = []
        try:
            while chunk := os.read(self.pipe, 1 << 16):
                chunks.append(chunk)
        finally:
            self.close()
        try:
            told = json.loads(b"".join(chunks))
        except ValueError:  # nothing written: the child failed
            return
        if isinstance(told, list) and len(told) == 3:
            self.told = told

    def close(self) -> None:
        """Stop the child if it still runs (its answer is not needed), and reap it."""
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


def _ask(cache_file: Path, output: Path | None) -> list[Any]:
    """In the child: the cache's format and code version, the output folder asked about,
    and whether its files' stats are those the cache recorded. Reads the cache without
    changing it (a build's :class:`~glossator.cache.BuildCache` may set it up)."""
    db = sqlite3.connect(f"{cache_file.resolve().as_uri()}?mode=ro", uri=True)
    try:
        meta = dict(db.execute("SELECT key, value FROM meta"))
        if output is None:
            output = Path(str(read_site(db, "input_files")["options"][-1]))
        recorded = read_site(db, "output")
    finally:
        db.close()
    return [meta, str(output), recorded is not None and recorded == tree_state(output)]


def output_as_left(cache: BuildCache, output_dir: Path,
                   check: PublishedCheck | None = None) -> bool:
    """Whether every file of ``output_dir`` has the stat ``cache`` recorded for the last good
    build's output, and no file was added: the answer of ``check`` when it asked that, else
    asked now."""
    if check is not None:
        answer = check.answer(output_dir, cache.code_version)
        if answer is not None:
            return answer
    return cache.site("output") == tree_state(output_dir)
