"""Metadata in a document's <head>: Highwire Press, Dublin Core, Open Graph, JSON-LD.

Golden files (``tests/fixtures/metadata/<case>.head.html``) hold every ``<meta>`` tag and the
JSON-LD of documents covering: two persons, an organisation author, partial dates (``1863``,
``1789-08``), a ``via`` chain, and a title with ``"``, ``<``, ``&`` and ``</script>`` in it.
Regenerate with ``GLOSSATOR_UPDATE_GOLDEN=1`` and review the diff.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import html5lib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from glossator.config import SiteConfig
from glossator.documents import first_words
from glossator.metadata import head_tags, highwire_date, json_ld, script_json
from glossator.models import Author, PartialDate, Source, Via

FIXTURES = Path(__file__).parent / "fixtures" / "metadata"
CONFIG = SiteConfig(title="An Edition & Co", base_url="https://example.org/ed/",
                    editors=[Author(family="Evans", given="Mary Ann"),
                             Author(organization="The Project")])
HOSTILE = 'The "Quoted" <b>Bold</b> & </script><!-- Statement\u2028'


def source(**changes) -> Source:
    values = dict(stem="s", path="sources/s.md", slug="s", title="A Title",
                  date=PartialDate(2017, 11, 11), added=dt.date(2026, 11, 27),
                  publisher="U.S. Department of State", body="Text.\n", body_line=5,
                  language="en")
    values.update(changes)
    return Source(**values)


CASES = {
    "two-persons": source(authors=[Author(family="Trump", given="Donald"),
                                   Author(family="Putin", given="Vladimir")],
                          url="https://example.gov/statement", tags=["Syria", "History"],
                          rights="Public domain (17 U.S.C. § 105)."),
    "organisation-year": source(title="Proclamation", date=PartialDate(1863),
                                authors=[Author(organization="Harbour Commission")],
                                publisher="Gazette", place="Port Ellery",
                                license_url="https://creativecommons.org/publicdomain/zero/1.0/"),
    "month-via": source(title="Declaration", date=PartialDate(1789, 8),
                        authors=[Author(family="Beethoven", given="Ludwig", particle="van"),
                                 Author(family="King", given="Martin Luther", suffix="Jr.")],
                        via=[Via("Republisher", PartialDate(2017, 11, 16),
                                 "https://example.org/r", note="Emphasis added.")],
                        language="fr"),
    "hostile-title": source(title=HOSTILE, authors=[Author(literal="Sukarno")],
                            summary=HOSTILE),
}


class _Head(HTMLParser):
    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.meta: list[tuple[str, str, str]] = []
        self.scripts: list[str] = []
        self._in_script = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "meta" and ("name" in values or "property" in values):
            attr = "property" if "property" in values else "name"
            self.meta.append((attr, values[attr], values["content"]))
        self._in_script = tag == "script" and values.get("type") == "application/ld+json"

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)

    def handle_endtag(self, tag):
        self._in_script = False


def head_html(src: Source) -> str:
    """What the built-in template writes for the metadata (the same markup, escaped alike)."""
    from markupsafe import escape
    url = "https://example.org/ed/s/"
    description = src.summary or "Text."
    lines = []
    for tag in head_tags(src, config=CONFIG, page_url=url, description=description):
        attr = "property" if "property" in tag else "name"
        lines.append(f'<meta {attr}="{escape(tag[attr])}" content="{escape(tag["content"])}">')
    data = script_json(json_ld(src, config=CONFIG, page_url=url, description=description))
    lines.append(f'<script type="application/ld+json">{data}</script>')
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("name", sorted(CASES))
def test_head_metadata_matches_the_golden_file(name):
    actual = head_html(CASES[name])
    golden = FIXTURES / f"{name}.head.html"
    if os.environ.get("GLOSSATOR_UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
    assert actual == golden.read_text(encoding="utf-8")


def names(src: Source) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for attr, name, content in _Head(head_html(src)).meta:
        found.setdefault(name, []).append(content)
    return found


def test_persons_are_highwire_authors_family_first_organisations_are_not():
    assert names(CASES["two-persons"])["citation_author"] == ["Trump, Donald", "Putin, Vladimir"]
    org = names(CASES["organisation-year"])
    assert "citation_author" not in org
    assert org["DC.creator"] == ["Harbour Commission"]
    assert names(CASES["month-via"])["citation_author"] == ["van Beethoven, Ludwig",
                                                            "King, Martin Luther, Jr."]


def test_dates_keep_their_precision():
    assert names(CASES["two-persons"])["citation_publication_date"] == ["2017/11/11"]
    assert names(CASES["organisation-year"])["citation_publication_date"] == ["1863"]
    assert names(CASES["month-via"])["citation_publication_date"] == ["1789/08"]
    assert names(CASES["month-via"])["DC.date"] == ["1789-08"]
    assert highwire_date(PartialDate(1863, 1, 5)) == "1863/01/05"


def test_the_page_is_a_web_page_crediting_the_original_publisher():
    found = names(CASES["two-persons"])
    assert found["og:type"] == ["website"] and found["DC.type"] == ["webpage"]
    assert found["citation_publisher"] == ["U.S. Department of State"]
    assert found["DC.publisher"] == ["U.S. Department of State"]
    assert found["DC.source"] == ["https://example.gov/statement"]
    assert found["citation_keywords"] == ["Syria; History"]
    forbidden = {"citation_journal_title", "citation_conference_title", "citation_book_title",
                 "citation_inbook_title", "citation_volume", "citation_issue"}
    assert not forbidden & set(found)


def test_json_ld_describes_the_edition_based_on_the_original():
    data = json.loads(_Head(head_html(CASES["organisation-year"])).scripts[0])
    assert data["@type"] == "CreativeWork"
    assert data["isBasedOn"]["publisher"] == {"@type": "Organization", "name": "Gazette"}
    assert data["isBasedOn"]["datePublished"] == "1863"
    assert data["publisher"]["name"] == "An Edition & Co"
    assert [e["@type"] for e in data["editor"]] == ["Person", "Organization"]
    assert data["license"] == "https://creativecommons.org/publicdomain/zero/1.0/"
    assert "copyrightNotice" not in data  # only from `rights`
    two = json.loads(_Head(head_html(CASES["two-persons"])).scripts[0])
    assert two["copyrightNotice"] == "Public domain (17 U.S.C. § 105)."
    assert "license" not in two  # only from `license_url`


def test_a_hostile_title_cannot_break_out_of_the_script_or_attributes():
    text = head_html(CASES["hostile-title"])
    script = text[text.index("<script"):]
    assert script.count("</script") == 1 and "<!--" not in script and "\u2028" not in script
    data = json.loads(_Head(text).scripts[0])
    assert data["name"] == HOSTILE  # the value survives intact
    assert names(CASES["hostile-title"])["citation_title"] == [HOSTILE]
    parser = html5lib.HTMLParser(strict=True)
    parser.parseFragment(text)
    assert not parser.errors


def test_script_json_escapes_every_dangerous_sequence():
    text = script_json({"a": "</script><!--&>\u2028\u2029"})
    assert not re.search(r"[<>&\u2028\u2029]", text)
    assert json.loads(text) == {"a": "</script><!--&>\u2028\u2029"}


def test_built_pages_carry_the_metadata(tmp_path):
    from glossator.pipeline import BuildOptions, build
    root = Path(__file__).resolve().parent.parent
    report = build(root, BuildOptions(check_only=True))
    page = report.outputs["joint-statement-syria-2017-11-11/index.html"].decode()
    head = _Head(page[:page.index("</head>")])
    found = {name for _, name, _ in head.meta}
    assert {"citation_title", "citation_author", "DC.creator", "og:type", "og:url"} <= found
    assert json.loads(head.scripts[-1])["isBasedOn"]["publisher"]["name"] == (
        "U.S. Department of State")
    assert '<link rel="alternate" type="application/ld+json" href="annotations.jsonld"' in page


# --- a description made from the text, when the source has no summary --------------------------

def _first_words_of_whole(text: str, limit: int = 160) -> str:
    """The definition: the whole text with its whitespace collapsed, cut at a word."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + "…"


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from("ab \n\t\u00a0\u2028é"), max_size=3000),
       st.integers(1, 200))
def test_a_description_reads_only_the_start_of_the_text_as_it_needs(text, limit):
    assert first_words(text, limit) == _first_words_of_whole(text, limit)


def test_a_description_after_long_whitespace_is_found():
    """A prefix that collapses to too little is grown until it does not."""
    text = "Lead" + " " * 5000 + "word " * 100
    assert first_words(text) == _first_words_of_whole(text)
    assert first_words(text).startswith("Lead word word") and first_words(text).endswith("…")
