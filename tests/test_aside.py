"""Work done in a forked child (``glossator.aside``): its result through a pipe, a failure
that ends it quietly, and no child left behind."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import REPO, reaped
from glossator import aside
from glossator.aside import Aside

pytestmark = [pytest.mark.skipif(not hasattr(os, "fork"), reason="no os.fork on this system"),
              pytest.mark.usefixtures("as_on_the_command_line")]


def test_the_work_is_done_in_another_process() -> None:
    here = os.getpid()
    job = Aside.start(lambda: {"pid": os.getpid(), "text": "é" * 100_000})
    assert job is not None
    done, value = job.result()
    assert done and value["pid"] == job.pid != here and value["text"] == "é" * 100_000
    assert job.result() == (True, value) and reaped(job.pid)  # read once


def test_a_failure_ends_the_child_quietly(capfd: pytest.CaptureFixture[str]) -> None:
    def work() -> None:
        raise RuntimeError("in the child")
    job = Aside.start(work)
    assert job is not None
    assert job.result() == (False, None) and reaped(job.pid)
    assert capfd.readouterr() == ("", "")  # no traceback, nothing flushed twice


def test_closed_before_it_is_read_it_is_stopped() -> None:
    job = Aside.start(lambda: [1, 2, 3])
    assert job is not None
    job.close()
    assert reaped(job.pid) and job.result() == (False, None)


def test_no_child_where_it_may_not_fork(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(aside, "forkable", lambda: False)
    assert Aside.start(lambda: 1) is None


def test_no_fork_beside_other_threads() -> None:
    """A lock another thread holds would never be released in a forked child (asked in a new
    process: this one may run other tests' threads)."""
    code = ("import threading; from glossator.aside import forkable; print(forkable()); "
            "stop = threading.Event(); thread = threading.Thread(target=stop.wait); "
            "thread.start(); print(forkable()); stop.set(); thread.join(); print(forkable())")
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           env=dict(os.environ, PYTHONPATH=str(REPO)), check=True)
    assert found.stdout.split() == ["True", "False", "True"]
