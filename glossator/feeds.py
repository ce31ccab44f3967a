"""Discovery files: the Atom feed (``feed.xml``), ``sitemap.xml`` and ``robots.txt``.

Every absolute URL is made from ``base_url``; no date comes from the clock, so a rebuild of
unchanged inputs writes the same bytes.

* **Feed** (Atom 1.0, RFC 4287): the 100 newest documents, newest ``added`` first (then by
  title and slug). An entry's ``id`` and ``alternate`` link are the page's URL; ``updated`` and
  ``published`` are its ``added`` day at midnight UTC; its authors are the source's authors,
  or its original publisher when it names none (Atom needs an author for every entry, and
  the edition's editors did not write the document). The feed's ``updated`` is the newest
  ``added`` (1970-01-01 for a feed without entries); its authors are the site's editors, or
  the site's title without editors.
* **Sitemap**: every HTML page's absolute URL except ``404.html`` (an error page is not a
  page to index), sorted; ``lastmod`` only where the caller gives a date (a document's
  ``added``).
* **robots.txt**: allow everything, and name the sitemap. Crawlers read ``robots.txt`` only
  at the root of a host, so for a site under a sub-path it is a harmless extra file.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from urllib.parse import quote

from . import inventory as inv
from .config import SiteConfig
from .documents import RenderedDocument
from .models import Source

ATOM_NS = "http://www.w3.org/2005/Atom"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
FEED_FILE = "feed.xml"
SITEMAP_FILE = "sitemap.xml"
EPOCH = dt.date(1970, 1, 1)


def _timestamp(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = text
    return element


def _xml(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def page_url(base_url: str, source: Source) -> str:
    return inv.absolute_url(base_url, inv.document_page(source.slug))


def newest_added_first(doc: RenderedDocument) -> tuple:
    s = doc.source
    return (-s.added.toordinal(), s.title.casefold(), s.slug)


# Atom -----------------------------------------------------------------------------------------

FEED_ENTRIES = 100  # the newest documents: a feed announces additions, it is not an archive


def atom_feed(docs: Iterable[RenderedDocument], *, config: SiteConfig) -> bytes:
    """``feed.xml``: Atom 1.0 of the newest ``FEED_ENTRIES`` of ``docs`` (the published
    documents), newest first."""
    ordered = sorted(docs, key=newest_added_first)[:FEED_ENTRIES]
    feed = ET.Element("feed", {"xmlns": ATOM_NS, XML_LANG: config.language})
    _sub(feed, "id", config.base_url)
    _sub(feed, "title", config.title)
    if config.description:
        _sub(feed, "subtitle", " ".join(config.description.split()))
    newest = ordered[0].source.added if ordered else EPOCH
    _sub(feed, "updated", _timestamp(newest))
    for name in [e.display() for e in config.editors] or [config.title]:
        _sub(_sub(feed, "author"), "name", name)
    _sub(feed, "link", rel="self", type="application/atom+xml",
         href=config.base_url + FEED_FILE)
    _sub(feed, "link", rel="alternate", type="text/html", href=config.base_url)
    _sub(feed, "generator", "Glossator")
    for doc in ordered:
        _entry(feed, doc.source, config)
    return _xml(feed)


def _entry(feed: ET.Element, source: Source, config: SiteConfig) -> None:
    url = page_url(config.base_url, source)
    entry = _sub(feed, "entry")
    _sub(entry, "id", url)
    _sub(entry, "title", source.title)
    _sub(entry, "updated", _timestamp(source.added))
    _sub(entry, "published", _timestamp(source.added))
    for name in [a.display() for a in source.authors] or [source.publisher]:
        _sub(_sub(entry, "author"), "name", name)
    _sub(entry, "link", rel="alternate", type="text/html", href=url)
    for tag in source.tags:
        _sub(entry, "category", term=tag)
    if source.summary:
        _sub(entry, "summary", " ".join(source.summary.split()), type="text")


# Sitemap and robots.txt -----------------------------------------------------------------------

def sitemap(paths: Iterable[str], *, base_url: str,
            lastmod: Mapping[str, dt.date] | None = None) -> bytes:
    """``sitemap.xml``: the absolute URL of every HTML output path (``404.html`` excepted).

    ``lastmod`` maps output paths (``<slug>/index.html``) to a date, e.g. a document's
    ``added``; pages without one get no ``lastmod``.
    """
    lastmod = lastmod or {}
    pages = sorted(p for p in set(paths) if p.endswith(".html") and p != inv.NOT_FOUND_PAGE)
    urlset = ET.Element("urlset", {"xmlns": SITEMAP_NS})
    for path in pages:
        url = _sub(urlset, "url")
        _sub(url, "loc", inv.absolute_url(base_url, quote(path, safe="/")))
        if path in lastmod:
            _sub(url, "lastmod", lastmod[path].isoformat())
    return _xml(urlset)


def robots_txt(base_url: str) -> str:
    """``robots.txt``: allow all crawlers everything; point them to the sitemap."""
    return f"User-agent: *\nAllow: /\n\nSitemap: {base_url}{SITEMAP_FILE}\n"
