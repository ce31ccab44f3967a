"""A rebuild that patches the output: the text or notes of a few documents edited, nothing else.

Editing one note is the most common change to a large edition, and a full rebuild, even one
that renders a single document, visits every document (its cache entry, its published files)
and stages a whole new tree. When the inputs changed since the last good build only in the
source or notes files of a few existing documents (:data:`MAX_EDITED` at most), a patch
build does instead, reading only those documents' rows of the build cache:

* check that the published output is the one the last build left (its files' stats);
* read and render each edited document, with its neighbours from the cache;
* render the page of the all-notes listing that shows its notes, if they changed;
* replace the files whose bytes differ in place, all or none (:class:`OutputPatch`);
* record the new state in the cache, as the full build would have.

It gives up, leaving the work to the full build (which is always right), whenever the edit
may reach further: a document's front matter changed (titles, dates and tags show on other
pages), it gained or lost all its notes (the all-notes pages shift), it links a different
set of glossary terms (the glossary page's back-links, the warnings about unused terms), its
warnings changed (the build's report), its files are not the same set, it has errors (the
full build reports them with everything else), or the build was asked for a search index
(Pagefind indexes the whole site). The published tree is then byte for byte the one a full
build makes (``tests/test_patch.py``).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from . import inventory as inv
from .cache import PAGE_PARTS, changes_between, digest, file_stat
from .documents import DocumentSummary
from .errors import Diagnostics
from .inventory import Inventory
from .live import front_matter
from .loaders import load_glossary, read_document
from .models import Source
from .pages import PageRenderer, SiteInfo, notes_chunks, notes_page
from .published import output_as_left
from .serialize import diagnostic_to_json
from .templates import TemplateFailed
from .workers import Renderer, RenderTask, make_renderer, render_with
from .writer import OutputPatch, WriteResult, WriterError

if TYPE_CHECKING:
    from .pipeline import _Build

MAX_EDITED = 16  # more edited documents than this: a full build (it renders in parallel)


class _GiveUp(Exception):
    """The edit may reach further than a patch build goes: leave it to the full build."""


def patch_build(build: _Build) -> WriteResult | None:
    """Publish the edit by patching the output (``build.rendered``: the documents
    rendered), or None when a full build must run. The caller checked that the last build's
    warnings do not stop this one; a patch changes none."""
    options = build.options
    if (build.cache is None or options.search or options.keep_state or options.check_only
            or options.search_files is not None):
        return None
    last = build.last_input_files
    listing = build.cache.site("listing")
    if not (last and listing and isinstance(last, dict) and isinstance(listing, dict)):
        return None  # no record, or a damaged one
    stems = edited_stems(last, build.input_files)
    if not stems or len(stems) > MAX_EDITED:
        return None
    try:
        with OutputPatch(build.root, build.output_dir) as writer:
            result = _Patch(build, listing, stems).run(writer)
    except (_GiveUp, WriterError):  # the full build reports a writer's problem itself
        return None
    build.rendered = len(stems)
    return result


def edited_stems(last: dict[str, Any], now: dict[str, Any]) -> set[str] | None:
    """The documents whose source or notes file alone changed between two records of the
    input files (``_Build.input_files``); None when anything else changed."""
    if last.keys() != now.keys():
        return None
    stems: set[str] = set()
    for key, value in now.items():
        if last[key] == value:
            continue
        suffix = {inv.SOURCES_DIR: ".md", inv.ANNOTATIONS_DIR: ".yaml"}.get(key)
        if (suffix is None or not isinstance(last[key], dict)  # (a damaged record)
                or last[key].keys() != value.keys()):
            return None  # the theme, the config, the options; a file added or deleted
        for name, stat in value.items():
            if last[key][name] == stat:
                continue
            if ("/" in name or name.startswith(".") or not name.endswith(suffix)
                    or f"{key}/{name}" == inv.GLOSSARY_FILE):
                return None
            stems.add(Inventory.stem(name))
    return stems


class _Patch:
    """One patch build: the edited documents, then the all-notes page, then the cache."""

    def __init__(self, build: _Build, listing: dict[str, Any], stems: set[str]):
        assert build.cache is not None
        self.build, self.cache, self.listing, self.stems = build, build.cache, listing, stems
        self.diags = Diagnostics()  # the site's own problems are in the last report

    def run(self, writer: OutputPatch) -> WriteResult:
        build = self.build
        if not output_as_left(build.cache, build.output_dir, build.published_check):
            raise _GiveUp  # the output is not the one the last build left
        self._set_up()
        # the files come back here (no staging); the page parts are kept as a build keeps them
        parts = self.cache.path.resolve().parent / PAGE_PARTS
        renderer = make_renderer(replace(build._render_setup(None), parts_dir=parts))
        edited: dict[str, tuple[DocumentSummary, DocumentSummary]] = {}
        for stem in sorted(self.stems):
            old, new, outputs = self._document(stem, renderer)
            edited[stem] = (old, new)
            for rel, data in outputs.items():
                writer.write(rel, data)
        for rel, data in self._notes_pages(edited).items():
            writer.write(rel, data)
        result = writer.commit()
        # the few stats that changed, recorded over the last build's (not all of them again)
        self.cache.put_site_changes("input_files",
                                    changes_between(build.last_input_files, build.input_files))
        self.cache.put_site_changes("output", {rel: file_stat(build.output_dir / rel)
                                               for rel in result.changed})
        self.cache.save(build.output_dir, None)
        return result

    def _set_up(self) -> None:
        """The glossary, the site's keys and page information, as the full build has them."""
        from .pipeline import render_definitions
        build = self.build
        glossary = inv.GLOSSARY_FILE if self._has_file(inv.GLOSSARY_FILE) else None
        build.glossary = load_glossary(build.root, glossary, self.diags)
        build.site_key = build._site_key()
        build.site = SiteInfo(build.config, self.listing["tags"], build.glossary.terms,
                              render_definitions(build.config, build.glossary, self.diags))
        if self.diags.errors:
            raise _GiveUp

    def _has_file(self, rel: str) -> bool:
        folder, _, name = rel.partition("/")
        return name in self.build.input_files[folder]

    def _row(self, stem: str) -> tuple[str, DocumentSummary, dict]:
        row = self.cache.document_row(stem)
        summary = None if row is None else DocumentSummary.from_record(row[1])
        if row is None or summary is None:
            raise _GiveUp
        return row[0], summary, row[2]

    def _neighbour(self, stem: str | None) -> Source | None:
        """A neighbour's source (without its body), and its key for the page's key."""
        if stem is None:
            return None
        source = self._row(stem)[1].source
        self.build._input_key(source.path, None, alone=True)  # its source_keys entry
        return source

    def _document(self, stem: str, renderer: Renderer
                  ) -> tuple[DocumentSummary, DocumentSummary, dict[str, bytes]]:
        """The edited document's summaries before and after, and its files; its cache row
        recorded. _GiveUp if the edit reaches further than its own files and notes."""
        build = self.build
        _, old, files = self._row(stem)
        notes_rel = inv.notes_file(stem) if self._has_file(inv.notes_file(stem)) else None
        key = build.input_keys[stem] = build._input_key(old.source.path, notes_rel, alone=True)
        diags = Diagnostics()
        read = read_document(build.root, old.source.path, build.config, diags)
        if read is None or diags.errors:
            raise _GiveUp
        source, notes = read
        if front_matter(source) != front_matter(old.source):
            raise _GiveUp
        publish = build._published(source)
        prev_stem, next_stem = self.listing["around"].get(stem, [None, None])
        prev, next_ = self._neighbour(prev_stem), self._neighbour(next_stem)
        task = RenderTask(source, notes, prev, next_, publish,
                          digest(key, build._note_template_key))
        loading = diags.items
        result = render_with(renderer, task)
        new = result.summary
        if new is None or any(d.severity == "error" for d in result.diagnostics):
            raise _GiveUp
        new.input_key = key
        new.warnings = loading + new.warnings
        if (new.has_notes != old.has_notes or new.terms_used != old.terms_used
                or _warnings(new) != _warnings(old) or set(result.outputs) != set(files)):
            raise _GiveUp
        page_key = (build._page_key(stem, source, {source.slug: (prev, next_)},
                                    new.terms_used) if publish else "draft")
        self.cache.put_document(stem, page_key, new.to_json(), list(result.outputs))
        build._remember_citations(result)
        return old, new, result.outputs

    def _notes_pages(self, edited: dict[str, tuple[DocumentSummary, DocumentSummary]]
                     ) -> dict[str, bytes]:
        """The pages of the all-notes listing that show notes the edit changed."""
        chunks: list[list[str]] = notes_chunks(self.listing["notes"])
        changed = {stem for stem, (old, new) in edited.items()
                   if (new.notes_json, new.note_terms) != (old.notes_json, old.note_terms)}
        numbers = [number for number, chunk in enumerate(chunks, start=1)
                   if changed.intersection(chunk)]
        if not numbers:
            return {}

        def rendered(path: str, key: str) -> bool:  # each page is rendered; its key recorded
            self.cache.put_page(path, key)
            return False
        pages = PageRenderer(self.build.site, self.build.theme, self.diags, reuse=rendered)
        for number in numbers:
            chunk = [edited[stem][1] if stem in edited else self._row(stem)[1]
                     for stem in chunks[number - 1]]
            try:
                notes_page(pages, number, len(chunks), chunk)
            except TemplateFailed:
                raise _GiveUp from None
        if self.diags.errors:
            raise _GiveUp
        return pages.outputs


def _warnings(summary: DocumentSummary) -> list[dict]:
    return [diagnostic_to_json(d) for d in summary.warnings]
