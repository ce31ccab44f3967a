"""Rendering one document: its text with notes and glossary links, introduction, citations.

The result, a :class:`RenderedDocument`, holds everything the document's own page and files
need. What the rest of the site needs from it (listings, back-links, the feed, checks that
span documents) is its much smaller :class:`DocumentSummary`, which is also what the build
cache keeps: documents can be rendered in any order, in parallel, or not at all when their
summary is still valid.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from typing import Any, Callable

from markdown_it import MarkdownIt

from .citations import CitationRenderer, FormattedCitation, csl_item
from .config import SiteConfig
from .errors import Diagnostic, Diagnostics, Location
from .markdown import GlossaryLinking, Where, render_fragment, render_source
from .markdown.anchors import Span
from .markdown.anchortext import AnchorText
from .markdown.glossary import GlossaryMatcher
from .models import Annotations, Source
from .serialize import (DAMAGED_RECORD, diagnostic_from_json, diagnostic_to_json,
                        source_from_json, source_to_json)


@dataclass
class RenderedNote:
    id: str
    number: int
    html: str
    markdown: str  # the note as the editor wrote it
    author: str
    quote: str
    start: int
    end: int


@dataclass
class RenderedDocument:
    source: Source
    body_html: str
    introduction_html: str
    notes: list[RenderedNote]
    anchor: AnchorText
    terms_used: set[str]
    csl: dict[str, Any]
    citations: list[FormattedCitation] = field(default_factory=list)

    @property
    def description(self) -> str:
        return self.source.summary or first_words(self.anchor.text)


_TERM_LINK = re.compile(r'class="glossary-term" href="[^"]*" data-term="([a-z0-9-]+)"')


@dataclass
class DocumentSummary:
    """A rendered document as the rest of the site sees it (JSON-serialisable)."""

    source: Source  # without its body
    terms_used: list[str]
    # each note as listings and search show it, {id, number, passage, html, author}, as one
    # JSON text: a build holds thousands of summaries and reads the notes of few (the
    # all-notes pages that changed, the search records), one summary at a time
    notes_json: str
    description: str  # the summary, else the text's first words (meta description)
    warnings: list[Diagnostic] = field(default_factory=list)
    note_terms: list[str] = field(default_factory=list)  # glossary terms linked from notes
    input_key: str = ""  # the cache's fingerprint of the document's own inputs
    listing_key: str = ""  # the same for what listings show (its source file, not its notes)

    @classmethod
    def of(cls, doc: RenderedDocument, warnings: list[Diagnostic]) -> DocumentSummary:
        notes = [{"id": n.id, "number": n.number, "passage": doc.anchor.text[n.start:n.end],
                  "html": n.html, "author": n.author} for n in doc.notes]
        note_terms = sorted({m for n in doc.notes for m in _TERM_LINK.findall(n.html)})
        return cls(replace(doc.source, body=""), sorted(doc.terms_used),
                   json.dumps(notes, ensure_ascii=False), doc.description, warnings,
                   note_terms)

    @property
    def notes(self) -> list[dict[str, Any]]:
        """The notes (decoded from their JSON text at each call)."""
        return json.loads(self.notes_json)

    @property
    def has_notes(self) -> bool:
        return self.notes_json != "[]"

    def to_json(self) -> dict[str, Any]:
        return {"source": source_to_json(self.source), "terms_used": self.terms_used,
                "notes": self.notes_json, "description": self.description,
                "warnings": [diagnostic_to_json(d) for d in self.warnings],
                "note_terms": self.note_terms, "input_key": self.input_key}

    @classmethod
    def from_record(cls, data: Any) -> DocumentSummary | None:
        """:meth:`from_json` of a record read from the build cache, or None when it is not
        of the shape written (a cache edited by hand): never trusted, never a crash."""
        try:
            summary = cls.from_json(data)
        except DAMAGED_RECORD:
            return None
        if not (isinstance(summary.notes_json, str) and isinstance(summary.input_key, str)
                and isinstance(summary.description, str)):
            return None
        return summary

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DocumentSummary:
        return cls(source_from_json(data["source"]), list(data["terms_used"]),
                   data["notes"], data["description"],
                   [diagnostic_from_json(d) for d in data["warnings"]], data["note_terms"],
                   data["input_key"])


def first_words(text: str, limit: int = 160) -> str:
    """The start of ``text``, cut at a word, for descriptions. Only as much of ``text`` is
    read as the description needs: with its whitespace collapsed, a prefix of the text is a
    prefix of the whole text collapsed (its last word perhaps cut short)."""
    size = 2 * limit
    while True:
        words = " ".join(text[:size].split())
        if len(words) > limit:
            return words[:limit].rsplit(" ", 1)[0] + "…"
        if size >= len(text):
            return words
        size *= 4


@dataclass
class DocumentRenderer:
    """What every document shares: the parser, the glossary matcher, the citation styles."""

    md: MarkdownIt
    config: SiteConfig
    matcher: GlossaryMatcher | None
    citations: CitationRenderer
    note_template: Callable[[RenderedNote, Diagnostics], str]
    glossary_href: Callable[[str], str]  # term id -> URL from a document page
    page_url: Callable[[Source], str]  # absolute URL of a document's page

    def render(self, source: Source, annotations: Annotations | None,
               diags: Diagnostics) -> RenderedDocument:
        annotations = annotations or Annotations(source.stem, "")
        linking = GlossaryLinking(self.matcher, self.glossary_href,
                                  self.config.glossary_links)
        intro = self._fragment(annotations.introduction, linking, diags,
                               annotations.introduction_start or Location(annotations.path),
                               flat=annotations.introduction_flat)
        notes_html = {n.id: self._fragment(n.note, linking, diags, n.note_location,
                                           flat=n.note_flat)
                      for n in annotations.notes}
        rendered_notes: list[RenderedNote] = []

        def note_html(span: Span) -> str:
            note = RenderedNote(span.note.id, span.number, notes_html[span.note.id],
                                span.note.note, span.note.author, span.note.quote,
                                span.start, span.end)
            rendered_notes.append(note)
            return self.note_template(note, diags)

        body = render_source(
            self.md, source.body, annotations.notes,
            where=Where(source.path, source.body_line + 1, source.body.split("\n")),
            source_path=source.path, body_line=source.body_line, glossary=linking,
            note_html=note_html, diags=diags, unsafe_html=self.config.unsafe_html)
        item = csl_item(source, site_title=self.config.title, page_url=self.page_url(source),
                        editors=self.config.editors)
        rendered_notes.sort(key=lambda n: n.number)
        return RenderedDocument(source, body.html, intro, rendered_notes, body.anchor,
                                linking.used, item, self.citations.render(item))

    def _fragment(self, text: str, linking: GlossaryLinking, diags: Diagnostics,
                  where: Location | None, *, flat: bool) -> str:
        """An introduction or a note; ``where`` is where its Markdown text starts, ``flat``
        whether it was written as a quoted or folded scalar (see ``safety.Where``)."""
        if not text.strip() or where is None:
            return ""
        located = Where(where.path, where.line, text.split("\n"), where.col, flat=flat)
        return render_fragment(self.md, text, where=located, glossary=linking, diags=diags,
                               unsafe_html=self.config.unsafe_html)
