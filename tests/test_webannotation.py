"""W3C Web Annotation export, validated against the W3C test suite's schemas.

The schemas are read in place from ``../shared/w3c-web-annotation-tests`` (next to the
repository). Without them the schema tests skip, saying so; under ``CI=true`` they fail.
"""

from __future__ import annotations

import copy
import datetime as dt
import importlib
import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from glossator.citations import CitationRenderer
from glossator.documents import DocumentRenderer, RenderedDocument
from glossator.errors import Diagnostics, Location
from glossator.inventory import absolute_url, document_page
from glossator.markdown import make_markdown
from glossator.markdown.glossary import GlossaryMatcher
from glossator.models import Annotations, Note, PartialDate, Source
from glossator.site import Site, load_site
from glossator.webannotation import absolute_links, annotation_collection, resolved, selectors


def require(name: str):
    """A test dependency: skipped when missing, except in CI, where that is a failure."""
    if os.environ.get("CI") == "true":
        return importlib.import_module(name)
    return pytest.importorskip(name)


jsonschema = require("jsonschema")
referencing = require("referencing")
DRAFT4 = require("referencing.jsonschema").DRAFT4

ROOT = Path(__file__).resolve().parents[1]
W3C = Path(__file__).resolve().parents[2] / "shared" / "w3c-web-annotation-tests"
SCHEMA_FOLDERS = ("definitions", "annotations", "collections")


# The example site, rendered -------------------------------------------------------------------

def renderer_for(site: Site) -> DocumentRenderer:
    config = site.config
    return DocumentRenderer(
        md=make_markdown(unsafe_html=config.unsafe_html), config=config,
        matcher=GlossaryMatcher(site.glossary.terms) if site.glossary.terms else None,
        citations=CitationRenderer(config.citation_styles), note_template=lambda note, diags: "",
        glossary_href=lambda term_id: f"../glossary/index.html#{term_id}",
        page_url=lambda s: absolute_url(config.base_url, document_page(s.slug)))


@pytest.fixture(scope="module")
def example() -> tuple[Site, list[RenderedDocument]]:
    diags = Diagnostics()
    site = load_site(ROOT, diags)
    assert site is not None and not diags.has_errors(), diags.format()
    renderer = renderer_for(site)
    docs = [renderer.render(s, site.annotations.get(s.stem), diags) for s in site.sources]
    assert not diags.has_errors(), diags.format()
    return site, docs


def export(site: Site, doc: RenderedDocument) -> dict:
    page = absolute_url(site.config.base_url, document_page(doc.source.slug))
    return annotation_collection(doc, page_url=page, collection_url=page + "annotations.jsonld")


def annotations_of(collection: dict) -> list[dict]:
    return collection["first"]["items"] if "first" in collection else []


# W3C schemas ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def w3c():
    if not W3C.is_dir():
        message = f"W3C Web Annotation test schemas missing: {W3C} (see shared/)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    resources = {}
    for folder in SCHEMA_FOLDERS:
        for path in sorted((W3C / folder).rglob("*.json")):
            schema = json.loads(path.read_text(encoding="utf-8"))
            resources.setdefault(path.name, DRAFT4.create_resource(schema))
    return referencing.Registry().with_resources(resources.items())


def musts(registry, manifest: str) -> list[tuple[str, jsonschema.Draft4Validator]]:
    """(assertion, validator) for each assertion the manifest lists, all expecting 'valid'."""
    listed = json.loads((W3C / manifest).read_text(encoding="utf-8"))["assertions"]
    result = []
    for name in listed:
        schema = json.loads((W3C / name).read_text(encoding="utf-8"))
        assert schema["expectedResult"] == "valid"
        result.append((name, jsonschema.Draft4Validator(
            schema, registry=registry, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)))
    return result


def failures(validators, instance: dict) -> list[str]:
    return [f"{name}: {error.message}" for name, validator in validators
            for error in validator.iter_errors(instance)]


def test_uri_format_is_really_checked():
    """Without rfc3986-validator, jsonschema would accept any string as a URI."""
    checker = jsonschema.Draft4Validator.FORMAT_CHECKER
    assert checker.conforms("https://example.org/a#b", "uri")
    assert not checker.conforms("not a uri", "uri")


