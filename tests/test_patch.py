"""Patch builds (``glossator/patch.py``): a few documents' text or notes edited, the output
patched in place, and still byte for byte the output of a clean build.

Each test edits the dozen-letter site of ``test_incremental``, rebuilds it with its cache,
and compares the output with a clean build of the same inputs in another folder. Other tests
pin what a patch rewrites, the edits it leaves to the full build, and that a failure while
patching, or a crash, leaves the published output as it was.
"""

from __future__ import annotations

import copy
import errno
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import snapshot, tree_bytes
from glossator import cache, pages, patch, workers, writer
from glossator.cache import CACHE_DIR, CACHE_FILE
from glossator.citations import DEFAULT_STYLES
from glossator.fingerprints import code_version
from glossator.pipeline import BuildReport
from test_incremental import DOCS, add_footer, clean_build_of, make, notes, replace, run, source


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = make(tmp_path / "site")
    assert not run(root).patched  # the first build is a full one
    return root


def assert_clean(site: Path, tmp_path: Path) -> None:
    assert tree_bytes(site / "output") == clean_build_of(site, tmp_path / "clean")


def rewritten(before: dict, site: Path) -> set[str]:
    """The output files that are new, or another inode than ``before``'s."""
    after = snapshot(site / "output")
    return {rel for rel, (data, inode, _) in after.items()
            if data is not None and (rel not in before or before[rel][1] != inode)}


def files(site: Path) -> dict:
    """The output's files as :func:`snapshot` records them (bytes, inode, mtime); folders
    aside, whose mtime a patch changes when it writes and deletes beside their files."""
    return {rel: entry for rel, entry in snapshot(site / "output").items()
            if entry[0] is not None}


def asides(site: Path) -> list[str]:
    """What a patch leaves beside the files it replaces, if anything."""
    return [p.name for p in (site / "output").rglob("*")
            if p.name.startswith((writer.NEW_PREFIX, writer.OLD_PREFIX))]


def test_a_note_edit_patches_the_page_its_files_and_its_notes_page(site, tmp_path):
    before = snapshot(site / "output")
    replace(site / "annotations/letter-3.yaml", "A note.", "A note, edited.")
    report = run(site)
    assert report.patched and report.rendered == 1 and report.documents == DOCS
    assert report.result is not None and report.result.changed == [
        "letter-3/annotations.jsonld", "letter-3/index.html", "notes/index.html"]
    assert rewritten(before, site) == set(report.result.changed)
    assert_clean(site, tmp_path)
    assert not asides(site) and not (site / writer.PATCH_NAME).exists()


def test_a_note_edit_parses_no_citation_style_nor_imports_pygments(site, monkeypatch):
    """The document's citations come from the cache (its CSL item did not change), and it
    has no code: neither is needed. Not in the cache, the styles are parsed, once."""
    made: list[list[str]] = []
    original = workers.CitationRenderer

    def counted(styles):
        made.append(list(styles))
        return original(styles)

    monkeypatch.setattr(workers, "CitationRenderer", counted)
    replace(site / "annotations/letter-3.yaml", "A note.", "A note, edited.")
    assert run(site).patched and made == []
    db = sqlite3.connect(site / CACHE_DIR / CACHE_FILE)
    with db:
        db.execute("DELETE FROM citations")
    db.close()
    replace(site / "annotations/letter-3.yaml", "A note, edited.", "A note, edited again.")
    assert run(site).patched and made == [DEFAULT_STYLES]
    code = ("import sys, glossator.pipeline, glossator.patch; "
            "print(sorted(m for m in sys.modules if m.startswith(('pygments', 'citeproc.'))))")
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True)
    assert "pygments" not in found.stdout, found.stdout


def test_the_cache_is_read_in_a_folder_named_with_uri_characters(tmp_path, monkeypatch):
    """The cache opened read-only as a file URI (``cache.read_only``): a folder named with
    ``?``, ``#`` or ``%`` is the one opened, and the citations come from it."""
    site = make(tmp_path / "a?b#c%20d" / "site")
    run(site, jobs=1)
    made: list[list[str]] = []
    monkeypatch.setattr(workers, "CitationRenderer", lambda styles: made.append(styles))
    replace(site / "annotations/letter-3.yaml", "A note.", "A note, edited.")
    assert run(site).patched and made == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a?b#c%20d"]  # nothing beside


