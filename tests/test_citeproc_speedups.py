"""citeproc_speedups changes how much work citeproc-py does, never what it renders."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from citeproc import model, source
from citeproc import string as string_module
from citeproc.formatter import html as html_formatter
from citeproc.string import MixedString, NoCase, String
from lxml import etree

from glossator import citeproc_speedups
from glossator.citations import CitationRenderer

FIXTURES = Path(__file__).parent / "fixtures" / "citations"
# The defaults and a spread of other widely used styles (author-date, numeric, other locales)
STYLES = ["chicago-notes-bibliography", "modern-language-association", "apa",
          "chicago-author-date", "harvard-cite-them-right", "ieee", "nature",
          "elsevier-harvard", "american-sociological-association",
          "deutsche-gesellschaft-fur-psychologie", "iso690-author-date-en"]


def items() -> list[dict]:
    found = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(FIXTURES.glob("*.json"))]
    assert len(found) >= 5
    return found


def render_all(renderer: CitationRenderer) -> list[list[str]]:
    return [[c.html for c in renderer.render(item)] for item in items()]


@pytest.fixture
def renderer():
    yield CitationRenderer(STYLES)  # the constructor applies the speedups
    citeproc_speedups.apply()  # leave them on for the rest of the suite


def test_output_is_identical_with_and_without_the_speedups(renderer):
    fast = render_all(renderer)
    citeproc_speedups.restore()
    slow = render_all(renderer)
    assert fast == slow
    assert len(fast) == len(items()) and all(len(row) == len(STYLES) for row in fast)


def test_the_speedups_can_be_removed_and_applied_again(renderer):
    patched = model.CitationStylesElement.xpath_search
    citeproc_speedups.restore()
    assert model.CitationStylesElement.xpath_search is not patched
    assert vars(source.CitationItem)["reference"] is not citeproc_speedups._reference
    citeproc_speedups.apply()
    citeproc_speedups.apply()  # idempotent
    assert model.CitationStylesElement.xpath_search is patched
    assert vars(source.CitationItem)["reference"] is citeproc_speedups._reference


def count_xpath(renderer: CitationRenderer, monkeypatch: pytest.MonkeyPatch) -> int:
    calls = []

    def counting(self, *args, **kwargs):
        calls.append(1)
        return etree._Element.xpath(self, *args, **kwargs)
    with monkeypatch.context() as patch:
        patch.setattr(model.CitationStylesElement, "xpath", counting, raising=False)
        render_all(renderer)
    return len(calls)


def test_xpath_is_evaluated_far_less_often(renderer, monkeypatch):
    """Work, not time (timings are in docs/performance.md): XPath evaluations per run."""
    citeproc_speedups.restore()
    slow = count_xpath(renderer, monkeypatch)
    citeproc_speedups.apply()
    render_all(renderer)  # fill the caches, as the first document of a build does
    fast = count_xpath(renderer, monkeypatch)
    assert slow > 1000 and fast * 20 < slow


# --- items of many shapes, one after another ---------------------------------------------------
# The memoised branch choice is keyed by what a cs:choose's conditions read (the type, which
# variables are present, numeric values, uncertain dates); a run of items of different shapes
# through the same styles must render exactly as the unpatched library renders each one.

PERSONS = [{"family": "Trump", "given": "Donald"}, {"family": "Putin", "given": "Vladimir"},
           {"family": "van Gogh", "given": "Vincent", "non-dropping-particle": "van"},
           {"literal": "United Nations"}, {"family": "Li", "given": "Wei"}]
SHAPE_STYLES = ["chicago-notes-bibliography", "modern-language-association", "apa",
                "chicago-author-date", "ieee"]


def _date(parts: list[int], circa: bool) -> dict:
    date: dict = {"date-parts": [parts]}
    if circa:
        date["circa"] = True
    return date


dates = st.builds(_date, st.lists(st.integers(1, 28), min_size=0, max_size=2).map(
    lambda rest: [1990 + len(rest)] + rest), st.booleans())
optional = {
    "author": st.lists(st.sampled_from(PERSONS), min_size=1, max_size=4),
    "editor": st.lists(st.sampled_from(PERSONS), min_size=1, max_size=2),
    "translator": st.lists(st.sampled_from(PERSONS), min_size=1, max_size=1),
    "issued": dates, "original-date": dates, "accessed": dates,
    "container-title": st.sampled_from(["Annotated Statements", "Journal of “Things”"]),
    "publisher": st.sampled_from(["The White House", "Kremlin"]),
    "publisher-place": st.just("Washington, DC"),
    "original-publisher": st.just("Global Research"),
    "original-title": st.just("Joint Statement"),
    "edition": st.sampled_from(["2", "second", "3rd"]),
    "volume": st.sampled_from(["12", "XII", "vol. 3"]),
    "issue": st.sampled_from(["4", "spring"]),
    "page": st.sampled_from(["10-20", "7", "ix"]),
    "number": st.sampled_from(["17", "A-3"]),
    "URL": st.just("https://example.org/a/"), "DOI": st.just("10.1000/xyz"),
    "title-short": st.just("Statement"), "container-title-short": st.just("Statements"),
    "collection-title": st.just("Papers"), "collection-number": st.sampled_from(["5", "V"]),
    "number-of-pages": st.just("250"), "chapter-number": st.just("3"),
    "language": st.sampled_from(["en", "en-GB", "fr", "de"]),
}
shapes = st.fixed_dictionaries(
    {"type": st.sampled_from(["webpage", "book", "article-journal", "chapter", "report",
                              "legal_case", "speech", "article-newspaper"]),
     "title": st.sampled_from(["A joint statement", "Who are we?", "The “free” press",
                               "Papers of the U.S.", "A title, ", " spaced  "])},
    optional={k: v for k, v in optional.items()})


def outcome(renderer: CitationRenderer, item: dict) -> list[str] | str:
    try:
        return [c.html for c in renderer.render(item)]
    except ValueError as error:  # a style that renders nothing for so bare an item
        return repr(error)


@settings(max_examples=15, deadline=None)
@given(st.lists(shapes, min_size=2, max_size=6))
def test_items_of_many_shapes_render_as_without_the_speedups(shaped):
    shaped = [dict(item, id=f"item-{n}") for n, item in enumerate(shaped)]
    try:
        citeproc_speedups.apply()
        renderer = CitationRenderer(SHAPE_STYLES)
        fast = [outcome(renderer, item) for item in shaped]
        citeproc_speedups.restore()
        slow = [outcome(renderer, item) for item in shaped]
    finally:
        citeproc_speedups.apply()
    assert fast == slow


# --- string seams --------------------------------------------------------------------------

pieces = st.sampled_from(["", " ", ".", ",", "a", "a.", ". ", "?", "  ", "a b ", " .a"])
segments = st.builds(lambda cls, text: cls(text), st.sampled_from(
    [String, NoCase, html_formatter.Italic, str]), pieces)
mixed = st.recursive(segments, lambda inner: st.lists(inner, max_size=4).map(MixedString),
                     max_leaves=8)


@settings(max_examples=300, deadline=None)
@given(mixed, mixed)
def test_a_seam_is_normalised_as_citeproc_py_normalises_it(left, other):
    """From the characters at the seam, read from the segments, rather than from the two
    strings made whole: the same result, of the same structure."""
    citeproc_speedups.apply()
    assert string_module.normalize_seam is citeproc_speedups._normalize_seam
    assert model.normalize_seam is citeproc_speedups._normalize_seam
    slow = citeproc_speedups._ORIGINALS[(string_module, "normalize_seam")](left, other)
    fast = citeproc_speedups._normalize_seam(left, other)
    assert (type(fast), repr(fast), str(fast)) == (type(slow), repr(slow), str(slow))


def test_stripped_periods_render_as_without_the_speedups():
    """No default style strips periods; Cite Them Right strips them from "vol." and "ed."."""
    book = {"id": "b", "type": "book", "title": "Papers", "edition": "2", "publisher": "Kremlin",
            "number-of-volumes": "3", "issued": {"date-parts": [[2001]]},
            "author": [{"family": "Li", "given": "Wei"}]}
    try:
        citeproc_speedups.apply()
        renderer = CitationRenderer(["harvard-cite-them-right"])
        fast = outcome(renderer, book)
        citeproc_speedups.restore()
        slow = outcome(renderer, book)
    finally:
        citeproc_speedups.apply()
    assert fast == slow
    assert "(3 vol)" in fast[0]


# --- children that cannot print anything, skipped ------------------------------------------------
# A style written for the edge cases of that rule: a group of terms alone (it prints, with no
# variable in it), a number of ``page-first`` (read from ``page``), a short form, a group of a
# term and a missing variable met inside a substitute (rendered there without the skip, where
# citeproc-py's count of the variables it calls must still be right), a macro, a generated
# variable.

EDGE_STYLE = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info>
    <title>Edge cases</title><id>edge-cases</id><updated>2026-11-28T00:00:00+00:00</updated>
  </info>
  <macro name="short-title"><text variable="title" form="short" font-style="italic"/></macro>
  <macro name="edition">
    <group delimiter=" "><number variable="edition" form="ordinal"/><text term="edition"/></group>
  </macro>
  <citation><layout><text variable="title"/></layout></citation>
  <bibliography>
    <layout delimiter="; ">
      <group delimiter=" "><text term="in"/><text value="[terms only]"/></group>
      <number variable="page-first" prefix="p. "/>
      <text variable="page-first" prefix="from "/>
      <text macro="edition"/>
      <names variable="author">
        <name/>
        <substitute>
          <group delimiter=" "><text term="in"/><text variable="container-title"/></group>
          <names variable="editor"/>
          <text variable="title"/>
        </substitute>
      </names>
      <text macro="short-title"/>
      <choose>
        <if variable="DOI"><text variable="DOI" prefix="doi:"/></if>
        <else><text term="no date"/></else>
      </choose>
      <group delimiter=", "><text variable="URL"/><text variable="year-suffix"/></group>
      <group><text variable="citation-number"/></group>
    </layout>
  </bibliography>
</style>
"""

