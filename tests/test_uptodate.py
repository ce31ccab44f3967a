"""A rebuild with nothing to do, answered by the command line before it imports the build
(``glossator.uptodate``): the same answer as the build's, for less."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Callable

import pytest

from conftest import REPO, Run
from glossator.builds import BuildOptions, Inputs
from glossator.pipeline import build
from glossator.uptodate import input_files, nothing_to_do
from glossator.writer import WriteResult

RENDERING = ("markdown_it", "citeproc", "jinja2", "lxml", "yaml", "glossator.pipeline")
OPTIONS = BuildOptions(search=False, jobs=1)
WARNED = "sources/ode-to-the-beacon.md"  # the basic site's source given an HTML-looking title


def quick(site: Path, options: BuildOptions = OPTIONS):
    report, taken = nothing_to_do(site, options)
    if taken is not None:
        taken.close()  # the published output's check, if not answered
    return report


@pytest.fixture
def built(make_site: Callable[..., Path]) -> Path:
    """The basic site, built, with one warning (HTML-looking text in a title)."""
    site = make_site("basic")
    path = site / WARNED
    path.write_text(path.read_text(encoding="utf-8").replace("title: ", "title: <b> ", 1),
                    encoding="utf-8")
    report = build(site, OPTIONS)
    assert [d.location.path for d in report.diagnostics.items] == [WARNED]
    return site


def test_the_command_line_answers_without_importing_the_build(built: Path) -> None:
    code = ("import sys; from glossator.cli import main; status = main(['build', '--no-search', "
            f"{str(built)!r}]); print(status, sorted(m for m in sys.modules "
            f"if m.startswith({RENDERING!r})))")
    env = dict(os.environ, PYTHONPATH=str(REPO))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, timeout=120, check=True)
    assert done.stdout.splitlines() == [
        f"nothing changed in {built / 'output'}; open {built / 'output' / 'index.html'}",
        "0 []"]
    assert f"{WARNED}:2:8: warning: title: HTML shown as text: <b>" in done.stderr


def test_the_answer_is_the_builds(built: Path) -> None:
    answer = quick(built)
    assert answer is not None
    again = build(built, OPTIONS)  # the build asks the same question itself
    for report in (answer, again):
        assert report.result is not None and not report.result.swapped
    assert answer.diagnostics.items == again.diagnostics.items
    assert [d.location.path for d in answer.diagnostics.items] == [WARNED]
    assert (answer.output_dir, answer.pages, answer.documents) == (
        again.output_dir, again.pages, again.documents)
    assert answer.documents == 3 and answer.pages > answer.documents


def test_strict_fails_on_the_last_builds_warnings(built: Path,
                                                  glossator: Callable[..., Run]) -> None:
    result = glossator("build", "--no-search", "--strict", built)
    assert result.code == 1
    assert result.err.splitlines()[-1] == (
        "glossator: build failed with 0 error(s) and 1 warning(s) (--strict: warnings count as "
        "errors); the published output was not changed")


@pytest.mark.parametrize("record", ["not JSON", '"a string"', "[]", '{"options": []}',
                                    '{"options": 3}', "sources: 3"])
def test_a_damaged_record_is_left_to_the_build(record: str, built: Path) -> None:
    """The record of the input files, damaged: never trusted, by the command line's answer
    or by the build's (which tries a patch build first)."""
    db = sqlite3.connect(built / ".glossator-cache" / "cache.sqlite")
    with db:
        if record == "sources: 3":  # the record's keys, one of them not a folder's stats
            value = json.loads(db.execute("SELECT value FROM site WHERE key = 'input_files'")
                               .fetchone()[0])
            record = json.dumps({**value, "sources": 3})
        db.execute("UPDATE site SET value = ? WHERE key = 'input_files'", (record,))
    db.close()
    source = built / WARNED  # an edit a patch build would publish
    source.write_text(source.read_text(encoding="utf-8") + "\nA new line.\n", encoding="utf-8")
    assert quick(built) is None
    report = build(built, OPTIONS)  # a full build, which records it again
    assert not report.patched
    assert "A new line." in (built / "output" / "ode-to-the-beacon" / "index.html").read_text()
    assert quick(built) is not None


@pytest.mark.parametrize("change", ["page deleted", "page edited", "source touched",
                                    "config edited", "other output folder", "drafts",
                                    "check", "no cache"])
def test_anything_changed_is_left_to_the_build(change: str, built: Path) -> None:
    options = OPTIONS
    page = built / "output" / "index.html"
    if change == "page deleted":
        page.unlink()
    elif change == "page edited":  # the same size, written again
        page.write_bytes(page.read_bytes().replace(b"<html", b"<HTML", 1))
    elif change == "source touched":
        os.utime(built / WARNED, ns=(1, 1))
    elif change == "config edited":
        config = built / "site_config.yaml"
        config.write_text(config.read_text() + "output_dir: public\n", encoding="utf-8")
    elif change == "other output folder":
        options = replace(OPTIONS, output=built / "public")
    elif change == "drafts":
        options = replace(OPTIONS, drafts=True)
    elif change == "check":
        options = replace(OPTIONS, check_only=True)
    else:
        (built / ".glossator-cache" / "cache.sqlite").unlink()
    assert quick(built, options) is None
    assert not (built / "public").exists()


def test_a_changed_config_builds_into_its_new_folder(built: Path,
                                                     glossator: Callable[..., Run]) -> None:
    config = built / "site_config.yaml"
    config.write_text(config.read_text() + "output_dir: public\n", encoding="utf-8")
    result = glossator("build", "--no-search", built)
    assert result.code == 0
    assert result.out.startswith("built 3 document(s), ") and f"into {built / 'public'} (" \
        in result.out
    assert quick(built) is not None  # and then nothing is left to do there


def test_the_build_takes_the_input_stats_it_is_given(built: Path) -> None:
    """Taken by the command line just before the build, they are not taken again: an edit
    made after them is seen by the next build, as one made during the build is."""
    taken = nothing_to_do(built, OPTIONS)[1]
    assert taken is not None and taken.files == input_files(built)
    source = built / WARNED
    source.write_text(source.read_text(encoding="utf-8") + "\nA new line.\n", encoding="utf-8")
    page = built / "output" / "ode-to-the-beacon" / "index.html"

    report = build(built, replace(OPTIONS, inputs=taken))  # as if edited during the build
    assert report.result is not None and not report.result.swapped
    assert "A new line." not in page.read_text(encoding="utf-8")
    assert quick(built) is None  # the next build sees the edit
    build(built, OPTIONS)
    assert "A new line." in page.read_text(encoding="utf-8")
    assert quick(built) is not None


def test_the_build_takes_the_record_the_command_line_read(built: Path) -> None:
    """Read once: the build compares the inputs with the record handed to it, not with the
    cache's record read again (here damaged after it was handed over)."""
    taken = nothing_to_do(built, OPTIONS)[1]
    assert taken is not None and isinstance(taken.recorded, dict)
    db = sqlite3.connect(built / ".glossator-cache" / "cache.sqlite")
    with db:
        db.execute("UPDATE site SET value = '[]' WHERE key = 'input_files'")
    db.close()
    report = build(built, replace(OPTIONS, inputs=taken))  # nothing to do: no file looked at
    assert report.result == WriteResult(swapped=False)
    again = build(built, replace(OPTIONS, inputs=Inputs(taken.files)))  # the record read now
    assert again.result is not None and "index.html" in again.result.unchanged  # a build


def test_check_takes_nothing(built: Path) -> None:
    assert nothing_to_do(built, replace(OPTIONS, check_only=True)) == (None, None)
