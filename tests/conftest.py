"""Shared fixtures for the end-to-end tests: fixture sites, the CLI, output-tree snapshots.

* ``make_site("basic")`` copies ``tests/fixtures/sites/basic/`` to a fresh folder under
  ``tmp_path`` and returns it; ``example_site`` copies the repository's own example site.
* ``glossator("build", site)`` runs the command line in-process (``glossator.cli.main``) and
  returns a :class:`Run` with the exit status and what was printed; :func:`run_subprocess`
  does the same through ``python -m glossator`` (for what only a real process shows:
  tracebacks, ``build.py``).
* :func:`snapshot` records an output tree (path -> bytes, inode, mtime) to compare before and
  after a build; :func:`tree_bytes` only the files' bytes.
* :func:`require_tool` skips a test that needs an external tool (Java, the Nu HTML Checker)
  when it is missing, except in CI (``CI=true``), where a missing tool is a failure.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, NoReturn

import pytest

from glossator.cli import main

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
FIXTURE_SITES = TESTS / "fixtures" / "sites"
THEME_STATIC = REPO / "glossator" / "theme" / "static"
SITE_INPUTS = ("site_config.yaml", "sources", "annotations", "theme")
STAGING = ".glossator-staging"
UPDATE_GOLDEN = os.environ.get("GLOSSATOR_UPDATE_GOLDEN") == "1"


@dataclass
class Run:
    """One run of the command line."""

    code: int
    out: str
    err: str


def copy_inputs(source: Path, site: Path) -> Path:
    """Copy a site's inputs (config, sources, annotations, theme) into ``site``."""
    site.mkdir(parents=True, exist_ok=True)
    for name in SITE_INPUTS:
        path = source / name
        if path.is_dir():
            shutil.copytree(path, site / name)
        elif path.is_file():
            shutil.copy2(path, site / name)
    return site


def remove_inputs(site: Path) -> None:
    """Delete a site's inputs, leaving its output (and anything else) in place."""
    for name in SITE_INPUTS:
        path = site / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()


@pytest.fixture
def make_site(tmp_path: Path) -> Callable[..., Path]:
    """``make_site(name="basic", folder="site")``: a fresh copy of a fixture site."""
    def make(name: str = "basic", folder: str = "site") -> Path:
        return copy_inputs(FIXTURE_SITES / name, tmp_path / folder)
    return make


@pytest.fixture
def example_site(tmp_path: Path) -> Path:
    """A copy of the repository's example site (inputs and ``build.py``), without output."""
    site = copy_inputs(REPO, tmp_path / "example")
    shutil.copy2(REPO / "build.py", site / "build.py")
    return site


@pytest.fixture
def glossator(capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    """Run ``glossator ARGS…`` in-process; usage errors (argparse) give their exit status."""
    def run(*args: object) -> Run:
        capsys.readouterr()
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        out, err = capsys.readouterr()
        return Run(code, out, err)
    return run


def run_subprocess(*args: object, cwd: Path | None = None, script: Path | None = None) -> Run:
    """Run ``python -m glossator ARGS…`` (or ``python SCRIPT ARGS…``) in a new process."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    command = [sys.executable, str(script)] if script else [sys.executable, "-m", "glossator"]
    done = subprocess.run([*command, *map(str, args)], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)
    return Run(done.returncode, done.stdout, done.stderr)


Entry = tuple[bytes | None, int, int]


def snapshot(root: Path) -> dict[str, Entry]:
    """Every entry under ``root`` and ``root`` itself (as ``""``): bytes (None for folders),
    inode and mtime in nanoseconds. Empty when ``root`` does not exist."""
    if not root.exists():
        return {}
    info = root.stat()
    found: dict[str, Entry] = {"": (None, info.st_ino, info.st_mtime_ns)}
    for path in sorted(root.rglob("*")):
        info = path.lstat()
        data = path.read_bytes() if path.is_file() else None
        found[path.relative_to(root).as_posix()] = (data, info.st_ino, info.st_mtime_ns)
    return found


def tree_bytes(root: Path) -> dict[str, bytes]:
    """Every file under ``root``: relative POSIX path -> bytes."""
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def as_on_the_command_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """``glossator.aside`` may fork, as in the command line, which runs no other thread.
    This process may run some (the browser tests' server, Playwright's), idle, and forking
    beside them is safe for those children; the guard itself is tested in a new process
    (``test_aside``)."""
    from glossator import aside
    monkeypatch.setattr(aside, "forkable", lambda: True)


def reaped(pid: int) -> bool:
    """Whether the child process ``pid`` is gone and was waited for (no zombie left)."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def require_tool(available: bool, reason: str) -> None:
    """Skip when an external tool is missing; in CI (``CI=true``) fail instead."""
    if available:
        return
    _missing(reason)


def _missing(reason: str) -> NoReturn:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (required in CI)", pytrace=False)
    pytest.skip(reason)
