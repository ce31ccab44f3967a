"""Hostile markup in every field an editor writes: escaped everywhere it is shown.

One site carries ``<script>``, ``<img onerror>``, ``<iframe>``, ``</script>`` and ``<!--`` in
its title, publisher, summary, rights, place, authors, tags, via entry, note (text and author),
glossary definition and site config. After a default build (which succeeds, with warnings):

* no HTML page holds an element or attribute that an editor wrote: no ``<iframe>``, no
  ``on*`` attribute, no ``<script>`` but the theme's files and the JSON-LD block;
* the title reads back exactly, as text, wherever it is shown: ``<title>``, ``<h1>``, the
  ``citation_title``/``DC.title``/``og:title`` meta tags, the JSON-LD, the citation block
  (escaped once: the reader sees ``<script>``), the listing pages, ``feed.xml``, and the
  downloads (``citation.json``, ``.ris``, ``.bib``, ``annotations.jsonld``), which are data,
  not HTML, and hold it as written;
* the JSON-LD block cannot be closed early: no ``</script`` or ``<!--`` inside it.

``--strict`` fails on the same site (each tag is a warning), leaving the output as it was; and
``unsafe_html: true`` lets raw HTML in Markdown through but never in text fields or links.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Callable

import html5lib
import pytest

from glossator.exports import latex_escape

from conftest import STAGING, Run, snapshot

TITLE = "The <script>alert(1)</script> & <img src=x onerror=alert(2)> Speech </script><!--"
SUMMARY = "A summary <iframe src=javascript:alert(3)></iframe> </script>"
RIGHTS = "Rights </script><script>alert(4)</script>"
PUBLISHER = "Gazette <svg onload=alert(5)>"
SOURCE = f"""---
title: "{TITLE}"
date: 1850-06-01
added: 2024-01-01
publisher: "{PUBLISHER}"
summary: "{SUMMARY}"
rights: "{RIGHTS}"
place: "<b onmouseover=alert(6)>Quay</b>"
authors: ["Jane <b>Quay</b>"]
tags: ["<i>Harbours</i>"]
via:
  - publisher: "<script>alert(7)</script>"
    url: https://example.org/v
    title: "<i>Reprint</i>"
    note: "<u onclick=alert(8)>n</u>"
---

Friends, the tide is turning. <script>alert(9)</script>

The lamps <img src=x onerror=alert(10)> are lit <iframe src=x></iframe>.
"""
NOTES = """notes:
  - quote: the tide
    author: "<b onclick=alert(11)>me</b>"
    note: |
      Rising <img src=x onerror=alert(12)> fast <script>alert(13)</script>.
"""
GLOSSARY = """terms:
  - term: tide
    definition: |
      The sea <iframe src=javascript:alert(14)></iframe> rising.
