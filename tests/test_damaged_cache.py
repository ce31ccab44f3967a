"""A build cache edited by hand: every record of it, given valid JSON of another shape, is
never trusted and never a crash. The next build, with no edit (nothing to do), a note's
edit (a patch build), its title's edit or another document's (full builds, the second
keeping its files), publishes what a clean build publishes. So it does when a document's
record of its files leaves one out.

(A cache that is not a database at all, or was written by other code, is set aside:
``test_incremental``.)"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path
from typing import Callable, Iterator

import pytest

from conftest import tree_bytes
from glossator.cache import CACHE_DIR
from test_incremental import clean_build_of, make, run


def rewrite(path: Path, old: str, new: str) -> None:
    """Edit as editors save: a new file renamed over the old one (the site's other copies,
    which share the old file, keep it)."""
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text.replace(old, new), encoding="utf-8")
    os.replace(temporary, path)


EDITS: dict[str, Callable[[Path], None]] = {
    "no edit": lambda site: None,
    "a note": lambda site: rewrite(site / "annotations/letter-3.yaml", "A note.",
                                   "A note, edited."),
    "a title": lambda site: rewrite(site / "sources/letter-3.md", "Letter number 3",
                                    "Letter three"),
    # a full build that keeps letter-3's files (they stand as they are)
    "another title": lambda site: rewrite(site / "sources/letter-8.md", "Letter number 8",
                                          "Letter eight"),
}
# (table, column, key column, key): one record each; None: every row of the table
RECORDS = [("site", "value", "key", name)
           for name in ("report", "report:changes", "listing", "output", "input_files")] + [
    ("documents", "summary", "stem", "letter-3"), ("documents", "files", "stem", "letter-3"),
    ("citations", "html", None, None), ("inputs", "stat", "path", "annotations/letter-3.yaml"),
    ("pages", "stat", "path", "notes/index.html")]
SHAPES = ["[]", "{}", '"text"', "null"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site, built once, at the path each test then finds it at (the cache records
    the output folder's path)."""
    site = make(tmp_path_factory.mktemp("damaged") / "site")
    run(site, jobs=1)
    return site


@pytest.fixture
def site(built: Path) -> Iterator[Path]:
    """The built site as its last build left it, at the same path, its files the same
    inodes (hard links: the cache trusts a file by its size, mtime and inode), but its
    cache a copy of its own; put back after the test."""
    saved = built.with_name("saved")
    os.rename(built, saved)
    try:
        shutil.copytree(saved, built, copy_function=os.link,
                        ignore=shutil.ignore_patterns(CACHE_DIR))
        shutil.copytree(saved / CACHE_DIR, built / CACHE_DIR)
        yield built
    finally:
        shutil.rmtree(built, ignore_errors=True)
        os.rename(saved, built)


@pytest.fixture(scope="module")
def clean(built: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """What a clean build publishes after each edit."""
    trees = {}
    for name, edit in EDITS.items():
        folder = tmp_path_factory.mktemp("clean")
        copy = folder / "site"
        shutil.copytree(built, copy)
        edit(copy)
        trees[name] = clean_build_of(copy, folder / "clean")
    return trees


def damage(site: Path, table: str, column: str, key_column: str | None, key: str | None,
           value: str) -> None:
    db = sqlite3.connect(site / CACHE_DIR / "cache.sqlite")
    with db:
        where = "" if key_column is None else f" WHERE {key_column} = ?"
        changed = db.execute(f"UPDATE {table} SET {column} = ?{where}",
                             (value,) if key is None else (value, key)).rowcount
    db.close()
    assert changed >= 1  # the record exists, and is now damaged


@pytest.mark.parametrize("edit, patched, swapped", [
    ("no edit", False, False), ("a note", True, True), ("a title", False, True),
    ("another title", False, True)])
def test_undamaged_the_cache_is_trusted(edit: str, patched: bool, swapped: bool,
                                        site: Path, clean: dict[str, dict]) -> None:
    """What the tests below start from: the build has nothing to do, patches, or renders
    only what changed, from the cache."""
    EDITS[edit](site)
    report = run(site, jobs=1)
    assert (report.patched, report.result is not None and report.result.swapped) == (
        patched, swapped)
    assert report.rendered == {"no edit": 0, "a note": 1, "a title": 3, "another title": 3}[edit]
    assert tree_bytes(site / "output") == clean[edit]


@pytest.mark.parametrize("edit", list(EDITS))
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("table, column, key_column, key", RECORDS,
                         ids=[f"{r[0]}.{r[1]}[{r[3]}]" for r in RECORDS])
def test_a_record_of_another_shape_is_not_trusted(
        table: str, column: str, key_column: str | None, key: str | None, shape: str,
        edit: str, site: Path, clean: dict[str, dict]) -> None:
    damage(site, table, column, key_column, key, shape)
    EDITS[edit](site)
    run(site, jobs=1)
    assert tree_bytes(site / "output") == clean[edit]


@pytest.mark.parametrize("edit", list(EDITS))
@pytest.mark.parametrize("left_out", ["letter-3/index.html", "letter-3/citation.ris"])
def test_a_record_of_a_documents_files_without_one_is_not_trusted(
        left_out: str, edit: str, site: Path, clean: dict[str, dict]) -> None:
    """Of the right shape, but not every file the document has: it is rendered again."""
    db = sqlite3.connect(site / CACHE_DIR / "cache.sqlite")
    files = json.loads(db.execute("SELECT files FROM documents WHERE stem = 'letter-3'")
                       .fetchone()[0])
    db.close()
    del files[left_out]
    damage(site, "documents", "files", "stem", "letter-3", json.dumps(files))
    EDITS[edit](site)
    run(site, jobs=1)
    assert tree_bytes(site / "output") == clean[edit]
