"""Plain data: what the loaders produce and the renderers consume. No I/O here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .errors import Location

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date known to the year, the month or the day (historical documents are often partial)."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def parts(self) -> list[int]:
        return [p for p in (self.year, self.month, self.day) if p is not None]

    def iso(self) -> str:
        """``1863``, ``1789-08`` or ``2017-11-11``: the precision the editor gave."""
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        return text

    def earliest(self) -> dt.date:
        """The first day the date can mean (used for sorting)."""
        return dt.date(self.year, self.month or 1, self.day or 1)

    def display(self) -> str:
        """``11 November 2017``, ``August 1789`` or ``1863``."""
        if self.month is None:
            return str(self.year)
        month = MONTHS[self.month - 1]
        if self.day is None:
            return f"{month} {self.year}"
        return f"{self.day} {month} {self.year}"

    @classmethod
    def from_date(cls, value: dt.date) -> PartialDate:
        return cls(value.year, value.month, value.day)


@dataclass(frozen=True)
class Author:
    """A person (``given``/``family``…), a mononym (``literal``) or an ``organization``."""

    family: str = ""
    given: str = ""
    particle: str = ""
    suffix: str = ""
    literal: str = ""
    organization: str = ""

    @property
    def is_person(self) -> bool:
        return bool(self.family)

    def display(self) -> str:
        if self.organization:
            return self.organization
        if self.literal:
            return self.literal
        name = " ".join(p for p in (self.given, self.particle, self.family) if p)
        return f"{name} {self.suffix}".strip() if self.suffix else name

    def csl(self) -> dict[str, str]:
        """The CSL-JSON name object."""
        if self.organization or self.literal:
            return {"literal": self.organization or self.literal}
        name = {"family": self.family}
        if self.given:
            name["given"] = self.given
        if self.particle:
            name["non-dropping-particle"] = self.particle
        if self.suffix:
            name["suffix"] = self.suffix
        return name


@dataclass(frozen=True)
class Via:
    """An intermediate publication the text was taken from."""

    publisher: str
    date: PartialDate | None = None
    url: str = ""
    title: str = ""
    note: str = ""


@dataclass
class Source:
    """One primary source: ``sources/<stem>.md``."""

    stem: str
    path: str  # relative to the site root, e.g. "sources/speech.md"
    slug: str
    title: str
    date: PartialDate
    added: dt.date
    publisher: str
    body: str  # Markdown, NFC, without BOM or front matter
    body_line: int  # 0-based line of the file where the body starts
    authors: list[Author] = field(default_factory=list)
    url: str = ""
    via: list[Via] = field(default_factory=list)
    place: str = ""
    language: str = "en"
    summary: str = ""
    rights: str = ""
    license_url: str = ""
    tags: list[str] = field(default_factory=list)
    draft: bool = False
    location: Location | None = None  # of the file (for problems without a finer position)
    field_locations: dict[tuple, Location] = field(default_factory=dict)  # ("tags", 0) -> …

    def loc(self, *keys: object) -> Location:
        """Where a front-matter value was written (the file's start when unknown)."""
        return self.field_locations.get(keys) or self.location or Location(self.path)


@dataclass
class Note:
    """One annotation: a comment anchored to a quoted passage of its source."""

    id: str
    quote: str
    note: str  # Markdown
    prefix: str = ""
    suffix: str = ""
    author: str = ""
    location: Location | None = None  # of the ``quote`` value
    note_location: Location | None = None  # of the first line of the note's Markdown text
    note_flat: bool = False  # written as a quoted or folded scalar (see safety.Where.flat)
    prefix_location: Location | None = None
    suffix_location: Location | None = None


@dataclass
class Annotations:
    """``annotations/<stem>.yaml``."""

    stem: str
    path: str
    introduction: str = ""
    notes: list[Note] = field(default_factory=list)
    introduction_start: Location | None = None  # where the introduction's text starts
    introduction_flat: bool = False  # written as a quoted or folded scalar


@dataclass
class Term:
    """A glossary entry."""

    id: str
    term: str
    definition: str  # Markdown
    aliases: list[str] = field(default_factory=list)
    case_sensitive: bool = True
    location: Location | None = None
    definition_location: Location | None = None  # where the definition's text starts
    definition_flat: bool = False  # written as a quoted or folded scalar


@dataclass
class Glossary:
    terms: list[Term] = field(default_factory=list)
    path: str = "annotations/glossary.yaml"

    def by_id(self) -> dict[str, Term]:
        return {t.id: t for t in self.terms}
