"""import-hypothesis: notes from a Hypothesis export appended to an annotation file.

Each test works on a copy of the example site (the repository root) in a temporary folder.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from glossator.citations import CitationRenderer
from glossator.documents import DocumentRenderer
from glossator.errors import Diagnostics
from glossator.hypothesis_import import ImportFailed, anchor_text, import_hypothesis
from glossator.inventory import absolute_url, document_page
from glossator.markdown import make_markdown
from glossator.markdown.glossary import GlossaryMatcher
from glossator.pipeline import BuildOptions, build
from glossator.site import load_site
from glossator.yamledit import yaml_scalar

ROOT = Path(__file__).resolve().parents[1]
EXPORT = ROOT / "tests" / "fixtures" / "hypothesis" / "joint-statement-search.json"
JOINT = "joint-statement-syria-2017-11-11"
NATO = "north-atlantic-treaty-article-5"
APPENDED = (
    "  # Hypothesis annotation Xq3kS2XyEe6Tj_9mwuH0Dw by mlopez@hypothes.is, 2026-12-01\n"
    "  - id: confirmed-their-determination-to-defeat\n"
    "    quote: confirmed their determination to defeat ISIS in Syria\n"
    "    note: |\n"
    "      The formula *defeat ISIS* recurs in every U.S.–Russian statement on Syria of 2017.\n"
    "\n"
    "      See also the [joint statement of 11 November](https://www.whitehouse.gov/).\n"
    "    author: María López\n"
    "  # Hypothesis annotation c0Wm8GX0Ee6Zb3Nn9dVYjg by tkowalski@hypothes.is, 2026-12-01\n"
    "  - id: russian-federation\n"
    "    quote: Russian Federation\n"
    '    suffix: ", and the United States."\n'
    "    note: |\n"
    "      The second mention: here the Russian Federation is named last but one.\n"
    "    author: tkowalski\n"
    "  # Hypothesis annotation dJ2p9GX0Ee6Zb7c1rB0w3A by tkowalski@hypothes.is, 2026-12-01\n"
    "  - id: unscr-2254\n"
    "    quote: UNSCR 2254\n"
    "    prefix: under\n"
    "    note: |\n"
    "      Second of four mentions of the resolution in the statement.\n"
    "    author: tkowalski\n"
    "  # Hypothesis annotation kN0w5GX3Ee6ZhS2a7zOe7w by jchen@hypothes.is, 2026-12-01\n"
    "  - id: isiss-losses-on-the-battlefield\n"
    "    quote: ISIS's losses on the battlefield\n"
    "    note: |\n"
    "      The “losses” include Raqqa, taken on 17 October 2017.\n"
    "      A  \n"
    "      second line after a hard break.\n"
    "    author: Jia Chen\n"
    "  # Hypothesis annotation nQ6y7GX4Ee6ZjYo_3bQg9Q by jchen@hypothes.is, 2026-12-01\n"
    "  - id: will-save-thousands-of-lives\n"
    "    quote: will save thousands of lives\n"
    "    note: |\n"
    "      The statement ends on the human cost: a claim no later text quantifies.\n"
    "    author: Jia Chen\n")
SKIPPED = [
    "row bT7mH2XzEe6w4AfJq1n8xQ: skipped: a reply to another annotation",
    ("row eF5r0GX1Ee6ZcwtW2mQz7g: skipped: the quote occurs 4 times in the document's text and "
     "its context on the page does not pick out one"),
    ("row gH8s1GX1Ee6ZdDpX5vKa2w: skipped: quote not found in the document's text (a quote "
     "copied from the page may take in a note number, a paragraph number or the text of a note)"),
    "row hK1t2GX2Ee6Ze_Lx8wLb4Q: skipped: a page note (it quotes no passage)",
    "row iL4u3GX2Ee6ZfMqY1xMc5A: skipped: a highlight without a note",
    ("row jM7v4GX3Ee6ZgUrZ4yNd6g: skipped: annotates another page "
     "(https://example.org/glossator/north-atlantic-treaty-article-5/)"),
    ("row mP3x6GX4Ee6ZiQ4b0aPf8A: skipped: its text would not build: unsafe link address: "
     "javascript: URLs are not allowed"),
]


@pytest.fixture
def site(tmp_path: Path) -> Path:
    for name in ("sources", "annotations", "theme"):
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, tmp_path / name)
    shutil.copy(ROOT / "site_config.yaml", tmp_path / "site_config.yaml")
    return tmp_path


def notes_file(site: Path, stem: str = JOINT) -> Path:
    return site / "annotations" / f"{stem}.yaml"


def rendered(site: Path, stem: str):
    """The document as a build renders it (no theme needed)."""
    diags = Diagnostics()
    loaded = load_site(site, diags)
    config = loaded.config
    renderer = DocumentRenderer(
        md=make_markdown(), config=config, matcher=GlossaryMatcher(loaded.glossary.terms),
        citations=CitationRenderer(config.citation_styles), note_template=lambda note, diags: "",
        glossary_href=str, page_url=lambda s: absolute_url(config.base_url,
                                                           document_page(s.slug)))
    source = next(s for s in loaded.sources if s.stem == stem)
    doc = renderer.render(source, loaded.annotations.get(stem), diags)
    assert not diags.has_errors(), diags.format()
    return doc


# The example export -------------------------------------------------------------------------------

def test_import_appends_the_notes_and_reports_each_skipped_row(site):
    before = notes_file(site).read_text(encoding="utf-8")
    report = import_hypothesis(site, EXPORT, JOINT)
    assert report.path == f"annotations/{JOINT}.yaml" and not report.created
    assert (report.rows, len(report.imported), report.skipped) == (12, 5, 7)
    assert report.imported == ["confirmed-their-determination-to-defeat", "russian-federation",
                               "unscr-2254", "isiss-losses-on-the-battlefield",
                               "will-save-thousands-of-lives"]
    assert report.messages == SKIPPED and report.warnings == []
    assert notes_file(site).read_text(encoding="utf-8") == before + APPENDED


def test_after_import_the_site_builds_and_the_notes_anchor_exactly(site):
    import_hypothesis(site, EXPORT, JOINT)
    report = build(site, BuildOptions(check_only=True))
    assert not report.diagnostics.has_errors(strict=True), report.diagnostics.format()
    doc = rendered(site, JOINT)
    spans = {n.id: doc.anchor.text[n.start:n.end] for n in doc.notes}
    assert spans["confirmed-their-determination-to-defeat"] == (
        "confirmed their determination to defeat ISIS in Syria")
    assert spans["isiss-losses-on-the-battlefield"] == "ISIS's losses on the battlefield"
    federation = next(n for n in doc.notes if n.id == "russian-federation")
    assert doc.anchor.text[federation.end:].startswith(", and the United States. The two")
    unscr = next(n for n in doc.notes if n.id == "unscr-2254")
    assert doc.anchor.text[:unscr.start].endswith("as called for under ")
    assert len(doc.notes) == 13 + 5


def test_a_second_import_adds_nothing(site):
    import_hypothesis(site, EXPORT, JOINT)
    after_first = notes_file(site).read_bytes()
    report = import_hypothesis(site, EXPORT, JOINT)
    assert report.imported == [] and report.skipped == 12
    assert sum(m.endswith(": skipped: already imported") for m in report.messages) == 5
    assert notes_file(site).read_bytes() == after_first


def test_a_note_already_in_the_file_without_its_comment_is_not_duplicated(site):
    import_hypothesis(site, EXPORT, JOINT)
    path = notes_file(site)
    path.write_text(path.read_text(encoding="utf-8").replace("# Hypothesis annotation", "#"),
                    encoding="utf-8")
    report = import_hypothesis(site, EXPORT, JOINT)
    assert report.imported == []
    assert ("row Xq3kS2XyEe6Tj_9mwuH0Dw: skipped: already imported (the file has a note with "
            "this quote and text)") in report.messages


def test_the_anchor_text_is_the_builds(site):
    diags = Diagnostics()
    for source in load_site(site, diags).sources:
        assert anchor_text(source, unsafe_html=False).text == rendered(
            site, source.stem).anchor.text


# Shapes of annotation files -----------------------------------------------------------------------

def test_a_missing_annotation_file_is_created(site):
    notes_file(site, NATO).unlink()
    report = import_hypothesis(site, EXPORT, NATO)
    assert report.created and report.imported == ["immediately-be-reported-to-the"]
    assert sum("annotates another page" in m for m in report.messages) == 8
    assert notes_file(site, NATO).read_text(encoding="utf-8") == (
        f"# Notes on sources/{NATO}.md\n"
        "notes:\n"
        "  # Hypothesis annotation jM7v4GX3Ee6ZgUrZ4yNd6g by jchen@hypothes.is, 2026-12-01\n"
        "  - id: immediately-be-reported-to-the\n"
        "    quote: immediately be reported to the Security Council\n"
        "    note: |\n"
        "      Article 5 ties the reporting duty to the Charter.\n"
        "    author: Jia Chen\n")
    assert not build(site, BuildOptions(check_only=True)).diagnostics.has_errors()


@pytest.mark.parametrize("written, kept", [
    ("notes: []", "notes:"), ("notes:", "notes:"), ("notes: [ ]", "notes:"),
    ("notes: null  # none yet", "notes:  # none yet"), ("notes: # none yet", "notes: # none yet"),
    ("notes: []# x", "notes: # x")])
def test_an_empty_notes_list_becomes_a_block_list(site, written, kept):
    header = '# Notes on this source: see docs/authoring.md\nintroduction: ""\n'
    notes_file(site, NATO).write_text(f"{header}{written}\n", encoding="utf-8")
    import_hypothesis(site, EXPORT, NATO)
    text = notes_file(site, NATO).read_text(encoding="utf-8")
    assert text.startswith(f"{header}{kept}\n  # Hypothesis annotation jM7v4")
    assert yaml.safe_load(text)["notes"][0]["quote"] == (
        "immediately be reported to the Security Council")


def test_a_file_without_notes_gets_the_key(site):
    notes_file(site, NATO).write_text("introduction: |\n  A headnote.\n", encoding="utf-8")
    import_hypothesis(site, EXPORT, NATO)
    text = notes_file(site, NATO).read_text(encoding="utf-8")
    assert text.startswith("introduction: |\n  A headnote.\nnotes:\n  # Hypothesis")


def test_comments_indentation_and_crlf_are_kept(site):
    original = ("# Notes on the treaty\r\n"
                "notes:\r\n"
                "- id: attack   # the core clause\r\n"
                "  quote: an armed attack against one or more of them\r\n"
                "  note: >-\r\n"
                "    Folded text.\r\n"
                "\r\n"
                "  # a comment that belongs to the last item\r\n"
                "# and one about the whole file\r\n"
                "introduction: Intro.\r\n")
    notes_file(site, NATO).write_bytes(original.encode("utf-8"))
    import_hypothesis(site, EXPORT, NATO)
    data = notes_file(site, NATO).read_bytes().decode("utf-8")
    head, tail = original.split("# and one about")
    assert data.startswith(head) and data.endswith("# and one about" + tail)
    added = data[len(head):-len("# and one about" + tail)]
    assert added.startswith("# Hypothesis annotation jM7v4GX3Ee6ZgUrZ4yNd6g")
    assert "\r\n- id: immediately-be-reported-to-the\r\n  quote: " in added
    assert data.count("\n") == data.count("\r\n")
    assert not build(site, BuildOptions(check_only=True)).diagnostics.has_errors()


def test_a_flow_list_is_refused_and_left_alone(site):
    text = "notes: [{quote: an armed attack, note: x}]\n"
    notes_file(site, NATO).write_text(text, encoding="utf-8")
    with pytest.raises(ImportFailed) as failed:
        import_hypothesis(site, EXPORT, NATO)
    assert failed.value.diagnostics.format() == (
        f"annotations/{NATO}.yaml:1:8: error: cannot add to this `notes` list\n"
        "    hint: write it as a block list, each item starting with '- '")
    assert notes_file(site, NATO).read_text(encoding="utf-8") == text


# Failures ---------------------------------------------------------------------------------------

def test_an_unknown_stem_is_an_error_with_a_suggestion(site):
    with pytest.raises(ImportFailed) as failed:
        import_hypothesis(site, EXPORT, "joint-statement-syria")
    assert failed.value.diagnostics.format() == (
        "sources/joint-statement-syria.md:1:1: error: no source "
        "sources/joint-statement-syria.md\n"
        f"    hint: did you mean '{JOINT}'?")


def test_a_site_with_errors_is_not_touched(site):
    config = site / "site_config.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "colour: blue\n", encoding="utf-8")
    before = notes_file(site).read_bytes()
    with pytest.raises(ImportFailed) as failed:
        import_hypothesis(site, EXPORT, JOINT)
    (problem,) = failed.value.diagnostics.errors
    assert problem.message == "unknown key 'colour' in site_config.yaml"
    assert notes_file(site).read_bytes() == before


def test_an_export_that_is_not_json_is_a_located_error(site, tmp_path):
    bad = tmp_path / "export.json"
    bad.write_text('{"total": 1,\n  "rows": [oops]}', encoding="utf-8")
    with pytest.raises(ImportFailed) as failed:
        import_hypothesis(site, bad, JOINT)
    (problem,) = failed.value.diagnostics.errors
    assert (problem.location.path, problem.location.line, problem.location.col) == (
        str(bad), 2, 12)
    assert problem.message.startswith("not a JSON file: Expecting value")


def test_an_export_of_another_shape_is_an_error(site, tmp_path):
    other = tmp_path / "export.json"
    other.write_text(json.dumps([{"id": "x"}]), encoding="utf-8")
    with pytest.raises(ImportFailed) as failed:
        import_hypothesis(site, other, JOINT)
    assert failed.value.diagnostics.errors[0].message == (
        'not a Hypothesis export: expected {"total": N, "rows": [...]}')


def test_a_partial_export_is_imported_with_a_warning(site, tmp_path):
    data = json.loads(EXPORT.read_text(encoding="utf-8"))
    data["total"] = 250
    partial = tmp_path / "page1.json"
    partial.write_text(json.dumps(data), encoding="utf-8")
    report = import_hypothesis(site, partial, JOINT)
    assert len(report.imported) == 5
    assert report.warnings == [("the export holds 12 of 250 annotations: fetch the others too "
                                "(the Hypothesis API returns its results in pages)")]


# Scalars ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", [
    "plain words", "key: value", "a # not a comment", "- dash", ", comma first", "yes", "2017",
    "2017-11-11", "null", "'quoted'", '"double"', "trailing space ", "tab\tinside", "é ü 𝔄",
    "bell\x07", "line\u2028separator", "[flow]", "&anchor", "*alias", "!tag", "%directive",
    "@at", "`tick`", "{brace}", "~"])
def test_scalars_read_back_exactly(value):
    written = yaml_scalar(value)
    assert "\n" not in written
    assert yaml.safe_load(f"k: {written}\n") == {"k": value}


@pytest.mark.parametrize("value", [
    "One line.\n", "Two\n\nparagraphs.\n", "Hard  \nbreak\n", "  indented first line\n",
    "trailing\n\n\n", "control \x01 char\n"])
def test_block_scalars_read_back_exactly(value):
    written = yaml_scalar(value, block_indent=6)
    assert yaml.safe_load(f"k: {written}\n") == {"k": value}
    assert written.startswith("|\n") == (value in ("One line.\n", "Two\n\nparagraphs.\n",
                                                   "Hard  \nbreak\n"))
