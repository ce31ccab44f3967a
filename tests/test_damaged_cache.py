"""A build cache edited by hand: every record of it, given valid JSON of another shape, is
never trusted and never a crash. The next build, with no edit, a note's edit (a patch
build) or a title's edit (a full build), publishes what a clean build publishes.

(A cache that is not a database at all, or was written by other code, is set aside:
``test_incremental``.)"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Callable

import pytest

from conftest import tree_bytes
from test_incremental import clean_build_of, make, replace, run

EDITS: dict[str, Callable[[Path], None]] = {
    "no edit": lambda site: None,
    "a note": lambda site: replace(site / "annotations/letter-3.yaml", "A note.",
                                   "A note, edited."),
    "a title": lambda site: replace(site / "sources/letter-3.md", "Letter number 3",
                                    "Letter three"),
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
    site = make(tmp_path_factory.mktemp("damaged") / "site")
    run(site, jobs=1)
    return site


@pytest.fixture(scope="module")
def clean(built: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """What a clean build publishes after each edit."""
    trees = {}
    for name, edit in EDITS.items():
        folder = tmp_path_factory.mktemp("clean")
        site = folder / "site"
        shutil.copytree(built, site)
        edit(site)
        trees[name] = clean_build_of(site, folder / "clean")
    return trees


@pytest.mark.parametrize("edit", list(EDITS))
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("table, column, key_column, key", RECORDS,
                         ids=[f"{r[0]}.{r[1]}[{r[3]}]" for r in RECORDS])
def test_a_record_of_another_shape_is_not_trusted(
        table: str, column: str, key_column: str | None, key: str | None, shape: str,
        edit: str, built: Path, clean: dict[str, dict], tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(built, site)
    db = sqlite3.connect(site / ".glossator-cache" / "cache.sqlite")
    with db:
        where = "" if key_column is None else f" WHERE {key_column} = ?"
        changed = db.execute(f"UPDATE {table} SET {column} = ?{where}",
                             (shape,) if key is None else (shape, key)).rowcount
    db.close()
    assert changed >= 1  # the record exists, and is now damaged
    EDITS[edit](site)
    run(site, jobs=1)
    assert tree_bytes(site / "output") == clean[edit]
