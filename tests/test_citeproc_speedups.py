"""citeproc_speedups changes how much work citeproc-py does, never what it renders."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from citeproc import model, source
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
    assert vars(source.CitationItem)["reference"].fget is not citeproc_speedups._reference
    citeproc_speedups.apply()
    citeproc_speedups.apply()  # idempotent
    assert model.CitationStylesElement.xpath_search is patched
    assert vars(source.CitationItem)["reference"].fget is citeproc_speedups._reference


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
