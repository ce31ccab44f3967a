"""Documents are loaded and rendered in a pool of processes, one task per document.

Each worker is set up once (:func:`init_loader`, :func:`init_renderer`) with what every
document shares (the config, the parser, the glossary matcher, the citation styles, the
theme); a task carries one document and returns plain data. Results come back in task order,
so a parallel build is byte for byte the same as a single-process one (``--jobs 1``), which
runs the very same functions in the main process.

The worker's state is a module-level variable: it is per process, set by the initializer.
"""

from __future__ import annotations

import functools
import gc
import itertools
import json
import os
import sqlite3
import threading
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Literal

from . import inventory as inv
from .cache import digest, read_only
from .citations import CitationRenderer, FormattedCitation
from .config import SiteConfig
from .docpage import (PageParts, document_outputs, document_page, load_parts, parts_file,
                      save_parts)
from .documents import DocumentRenderer, DocumentSummary, RenderedNote
from .errors import Diagnostic, Diagnostics
from .forkserver import SERIAL_BELOW, context
from .loaders import load_annotations, load_source, read_body, read_document
from .markdown import make_markdown
from .markdown.glossary import GlossaryMatcher
from .models import Annotations, Glossary, Source
from .pages import PageRenderer, SiteInfo
from .templates import TemplateFailed, Theme
from .writer import stage_files

# documents per load task in a pool: a load takes about 1 ms, and with one document per task
# the main process spent 2.1 s on the pool's exchanges at N = 5,000, against 1.1-1.25 s with
# 64 (the load phase: 5.2-5.4 s against 4.3-4.7 s, two runs each, alternated)
LOAD_BATCH = 64
# and per render task (about 18 ms each): the main process's share of the exchanges went from
# 1.25 to 0.55 s at N = 1,000 (four builds each, alternated) and from 5.3 to 2.8 s at 5,000
RENDER_BATCH = 4
# allocations between a worker's youngest-generation collections (Python's default: 700). A
# render makes and drops tens of thousands of objects (markdown-it's tokens, citeproc-py's
# strings), few of them in cycles: at N = 1,000 each worker ran about 630 collections,
# 0.08-0.12 s; with 10,000, 8 collections, 0.03 s, for 1-2 MB more at its peak
WORKER_GC_THRESHOLD = 10_000
NOTE_TEMPLATE = "partials/note.html"  # rendered into the document's body, note by note


# Loading ------------------------------------------------------------------------------------

@dataclass
class LoadTask:
    source: str  # "sources/<stem>.md"
    # "annotations/<stem>.yaml" when it exists: read here only when the source does not
    # load (the render reads it otherwise)
    annotations: str | None


@dataclass
class LoadResult:
    source: Source | None  # its front matter (``body`` empty): what the main process needs
    diagnostics: list[Diagnostic]


_LOADER: tuple[Path, SiteConfig] | None = None


def init_loader(root: Path, config: SiteConfig) -> None:
    global _LOADER
    _LOADER = (root, config)


def load_document(task: LoadTask) -> LoadResult:
    """A source's front matter, checked. Its body and notes are read by the worker that
    renders it (``RenderTask.reads``): sent back here and on to that worker, they cost
    1.4-2.1 ms a document in pickling, half of it in the main process (docs/performance.md,
    fourteenth pass). A source that does not load is not rendered: its notes are read
    here, so that their problems are reported with its own."""
    assert _LOADER is not None, "init_loader() first"
    root, config = _LOADER
    diags = Diagnostics()
    source = load_source(root, task.source, config, diags)
    if source is None:
        if task.annotations:
            load_annotations(root, task.annotations, diags)
        return LoadResult(None, diags.items)
    return LoadResult(replace(source, body=""), diags.items)


# Rendering ----------------------------------------------------------------------------------

@dataclass
class RenderSetup:
    """What every document shares; sent once to each worker."""

    root: Path
    site: SiteInfo
    glossary: Glossary
    cache_path: Path | None = None  # the build cache, for formatted citations (read only)
    compiled_dir: Path | None = None  # Jinja's compiled templates, kept between builds
    # where the writer stages the build and the published output: a worker stages its
    # document's files itself (None: it returns them, as ``check`` needs)
    staging: Path | None = None
    output_dir: Path | None = None
    # where each document's page parts are kept for page-only renders (docpage.save_parts)
    parts_dir: Path | None = None


