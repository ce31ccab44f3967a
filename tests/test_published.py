"""The published output's check asked in a child process (``glossator.published``): the same
answer as the one asked in this process, used by the command line's rebuilds, and never a
child left behind."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Callable

import pytest

from conftest import Run, reaped
from glossator import aside, published
from glossator.builds import BuildOptions, Inputs
from glossator.cache import CACHE_DIR, CACHE_FILE, BuildCache
from glossator.fingerprints import code_version
from glossator.pipeline import build
from glossator.published import PublishedCheck, output_as_left
from glossator.uptodate import input_files
from test_incremental import make, replace

pytestmark = [pytest.mark.skipif(not hasattr(os, "fork"), reason="no os.fork on this system"),
              pytest.mark.usefixtures("as_on_the_command_line")]

OPTIONS = BuildOptions(search=False, jobs=1)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = make(tmp_path / "site", count=4)
    build(root, OPTIONS)
    return root


def cache_file(site: Path) -> Path:
    return site / CACHE_DIR / CACHE_FILE


def asked_here(site: Path, output: Path) -> bool:
    cache = BuildCache(site, code_version=code_version())
    try:
        return output_as_left(cache, output)
    finally:
        cache.close()


@pytest.mark.parametrize("change", ["none", "page rewritten", "page deleted", "file added",
                                    "empty folder added", "page touched"])
def test_the_childs_answer_is_the_one_asked_here(site: Path, change: str) -> None:
    output = site / "output"
    page = output / "letter-2" / "index.html"
    if change == "page rewritten":  # the same size
        page.write_bytes(page.read_bytes().replace(b"<html", b"<HTML", 1))
    elif change == "page deleted":
        page.unlink()
    elif change == "file added":
        (output / "letter-2" / "extra.txt").write_text("x", encoding="utf-8")
    elif change == "empty folder added":  # no file: the record holds files only
        (output / "empty").mkdir()
    elif change == "page touched":
        os.utime(page, ns=(1, 1))
    check = PublishedCheck.start(cache_file(site), None)  # the folder the last build recorded
    assert check is not None
    expected = change in ("none", "empty folder added")
    assert check.answer(output, code_version()) is expected
    assert check.aside.done and check.aside.pipe == -1
    assert asked_here(site, output) is expected
    assert reaped(check.aside.pid)


def test_an_answer_about_another_folder_or_code_is_not_taken(site: Path) -> None:
    output = site / "output"
    check = PublishedCheck.start(cache_file(site), None)
    assert check is not None
    assert check.answer(site / "public", code_version()) is None
    assert check.answer(output, "another version") is None
    assert check.answer(output, code_version()) is True
    (output / "index.html").unlink()  # after the child's answer: asked here instead
    other = PublishedCheck.start(cache_file(site), site / "public")
    assert other is not None and other.answer(output, code_version()) is None
    cache = BuildCache(site, code_version=code_version())
    assert output_as_left(cache, output, other) is False
    cache.close()


@pytest.mark.parametrize("damage", ["no record", "no cache"])
def test_a_child_that_fails_gives_no_answer(site: Path, damage: str) -> None:
    if damage == "no record":  # the folder is read from this record
        db = sqlite3.connect(cache_file(site))
        with db:
            db.execute("DELETE FROM site WHERE key = 'input_files'")
        db.close()
        path = cache_file(site)
    else:
        path = site / "elsewhere.sqlite"
    check = PublishedCheck.start(path, None)
    assert check is not None
    assert check.answer(site / "output", code_version()) is None
    assert not check.aside.done and check.aside.pipe == -1 and reaped(check.aside.pid)
    assert not path.exists() or damage == "no record"  # (opened read-only: never created)


def test_no_child_where_it_may_not_fork(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """(Beside other threads: ``test_aside``.)"""
    monkeypatch.setattr(aside, "forkable", lambda: False)
    assert PublishedCheck.start(cache_file(site), None) is None


def test_close_stops_the_child_and_reaps_it(site: Path) -> None:
    check = PublishedCheck.start(cache_file(site), None)
    assert check is not None
    check.close()
    assert reaped(check.aside.pid)
    assert check.answer(site / "output", code_version()) is None
    check.close()  # twice: nothing more to do


@pytest.fixture
def walks(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The folders walked in this process to check the published output."""
    walked: list[Path] = []
    original = published.tree_state

    def tree_state(root: Path) -> dict:
        walked.append(Path(root))
        return original(root)

    monkeypatch.setattr(published, "tree_state", tree_state)
    return walked


def test_the_command_line_takes_the_childs_answer(site: Path, walks: list[Path],
                                                  glossator: Callable[..., Run]) -> None:
    result = glossator("build", "--no-search", site)
    assert result.code == 0 and result.out.startswith("nothing changed in ")
    replace(site / "annotations/letter-3.yaml", "A note.", "A note, edited.")
    result = glossator("build", "--no-search", site)
    assert result.code == 0 and "(3 file(s) written, 0 removed)" in result.out, result.out
    assert "A note, edited." in (site / "output/letter-3/index.html").read_text("utf-8")
    assert walks == []  # both asked in a child process


def test_a_hand_edited_output_found_by_the_child_takes_a_full_build(
        site: Path, walks: list[Path], glossator: Callable[..., Run]) -> None:
    page = site / "output/letter-1/index.html"
    page.write_bytes(page.read_bytes().replace(b"Letter number 1", b"Tampered"))
    replace(site / "annotations/letter-3.yaml", "A note.", "A note, edited.")
    result = glossator("build", "--no-search", site)
    assert result.code == 0 and result.out.startswith("built 4 document(s)"), result.out
    assert b"Tampered" not in page.read_bytes()  # which a patch would leave as it is
    assert walks == []


def test_a_full_build_stops_the_check(site: Path) -> None:
    (site / "site_config.yaml").write_text(
        "title: Port Letters, renamed\nbase_url: https://example.org/letters/\n",
        encoding="utf-8")
    check = PublishedCheck.start(cache_file(site), None)
    assert check is not None
    report = build(site, BuildOptions(search=False, jobs=1,
                                      inputs=Inputs(input_files(site), published=check)))
    assert not report.patched and report.result is not None and report.result.swapped
    assert check.aside.pipe == -1 and reaped(check.aside.pid)
