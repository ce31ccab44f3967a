"""Soft line breaks kept inside the text: fewer tokens, the same HTML.

In a paragraph, markdown-it-py ends the text at each line break and pushes a ``softbreak``
token, which renders as a line break ("\\n", when the ``breaks`` option is off). In
Markdown wrapped at 70-80 characters, as many editors write it, half of a body's inline
tokens are soft breaks and the text pieces they cut apart; each is made, checked, measured
for the anchor text and rendered on its own.

:func:`install` puts one rule in place of the inline ``newline`` rule. It does what that rule
does (a line ending in two spaces is a hard break; one trailing space is dropped; the next
line's indentation is skipped), except that a soft break becomes a "\\n" at the end of the
line's text instead of a token of its own; markdown-it-py's core rule ``text_join`` then joins
the lines' text tokens (in one ``"".join``: a paragraph of many lines stays linear). The
tokens are markdown-it-py's own with each run of text and soft breaks joined into one text
token, and the HTML is the same.

Glossator's rules read a "\\n" in a text token as the soft break it stands for: one space
of anchor text and the start of a new source line (``anchortext.py``), a line of its own for
the raw-HTML check (``safety.py``). A line break written as a character reference
(``&#10;``, ``&NewLine;``) is on the same source line as the text around it: it is kept out
of the text, as a ``newline_reference`` token (:func:`keep_newline_references`), read as
text that starts no line. They still read ``softbreak`` tokens, for a parser made without
this rule. ``tests/test_soft_breaks.py`` compares the
tokens with markdown-it-py's, and everything ``render_source`` returns with what it returns
without this rule, on generated documents.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline

RULE_NAME = "newline"
NEWLINE_REFERENCE = "newline_reference"  # a token type of Glossator's own


def install(md: MarkdownIt) -> bool:
    """Use :func:`newline` in ``md``; False (and ``md`` unchanged) where soft breaks render as
    ``<br>`` (the ``breaks`` option), there is no ``newline`` rule to replace, or no
    ``text_join`` to join the lines' text."""
    if (md.options.get("breaks") or "text_join" not in md.core.ruler.get_active_rules()
            or RULE_NAME not in {r.name for r in md.inline.ruler.__rules__}):
        return False
    md.inline.ruler.at(RULE_NAME, newline)
    md.core.ruler.before("text_join", NEWLINE_REFERENCE, keep_newline_references)
    return True


def keep_newline_references(state: StateCore) -> None:
    """Each character reference that stands for a line break, made a ``newline_reference``
    token before ``text_join`` would join it to the text, where its "\n" would read as a
    soft break and every line after it be counted one too far."""
    for token in state.tokens:
        if token.type != "inline":
            continue
        for child in token.children or ():  # (not an image's alt text: it is no anchor text)
            if child.type == "text_special" and child.info == "entity" and "\n" in child.content:
                child.type = NEWLINE_REFERENCE


def newline(state: StateInline, silent: bool) -> bool:
    """A line break inside a paragraph: a hard break token, or a "\\n" ending the line's text."""
    pos = state.pos
    src = state.src
    if src[pos] != "\n":
        return False
    if not silent:
        pending = state.pending  # this line's text: it is flushed at every line break
        if pending.endswith("  "):  # two spaces or more: a hard break, without the spaces
            state.pending = pending.rstrip(" ")
            state.push("hardbreak", "br", 0)
        else:  # one space is dropped; the core rule text_join joins the lines' text again
            state.pending = (pending[:-1] if pending.endswith(" ") else pending) + "\n"
            state.pushPending()
    pos += 1
    maximum = state.posMax
    while pos < maximum and src[pos] in " \t":  # the next line's indentation
        pos += 1
    state.pos = pos
    return True