"""
CONFIG = """title: "Edition <script>alert(15)</script>"
base_url: https://example.org/t/
description: "About <img src=x onerror=alert(16)>"
editors: ["Ed <b>Itor</b>"]
"""
EXPECTED_SCRIPTS = {"application/ld+json"}


def write_site(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def hostile_site(tmp_path: Path) -> Path:
    return write_site(tmp_path / "site", {
        "site_config.yaml": CONFIG, "sources/speech.md": SOURCE,
        "annotations/speech.yaml": NOTES, "annotations/glossary.yaml": GLOSSARY})


@pytest.fixture
def built(hostile_site: Path, glossator: Callable[..., Run]) -> Path:
    result = glossator("build", "--no-search", hostile_site)
    assert result.code == 0, result.err
    assert "warning: title: HTML shown as text: <script>" in result.err
    return hostile_site / "output"


def parse(page: Path):
    return html5lib.parse(page.read_text(encoding="utf-8"), treebuilder="etree",
                          namespaceHTMLElements=False)


def text_of(element) -> str:
    return " ".join("".join(element.itertext()).split())


def test_no_page_holds_markup_an_editor_wrote(built: Path) -> None:
    pages = sorted(built.rglob("*.html"))
    assert len(pages) >= 6
    for page in pages:
        tree = parse(page)
        styled = {id(i) for p in tree.iter("p") if "csl-entry" in p.get("class", "")
                  for i in p.iter("i")}  # a citation style italicises the title
        for element in tree.iter():
            where = f"{page.relative_to(built)}: <{element.tag} {element.attrib}>"
            assert element.tag not in ("iframe", "object", "embed", "svg", "img"), where
            assert not [a for a in element.attrib if a.lower().startswith("on")], where
            if element.tag == "script":
                assert (element.get("type") in EXPECTED_SCRIPTS
                        or element.get("src", "").endswith(".js")), where
            for attr in ("href", "src", "action", "formaction"):
                if element.tag == "link":  # the theme's (an empty data: icon)
                    continue
                assert not element.get(attr, "").lower().startswith(
                    ("javascript:", "vbscript:", "data:")), where
            if element.tag in ("b", "i", "u") and id(element) not in styled:
                pytest.fail(f"an editor's tag became an element: {where}")


def test_the_title_reads_back_exactly_wherever_it_is_shown(built: Path) -> None:
    page = built / "speech" / "index.html"
    tree = parse(page)
    assert text_of(tree.find(".//title")).startswith(" ".join(TITLE.split()))
    assert text_of(tree.find(".//h1")) == " ".join(TITLE.split())
    metas = {m.get("name") or m.get("property"): m.get("content")
             for m in tree.iter("meta")}
    for name in ("citation_title", "DC.title", "og:title"):
        assert metas[name] == TITLE, name
    assert metas["og:description"] == SUMMARY
    assert metas["citation_publisher"] == metas["DC.publisher"] == PUBLISHER
    assert metas["DC.rights"] == RIGHTS
    tag_pages = [p for p in (built / "tags").glob("*/index.html")]
    assert len(tag_pages) == 1
    for listing in (built / "index.html", *tag_pages):
        assert " ".join(TITLE.split()) in text_of(parse(listing).find(".//main")), listing


def test_json_ld_holds_the_values_and_cannot_close_its_script(built: Path) -> None:
    page = (built / "speech" / "index.html").read_text(encoding="utf-8")
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert len(blocks) == 1
    assert not re.search(r"</script|<!--", blocks[0], re.I)
    data = json.loads(blocks[0])
    assert data["name"] == data["isBasedOn"]["name"] == TITLE
    assert data["description"] == SUMMARY
    assert data["copyrightNotice"] == RIGHTS
    assert data["isBasedOn"]["publisher"]["name"] == PUBLISHER


def test_the_citation_block_shows_the_title_escaped_once(built: Path) -> None:
    entries = [e for e in parse(built / "speech" / "index.html").iter("p")
               if "csl-entry" in e.get("class", "")]
    assert len(entries) == 3
    for entry in entries:
        assert "<script>alert(1)</script>" in text_of(entry)  # not &lt;script&gt; (twice)
        assert [e.tag for e in entry.iter()] == [e.tag for e in entry.iter()
                                                 if e.tag in ("p", "i", "span", "a")]


def test_the_feed_and_the_downloads_hold_the_title_as_written(built: Path) -> None:
    feed = ET.parse(built / "feed.xml").getroot()
    atom = "{http://www.w3.org/2005/Atom}"
    entry = feed.find(f"{atom}entry")
    assert entry.find(f"{atom}title").text == TITLE
    assert entry.find(f"{atom}summary").text == SUMMARY
    assert feed.find(f"{atom}title").text == "Edition <script>alert(15)</script>"
    item = json.loads((built / "speech" / "citation.json").read_text(encoding="utf-8"))[0]
    assert item["title"] == item["original-title"] == TITLE
    assert item["original-publisher"] == PUBLISHER
    with open(built / "speech" / "citation.ris", encoding="utf-8", newline="") as ris:
        assert f"TI  - {TITLE}\r\n" in ris.read()
    assert f"  title = {{{latex_escape(TITLE)}}},\n" in (
        built / "speech" / "citation.bib").read_text(encoding="utf-8")
    notes = json.loads((built / "speech" / "annotations.jsonld").read_text(encoding="utf-8"))
    assert notes["label"] == TITLE


def test_strict_fails_on_a_tag_in_a_title_alone(tmp_path: Path,
                                                glossator: Callable[..., Run]) -> None:
    """HTML-looking text in a title is a warning, as raw HTML in Markdown is: the default build
    shows it as text, ``--strict`` refuses it and leaves the published output alone."""
    site = write_site(tmp_path / "site", {
        "site_config.yaml": "title: T\nbase_url: https://example.org/t/\n",
        "sources/speech.md": SOURCE.split("---\n")[0] + "---\ntitle: Plain\ndate: 1850\n"
                             "added: 2024-01-01\npublisher: Gazette\n---\n\nFriends.\n"})
    assert glossator("build", "--no-search", "--strict", site).code == 0
    before = snapshot(site / "output")
    speech = site / "sources" / "speech.md"
    speech.write_text(speech.read_text().replace("title: Plain", "title: <b>Bold</b> words"))

    default = glossator("check", site)
    strict = glossator("build", "--no-search", "--strict", site)

    assert default.code == 0
    assert default.err.splitlines()[0] == ("sources/speech.md:2:8: warning: title: HTML shown "
                                           "as text: <b>")
    assert strict.code == 1
    assert strict.err.splitlines()[-1] == (
        "glossator: build failed with 0 error(s) and 2 warning(s) (--strict: warnings count as "
        "errors); the published output was not changed")
    assert snapshot(site / "output") == before
    assert not (site / STAGING).exists()


SCRIPT = "<script>alert(1)</script>"
PLAIN = {"site_config.yaml": "title: T\nbase_url: https://example.org/t/\n",
         "sources/speech.md": "---\ntitle: A Speech\ndate: 1850\nadded: 2024-01-01\n"
                              "publisher: Gazette\n---\n\nFriends, the tide is turning.\n",
         "annotations/speech.yaml": "notes:\n  - quote: the tide\n    note: A note.\n",
         "annotations/glossary.yaml": "terms:\n  - term: tide\n    definition: The sea.\n"}
PLACES = {  # where the script goes: (file, text replaced, page that shows it)
    "source text": ("sources/speech.md", "is turning.", "speech/index.html"),
    "note": ("annotations/speech.yaml", "A note.", "speech/index.html"),
    "glossary definition": ("annotations/glossary.yaml", "The sea.", "glossary/index.html"),
    "title": ("sources/speech.md", "A Speech", "index.html"),
    "publisher": ("sources/speech.md", "Gazette", "speech/index.html"),
    "site title": ("site_config.yaml", "title: T", "index.html"),
}


@pytest.mark.parametrize("place", PLACES)
def test_a_script_anywhere_is_text_by_default_and_fails_strict(
        place: str, tmp_path: Path, glossator: Callable[..., Run]) -> None:
    rel, old, page = PLACES[place]
    files = dict(PLAIN)
    new = f"title: T {SCRIPT}" if rel == "site_config.yaml" else f'{old} {SCRIPT}'
    files[rel] = files[rel].replace(old, new)
    site = write_site(tmp_path / "site", files)

    default = glossator("build", "--no-search", site)
    strict = glossator("check", "--strict", site)

    assert default.code == 0, default.err
    assert [line.split(":")[0] for line in default.err.splitlines()
            if ": warning: " in line] == [rel, rel]  # <script> and </script>
    shown = (site / "output" / page).read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown and SCRIPT not in shown
    assert strict.code == 1
    assert strict.err.splitlines()[-1].endswith("(--strict: warnings count as errors); the "
                                                "published output was not changed")


def test_strict_fails_on_front_matter_warnings_of_an_unchanged_document(
        tmp_path: Path, glossator: Callable[..., Run]) -> None:
    site = write_site(tmp_path / "site", {
        "site_config.yaml": "title: T\nbase_url: https://example.org/t/\n",
        "sources/speech.md": "---\ntitle: A <b>bold</b> title\ndate: 1850\nadded: 2024-01-01\n"
                             "publisher: G\nvia:\n  - publisher: V\n---\n\nFriends.\n"})
    first = glossator("build", "--no-search", site)
    assert first.code == 0 and first.err.count("warning:") == 3
    again = glossator("build", "--no-search", "--strict", site)  # nothing changed since
    assert again.code == 1
    assert again.err.count("warning:") == 3


def test_unsafe_html_lets_markdown_html_through_but_never_text_fields_or_links(
        tmp_path: Path, glossator: Callable[..., Run]) -> None:
    config = "title: T\nbase_url: https://example.org/t/\nunsafe_html: true\n"
    source = ('---\ntitle: "A <b>bold</b> title"\ndate: 1850\nadded: 2024-01-01\n'
              "publisher: Gazette\n---\n\nFriends, <b>the tide</b> is turning.\n")
    site = write_site(tmp_path / "site", {"site_config.yaml": config,
                                          "sources/speech.md": source})
    result = glossator("build", "--no-search", site)
    assert result.code == 0, result.err
    tree = parse(site / "output" / "speech" / "index.html")
    assert [text_of(b) for b in tree.iter("b")] == ["the tide"]  # Markdown: as the editor asked
    assert text_of(tree.find(".//h1")) == "A <b>bold</b> title"  # a title: always text
    (site / "sources" / "speech.md").write_text(source.replace("Friends,",
                                                               "[Friends](javascript:x),"))
    refused = glossator("build", "--no-search", site)
    assert refused.code == 1
    assert "sources/speech.md:8:11: error: unsafe link address: javascript: URLs are not " \
           "allowed" in refused.err
