"""Full-text search with Pagefind, in the browser: documents, notes and glossary entries as
results, type and tag filters, and the whole site under a sub-path of a static host."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .conftest import NARROW, SEED, SUB_PATH, Site

SEED_TITLE = ("Joint Statement by the President of the United States and the President of "
              "the Russian Federation")


def results(page: Any) -> list[dict[str, str]]:
    """The results shown, once the search has answered."""
    page.locator("#site-search-status:not(:text('Searching'))").wait_for()
    page.wait_for_function("document.getElementById('site-search-status').textContent"
                           ".match(/results? for|No results/)")
    return page.evaluate("""() => Array.from(document.querySelectorAll('.search-result'),
      (li) => ({type: li.querySelector('.search-result-type').textContent,
                title: li.querySelector('a').textContent,
                href: li.querySelector('a').getAttribute('href'),
                excerpt: li.querySelector('.search-result-excerpt').textContent}))""")


def search(page: Any, query: str) -> list[dict[str, str]]:
    page.get_by_label("Search documents, notes and the glossary").fill(query)
    page.keyboard.press("Enter")
    return results(page)


def test_a_word_of_the_text_finds_the_document(open_page: Callable[..., Any],
                                               site: Site) -> None:
    page = open_page("search/index.html")
    found = search(page, "humanitarian")
    documents = [r for r in found if r["type"] == "Document"]
    assert [r["title"] for r in documents] == [SEED_TITLE]
    assert documents[0]["href"] == site.url(SEED)
    assert "humanitarian" in documents[0]["excerpt"].lower()
    assert "?q=humanitarian&type=document&type=note&type=glossary" in page.url  # shareable


def test_a_word_only_in_a_note_finds_the_note_which_opens_the_page_at_it(
        open_page: Callable[..., Any], site: Site) -> None:
    page = open_page("search/index.html?q=Raqqa", width=NARROW)  # the query from the address
    found = results(page)
    assert [(r["type"], r["href"]) for r in found] == [
        ("Note", site.url(f"{SEED}#note-raqqa"))]
    assert found[0]["title"].startswith("Note 3: dramatically accelerated ISIS")
    assert page.locator(".search-result-context").inner_text() == f"in {SEED_TITLE}"
    page.get_by_role("link", name=found[0]["title"]).click()
    page.wait_for_url(site.url(f"{SEED}#note-raqqa"))
    note = page.locator("#note-raqqa")
    assert note.is_visible()  # opened on a narrow screen, and scrolled to
    assert 0 <= note.evaluate("el => el.getBoundingClientRect().top") < 200


def test_filters_by_type_and_by_tag(open_page: Callable[..., Any]) -> None:
    page = open_page("search/index.html?q=Security+Council")
    everything = results(page)
    types = {r["type"] for r in everything}
    assert types == {"Document", "Note", "Glossary"}, everything
    page.get_by_label("Notes", exact=True).uncheck()  # a change searches again
    page.get_by_label("Glossary entries").uncheck()
    assert {r["type"] for r in results(page)} == {"Document"}
    page.get_by_label("Notes", exact=True).check()
    assert any("charter-of-the-united-nations" in r["href"] for r in results(page))
    page.get_by_label("Tag", exact=True).select_option("Syria")
    tagged = results(page)
    assert tagged and {r["type"] for r in tagged} <= {"Document", "Note"}
    assert all(r["href"].split("/")[3] == SEED.split("/")[0] for r in tagged), tagged
    assert "tag=Syria" in page.url
    page.get_by_label("Documents", exact=True).uncheck()
    page.get_by_label("Notes", exact=True).uncheck()
    assert results(page) == []
    assert page.locator("#site-search-status").inner_text() == (
        "No results for “Security Council”.")


def test_glossary_entries_are_results_that_open_the_glossary_at_the_entry(
        open_page: Callable[..., Any], site: Site) -> None:
    page = open_page("search/index.html?q=fortified&type=glossary")
    found = results(page)
    assert [(r["type"], r["title"], r["href"]) for r in found] == [
        ("Glossary", "Kremlin", site.url("glossary/index.html#kremlin"))]


def test_the_site_works_under_a_sub_path(open_page: Callable[..., Any], site: Site) -> None:
    page = open_page("index.html", sub=True)
    page.get_by_role("navigation", name="Site").get_by_role("link", name="Search").click()
    page.wait_for_url(site.url("search/index.html", sub=True))
    found = search(page, "Raqqa")
    assert [r["href"] for r in found] == [site.url(f"{SEED}#note-raqqa", sub=True)]
    page.get_by_role("link", name=found[0]["title"]).click()
    page.wait_for_url(site.url(f"{SEED}#note-raqqa", sub=True))
    assert page.locator("#note-raqqa").is_visible()
    # Every link of the page leads to a page of the site under the same sub-path.
    for path in ("index.html", SEED, "glossary/index.html", "notes/index.html"):
        page.goto(site.url(path, sub=True))
        hrefs = page.evaluate("""() => Array.from(document.querySelectorAll(
          'a[href]:not([href^="http"]):not([href^="#"]), link[rel=stylesheet], script[src]'),
          (el) => el.href || el.src)""")
        assert hrefs and all(h.startswith(site.origin + SUB_PATH) for h in hrefs), path
        for href in sorted({h.partition("#")[0] for h in hrefs}):
            response = page.request.get(href)
            assert response.ok, href


def test_search_without_javascript_says_where_to_go(open_page: Callable[..., Any]) -> None:
    page = open_page("search/index.html", js=False)
    note = page.locator("main p", has_text="Search needs JavaScript")
    assert note.is_visible()
    assert note.get_by_role("link", name="all notes").get_attribute("href") == (
        "../notes/index.html")
