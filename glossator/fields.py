"""Converters for field values: dates, names, languages, URLs, slugs.

Each converter takes a plain YAML value and returns the typed value, or raises
:class:`FieldError` with a message and hints; the schema layer adds the location.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Callable, TypeVar

from .models import Author, PartialDate
from .slugs import slug
from .urls import web_url_problem

T = TypeVar("T")


class FieldError(ValueError):
    """``index``: the list item at fault, when the value is a list (located there)."""

    def __init__(self, message: str, *hints: str, index: int | None = None):
        super().__init__(message)
        self.message = message
        self.hints = list(hints)
        self.index = index


def at_index(index: int, convert: Callable[[], T]) -> T:
    """``convert()`` for one item of a list; a FieldError it raises names the item."""
    try:
        return convert()
    except FieldError as exc:
        if exc.index is None:
            exc.index = index
        raise


def type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    return {int: "a number", float: "a number", str: "text", list: "a list", dict: "a mapping",
            type(None): "nothing"}.get(type(value), type(value).__name__)


def as_text(value: Any, *, raw: str | None = None) -> str:
    """Text; a YAML number keeps the digits as written (``title: 1984``)."""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return raw if raw is not None else str(value)
    if isinstance(value, bool):
        shown = raw or str(value).lower()
        raise FieldError(f"expected text, got the boolean {shown}",
                         f"YAML reads {shown} as a boolean; quote it: \"{shown}\"")
    raise FieldError(f"expected text, got {type_name(value)}")


# Dates -------------------------------------------------------------------------------------

_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_UNSUPPORTED_DATE = ("dates are written YYYY, YYYY-MM or YYYY-MM-DD; BCE dates, 'circa' and "
                     "ranges are not supported yet")


def partial_date(text: str) -> PartialDate:
    match = _PARTIAL_DATE.match(text.strip())
    if not match:
        raise FieldError(f"unsupported date '{text}'", _UNSUPPORTED_DATE)
    year, month, day = (int(g) if g else None for g in match.groups())
    if month is not None and not 1 <= month <= 12:
        raise FieldError(f"invalid date '{text}': there is no month {month}")
    if day is not None:
        try:
            dt.date(year, month, day)  # type: ignore[arg-type]
        except ValueError:
            raise FieldError(f"invalid date '{text}': there is no day {day} in that month")
    return PartialDate(year, month, day)


def full_date(text: str) -> dt.date:
    value = partial_date(text)
    if value.day is None:
        raise FieldError(f"expected a full date YYYY-MM-DD, got '{text}'")
    return value.earliest()


# Names -------------------------------------------------------------------------------------

SUFFIXES = frozenset({"Jr.", "Sr.", "Jr", "Sr", "II", "III", "IV"})
PARTICLES = frozenset({"de", "van", "von", "da", "di", "du", "le", "la"})
HONORIFICS = frozenset({"pres", "president", "mr", "mrs", "ms", "dr", "prof", "sir", "dame",
                        "gen", "col", "capt", "rev", "hon", "sen", "rep", "gov", "mme", "mlle"})
NAME_KEYS = ("family", "given", "particle", "suffix")


def person_from_string(text: str) -> Author:
    """``"Given Family"``, with suffixes and lower-case particles recognised."""
    words = text.replace(",", " ").split()
    if not words:
        raise FieldError("empty author name")
    if words[0].rstrip(".").lower() in HONORIFICS:
        raise FieldError(f"honorific '{words[0]}' in author name '{text}'",
                         f"write the name alone: '{' '.join(words[1:])}'")
    suffix = ""
    if len(words) > 2 and words[-1] in SUFFIXES:
        suffix = words.pop()
    if len(words) < 2:
        raise FieldError(f"author '{text}' has a single name",
                         f"write {{literal: {text}}} for a mononym, or "
                         "{family: …, given: …} for a name written family name first")
    family = words.pop()
    particle: list[str] = []
    while len(words) > 1 and words[-1] in PARTICLES:
        particle.insert(0, words.pop())
    return Author(family=family, given=" ".join(words), particle=" ".join(particle),
                  suffix=suffix)


def author(value: Any) -> Author:
    if isinstance(value, str):
        return person_from_string(value)
    if not isinstance(value, dict):
        raise FieldError(f"expected a name (text or a mapping), got {type_name(value)}")
    keys = set(value)
    for single in ("literal", "organization"):
        if single in keys:
            if keys != {single}:
                raise FieldError(f"'{single}' cannot be combined with other name keys")
            return Author(**{single: as_text(value[single]).strip()})
    unknown = keys - set(NAME_KEYS)
    if unknown:
        raise FieldError(f"unknown name key '{sorted(unknown)[0]}'",
                         "a name mapping has family, given, particle, suffix; "
                         "or literal; or organization")
    if not str(value.get("family") or "").strip():
        raise FieldError("a name mapping needs 'family'")
    return Author(**{k: as_text(value[k]).strip() for k in NAME_KEYS if value.get(k)})


# Languages, URLs, slugs ---------------------------------------------------------------------

# BCP 47 (RFC 5646) well-formedness: language[-script][-region]*(-variant)*(-extension)*[-x-…]
_BCP47 = re.compile(
    r"^(?:(?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4}|[a-z]{5,8})"
    r"(?:-[a-z]{4})?(?:-(?:[a-z]{2}|\d{3}))?"
    r"(?:-(?:[a-z\d]{5,8}|\d[a-z\d]{3}))*"
    r"(?:-[\da-wyz](?:-[a-z\d]{2,8})+)*(?:-x(?:-[a-z\d]{1,8})+)?"
    r"|x(?:-[a-z\d]{1,8})+)$", re.IGNORECASE)


def language(value: Any, *, raw: str | None = None) -> str:
    if isinstance(value, bool):
        shown = raw or ("no" if value is False else "yes")
        raise FieldError(f"YAML reads {shown} as the boolean {str(value).lower()}, not as a "
                         "language tag", f'quote it: language: "{shown}"')
    text = as_text(value, raw=raw).strip()
    if not _BCP47.match(text):
        raise FieldError(f"'{text}' is not a well-formed BCP 47 language tag",
                         "for example en, en-GB, fr, de-CH, zh-Hant")
    return text


def web_url(text: str) -> str:
    problem = web_url_problem(text.strip())
    if problem:
        raise FieldError(f"invalid URL '{text}': {problem}")
    return text.strip()


_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def explicit_slug(text: str, *, key: str = "slug", default: str = "the file name") -> str:
    if not text:
        raise FieldError("must not be empty", f"remove `{key}:` to use the one made from "
                         f"{default}, or write lower-case letters, digits and hyphens")
    if not _SLUG.match(text):
        suggestion = slug(text)
        hints = [f"did you mean '{suggestion}'?"] if suggestion else []
        raise FieldError(f"invalid slug '{text}': use lower-case letters, digits and single "
                         "hyphens", *hints)
    return text
