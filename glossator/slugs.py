"""Slugs: the one rule for source slugs, tag slugs, glossary term ids and ``new``.

``slug(s)`` = NFKD, drop combining marks, casefold, delete apostrophes, transliterate a few
letters that do not decompose, replace every run of other characters outside ``[a-z0-9]`` by
``-``, strip ``-``. An empty result means the caller must ask for an explicit ``slug:``/``id:``.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

RESERVED_SLUGS = frozenset({"glossary", "tags", "notes", "search", "pagefind", "assets"})

_APOSTROPHES = str.maketrans("", "", "'\u2019\u02bc")
_LETTERS = str.maketrans({"đ": "d", "ø": "o", "ß": "ss", "æ": "ae", "œ": "oe", "ł": "l",
                          "þ": "th"})
_OTHER = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=65536)
def slug(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    # combining marks are general category M; some (U+20DD, U+0903, U+FE0F) have class 0
    bare = "".join(c for c in decomposed if not unicodedata.category(c).startswith("M"))
    folded = bare.casefold().translate(_APOSTROPHES).translate(_LETTERS)
    return _OTHER.sub("-", folded).strip("-")
