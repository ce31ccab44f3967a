"""The site's pages, from document summaries: listings, and the page renderer they share.

:func:`build_index` computes what spans documents (order, tags, glossary back-links,
neighbours by date); :func:`listing_pages` renders every page that is not a document's own
(home, glossary, tags, all notes, search, 404), the static files, the feed and the sitemap.
A document's own page and files are rendered with the document (:mod:`glossator.docpage`).
The template contract (every variable) is documented in ``docs/theming.md``.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Callable, TypeVar

from . import inventory as inv
from .cache import digest
from .config import SiteConfig
from .documents import DocumentSummary
from .errors import Diagnostics
from .feeds import (FEED_ENTRIES, FEED_FILE, SITEMAP_FILE, atom_feed, newest_added_first,
                    robots_txt, sitemap)
from .markdown.highlight import stylesheet
from .models import Source, Term
from .slugs import slug
from .templates import Theme

NOTES_PER_PAGE_DOCUMENTS = 50  # documents per page of the all-notes listing


@dataclass
class Index:
    documents: list[DocumentSummary]  # published, newest first
    tags: dict[str, list[DocumentSummary]]  # tag slug -> documents, newest first
    back_links: dict[str, list[DocumentSummary]]  # term id -> documents linking it
    chronological: list[DocumentSummary] = field(default_factory=list)


def newest_first(source: Source) -> tuple:
    return (-source.date.earliest().toordinal(), source.title.casefold(), source.slug)


def oldest_first(source: Source) -> tuple:
    return (source.date.earliest(), source.title.casefold(), source.slug)


def build_index(documents: list[DocumentSummary], terms: list[Term]) -> Index:
    ordered = sorted(documents, key=lambda d: newest_first(d.source))
    chronological = sorted(ordered, key=lambda d: oldest_first(d.source))
    return _index(ordered, chronological, terms)


def reindex(index: Index, replacements: dict[str, DocumentSummary],
            terms: list[Term]) -> Index:
    """``index`` with some documents' summaries replaced (by slug), their front matter the
    same (so the order is too): the tags and back-links gathered again, nothing sorted."""
    def swap(docs: list[DocumentSummary]) -> list[DocumentSummary]:
        return [replacements.get(d.source.slug, d) for d in docs]
    return _index(swap(index.documents), swap(index.chronological), terms)


def _index(ordered: list[DocumentSummary], chronological: list[DocumentSummary],
           terms: list[Term]) -> Index:
    tags: dict[str, list[DocumentSummary]] = {}
    for doc in ordered:
        for tag in doc.source.tags:
            tags.setdefault(slug(tag), []).append(doc)
    used = {t.id: [] for t in terms}
    for doc in ordered:
        for term_id in doc.terms_used:
            used.setdefault(term_id, []).append(doc)
    return Index(ordered, dict(sorted(tags.items())), used, chronological)


def neighbours(sources: list[Source]) -> dict[str, tuple[Source | None, Source | None]]:
    """Each published source's previous and next source by date (slug -> (prev, next))."""
    chrono = sorted(sources, key=oldest_first)
    return {s.slug: (chrono[i - 1] if i else None, chrono[i + 1] if i + 1 < len(chrono) else None)
            for i, s in enumerate(chrono)}


def alphabetical(term: Term) -> tuple[str, str]:
    """Casefolded, accents ignored."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", term.term)
                   if not unicodedata.combining(c))
    return bare.casefold(), term.id


# Page contexts ------------------------------------------------------------------------------

@dataclass
class SiteInfo:
    """What every page may show about the site (the same in the main process and workers)."""

    config: SiteConfig
    tags: dict[str, str]  # tag slug -> display name
    terms: list[Term]
    definitions: dict[str, str]  # term id -> definition HTML
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)  # slug -> doc_entry()

    @functools.cached_property
    def terms_alphabetical(self) -> list[Term]:
        """The glossary's terms in :func:`alphabetical` order (sorted once, not per page)."""
        return sorted(self.terms, key=alphabetical)


def doc_entry(s: Source, site: SiteInfo) -> dict[str, Any]:
    """A document as listings, previous/next links and back-links show it (made once per
    build and document: listings show the same document many times)."""
    entry = site.entries.get(s.slug)
    if entry is None:
        entry = site.entries[s.slug] = _entry(s, site)
    return entry


def _entry(s: Source, site: SiteInfo) -> dict[str, Any]:
    return {
        "path": inv.document_page(s.slug), "slug": s.slug, "title": s.title,
        "authors": [a.display() for a in s.authors], "date_iso": s.date.iso(),
        "date_display": s.date.display(), "publisher": s.publisher, "summary": s.summary,
        "tags": [tag_entry(site, slug(t)) for t in s.tags], "draft": s.draft,
        "date_sort": s.date.earliest().isoformat(), "title_sort": s.title.casefold(),
    }


def tag_entry(site: SiteInfo, tag_slug: str) -> dict[str, Any]:
    return {"slug": tag_slug, "name": site.tags.get(tag_slug, tag_slug),
            "path": inv.tag_page(tag_slug)}


