"""Incremental and parallel builds: the result is always that of a clean, single-process build.

A site of a dozen documents is built, edited in one way after another, and rebuilt with its
cache; after each edit the output is compared byte for byte with a clean build of the same
inputs in another folder (the search index aside: Pagefind writes its files in no fixed
order). Other tests pin what a rebuild may touch, and that the cache is never trusted blindly.
"""

from __future__ import annotations

import pickle
import shutil
import sqlite3
from pathlib import Path
from typing import Callable

import pytest

from conftest import run_subprocess, snapshot, tree_bytes
from glossator.pipeline import BuildOptions, BuildReport, build

DOCS = 12
GLOSSARY = """\
terms:
  - term: harbour
    definition: A sheltered stretch of water.
    case_sensitive: false
  - term: Beacon
    definition: A fire or light set up as a signal.
"""


def source(i: int, *, title: str | None = None, date: str | None = None) -> str:
    return (f"---\ntitle: {title or f'Letter number {i}'}\n"
            f"date: {date or f'18{10 + i}-0{1 + i % 9}'}"
            f"\nadded: 2026-01-{1 + i % 28:02d}\npublisher: Port Gazette\nauthors: [Ann Lee]\n"
            f"tags: [{'Harbours' if i % 2 else 'Verse'}]\n---\n\n"
            f"The harbour of letter {i} was quiet, and the *Beacon* burned late.\n\n"
            f"- a list item for {i}\n- another item\n\nA last paragraph, number {i}.\n")


def notes(i: int, text: str = "A note.") -> str:
    return (f"introduction: Letter {i} of a series.\nnotes:\n"
            f"  - quote: was quiet, and the Beacon\n    note: {text}\n"
            f"  - quote: a list item for {i}\n    note: Another note on {i}.\n")


def make(root: Path, count: int = DOCS) -> Path:
    (root / "sources").mkdir(parents=True)
    (root / "annotations").mkdir()
    (root / "site_config.yaml").write_text(
        "title: Port Letters\nbase_url: https://example.org/letters/\n", encoding="utf-8")
    (root / "annotations" / "glossary.yaml").write_text(GLOSSARY, encoding="utf-8")
    for i in range(count):
        (root / "sources" / f"letter-{i}.md").write_text(source(i), encoding="utf-8")
        (root / "annotations" / f"letter-{i}.yaml").write_text(notes(i), encoding="utf-8")
    return root


def run(root: Path, **options) -> BuildReport:
    options.setdefault("search", False)
    return build(root, BuildOptions(**options))


def without_index(tree: dict[str, bytes]) -> dict[str, bytes]:
    return {rel: data for rel, data in tree.items() if not rel.startswith("pagefind/")}


def clean_build_of(site: Path, tmp: Path) -> dict[str, bytes]:
    """Build a copy of ``site``'s inputs from scratch (no cache, no output), in one process."""
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir()
    for name in ("site_config.yaml", "sources", "annotations", "theme"):
        path = site / name
        if path.is_dir():
            shutil.copytree(path, tmp / name)
        elif path.exists():
            shutil.copy2(path, tmp / name)
    run(tmp, jobs=1)
    return tree_bytes(tmp / "output")


def add_footer(site: Path) -> None:
    """A template edit: the site's own footer partial, over the built-in one."""
    (site / "theme/templates/partials").mkdir(parents=True, exist_ok=True)
    (site / "theme/templates/partials/footer.html").write_text("<footer>Ours</footer>\n")


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


EDITS: list[tuple[str, Callable[[Path], None]]] = [
    ("a note's text", lambda s: replace(s / "annotations/letter-3.yaml", "A note.",
                                        "A longer note.")),
    ("a title", lambda s: replace(s / "sources/letter-5.md", "Letter number 5",
                                  "The fifth letter")),
    ("a date (reorders neighbours)", lambda s: replace(s / "sources/letter-0.md",
                                                       "date: 1810-01", "date: 1899")),
    ("a definition", lambda s: replace(s / "annotations/glossary.yaml",
                                       "A sheltered stretch", "A safe stretch")),
    ("a new glossary alias", lambda s: replace(s / "annotations/glossary.yaml",
                                               "    case_sensitive: false",
                                               "    aliases: [quiet]\n    case_sensitive: false")),
    ("a template", add_footer),
    ("a tag", lambda s: replace(s / "sources/letter-2.md", "tags: [Verse]",
                                "tags: [Verse, Letters]")),
    ("a deleted source", lambda s: ((s / "sources/letter-7.md").unlink(),
                                    (s / "annotations/letter-7.yaml").unlink())),
    ("a new source", lambda s: ((s / "sources/letter-40.md").write_text(source(40)),
                                (s / "annotations/letter-40.yaml").write_text(notes(40)))),
    ("a draft", lambda s: replace(s / "sources/letter-9.md", "publisher:",
                                  "draft: true\npublisher:")),
    ("the site config", lambda s: replace(s / "site_config.yaml", "Port Letters",
                                          "Letters from the Port")),
]


