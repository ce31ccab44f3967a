"""The live preview's quick path: an edit of one document's text or notes, applied in memory.

A full build (:mod:`glossator.pipeline`, with ``keep_state``) hands over what it knew: the
config, the glossary and its definitions, the theme, every document's summary and its
neighbours by date. While that stands, an edit that keeps a document's front matter as it was
can change only:

* the document's own page and files (citations, ``annotations.jsonld``);
* the page of the all-notes listing that shows its notes, when its notes changed;
* the glossary page, when the terms it links changed (back-links);
* the search records (the index is rebuilt in the background, as after any rebuild).

:class:`LiveSite` renders just those, in the preview's own process (no pool to start, the
document's citation is in the build cache), compares them with the published files and
replaces the ones that differ, one atomic rename each, while holding the lock the preview's
request handler reads under, so that a request sees the site before or after the edit, never
between. Whatever else changed (front matter, the glossary, the config, the theme, a file
added, deleted or renamed) is left to a full build: :meth:`LiveSite.apply` says so by
returning None. The published tree is the one a clean build makes (``tests/test_live.py``).

The build cache is not told: each file replaced here has a new inode, so the next full build
finds the cache's record of it stale and renders that document again.
"""

from __future__ import annotations

import os
import posixpath
import sys
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable

from . import inventory as inv
from . import search
from .config import SiteConfig
from .documents import DocumentSummary
from .errors import Diagnostics
from .inventory import Inventory
from .loaders import read_document
from .models import Glossary, Source
from .pages import Index, SiteInfo, build_index, notes_page_number, reindex, some_listings
from .serialize import source_to_json
from .site import warn_unused_terms
from .templates import TemplateFailed, Theme
from .workers import Renderer, RenderSetup, RenderTask, make_renderer, render_with

# Editors' and tools' own files beside the inputs (swap files, backups, atomic-save temps):
# the inventory ignores them, so they need no build.
_SIDE_FILE_SUFFIXES = (".swp", ".swx", ".swo", ".tmp", ".bak", ".orig", "~")


@dataclass
class SiteState:
    """What a full build leaves for the quick path (see the module's docstring)."""

    root: Path
    config: SiteConfig
    glossary: Glossary
    site: SiteInfo
    theme: Theme
    render_setup: RenderSetup  # the workers' set-up, without staging: files come back
    output_dir: Path
    publish_drafts: bool
    strict: bool
    summaries: dict[str, DocumentSummary]  # stem -> summary, drafts too
    around: dict[str, tuple[Source | None, Source | None]]  # slug -> (previous, next)

    def publishes(self, source: Source) -> bool:
        return self.publish_drafts or not source.draft

    def published(self) -> list[DocumentSummary]:
        return [d for d in self.summaries.values() if self.publishes(d.source)]

    def records(self) -> dict[str, str]:
        """The search records of the published documents and the glossary."""
        return search.site_records(self.published(), self.glossary.terms,
                                   self.site.definitions, self.config.language)


@dataclass
class LiveResult:
    problems: list[str]  # empty when the edit was published
    written: list[str] = field(default_factory=list)  # output paths replaced