@dataclass
class RenderTask:
    source: Source
    annotations: Annotations | None
    prev: Source | None = None
    next: Source | None = None
    publish: bool = True  # False for a draft: checked, summarised, nothing written
    # the hash of what the document's page parts are made from (its inputs, the note
    # template): the key its parts are kept under, and looked up by
    parts_key: str = ""
    # what the worker reads itself: nothing (the task carries the source with its body, and
    # its notes); "body" (``source`` is the front matter of the build's load phase: the
    # worker reads the body, and the notes from ``notes_file``); "all" (the main process has
    # only the document's summary: the worker reads its files when it needs them)
    reads: Literal["", "body", "all"] = ""
    notes_file: str | None = None  # "annotations/<stem>.yaml" when it exists
    # the document's other files stand: render its page alone from its kept parts when
    # they are valid (else the whole document, as with ``reads`` "all")
    page_only: bool = False


@dataclass
class RenderResult:
    summary: DocumentSummary | None  # None when a template failed
    outputs: dict[str, bytes]  # the files, when the worker did not stage them
    diagnostics: list[Diagnostic]
    citations: dict[str, list[list[str]]] = field(default_factory=dict)  # new cache entries
    staged: dict[str, bool] = field(default_factory=dict)  # path -> same bytes as published
    page_only: bool = False  # only the page is new (the other files and summary stand)


@dataclass
class Renderer:
    setup: RenderSetup
    theme: Theme
    documents: DocumentRenderer
    citations: _CachedCitations


_RENDERER: Renderer | None = None


def init_renderer(setup: RenderSetup) -> None:
    global _RENDERER
    _RENDERER = make_renderer(setup)
    # a build's renders parse the styles anyway: now, so that a worker sets them aside from
    # garbage collection with the rest of its set-up (``_set_up_worker``)
    _RENDERER.citations.renderer  # noqa: B018


def make_renderer(setup: RenderSetup) -> Renderer:
    """What rendering a document needs, set up once (a worker's, or the live preview's)."""
    config = setup.site.config
    theme = Theme(setup.root, compiled_dir=setup.compiled_dir)
    citations = _CachedCitations(config.citation_styles, setup.cache_path)
    documents = DocumentRenderer(
        md=make_markdown(unsafe_html=config.unsafe_html), config=config,
        matcher=GlossaryMatcher(setup.glossary.terms) if setup.glossary.terms else None,
        citations=citations,  # type: ignore[arg-type]  # same interface, cached
        note_template=_note_template(theme),
        glossary_href=lambda term_id: f"../{inv.GLOSSARY_PAGE}#{term_id}",
        page_url=lambda s: inv.absolute_url(config.base_url, inv.document_page(s.slug)))
    return Renderer(setup, theme, documents, citations)


def _note_template(theme: Theme) -> Callable[[RenderedNote, Diagnostics], str]:
    def render(note: RenderedNote, diags: Diagnostics) -> str:
        return theme.render(NOTE_TEMPLATE, {"note": note}, diags)
    return render


def render_document(task: RenderTask) -> RenderResult:
    assert _RENDERER is not None, "init_renderer() first"
    return render_with(_RENDERER, task)


def render_with(r: Renderer, task: RenderTask) -> RenderResult:
    """One document rendered with its page and files (staged when the set-up says where),
    or its page alone when the task allows it and its parts are kept."""
    if task.page_only:
        result = _render_page(r, task)
        if result is not None:
            return result
    diags = Diagnostics()
    if task.reads == "body":
        source = read_body(r.setup.root, task.source, diags)
        if source is None:
            return RenderResult(None, {}, diags.items)
        # notes that do not load leave the document rendered without them: its other
        # problems are reported too
        notes = (load_annotations(r.setup.root, task.notes_file, diags) if task.notes_file
                 else None)
        task = replace(task, source=source, annotations=notes)
    elif task.reads == "all" or task.page_only:  # the main process has its summary only
        read = read_document(r.setup.root, task.source.path, r.setup.site.config, diags)
        if read is None:
            return RenderResult(None, {}, diags.items)
        task = replace(task, source=read[0], annotations=read[1])
    r.citations.new.clear()
    try:
        doc = r.documents.render(task.source, task.annotations, diags)
        outputs: dict[str, bytes] = {}
        if task.publish:
            pages = PageRenderer(r.setup.site, r.theme, diags)
            outputs = document_outputs(pages, doc, task.prev, task.next)
    except TemplateFailed:
        return RenderResult(None, {}, diags.items)
    warnings = [d for d in diags.items if d.severity != "error"]
    summary = DocumentSummary.of(doc, warnings)
    page = inv.document_page(task.source.slug)
    if _keeps_parts(r, task) and not diags.errors:
        save_parts(_parts_path(r, task), task.parts_key, PageParts.of(doc), outputs.get(page))
    if task.page_only:  # its other files stand (the same inputs made them)
        outputs = {page: outputs[page]} if page in outputs else {}
    staged = _stage(r.setup, outputs)
    if staged:
        outputs = {}
    return RenderResult(summary, outputs, diags.items, dict(r.citations.new), staged,
                        page_only=task.page_only)