def test_every_incremental_build_equals_a_clean_build(tmp_path: Path) -> None:
    site = make(tmp_path / "site")
    run(site)
    for name, edit in EDITS:
        edit(site)
        run(site)
        expected = clean_build_of(site, tmp_path / "clean")
        assert without_index(tree_bytes(site / "output")) == without_index(expected), name


@pytest.mark.parametrize("count", [DOCS, 40])  # 40: loads and renders go in batches of 5, 4
def test_a_parallel_build_equals_a_single_process_build(tmp_path: Path, count: int) -> None:
    one = make(tmp_path / "one", count)
    two = make(tmp_path / "two", count)
    assert run(one, jobs=1).rendered == count
    assert run(two, jobs=2).rendered == count  # enough documents for a pool of 2
    assert tree_bytes(one / "output") == tree_bytes(two / "output")


def test_a_listing_template_error_is_reported_as_by_one_process(tmp_path: Path) -> None:
    """Two broken listing templates: a parallel build stops at the first page in the
    listings' order, as one process does, with the same message; nothing is published."""
    from glossator.errors import BuildFailed
    reported = []
    for jobs in (1, 2):
        site = make(tmp_path / f"site-{jobs}", 40)
        templates = site / "theme" / "templates"
        templates.mkdir(parents=True)
        for name in ("tag.html", "search.html"):
            (templates / name).write_text('{% extends "base.html" %}{% block main %}'
                                          "{{ no_such_variable }}{% endblock %}\n")
        with pytest.raises(BuildFailed) as failed:
            run(site, jobs=jobs)
        reported.append([d.format() for d in failed.value.diagnostics.sorted()])
        assert not (site / "output").exists()
    assert reported[0] == reported[1]
    assert len(reported[0]) == 1 and "theme/templates/tag.html" in reported[0][0], reported


def test_the_command_line_builds_with_the_server_it_started_early_as_in_one_process(
        tmp_path: Path) -> None:
    """A first build of enough documents with two jobs: the command line starts the
    workers' server before it imports the pipeline (glossator/forkserver.py), and the pool
    then uses it."""
    one = make(tmp_path / "one")
    two = make(tmp_path / "two")
    assert run(one, jobs=1).rendered == DOCS
    done = run_subprocess("build", two, "--jobs", "2", "--no-search")
    assert done.code == 0, done.err
    assert f"built {DOCS} document(s)" in done.out
    assert tree_bytes(one / "output") == tree_bytes(two / "output")


def test_a_title_rerenders_the_document_and_its_neighbours_only(tmp_path: Path) -> None:
    site = make(tmp_path / "site")
    run(site)
    replace(site / "sources/letter-5.md", "Letter number 5", "The fifth letter")
    assert run(site).rendered == 3  # itself, and the two pages whose prev/next link names it


def test_a_second_build_renders_nothing_and_writes_nothing(tmp_path: Path) -> None:
    site = make(tmp_path / "site")
    run(site)
    before = snapshot(site / "output")
    report = run(site)
    assert report.rendered == 0 and report.documents == DOCS
    assert report.result is not None and not report.result.swapped
    assert snapshot(site / "output") == before


def test_editing_one_note_rewrites_exactly_what_shows_it(tmp_path: Path) -> None:
    site = make(tmp_path / "site")
    run(site, search=True)
    before = snapshot(site / "output")
    replace(site / "annotations/letter-3.yaml", "A note.", "A note, edited.")
    report = run(site, search=True)
    assert report.rendered == 1
    after = snapshot(site / "output")
    files = [rel for rel, (data, _, _) in after.items() if data is not None]
    changed = {rel for rel in files if rel not in before or after[rel][1] != before[rel][1]}
    changed_outside_index = {rel for rel in changed if not rel.startswith("pagefind/")}
    assert changed_outside_index == {"letter-3/index.html", "letter-3/annotations.jsonld",
                                     "notes/index.html"}
    assert any(rel.startswith("pagefind/") for rel in changed)  # the search index too