class LiveSite:
    """Applies edits to the published output while ``state`` (the last full build) stands."""

    def __init__(self, state: SiteState, lock: threading.Lock | None = None):
        self.state = state
        self.lock = lock or threading.Lock()
        self.pending: set[str] = set()  # inputs edited since the last good build or edit
        self.stale = False  # the output is in doubt (a write failed): only a full build
        self._renderer: Renderer | None = None
        self._index: Index | None = None

    def prepare(self) -> None:
        """Set up the renderer (parser, glossary matcher, styles) and the index of the
        published documents now, not at the first edit."""
        self.renderer  # noqa: B018
        self.index  # noqa: B018

    @property
    def index(self) -> Index:
        """The published documents in order, by tag and by glossary term (the summaries as
        they are now)."""
        if self._index is None:
            self._index = build_index(self.state.published(), self.state.glossary.terms)
        return self._index

    @property
    def renderer(self) -> Renderer:
        if self._renderer is None:
            self._renderer = make_renderer(self.state.render_setup)
        return self._renderer

    # -- what changed ---------------------------------------------------------------------

    def edited_stems(self, paths: Iterable[str]) -> set[str] | None:
        """The documents whose source or notes file the event ``paths`` name, or None when
        some path needs a full build. Paths are absolute or relative to the site folder."""
        root = self.state.root.resolve()
        stems: set[str] = set()
        for path in paths:
            rel = _relative(root, path)
            if rel is None or rel in (inv.SOURCES_DIR, inv.ANNOTATIONS_DIR):
                continue  # outside the site, or the folder itself (its entries changed)
            kind = self._classify(rel)
            if kind is None:
                return None
            if kind:
                stems.add(kind)
        return stems

    def _classify(self, rel: str) -> str | None:
        """The stem ``rel`` edits; "" for a file no build reads; None: a full build."""
        folder, name = posixpath.split(rel)
        wanted = {inv.SOURCES_DIR: ".md", inv.ANNOTATIONS_DIR: ".yaml"}.get(folder)
        if wanted is None or rel == inv.GLOSSARY_FILE:
            return None  # the config, the theme, the glossary, a file in a sub-folder
        if name.startswith(".") or name.endswith(_SIDE_FILE_SUFFIXES) or name.isdigit():
            return ""  # hidden or an editor's own file (vim writes "4913" to test a folder)
        if os.path.splitext(name)[1] != wanted:
            return None  # the inventory may report it (a ".yml" is an error): let it
        stem = Inventory.stem(rel)
        path = self.state.root / rel
        if stem not in self.state.summaries:
            return None  # a new document, or notes without a source: a full build says
        if folder == inv.SOURCES_DIR and not path.is_file():
            return None  # the source was deleted or renamed
        if path.is_symlink() or (path.exists() and not path.is_file()):
            return None  # the inventory's checks decide about links and odd files
        return stem

    # -- applying --------------------------------------------------------------------------

    def apply(self, paths: Iterable[str]) -> LiveResult | None:
        """Publish the edit named by ``paths`` (file events since the last rebuild); None
        when it needs a full build (then the caller runs one, and makes a new LiveSite)."""
        self.pending.update(str(p) for p in paths)
        stems = None if self.stale else self.edited_stems(self.pending)
        if stems is None:
            return None
        diags = Diagnostics()
        changes: dict[str, DocumentSummary] = {}
        outputs: dict[str, bytes] = {}
        for stem in sorted(stems):
            rendered = self._render(stem, diags)
            if rendered is None:
                return None
            if rendered:
                summary, files = rendered
                changes[stem] = summary
                outputs.update(files)
        if any(set(new.terms_used) != set(self.state.summaries[stem].terms_used)
               for stem, new in changes.items()):  # as a full build would warn
            warn_unused_terms(self.state.glossary,
                              [changes.get(stem, d) for stem, d in self.state.summaries.items()],
                              diags)
        if diags.has_errors(strict=self.state.strict):
            return LiveResult(diags.format().splitlines())
        index = reindex(self.index, {new.source.slug: new for new in changes.values()},
                        self.state.glossary.terms)
        try:
            outputs.update(self._listings(changes, index, diags))
        except TemplateFailed:
            return LiveResult(diags.format().splitlines())
        if diags.has_errors(strict=self.state.strict):
            return LiveResult(diags.format().splitlines())
        try:
            written = self._publish(outputs)
        except OSError as exc:
            self.stale = True
            return LiveResult([f"cannot write the output: {exc.strerror or exc}"])
        self.state.summaries.update(changes)
        self._index = index
        self.pending.clear()
        if diags.items:
            print(diags.format(), file=sys.stderr)
        return LiveResult([], written)

    def _render(self, stem: str, diags: Diagnostics
                ) -> tuple[DocumentSummary, dict[str, bytes]] | bool | None:
        """The document's new summary and files; None when its front matter changed (a full
        build is needed); False when it does not load (the problems are in ``diags``)."""
        state = self.state
        old = state.summaries[stem]
        read = read_document(state.root, old.source.path, state.config, diags)
        if read is None:
            return False
        source, notes = read
        if front_matter(source) != front_matter(old.source):
            return None
        publish = state.publishes(source)
        prev, next_ = state.around.get(source.slug, (None, None))
        result = render_with(self.renderer, RenderTask(source, notes, prev, next_, publish))
        diags.items.extend(result.diagnostics)
        if result.summary is None or any(d.severity == "error" for d in result.diagnostics):
            return False
        summary = result.summary
        summary.source = replace(source, body="")
        summary.input_key, summary.listing_key = old.input_key, old.listing_key
        if publish and summary.has_notes != old.has_notes:
            return None  # the all-notes listing gains or loses a document: pages shift
        return summary, result.outputs

    def _listings(self, changes: dict[str, DocumentSummary], index: Index,
                  diags: Diagnostics) -> dict[str, bytes]:
        """The all-notes pages and the glossary page the changed summaries show (``index``:
        with them)."""
        state = self.state
        changed = {stem: new for stem, new in changes.items() if state.publishes(new.source)}
        if not changed:
            return {}
        glossary = any(set(new.terms_used) != set(state.summaries[stem].terms_used)
                       for stem, new in changed.items())
        noted = [stem for stem, new in changed.items()
                 if (new.notes_json, new.note_terms) != (state.summaries[stem].notes_json,
                                                         state.summaries[stem].note_terms)]
        if not glossary and not noted:
            return {}
        numbers = {notes_page_number(index, changed[stem].source.slug) for stem in noted}
        return some_listings(state.site, index, state.theme, diags,
                             notes_pages={n for n in numbers if n is not None},
                             glossary=glossary)

    def publish_index(self, files: dict[str, bytes]) -> list[str]:
        """Publish a search index made in the background: its files in place of the
        published index's (all under the lock, so a search never mixes two indexes)."""
        folder = self.state.output_dir / search.SEARCH_DIR
        base = self.state.output_dir
        stale = [path for path in folder.rglob("*")
                 if path.is_file() and path.relative_to(base).as_posix() not in files]
        return self._publish(files, remove=stale)

    def _publish(self, outputs: dict[str, bytes], remove: Iterable[Path] = ()) -> list[str]:
        """Replace the published files whose bytes differ, under the lock."""
        base = self.state.output_dir
        changed = {rel: data for rel, data in outputs.items() if _read(base / rel) != data}
        with self.lock:
            for rel, data in changed.items():
                _replace(base / rel, data)
            for path in remove:
                path.unlink(missing_ok=True)
        return sorted(changed)


def front_matter(source: Source) -> dict[str, Any]:
    """What other pages may show of a source: everything but its body (and where things
    were written in its file, which moves when the body does not)."""
    data = source_to_json(source)
    for key in ("body_line", "locations"):
        data.pop(key)
    return data


def _relative(root: Path, path: str) -> str | None:
    """``path`` relative to the (resolved) site folder; its folder is resolved, not the file
    itself (which may be a link, or gone)."""
    full = Path(os.path.abspath(root / path))
    try:
        folder = Path(os.path.realpath(full.parent)).relative_to(root)
    except ValueError:
        return None
    return (folder / full.name).as_posix()


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _replace(path: Path, data: bytes) -> None:
    """Write ``path`` whole or not at all: a new file renamed over the old one (whose inode
    the build cache and the spare tree may still hold, untouched)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".glossator-new-{path.name}")
    try:
        with open(temp, "wb") as handle:
            handle.write(data)
        os.replace(temp, path)
    except OSError:
        temp.unlink(missing_ok=True)
        raise
