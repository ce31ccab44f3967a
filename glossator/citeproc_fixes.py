"""Fixes for citeproc-py's known output defects, in one place.

Observed with citeproc-py 0.11.1 (see :data:`OBSERVED_VERSION`). Each fix is a small
monkeypatch of one citeproc-py method, installed by :func:`apply` (idempotent) and removed
by :func:`restore`; :func:`disabled` renders the unfixed output (used by the tests that
prove each fix is still needed).

a. **Punctuation outside quotation marks** (``“Title”.``). citeproc-py reads the locale
   option ``punctuation-in-quote`` in ``Quoted.quote`` but never uses it. Fix: wrap
   ``Layout.render_bibliography`` / ``render_citation``; when the locale the style uses
   (e.g. en-US) has ``punctuation-in-quote="true"``, a period or comma directly after a
   closing quotation mark (the locale's ``close-quote``, or ``close-inner-quote`` when it
   closes an inner quote rather than ending a possessive) moves inside it; a period after
   a quoted ``.``, ``?`` or ``!`` is dropped instead.
b. **Given names initialized despite** ``initialize="false"``. ``Name.process`` calls
   ``Name.initialize`` whenever ``initialize-with`` is set and never reads ``initialize``
   (which is not even among its known options). Chicago and MLA set ``initialize-with``
   on the style and ``initialize="false"`` on full names, so "Donald" became "D.". Fix:
   ``Name.initialize`` honours the (inheritable) ``initialize`` option; when it is
   ``false`` only existing initials are normalized ("James T" -> "James T."), as CSL
   1.0.1 says.
c. **Inner quotes not flipped** (``“Joint “Statement””``). ``Quoted.quote`` adds the outer
   quotation marks around text that may contain its own. Fix: before quoting, double
   quotes in the text (straight ``"`` or the locale's outer marks) become the locale's
   inner marks, skipping markup tags; text that is not quoted (italic titles) is untouched.
d. **text-case="title" ignored on labels** (APA "(J. Doe, ed.)" for "(J. Doe, Ed.)").
   ``TextCased.case`` skips title case unless the language is English, and every caller
   but ``Text`` passes no language. Fix: a missing language means the style's locale.
e. **A period after a title's own ``?`` or ``!``** (APA ``<i>Who Are We?</i>.``).
   citeproc-py only drops a duplicated character at a string seam (``..``), and never
   across markup. Fix: in the same ``Layout`` wrapper as (a), a period after ``?``/``!``
   (or after ``.`` and closing tags: ``<i>etc.</i>.``) is dropped, in every locale.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from citeproc import model
from citeproc.string import MixedString, String

OBSERVED_VERSION = "0.11.1"

_MISSING = object()
_saved: dict[tuple[type, str], Any] = {}
_TAG = re.compile(r"<[^>]*>")
_OPENING_CONTEXT = set("([{‘“«-–—/")
_TERMINAL = set(".?!")
# a period after ? ! or . with closing tags between, at the end of a word (not "?.json")
_DOUBLED_PERIOD = re.compile(r"([.?!])((?:</[a-zA-Z][a-zA-Z0-9]*>)*)\.(?=\s|<|$)")


# --- helpers shared by the fixes ---------------------------------------------------------

_TERMS: dict[tuple[Any, str], str] = {}


def _term(element: Any, name: str) -> str:
    """A locale term (a quotation mark) as ``element`` sees it; looked up once per element
    (a style does not change while it renders; the key keeps the element's proxy alive, as
    in :mod:`glossator.citeproc_speedups`)."""
    key = (element, name)
    term = _TERMS.get(key)
    if term is None:
        term = _TERMS[key] = str(element.get_single_term(name))
    return term


def _visible_tail(text: str) -> str:
    """The last character of ``text`` that is not part of a markup tag ('' if none)."""
    return _TAG.sub("", text)[-1:]


def _rebuild(original: Any, new: str) -> Any:
    """``new`` with the string class of ``original`` (keeps NoCase/String segments)."""
    if new == str(original):
        return original
    if isinstance(original, String) or type(original) is str:
        return type(original)(new)
    return String(new)  # a formatter tag wrapper: its markup is already in ``new``


# --- a and e. punctuation after quotes and titles ------------------------------------------------

def _closes_inner(text: str, pos: int, open_inner: str, close_inner: str) -> bool:
    """Whether an inner quote is open at ``pos`` (apostrophes inside words don't close)."""
    depth = 0
    for i, char in enumerate(text[:pos]):
        if char == open_inner:
            depth += 1
        elif char == close_inner and depth and not text[i + 1:i + 2].isalnum():
            depth -= 1
    return depth > 0


def move_punctuation_inside_quotes(html: str, *, close_quote: str = "”",
                                   open_inner: str = "‘", close_inner: str = "’") -> str:
    """``“Title”.`` -> ``“Title.”``; ``“Title?”.`` -> ``“Title?”`` (US punctuation)."""
    marks = re.escape(close_quote) + re.escape(close_inner)
    pattern = re.compile(f"([{marks}]+)([.,])")

    def move(match: re.Match) -> str:
        run, punct, lead = match.group(1), match.group(2), ""
        if (run[0] == close_inner != close_quote
                and not _closes_inner(html, match.start(), open_inner, close_inner)):
            lead, run = run[0], run[1:]  # an apostrophe (the Joneses’): part of the text
            if not run:
                return match.group(0)
        before = lead or _visible_tail(html[:match.start()])
        if (punct == "." and before in _TERMINAL) or punct == before:
            return lead + run
        return lead + punct + run

    return pattern.sub(move, html)


def drop_doubled_period(html: str) -> str:
    """``<i>Who Are We?</i>.`` -> ``<i>Who Are We?</i>``; ``<i>etc.</i>.`` -> ``<i>etc.</i>``."""
    def drop(match: re.Match) -> str:
        if match.group(1) == "." and not match.group(2):
            return match.group(0)  # ".." in the text itself (citeproc-py merges its own)
        return match.group(1) + match.group(2)

    return _DOUBLED_PERIOD.sub(drop, html)


def _punctuate(element: Any, text: Any) -> Any:
    if text is None:
        return None
    fixed = drop_doubled_period(str(text))
    option = element.get_locale_option("punctuation-in-quote") or "false"
    if option.lower() == "true":
        fixed = move_punctuation_inside_quotes(
            fixed, close_quote=_term(element, "close-quote"),
            open_inner=_term(element, "open-inner-quote"),
            close_inner=_term(element, "close-inner-quote"))
    return _rebuild(text, fixed)


def _render_bibliography(original: Callable) -> Callable:
    def render_bibliography(self, citation_items):
        return [_punctuate(self, entry) for entry in original(self, citation_items)]
    return render_bibliography


def _render_citation(original: Callable) -> Callable:
    def render_citation(self, citation, callback):
        return _punctuate(self, original(self, citation, callback))
    return render_citation


# --- b. initialize="false" ----------------------------------------------------------------

def _is_initials(token: str) -> bool:
    """``T``, ``T.`` or ``J.R.R.``: single capital letters, each optionally dotted."""
    pieces = [p for p in token.split(".") if p]
    return bool(pieces) and all(len(p) == 1 and p.isalpha() and p.isupper() for p in pieces)


def normalize_initials(given: str, mark: str, *, hyphen: bool = True) -> str:
    """Given names kept, existing initials followed by ``mark``: "James T" -> "James T."."""
    parts = given.split("-") if hyphen else [given.replace("-", " ")]
    result = []
    for part in parts:
        tokens = [mark.join(t.replace(".", "")) + mark if _is_initials(t) else t
                  for t in part.split()]
        result.append(" ".join(" ".join(tokens).split()))
    return "-".join(result)


def _inherited(name: Any, option: str, context: Any) -> str | None:
    """An inheritable name option: on cs:name, its cs:citation/cs:bibliography, cs:style."""
    scope = (context if context is not None else name).xpath_search(
        "./ancestor::*[self::cs:citation or self::cs:bibliography][1]")
    for element in (name, *scope, name.get_root()):
        if element.get(option) is not None:
            return element.get(option)
    return None


def _initialize(original: Callable) -> Callable:
    def initialize(self, given, mark, context):
        if (_inherited(self, "initialize", context) or "true").lower() == "false":
            hyphen = self.get_option("initialize-with-hyphen", context)
            return normalize_initials(given, mark, hyphen=hyphen)
        return original(self, given, mark, context)
    return initialize


# --- c. inner quotes ----------------------------------------------------------------------

def _flip(text: str, prev: str, outer: tuple[str, str], inner: tuple[str, str]) -> tuple[str, str]:
    """Replace double quotes outside tags by inner quotes; return (text, last visible char)."""
    out = []
    for piece in re.split(f"({_TAG.pattern})", text):
        if piece.startswith("<") and _TAG.fullmatch(piece):
            out.append(piece)
            continue
        for char in piece:
            if char == '"':
                opening = not prev or prev.isspace() or prev in _OPENING_CONTEXT
                char = inner[0] if opening else inner[1]
            elif char in outer:
                char = inner[outer.index(char)]
            out.append(char)
            prev = char
    return "".join(out), prev


def flip_inner_quotes(text: Any, *, outer: tuple[str, str] = ("“", "”"),
                      inner: tuple[str, str] = ("‘", "’")) -> Any:
    """``Joint "Statement"`` -> ``Joint ‘Statement’`` (for text about to be quoted)."""
    segments = list(text) if isinstance(text, MixedString) else [text]
    prev, rebuilt = "", []
    for segment in segments:
        new, prev = _flip(str(segment), prev, outer, inner)
        rebuilt.append(_rebuild(segment, new))
    return MixedString(rebuilt) if isinstance(text, MixedString) else rebuilt[0]


def _quote(original: Callable) -> Callable:
    def quote(self, string):
        if string and self.get("quotes", "false").lower() == "true":
            outer = (_term(self, "open-quote"), _term(self, "close-quote"))
            inner = (_term(self, "open-inner-quote"), _term(self, "close-inner-quote"))
            string = flip_inner_quotes(string, outer=outer, inner=inner)
        return original(self, string)
    return quote


# --- d. title case of terms ---------------------------------------------------------------

def _case(original: Callable) -> Callable:
    def case(self, text, language=None):
        if language is None:
            language = (self.get_root().get("default-locale") or "en-US")[:2]
        return original(self, text, language)
    return case


# --- installation -------------------------------------------------------------------------

_PATCHES: list[tuple[type, str, Callable[[Callable], Callable]]] = [
    (model.Layout, "render_bibliography", _render_bibliography),
    (model.Layout, "render_citation", _render_citation),
    (model.Name, "initialize", _initialize),
    (model.Quoted, "quote", _quote),
    (model.TextCased, "case", _case),
]


def is_applied() -> bool:
    return bool(_saved)


def apply() -> None:
    """Install every fix (once: calling it again does nothing)."""
    if _saved:
        return
    for cls, name, make in _PATCHES:
        _saved[(cls, name)] = cls.__dict__.get(name, _MISSING)
        setattr(cls, name, make(getattr(cls, name)))


def restore() -> None:
    """Put citeproc-py back as it was before :func:`apply`."""
    for (cls, name), original in _saved.items():
        if original is _MISSING:
            delattr(cls, name)
        else:
            setattr(cls, name, original)
    _saved.clear()


@contextmanager
def disabled() -> Iterator[None]:
    """Render with citeproc-py's own behaviour inside the block (for tests)."""
    was_applied = is_applied()
    restore()
    try:
        yield
    finally:
        if was_applied:
            apply()