def _render_page(r: Renderer, task: RenderTask) -> RenderResult | None:
    """The page alone, from the document's kept parts; None when they are not valid."""
    if not _keeps_parts(r, task) or r.setup.output_dir is None:
        return None
    rel = inv.document_page(task.source.slug)
    parts = load_parts(_parts_path(r, task), task.parts_key, task.source,
                       r.setup.output_dir / rel)
    if parts is None:
        return None
    diags = Diagnostics()
    try:
        page = document_page(PageRenderer(r.setup.site, r.theme, diags), parts, task.prev,
                             task.next)
    except TemplateFailed:
        return RenderResult(None, {}, diags.items, page_only=True)
    outputs = {rel: page}
    staged = _stage(r.setup, outputs)
    return RenderResult(None, {} if staged else outputs, diags.items, staged=staged,
                        page_only=True)


def _keeps_parts(r: Renderer, task: RenderTask) -> bool:
    return r.setup.parts_dir is not None and bool(task.parts_key) and task.publish


def _parts_path(r: Renderer, task: RenderTask) -> Path:
    assert r.setup.parts_dir is not None
    return parts_file(r.setup.parts_dir, task.source.stem)


def _stage(setup: RenderSetup, outputs: dict[str, bytes]) -> dict[str, bool]:
    """Stage the document's files here, in the worker, rather than in the main process."""
    if setup.staging is None or setup.output_dir is None:
        return {}
    return stage_files(setup.staging, setup.output_dir, outputs)


class _CachedCitations:
    """Formatted citations by (styles, CSL item), from the build cache when it has them.
    The styles are parsed on the first item not in the cache (20 ms for the three default
    styles: a patch build of a document whose item did not change needs none)."""

    def __init__(self, styles: list[str], cache_path: Path | None):
        self.styles = list(styles)
        self.new: dict[str, list[list[str]]] = {}
        self.cache_path = cache_path
        self._db: tuple[int, sqlite3.Connection | None] | None = None

    @property
    def db(self) -> sqlite3.Connection | None:
        """A read-only connection, opened in the process that uses it (never across fork)."""
        if self._db is None or self._db[0] != os.getpid():
            self._db = (os.getpid(), self._connect())
        return self._db[1]

    def _connect(self) -> sqlite3.Connection | None:
        if self.cache_path is None or not self.cache_path.exists():
            return None
        try:
            return read_only(self.cache_path)
        except sqlite3.Error:
            return None

    @functools.cached_property
    def renderer(self) -> CitationRenderer:
        return CitationRenderer(self.styles)

    def render(self, item: dict[str, Any]) -> list[FormattedCitation]:
        key = digest(self.styles, item)
        cached = self._cached(key)
        if cached is not None:
            return [FormattedCitation(*row) for row in cached]
        formatted = self.renderer.render(item)
        self.new[key] = [[c.style, c.label, c.html] for c in formatted]
        return formatted

    def _cached(self, key: str) -> list[list[str]] | None:
        if self.db is None:
            return None
        try:
            row = self.db.execute("SELECT html FROM citations WHERE key = ?", (key,)).fetchone()
            rows = json.loads(row[0]) if row else None
        except (sqlite3.Error, ValueError):
            return None
        # one [style, label, html] per style, in order; else (a cache edited by hand) unused
        if not (isinstance(rows, list) and len(rows) == len(self.styles)
                and all(isinstance(r, list) and len(r) == 3 and r[0] == style
                        and all(isinstance(part, str) for part in r)
                        for r, style in zip(rows, self.styles))):
            return None
        return rows


