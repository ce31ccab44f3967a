"""The anchor text of a rendered Markdown body: what annotations quote.

The anchor text is the visible text of the body: its text nodes in document order (text,
inline code, fenced and indented code), each hard break, soft break (a token, or a "\\n" kept
in the text: ``soft_breaks.py``) and block boundary counting as one space. Images, raw HTML,
permalinks and note numbers are not part of it. The text is NFC: sources are normalised when
loaded, and a token whose text is not (a character reference like ``e&#x301;``) is
normalised here, so the page shows what the anchor text holds.

Building it records, on every token that carries anchor text, ``token.meta["anchor"]`` = its
start offset; and, for error messages, which body line each offset comes from: a line starts
after each break, and after each line break a code span, link or image consumed
(``source_lines.py``).
"""

from __future__ import annotations

import bisect
import functools
import unicodedata
from dataclasses import dataclass, field

from markdown_it.token import Token

from .matching import MatchText
from .soft_breaks import NEWLINE_REFERENCE
from .source_lines import LINE_STARTS, hidden_lines

TEXT_TYPES = frozenset({"text", "code_inline", NEWLINE_REFERENCE})
BREAK_TYPES = frozenset({"softbreak", "hardbreak"})
CODE_BLOCK_TYPES = frozenset({"fence", "code_block"})
HIDDEN_LINE_TYPES = frozenset({"link_close", "image", "html_inline"})  # see source_lines.py


@dataclass
class AnchorText:
    text: str
    # (anchor offset, 0-based body line) breakpoints, ascending, for line lookups
    line_marks: list[tuple[int, int]] = field(default_factory=list)

    @functools.cached_property
    def match(self) -> MatchText:
        """The text keyed for matching, once for anchoring and glossary linking alike."""
        return MatchText.of(self.text)

    def line_of(self, offset: int) -> int:
        """0-based line of the Markdown body from which the character at ``offset`` comes."""
        i = bisect.bisect_right(self.line_marks, (offset, float("inf"))) - 1
        return self.line_marks[i][1] if i >= 0 else 0


class _Builder:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.pending_space = False
        self.line_marks: list[tuple[int, int]] = []

    def add(self, token: Token, text: str) -> None:
        if not text:
            return
        if self.pending_space and self.length:
            self.parts.append(" ")
            self.length += 1
        self.pending_space = False
        token.meta["anchor"] = self.length
        self.parts.append(text)
        self.length += len(text)

    def mark_line(self, line: int) -> None:
        self.line_marks.append((self.length + (1 if self.pending_space and self.length else 0),
                                line))


def code_block_text(token: Token) -> str:
    """A code block's visible text: its content without the final line break."""
    return token.content[:-1] if token.content.endswith("\n") else token.content


def _nfc(token: Token) -> Token:
    """The token, its content made NFC in place (rendering then shows the same characters)."""
    if not unicodedata.is_normalized("NFC", token.content):
        token.content = unicodedata.normalize("NFC", token.content)
    return token


def build_anchor_text(tokens: list[Token]) -> AnchorText:
    b = _Builder()
    for token in tokens:
        if token.type == "inline":
            _add_inline(b, token)
            b.pending_space = True
        elif token.type in CODE_BLOCK_TYPES:
            _add_code_block(b, _nfc(token))
            b.pending_space = True
    return AnchorText("".join(b.parts), b.line_marks)


def _add_inline(b: _Builder, token: Token) -> None:
    line = token.map[0] if token.map else 0
    b.mark_line(line)
    for child in token.children or ():
        if child.type in TEXT_TYPES:
            text = _nfc(child).content
            if "\n" not in text:
                b.add(child, text)
                if child.meta and LINE_STARTS in child.meta:  # a code span across lines
                    for offset in child.meta[LINE_STARTS]:
                        line += 1
                        b.line_marks.append((child.meta.get("anchor", b.length) + offset, line))
                continue
            b.add(child, text.replace("\n", " "))  # soft breaks kept in the text
            if child.type == NEWLINE_REFERENCE:  # "&#10;": a space, on the same line
                continue
            start = child.meta["anchor"]
            offset = text.find("\n")
            while offset != -1:
                line += 1
                b.line_marks.append((start + offset + 1, line))
                offset = text.find("\n", offset + 1)
        elif child.type in BREAK_TYPES:
            b.add(child, " ")
            line += 1
            b.line_marks.append((b.length, line))
        elif child.type in HIDDEN_LINE_TYPES and (lines := hidden_lines(child)):
            line += lines  # a link's destination or title, an image, raw HTML
            b.line_marks.append((b.length, line))


def _add_code_block(b: _Builder, token: Token) -> None:
    text = code_block_text(token)
    line = token.map[0] if token.map else 0
    if token.type == "fence":
        line += 1  # the content starts after the opening fence
    b.mark_line(line)
    start = b.length + (1 if b.pending_space and b.length else 0)
    b.add(token, text)
    offset = text.find("\n")
    while offset != -1:
        line += 1
        b.line_marks.append((start + offset + 1, line))
        offset = text.find("\n", offset + 1)