def test_every_example_annotation_passes_the_annotation_musts(example, w3c):
    validators = musts(w3c, "annotations/annotationMusts.test")
    assert len(validators) == 54
    site, docs = example
    checked = 0
    for doc in docs:
        for item in annotations_of(export(site, doc)):
            assert failures(validators, item) == [], item["id"]
            checked += 1
    assert checked == sum(len(d.notes) for d in docs) > 10


def test_every_example_collection_passes_the_collection_musts(example, w3c):
    validators = musts(w3c, "collections/collectionMusts.test")
    site, docs = example
    for doc in docs:
        assert failures(validators, export(site, doc)) == []


def test_an_empty_collection_is_valid(example, w3c):
    site, docs = example
    bare = renderer_for(site).render(docs[0].source, Annotations(docs[0].source.stem, ""),
                                     Diagnostics())
    collection = export(site, bare)
    assert collection == {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": f"https://example.org/glossator/{bare.source.slug}/annotations.jsonld",
        "type": "AnnotationCollection", "label": bare.source.title, "total": 0}
    assert failures(musts(w3c, "collections/collectionMusts.test"), collection) == []


def test_the_validators_do_catch_broken_annotations(example, w3c):
    validators = musts(w3c, "annotations/annotationMusts.test")
    site, docs = example
    good = annotations_of(export(site, docs[0]))[0]
    for breakage in ({"@context": "http://example.org/other"}, {"id": "not a uri"},
                     {"type": "Note"}, {"bodyValue": "both body and bodyValue"}):
        broken = {**copy.deepcopy(good), **breakage}
        assert failures(validators, broken), breakage
    no_target = {k: v for k, v in good.items() if k != "target"}
    assert failures(validators, no_target)


# Contents -------------------------------------------------------------------------------------

def test_annotation_contents(example):
    site, docs = example
    doc = next(d for d in docs if d.source.slug == "joint-statement-syria-2017-11-11")
    page = "https://example.org/glossator/joint-statement-syria-2017-11-11/"
    collection = export(site, doc)
    items = annotations_of(collection)
    assert collection["total"] == len(items) == len(doc.notes) == 13
    assert collection["first"]["id"] == page + "annotations.jsonld#page-1"
    assert [a["id"] for a in items] == [f"{page}annotations.jsonld#note-{n.id}"
                                        for n in doc.notes]
    geneva = items[[n.id for n in doc.notes].index("geneva-process")]
    assert geneva["motivation"] == "commenting" and "creator" not in geneva
    assert geneva["target"] == {"source": page, "selector": [
        {"type": "TextQuoteSelector", "exact": "Geneva process",
         "prefix": "ution to the conflict must be forged through the "[-32:],
         "suffix": " pursuant to UNSCR 2254. They al"},
        {"type": "TextPositionSelector", "start": 899, "end": 913}]}
    assert doc.anchor.text[899:913] == "Geneva process"
    markdown, rendered = geneva["body"]
    assert markdown == {"type": "TextualBody", "format": "text/markdown",
                        "value": site.annotations[doc.source.stem].notes[4].note}
    assert rendered["type"] == "TextualBody" and rendered["format"] == "text/html"
    assert rendered["value"].startswith("<p>The UN-facilitated intra-Syrian negotiations")


def test_glossary_and_page_links_in_the_html_body_are_absolute(example):
    site, docs = example
    doc = next(d for d in docs if d.source.slug == "joint-statement-syria-2017-11-11")
    items = {a["id"].rsplit("#note-", 1)[1]: a for a in annotations_of(export(site, doc))}
    page = "https://example.org/glossator/joint-statement-syria-2017-11-11/"
    amman = items["amman-memorandum"]["body"][1]["value"]
    assert f'(<a href="{page}#note-hamburg">note on Hamburg</a>)' in amman
    geneva = items["geneva-process"]["body"][1]["value"]
    assert ('<a class="glossary-term" href="https://example.org/glossator/glossary/index.html'
            '#unscr-2254"') in geneva
    for item in items.values():
        assert 'href="../' not in item["body"][1]["value"]
        assert 'href="#' not in item["body"][1]["value"]


