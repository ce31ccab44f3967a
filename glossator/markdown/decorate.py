"""Weaving highlights, glossary links and note numbers into rendered text.

The renderer hands every piece of anchor text (a text token, a soft break, inline code, a
Pygments token of a code block) to :meth:`Decorator.text` with its anchor offset. The decorator
cuts it at every highlight, link and note-number boundary and writes well-nested HTML:

* a glossary link is never split: marks are closed before ``<a>``/``</a>`` and reopened inside;
* marks are closed at the end of every piece unless the next piece follows in the same
  element, so they never straddle an element boundary (a passage that crosses markup becomes
  several ``<mark>`` elements with the same ``data-note``; one across a soft break stays one);
* marks open outermost first (by passage start, the longer passage outside), and a change of
  the active set closes only what must close;
* a note number goes right after the passage's last character, or, when that is inside a link
  or inline code, right after that element.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable

from markdown_it.common.utils import escapeHtml

from .anchors import Span
from .glossary import Link


@dataclass
class Decorator:
    spans: list[Span] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    glossary_href: Callable[[str], str] = lambda term_id: f"#{term_id}"
    link_depth: int = 0  # inside a Markdown link: no glossary link, note numbers wait
    code_depth: int = 0  # inside inline code: note numbers wait
    _open_link: Link | None = None
    _pending_refs: list[Span] = field(default_factory=list)
    _started: set[str] = field(default_factory=set)
    _stack: list[Span] = field(default_factory=list)  # marks left open by ``text(more=True)``

    def __post_init__(self) -> None:
        self._links_at = {link.start: link for link in self.links}
        self._refs_at: dict[int, list[Span]] = defaultdict(list)
        for span in self.spans:
            self._refs_at[span.end].append(span)
        bounds = {p for s in self.spans for p in (s.start, s.end)}
        bounds |= {p for link in self.links for p in (link.start, link.end)}
        self._bounds = sorted(bounds)
        self._order = {s.note.id: (s.start, -s.end, s.number) for s in self.spans}
        self._by_start = sorted(self.spans, key=lambda s: self._order[s.note.id])
        self._next = 0  # spans before this index in _by_start have started
        self._live: list[Span] = []  # started, not yet ended, in nesting order

    # -- the one entry point ------------------------------------------------------------

    def text(self, display: str, start: int | None, *, more: bool = False) -> str:
        """HTML for ``display``, which covers anchor offsets ``[start, start + len)``.

        ``more`` says the next piece follows in the same element (a soft break and the text
        after it), so the marks open at the end may stay open into it.
        """
        if start is None:
            return escapeHtml(display)
        end = start + len(display)
        if self._plain(start, end):
            return escapeHtml(display)
        lo = bisect.bisect_right(self._bounds, start)
        hi = bisect.bisect_left(self._bounds, end)
        cuts = [start, *self._bounds[lo:hi], end]
        out: list[str] = []
        stack = self._stack
        for a, b in zip(cuts, cuts[1:]):
            self._at(a, out, stack)
            self._set_marks(self._active(a), out, stack)
            out.append(escapeHtml(display[a - start:b - start]))
        if not more:
            self._close_marks(out, stack)
        self._at(end, out, stack, open_link=False)  # a link there opens with the next piece
        return "".join(out)

    def flush(self) -> str:
        """Note numbers that waited for the end of a link or inline code."""
        if self.link_depth or self.code_depth or self._open_link or not self._pending_refs:
            return ""
        refs, self._pending_refs = self._pending_refs, []
        return "".join(note_ref(span) for span in refs)

    # -- internals ----------------------------------------------------------------------

    def _plain(self, start: int, end: int) -> bool:
        """No highlight, link or note number touches ``[start, end]`` (most text)."""
        if self._live or self._stack or self._open_link is not None:
            return False
        bounds = self._bounds
        return bisect.bisect_left(bounds, start) == bisect.bisect_right(bounds, end)

    def _at(self, pos: int, out: list[str], stack: list[Span], *, open_link: bool = True) -> None:
        """Close a glossary link ending at ``pos``, place note numbers, open a link.

        At the end of a piece ``open_link`` is false: the next piece may start inside another
        element (``the **term**``), and the link must open there, not before that element.
        """
        if self._open_link is not None and self._open_link.end == pos:
            self._close_marks(out, stack)
            out.append("</a>")
            self._open_link = None
            out.append(self.flush())  # numbers of passages that ended inside the link
        if self._refs_at.get(pos):
            self._pending_refs.extend(self._refs_at.pop(pos))
            refs = self.flush()  # nothing yet inside a link or inline code: marks stay open
            if refs:
                self._close_marks(out, stack)
                out.append(refs)
        link = self._links_at.get(pos)
        if open_link and link is not None and self._open_link is None and not self.link_depth:
            self._close_marks(out, stack)
            out.append(glossary_open(link, self.glossary_href(link.term_id)))
            self._open_link = link

    def _active(self, pos: int) -> list[Span]:
        """Spans covering ``pos``; positions only grow, as text is rendered in order."""
        added = False
        while self._next < len(self._by_start) and self._by_start[self._next].start <= pos:
            self._live.append(self._by_start[self._next])
            self._next += 1
            added = True
        if added:
            self._live.sort(key=lambda s: self._order[s.note.id])
        if any(s.end <= pos for s in self._live):
            self._live = [s for s in self._live if s.end > pos]
        return self._live

    def _set_marks(self, wanted: list[Span], out: list[str], stack: list[Span]) -> None:
        keep = 0
        while keep < min(len(wanted), len(stack)) and wanted[keep] is stack[keep]:
            keep += 1
        while len(stack) > keep:
            stack.pop()
            out.append("</mark>")
        for span in wanted[keep:]:
            out.append(self._mark_open(span))
            stack.append(span)

    def _mark_open(self, span: Span) -> str:
        note_id = span.note.id
        first = note_id not in self._started
        self._started.add(note_id)
        id_attr = f' id="passage-{note_id}"' if first else ""
        return (f'<mark class="annotation" data-note="{note_id}"{id_attr} '
                f'aria-details="note-{note_id}">')

    @staticmethod
    def _close_marks(out: list[str], stack: list[Span]) -> None:
        out.extend("</mark>" for _ in stack)
        stack.clear()


def glossary_open(link: Link, href: str) -> str:
    return (f'<a class="glossary-term" href="{escapeHtml(href)}" data-term="{link.term_id}" '
            f'aria-describedby="gdef-{link.term_id}">')


def note_ref(span: Span) -> str:
    """The note number after a passage: a link to the note that also opens it."""
    note_id = span.note.id
    return (f'<a class="note-ref" id="ref-{note_id}" href="#note-{note_id}" '
            f'aria-controls="note-{note_id}" data-note="{note_id}">'
            f'<span class="visually-hidden">Note </span>{span.number}</a>')