def test_the_cache_a_patch_leaves_is_as_good_as_a_full_builds(site, tmp_path):
    replace(site / "annotations/letter-3.yaml", "A note.", "A note, edited.")
    assert run(site).patched
    before = snapshot(site / "output")
    report = run(site)  # nothing changed since: nothing to do at all
    assert report.rendered == 0 and not report.result.swapped
    assert snapshot(site / "output") == before
    replace(site / "annotations/letter-3.yaml", "A note, edited.", "A note, edited twice.")
    assert run(site).patched  # the patched document patched again
    assert_clean(site, tmp_path)
    add_footer(site)  # a full build trusts what the patches recorded
    report = run(site)
    assert not report.patched
    assert_clean(site, tmp_path)


def test_a_patch_records_only_the_stats_it_changed(site):
    """Over the last full build's records of the input and output files (35,000 files at
    N = 5,000), not the whole records again; a full build writes them whole."""
    def raw(key: str):
        db = sqlite3.connect(site / CACHE_DIR / CACHE_FILE)
        try:
            row = db.execute("SELECT value FROM site WHERE key = ?", (key,)).fetchone()
        finally:
            db.close()
        return None if row is None else json.loads(row[0])
    full = {key: raw(key) for key in ("input_files", "output")}
    patched = []
    for rel, old, new in (("annotations/letter-3.yaml", "A note.", "A note, edited."),
                          ("sources/letter-5.md", "number 5.", "number 5, edited.")):
        replace(site / rel, old, new)
        report = run(site)
        assert report.patched and report.result is not None
        patched += report.result.changed
    assert {key: raw(key) for key in full} == full  # as the full build left them
    assert "letter-5/index.html" in patched and "letter-3/index.html" in patched
    assert set(raw("output:changes")) == set(patched)
    assert raw("input_files:changes") == {
        "annotations": {"letter-3.yaml": list(cache.file_stat(site / "annotations/letter-3.yaml"))},
        "sources": {"letter-5.md": list(cache.file_stat(site / "sources/letter-5.md"))}}
    reader = cache.BuildCache(site, code_version=code_version())
    try:
        assert reader.site("output") == cache.tree_state(site / "output")
    finally:
        reader.close()
    add_footer(site)
    assert not run(site).patched
    assert raw("output:changes") is None and raw("input_files:changes") is None


STATS = st.lists(st.integers(0, 2**40), min_size=3, max_size=3)
TREES = st.recursive(st.dictionaries(st.text(max_size=3), STATS, max_size=4),
                     lambda inner: st.dictionaries(st.text(max_size=3), inner, max_size=3),
                     max_leaves=12)


@settings(max_examples=300, deadline=None)
@given(old=TREES, new=TREES)
def test_the_changes_between_two_records_make_one_the_other(old, new):
    changes = cache.changes_between(old, new)
    assert cache._changed(copy.deepcopy(old), changes) == new
    assert (changes == {}) == (old == new)


def test_a_body_edit_is_patched(site, tmp_path):
    replace(site / "sources/letter-4.md", "A last paragraph, number 4.",
            "A last paragraph, number 4, a little longer.")
    report = run(site)
    assert report.patched and report.result.changed == ["letter-4/index.html"]
    assert_clean(site, tmp_path)


def test_several_documents_are_patched_together(site, tmp_path):
    for i in (2, 5, 9):
        replace(site / f"annotations/letter-{i}.yaml", "A note.", f"A note on letter {i}.")
    report = run(site)
    assert report.patched and report.rendered == 3
    assert_clean(site, tmp_path)


def test_more_documents_than_a_patch_takes_are_a_full_build(site, tmp_path, monkeypatch):
    monkeypatch.setattr(patch, "MAX_EDITED", 2)
    for i in (2, 5, 9):
        replace(site / f"annotations/letter-{i}.yaml", "A note.", f"A note on letter {i}.")
    assert not run(site).patched
    assert_clean(site, tmp_path)


