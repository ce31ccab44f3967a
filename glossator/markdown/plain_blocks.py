"""Texts of plain paragraphs split without the block parser: the same tokens, for less.

Notes, introductions and definitions are parsed one by one (``render_fragment``), and most
of them are a paragraph or two of running text. For such a text markdown-it-py's block parser
costs as much as the inline parse of the words: it marks every line, asks each block rule
whether it starts at the paragraph's first line (``lheading`` reading ahead for an
underline), and asks the rules that may interrupt a paragraph about each next line. None of
them can apply when every line of text starts with a letter: a heading, a quote, a list, a
thematic break, a fence, an HTML block or a reference definition each starts with a mark, a
setext underline or a table's delimiter row is a line of marks, and indented code needs
spaces.

:func:`install` puts one core rule in place of ``block`` (which runs the block parser):
where, once ``normalize`` has run, the text has no tab and each of its lines is blank (spaces
only) or starts with a letter, an opening quotation mark or an opening parenthesis, it makes
the paragraphs' block tokens itself, as markdown-it-py's ``paragraph`` rule makes them; any
other text goes to the block parser. It is installed only on a parser whose block rules are
the known ones (checked when it is installed). ``tests/test_plain_blocks.py`` compares the
tokens and the env with those of the block parser on generated texts.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.common import utils
from markdown_it.rules_block import paragraph as paragraph_rule
from markdown_it.rules_core import block as block_rule
from markdown_it.rules_core import normalize as normalize_rule
from markdown_it.rules_core.state_core import StateCore
from markdown_it.token import Token

# The block rules that cannot start at, nor interrupt a paragraph at, a line that starts with
# a letter (``paragraph_end`` is Glossator's stand-in for the interrupting ones).
KNOWN_BLOCK_RULES = frozenset({"table", "code", "fence", "blockquote", "hr", "list",
                               "reference", "html_block", "heading", "lheading",
                               "paragraph_end", "paragraph"})
OPENING = frozenset("\"'(“‘«")
# the paragraph rule's trim (markdown-it-py 4: the CommonMark whitespace; 3: str.strip)
_trim = getattr(utils, "mdTrim", str.strip)
RULE_NAME = "block"


def install(md: MarkdownIt) -> bool:
    """Use :func:`block` as ``md``'s core rule ``block``; False (and ``md`` unchanged) where a
    block rule is not one of the known ones, ``paragraph`` is not markdown-it-py's own, or
    ``normalize`` does not run first."""
    ruler = md.block.ruler
    active = set(ruler.get_active_rules())
    rules = {r.name: r.fn for r in ruler.__rules__}
    core = [r.fn for r in md.core.ruler.__rules__ if r.enabled]
    if not (active <= KNOWN_BLOCK_RULES and "paragraph" in active
            and rules["paragraph"] is paragraph_rule and md.options.maxNesting > 0
            and normalize_rule in core and block_rule in core
            and core.index(normalize_rule) < core.index(block_rule)):
        return False
    md.core.ruler.at(RULE_NAME, block)
    return True


def block(state: StateCore) -> None:
    """markdown-it-py's core rule ``block``, without the block parser for plain paragraphs."""
    paragraphs = None if state.inlineMode else _paragraphs(state.src)
    if paragraphs is None:
        block_rule(state)
        return
    tokens, src = state.tokens, state.src
    for first_line, next_line, begin, end in paragraphs:  # as the ``paragraph`` rule makes them
        opening = Token("paragraph_open", "p", 1, map=[first_line, next_line], block=True)
        inline = Token("inline", "", 0, map=[first_line, next_line], level=1, block=True,
                       content=_trim(src[begin:end]), children=[])
        closing = Token("paragraph_close", "p", -1, block=True)
        tokens += (opening, inline, closing)


def _paragraphs(src: str) -> list[tuple[int, int, int, int]] | None:
    """Each paragraph's first line, the line after its last, and where its text begins and
    ends in ``src``; None when a line is not plain (see the module's docstring)."""
    if "\t" in src:
        return None
    found: list[tuple[int, int, int, int]] = []
    length = len(src)
    line = start = 0
    first_line = begin = end_of_text = -1
    while start < length:
        end = src.find("\n", start)
        if end < 0:
            end = length
        first = src[start] if start < end else ""
        if first == " ":
            if src[start:end].strip(" "):
                return None  # indented text
            first = ""
        if not first:
            if first_line >= 0:
                found.append((first_line, line, begin, end_of_text))
                first_line = -1
        else:
            if not (first.isalpha() or first in OPENING):
                return None
            if first_line < 0:
                first_line, begin = line, start
            end_of_text = end
        line += 1
        start = end + 1 if end < length else length
    if first_line >= 0:
        found.append((first_line, line, begin, end_of_text))
    return found

