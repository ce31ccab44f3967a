"""A document's own outputs: its page, citation downloads, notes as W3C Web Annotations.

Rendered right after the document itself (in the same worker), so the document's full HTML
never has to travel further than the writer.
"""

from __future__ import annotations

import json
from typing import Any

from . import inventory as inv
from .documents import RenderedDocument
from .exports import citation_files
from .metadata import head_tags, json_ld, script_json
from .models import Source
from .pages import PageRenderer, alphabetical, doc_entry, tag_entry
from .slugs import slug
from .webannotation import annotation_collection

ANNOTATIONS_FILE = "annotations.jsonld"
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


def document_outputs(pages: PageRenderer, doc: RenderedDocument, prev: Source | None,
                     next_: Source | None) -> dict[str, bytes]:
    """The document's page and files, as ``{output path: bytes}``."""
    s, site = doc.source, pages.site
    terms = sorted((t for t in site.terms if t.id in doc.terms_used), key=alphabetical)
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
    outputs = {inv.document_page(s.slug): pages.outputs.pop(inv.document_page(s.slug))}
    outputs.update(document_files(doc, url))
    return outputs


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
