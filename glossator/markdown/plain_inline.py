"""Plain inline text without the inline parser: the same tokens, for less.

Each paragraph, heading and table cell is an ``inline`` token whose text markdown-it-py's
inline parser reads: it makes a state, runs its rules from one mark to the next (with
Glossator's ``newline`` rule, :mod:`soft_breaks`, at each line break), makes a text token per
line, and then its post-processing rules join them again. Most notes and many of a body's
short blocks (headings, list items) are running text in which none of the inline rules can
apply, and then all of that makes one text token holding the text as it is.

Each inline rule of the parser acts only at its own characters: a backslash escape, a code
span, emphasis, a link, an image (``![``), an autolink or raw HTML, and a character reference
start at ``\\``, a backtick, ``*`` or ``_``, ``[``, ``<`` and ``&``. At any other character
the rules leave the text as it is, and a line break keeps the text as it is too, unless a space
ends the line (one is dropped, two make a hard break) or the next line is indented (the
indentation is skipped).

:func:`install` puts one core rule in place of ``inline``: an inline token whose text has
none of those characters, no space before a line break and no space or tab after one gets
one text token with its text; any other goes to the inline parser. It is installed only on a
parser whose inline rules and post-processing rules are the known ones and whose ``newline``
rule is Glossator's (checked when it is installed).

It also puts one inline rule in place of ``text``, for the text that does go to the inline
parser. markdown-it-py's stops at each character that any rule of any preset or plugin may
act at (``-``, ``:``, ``#``, ``~``…), where the parser then asks every rule in turn, and at
every line break, where the ``newline`` rule ends the line's text token (the post-processing
joins them again). This one stops only where a rule of this parser may act, at the ``]``
that ends a link's text, and at a line break that changes the text around it.

``tests/test_plain_inline.py`` compares the tokens and the env with those of markdown-it-py's
core rule ``inline`` and inline rule ``text`` on generated texts.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import inline as inline_rule
from markdown_it.rules_core.state_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.rules_inline import text as text_rule
from markdown_it.token import Token

from . import soft_breaks

# the inline rules, and the rules run after them, whose characters are known (see above)
KNOWN_INLINE_RULES = frozenset({"text", "newline", "escape", "backticks", "emphasis", "link",
                                "image", "autolink", "entity", "html_inline"})
KNOWN_POST_RULES = frozenset({"balance_pairs", "emphasis", "fragments_join"})
# where an inline rule may act, or a line break changes the text around it
NOT_PLAIN = re.compile(r"[\\`*_\[<&]| \n|\n[ \t]")
# where the inline rule ``text`` stops: where a rule may act (an image's ``!`` too), at the
# ``]`` that ends a link's text (found by running the rules over it), and at a line break that
# changes the text around it (a space before it, a space or tab after it)
TEXT_ENDS = re.compile(r"[\\`*_\[\]!<&]|\n(?=[ \t])|(?<= )\n")
RULE_NAME = "inline"
TEXT_RULE_NAME = "text"


def install(md: MarkdownIt) -> bool:
    """Use :func:`inline` as ``md``'s core rule ``inline`` and :func:`text` as its inline rule
    ``text``; False (and ``md`` unchanged) where an inline or post-processing rule is not one
    of the known ones, the ``newline`` rule is not Glossator's, or the core rule ``inline``
    or the inline rule ``text`` is not markdown-it-py's."""
    rules = {r.name: r.fn for r in md.inline.ruler.__rules__ if r.enabled}
    post = set(md.inline.ruler2.get_active_rules())
    core = [r.fn for r in md.core.ruler.__rules__ if r.enabled]
    if not (set(rules) <= KNOWN_INLINE_RULES and post <= KNOWN_POST_RULES
            and rules.get("newline") is soft_breaks.newline and rules.get("text") is text_rule
            and inline_rule in core):
        return False
    md.core.ruler.at(RULE_NAME, inline)
    md.inline.ruler.at(TEXT_RULE_NAME, text)
    return True


def inline(state: StateCore) -> None:
    """markdown-it-py's core rule ``inline``, without the inline parser for plain text."""
    parse = state.md.inline.parse
    rule_may_act = NOT_PLAIN.search
    for token in state.tokens:
        if token.type == "inline":
            if token.children is None:
                token.children = []
            content = token.content
            if content and not token.children and not rule_may_act(content):
                token.children.append(Token("text", "", 0, content=content))
            else:
                parse(content, state.md, state.env, token.children)


def text(state: StateInline, silent: bool) -> bool:
    """markdown-it-py's inline rule ``text``, running on past the characters no rule acts at
    and the line breaks that leave the text as it is (see the module's docstring)."""
    pos = state.pos
    end = TEXT_ENDS.search(state.src, pos, state.posMax)
    stop = end.start() if end else state.posMax
    if stop == pos:
        return False
    if not silent:
        state.append_pending(state.src[pos:stop])
    state.pos = stop
    return True
