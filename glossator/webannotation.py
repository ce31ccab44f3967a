"""A document's notes as W3C Web Annotations: ``<slug>/annotations.jsonld``.

The file is one ``AnnotationCollection`` (https://www.w3.org/TR/annotation-model/) whose
first and only page embeds every note of the document, in reading order:

* ``id``: ``<collection URL>#note-<note id>`` (the page's own anchor for the note is
  ``#note-<note id>`` too); the embedded page is ``<collection URL>#page-1``. A document
  without notes gives a collection with ``total: 0`` and no page.
* ``motivation``: ``commenting``; ``creator``: ``{"name": …}`` when the note has an author.
* two ``TextualBody`` bodies: the note's Markdown as written (``text/markdown``) and as
  rendered on the page (``text/html``, with relative links made absolute against the page).
* one target: ``source`` is the page's URL; its selectors are a ``TextQuoteSelector``
  (``exact`` = the passage as it is in the anchor text, ``prefix``/``suffix`` = up to 32
  characters of anchor text either side, left out at the start or end of the text) and a
  ``TextPositionSelector`` (``start``/``end`` in Unicode code points over the anchor text).

The anchor text is the visible text of the source body only (see ``docs/authoring.md``: no
title, introduction, notes, permalinks or note numbers), so positions count from the first
character of the source text. Hypothesis counts positions in UTF-16 code units over the raw
text of the whole page (title, paragraph numbers, margin notes and all), so its
``TextPositionSelector`` values differ from these; the ``TextQuoteSelector`` is the one to
match on, as Hypothesis itself does.

Every annotation carries its own ``@context``, so each is a complete Web Annotation when
taken out of the collection.
"""

from __future__ import annotations

import functools
import html
import re
from typing import Any
from urllib.parse import urljoin

from .documents import RenderedDocument, RenderedNote

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
CONTEXT_CHARS = 32
_URL_ATTRIBUTE = re.compile(r'(\s(?:href|src)=")([^"]+)(")')


def annotation_collection(doc: RenderedDocument, *, page_url: str,
                          collection_url: str) -> dict[str, Any]:
    """The ``AnnotationCollection`` of ``doc``'s notes."""
    collection: dict[str, Any] = {
        "@context": CONTEXT, "id": collection_url, "type": "AnnotationCollection",
        "label": doc.source.title, "total": len(doc.notes)}
    if doc.notes:
        items = [annotation(doc, note, page_url=page_url, collection_url=collection_url)
                 for note in doc.notes]
        collection["first"] = {"id": f"{collection_url}#page-1", "type": "AnnotationPage",
                               "startIndex": 0, "items": items}
    return collection


def annotation(doc: RenderedDocument, note: RenderedNote, *, page_url: str,
               collection_url: str) -> dict[str, Any]:
    """One note as a Web Annotation."""
    result: dict[str, Any] = {
        "@context": CONTEXT, "id": f"{collection_url}#note-{note.id}", "type": "Annotation",
        "motivation": "commenting"}
    if note.author:
        result["creator"] = {"name": note.author}
    result["body"] = [
        {"type": "TextualBody", "value": note.markdown, "format": "text/markdown"},
        {"type": "TextualBody", "value": absolute_links(note.html, page_url),
         "format": "text/html"}]
    result["target"] = {"source": page_url,
                        "selector": selectors(doc.anchor.text, note.start, note.end)}
    return result


def selectors(text: str, start: int, end: int) -> list[dict[str, Any]]:
    """The ``TextQuoteSelector`` and ``TextPositionSelector`` of ``text[start:end]``."""
    quote: dict[str, Any] = {"type": "TextQuoteSelector", "exact": text[start:end]}
    prefix = text[max(0, start - CONTEXT_CHARS):start]
    suffix = text[end:end + CONTEXT_CHARS]
    if prefix:
        quote["prefix"] = prefix
    if suffix:
        quote["suffix"] = suffix
    return [quote, {"type": "TextPositionSelector", "start": start, "end": end}]


def absolute_links(fragment: str, base: str) -> str:
    """``fragment`` with every ``href``/``src`` resolved against ``base``.

    The fragment is markdown-it output, whose attribute values are always double-quoted and
    HTML-escaped; an empty address (a link Glossator neutralised) is left empty.
    """
    def resolve(match: re.Match[str]) -> str:
        url = resolved(base, html.unescape(match.group(2)))
        return match.group(1) + html.escape(url) + match.group(3)
    return _URL_ATTRIBUTE.sub(resolve, fragment)


def resolved(base: str, url: str) -> str:
    """``urljoin(base, url)``, the address before the fragment resolved once per base.

    ``urljoin`` takes 14 µs, and a document's notes link the same few addresses with many
    fragments (``../glossary/#<term>``). It resolves an address and its fragment apart and
    puts the fragment back at the end, as is: so does this, but where the fragment is empty,
    the address before it is (``#x``: the base itself would be resolved), or the fragment
    holds a tab or a line break (which ``urljoin`` would remove)."""
    address, _, fragment = url.partition("#")
    if not (address and fragment) or not _UNSAFE_IN_FRAGMENT.isdisjoint(fragment):
        return urljoin(base, url)
    return _joined(base, address) + "#" + fragment


_UNSAFE_IN_FRAGMENT = frozenset("\t\r\n")


@functools.lru_cache(maxsize=512)
def _joined(base: str, address: str) -> str:
    return urljoin(base, address)
