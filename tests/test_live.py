"""The live preview's quick path (``glossator/live.py``): an edit of one document's text or
notes is published without a full build, and the output is still that of a clean build.

The preview's own ``PreviewBuilds`` is driven directly with the paths a file watcher would
report; after each edit the output is compared byte for byte with a clean build of the same
inputs (the search index aside), and the files rewritten are pinned.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from conftest import snapshot, tree_bytes
from glossator import pages
from glossator.pipeline import BuildOptions
from glossator.preview import PreviewBuilds
from glossator.serve import LiveState, PreviewApp
from test_incremental import clean_build_of, make, replace, without_index


@pytest.fixture
def preview(tmp_path: Path) -> PreviewBuilds:
    site = make(tmp_path / "site")
    builds = PreviewBuilds(site, BuildOptions(jobs=1, search=False))
    assert builds.pages() == []  # the first, full build
    assert builds.live is not None
    return builds


def edit(builds: PreviewBuilds, rel: str, old: str, new: str) -> list[str]:
    """Edit one input and hand its path to the preview, as the watcher would."""
    replace(builds.root / rel, old, new)
    return builds.pages(frozenset({str(builds.root / rel)}))


def changed_files(before: dict, after: dict) -> set[str]:
    return {rel for rel, (data, inode, _) in after.items()
            if data is not None and (rel not in before or before[rel][1] != inode)}


def assert_clean(builds: PreviewBuilds, tmp_path: Path) -> None:
    expected = clean_build_of(builds.root, tmp_path / "clean")
    assert without_index(tree_bytes(builds.output)) == without_index(expected)


def test_a_note_edit_rewrites_its_page_files_and_notes_page_only(preview, tmp_path):
    full = preview.last
    before = snapshot(preview.output)
    assert edit(preview, "annotations/letter-3.yaml", "A note.", "A note, edited.") == []
    assert preview.last is full  # no full build ran
    assert changed_files(before, snapshot(preview.output)) == {
        "letter-3/index.html", "letter-3/annotations.jsonld", "notes/index.html"}
    assert_clean(preview, tmp_path)


def test_an_edit_that_stops_linking_a_term_rewrites_the_glossary_page_too(preview, tmp_path):
    before = snapshot(preview.output)
    assert edit(preview, "sources/letter-3.md", "The harbour of letter 3",
                "The port of letter 3") == []
    assert changed_files(before, snapshot(preview.output)) == {
        "letter-3/index.html", "letter-3/annotations.jsonld", "glossary/index.html"}
    assert_clean(preview, tmp_path)


def test_a_body_edit_is_quick_and_equals_a_clean_build(preview, tmp_path):
    full = preview.last
    assert edit(preview, "sources/letter-4.md", "A last paragraph, number 4.",
                "A last paragraph, number 4, now with a Beacon.") == []
    assert preview.last is full
    assert_clean(preview, tmp_path)


def test_only_the_notes_page_showing_the_document_is_rewritten(tmp_path, monkeypatch):
    monkeypatch.setattr(pages, "NOTES_PER_PAGE_DOCUMENTS", 5)
    builds = PreviewBuilds(make(tmp_path / "site"), BuildOptions(jobs=1, search=False))
    assert builds.pages() == []
    before = snapshot(builds.output)
    assert len([p for p in before if p.startswith("notes/") and p.endswith(".html")]) == 3
    # newest first: letter-11 … letter-7 on page 1, letter-6 … letter-2 on page 2
    assert edit(builds, "annotations/letter-4.yaml", "A note.", "A note, edited.") == []
    assert changed_files(before, snapshot(builds.output)) == {
        "letter-4/index.html", "letter-4/annotations.jsonld", "notes/page/2/index.html"}
    assert_clean(builds, tmp_path)


@pytest.mark.parametrize("rel, old, new", [
    ("sources/letter-5.md", "Letter number 5", "The fifth letter"),  # front matter
    ("annotations/glossary.yaml", "A sheltered stretch", "A safe stretch"),
    ("site_config.yaml", "Port Letters", "Letters from the Port"),
])
def test_other_edits_take_a_full_build(preview, tmp_path, rel, old, new):
    full = preview.last
    assert edit(preview, rel, old, new) == []
    assert preview.last is not full
    assert_clean(preview, tmp_path)


def test_a_new_document_takes_a_full_build(preview, tmp_path):
    full = preview.last
    path = preview.root / "sources/letter-99.md"
    path.write_text((preview.root / "sources/letter-1.md").read_text().replace(
        "Letter number 1", "Letter ninety-nine"), encoding="utf-8")
    assert preview.pages(frozenset({str(path)})) == []
    assert preview.last is not full and (preview.output / "letter-99/index.html").is_file()
    assert_clean(preview, tmp_path)


def test_a_note_losing_all_its_notes_takes_a_full_build(preview, tmp_path):
    full = preview.last
    (preview.root / "annotations/letter-2.yaml").write_text("notes: []\n", encoding="utf-8")
    assert preview.pages(frozenset({str(preview.root / "annotations/letter-2.yaml")})) == []
    assert preview.last is not full
    assert_clean(preview, tmp_path)


def test_editors_own_files_need_no_build(preview):
    live = preview.live
    assert live is not None
    names = ["annotations/.letter-1.yaml.swp", "annotations/letter-1.yaml~", "sources/4913",
             "annotations"]
    assert live.edited_stems(str(preview.root / n) for n in names) == set()
    before = snapshot(preview.output)
    assert preview.pages(frozenset(str(preview.root / n) for n in names)) is None
    assert snapshot(preview.output) == before
    assert live.edited_stems([str(preview.root / "annotations/letter-1.yml")]) is None
    assert live.edited_stems([str(preview.root / "theme/templates/base.html")]) is None


def test_a_theme_edit_is_shown_by_the_next_preview_build(preview, tmp_path):
    """A theme lasts one build (its templates are not checked for changes on each use):
    an edited template must reach the pages through the full build that the edit starts."""
    footer = preview.root / "theme/templates/partials/footer.html"
    footer.parent.mkdir(parents=True)
    footer.write_text("<footer>First footer</footer>\n", encoding="utf-8")
    assert preview.pages(frozenset({str(footer)})) == []
    assert "First footer" in (preview.output / "letter-1/index.html").read_text("utf-8")
    footer.write_text("<footer>Second footer</footer>\n", encoding="utf-8")
    assert preview.pages(frozenset({str(footer)})) == []
    page = (preview.output / "letter-1/index.html").read_text("utf-8")
    assert "Second footer" in page and "First footer" not in page
    assert "Second footer" in (preview.output / "index.html").read_text("utf-8")
    assert_clean(preview, tmp_path)


def test_a_broken_edit_reports_and_publishes_nothing_then_recovers(preview, tmp_path):
    before = snapshot(preview.output)
    problems = edit(preview, "annotations/letter-3.yaml", "was quiet, and the Beacon",
                    "was never written")
    assert problems and problems[0].startswith("annotations/letter-3.yaml:")
    assert "not found" in problems[0]
    assert snapshot(preview.output) == before
    full = preview.last
    # undone: the published files are right already (None: nothing to reload, and the
    # preview's loop clears the overlay)
    assert edit(preview, "annotations/letter-3.yaml", "was never written",
                "was quiet, and the Beacon") is None
    assert preview.last is full  # recovered by the quick path too
    assert_clean(preview, tmp_path)


def test_requests_wait_while_an_edit_is_being_published(preview):
    app = PreviewApp(preview.output, LiveState(), port=8000, lock=preview.lock)
    answered = threading.Event()

    def request() -> None:
        app.respond("GET", "/letter-3/", {"Host": "127.0.0.1:8000"})
        answered.set()
    with preview.lock:  # as LiveSite holds it while it replaces files
        thread = threading.Thread(target=request)
        thread.start()
        assert not answered.wait(timeout=0.2)
    assert answered.wait(timeout=5)
    thread.join()


def test_a_background_index_replaces_the_published_one(preview):
    live = preview.live
    assert live is not None
    old = preview.output / "pagefind" / "old-fragment.pf_fragment"
    old.parent.mkdir(exist_ok=True)
    old.write_bytes(b"stale")
    assert preview.publish_index({"pagefind/pagefind.js": b"// new index\n"}) == []
    assert (preview.output / "pagefind/pagefind.js").read_bytes() == b"// new index\n"
    assert not old.exists()


def test_an_edit_leaving_a_term_unlinked_warns_as_a_full_build_does(tmp_path):
    site = make(tmp_path / "site")
    with open(site / "annotations/glossary.yaml", "a", encoding="utf-8") as glossary:
        glossary.write("  - term: fifth wheel\n    definition: Something superfluous.\n")
    replace(site / "annotations/letter-3.yaml", "A note.", "A note on the fifth wheel.")
    builds = PreviewBuilds(site, BuildOptions(jobs=1, search=False, strict=True))
    assert builds.pages() == []
    before = snapshot(builds.output)
    problems = edit(builds, "annotations/letter-3.yaml", "the fifth wheel", "nothing")
    assert any("glossary entry 'fifth wheel' is linked nowhere" in p for p in problems)
    assert snapshot(builds.output) == before  # --strict: a warning stops the edit


def test_a_failed_write_leaves_the_next_edit_to_a_full_build(preview, tmp_path, monkeypatch):
    from glossator import live

    def disk_full(path, data):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(live, "_replace", disk_full)
    problems = edit(preview, "annotations/letter-3.yaml", "A note.", "A note, edited.")
    assert problems == ["cannot write the output: No space left on device"]
    monkeypatch.undo()
    full = preview.last
    assert edit(preview, "annotations/letter-4.yaml", "A note.", "A note, edited.") == []
    assert preview.last is not full  # the output was in doubt: rebuilt whole
    assert_clean(preview, tmp_path)
