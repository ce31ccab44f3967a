"""The build, as a table of contents.

1. **Load** the config, the glossary and the sources with their notes (in parallel). A source
   whose files and site-wide inputs are unchanged since the last build is not even read: its
   summary comes from the build cache.
2. **Check across documents**: orphan annotation files, duplicate slugs and tags.
3. **Render** each document with its page and files (in parallel), streaming the files to the
   writer; a document whose page would come out the same (same inputs, neighbours,
   definitions, templates) keeps its published files instead, and one whose inputs are the
   same but not its page gets its page alone rendered from its kept parts.
4. **Index** the summaries: order, tags, glossary back-links; render the listing pages.
5. **Search**: Pagefind over the staged pages, unless no page changed.
6. **Swap** the staged output in atomically, and save the cache.

Problems are collected throughout; the build stops before the swap when there are errors (or
warnings, with ``strict``), so a failed build never touches the published output.
"""

from __future__ import annotations

import functools
import gc
from collections import deque
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Protocol

from . import inventory as inv
from . import search
from .builds import BuildOptions, BuildReport
from .cache import CACHE_DIR, COMPILED_TEMPLATES, PAGE_PARTS, BuildCache, digest, tree_state
from .config import SiteConfig
from .docpage import prune_parts, published_files
from .documents import DocumentSummary
from .errors import BuildFailed, Diagnostic, Diagnostics, Location
from .fingerprints import code_version, glossary_spellings
from .forkserver import default_jobs
from .inventory import Inventory, find_inputs
from .live import SiteState
from .patch import patch_build
from .serialize import diagnostic_to_json
from .loaders import load_config, load_glossary
from .markdown import Where, make_markdown, render_fragment
from .models import Glossary, Source
from .pages import Index, SiteInfo, annotated, build_index, listing_pages, neighbours
from .site import check_orphans, tag_names, unique_slugs, warn_unused_terms
from .templates import TemplateFailed, Theme
from .uptodate import (LastReport, input_files, input_state, may_have_nothing_to_do,
                       report_again, report_record, unchanged_record)
from .workers import (LOAD_BATCH, NOTE_TEMPLATE, RENDER_BATCH, LoadTask, RenderResult,
                      RenderSetup, RenderTask, init_loader, init_renderer, load_document,
                      render_document, run_tasks)
from .writer import BuildLocked, OutputWriter, WriteResult, WriterError

if TYPE_CHECKING:
    from .published import PublishedCheck


class Sink(Protocol):
    def write(self, rel_path: str, data: bytes) -> None: ...
    def keep(self, rel_path: str) -> None: ...
    def adopt(self, rel_path: str, same: bool) -> None: ...


class Collector:
    """The sink of ``check``: keeps what would be written, writes nothing."""

    def __init__(self) -> None:
        self.outputs: dict[str, bytes] = {}

    def write(self, rel_path: str, data: bytes) -> None:
        self.outputs[rel_path] = data

    def keep(self, rel_path: str) -> None:
        pass  # a published file that stands as it is: nothing to check again

    def adopt(self, rel_path: str, same: bool) -> None:
        raise AssertionError("check gives workers nowhere to stage files")


def build(root: Path, options: BuildOptions | None = None) -> BuildReport:
    """Build (or, with ``check_only``, just check) the site at ``root``.

    Raises :class:`BuildFailed` carrying every diagnostic when the inputs have errors.
    """
    options = options or BuildOptions()
    diags = Diagnostics()
    config = load_config(root, diags)
    if config is None:  # no usable config: nothing else can be checked
        raise BuildFailed(diags)
    build_ = _Build(root, options, config, diags)
    try:
        with survivors_frozen():
            return build_.run()
    finally:
        if build_.cache is not None:
            build_.cache.close()


