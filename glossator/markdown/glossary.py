"""Glossary linking: one compiled matcher for every term and alias.

Terms match within one run of text not interrupted by inline markup, with the anchoring
equivalences (whitespace runs, quotation marks, NFC) and each term's case rule. Scanning goes
left to right; at each position the longest term that matches there with a word boundary on both
sides wins, and scanning continues after it. Case-sensitive and case-insensitive terms are two
trie-shaped regular expressions, so the cost per character does not grow with the glossary.
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata
from dataclasses import dataclass
from typing import Callable

from markdown_it.token import Token

from ..models import Term
from .matching import MatchText, normalize_query
from .soft_breaks import NEWLINE_REFERENCE


_MARK_CATEGORIES = ("Mn", "Mc", "Me")


@functools.cache
def _mark_class() -> str:
    """A regex character class of every Unicode combining mark (categories Mn, Mc, Me).

    Made on first need only (it looks at every code point: about 0.3 s): see
    GlossaryMatcher._search."""
    ranges: list[list[int]] = []
    for cp in range(sys.maxunicode + 1):
        if unicodedata.category(chr(cp)) in _MARK_CATEGORIES:
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1][1] = cp
            else:
                ranges.append([cp, cp])
    return "[" + "".join(re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "")
                         for a, b in ranges) + "]"


# Word characters are Unicode letters, marks and digits (not "_", unlike \w). Both boundaries
# are checked cheaply first: the left one in Python (a pattern that starts with a lookbehind
# cannot use the regex engine's fast scan for the possible first characters), the right one by
# a lookahead for letters and digits only. A match followed by a combining mark (rare after
# NFC) is redone with the full lookahead, which may settle on a shorter term.


def _is_mark(ch: str) -> bool:
    return unicodedata.category(ch) in _MARK_CATEGORIES


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or _is_mark(ch)


def trie_regex(words: list[str]) -> str:
    """A regex matching any of ``words``, longest first, shaped like a trie."""
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _emit(trie)


def _emit(node: dict) -> str:
    alternatives = [re.escape(ch) + _emit(child) for ch, child in sorted(node.items()) if ch]
    if not alternatives:
        return ""
    body = alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"
    if "" in node:  # a word ends here: the longer continuation is optional (tried first)
        return ("(?:" + body + ")?") if len(alternatives) == 1 else body + "?"
    return body


@dataclass(frozen=True)
class Link:
    """A glossary link over ``[start, end)`` of an anchor text."""

    start: int
    end: int
    term_id: str


def _special_folds() -> re.Pattern:
    """The letters re.IGNORECASE holds equal to others beyond lower-casing (Python's
    ``re._casefix``), but "i" and "s", which only match such letters: "ı", "ſ", "ς", "ϐ"…
    Without that table (a later Python), every letter beyond ASCII."""
    try:
        from re import _casefix  # type: ignore[attr-defined]
    except ImportError:
        return re.compile(r"[^\x00-\x7f]")
    letters = {chr(code) for key, others in _casefix._EXTRA_CASES.items()
               for code in (key, *others) if code > 0x7F}
    return re.compile("[" + "".join(re.escape(c) for c in sorted(letters)) + "]")


_SPECIAL_FOLDS = _special_folds()


class _TermPattern:
    """A trie of spellings, followed by no letter or digit (``quick``) or also no mark;
    ``lowered``: the spellings are lower case, to search the lower-cased text with."""

    def __init__(self, source: str, flags: int, *, lowered: bool = False):
        self.source, self.flags, self.lowered = source, flags, lowered
        self.quick = re.compile(source + r"(?![^\W_])", flags)
        self._strict: re.Pattern | None = None

    def strict(self) -> re.Pattern:
        if self._strict is None:
            self._strict = re.compile(rf"{self.source}(?![^\W_]|{_mark_class()})", self.flags)
        return self._strict


class GlossaryMatcher:
    """Finds glossary terms in text; built once per build from all terms and aliases."""

    def __init__(self, terms: list[Term]):
        self.exact: dict[str, str] = {}
        self.folded: dict[str, str] = {}
        for term in terms:
            for spelling in [term.term, *term.aliases]:
                key = normalize_query(spelling)
                if not key:
                    continue
                if term.case_sensitive:
                    self.exact[key] = term.id
                else:
                    self.folded[key.lower()] = term.id
        # Case-insensitive spellings are searched for in the lower-cased text: about five
        # times faster than re.IGNORECASE, which keeps the regex engine from skipping ahead
        # to the characters a term may start with. The two agree but where re.IGNORECASE
        # holds more letters equal than lower-casing does ("ſ" and "s", "ς" and "σ"): a
        # glossary or a text with one of those, or a text that lower-casing makes longer
        # ("İ"), is searched with re.IGNORECASE.
        folded = list(self.folded)
        lowered = not any(_SPECIAL_FOLDS.search(spelling) for spelling in folded)
        self.patterns = [p for p in (self._compile(list(self.exact), 0),
                                     self._compile(folded, 0 if lowered else re.IGNORECASE,
                                                   lowered=lowered)) if p]

    @functools.cached_property
    def _ignoring_case(self) -> _TermPattern | None:
        """The case-insensitive spellings with re.IGNORECASE, made on the first text that
        needs it (most never do)."""
        return self._compile(list(self.folded), re.IGNORECASE)

    @staticmethod
    def _compile(words: list[str], flags: int, *, lowered: bool = False) -> _TermPattern | None:
        return (_TermPattern("(?:" + trie_regex(words) + ")", flags, lowered=lowered)
                if words else None)

    def _searches(self, key: str) -> list[tuple[_TermPattern, str]]:
        """Each pattern with the text it searches (``key`` or ``key`` lower-cased)."""
        lowered = key.lower() if any(p.lowered for p in self.patterns) else key
        # (a text with such a letter still has one lower-cased: tests/test_glossary_linking.py)
        if lowered is not key and (len(lowered) != len(key) or _SPECIAL_FOLDS.search(lowered)):
            return self._searches_ignoring_case(key)
        return [(p, lowered if p.lowered else key) for p in self.patterns]

    def _searches_ignoring_case(self, key: str) -> list[tuple[_TermPattern, str]]:
        """Each pattern with ``key`` as written; the case-insensitive spellings searched for
        with re.IGNORECASE."""
        return [(p, key) if not p.lowered else (self._ignoring_case, key)  # type: ignore
                for p in self.patterns]

    @staticmethod
    def _search(pattern: _TermPattern, key: str, pos: int, begin: int,
                end: int) -> re.Match | None:
        """The first match at or after ``pos`` with a word boundary on both sides, in
        ``key[begin:end]`` taken as a text of its own (its ends are boundaries)."""
        match = pattern.quick.search(key, pos, end)
        while match is not None:
            start, stop = match.span()
            if not (start > begin and _is_word_char(key[start - 1])):
                if stop == end or not _is_mark(key[stop]):
                    return match
                strict = pattern.strict().match(key, start, end)
                if strict is not None:
                    return strict
            match = pattern.quick.search(key, start + 1, end)
        return None

    def term_id(self, matched: str) -> str | None:
        return self.exact.get(matched) or self.folded.get(matched.lower())

    def find(self, text: str) -> list[Link]:
        """Leftmost-longest, non-overlapping matches in ``text`` (offsets into ``text``)."""
        if not self.patterns or not text:
            return []
        mt = MatchText.of(text)
        return self.finder(mt)(0, len(mt.key))

    def finder(self, mt: MatchText) -> Callable[[int, int], list[Link]]:
        """``find`` for pieces of one text: the matches in its key's ``[begin, end)``, as if
        that piece were a text of its own (offsets into ``mt.text``). The text is keyed and
        lower-cased once, not once per piece (a body has about a hundred runs of text)."""
        key = mt.key
        searches = self._searches(key) if self.patterns else []

        def find(begin: int, end: int) -> list[Link]:
            found: list[Link] = []
            pos = begin
            nexts: list[re.Match | None] = [self._search(p, searched, pos, begin, end)
                                            for p, searched in searches]
            while True:
                live = [m for m in nexts if m is not None]
                if not live:
                    return found
                best = min(live, key=lambda m: (m.start(), -m.end()))
                start, stop = best.span()
                term_id = self.term_id(key[start:stop])  # as written (a search may be lowered)
                if term_id is not None:
                    found.append(Link(mt.to_orig_start(start), mt.to_orig_end(stop), term_id))
                pos = stop
                nexts = [m if m is not None and m.start() >= pos else
                         (self._search(p, searched, pos, begin, end) if m is not None else None)
                         for (p, searched), m in zip(searches, nexts)]
        return find


# Which inline runs may hold glossary links ------------------------------------------------

RUN_TYPES = frozenset({"text", "softbreak", NEWLINE_REFERENCE})


def text_runs(tokens: list[Token]) -> list[list[Token]]:
    """Runs of text (soft breaks included) outside links and headings, in document order."""
    runs: list[list[Token]] = []
    in_heading = False
    for token in tokens:
        if token.type == "heading_open":
            in_heading = True
        elif token.type == "heading_close":
            in_heading = False
        elif token.type == "inline" and not in_heading:
            runs.extend(_runs_in(token.children or []))
    return runs


def _runs_in(children: list[Token]) -> list[list[Token]]:
    runs: list[list[Token]] = []
    current: list[Token] = []
    link_depth = 0
    for child in children:
        if child.type in RUN_TYPES and link_depth == 0 and "anchor" in child.meta:
            current.append(child)
            continue
        if current:
            runs.append(current)
            current = []
        if child.type == "link_open":
            link_depth += 1
        elif child.type == "link_close":
            link_depth -= 1
    if current:
        runs.append(current)
    return runs


def link_terms(tokens: list[Token], anchor: MatchText, matcher: GlossaryMatcher, *,
               mode: str = "first", used: set[str] | None = None) -> list[Link]:
    """Glossary links of one context (a body, an introduction, a note), in anchor offsets.

    ``anchor`` is the context's anchor text, keyed (``AnchorText.match``); each run of text
    is searched on its own. ``mode`` is ``first`` (only the first match of each entry in
    this context) or ``all``. ``used`` collects the term ids linked.
    """
    linked: set[str] = set()
    links: list[Link] = []
    find = matcher.finder(anchor)
    for run in text_runs(tokens):
        start = run[0].meta["anchor"]
        last = run[-1]
        end = last.meta["anchor"] + (1 if last.type == "softbreak" else len(last.content))
        for link in find(anchor.to_key(start), anchor.to_key(end)):
            if mode == "first" and link.term_id in linked:
                continue
            linked.add(link.term_id)
            links.append(link)
    if used is not None:
        used |= linked
    return links
