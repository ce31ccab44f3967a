"""Is the published output as the last good build left it? Asked beside the rest.

A rebuild that may have nothing to do, or may patch a few documents (:mod:`glossator.patch`),
first checks that every published file still has the size, mtime and inode the last good
build recorded (``cache.site("output")``): a file edited or deleted by hand is put right by
a full build. At N = 5,000 that is the stat of 25,000 files, 0.17-0.35 s on the machine of
docs/performance.md, and the record's JSON, 0.02-0.04 s.

Nothing else a rebuild does waits on that answer until it is needed: the command line takes
the inputs' stats and reads their record, then imports the build (0.2-0.4 s). So it asks in
a child process (:func:`os.fork`) as it starts, and reads the answer, a few bytes through a
pipe, when it needs it (:meth:`PublishedCheck.answer`; :mod:`glossator.aside`). Where no
child can be started (no ``fork``, or other threads run), the caller checks in its own
process (:func:`output_as_left`): the same answer, later.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .aside import Aside
from .cache import FORMAT, BuildCache, read_only, read_site, tree_state


class PublishedCheck:
    """The question asked in a child process: see :meth:`start`."""

    def __init__(self, aside: Aside):
        self.aside = aside

    @classmethod
    def start(cls, cache_file: Path, output: Path | None) -> PublishedCheck | None:
        """Ask, in a child process, whether the output folder ``output`` (None: the one the
        last build recorded) is as the build cache ``cache_file`` says it was left. None when
        no child can be started here; the caller asks :func:`output_as_left` itself."""
        aside = Aside.start(lambda: _ask(cache_file, output))
        return None if aside is None else cls(aside)

    def answer(self, output_dir: Path, code_version: str) -> bool | None:
        """Whether ``output_dir`` is as the last good build left it, by a cache made by this
        ``code_version``; None when the child was asked about another folder, found
        another cache format or code, or failed."""
        done, told = self.aside.result()
        if not (done and isinstance(told, list) and len(told) == 3):
            return None
        meta, folder, same = told
        if meta != {"format": FORMAT, "code": code_version} or folder != str(output_dir):
            return None
        return bool(same)

    def close(self) -> None:
        """Stop the child if it still runs (its answer is not needed), and reap it."""
        self.aside.close()


def _ask(cache_file: Path, output: Path | None) -> list[Any]:
    """In the child: the cache's format and code version, the output folder asked about,
    and whether its files' stats are those the cache recorded. Reads the cache without
    changing it (a build's :class:`~glossator.cache.BuildCache` may set it up)."""
    db = read_only(cache_file)
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