@contextmanager
def survivors_frozen() -> Iterator[None]:
    """Objects that outlive a full garbage collection are set aside (``gc.freeze``) until
    the build ends, so the next full collection does not scan them again.

    The main process gathers every document's notes and summary as the build goes; Python's
    full collections, which come as the heap grows, scanned all of them each time: 3–5 s of
    the 8–10 s the load took at N = 5,000. Set aside, each object is scanned by one full
    collection at most. A reference cycle among them that becomes garbage during the build
    is freed when the build ends (``gc.unfreeze``, everything back in the oldest
    generation), as a long-running ``serve`` needs.

    A program that calls :func:`build` after freezing objects of its own keeps them frozen:
    ``gc.unfreeze`` cannot tell its objects from ours, so then nothing is set aside."""
    if gc.get_freeze_count():
        yield
        return

    def freeze_after_full_collection(phase: str, info: dict[str, int]) -> None:
        if phase == "stop" and info["generation"] == 2:
            gc.freeze()
    gc.callbacks.append(freeze_after_full_collection)
    try:
        yield
    finally:
        gc.callbacks.remove(freeze_after_full_collection)
        gc.unfreeze()


def output_dir_for(root: Path, options: BuildOptions) -> Path:
    """Where a build of ``root`` writes (``--output``, else the config's ``output_dir``)."""
    if options.output is not None:
        return options.output
    config = load_config(root, Diagnostics())
    return config.output_path(root) if config else root / "output"


