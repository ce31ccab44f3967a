"""The text equivalences shared by anchoring and glossary linking.

Every run of Unicode whitespace equals any other run; the single quotes ‘ ’ ‚ ‛ ′ equal ``'``
and the double quotes “ ” „ ‟ ″ equal ``"``; otherwise matching is exact. A :class:`MatchText`
is the *key* of a text (whitespace runs collapsed to one space, quotes mapped to ASCII) plus the
way back from key offsets to offsets in the original text, so a highlight wraps the original
characters.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass

QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'",
                        "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"'})
_QUOTE_PAIRS = [(chr(code), plain) for code, plain in QUOTES.items()]


def plain_quotes(text: str) -> str:
    """``text.translate(QUOTES)``: each quotation mark replaced where the text has it.
    ``str.translate`` looks every character up in the table (16 µs for a body of 10,000
    characters); a search for each of the ten marks is a fast scan (0.3 µs in all), and
    most texts have none of them, or two or three."""
    for mark, plain in _QUOTE_PAIRS:
        if mark in text:
            text = text.replace(mark, plain)
    return text


_WHITESPACE = re.compile(r"\s+")
# A whitespace run that is not one " ": two characters or more, or one that is not " ". Written
# to start with "\s", which lets the regex engine skip to the next whitespace character; the
# plain spelling, r"\s{2,}|[^\S ]", tried both branches at every character (keying a body:
# 0.83 -> 0.2-0.4 ms; tests/test_anchoring.py holds the two spellings equal).
_UNLIKE_A_SPACE = re.compile(r"\s(?:(?<! )|(?=\s))\s*")
# Every character but " " that "\s" matches (str.isspace; the test checks every code point)
OTHER_WHITESPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004"
                    "\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")


def normalize_query(text: str) -> str:
    """The key of a quote, prefix, suffix or glossary term: stripped, NFC, equivalences applied."""
    text = unicodedata.normalize("NFC", text).strip()
    return plain_quotes(_WHITESPACE.sub(" ", text))


@dataclass
class MatchText:
    """A text and its matching key; offsets convert both ways."""

    text: str
    key: str
    _key_runs: list[int]  # key offset of each collapsed whitespace run (other than " ")
    _orig_runs: list[int]  # original offset of the same run
    _orig_ends: list[int]  # original end offset of the same run

    @classmethod
    def of(cls, text: str) -> MatchText:
        if "  " not in text and not any(c in text for c in OTHER_WHITESPACE):
            return cls(text, plain_quotes(text), [], [], [])  # no run: the key is the text
        return cls.with_runs(text)

    @classmethod
    def with_runs(cls, text: str) -> MatchText:
        """:meth:`of` for a text that may have whitespace runs. Most texts have none (a
        body's soft breaks are spaces in its anchor text); asking whether a text has two
        spaces or another whitespace character takes 28 fast scans, where the pattern,
        tried at each of a body's 1,500 spaces, took 130 µs (a document's body and notes
        were keyed in 0.26 ms, now 0.11 ms)."""
        key_parts: list[str] = []
        key_runs, orig_runs, orig_ends = [], [], []
        last = key_len = 0
        for m in _UNLIKE_A_SPACE.finditer(text):  # a single space is its own key already
            key_parts.append(text[last:m.start()])
            key_len += m.start() - last
            key_runs.append(key_len)
            orig_runs.append(m.start())
            orig_ends.append(m.end())
            key_parts.append(" ")
            key_len += 1
            last = m.end()
        key_parts.append(text[last:])
        key = plain_quotes("".join(key_parts))
        return cls(text, key, key_runs, orig_runs, orig_ends)

    def to_orig_start(self, k: int) -> int:
        """Original offset where key character ``k`` starts."""
        i = bisect.bisect_right(self._key_runs, k) - 1
        if i < 0:
            return k
        if self._key_runs[i] == k:
            return self._orig_runs[i]
        return self._orig_ends[i] + (k - self._key_runs[i] - 1)

    def to_orig_end(self, k: int) -> int:
        """Original offset just after key character ``k - 1`` (an exclusive end)."""
        if k == 0:
            return 0
        i = bisect.bisect_right(self._key_runs, k - 1) - 1
        if i >= 0 and self._key_runs[i] == k - 1:
            return self._orig_ends[i]
        return self.to_orig_start(k - 1) + 1

    def to_key(self, o: int) -> int:
        """Key offset of the character at original offset ``o`` (whitespace maps to its run)."""
        i = bisect.bisect_right(self._orig_runs, o) - 1
        if i < 0:
            return o
        if o < self._orig_ends[i]:
            return self._key_runs[i]
        return self._key_runs[i] + 1 + (o - self._orig_ends[i])


def find_all(key: str, needle: str) -> list[int]:
    """Every start of ``needle`` in ``key``, overlapping occurrences included."""
    found = []
    i = key.find(needle)
    while i != -1:
        found.append(i)
        i = key.find(needle, i + 1)
    return found


def preceded_by(key: str, start: int, prefix: str) -> bool:
    """``prefix`` ends right before ``start``, allowing one whitespace run at the junction."""
    if key.endswith(prefix, 0, start):
        return True
    return start > 0 and key[start - 1] == " " and key.endswith(prefix, 0, start - 1)


def followed_by(key: str, end: int, suffix: str) -> bool:
    """``suffix`` starts right after ``end``, allowing one whitespace run at the junction."""
    if key.startswith(suffix, end):
        return True
    return end < len(key) and key[end] == " " and key.startswith(suffix, end + 1)
