"""From rendered documents to every output file: the listing pages and the page contexts.

:func:`build_index` computes what spans documents (order, tags, glossary back-links,
previous/next); :func:`render_pages` turns it into ``{output path: bytes}`` through the theme.
The template contract (every variable below) is documented in ``docs/theming.md``.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Callable

from . import inventory as inv
from .documents import RenderedDocument
from .errors import Diagnostics
from .exports import citation_files
from .feeds import FEED_FILE, SITEMAP_FILE, atom_feed, robots_txt, sitemap
from .markdown.highlight import stylesheet
from .metadata import head_tags, json_ld, script_json
from .models import Source, Term
from .site import Site
from .slugs import slug
from .templates import Theme
from .webannotation import annotation_collection


@dataclass
class Index:
    documents: list[RenderedDocument]  # newest first
    tags: dict[str, list[RenderedDocument]]  # tag slug -> documents, newest first
    back_links: dict[str, list[RenderedDocument]]  # term id -> documents linking it
    chronological: list[RenderedDocument] = field(default_factory=list)


def newest_first(doc: RenderedDocument) -> tuple:
    s = doc.source
    return (-s.date.earliest().toordinal(), s.title.casefold(), s.slug)


def build_index(documents: list[RenderedDocument], terms: list[Term]) -> Index:
    ordered = sorted(documents, key=newest_first)
    tags: dict[str, list[RenderedDocument]] = {}
    for doc in ordered:
        for tag in doc.source.tags:
            tags.setdefault(slug(tag), []).append(doc)
    back_links = {t.id: [d for d in ordered if t.id in d.terms_used] for t in terms}
    chronological = sorted(ordered, key=lambda d: (d.source.date.earliest(),
                                                   d.source.title.casefold(), d.source.slug))
    return Index(ordered, dict(sorted(tags.items())), back_links, chronological)


def alphabetical(term: Term) -> tuple[str, str]:
    """Casefolded, accents ignored."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", term.term)
                   if not unicodedata.combining(c))
    return bare.casefold(), term.id


# Page contexts ------------------------------------------------------------------------------

def _doc_entry(doc: RenderedDocument, site: Site) -> dict[str, Any]:
    s = doc.source
    return {
        "path": inv.document_page(s.slug), "slug": s.slug, "title": s.title,
        "authors": [a.display() for a in s.authors], "date_iso": s.date.iso(),
        "date_display": s.date.display(), "publisher": s.publisher, "summary": s.summary,
        "tags": [_tag_entry(site, slug(t)) for t in s.tags], "draft": s.draft,
        "date_sort": s.date.earliest().isoformat(), "title_sort": s.title.casefold(),
    }


def _tag_entry(site: Site, tag_slug: str) -> dict[str, Any]:
    return {"slug": tag_slug, "name": site.tags.get(tag_slug, tag_slug),
            "path": inv.tag_page(tag_slug)}


def _source_context(s: Source) -> dict[str, Any]:
    return {
        "title": s.title, "authors": [a.display() for a in s.authors],
        "date_iso": s.date.iso(), "date_display": s.date.display(), "place": s.place,
        "publisher": s.publisher, "url": s.url, "language": s.language,
        "summary": s.summary, "rights": s.rights, "license_url": s.license_url,
        "added_iso": s.added.isoformat(), "added_display": s.added.strftime("%-d %B %Y"),
        "via": [{"publisher": v.publisher, "url": v.url, "title": v.title, "note": v.note,
                 "date_iso": v.date.iso() if v.date else "",
                 "date_display": v.date.display() if v.date else ""} for v in s.via],
    }


@dataclass
class PageRenderer:
    site: Site
    theme: Theme
    diags: Diagnostics
    definitions: dict[str, str]  # term id -> definition HTML
    outputs: dict[str, bytes] = field(default_factory=dict)

    def page(self, path: str, template: str, kind: str, title: str, *,
             absolute_links: bool = False, **context: Any) -> None:
        config = self.site.config
        rel: Callable[..., str]
        if absolute_links:  # 404.html is served at any depth
            def rel(to: str, fragment: str = "") -> str:
                url = inv.absolute_url(config.base_url, to)
                return f"{url}#{fragment}" if fragment else url
        else:
            def rel(to: str, fragment: str = "") -> str:
                return inv.relative_url(path, to, fragment)
        assets = {name: rel(inv.asset(name)) for name in self.asset_names}
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
        self.outputs[path] = html.encode("utf-8")

    @property
    def asset_names(self) -> list[str]:
        return sorted({*self.theme.static_files(), "pygments.css"})

    def document(self, doc: RenderedDocument, prev: RenderedDocument | None,
                 next_: RenderedDocument | None) -> None:
        s = doc.source
        terms = sorted((t for t in self.site.glossary.terms if t.id in doc.terms_used),
                       key=alphabetical)
        context = {
            "doc": {**_source_context(s), "tags": [_tag_entry(self.site, slug(t))
                                                  for t in s.tags]},
            "body_html": doc.body_html, "introduction_html": doc.introduction_html,
            "notes": doc.notes, "citations": doc.citations,
            "terms": [{"id": t.id, "term": t.term, "definition_html": self.definitions[t.id]}
                      for t in terms],
            "prev": _doc_entry(prev, self.site) if prev else None,
            "next": _doc_entry(next_, self.site) if next_ else None,
            "downloads": [{"label": label, "path": inv.document_file(s.slug, name),
                           "type": kind} for name, label, kind in DOWNLOADS],
        }
        config = self.site.config
        url = inv.absolute_url(config.base_url, inv.document_page(s.slug))
        description = s.summary or _first_words(doc.anchor.text)
        self.page(inv.document_page(s.slug), "document.html", "document", s.title,
                  description=description,
                  alternate_json=inv.document_file(s.slug, ANNOTATIONS_FILE),
                  meta=head_tags(s, config=config, page_url=url, description=description),
                  json_ld=script_json(json_ld(s, config=config, page_url=url,
                                              description=description)),
                  **context)
        self.outputs.update(document_files(doc, url))