@dataclass
class PageRenderer:
    site: SiteInfo
    theme: Theme
    diags: Diagnostics
    outputs: dict[str, bytes] = field(default_factory=dict)
    # (path, context key) -> True when the published page stands as it is (build cache)
    reuse: Callable[[str, str], bool] | None = None
    paths: list[str] = field(default_factory=list)  # every page, rendered or reused
    # where each output goes as soon as it is made (None: kept in ``outputs``)
    emit: Callable[[str, bytes], None] | None = None

    def put(self, path: str, data: bytes) -> None:
        if self.emit is not None:
            self.emit(path, data)
        else:
            self.outputs[path] = data

    def page(self, path: str, template: str, kind: str, title: str, *,
             absolute_links: bool = False, key: Any = None,
             lazy: Callable[[], dict[str, Any]] | None = None, **context: Any) -> None:
        """Render ``template`` to ``path``, unless ``reuse`` says the published page stands.

        ``key`` is what the page's context is made from, when that is much smaller than the
        context itself (the input keys of the documents it lists); by default the context.
        ``lazy`` gives more of the context, made only if the page is rendered (``key`` must
        then cover it).
        """
        self.paths.append(path)
        made_from = context if key is None else key
        if self._reused(path, template, kind, title, absolute_links, made_from):
            return
        if lazy is not None:
            context.update(lazy())
        config = self.site.config
        rel: Callable[..., str]
        if absolute_links:  # 404.html is served at any depth
            def rel(to: str, fragment: str = "") -> str:
                url = inv.absolute_url(config.base_url, to)
                return f"{url}#{fragment}" if fragment else url
        else:
            rel = inv.links_from(path)
        assets = {name: rel(inv.asset(name)) for name in self.theme.asset_names}
        page = {"path": path, "kind": kind, "title": title,
                "url": inv.absolute_url(config.base_url, path),
                "canonical": None if kind == "404" else inv.absolute_url(config.base_url, path),
                "description": context.pop("description", config.description),
                "alternate_json": context.pop("alternate_json", None),
                "meta": context.pop("meta", []), "json_ld": context.pop("json_ld", None)}
        site = {"title": config.title, "description": config.description,
                "language": config.language, "base_url": config.base_url,
                "editors": [e.display() for e in config.editors]}
        html = self.theme.render(template, {"site": site, "page": page, "rel": rel,
                                            "assets": assets, **context}, self.diags)
        self.put(path, html.encode("utf-8"))

    def file(self, path: str, key: Any, make: Callable[[], bytes]) -> None:
        """Another generated file (the feed, the sitemap), made only if its key changed."""
        if not self._reused(path, key):
            self.put(path, make())

    def _reused(self, path: str, *made_from: Any) -> bool:
        if self.reuse is None:
            return False
        return self.reuse(path, digest(self.theme.fingerprint(), vars(self.site.config),
                                       *made_from))


# Listing pages ------------------------------------------------------------------------------

def listing_pages(site: SiteInfo, index: Index, theme: Theme, diags: Diagnostics, *,
                  reuse: Callable[[str, str], bool] | None = None,
                  emit: Callable[[str, bytes], None] | None = None) -> dict[str, bytes]:
    """Every output that is not a document's own, as ``{path: bytes}`` (except the pages
    ``reuse`` says stand as they are); with ``emit``, each is handed to it as soon as it is
    made instead (the all-notes pages of a large edition hold every note), and {} returned."""
    pages = PageRenderer(site, theme, diags, reuse=reuse, emit=emit)
    entries = [doc_entry(d.source, site) for d in index.documents]
    pages.page(inv.HOME, "index.html", "home", site.config.title, documents=entries,
               key=[site.tags, _keys(index.documents)])
    _glossary_page(pages, index)
    _tag_pages(pages, index)
    _notes_pages(pages, index)
    tags = [tag_entry(site, t) for t in sorted(index.tags, key=lambda t: site.tags[t].casefold())]
    pages.page(inv.SEARCH_PAGE, "search.html", "search", "Search", tags=tags)  # a small context
    pages.page(inv.NOT_FOUND_PAGE, "404.html", "404", "Page not found", absolute_links=True)
    for name, path in theme.static_files().items():
        pages.put(inv.asset(name), path.read_bytes())
    pages.put(inv.asset("pygments.css"), stylesheet().encode("utf-8"))
    _discovery_files(pages, index)
    return pages.outputs


def _discovery_files(pages: PageRenderer, index: Index) -> None:
    """The Atom feed, the sitemap and robots.txt (absolute URLs from ``base_url``)."""
    config = pages.site.config
    newest = sorted(index.documents, key=newest_added_first)[:FEED_ENTRIES]
    pages.file(FEED_FILE, [_keys(newest), [str(d.source.added) for d in newest]],
               lambda: atom_feed(newest, config=config))
    added = {inv.document_page(d.source.slug): d.source.added for d in index.documents}
    html_pages = [p for p in pages.paths if p.endswith(".html")] + list(added)
    pages.file(SITEMAP_FILE, [html_pages, [str(day) for day in added.values()]],
               lambda: sitemap(html_pages, base_url=config.base_url, lastmod=added))
    pages.put("robots.txt", robots_txt(config.base_url).encode("utf-8"))


