"""Block-level rules: paragraph numbers and where margin notes go.

* Each paragraph, list item and code block of a source gets the id ``p<N>`` in reading order
  (a list item's first paragraph is numbered through its list item; so is a paragraph of a
  tight list, which has no ``<p>`` element to carry an id).
* A note's ``<aside>`` goes right after the block holding the end of its passage (after its
  paragraph, heading or code block; inside its table cell), never inside ``<p>`` or ``<a>``.
"""

from __future__ import annotations

import bisect

from markdown_it.token import Token

from .anchors import Span
from .anchortext import CODE_BLOCK_TYPES, TEXT_TYPES, code_block_text

NOTES_TOKEN = "glossator_notes"


def number_blocks(tokens: list[Token]) -> int:
    """Give paragraphs, list items and code blocks their ``p<N>`` ids; return the count."""
    count = 0
    for i, token in enumerate(tokens):
        numbered = (token.type == "list_item_open" or token.type in CODE_BLOCK_TYPES
                    or (token.type == "paragraph_open" and not token.hidden
                        and (i == 0 or tokens[i - 1].type != "list_item_open")))
        if numbered:
            count += 1
            token.meta["pnum"] = count
            token.attrSet("id", f"p{count}")
    return count


def _extent(token: Token) -> tuple[int, int] | None:
    """Anchor offsets ``[start, end)`` covered by an inline or code block token."""
    if token.type in CODE_BLOCK_TYPES:
        if "anchor" not in token.meta:
            return None
        start = token.meta["anchor"]
        return start, start + len(code_block_text(token))
    pieces = [c for c in token.children or () if "anchor" in c.meta]
    if not pieces:
        return None
    last = pieces[-1]
    width = len(last.content) if last.type in TEXT_TYPES else 1
    return pieces[0].meta["anchor"], last.meta["anchor"] + width


def _insertion_index(tokens: list[Token], i: int) -> int:
    """Where notes for the block at ``i`` go: after its closing tag, or inside a table cell."""
    if tokens[i].type in CODE_BLOCK_TYPES:
        return i + 1
    closer = tokens[i + 1] if i + 1 < len(tokens) else None
    if closer is not None and closer.type in ("paragraph_close", "heading_close"):
        return i + 2
    return i + 1  # th/td content: before the cell closes


def place_notes(tokens: list[Token], spans: list[Span]) -> list[Token]:
    """A new token list with a notes token after each block that ends a passage."""
    starts, targets = [], []
    for i, token in enumerate(tokens):
        if token.type == "inline" or token.type in CODE_BLOCK_TYPES:
            extent = _extent(token)
            if extent is not None:
                starts.append(extent[0])
                targets.append(_insertion_index(tokens, i))
    by_index: dict[int, list[Span]] = {}
    for span in spans:
        k = bisect.bisect_right(starts, span.end - 1) - 1
        by_index.setdefault(targets[max(k, 0)], []).append(span)
    result: list[Token] = []
    for i, token in enumerate(tokens):
        if i in by_index:
            result.append(_notes_token(by_index.pop(i)))
        result.append(token)
    for index in sorted(by_index):  # after the very last token
        result.append(_notes_token(by_index[index]))
    return result


def _notes_token(spans: list[Span]) -> Token:
    token = Token(NOTES_TOKEN, "", 0)
    token.meta["spans"] = sorted(spans, key=lambda s: s.number)
    token.block = True
    return token