class _Build:
    """One build's state, so each stage below reads as one short method."""

    def __init__(self, root: Path, options: BuildOptions, config: SiteConfig,
                 diags: Diagnostics):
        self.root, self.options, self.config, self.diags = root, options, config, diags
        self.output_dir = options.output or config.output_path(root)
        self.jobs = options.jobs or default_jobs()
        self.cache = None if options.check_only else BuildCache(root, code_version=code_version())
        # where compiled templates are kept (absolute: workers use it too); ``check`` writes none
        self.compiled_dir = (None if options.check_only
                             else root.resolve() / CACHE_DIR / COMPILED_TEMPLATES)
        self.theme = Theme(root, compiled_dir=self.compiled_dir)
        self.summaries: dict[str, DocumentSummary] = {}  # stem -> summary (all, drafts too)
        # stem -> the front matter of each document read in this build (its body and notes
        # are read by the worker that renders it), and its notes file when it has one
        self.loaded: dict[str, Source] = {}
        self.notes_files: dict[str, str | None] = {}
        self.load_warnings: dict[str, list[Diagnostic]] = {}  # kept in summaries for reuse
        self.input_keys: dict[str, str] = {}  # stem -> hash of its files and site inputs
        self.source_keys: dict[str, str] = {}  # stem -> the same for its source file alone
        self.rendered = 0
        self.published: list[DocumentSummary] = []
        self.index: Index | None = None  # of the published documents, once listed
        self.listing_count = 0
        self.around: dict[str, tuple[Source | None, Source | None]] = {}

    def run(self) -> BuildReport:
        unchanged = self._unchanged_report()
        if unchanged is not None:
            return unchanged
        if self.cache is not None:
            self.input_files  # noqa: B018 - taken now, before any input is read
            patched = self._patched_report()
            if patched is not None:
                return patched
        if self.options.inputs is not None:
            self.options.inputs.close()  # a full build needs no check of the published output
        inventory = find_inputs(self.root, self.diags)
        self.glossary = load_glossary(self.root, inventory.glossary, self.diags)
        orphans = check_orphans(inventory, self.diags)
        self.site_key = self._site_key()
        self._load(inventory, orphans)
        sources = self._check_across_documents()
        self.site = SiteInfo(self.config, tag_names(sources, self.diags), self.glossary.terms,
                             render_definitions(self.config, self.glossary, self.diags))
        if self.options.check_only or self.diags.errors:  # never stage a failing build
            collector = Collector()
            self._publish(collector, sources)
            return self._report(collector.outputs)
        try:
            with OutputWriter(self.root, self.output_dir) as writer:
                self._publish(writer, sources)
                result = self._commit(writer)
        except WriterError as exc:
            where = (Location("--output") if self.options.output is not None
                     else self.config.output_dir_at)
            self.diags.error(where, exc.message)
            raise BuildFailed(self.diags, output_problem=isinstance(exc, BuildLocked))
        self._save_cache()
        report = self._report({})
        report.result = result
        if self.options.keep_state:
            report.state = self._state()
        return report

    # -- 0. nothing to do? -----------------------------------------------------------------

    @functools.cached_property
    def input_files(self) -> dict[str, Any]:
        """What the outputs are made from: the input files' stats, taken once (by the
        command line, or now), and the options (:func:`~glossator.uptodate.input_state`)."""
        taken = self.options.inputs
        files = taken.files if taken is not None else input_files(self.root)
        return input_state(files, self.options, self.output_dir)

    @functools.cached_property
    def last_input_files(self) -> dict[str, Any] | None:
        """:attr:`input_files` as the last good build recorded them (None: no record), read
        once (by the command line, or now)."""
        if self.cache is None:
            return None
        taken = self.options.inputs
        if taken is not None and taken.recorded is not None:
            return taken.recorded
        return self.cache.site("input_files")

    @property
    def published_check(self) -> PublishedCheck | None:
        """The published output's check the command line started (None: not started)."""
        taken = self.options.inputs
        return None if taken is None else taken.published

    def _site_key(self) -> str:
        """What every document's outputs are made from besides its own files."""
        return digest(code_version(), vars(self.config), glossary_spellings(self.glossary),
                      self.options.drafts)

    def _unchanged_report(self) -> BuildReport | None:
        """The last build's report, when no input and no published file changed since it."""
        if self.cache is None or not may_have_nothing_to_do(self.options):
            return None
        last = unchanged_record(self.cache, self.last_input_files, self.input_files,
                                self.output_dir, self.published_check)
        if last is None:
            return None
        return self._last_report(last, WriteResult(swapped=False))

    def _patched_report(self) -> BuildReport | None:
        """The last build's report, after publishing an edit of a few documents' text or
        notes by patching the output (:mod:`glossator.patch`), when the edit allows it."""
        assert self.cache is not None
        last = report_record(self.cache)
        if last is None:
            return None
        if Diagnostics(list(last.warnings)).has_errors(strict=self.options.strict):
            return None  # the full build stops, and says why
        attempt = self._scratch()
        try:
            result = patch_build(attempt)
        finally:
            if attempt.cache is not None:
                attempt.cache.close()
        if result is None:
            return None
        self.rendered = attempt.rendered
        return self._last_report(last, result, patched=True)

    def _scratch(self) -> _Build:
        """A build of the same site with the same options and the same record of the inputs
        (taken once, before anything was read), for an attempt that may be given up: none of
        what it computes or puts in its cache stays in this one."""
        other = _Build(self.root, self.options, self.config, Diagnostics())
        for name in ("input_files", "last_input_files"):  # cached properties
            other.__dict__[name] = getattr(self, name)
        return other

    def _last_report(self, last: LastReport, result: WriteResult, *,
                     patched: bool = False) -> BuildReport:
        """The last full build's report again (its warnings added to ``diags``: a patch
        changes none), with this build's ``result``."""
        report = report_again(last, self.diags, self.output_dir, result,
                              strict=self.options.strict)
        report.rendered, report.patched = self.rendered, patched
        report.search_records = self._cached_records
        return report

    def _cached_records(self) -> dict[str, str]:
        """The search records, from the cached summaries (after a build with nothing to do)."""
        cache = BuildCache(self.root, code_version=code_version())
        try:
            docs = [summary for entry in cache.documents.values()
                    if (summary := DocumentSummary.from_record(entry[1])) is not None]
        finally:
            cache.close()
        glossary = load_glossary(self.root, find_inputs(self.root, Diagnostics()).glossary,
                                 Diagnostics())
        definitions = render_definitions(self.config, glossary, Diagnostics())
        published = [d for d in docs if self.options.drafts or not d.source.draft]
        return search.site_records(published, glossary.terms, definitions,
                                   self.config.language)

    # -- 1. load ------------------------------------------------------------------------

    def _load(self, inventory: Inventory, orphans: set[str]) -> None:
        """Sources and notes: from the cache when unchanged, else read and checked."""
        notes = {Inventory.stem(rel): rel for rel in inventory.annotations
                 if Inventory.stem(rel) not in orphans}
        tasks: list[tuple[LoadTask, bool]] = []  # and whether its files are still to hash
        for rel in inventory.sources:
            stem = Inventory.stem(rel)
            known = self.cache is not None and stem in self.cache.documents
            if known:  # its key decides whether it is loaded
                key = self._input_key(rel, notes.get(stem))
                self.input_keys[stem] = key
                cached = self._cached_summary(stem, key)
                if cached is not None:
                    self.summaries[stem] = cached
                    continue
            tasks.append((LoadTask(rel, notes.get(stem)), not known))
            self.notes_files[stem] = notes.get(stem)
        self._run_loads(tasks)

    def _input_key(self, source_rel: str, notes_rel: str | None, *,
                   alone: bool = False) -> str:
        """The hash of a document's files and the site's inputs (and, in ``source_keys``,
        of its source file's); ``alone``: look up these files only in the cache."""
        if self.cache is None:
            return ""
        files = [self.cache.input_digest(rel, self.root / rel, alone=alone)
                 for rel in (source_rel, notes_rel) if rel]
        self.source_keys[Inventory.stem(source_rel)] = digest(self.site_key, files[0])
        return digest(self.site_key, source_rel, notes_rel, files)

    def _cached_summary(self, stem: str, key: str) -> DocumentSummary | None:
        if self.cache is None or stem not in self.cache.documents:
            return None
        data = self.cache.documents[stem][1]
        if data.get("input_key") != key:
            return None
        return DocumentSummary.from_record(data)

    def _run_loads(self, tasks: list[tuple[LoadTask, bool]]) -> None:
        """The loads, in a pool when there are many, the main process loading the first ones
        itself while the pool starts (``run_tasks(helped=True)``). A document the cache does
        not know is loaded whatever its key: its files are hashed as its task is taken, by
        the main process or for the pool, not all before the first load (10,000 hashes at
        N = 5,000)."""
        def handed() -> Iterator[LoadTask]:
            for task, to_hash in tasks:
                if to_hash:
                    self.input_keys[Inventory.stem(task.source)] = self._input_key(
                        task.source, task.annotations)
                yield task
        setup = (self.root.resolve(), self.config)
        init_loader(*setup)  # the main process loads too while the pool starts
        results = run_tasks(load_document, handed(), count=len(tasks), jobs=self.jobs,
                            initializer=init_loader, initargs=setup, batch=LOAD_BATCH,
                            helped=True)
        for result in results:
            self.diags.items.extend(result.diagnostics)
            if result.source is not None:
                stem = result.source.stem
                self.loaded[stem] = result.source
                self.load_warnings[stem] = [d for d in result.diagnostics
                                            if d.severity != "error"]

    # -- 2. checks across documents -----------------------------------------------------

    def _check_across_documents(self) -> list[Source]:
        sources = list(self.loaded.values())
        sources += [d.source for stem, d in self.summaries.items() if stem not in self.loaded]
        sources.sort(key=lambda s: s.path)
        return unique_slugs(sources, self.diags)

    # -- 3 and 4. render and publish ------------------------------------------------------

    def _publish(self, sink: Sink, sources: list[Source]) -> None:
        published = [s for s in sources if self.options.drafts or not s.draft]
        # (the sources are front matter alone: a page shows only its neighbours' titles,
        # dates and links)
        self.around = around = neighbours(published)
        tasks = self._render_tasks(sink, sources, around)
        self._render(sink, tasks)
        self._stop_on_errors()
        self._listings(sink, published)

    def _page_key(self, stem: str, source: Source, around: dict, terms: list[str]) -> str:
        """Everything a document's page shows besides its own files (which the input key
        covers): its neighbours, its tags' names, the definitions of its terms, the theme."""
        prev, next_ = around.get(source.slug, (None, None))
        return digest(self.input_keys.get(stem, ""), self.theme_key,
                      [self._entry_key(s) for s in (prev, next_)],
                      [self.site.tags.get(t) for t in source.tags],
                      [self._definition_keys.get(t) for t in terms])

    def _entry_key(self, source: Source | None) -> str | None:
        """What decides how listings show ``source``: its source file (not its notes) and the
        site's tag names (a tag is shown as its first spelling anywhere in the site)."""
        if source is None:
            return None
        return digest(self.source_keys.get(source.stem, ""), self._tags_key)

    @functools.cached_property
    def _tags_key(self) -> str:
        return digest(self.site.tags)

    @functools.cached_property
    def _definition_keys(self) -> dict[str, str]:
        return {term_id: digest(html) for term_id, html in self.site.definitions.items()}

    @functools.cached_property
    def theme_key(self) -> str:
        return self.theme.fingerprint()

    def _render_tasks(self, sink: Sink, sources: list[Source],
                      around: dict) -> deque[RenderTask]:
        """What must be rendered; documents whose outputs stand are kept as they are. The
        loaded documents move into the tasks (this build holds each in one place only). A
        cached document whose page alone is out of date (its template, neighbours or
        definitions changed) gets its page rendered from its kept parts, without parsing."""
        tasks: deque[RenderTask] = deque()
        for source in sources:
            stem, publish = source.stem, self._published(source)
            prev, next_ = around.get(source.slug, (None, None))
            parts_key = digest(self.input_keys.get(stem, ""), self._note_template_key)
            if stem in self.loaded:
                tasks.append(RenderTask(self.loaded.pop(stem), None, prev, next_, publish,
                                        parts_key, reads="body",
                                        notes_file=self.notes_files[stem]))
                continue
            fate = self._cached_fate(sink, stem, source, around)
            if fate != "keep":
                tasks.append(RenderTask(source, None, prev, next_, publish, parts_key,
                                        reads="all", page_only=fate == "page"))
        return tasks

    def _published(self, source: Source) -> bool:
        return self.options.drafts or not source.draft

    def _cached_fate(self, sink: Sink, stem: str, source: Source, around: dict) -> str:
        """What a cached document needs: "keep" its published files (what a render would
        give), render its "page" alone (its other files stand), or render it "all"."""
        assert self.cache is not None
        summary = self.summaries[stem]
        publish = self._published(source)
        key = (self._page_key(stem, source, around, summary.terms_used) if publish
               else "draft")
        page = inv.document_page(source.slug)
        if publish and set(self._cache_files(stem)) != published_files(source.slug):
            return "all"  # a record of other files (a cache edited by hand)
        if self.cache.document(stem, key, self.output_dir) is not None:
            fate = "keep"
            self.diags.items.extend(summary.warnings)
        elif publish and self.cache.files_intact(stem, self.output_dir, but=page):
            fate = "page"
        else:
            return "all"
        for rel in self._cache_files(stem):
            if fate == "keep" or rel != page:
                sink.keep(rel)
        return fate

    @functools.cached_property
    def _note_template_key(self) -> str:
        """What a rendered body depends on among the templates (notes are rendered into it)."""
        return self.theme.closure_fingerprint(NOTE_TEMPLATE)

    def _render_setup(self, staging: Path | None) -> RenderSetup:
        # absolute paths: workers do not share the main process's working folder
        cache = self.cache.path.resolve() if self.cache else None
        return RenderSetup(self.root.resolve(), self.site, self.glossary, cache_path=cache,
                           compiled_dir=self.compiled_dir, staging=staging,
                           output_dir=self.output_dir.resolve(),
                           parts_dir=cache.parent / PAGE_PARTS if cache and staging else None)

    def _render(self, sink: Sink, tasks: deque[RenderTask]) -> None:
        staging = sink.staging if isinstance(sink, OutputWriter) else None
        setup = self._render_setup(staging)
        in_flight: deque[RenderTask] = deque()

        def feed() -> Iterator[RenderTask]:  # each task released once its result is in
            while tasks:
                in_flight.append(tasks.popleft())
                yield in_flight[-1]
        results = run_tasks(render_document, feed(), count=len(tasks), jobs=self.jobs,
                            initializer=init_renderer, initargs=(setup,), batch=RENDER_BATCH)
        for result in results:
            task = in_flight.popleft()
            self.diags.items.extend(result.diagnostics)
            for rel, data in result.outputs.items():
                sink.write(rel, data)
            for rel, same in result.staged.items():
                sink.adopt(rel, same)
            stem = task.source.stem
            # results come in task order (workers.run_tasks); the cache rows depend on it
            assert result.summary is None or result.summary.source.stem == stem, "out of order"
            if result.page_only:
                if result.summary is None:  # from its parts: its warnings, as when kept
                    self.diags.items.extend(self.summaries[stem].warnings)
                self.rendered += 1
                if not any(d.severity == "error" for d in result.diagnostics):
                    self._remember(stem, task, self.summaries[stem], self._cache_files(stem))
                    self._remember_citations(result)
                continue
            if result.summary is None:
                continue
            result.summary.input_key = self.input_keys.get(stem, "")
            # the warnings a cached document must show again: from loading and rendering
            result.summary.warnings = self.load_warnings.get(stem, []) + result.summary.warnings
            self.summaries[stem] = result.summary
            self.rendered += 1
            if not any(d.severity == "error" for d in result.diagnostics):
                self._remember(stem, task, result.summary,
                               list(result.outputs) + list(result.staged))
                self._remember_citations(result)

    def _cache_files(self, stem: str) -> list[str]:
        """The output files the cache says ``stem`` has (its page, and others kept)."""
        return list(self.cache.documents[stem][2]) if self.cache else []

    def _remember(self, stem: str, task: RenderTask, summary: DocumentSummary,
                  files: list[str]) -> None:
        if self.cache is None:
            return
        around = {task.source.slug: (task.prev, task.next)}
        key = (self._page_key(stem, task.source, around, summary.terms_used)
               if task.publish else "draft")
        self.cache.put_document(stem, key, summary.to_json(), files)

    def _remember_citations(self, result: RenderResult) -> None:
        if self.cache is not None:
            for citation_key, rows in result.citations.items():
                self.cache.put_citation(citation_key, rows)

    def _listings(self, sink: Sink, published: list[Source]) -> None:
        slugs = {s.slug for s in published}
        docs = [d for d in self.summaries.values() if d.source.slug in slugs]
        for doc in docs:
            doc.listing_key = self.source_keys.get(doc.source.stem, "")
        self._warn_unused_terms()
        self.index = index = build_index(docs, self.glossary.terms)
        written: list[str] = []

        def emit(rel: str, data: bytes) -> None:  # staged at once: a failed build drops it
            sink.write(rel, data)
            written.append(rel)
        try:
            listing_pages(self.site, index, self.theme, self.diags,
                          reuse=self._reuse_page(sink), emit=emit)
        except TemplateFailed:
            raise BuildFailed(self.diags)
        self._stop_on_errors(strict=self.options.strict)
        self.published = docs
        self.listing_count += sum(rel.endswith(".html") for rel in written)

    def _reuse_page(self, sink: Sink):
        """Keep a listing page whose context is unchanged; remember the others' keys."""
        if self.cache is None:
            return None
        cache = self.cache

        def reuse(path: str, key: str) -> bool:
            if cache.page(path, key, self.output_dir):
                sink.keep(path)
                self.listing_count += path.endswith(".html")
                return True
            cache.put_page(path, key)
            return False
        return reuse

    def _warn_unused_terms(self) -> None:
        if self.diags.errors:  # a source that failed to load may be the one using a term
            return
        warn_unused_terms(self.glossary, self.summaries.values(), self.diags)

    # -- 5 and 6. search and swap -----------------------------------------------------------

    def records(self) -> dict[str, str]:
        """The search records of the published documents and the glossary."""
        return search.site_records(self.published, self.glossary.terms, self.site.definitions,
                                   self.config.language)

    def _commit(self, writer: OutputWriter) -> WriteResult:
        if self.options.search_files is not None:
            for rel, data in self.options.search_files.items():
                writer.write(rel, data)
            return writer.commit()
        if not self.options.search or not self._pages_changed(writer):
            search.keep_index(writer, self.output_dir)
            return writer.commit()
        # From here on a new index is built, so the output is swapped even if no page changed
        # (the site had no index yet).
        records = self.records()

        def index(staging: Path) -> None:
            try:
                for rel, data in search.index_staged_site(staging, records).items():
                    writer.write(rel, data)
            except search.SearchFailed as exc:
                self.diags.error(Location(inv.CONFIG_FILE),
                                 f"the search index could not be built: {exc}",
                                 hints=["build with --no-search to publish without search"])
                raise BuildFailed(self.diags)
        return writer.commit(before_swap=index, force=True)

    def _pages_changed(self, writer: OutputWriter) -> bool:
        """Whether any page changed (or the site has no index yet)."""
        if not (self.output_dir / search.SEARCH_DIR / "pagefind.js").is_file():
            return True
        return any(rel.endswith(".html") for rel in writer.changed)

    def _save_cache(self) -> None:
        assert self.cache is not None
        self.cache.put_site("output", tree_state(self.output_dir))
        self.cache.put_site("report", {
            "warnings": [diagnostic_to_json(d) for d in self.diags.items],
            "documents": len(self.published), "pages": len(self.published) + self.listing_count})
        self.cache.put_site("input_files", self.input_files)
        self.cache.put_site("listing", self._listing_record())
        self.cache.save(self.output_dir, list(self.summaries))
        prune_parts(self.root / CACHE_DIR / PAGE_PARTS, set(self.summaries))

    def _listing_record(self) -> dict[str, Any] | None:
        """What a patch build (:mod:`glossator.patch`) needs of the listings: the documents
        on the all-notes pages in order, each published document's neighbours, the tags."""
        if self.index is None:
            return None
        stems = {d.source.slug: d.source.stem for d in self.index.documents}
        return {"notes": [d.source.stem for d in annotated(self.index)],
                "around": {stems[slug]: [p and p.stem, n and n.stem]
                           for slug, (p, n) in self.around.items()},
                "tags": self.site.tags}

    def _state(self) -> SiteState:
        """What the live preview's quick path needs of this build (:mod:`glossator.live`)."""
        return SiteState(self.root, self.config, self.glossary, self.site, self.theme,
                         self._render_setup(None), self.output_dir, self.options.drafts,
                         self.options.strict, dict(self.summaries), self.around)

    def _stop_on_errors(self, *, strict: bool = False) -> None:
        if self.diags.has_errors(strict=strict):
            raise BuildFailed(self.diags)

    def _report(self, outputs: dict[str, bytes]) -> BuildReport:
        documents = len(self.published)
        return BuildReport(self.diags, None if self.options.check_only else self.output_dir,
                           pages=documents + self.listing_count, documents=documents,
                           rendered=self.rendered, outputs=outputs,
                           search_records=self.records)


def render_definitions(config: SiteConfig, glossary: Glossary,
                       diags: Diagnostics) -> dict[str, str]:
    """Each glossary definition as HTML (no glossary links inside definitions)."""
    md = make_markdown(unsafe_html=config.unsafe_html)
    result = {}
    for term in glossary.terms:
        start = term.definition_location or term.location or Location(glossary.path)
        where = Where(glossary.path, start.line, term.definition.split("\n"), start.col,
                      flat=term.definition_flat)
        result[term.id] = render_fragment(md, term.definition, where=where, glossary=None,
                                          diags=diags, unsafe_html=config.unsafe_html)
    return result