def test_a_corrupt_cache_is_set_aside_and_rebuilt(tmp_path: Path) -> None:
    site = make(tmp_path / "site")
    run(site)
    cache = site / ".glossator-cache" / "cache.sqlite"
    cache.write_bytes(b"this is not a database" * 100)
    replace(site / "sources/letter-1.md", "Letter number 1", "Letter one")
    report = run(site)
    assert report.rendered == DOCS  # nothing trusted
    assert (site / ".glossator-cache" / "cache.corrupt").exists()
    assert without_index(tree_bytes(site / "output")) == clean_build_of(site, tmp_path / "c")
    assert run(site).rendered == 0  # and the new cache works


def test_a_hand_edited_output_file_is_rebuilt(tmp_path: Path) -> None:
    site = make(tmp_path / "site")
    run(site)
    page = site / "output" / "letter-4" / "index.html"
    good = page.read_bytes()
    page.write_bytes(good.replace(b"Letter number 4", b"Tampered"))
    report = run(site)
    assert report.rendered == 1
    assert page.read_bytes() == good


def test_a_cache_from_other_code_is_not_used(tmp_path: Path) -> None:
    site = make(tmp_path / "site")
    run(site)
    with sqlite3.connect(site / ".glossator-cache" / "cache.sqlite") as db:
        db.execute("UPDATE meta SET value = 'an older glossator' WHERE key = 'code'")
    assert run(site).rendered == DOCS


@pytest.mark.parametrize("jobs", [1, 2])
def test_errors_in_documents_are_all_reported_in_parallel_too(tmp_path: Path, jobs: int):
    site = make(tmp_path / "site")
    for i in (2, 8):
        replace(site / f"annotations/letter-{i}.yaml", f"a list item for {i}", "no such text")
    from glossator.errors import BuildFailed
    with pytest.raises(BuildFailed) as failed:
        run(site, jobs=jobs)
    messages = [d.format().splitlines()[0] for d in failed.value.diagnostics.sorted()]
    assert [m.split(":")[0] for m in messages] == ["annotations/letter-2.yaml",
                                                   "annotations/letter-8.yaml"]
    assert not (site / "output").exists()


# Pages rendered again without parsing their documents ---------------------------------------

@pytest.fixture
def parsed(monkeypatch) -> list[str]:
    """The documents parsed and rendered in full during the test (jobs=1: in this process)."""
    from glossator.documents import DocumentRenderer
    stems: list[str] = []
    original = DocumentRenderer.render

    def render(self, source, annotations, diags):
        stems.append(source.stem)
        return original(self, source, annotations, diags)
    monkeypatch.setattr(DocumentRenderer, "render", render)
    return stems


@pytest.fixture
def built(tmp_path: Path, parsed: list[str]) -> Path:
    """The site built once (jobs=1), with nothing recorded in ``parsed`` yet."""
    site = make(tmp_path / "site")
    run(site, jobs=1)
    parsed.clear()
    return site


def test_a_template_edit_renders_pages_again_without_parsing(tmp_path: Path, parsed,
                                                             built: Path) -> None:
    site = built
    add_footer(site)
    report = run(site, jobs=1)
    assert report.rendered == DOCS and parsed == []
    assert "<footer>Ours</footer>" in (site / "output/letter-3/index.html").read_text()
    assert tree_bytes(site / "output") == clean_build_of(site, tmp_path / "clean")


def test_a_note_template_edit_parses_every_document_again(tmp_path: Path, parsed,
                                                          built: Path) -> None:
    site = built
    (site / "theme/templates/partials").mkdir(parents=True)
    note = (Path(__file__).parent.parent / "glossator/theme/templates/partials/note.html")
    (site / "theme/templates/partials/note.html").write_text(
        note.read_text().replace('role="note"', 'role="note" data-ours="1"'))
    run(site, jobs=1)
    assert sorted(parsed) == sorted(f"letter-{i}" for i in range(DOCS))
    assert 'data-ours="1"' in (site / "output/letter-3/index.html").read_text()
    assert tree_bytes(site / "output") == clean_build_of(site, tmp_path / "clean")


def test_a_title_edit_parses_only_the_edited_document(tmp_path: Path, parsed,
                                                      built: Path) -> None:
    site = built
    replace(site / "sources/letter-5.md", "Letter number 5", "The fifth letter")
    assert run(site, jobs=1).rendered == 3  # itself, and its neighbours' pages
    assert parsed == ["letter-5"]
    assert tree_bytes(site / "output") == clean_build_of(site, tmp_path / "clean")


