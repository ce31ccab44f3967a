"""A document's own outputs: its page, citation downloads, notes as W3C Web Annotations.

Rendered right after the document itself (in the same worker), so the document's full HTML
never has to travel further than the writer.
"""

from __future__ import annotations

import itertools
import json
import os
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from . import inventory as inv
from .cache import content_digest
from .citations import FormattedCitation
from .documents import RenderedDocument, RenderedNote
from .exports import CITATION_FILES, citation_files
from .metadata import head_tags, json_ld, script_json
from .models import Source
from .pages import PageRenderer, doc_entry, tag_entry
from .slugs import slug
from .webannotation import annotation_collection

ANNOTATIONS_FILE = "annotations.jsonld"
_START = 200  # bytes of the body by which it is found in its page
_MAX_TRIES = 8  # places in a page where a kept body is looked for
PARTS_SUFFIX = ".parts"  # a document's page parts (save_parts), pickled
DOWNLOADS = (("citation.json", "CSL-JSON", "application/vnd.citationstyles.csl+json"),
             ("citation.bib", "BibTeX (biblatex)", "application/x-bibtex"),
             ("citation.ris", "RIS", "application/x-research-info-systems"))


def source_context(s: Source) -> dict[str, Any]:
    """The front matter as the document template shows it."""
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
class PageParts:
    """What a document's page shows of the rendered document: all the page template needs
    besides the site, the theme and the neighbours. Kept in the build cache
    (:func:`save_parts`), so that a page whose template, neighbours or definitions changed
    is rendered again without parsing its document again."""

    source: Source
    body_html: str
    introduction_html: str
    notes: list[RenderedNote]
    citations: list[FormattedCitation]
    terms_used: set[str]
    description: str

    @classmethod
    def of(cls, doc: RenderedDocument) -> PageParts:
        return cls(doc.source, doc.body_html, doc.introduction_html, doc.notes,
                   doc.citations, doc.terms_used, doc.description)


def document_outputs(pages: PageRenderer, doc: RenderedDocument, prev: Source | None,
                     next_: Source | None) -> dict[str, bytes]:
    """The document's page and files, as ``{output path: bytes}``."""
    url = inv.absolute_url(pages.site.config.base_url, inv.document_page(doc.source.slug))
    outputs = {inv.document_page(doc.source.slug):
               document_page(pages, PageParts.of(doc), prev, next_)}
    outputs.update(document_files(doc, url))
    return outputs


def document_page(pages: PageRenderer, doc: PageParts, prev: Source | None,
                  next_: Source | None) -> bytes:
    """The document's page (``<slug>/index.html``)."""
    s, site = doc.source, pages.site
    terms = [t for t in site.terms_alphabetical if t.id in doc.terms_used]
    url = inv.absolute_url(site.config.base_url, inv.document_page(s.slug))
    pages.page(
        inv.document_page(s.slug), "document.html", "document", s.title,
        doc={**source_context(s), "tags": [tag_entry(site, slug(t)) for t in s.tags]},
        body_html=doc.body_html, introduction_html=doc.introduction_html, notes=doc.notes,
        citations=doc.citations,
        terms=[{"id": t.id, "term": t.term, "definition_html": site.definitions[t.id]}
               for t in terms],
        prev=doc_entry(prev, site) if prev else None,
        next=doc_entry(next_, site) if next_ else None,
        downloads=[{"label": label, "path": inv.document_file(s.slug, name), "type": kind}
                   for name, label, kind in DOWNLOADS],
        description=doc.description,
        alternate_json=inv.document_file(s.slug, ANNOTATIONS_FILE),
        meta=head_tags(s, config=site.config, page_url=url, description=doc.description),
        json_ld=script_json(json_ld(s, config=site.config, page_url=url,
                                    description=doc.description)))
    return pages.outputs.pop(inv.document_page(s.slug))