EDGE_ITEMS = [
    {"type": "book", "title": "A joint statement"},
    {"type": "book", "title": "A joint statement", "title-short": "Statement",
     "author": [PERSONS[0]], "page": "10-20", "edition": "2", "DOI": "10.1000/xyz"},
    {"type": "chapter", "title": "Who are we?", "container-title": "Annotated Statements",
     "page": "7", "URL": "https://example.org/a/"},
    {"type": "chapter", "title": "Who are we?", "editor": [PERSONS[1]], "edition": "3"},
]


def edge_outcomes(style_path: Path) -> list[list[str] | str]:
    from citeproc import CitationStylesStyle
    from citeproc.source.json import CiteProcJSON

    from glossator.citations import _bibliography_entry

    style = CitationStylesStyle(str(style_path), validate=False)
    found: list[list[str] | str] = []
    for n, item in enumerate(EDGE_ITEMS):
        key = f"edge-{n}"
        try:
            found.append([_bibliography_entry(style, CiteProcJSON([dict(item, id=key)]), key)])
        except ValueError as error:
            found.append(repr(error))
    return found


def test_children_that_cannot_print_are_skipped_without_changing_the_output(tmp_path):
    path = tmp_path / "edge-cases.csl"
    path.write_text(EDGE_STYLE, encoding="utf-8")
    CitationRenderer([])  # the fixes and the speedups, as in a build
    try:
        fast = edge_outcomes(path)
        citeproc_speedups.restore()
        slow = edge_outcomes(path)
    finally:
        citeproc_speedups.apply()
    assert fast == slow
    first, second, third, fourth = (row[0] for row in fast)
    assert "in [terms only]" in first and "p. 10" in second and "from 10" in second
    assert "<i>Statement</i>" in second and "in Annotated Statements" in third
    assert "Vladimir Putin" in fourth or "Putin" in fourth


def test_children_whose_variables_are_all_missing_are_not_rendered(renderer, monkeypatch):
    """Work, not time: how many times a ``cs:text`` is rendered for the fixtures."""
    def count_texts() -> int:
        calls = []
        original = model.Text.render

        def counting(self, *args, **kwargs):
            calls.append(1)
            return original(self, *args, **kwargs)
        with monkeypatch.context() as patch:
            patch.setattr(model.Text, "render", counting)
            render_all(renderer)
        return len(calls)
    citeproc_speedups.restore()
    slow = count_texts()
    citeproc_speedups.apply()
    fast = count_texts()
    assert slow > 1000 and fast * 4 < slow * 3
