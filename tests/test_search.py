"""The search index: what Pagefind indexes, when it is rebuilt, and what happens without it.

Searching itself (a word of the text finds the document, a word only in a note finds the
note) is checked in a real browser in ``tests/browser/``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Callable

import pytest

from conftest import Run, snapshot
from glossator import search
from glossator.pipeline import BuildOptions, build


def test_a_build_publishes_a_pagefind_index_and_a_search_page(
        example_site: Path, glossator: Callable[..., Run]) -> None:
    assert glossator("build", example_site).code == 0
    output = example_site / "output"
    assert (output / "pagefind" / "pagefind.js").is_file()
    entry = (output / "pagefind" / "pagefind-entry.json").read_text()
    # 3 documents + 20 notes + 11 glossary entries, each its own result
    assert re.search(r'"page_count":34\b', entry), entry
    page = (output / "search" / "index.html").read_text(encoding="utf-8")
    assert '<script type="module" src="../assets/search.js"></script>' in page
    assert '<option value="Collective defence">Collective defence</option>' in page


def test_notes_and_glossary_entries_are_records_that_open_their_place(
        example_site: Path) -> None:
    report = build(example_site, BuildOptions(search=False))
    assert report.search_records is not None
    records = report.search_records()
    notes = [r for r in records if r.startswith("notes/joint-statement-syria-2017-11-11/")]
    assert len(notes) == 13
    raqqa = records["notes/joint-statement-syria-2017-11-11/raqqa.html"]
    assert ('<span data-pagefind-meta="target">joint-statement-syria-2017-11-11/index.html'
            '#note-raqqa</span>') in raqqa
    assert '<span data-pagefind-filter="type">note</span>' in raqqa
    assert '<span data-pagefind-filter="tag">Syria</span>' in raqqa
    assert "Raqqa" in raqqa
    kremlin = records["glossary/kremlin.html"]
    assert '<span data-pagefind-meta="target">glossary/index.html#kremlin</span>' in kremlin
    assert len(records) == 20 + 11  # every note and every glossary entry
    # the records are never published
    assert not list((example_site / "output").rglob("raqqa.html"))


def test_an_unchanged_site_keeps_its_index_and_a_changed_note_rebuilds_it(
        example_site: Path, glossator: Callable[..., Run]) -> None:
    assert glossator("build", example_site).code == 0
    index = example_site / "output" / "pagefind"
    before = snapshot(index)
    assert glossator("build", example_site).code == 0
    assert snapshot(index) == before  # same files, inodes and mtimes: Pagefind did not run
    notes = example_site / "annotations" / "charter-of-the-united-nations-article-51.yaml"
    notes.write_text(notes.read_text(encoding="utf-8").replace(
        "a right that the Charter", "a right that the Charter of 1945"), encoding="utf-8")
    assert glossator("build", example_site).code == 0
    assert snapshot(index) != before


def test_no_search_publishes_no_index(example_site: Path, glossator: Callable[..., Run]) -> None:
    assert glossator("build", "--no-search", example_site).code == 0
    assert not (example_site / "output" / "pagefind").exists()
    assert (example_site / "output" / "search" / "index.html").is_file()  # it says why


def test_a_failing_indexer_fails_the_build_and_keeps_the_output(
        example_site: Path, glossator: Callable[..., Run],
        monkeypatch: pytest.MonkeyPatch) -> None:
    assert glossator("build", "--no-search", example_site).code == 0
    before = snapshot(example_site / "output")

    def broken(tree: Path, out: Path, **kwargs: object) -> None:
        raise search.SearchFailed("Pagefind failed: out of memory")
    monkeypatch.setattr(search, "_run_pagefind", broken)
    result = glossator("build", example_site)
    assert result.code == 1
    assert result.err.splitlines()[:2] == [
        "site_config.yaml:1:1: error: the search index could not be built: Pagefind failed: "
        "out of memory",
        "    hint: build with --no-search to publish without search"]
    assert snapshot(example_site / "output") == before


def test_shortened_titles_end_at_a_word():
    shortened = search._shortened("meeting on the margins of the APEC conference in Da Nang, "
                                  "Vietnam")
    assert shortened == "meeting on the margins of the APEC conference in Da Nang…"
    assert search._shortened("short") == "short"


def test_the_preview_indexes_at_the_lowest_priority_and_a_build_does_not(
        example_site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = build(example_site, BuildOptions(search=False))
    calls: list[bool] = []

    def fake(tree: Path, out: Path, *, background: bool = False) -> None:
        calls.append(background)
        (out / "pagefind.js").parent.mkdir(parents=True)
        (out / "pagefind.js").write_text("// index")
    monkeypatch.setattr(search, "_run_pagefind", fake)
    files = search.index_output(example_site / "output", report.search_records(),
                                example_site / ".glossator-cache")
    assert calls == [True] and files == {"pagefind/pagefind.js": b"// index"}

    quick = search.pagefind_command(Path("site"), Path("out"))
    assert quick[:3] == [sys.executable, "-m", "pagefind"]
    monkeypatch.setattr(search.shutil, "which", lambda name: f"/usr/bin/{name}")
    assert search.pagefind_command(Path("site"), Path("out"), background=True) == [
        "/usr/bin/nice", "-n", "19", *quick]
    monkeypatch.setattr(search.shutil, "which", lambda name: None)  # no `nice`: run as is
    assert search.pagefind_command(Path("site"), Path("out"), background=True) == quick
