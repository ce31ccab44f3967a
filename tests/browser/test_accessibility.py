"""axe-core finds no WCAG 2.2 A/AA violation on the main pages, in both colour schemes.

axe runs on the page as a reader gets it (script run, notes laid out), and again with the
interactive states open: a note opened on a narrow screen, a glossary popover shown.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from conftest import require_tool

from .conftest import NARROW, SEED, Site, emulate

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PAGES = ["index.html", SEED, "glossary/index.html", "search/index.html?q=ceasefire",
         "notes/index.html"]


def axe_violations(page: Any) -> list[str]:
    """axe-core's violations for the WCAG tags, one line per rule and element."""
    if not page.evaluate("typeof window.axe === 'object'"):
        try:  # axe-core, as bundled by the package
            from axe_playwright_python.base import AXE_SCRIPT
        except ImportError:
            require_tool(False, "axe-playwright-python is not installed (pip install -e '.[test]')")
        page.evaluate(AXE_SCRIPT)
    results = page.evaluate("(options) => axe.run(document, options)", {
        "runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]})
    return [f"{v['id']} ({v['impact']}): {v['help']}: {node['target']} "
            f"{node.get('failureSummary', '')}"
            for v in results["violations"] for node in v["nodes"]]


@pytest.mark.parametrize("path", PAGES)
def test_no_axe_violations_in_either_scheme(path: str, open_page: Callable[..., Any]) -> None:
    page = open_page(path, scheme="light")
    if path.startswith("search/"):
        page.locator(".search-result").first.wait_for()
    violations = axe_violations(page)
    emulate(page, color_scheme="dark")
    violations += [f"dark: {v}" for v in axe_violations(page)]
    assert not violations, "\n".join(violations)


def test_no_axe_violations_with_a_note_open_and_a_popover_shown(
        open_page: Callable[..., Any]) -> None:
    page = open_page(SEED, width=NARROW)
    page.locator("#ref-raqqa").click()
    page.locator("a.glossary-term").first.focus()
    assert page.locator("#note-raqqa").is_visible()
    assert page.locator(".glossary-popover").is_visible()
    violations = axe_violations(page)
    emulate(page, color_scheme="dark")
    violations += [f"dark: {v}" for v in axe_violations(page)]
    assert not violations, "\n".join(violations)


DANGLING = """() => Array.from(document.querySelectorAll(
  '[aria-describedby], [aria-details], [aria-controls], [aria-labelledby]'), (el) =>
  ['aria-describedby', 'aria-details', 'aria-controls', 'aria-labelledby'].flatMap((name) =>
    (el.getAttribute(name) || '').split(/\\s+/).filter(Boolean)
      .filter((id) => !document.getElementById(id)).map((id) => `${name}=${id}`))).flat()"""


def test_every_aria_reference_names_an_element_of_its_page(
        open_page: Callable[..., Any], site: Site) -> None:
    page = open_page("index.html")
    dangling = {}
    for path in sorted(p.relative_to(site.output).as_posix()
                       for p in site.output.rglob("*.html")):
        if path.startswith("notes/"):
            continue  # below
        page.goto(site.url(path))
        dangling[path] = page.evaluate(DANGLING)
    assert len(dangling) >= 15 and not any(dangling.values()), dangling


def test_glossary_links_on_the_all_notes_page_have_their_definitions(
        open_page: Callable[..., Any]) -> None:
    page = open_page("notes/index.html")
    assert page.locator("a.glossary-term").count() > 0
    assert page.evaluate(DANGLING) == []
    page.locator("a.glossary-term").first.focus()
    assert page.locator(".glossary-popover").is_visible()