# The pool -----------------------------------------------------------------------------------

def run_tasks(function: Callable[[Any], Any], tasks: Iterable[Any], *, jobs: int,
              initializer: Callable[..., None], initargs: tuple,
              count: int | None = None, batch: int = 1, helped: bool = False) -> Iterator[Any]:
    """``function`` over ``tasks``, results in task order; in a pool when it pays off.
    ``count``: how many tasks an iterator gives (a list's length is taken by default); the
    tasks are taken from it only as the pool has room for them. ``batch``: at most this many
    tasks go to a worker at a time, for short tasks whose cost in the pool's own bookkeeping
    (the main process's share of each exchange) would otherwise come near their own (each
    worker still gets several batches). ``helped``: the main process, set up by the caller,
    runs the first tasks itself until the pool's first worker runs
    (:func:`_while_the_pool_starts`)."""
    count = len(tasks) if count is None else count  # type: ignore[arg-type]
    if jobs <= 1 or count < SERIAL_BELOW:
        initializer(*initargs)
        yield from map(function, tasks)
        return
    window = jobs * 4
    batch = max(1, min(batch, count // window))
    with ProcessPoolExecutor(jobs, mp_context=context(), initializer=_set_up_worker,
                             initargs=(initializer, initargs)) as pool:
        if helped:
            tasks = yield from _while_the_pool_starts(pool, function, iter(tasks))
        if batch == 1:
            yield from _windowed(pool, function, tasks, window=window)
            return
        batches = _batched(tasks, batch)
        for results in _windowed(pool, functools.partial(_each, function), batches,
                                 window=window):
            yield from results


def _while_the_pool_starts(pool: ProcessPoolExecutor, function: Callable[[Any], Any],
                           tasks: Iterator[Any]) -> Iterator[Any]:
    """Run tasks here, from the first, until a worker of ``pool`` runs; then return the rest.

    A pool's first worker comes from the fork server, which a command line starts as it
    starts (``forkserver.start_early``). The server first imports what the workers need, and
    asking it for a worker waits until it has: at N = 1,000, 0.34 s of a cold build's 0.68 s
    of loads. Loads are short (0.5 ms), so the main process loads the first ones in that time
    instead of waiting (docs/performance.md, fifteenth pass). The first worker is asked for
    in a thread, since the asking waits."""
    running = threading.Event()

    def ask() -> None:
        try:
            pool.submit(int).add_done_callback(lambda _: running.set())
        except BaseException:  # a broken pool: the main process stops helping, and the
            running.set()      # pool's next use says what broke
    asking = threading.Thread(target=ask, name="glossator-pool-start")
    asking.start()
    try:
        while not running.is_set():
            task = next(tasks, _NO_TASK)
            if task is _NO_TASK:
                break
            yield function(task)
    finally:
        asking.join()
    return tasks


_NO_TASK = object()


def _set_up_worker(initializer: Callable[..., None], initargs: tuple) -> None:
    """A worker's set-up, after which every object the worker has (what it inherited from
    the fork server, and what ``initializer`` made) is set aside from garbage collection: it
    lives as long as the worker, and full collections no longer scan it (they took 0.11 s
    of each worker's 0.18 s of collections at N = 1,000; set aside, 0.03 s). Then the
    youngest generation is collected less often (``WORKER_GC_THRESHOLD``)."""
    initializer(*initargs)
    gc.freeze()
    gc.set_threshold(WORKER_GC_THRESHOLD, *gc.get_threshold()[1:])


def _each(function: Callable[[Any], Any], tasks: list[Any]) -> list[Any]:
    return [function(task) for task in tasks]


def _batched(tasks: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(tasks)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def _windowed(pool: ProcessPoolExecutor, function: Callable[[Any], Any], tasks: Iterable[Any],
              *, window: int) -> Iterator[Any]:
    """Like ``pool.map`` but with at most ``window`` tasks in flight (bounded memory)."""
    pending: deque[Future] = deque()
    for task in tasks:
        pending.append(pool.submit(function, task))
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()
