"""Pygments for code blocks, as a token stream so highlights can be woven into it.

Pygments' own HTML formatter cannot nest ``<mark>`` elements, so code is tokenised here and the
renderer writes the ``<span class="…">`` elements itself, with the class names of Pygments'
``HtmlFormatter``; its stylesheet (:func:`stylesheet`) therefore applies unchanged.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pygments.lexer import Lexer
    from pygments.token import _TokenType

# Pygments is imported when first needed (10-15 ms): a patch build of a document without
# code never needs it (docs/performance.md).

SAFE_LANGUAGE = re.compile(r"^[A-Za-z0-9_+#.-]{1,40}$")
CSS_SCOPE = ".highlight"


def fence_language(info: str) -> str:
    """The language named by a fence's info string, or "" when none or not a plain name."""
    words = info.split()
    if not words or not SAFE_LANGUAGE.match(words[0]):
        return ""
    return words[0]


@lru_cache(maxsize=256)
def lexer_for(language: str) -> Lexer | None:
    if not language:
        return None
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound
    try:
        return get_lexer_by_name(language, stripnl=False, stripall=False, ensurenl=False)
    except ClassNotFound:
        return None


@lru_cache(maxsize=512)
def css_class(ttype: _TokenType) -> str:
    """Pygments' short class name for a token type (as ``HtmlFormatter`` names it)."""
    from pygments.token import STANDARD_TYPES
    parts = []
    while ttype not in STANDARD_TYPES:
        parts.append(ttype[-1])
        ttype = ttype.parent
    base = STANDARD_TYPES[ttype]
    return base + "".join(reversed(parts)) if parts else base


def code_tokens(code: str, language: str) -> list[tuple[str, str]]:
    """``(css class, text)`` pieces covering ``code`` exactly; one plain piece when unknown."""
    lexer = lexer_for(language)
    if lexer is None:
        return [("", code)]
    pieces = [(css_class(ttype), value) for ttype, value in lexer.get_tokens(code) if value]
    if "".join(value for _, value in pieces) != code:  # a lexer that rewrote the text
        return [("", code)]
    return pieces


def stylesheet(style: str = "default", dark_style: str = "monokai") -> str:
    """CSS for highlighted code, light and dark schemes."""
    from pygments.formatters import HtmlFormatter
    light = HtmlFormatter(style=style).get_style_defs(CSS_SCOPE)
    dark = HtmlFormatter(style=dark_style).get_style_defs(CSS_SCOPE)
    return (f"{light}\n@media (prefers-color-scheme: dark) {{\n{dark}\n}}\n")