ANNOTATIONS_FILE = "annotations.jsonld"
DOWNLOADS = (("citation.json", "CSL-JSON", "application/vnd.citationstyles.csl+json"),
             ("citation.bib", "BibTeX (biblatex)", "application/x-bibtex"),
             ("citation.ris", "RIS", "application/x-research-info-systems"))


def document_files(doc: RenderedDocument, page_url: str) -> dict[str, bytes]:
    """A document's machine-readable files: citation downloads and its notes as W3C JSON-LD."""
    slug_ = doc.source.slug
    files = {inv.document_file(slug_, name): text.encode("utf-8")
             for name, text in citation_files(doc.csl).items()}
    collection = annotation_collection(doc, page_url=page_url,
                                       collection_url=page_url + ANNOTATIONS_FILE)
    files[inv.document_file(slug_, ANNOTATIONS_FILE)] = (
        json.dumps(collection, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    return files


def _first_words(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + "…"


def render_pages(site: Site, index: Index, theme: Theme, definitions: dict[str, str],
                 diags: Diagnostics) -> dict[str, bytes]:
    pages = PageRenderer(site, theme, diags, definitions)
    entries = [_doc_entry(d, site) for d in index.documents]
    pages.page(inv.HOME, "index.html", "home", site.config.title, documents=entries)
    chrono = index.chronological
    for i, doc in enumerate(chrono):
        pages.document(doc, chrono[i - 1] if i else None,
                       chrono[i + 1] if i + 1 < len(chrono) else None)
    _glossary_page(pages, site, index, definitions)
    _tag_pages(pages, site, index)
    _notes_page(pages, site, index)
    tags = [_tag_entry(site, t) for t in sorted(index.tags, key=lambda t: site.tags[t].casefold())]
    pages.page(inv.SEARCH_PAGE, "search.html", "search", "Search", tags=tags)
    pages.page(inv.NOT_FOUND_PAGE, "404.html", "404", "Page not found", absolute_links=True)
    for name, path in theme.static_files().items():
        pages.outputs[inv.asset(name)] = path.read_bytes()
    pages.outputs[inv.asset("pygments.css")] = stylesheet().encode("utf-8")
    _discovery_files(pages.outputs, site, index)
    return pages.outputs


def _discovery_files(outputs: dict[str, bytes], site: Site, index: Index) -> None:
    """The Atom feed, the sitemap and robots.txt (absolute URLs from ``base_url``)."""
    config = site.config
    outputs[FEED_FILE] = atom_feed(index.documents, config=config)
    added = {inv.document_page(d.source.slug): d.source.added for d in index.documents}
    html_pages = [p for p in outputs if p.endswith(".html")]
    outputs[SITEMAP_FILE] = sitemap(html_pages, base_url=config.base_url, lastmod=added)
    outputs["robots.txt"] = robots_txt(config.base_url).encode("utf-8")


def _glossary_page(pages: PageRenderer, site: Site, index: Index,
                   definitions: dict[str, str]) -> None:
    terms = [{"id": t.id, "term": t.term, "aliases": t.aliases,
              "definition_html": definitions[t.id],
              "documents": [_doc_entry(d, site) for d in index.back_links.get(t.id, [])]}
             for t in sorted(site.glossary.terms, key=alphabetical)]
    pages.page(inv.GLOSSARY_PAGE, "glossary.html", "glossary", "Glossary", terms=terms)


def _notes_page(pages: PageRenderer, site: Site, index: Index) -> None:
    """Every note, document by document (newest first), with its passage."""
    documents = []
    for doc in index.documents:
        if doc.notes:
            notes = [{"id": n.id, "number": n.number, "html": n.html, "author": n.author,
                      "passage": doc.anchor.text[n.start:n.end]} for n in doc.notes]
            documents.append({**_doc_entry(doc, site), "notes": notes})
    pages.page(inv.NOTES_PAGE, "notes.html", "notes", "All notes", documents=documents)


def _tag_pages(pages: PageRenderer, site: Site, index: Index) -> None:
    tags = []
    for tag_slug, docs in index.tags.items():
        tag = {**_tag_entry(site, tag_slug), "documents": [_doc_entry(d, site) for d in docs]}
        tags.append(tag)
        pages.page(tag["path"], "tag.html", "tag", tag["name"], tag=tag)
    tags.sort(key=lambda t: (t["name"].casefold(), t["slug"]))
    pages.page(inv.TAGS_PAGE, "tags.html", "tags", "Tags", tags=tags)