def _keys(documents: list[DocumentSummary], *, notes: bool = False) -> list[str]:
    """What a listing of ``documents`` is made from, in order: their source files' keys, or
    with ``notes`` their annotation files' too (the cache's keys also cover the site config
    and Glossator itself)."""
    return [d.input_key if notes else d.listing_key for d in documents]


def _glossary_page(pages: PageRenderer, index: Index) -> None:
    site = pages.site
    ordered = site.terms_alphabetical
    terms = [{"id": t.id, "term": t.term, "aliases": t.aliases,
              "definition_html": site.definitions[t.id],
              "documents": [doc_entry(d.source, site) for d in index.back_links.get(t.id, [])]}
             for t in ordered]
    key = [site.tags, [[t.id, t.term, t.aliases, site.definitions[t.id],
                        _keys(index.back_links.get(t.id, []))] for t in ordered]]
    pages.page(inv.GLOSSARY_PAGE, "glossary.html", "glossary", "Glossary", terms=terms, key=key)


def some_listings(site: SiteInfo, index: Index, theme: Theme, diags: Diagnostics, *,
                  notes_pages: set[int], glossary: bool) -> dict[str, bytes]:
    """Only the given pages of the all-notes listing (numbered from 1) and, with
    ``glossary``, the glossary page: what an edit of one document's text or notes can change
    among the listings when its front matter stays the same (the live preview's quick path)."""
    pages = PageRenderer(site, theme, diags)
    if glossary:
        _glossary_page(pages, index)
    _notes_pages(pages, index, only=notes_pages)
    return pages.outputs


def notes_page_number(index: Index, slug: str) -> int | None:
    """The page of the all-notes listing that shows the notes of the document ``slug``."""
    return next((number for number, chunk in enumerate(notes_chunks(annotated(index)), start=1)
                 if any(d.source.slug == slug for d in chunk)), None)


def annotated(index: Index) -> list[DocumentSummary]:
    """The documents the all-notes listing shows, in its order: those with notes, newest
    first."""
    return [d for d in index.documents if d.has_notes]


_Shown = TypeVar("_Shown")


def notes_chunks(shown: list[_Shown]) -> list[list[_Shown]]:
    """The listing's documents (or their stems, as a patch build keeps them), page by page
    of the all-notes listing; one empty page when there are none."""
    return [shown[i:i + NOTES_PER_PAGE_DOCUMENTS]
            for i in range(0, len(shown), NOTES_PER_PAGE_DOCUMENTS)] or [[]]


def _notes_pages(pages: PageRenderer, index: Index, only: set[int] | None = None) -> None:
    """Every note, document by document (newest first), with its passage; paginated (with
    ``only``, just those pages)."""
    chunks = notes_chunks(annotated(index))
    for number, chunk in enumerate(chunks, start=1):
        if only is None or number in only:
            notes_page(pages, number, len(chunks), chunk)


def notes_page(pages: PageRenderer, number: int, count: int,
               chunk: list[DocumentSummary]) -> None:
    """Page ``number`` of ``count`` of the all-notes listing, showing the documents
    ``chunk``."""
    pagination = {"number": number, "count": count,
                  "prev": inv.notes_page(number - 1) if number > 1 else None,
                  "next": inv.notes_page(number + 1) if number < count else None}
    title = "All notes" if number == 1 else f"All notes, page {number}"
    terms = _terms_in_notes(pages.site, pages.site.terms_alphabetical, chunk)

    def documents() -> dict[str, Any]:
        return {"documents": [{**doc_entry(d.source, pages.site), "notes": d.notes,
                               "note_terms": d.note_terms} for d in chunk]}
    pages.page(inv.notes_page(number), "notes.html", "notes", title, pagination=pagination,
               terms=terms, key=[pages.site.tags, pagination, terms, _keys(chunk, notes=True)],
               lazy=documents)


def _terms_in_notes(site: SiteInfo, ordered: list[Term],
                    documents: list[DocumentSummary]) -> list[dict[str, Any]]:
    """The glossary entries linked from these documents' notes (``ordered``: all,
    alphabetically): their definitions go on the page."""
    used = {term_id for doc in documents for term_id in doc.note_terms}
    return [{"id": t.id, "term": t.term, "definition_html": site.definitions[t.id]}
            for t in ordered if t.id in used]


def _tag_pages(pages: PageRenderer, index: Index) -> None:
    tags = []
    for tag_slug, docs in index.tags.items():
        tag = {**tag_entry(pages.site, tag_slug),
               "documents": [doc_entry(d.source, pages.site) for d in docs]}
        tags.append(tag)
        pages.page(tag["path"], "tag.html", "tag", tag["name"], tag=tag,
                   key=[pages.site.tags, _keys(docs)])
    tags.sort(key=lambda t: (t["name"].casefold(), t["slug"]))
    pages.page(inv.TAGS_PAGE, "tags.html", "tags", "Tags", tags=tags,
               key=[[t["slug"], t["name"], len(t["documents"])] for t in tags])