@pytest.mark.parametrize("damage", ["corrupt", "missing", "truncated", "foreign",
                                    "not a body", "page edited", "page deleted"])
def test_damaged_page_parts_mean_a_full_render(tmp_path: Path, parsed, built: Path,
                                              damage: str) -> None:
    site = built
    parts = site / ".glossator-cache/parts/letter-4.parts"
    page = site / "output/letter-4/index.html"
    kept = pickle.loads(parts.read_bytes())
    # the body is not kept: it is read back from the published page, where it is
    offset, length, _, start = kept["body"]
    published = page.read_bytes()
    assert published[offset:offset + length].startswith(start)
    assert start.startswith(b"<p id=\"p1\">")
    assert published[offset:offset + length].endswith(b"A last paragraph, number 4.</p>\n")
    if damage == "corrupt":
        parts.write_bytes(b"not a pickle")
    elif damage == "truncated":
        parts.write_bytes(parts.read_bytes()[:-20])
    elif damage == "foreign":  # anything but plain values is refused, never called
        parts.write_bytes(pickle.dumps({**kept, "description": _Called()}))
    elif damage == "not a body":  # plain values, but not the parts' own
        parts.write_bytes(pickle.dumps({**kept, "body": {"html": "<p>"}}))
    elif damage == "missing":
        parts.unlink()
    elif damage == "page edited":  # one byte of the body, in place
        middle = offset + length // 2
        page.write_bytes(published[:middle] + b"#" + published[middle + 1:])
    else:
        page.unlink()
    add_footer(site)
    run(site, jobs=1)
    assert parsed == ["letter-4"] and not _CALLED
    assert tree_bytes(site / "output") == clean_build_of(site, tmp_path / "clean")


_CALLED: list[str] = []


def _call(value: str) -> str:
    _CALLED.append(value)
    return value


class _Called:
    """Pickled as a call of ``_call``, made by whatever unpickles it."""

    def __reduce__(self):
        return _call, ("a description",)


def test_edits_before_the_body_render_pages_again_without_parsing(tmp_path: Path, parsed,
                                                                  built: Path) -> None:
    """A body that moved in its page (what comes before it changed) is found by its first
    bytes: the parts need not be kept again for the next page render to find it."""
    site = built
    base = (Path(__file__).parent.parent / "glossator/theme/templates/base.html").read_text()
    assert '<main id="site-main">' in base
    (site / "theme/templates").mkdir(parents=True)
    for banner in ("A banner", "A longer banner"):
        (site / "theme/templates/base.html").write_text(
            base.replace('<main id="site-main">', f'<p>{banner}</p><main id="site-main">'))
        assert run(site, jobs=1).rendered == DOCS and parsed == []
        assert f"<p>{banner}</p>" in (site / "output/letter-3/index.html").read_text()
    assert tree_bytes(site / "output") == clean_build_of(site, tmp_path / "clean")


def test_a_body_the_page_template_changes_is_kept_in_the_parts(tmp_path: Path,
                                                               parsed) -> None:
    site = make(tmp_path / "site")
    document = (Path(__file__).parent.parent
                / "glossator/theme/templates/document.html").read_text()
    assert "{{ body_html | safe }}" in document
    (site / "theme/templates").mkdir(parents=True)
    (site / "theme/templates/document.html").write_text(document.replace(
        "{{ body_html | safe }}", "{{ body_html | replace('<p', '<p data-x') | safe }}"))
    run(site, jobs=1)
    kept = pickle.loads((site / ".glossator-cache/parts/letter-4.parts").read_bytes())
    assert kept["body"].startswith('<p id="p1">')  # kept itself: the page changes it
    parsed.clear()
    add_footer(site)
    assert run(site, jobs=1).rendered == DOCS and parsed == []
    assert 'data-x' in (site / "output/letter-3/index.html").read_text()
    assert tree_bytes(site / "output") == clean_build_of(site, tmp_path / "clean")


def test_the_parts_of_a_deleted_document_are_deleted_too(tmp_path: Path) -> None:
    site = make(tmp_path / "site")
    run(site, jobs=1)
    parts = site / ".glossator-cache/parts"
    assert (parts / "letter-7.parts").is_file()
    (parts / ".letter-2.parts.12345").write_bytes(b"half-written by a crashed worker")
    (site / "sources/letter-7.md").unlink()
    (site / "annotations/letter-7.yaml").unlink()
    run(site, jobs=1)
    assert sorted(p.name for p in parts.iterdir()) == sorted(
        f"letter-{i}.parts" for i in range(DOCS) if i != 7)