def test_creator_when_the_note_has_an_author(example, w3c):
    site, docs = example
    doc = copy.deepcopy(docs[0])
    doc.notes[0].author = "A. Editor"
    items = annotations_of(export(site, doc))
    assert items[0]["creator"] == {"name": "A. Editor"}
    assert all("creator" not in a for a in items[1:])
    assert failures(musts(w3c, "annotations/annotationMusts.test"), items[0]) == []


def test_selectors_count_code_points_and_clip_context():
    text = "𝔄𝔅 short é text, then 𝔄 the quoted passage and the rest of a rather long text."
    start = text.index("the quoted")
    end = start + len("the quoted passage")
    quote, position = selectors(text, start, end)
    assert position == {"type": "TextPositionSelector", "start": 24, "end": 42}
    assert len(text[:24].encode("utf-16-le")) // 2 == 27  # Hypothesis would count 27
    assert quote == {"type": "TextQuoteSelector", "exact": "the quoted passage",
                     "prefix": "𝔄𝔅 short é text, then 𝔄 ",
                     "suffix": " and the rest of a rather long t"}
    assert "prefix" not in selectors(text, 0, 2)[0]
    assert "suffix" not in selectors(text, len(text) - 5, len(text))[0]


def test_a_synthetic_document_with_astral_characters():
    source = Source(stem="s", path="sources/s.md", slug="s", title="S",
                    date=PartialDate(2000), added=dt.date(2026, 1, 1), publisher="P",
                    body="𝔄 *first* para.\n\nThe 𝔅 passage here.\n", body_line=3)
    notes = Annotations("s", "annotations/s.yaml",
                        notes=[Note(id="n1", quote="𝔅 passage", note="A **note**.\n",
                                     note_location=Location("annotations/s.yaml", 3))])
    config = load_site(ROOT, Diagnostics()).config
    site = Site(ROOT, config, [source], {"s": notes}, load_site(ROOT, Diagnostics()).glossary)
    doc = renderer_for(site).render(source, notes, Diagnostics())
    (item,) = annotations_of(annotation_collection(
        doc, page_url="https://e.org/s/", collection_url="https://e.org/s/annotations.jsonld"))
    assert doc.anchor.text == "𝔄 first para. The 𝔅 passage here."
    assert item["target"]["selector"][1] == {"type": "TextPositionSelector",
                                             "start": 18, "end": 27}
    assert len(doc.anchor.text[:18].encode("utf-16-le")) // 2 == 19  # UTF-16 would say 19
    assert item["body"][0]["value"] == "A **note**.\n"
    assert item["body"][1]["value"] == "<p>A <strong>note</strong>.</p>\n"


def test_absolute_links_resolve_escaped_relative_addresses():
    fragment = ('<a href="../glossary/index.html#a&amp;b">x</a> <a href="">bad</a> '
                '<img src="i.png" alt=""> <a href="https://other.example/">o</a>')
    assert absolute_links(fragment, "https://e.org/ed/doc/") == (
        '<a href="https://e.org/ed/glossary/index.html#a&amp;b">x</a> <a href="">bad</a> '
        '<img src="https://e.org/ed/doc/i.png" alt=""> <a href="https://other.example/">o</a>')


URL_PIECES = st.sampled_from(["a", "/", "..", ".", ":", "#", "?", ";", "@", "%20", " ", "\t",
                               "\n", "\x00", "https:", "http:", "mailto:", "//h", "x=1", "é"])
BASES = st.sampled_from(["https://e.org/ed/doc/", "https://e.org/ed/doc/?q=1#top",
                         "https://e.org", "http://e.org/a/b;p", "file:///tmp/x/", ""])


@settings(max_examples=1000)
@given(BASES, st.lists(URL_PIECES, max_size=8).map("".join))
def test_an_address_is_resolved_as_urljoin_resolves_it(base: str, url: str):
    from urllib.parse import urljoin
    assert resolved(base, url) == urljoin(base, url)


def test_export_is_json_and_stable(example):
    site, docs = example
    first = [json.dumps(export(site, d), ensure_ascii=False, indent=2) for d in docs]
    assert first == [json.dumps(export(site, d), ensure_ascii=False, indent=2) for d in docs]