def save_parts(path: Path, key: str, doc: PageParts, page: bytes | None = None) -> None:
    """Keep ``doc`` for later page renders, written whole or not at all (a cache that
    cannot be written is only skipped).

    The body's HTML is the largest part, and the page ``page`` (the bytes published at the
    document's page) holds it as it is: then only where it is in the page, its length, hash
    and first bytes are kept, and :func:`load_parts` reads it back from the published page
    (found by its first bytes if what comes before it changed). A page that does not hold it
    (a theme's template that changes it) has the body kept with the other parts.

    The parts are pickled, not written as JSON, and not compressed: JSON took 0.33 ms a
    document and compression 0.25 ms, pickling 0.08 ms (docs/performance.md, eleventh pass);
    :class:`_PlainData` reads back plain values only."""
    body = doc.body_html.encode("utf-8")
    at = _find_body(page, body) if page is not None else -1
    parts = {"key": key, "introduction_html": doc.introduction_html,
             "notes": [vars(n) for n in doc.notes],
             "citations": [[c.style, c.label, c.html] for c in doc.citations],
             "terms_used": sorted(doc.terms_used), "description": doc.description,
             "body": ([at, len(body), content_digest(body), body[:_START]] if at >= 0
                      else doc.body_html)}
    temp = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp.write_bytes(pickle.dumps(parts, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(temp, path)
    except OSError:
        temp.unlink(missing_ok=True)


def _find_body(page: bytes, body: bytes) -> int:
    """Where ``page`` holds ``body``, or -1: found by its first bytes (a search for all of it
    took 0.1-0.2 ms), then compared."""
    return next((at for at in _occurrences(page, body[:_START])
                 if page[at:at + len(body)] == body), -1)


def _kept_body(page: bytes, offset: int, length: int, body_hash: str,
               start: bytes) -> bytes | None:
    """The body that hashes to ``body_hash``: at ``offset`` in the page, else where its first
    bytes ``start`` are (the page's template or neighbours changed what comes before it)."""
    candidates = itertools.chain([offset], _occurrences(page, start))
    for at in itertools.islice(candidates, _MAX_TRIES):
        body = page[at:at + length]
        if content_digest(body) == body_hash:
            return body
    return None


def _occurrences(page: bytes, start: bytes) -> Iterator[int]:
    """Where ``start`` is in ``page`` (nowhere when it is empty)."""
    at = page.find(start) if start else -1
    while at >= 0:
        yield at
        at = page.find(start, at + 1)


class _PlainData(pickle.Unpickler):
    """Reads pickled plain values (dicts, lists, strings, numbers) and refuses anything else:
    a damaged or foreign parts file can then only fail to load."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"{module}.{name} is not plain data")


def prune_parts(folder: Path, stems: set[str]) -> None:
    """Delete the kept parts of documents that are gone (and any half-written file)."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if entry.name.removesuffix(PARTS_SUFFIX) not in stems or entry.name.startswith("."):
            try:
                os.unlink(entry.path)
            except OSError:
                pass


def parts_file(folder: Path, stem: str) -> Path:
    return folder / f"{stem}{PARTS_SUFFIX}"


def load_parts(path: Path, key: str, source: Source, page: Path) -> PageParts | None:
    """The parts kept for ``source``, if they were made from inputs hashing to ``key``;
    None when missing, stale or unreadable, or when the body is to be read back from the
    published page ``page`` and that page no longer holds it (then the document is
    rendered in full)."""
    try:
        with open(path, "rb") as kept:
            parts = _PlainData(kept).load()
        if parts["key"] != key:
            return None
        body = parts["body"]
        if isinstance(body, list):
            with open(page, "rb") as published:
                data = _kept_body(published.read(), *body)
            if data is None:
                return None
            body = data.decode("utf-8")
        if not isinstance(body, str):
            return None
        return PageParts(source, body, parts["introduction_html"],
                         [RenderedNote(**n) for n in parts["notes"]],
                         [FormattedCitation(*c) for c in parts["citations"]],
                         set(parts["terms_used"]), parts["description"])
    except Exception:  # noqa: BLE001  # a damaged file may fail in any way unpickling it
        return None


def published_files(slug_: str) -> set[str]:
    """Every file a published document has: its page, the citation downloads and its
    notes as JSON-LD (what :func:`document_files` and the page make)."""
    return {inv.document_page(slug_), *(inv.document_file(slug_, name)
                                         for name in (*CITATION_FILES, ANNOTATIONS_FILE))}


def document_files(doc: RenderedDocument, page_url: str) -> dict[str, bytes]:
    """A document's machine-readable files: citation downloads and its notes as W3C JSON-LD."""
    slug_ = doc.source.slug
    files = {inv.document_file(slug_, name): text.encode("utf-8")
             for name, text in citation_files(doc.csl).items()}
    collection = annotation_collection(doc, page_url=page_url,
                                       collection_url=page_url + ANNOTATIONS_FILE)
    files[inv.document_file(slug_, ANNOTATIONS_FILE)] = (
        json.dumps(collection, ensure_ascii=False) + "\n").encode("utf-8")  # compact: C-fast
    return files