def test_only_the_notes_page_showing_the_document_is_patched(tmp_path, monkeypatch):
    monkeypatch.setattr(pages, "NOTES_PER_PAGE_DOCUMENTS", 5)
    site = make(tmp_path / "site")
    run(site)
    # newest first: letter-11 … letter-7 on page 1, letter-6 … letter-2 on page 2
    replace(site / "annotations/letter-4.yaml", "A note.", "A note, edited.")
    report = run(site)
    assert report.patched and report.result.changed == [
        "letter-4/annotations.jsonld", "letter-4/index.html", "notes/page/2/index.html"]
    assert tree_bytes(site / "output") == clean_build_of(site, tmp_path / "clean")


def test_an_edit_that_changes_no_file_writes_nothing(site):
    before = snapshot(site / "output")
    replace(site / "annotations/letter-3.yaml", "note: A note.", "note: 'A note.'")
    report = run(site)
    assert report.patched and not report.result.swapped and report.result.changed == []
    assert snapshot(site / "output") == before


def test_a_draft_is_patched_with_nothing_published(tmp_path):
    site = make(tmp_path / "site")
    replace(site / "sources/letter-9.md", "publisher:", "draft: true\npublisher:")
    run(site)
    before = snapshot(site / "output")
    replace(site / "annotations/letter-9.yaml", "A note.", "A note, edited.")
    report = run(site)
    assert report.patched and report.result.changed == []
    assert snapshot(site / "output") == before


GIVE_UP = [
    ("front matter", lambda s: replace(s / "sources/letter-5.md", "Letter number 5",
                                       "The fifth letter")),
    ("a term linked no more", lambda s: replace(s / "sources/letter-3.md",
                                                "The harbour of letter 3", "The port of 3")),
    ("all notes gone", lambda s: (s / "annotations/letter-2.yaml").write_text("notes: []\n")),
    ("the glossary", lambda s: replace(s / "annotations/glossary.yaml", "A sheltered stretch",
                                       "A safe stretch")),
    ("the config", lambda s: replace(s / "site_config.yaml", "Port Letters", "Letters")),
    ("a template", add_footer),
    ("a new document", lambda s: ((s / "sources/letter-40.md").write_text(source(40)),
                                  (s / "annotations/letter-40.yaml").write_text(notes(40)))),
    ("a deleted document", lambda s: ((s / "sources/letter-7.md").unlink(),
                                      (s / "annotations/letter-7.yaml").unlink())),
    ("new notes file", lambda s: ((s / "annotations/letter-1.yaml").unlink(), run(s),
                                  (s / "annotations/letter-1.yaml").write_text(notes(1)))),
    ("a new warning", lambda s: replace(s / "annotations/letter-3.yaml", "A note.",
                                        "A note <b>bold</b>.")),
]


@pytest.mark.parametrize("name, edit", GIVE_UP, ids=[name for name, _ in GIVE_UP])
def test_edits_reaching_further_take_a_full_build(site, tmp_path, name, edit):
    edit(site)
    report = run(site)
    assert not report.patched, name
    assert_clean(site, tmp_path)


def test_a_patch_given_up_half_way_leaves_nothing_to_the_full_build(site, tmp_path):
    # letter-0's note can be patched; letter-1, next in line, gains a tag, which shows on
    # other pages (and makes a new tag page): only a full build can do that
    replace(site / "annotations/letter-0.yaml", "A note.", "A note, edited.")
    replace(site / "sources/letter-1.md", "tags: [Harbours]", "tags: [Harbours, Lights]")
    assert not run(site).patched
    assert_clean(site, tmp_path)
    assert run(site).rendered == 0  # and what the full build cached stands
    add_footer(site)
    run(site)
    assert_clean(site, tmp_path)


def test_a_hand_edited_output_takes_a_full_build(site, tmp_path):
    page = site / "output/letter-8/index.html"
    page.write_bytes(page.read_bytes().replace(b"Letter number 8", b"Tampered"))
    replace(site / "annotations/letter-3.yaml", "A note.", "A note, edited.")
    report = run(site)
    assert not report.patched and b"Tampered" not in page.read_bytes()
    assert_clean(site, tmp_path)


