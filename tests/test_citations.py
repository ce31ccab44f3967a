"""The CSL-JSON item of a document page and its rendering in the default styles."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest

from glossator import citations
from glossator.citations import (
    DEFAULT_STYLES,
    CitationRenderer,
    FormattedCitation,
    csl_item,
    escape_item,
    style_exists,
    style_has_bibliography,
)
from glossator.models import Author, PartialDate, Source

html5lib = pytest.importorskip("html5lib")

FIXTURES = Path(__file__).parent / "fixtures" / "citations"
ITEMS = sorted(p.stem for p in FIXTURES.glob("*.json"))
HOSTILE = '<script>alert(1)</script> & "quoted" </script>'
ALLOWED_TAGS = {"i", "b", "span", "sup", "sub"}


@pytest.fixture(scope="module")
def renderer() -> CitationRenderer:
    return CitationRenderer(DEFAULT_STYLES)


def load_item(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def parse(fragment: str):
    """Parse as HTML, failing on any parse error; the fragment's element tree."""
    return html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parseFragment(fragment)


def source(**changes) -> Source:
    fields: dict = {
        "stem": "joint-statement", "path": "sources/joint-statement.md", "slug": "two-persons",
        "title": "Joint Statement by the President of the United States and the President of "
                 "the Russian Federation",
        "date": PartialDate(2017, 11, 11), "added": dt.date(2024, 3, 5),
        "publisher": "The White House", "body": "", "body_line": 0,
        "authors": [Author(family="Trump", given="Donald"),
                    Author(family="Putin", given="Vladimir")],
        "place": "Washington, DC", "language": "en",
    }
    fields.update(changes)
    return Source(**fields)


# --- styles -------------------------------------------------------------------------------

def test_default_styles_exist():
    assert DEFAULT_STYLES == ["chicago-notes-bibliography", "modern-language-association", "apa"]
    assert all(style_exists(name) for name in DEFAULT_STYLES)


@pytest.mark.parametrize("name", ["no-such-style", "", "APA", "../styles/apa", "apa.csl"])
def test_style_exists_rejects_unknown_names_and_paths(name):
    assert style_exists(name) is False


@pytest.mark.parametrize("name, has", [("apa", True), ("chicago-notes-bibliography", True),
                                       ("nature-digest", True),  # (dependent: nature's)
                                       ("agora", False), ("art-history", False)])
def test_a_style_without_a_bibliography_is_told_from_its_file(name, has):
    assert style_has_bibliography(name) is has
    if not has:
        with pytest.raises(ValueError, match="has no bibliography"):
            CitationRenderer([name])
    else:
        assert CitationRenderer([name]).styles == [name]


def test_renderer_rejects_an_unknown_style():
    with pytest.raises(ValueError, match="no-such-style"):
        CitationRenderer(["apa", "no-such-style"])


def test_renderer_labels_are_the_styles_titles(renderer):
    rendered = renderer.render(load_item("two-persons"))
    assert [(c.style, c.label) for c in rendered] == [
        ("chicago-notes-bibliography",
         "Chicago Manual of Style 18th edition (notes and bibliography)"),
        ("modern-language-association", "MLA Handbook 9th edition (in-text citations)"),
        ("apa", "APA Style 7th edition"),
    ]
    assert renderer.styles == DEFAULT_STYLES


def test_formatted_citation_is_frozen(renderer):
    citation = renderer.render(load_item("two-persons"))[0]
    assert isinstance(citation, FormattedCitation)
    with pytest.raises(dataclasses.FrozenInstanceError):
        citation.html = ""  # type: ignore[misc]


def test_renderer_loads_each_style_once(monkeypatch):
    loaded = []
    real = citations.CitationStylesStyle

    def counting(path, **options):
        loaded.append(Path(path).stem)
        return real(path, **options)

    monkeypatch.setattr(citations, "CitationStylesStyle", counting)
    monkeypatch.setattr(citations, "_PARSED", {})
    renderer = CitationRenderer(["apa", "modern-language-association"])
    first = renderer.render(load_item("two-persons"))
    second = renderer.render(load_item("question-year"))
    assert loaded == ["apa", "modern-language-association"]
    assert [c.style for c in first] == ["apa", "modern-language-association"]
    assert [c.style for c in second] == ["apa", "modern-language-association"]
    assert first[0].html != second[0].html


def test_renderers_share_parsed_styles_so_memory_stays_bounded():
    """Each build makes a renderer; with a style parsed per renderer, the memoised XPath
    results (keyed by the style's elements) grew by about 4.6 MB per build in a process that
    builds again and again, as ``serve`` does (found by the fuzz harness, bench/fuzz.py)."""
    from glossator import citeproc_speedups

    first = CitationRenderer(["apa", "modern-language-association"])
    first.render(load_item("two-persons"))
    sizes = (len(citeproc_speedups._XPATH_CACHE), len(citeproc_speedups._CALLS_VARIABLE_CACHE))
    for _ in range(3):
        again = CitationRenderer(["apa", "modern-language-association"])
        assert [s for _, _, s in again._styles] == [s for _, _, s in first._styles]
        assert again.render(load_item("two-persons")) == first.render(load_item("two-persons"))
    assert (len(citeproc_speedups._XPATH_CACHE),
            len(citeproc_speedups._CALLS_VARIABLE_CACHE)) == sizes


