"""Every page of the site in the browser: no console error, no failed request; the document
page's parts; the sortable index, tag pages and the all-notes page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .conftest import SEED, WIDE, Site

REFLOW = 320
CHARTER = "charter-of-the-united-nations-article-51/index.html"
NATO = "north-atlantic-treaty-article-5/index.html"
TITLES = {SEED: ("Joint Statement by the President of the United States and the President "
                 "of the Russian Federation"),
          NATO: "The North Atlantic Treaty, Article 5",
          CHARTER: "Charter of the United Nations, Article 51"}


def texts(locator: Any) -> list[str]:
    """The text of each element, white space squashed (as written, before text-transform)."""
    return [" ".join(t.split()) for t in locator.all_text_contents()]


def card_titles(page: Any) -> list[str]:
    return page.locator(".doc-list .doc-card h2").all_inner_texts()


def test_every_page_loads_without_errors_or_failed_requests_at_any_width(
        open_page: Callable[..., Any], site: Site) -> None:
    pages = sorted(p.relative_to(site.output).as_posix() for p in site.output.rglob("*.html"))
    assert len(pages) >= 17  # home, 3 documents, glossary, notes, search, tags (9), 404
    for width in (WIDE, REFLOW):
        page = open_page("index.html", width=width)
        for path in pages:
            response = page.goto(site.url(path))
            assert response.status == 200, path
            assert page.locator("h1").count() == 1, path
            # Nothing scrolls sideways, down to 320px (WCAG 1.4.10, reflow).
            assert page.evaluate("document.documentElement.scrollWidth") <= width, path
    assert not page.problems  # and the fixture checks again, after the last page


def test_the_404_page_answers_any_missing_address(open_page: Callable[..., Any],
                                                  site: Site) -> None:
    page = open_page("index.html")
    response = page.goto(site.url("no/such/document/index.html"))
    assert response.status == 404
    assert len(page.problems.take(r"404")) == 2  # the answer, and the console's word on it
    assert page.locator("h1").inner_text() == "Page not found"
    # Its links are absolute (from base_url, the sub-path here), so they work at any depth.
    assert page.evaluate("getComputedStyle(document.body).fontFamily").startswith('"Iowan')
    page.get_by_role("main").get_by_role("link", name="list of documents").click()
    page.wait_for_url(site.url("", sub=True))
    assert card_titles(page) == [TITLES[SEED], TITLES[NATO], TITLES[CHARTER]]


def test_a_document_page_has_all_its_parts(open_page: Callable[..., Any]) -> None:
    page = open_page(SEED)
    title = page.locator(".title-block")
    assert title.get_by_role("heading", level=1).inner_text() == TITLES[SEED]
    assert title.locator(".byline").inner_text() == "Donald Trump and Vladimir Putin"
    meta = dict(zip(texts(title.locator(".doc-meta dt")), texts(title.locator(".doc-meta dd"))))
    assert meta == {
        "Date": "11 November 2017", "Place": "Da Nang, Vietnam",
        "Original publisher": "U.S. Department of State",
        "Via": ("Global Research, “Joint Statement by the President of the United States and "
                "the President of the Russian Federation”, 16 November 2017. Global Research "
                "prefaced the text with a note saying that it had added emphasis \"on important "
                "concepts\"; the copy this edition follows carries no emphasis."),
        "Tags": "Middle East & North AfricaRussia and FSUUSAHistoryUS NATO War AgendaSyria",
    }
    assert texts(title.locator(".tag-list li"))[-1] == "Syria"
    assert title.locator("time").first.get_attribute("datetime") == "2017-11-11"
    headings = page.locator("main h2").all_inner_texts()
    assert headings == ["Editor’s introduction", "Text", "Glossary terms on this page",
                        "Cite this edition"]
    assert page.locator(".source-text .margin-note").count() == 13
    assert page.locator(".page-glossary dt").count() == 10
    assert page.locator(".citation .csl-entry").count() == 3
    prev_next = page.get_by_role("navigation", name="Documents by date")
    assert texts(prev_next.locator("a")) == [f"Earlier {TITLES[NATO]}"]
    prev_next.get_by_role("link").click()  # previous by date: the 1949 treaty…
    assert page.locator("h1").inner_text() == TITLES[NATO]
    links = page.get_by_role("navigation", name="Documents by date").locator("a")
    assert texts(links) == [f"Earlier {TITLES[CHARTER]}", f"Later {TITLES[SEED]}"]


def test_the_index_sorts_by_date_and_by_title(open_page: Callable[..., Any]) -> None:
    page = open_page("index.html")
    newest = [TITLES[SEED], TITLES[NATO], TITLES[CHARTER]]
    assert card_titles(page) == newest
    sort = page.get_by_role("group", name="Sort the documents")
    sort.get_by_role("button", name="Oldest first").click()
    assert card_titles(page) == newest[::-1]
    sort.get_by_role("button", name="Title A–Z").click()
    assert card_titles(page) == sorted(newest)
    assert sort.get_by_role("button", name="Title A–Z").get_attribute("aria-pressed") == "true"
    assert sort.get_by_role("button", name="Oldest first").get_attribute(
        "aria-pressed") == "false"
    sort.get_by_role("button", name="Newest first").click()
    assert card_titles(page) == newest


def test_the_index_without_javascript_lists_newest_first_without_sort_buttons(
        open_page: Callable[..., Any]) -> None:
    page = open_page("index.html", js=False)
    assert card_titles(page) == [TITLES[SEED], TITLES[NATO], TITLES[CHARTER]]
    assert not page.locator(".sort-controls").is_visible()
    assert not page.get_by_role("button").first.is_visible()


def test_tag_pages_list_their_documents(open_page: Callable[..., Any], site: Site) -> None:
    page = open_page("tags/index.html")
    page.get_by_role("link", name="Collective defence").click()
    assert page.locator("h1").inner_text() == "Collective defence"
    assert card_titles(page) == [TITLES[NATO], TITLES[CHARTER]]
    page.goto(site.url(SEED))
    page.locator(".title-block").get_by_role("link", name="Syria").click()
    assert card_titles(page) == [TITLES[SEED]]


def test_the_all_notes_page_lists_every_note_with_its_passage_and_link(
        open_page: Callable[..., Any], site: Site) -> None:
    page = open_page("notes/index.html")
    items = page.locator(".note-list-item")
    assert items.count() == 20
    assert page.locator(".notes-of-document h2").all_inner_texts() == [
        TITLES[SEED], TITLES[NATO], TITLES[CHARTER]]
    third = items.nth(2)
    assert third.locator(".note-passage").inner_text() == (
        "dramatically accelerated ISIS's losses on the battlefield in recent months")
    assert "Raqqa" in third.locator(".note-list-body").inner_text()
    third.get_by_role("link", name="Read note 3 in context").click()
    page.wait_for_url(site.url(f"{SEED}#note-raqqa"))
    top = page.locator("#note-raqqa").evaluate("el => el.getBoundingClientRect().top")
    assert 0 <= top < 200
