"""The process that a build's workers are forked from, and starting it early.

Workers are forked from a small server process that has imported Glossator (multiprocessing's
"forkserver"), not from the main process: a worker forked from the main one would count, in
its own memory, every document the main process holds by then. Where there is no fork
server (Windows), workers are spawned.

Starting the server is a new Python process importing Glossator: about 0.25 s, which a build
used to wait for when its first pool started. The command line starts it as soon as it has
read its arguments (:func:`start_early`), so that the server imports on one core while the
main process imports and sets up on the other. This module imports only the names of the
site's folders from Glossator, so that the command line can use it before its own imports.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.context
import multiprocessing.forkserver
import os
from pathlib import Path

from .cache import CACHE_DIR
from .inventory import SOURCES_DIR

SERIAL_BELOW = 8  # fewer tasks than this run in the main process: a pool costs more
WORKER_MODULE = "glossator.workers"  # what the server imports, and every worker inherits


def default_jobs() -> int:
    """One worker per core this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
        os.cpu_count() or 1)


def context() -> multiprocessing.context.BaseContext:
    """The fork server's context (the server imports :data:`WORKER_MODULE`), or spawn."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    found = multiprocessing.get_context("forkserver")
    found.set_forkserver_preload([WORKER_MODULE])
    return found


def start_early(site: Path, jobs: int) -> bool:
    """Start the fork server now if a build of ``site`` with ``jobs`` workers (0: one per
    core) will use a pool: more than one worker, enough documents, and no build cache yet
    (a first build, as a deployment's). Returns whether it was started; otherwise a build
    that needs a pool starts the server then, as before.

    With a cache the build is most often a rebuild that needs no pool (nothing changed, or a
    patch build) and takes about as long as the server's imports; a server started for
    nothing would only outlive it, holding its standard output (a caller that reads the
    output to its end would wait for the server too)."""
    if (jobs or default_jobs()) <= 1 or not isinstance(context(),
                                                       multiprocessing.context.ForkServerContext):
        return False
    try:
        if (site / CACHE_DIR).exists():
            return False
        with os.scandir(site / SOURCES_DIR) as entries:
            count = sum(1 for entry in entries if entry.name.endswith(".md"))
        if count < SERIAL_BELOW:
            return False
        multiprocessing.forkserver.ensure_running()
    except (OSError, ValueError):
        return False
    return True
