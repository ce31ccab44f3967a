"""The Atom feed, the sitemap and robots.txt: well-formed XML, every URL from base_url, no clock."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest

from glossator import feeds
from glossator.config import SiteConfig
from glossator.documents import RenderedDocument
from glossator.markdown.anchortext import AnchorText
from glossator.models import Author, PartialDate, Source

A = "{http://www.w3.org/2005/Atom}"
S = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
BASE = "https://example.org/edition/"


def doc(slug: str, added: dt.date, **changes) -> RenderedDocument:
    fields: dict = {"stem": slug, "path": f"sources/{slug}.md", "slug": slug,
                    "title": slug.replace("-", " ").title(), "date": PartialDate(1945),
                    "added": added, "publisher": "United Nations", "body": "", "body_line": 0}
    fields.update(changes)
    return RenderedDocument(Source(**fields), "", "", [], AnchorText(""), set(), {})


def config(**changes) -> SiteConfig:
    fields: dict = {"title": "Glossator Example Edition", "base_url": BASE, "language": "en",
                    "description": "Primary sources\n  with notes.",
                    "editors": [Author(family="Doe", given="Jane"),
                                Author(organization="The Glossator Project")]}
    fields.update(changes)
    return SiteConfig(**fields)


DOCS = [
    doc("charter", dt.date(2026, 11, 20), authors=[Author(organization="UNCIO")],
        summary="The self-defence article.", tags=["History", "Law & order"]),
    doc("joint-statement", dt.date(2026, 11, 27), title='Joint "Statement" <on> Syria & more',
        authors=[Author(family="Trump", given="Donald"), Author(family="Putin", given="Vladimir")]),
    doc("treaty", dt.date(2026, 11, 20), title="The treaty", publisher="Government of the USA"),
]


def parse(data: bytes) -> ET.Element:
    assert data.startswith(b"<?xml version='1.0' encoding='utf-8'?>\n")
    return ET.fromstring(data)


def texts(element: ET.Element, path: str) -> list[str]:
    return [e.text or "" for e in element.findall(path)]


# Atom -----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def feed() -> ET.Element:
    return parse(feeds.atom_feed(DOCS, config=config()))


def test_feed_has_every_required_atom_element(feed):
    assert feed.tag == f"{A}feed"
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    assert texts(feed, f"{A}id") == [BASE]
    assert texts(feed, f"{A}title") == ["Glossator Example Edition"]
    assert texts(feed, f"{A}subtitle") == ["Primary sources with notes."]
    assert texts(feed, f"{A}updated") == ["2026-11-27T00:00:00Z"]
    assert texts(feed, f"{A}author/{A}name") == ["Jane Doe", "The Glossator Project"]
    links = [(e.get("rel"), e.get("type"), e.get("href")) for e in feed.findall(f"{A}link")]
    assert links == [("self", "application/atom+xml", BASE + "feed.xml"),
                     ("alternate", "text/html", BASE)]
    for entry in feed.findall(f"{A}entry"):
        for required in ("id", "title", "updated", "author/" + A + "name"):
            assert len(entry.findall(A + required)) >= 1, required
        assert [e.get("rel") for e in entry.findall(f"{A}link")] == ["alternate"]


def test_entries_newest_added_first_then_by_title(feed):
    entries = feed.findall(f"{A}entry")
    assert texts(feed, f"{A}entry/{A}id") == [BASE + "joint-statement/", BASE + "charter/",
                                              BASE + "treaty/"]
    assert [e.findtext(f"{A}updated") for e in entries] == [
        "2026-11-27T00:00:00Z", "2026-11-20T00:00:00Z", "2026-11-20T00:00:00Z"]
    assert [e.findtext(f"{A}published") for e in entries] == [
        e.findtext(f"{A}updated") for e in entries]
    assert [e.find(f"{A}link").get("href") for e in entries] == texts(
        feed, f"{A}entry/{A}id")


def test_entry_title_authors_summary_and_categories(feed):
    joint, charter, treaty = feed.findall(f"{A}entry")
    assert joint.findtext(f"{A}title") == 'Joint "Statement" <on> Syria & more'
    assert texts(joint, f"{A}author/{A}name") == ["Donald Trump", "Vladimir Putin"]
    assert joint.find(f"{A}summary") is None
    assert texts(charter, f"{A}author/{A}name") == ["UNCIO"]
    assert charter.find(f"{A}summary").get("type") == "text"
    assert charter.findtext(f"{A}summary") == "The self-defence article."
    assert [c.get("term") for c in charter.findall(f"{A}category")] == ["History", "Law & order"]
    assert texts(treaty, f"{A}author/{A}name") == ["Government of the USA"]  # the publisher


def test_feed_bytes_escape_markup_and_are_reproducible():
    data = feeds.atom_feed(DOCS, config=config())
    assert b'<title>Joint "Statement" &lt;on&gt; Syria &amp; more</title>' in data
    assert b"<on>" not in data
    assert feeds.atom_feed(list(reversed(DOCS)), config=config()) == data


def test_feed_without_editors_or_documents():
    feed = parse(feeds.atom_feed([], config=config(editors=[], description="")))
    assert texts(feed, f"{A}updated") == ["1970-01-01T00:00:00Z"]
    assert texts(feed, f"{A}author/{A}name") == ["Glossator Example Edition"]
    assert feed.find(f"{A}subtitle") is None and feed.findall(f"{A}entry") == []


# Sitemap and robots.txt -----------------------------------------------------------------------

def test_sitemap_lists_every_html_page_but_the_error_page():
    paths = ["index.html", "404.html", "charter/index.html", "assets/style.css", "feed.xml",
             "glossary/index.html", "tags/law-order/index.html", "charter/citation.bib"]
    urlset = parse(feeds.sitemap(paths, base_url=BASE,
                                 lastmod={"charter/index.html": dt.date(2026, 11, 20)}))
    assert urlset.tag == f"{S}urlset"
    assert texts(urlset, f"{S}url/{S}loc") == [
        BASE + "charter/", BASE + "glossary/", BASE, BASE + "tags/law-order/"]
    assert [u.findtext(f"{S}lastmod") for u in urlset.findall(f"{S}url")] == [
        "2026-11-20", None, None, None]


def test_sitemap_is_reproducible_and_takes_no_duplicates():
    once = feeds.sitemap(["b/index.html", "a/index.html"], base_url=BASE)
    assert once == feeds.sitemap(["a/index.html", "b/index.html", "a/index.html"],
                                 base_url=BASE)
    assert texts(parse(once), f"{S}url/{S}loc") == [BASE + "a/", BASE + "b/"]


def test_robots_txt_allows_all_and_names_the_sitemap():
    assert feeds.robots_txt(BASE) == (
        "User-agent: *\nAllow: /\n\nSitemap: https://example.org/edition/sitemap.xml\n")
