"""Source line breaks that leave no line break in the tokens, counted where they were.

Glossator tells a body line from the tokens alone (markdown-it-py gives inline tokens no
source position): a paragraph's first line is its ``map``, and each soft break ("\\n" in the
text, ``soft_breaks.py``) or hard break starts the next line. Three inline constructs may
span lines and keep no sign of it:

* a code span: markdown-it-py turns each of its line breaks into a space;
* a link's destination, title and reference label (``[text](<url>\\n"title")``): no token
  holds them;
* an image: its alt text, destination and title are all out of the anchor text and of the
  raw-HTML check.

Raw inline HTML (``unsafe_html``) keeps its line breaks in its content.

:func:`install` wraps the ``backticks``, ``link`` and ``image`` rules: each does what it did,
then, when what it consumed spans lines, records them in the token's ``meta`` under
:data:`LINE_STARTS` (a code span: the offsets of its content where a new source line starts)
or :data:`LINES` (the link's closing token: the lines after its text; an image: all of its
lines). :func:`hidden_lines` reads any token's count; the anchor text and the safety checks
add it, so a passage or a message after such a construct is on its own line, not one too
early. The tokens and the HTML are the same; ``tests/test_source_lines.py`` checks, on
generated documents, that every word of the anchor text is given the line it is written on.
"""

from __future__ import annotations

from typing import Callable

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

LINE_STARTS = "glossator_line_starts"  # code_inline: content offsets where a line starts
LINES = "glossator_lines"  # link_close, image: source lines they end past their start

InlineRule = Callable[[StateInline, bool], bool]


def install(md: MarkdownIt) -> None:
    """Wrap ``md``'s code span, link and image rules (those of them it has)."""
    wrappers = {"backticks": _code_span, "link": _link, "image": _image}
    for rule in list(md.inline.ruler.__rules__):
        if rule.name in wrappers:
            md.inline.ruler.at(rule.name, wrappers[rule.name](rule.fn))


def hidden_lines(token: Token) -> int:
    """How many source lines the token's construct ends past the line it starts on, that
    neither its text nor a break token shows."""
    if token.type == "code_inline":
        return len(token.meta.get(LINE_STARTS, ()))
    if token.type == "html_inline":
        return token.content.count("\n")
    return token.meta.get(LINES, 0) if token.meta else 0


def _code_span(original: InlineRule) -> InlineRule:
    def backticks(state: StateInline, silent: bool) -> bool:
        start, count = state.pos, len(state.tokens)
        if not original(state, silent):
            return False
        if (not silent and len(state.tokens) > count and state.tokens[-1].type == "code_inline"
                and state.src.find("\n", start, state.pos) != -1):
            token = state.tokens[-1]
            token.meta[LINE_STARTS] = _line_starts(state.src, start, state.pos, token)
        return True
    return backticks


def _line_starts(src: str, start: int, end: int, token: Token) -> list[int]:
    """Where each source line after the first starts in a code span's content. The content
    is the text between the backtick runs, line breaks made spaces, less one space at each
    end when it has one at both (CommonMark); a line starting in a stripped space starts at
    the content's start (or end)."""
    fence = len(token.markup)
    inner = src[start + fence:end - fence]
    stripped = 1 if len(inner) > len(token.content) else 0
    starts, at = [], inner.find("\n")
    while at != -1:
        starts.append(min(at + 1 - stripped, len(token.content)))
        at = inner.find("\n", at + 1)
    return starts


def _link(original: InlineRule) -> InlineRule:
    def link(state: StateInline, silent: bool) -> bool:
        start = state.pos
        if not original(state, silent):
            return False
        end = state.pos
        if not silent and state.src.find("\n", start, end) != -1:
            label_end = state.md.helpers.parseLinkLabel(state, start, True)
            lines = state.src.count("\n", max(label_end, start), end)
            if lines:  # after the text: the destination, title or reference label
                state.tokens[-1].meta[LINES] = lines
        return True
    return link


def _image(original: InlineRule) -> InlineRule:
    def image(state: StateInline, silent: bool) -> bool:
        start = state.pos
        if not original(state, silent):
            return False
        if not silent and (lines := state.src.count("\n", start, state.pos)):
            state.tokens[-1].meta[LINES] = lines
        return True
    return image
