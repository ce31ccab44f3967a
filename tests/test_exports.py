"""Citation downloads: golden files, and each format read back by the tools people use.

The golden files are ``tests/fixtures/exports/<case>.{json,bib,ris}``. After a deliberate change
of format, rewrite them with ``GLOSSATOR_UPDATE_GOLDEN=1 pytest tests/test_exports.py`` and
review the diff.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import os
from pathlib import Path

import pytest

from glossator import exports
from glossator.citations import DEFAULT_STYLES, CitationRenderer, csl_item
from glossator.models import Author, PartialDate, Source, Via


def require(name: str, minversion: str | None = None):
    """A test dependency: skipped when missing, except in CI, where that is a failure."""
    if os.environ.get("CI") == "true":
        return importlib.import_module(name)
    return pytest.importorskip(name, minversion=minversion)


bibtexparser = require("bibtexparser", minversion="2.0.0b1")
rispy = require("rispy")
middlewares = require("bibtexparser.middlewares")

FIXTURES = Path(__file__).parent / "fixtures" / "exports"
SITE = "Annotated Statements"
HOSTILE = ('The "Special" <Relationship> & Co.: </script> 50% of $5, #1, snake_case, '
           r"{braces}, ~tilde, ^caret, back\slash")
EXTENSIONS = {"citation.json": "json", "citation.bib": "bib", "citation.ris": "ris"}


def source(slug: str, **changes) -> Source:
    fields: dict = {
        "stem": slug, "path": f"sources/{slug}.md", "slug": slug,
        "title": "Joint Statement by the President of the United States and the President of "
                 "the Russian Federation",
        "date": PartialDate(2017, 11, 11), "added": dt.date(2026, 11, 27),
        "publisher": "U.S. Department of State", "body": "", "body_line": 0,
        "authors": [Author(family="Trump", given="Donald"),
                    Author(family="Putin", given="Vladimir")],
        "place": "Da Nang, Vietnam", "language": "en"}
    fields.update(changes)
    return Source(**fields)


CASES = {
    "two-persons": (source("two-persons"), [Author(family="Doe", given="Jane")]),
    "organization": (source(
        "organization", title='Resolution on the "Question of Palestine"',
        date=PartialDate(1947, 11, 29), publisher="United Nations", place="Lake Success",
        authors=[Author(organization="United Nations General Assembly")]),
        [Author(organization="The Glossator Project")]),
    "year-only": (source(
        "year-only", title="Address Delivered at the Dedication of the Cemetery at Gettysburg",
        date=PartialDate(1863), publisher="Government Printing Office", place="",
        language="en-US", authors=[Author(family="Lincoln", given="Abraham")]), []),
    "month-only": (source(
        "month-only", title="Déclaration des droits de l'homme et du citoyen",
        date=PartialDate(1789, 8), publisher="Assemblée nationale constituante",
        place="Versailles", language="fr",
        authors=[Author(organization="Assemblée nationale constituante")]),
        [Author(family="Doe", given="Jane"), Author(family="Roe", given="Richard")]),
    "via-chain": (source(
        "via-chain", via=[Via("Global Research", PartialDate(2017, 11, 16),
                              "http://www.globalresearch.ca"),
                          Via("Example Mirror", PartialDate(2018), "https://mirror.example")]),
        [Author(family="Doe", given="Jane")]),
    "hostile-title": (source(
        "hostile-title", title=HOSTILE, publisher="Ministry of Trade and Industry",
        language="de-AT",
        authors=[Author(family="Beethoven", given="Ludwig", particle="van"),
                 Author(family="King", given="Martin Luther", suffix="Jr."),
                 Author(literal="Sukarno")]),
        [Author(organization="Research & Development {Unit}")]),
}


def item(case: str) -> dict:
    src, editors = CASES[case]
    return csl_item(src, site_title=SITE, page_url=f"https://example.org/ed/{src.slug}/",
                    editors=editors)


def parse_bib(text: str, *middleware):
    library = bibtexparser.parse_string(text, append_middleware=list(middleware))
    assert library.failed_blocks == []
    assert len(library.entries) == 1
    return library.entries[0]


# Golden files ---------------------------------------------------------------------------------

@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("name", exports.CITATION_FILES)
def test_golden_file(case, name):
    text = exports.citation_files(item(case))[name]
    path = FIXTURES / f"{case}.{EXTENSIONS[name]}"
    if os.environ.get("GLOSSATOR_UPDATE_GOLDEN"):
        path.write_bytes(text.encode("utf-8"))
    assert path.read_bytes().decode("utf-8") == text


def test_golden_files_cover_every_case_and_format():
    expected = {f"{case}.{ext}" for case in CASES for ext in EXTENSIONS.values()}
    assert {p.name for p in FIXTURES.iterdir()} == expected


def test_outputs_take_nothing_from_the_clock():
    assert exports.citation_files(item("two-persons")) == exports.citation_files(
        item("two-persons"))


# CSL-JSON -------------------------------------------------------------------------------------

@pytest.mark.parametrize("case", sorted(CASES))
def test_json_is_the_item_citeproc_formats(case):
    text = exports.citation_json(item(case))
    assert text.endswith("}\n]\n") and text.startswith("[\n  {\n")
    assert json.loads(text) == [item(case)]


def test_json_renders_with_citeproc():
    renderer = CitationRenderer(DEFAULT_STYLES)
    (loaded,) = json.loads(exports.citation_json(item("hostile-title")))
    rendered = renderer.render(loaded)
    assert [c.style for c in rendered] == DEFAULT_STYLES
    for citation in rendered:
        assert "&lt;Relationship&gt; &amp; Co.: &lt;/script&gt;" in citation.html
        assert "<script" not in citation.html and "</script>" not in citation.html


# biblatex -------------------------------------------------------------------------------------

def test_bib_entry_fields_for_two_persons():
    entry = parse_bib(exports.citation_bib(item("two-persons")))
    assert (entry.entry_type, entry.key) == ("online", "two-persons")
    assert entry.fields_dict["author"].value == "Trump, Donald and Putin, Vladimir"
    assert {f.key: f.value for f in entry.fields if f.key != "author"} == {
        "editor": "Doe, Jane",
        "title": CASES["two-persons"][0].title,
        "date": "2026-11-27",
        "url": "https://example.org/ed/two-persons/",
        "organization": SITE,
        "origtitle": CASES["two-persons"][0].title,
        "origpublisher": "U.S. Department of State",
        "origlocation": "Da Nang, Vietnam",
        "origdate": "2017-11-11",
        "langid": "english",
        "note": "Originally published by U.S. Department of State, 11 November 2017",
    }


def test_bib_names_split_into_biblatex_parts():
    entry = parse_bib(exports.citation_bib(item("hostile-title")),
                      middlewares.SeparateCoAuthors(), middlewares.SplitNameParts())
    parts = [(n.von, n.last, n.jr, n.first) for n in entry.fields_dict["author"].value]
    assert parts == [(["van"], ["Beethoven"], [], ["Ludwig"]),
                     ([], ["King"], ["Jr."], ["Martin", "Luther"]),
                     ([], ["{Sukarno}"], [], [])]
    editors = entry.fields_dict["editor"].value
    assert [(n.last, n.first) for n in editors] == [
        ([r"{Research \& Development \{Unit\}}"], [])]


def test_bib_organisation_author_is_braced_whole():
    entry = parse_bib(exports.citation_bib(item("organization")))
    assert entry.fields_dict["author"].value == "{United Nations General Assembly}"
    assert "  author = {{United Nations General Assembly}},\n" in exports.citation_bib(
        item("organization"))


@pytest.mark.parametrize("case, origdate, note", [
    ("year-only", "1863", "Originally published by Government Printing Office, 1863"),
    ("month-only", "1789-08",
     "Originally published by Assemblée nationale constituante, August 1789")])
def test_bib_partial_dates(case, origdate, note):
    entry = parse_bib(exports.citation_bib(item(case)))
    assert entry.fields_dict["origdate"].value == origdate
    assert entry.fields_dict["note"].value == note
    assert ("origlocation" in entry.fields_dict) == (case == "month-only")  # place given


def test_bib_hostile_title_decodes_back_exactly():
    text = exports.citation_bib(item("hostile-title"))
    entry = parse_bib(text)
    written = entry.fields_dict["title"].value
    assert written == (r'The "Special" <Relationship> \& Co.: </script> 50\% of \$5, \#1, '
                       r"snake\_case, \{braces\}, \textasciitilde{}tilde, "
                       r"\textasciicircum{}caret, back\textbackslash{}slash")
    assert unescape(written) == HOSTILE
    assert entry.fields_dict["origpublisher"].value == "{Ministry of Trade and Industry}"
    assert entry.fields_dict["langid"].value == "naustrian"


def test_bib_fields_decode_with_bibtexparser_latex_middleware():
    entry = parse_bib(exports.citation_bib(item("organization")),
                      middlewares.LatexDecodingMiddleware())
    assert entry.fields_dict["title"].value == 'Resolution on the "Question of Palestine"'
    assert entry.fields_dict["author"].value == "United Nations General Assembly"


def unescape(text: str) -> str:
    """The inverse of :func:`exports.latex_escape` (a test oracle)."""
    for char, escaped in sorted(exports._LATEX.items(), key=lambda kv: -len(kv[1])):
        text = text.replace(escaped, char)
    return text


@pytest.mark.parametrize("text, escaped", [
    ("a & b", r"a \& b"), ("100%", r"100\%"), ("$5", r"\$5"), ("#1", r"\#1"), ("a_b", r"a\_b"),
    ("{x}", r"\{x\}"), ("~", r"\textasciitilde{}"), ("^", r"\textasciicircum{}"),
    ("\\", r"\textbackslash{}"), ("é <b> \"q\"", "é <b> \"q\""),
    ("a } b {", r"a \textbraceright{} b \textbraceleft{}"), ("{", r"\textbraceleft{}")])
def test_latex_escape(text, escaped):
    assert exports.latex_escape(text) == escaped


@pytest.mark.parametrize("tag, name", [
    ("en", "english"), ("en-US", "american"), ("en-GB", "british"), ("de", "ngerman"),
    ("de-CH", "nswissgerman"), ("sr-Latn-RS", "serbian"), ("pt-BR", "brazilian"),
    ("zh-Hant", None), ("ar", None), ("x-klingon", None)])
def test_babel_name(tag, name):
    assert exports.babel_name(tag) == name


def test_bib_leaves_out_langid_it_cannot_map():
    editors = CASES["two-persons"][1]
    src = source("two-persons", language="zh-Hant")
    bib = exports.citation_bib(csl_item(src, site_title=SITE, page_url="https://e.org/x/",
                                        editors=editors))
    assert "langid" not in parse_bib(bib).fields_dict


# RIS ------------------------------------------------------------------------------------------

def test_ris_reads_back_with_rispy():
    text = exports.citation_ris(item("two-persons"))
    (record,) = rispy.loads(text)
    assert record == {
        "type_of_reference": "ELEC", "title": CASES["two-persons"][0].title,
        "authors": ["Trump, Donald", "Putin, Vladimir"], "secondary_title": SITE,
        "secondary_authors": ["Doe, Jane"], "date": "2026/11/27/", "year": "2026",
        "language": "en", "urls": ["https://example.org/ed/two-persons/"],
        "notes": ["Originally published by U.S. Department of State, 11 November 2017"]}
    assert rispy.loads(rispy.dumps([record])) == [record]


def test_ris_lines_end_in_crlf_and_the_record_is_closed():
    text = exports.citation_ris(item("organization"))
    assert text.count("\r\n") == text.count("\n") == len(text.splitlines())
    lines = text.split("\r\n")
    assert lines[0] == "TY  - ELEC" and lines[-2:] == ["ER  - ", ""]
    assert all(len(line) >= 6 and line[2:6] == "  - " for line in lines[:-1])


def test_ris_names_and_hostile_title():
    (record,) = rispy.loads(exports.citation_ris(item("hostile-title")))
    assert record["title"] == HOSTILE
    assert record["authors"] == ["van Beethoven, Ludwig", "King, Martin Luther, Jr.", "Sukarno"]
    assert record["secondary_authors"] == ["Research & Development {Unit}"]


@pytest.mark.parametrize("case, note", [
    ("year-only", "Originally published by Government Printing Office, 1863"),
    ("month-only", "Originally published by Assemblée nationale constituante, August 1789")])
def test_ris_partial_dates(case, note):
    (record,) = rispy.loads(exports.citation_ris(item(case)))
    assert record["notes"] == [note]
    assert record["date"] == "2026/11/27/"


# The first publisher --------------------------------------------------------------------------

@pytest.mark.parametrize("name", exports.CITATION_FILES)
def test_original_publisher_survives_a_via_chain(name):
    text = exports.citation_files(item("via-chain"))[name]
    assert "U.S. Department of State" in text
    assert "Global Research" not in text and "Example Mirror" not in text
