"""Where a paragraph ends, found with fewer calls: same tokens as markdown-it-py's own rules.

markdown-it-py's ``paragraph`` rule (and ``lheading``, which reads the same lines first, looking
for a setext underline) asks, for every line after a paragraph's first, each block rule that
may interrupt a paragraph whether it starts there: fence, blockquote, hr, list, html_block,
heading and table, seven calls a line. Each of them returns at once unless the line's first
character (after its indentation) is one it starts with (the table: unless the *next* line's
is), so on the lines of running text, nearly all of a document, every call says no.

:func:`install` puts one rule in their place in the ``paragraph`` chain: it looks at the
character first and asks only the rules that may start with it. When it asks, it asks them as
they were asked before (``silent``: they only answer, and change nothing), so a paragraph ends
on the same line. A paragraph-interrupting rule it does not know the first characters of (a
plugin's) leaves the parser as it is. ``tests/test_paragraph_ends.py`` compares the tokens
with those of the parser left as it is, on generated documents.

On the benchmark's bodies and notes, parsing took 15-20 % less time (docs/performance.md).

``lheading``, the setext heading rule, is asked at the first line of every paragraph, before
``paragraph``, and reads the paragraph's lines one by one (asking the terminators about each)
for an underline of ``=`` or ``-``. :func:`install` also puts :func:`lheading` in its place:
where no line before the next blank one starts with either character, it returns at once what
``lheading`` returns (and leaves the state as ``lheading`` leaves it); otherwise it asks it.
"""

from __future__ import annotations

from typing import Callable

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_block import lheading as lheading_rule

# The characters (after a line's indentation) each rule that may interrupt a paragraph needs
# at the start of the line (each checks it before anything else, in markdown-it-py 3 and 4).
STARTS = {"fence": "`~", "blockquote": ">", "hr": "*-_", "list": "*-+0123456789",
          "html_block": "<", "heading": "#"}
TABLE_NEXT_LINE_STARTS = "|-:"  # a table's delimiter row, the line after the one asked about
RULE_NAME = "paragraph_end"

BlockRule = Callable[[StateBlock, int, int, bool], bool]


def install(md: MarkdownIt) -> bool:
    """Replace ``md``'s paragraph terminators with one rule that calls them only where they
    may apply; False (and ``md`` unchanged) when a terminator is not one of the known ones."""
    ruler = md.block.ruler
    ending = [rule for rule in ruler.__rules__ if rule.enabled and "paragraph" in rule.alt]
    if (not ending or any(r.name not in STARTS and r.name != "table" for r in ending)
            or "paragraph" not in {rule.name for rule in ruler.__rules__}):
        return False
    by_start = [(STARTS[r.name], r.fn) for r in ending if r.name in STARTS]
    table = next((r.fn for r in ending if r.name == "table"), None)
    for rule in ending:
        ruler.at(rule.name, rule.fn, {"alt": [name for name in rule.alt if name != "paragraph"]})
    ruler.before("paragraph", RULE_NAME, _paragraph_end(by_start, table), {"alt": ["paragraph"]})
    for rule in ruler.__rules__:
        if rule.name == "lheading" and rule.fn is lheading_rule:
            ruler.at(rule.name, lheading, {"alt": list(rule.alt)})
    return True


def lheading(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """markdown-it-py's ``lheading``, without reading the paragraph's lines (and asking the
    terminators about each) where none of them can be an underline."""
    if state.is_code_block(start_line):
        return False
    src, begins, shifts, ends = state.src, state.bMarks, state.tShift, state.eMarks
    line = start_line + 1
    while line < end_line:
        first = begins[line] + shifts[line]
        if first >= ends[line]:  # an empty line: the paragraph ends before it
            break
        if src[first] in "-=":
            return lheading_rule(state, start_line, end_line, silent)
        line += 1
    state.parentType = "paragraph"  # as lheading leaves it when it finds no underline
    return False


def _paragraph_end(by_start: list[tuple[str, BlockRule]], table: BlockRule | None) -> BlockRule:
    def paragraph_end(state: StateBlock, line: int, end: int, silent: bool) -> bool:
        """Whether a block that may interrupt a paragraph starts at ``line`` (asked by
        ``paragraph`` and ``lheading`` of non-empty lines); never a block of its own."""
        if not silent:
            return False
        src = state.src
        start = state.bMarks[line] + state.tShift[line]
        first = src[start] if start < state.eMarks[line] else None  # None: ask every rule
        for starts, rule in by_start:
            if (first is None or first in starts) and rule(state, line, end, True):
                return True
        if table is not None and line + 1 < end:
            start = state.bMarks[line + 1] + state.tShift[line + 1]
            if (start < state.eMarks[line + 1] and src[start] in TABLE_NEXT_LINE_STARTS
                    and table(state, line, end, True)):
                return True
        return False
    return paragraph_end
