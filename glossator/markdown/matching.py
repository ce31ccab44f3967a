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
_WHITESPACE = re.compile(r"\s+")
# A whitespace run that is not one " ": two characters or more, or one that is not " ". Written
# to start with "\s", which lets the regex engine skip to the next whitespace character; the
# plain spelling, r"\s{2,}|[^\S ]", tried both branches at every character (keying a body:
# 0.83 -> 0.2-0.4 ms; tests/test_anchoring.py holds the two spellings equal).
_UNLIKE_A_SPACE = re.compile(r"\s(?:(?<! )|(?=\s))\s*")


def normalize_query(text: str) -> str:
    """The key of a quote, prefix, suffix or glossary term: stripped, NFC, equivalences applied."""
    text = unicodedata.normalize("NFC", text).strip()
    return _WHITESPACE.sub(" ", text).translate(QUOTES)


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
        key = "".join(key_parts).translate(QUOTES)
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