def test_a_search_index_takes_a_full_build(site):
    replace(site / "annotations/letter-3.yaml", "A note.", "A note, edited.")
    assert not run(site, search=True).patched


def test_an_error_is_reported_by_the_full_build_and_publishes_nothing(site):
    from glossator.errors import BuildFailed
    before = snapshot(site / "output")
    replace(site / "annotations/letter-3.yaml", "was quiet, and the Beacon", "was never here")
    with pytest.raises(BuildFailed) as failed:
        run(site)
    assert "annotations/letter-3.yaml:3:" in failed.value.diagnostics.format()
    assert snapshot(site / "output") == before


def test_strict_with_warnings_is_left_to_the_full_build(tmp_path):
    site = make(tmp_path / "site")
    replace(site / "annotations/letter-1.yaml", "A note.", "A note <b>bold</b>.")
    report = run(site)
    assert report.diagnostics.items  # the warning
    replace(site / "annotations/letter-3.yaml", "A note.", "A note, edited.")
    from glossator.errors import BuildFailed
    with pytest.raises(BuildFailed):
        run(site, strict=True)
    assert run(site).patched  # without --strict the same edit is patched, warning shown
    assert [d.message for d in run(site).diagnostics.items] == [
        d.message for d in report.diagnostics.items]


# Failures while patching: the published output as it was, then the next build works ---------

def _fail_nth(monkeypatch, name: str, n: int, code: int) -> None:
    """The writer's ``name`` (``_write_file``, ``_link``, ``_rename``) fails at its n-th
    call from now."""
    real = getattr(writer, name)
    calls = []

    def fake(*args):
        calls.append(args)
        if len(calls) == n:
            raise OSError(code, os.strerror(code), str(args[-1]))
        return real(*args)
    monkeypatch.setattr(writer, name, fake)


@pytest.mark.parametrize("name, n", [("_write_file", 2), ("_link", 1), ("_rename", 3)],
                         ids=["writing the new version", "linking the old one aside",
                              "renaming the second file"])
def test_a_failure_while_patching_leaves_the_output_as_it_was(site, tmp_path, monkeypatch,
                                                              name, n):
    before = files(site)
    replace(site / "annotations/letter-3.yaml", "A note.", "A note, edited.")
    _fail_nth(monkeypatch, name, n, errno.ENOSPC)
    with pytest.raises(OSError, match="No space left"):
        run(site)
    monkeypatch.undo()
    assert files(site) == before
    assert not asides(site) and not (site / writer.PATCH_NAME).exists()
    assert run(site).patched  # the next build does it
    assert_clean(site, tmp_path)


def test_a_patch_cut_short_by_a_crash_is_undone_by_the_next_build(site, tmp_path,
                                                                   monkeypatch):
    before = files(site)
    replace(site / "annotations/letter-3.yaml", "A note.", "A note, edited.")
    monkeypatch.setattr(writer, "_undo_patch", lambda journal: None)  # the process dies…
    _fail_nth(monkeypatch, "_rename", 3, errno.EIO)  # … after one file was replaced
    with pytest.raises(OSError):
        run(site)
    monkeypatch.undo()
    assert (site / writer.PATCH_NAME).exists() and asides(site)
    assert files(site) != before  # half patched
    writer._undo_patch(site / writer.PATCH_NAME)  # what the next build does first
    assert files(site) == before
    assert not asides(site) and not (site / writer.PATCH_NAME).exists()
    report: BuildReport = run(site)
    assert report.patched
    assert_clean(site, tmp_path)


def test_the_next_build_undoes_a_patch_left_half_done(site, tmp_path, monkeypatch):
    replace(site / "annotations/letter-3.yaml", "A note.", "A note, edited.")
    monkeypatch.setattr(writer, "_undo_patch", lambda journal: None)
    _fail_nth(monkeypatch, "_rename", 3, errno.EIO)
    with pytest.raises(OSError):
        run(site)
    monkeypatch.undo()
    run(site)  # undoes the half patch, then builds
    assert not asides(site) and not (site / writer.PATCH_NAME).exists()
    assert_clean(site, tmp_path)
