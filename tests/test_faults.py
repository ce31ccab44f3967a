"""Faults around a build: a second build started while one runs.

(Disk full and permission denied while writing are ``test_pipeline.py``'s
``test_a_write_failure_leaves_the_output_as_it_was``, injected as ``OSError`` since CI runs as
root; template errors and exceptions raised while rendering are the ``template-*`` cases of
``tests/invalid/``; the lock itself is tested in ``test_writer.py``.)
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest

from glossator.writer import LOCK_NAME

from conftest import FIXTURE_SITES, REPO, STAGING, Run, copy_inputs, snapshot, tree_bytes


@pytest.fixture
def site(tmp_path: Path, glossator: Callable[..., Run]) -> Path:
    root = copy_inputs(FIXTURE_SITES / "basic", tmp_path / "site")
    assert glossator("build", "--no-search", root).code == 0
    return root


def test_a_build_started_while_another_holds_the_lock_is_refused_clearly(
        site: Path, glossator: Callable[..., Run]) -> None:
    before = snapshot(site / "output")
    speech = site / "sources" / "letter-on-the-bells.md"
    speech.write_text(speech.read_text(encoding="utf-8").replace("Sir,", "Dear Sir,"),
                      encoding="utf-8")
    holder = os.open(site / LOCK_NAME, os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(holder, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as a running build holds it
        os.pwrite(holder, b"4242\n", 0)
        result = glossator("build", "--no-search", site)
    finally:
        os.close(holder)
    assert result.code == 3  # the output could not be written (now)
    assert result.err.splitlines() == [
        "site_config.yaml:1:1: error: another build of this site is running (pid 4242); wait "
        f"for it to finish and try again (lock file: {site / LOCK_NAME})",
        "glossator: build failed with 1 error(s); the published output was not changed"]
    assert snapshot(site / "output") == before
    assert not (site / STAGING).exists()
    assert glossator("build", "--no-search", site).code == 0  # the lock was the only obstacle
    assert "Dear Sir," in (site / "output" / "letter-on-the-bells" / "index.html").read_text()


def test_two_builds_at_once_are_serialised_or_refused_and_the_output_is_whole(
        site: Path, tmp_path: Path, glossator: Callable[..., Run]) -> None:
    speech = site / "sources" / "letter-on-the-bells.md"
    speech.write_text(speech.read_text(encoding="utf-8").replace("Sir,", "Dear Sir,"),
                      encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "glossator", "build", "--no-search", str(site)]
    runs = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True) for _ in range(3)]
    results = [(run.wait(timeout=120), run.stderr.read()) for run in runs]
    for run in runs:
        run.stdout.close()
        run.stderr.close()

    for code, err in results:
        assert "Traceback" not in err
        assert code == 0 or (code == 3 and "another build of this site is running" in err), err
    assert any(code == 0 for code, _ in results)
    clean = copy_inputs(site, tmp_path / "clean")
    assert glossator("build", "--no-search", clean).code == 0
    assert tree_bytes(site / "output") == tree_bytes(clean / "output")
    assert not (site / STAGING).exists()