# --- the CSL-JSON item --------------------------------------------------------------------

def test_csl_item_is_the_fixture_item():
    item = csl_item(source(), site_title="Annotated Statements",
                    page_url="https://example.org/sources/two-persons/",
                    editors=[Author(family="Doe", given="Jane")])
    assert item == load_item("two-persons")
    assert list(item) == list(load_item("two-persons"))


def test_csl_item_omits_empty_names_and_place_and_keeps_partial_dates():
    item = csl_item(source(slug="s", date=PartialDate(1789, 8), authors=[], place="",
                           language="fr"),
                    site_title="T", page_url="https://e.org/s/", editors=[])
    assert "author" not in item and "editor" not in item
    assert "original-publisher-place" not in item
    assert item["original-date"] == {"date-parts": [[1789, 8]]}
    assert item["issued"] == {"date-parts": [[2024, 3, 5]]}
    assert item["language"] == "fr"


def test_csl_item_organization_author_and_year_date():
    item = csl_item(source(date=PartialDate(1863),
                           authors=[Author(organization="United Nations General Assembly")]),
                    site_title="T", page_url="https://e.org/s/", editors=[])
    assert item["author"] == [{"literal": "United Nations General Assembly"}]
    assert item["original-date"] == {"date-parts": [[1863]]}


def test_csl_item_takes_nothing_from_the_clock():
    item = csl_item(source(), site_title="T", page_url="https://e.org/s/", editors=[])
    assert "accessed" not in item
    assert item["original-title"] == item["title"]
    dates = {key: value for key, value in item.items() if isinstance(value, dict)}
    assert dates == {"issued": {"date-parts": [[2024, 3, 5]]},
                     "original-date": {"date-parts": [[2017, 11, 11]]}}


# --- rendering ----------------------------------------------------------------------------

@pytest.mark.parametrize("style", DEFAULT_STYLES)
@pytest.mark.parametrize("name", ITEMS)
def test_fixture_rendering(renderer, name, style):
    expected_file = FIXTURES / f"{name}.{style}.html"
    expected = expected_file.read_text(encoding="utf-8").removesuffix("\n")
    rendered = {c.style: c.html for c in renderer.render(load_item(name))}
    assert rendered[style] == expected
    tags = {element.tag for element in parse(rendered[style]).iter()} - {"DOCUMENT_FRAGMENT"}
    assert tags <= ALLOWED_TAGS


def test_fixture_files_cover_every_item_and_style():
    expected = {f"{name}.{style}.html" for name in ITEMS for style in DEFAULT_STYLES}
    assert len(ITEMS) >= 5
    assert {p.name for p in FIXTURES.glob("*.html")} == expected


def test_hostile_title_comes_out_escaped_once(renderer):
    item = load_item("two-persons") | {"title": HOSTILE}
    for citation in renderer.render(item):
        assert "<script" not in citation.html.lower()
        assert "&amp;amp;" not in citation.html and "&amp;lt;" not in citation.html
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; " in citation.html
        text = "".join(parse(citation.html).itertext())
        assert "<script>alert(1)</script> & " in text
        assert text.count("</script>") == 2
    apa = renderer.render(item)[2]
    assert f"<i>{HOSTILE.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')}</i>" \
        in apa.html


def test_every_field_is_escaped(renderer):
    item = load_item("two-persons") | {
        "author": [{"family": "<b>Bold</b>", "given": "A&B"}, {"literal": "<i>Org</i> & Co"}],
        "editor": [{"family": "Doe<", "given": "Jane"}],
        "container-title": "Site <script>x</script>",
        "original-publisher": "Pub <img src=x onerror=alert(1)>",
        "URL": "https://e.org/?a=1&b=<2>",
    }
    for citation in renderer.render(item):
        tags = {element.tag for element in parse(citation.html).iter()} - {"DOCUMENT_FRAGMENT"}
        assert tags <= ALLOWED_TAGS, citation.style
        assert "<b>Bold" not in citation.html and "<i>Org" not in citation.html
        assert "https://e.org/?a=1&amp;b=&lt;2&gt;" in citation.html
        assert "&amp;amp;" not in citation.html


def test_escape_item_copies_and_escapes_strings_only():
    item = {"id": "a&b", "type": "webpage", "title": 'x < y & "z"',
            "author": [{"family": "<F>"}], "issued": {"date-parts": [[1789, 8]]}}
    escaped = escape_item(item)
    assert escaped == {"id": "a&b", "type": "webpage", "title": 'x &lt; y &amp; "z"',
                       "author": [{"family": "&lt;F&gt;"}],
                       "issued": {"date-parts": [[1789, 8]]}}
    assert item["title"] == 'x < y & "z"' and item["author"] == [{"family": "<F>"}]


def test_render_does_not_change_the_item(renderer):
    item = load_item("ampersand-less-than")
    before = json.dumps(item)
    renderer.render(item)
    assert json.dumps(item) == before
