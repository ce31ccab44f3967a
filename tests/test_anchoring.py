"""Anchoring notes to passages: the fixture files, and the pure helpers they rest on.

The cases live in ``tests/fixtures/markdown/*.md`` (see ``tests/markdown_fixtures.py`` for the
format); glossary cases are run by ``test_glossary_linking.py``.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from glossator.errors import Diagnostics, Location
from glossator.markdown import make_markdown
from glossator.markdown.anchors import MAX_LISTED, anchor_notes, closest_passage
from glossator.markdown.anchortext import build_anchor_text
from glossator.markdown.matching import (
    _UNLIKE_A_SPACE,
    OTHER_WHITESPACE,
    QUOTES,
    MatchText,
    find_all,
    followed_by,
    normalize_query,
    plain_quotes,
    preceded_by,
)
from glossator.models import Note

from conftest import require_tool
from markdown_fixtures import FIXTURES, Case, case_params, check_case, load_cases, run_case

FILES = ["anchoring.md", "matching.md", "code.md", "blocks.md", "errors.md"]
ALL_FILES = [*FILES, "glossary.md"]
VNU = Path(__file__).parent.parent / ".tools/node_modules/vnu-jar/build/dist/vnu.jar"


@pytest.mark.parametrize("case", case_params(FILES))
def test_fixture(case: Case) -> None:
    check_case(case)


def test_every_fixture_file_is_run() -> None:
    assert sorted(p.name for p in FIXTURES.glob("*.md")) == sorted(ALL_FILES)
    for name in ALL_FILES:
        assert load_cases(name), f"{name} has no cases"


# The Nu HTML Checker, on every fixture's output at once ------------------------------------

def _page(case: Case, html: str) -> str:
    definitions = "".join(f'<div id="gdef-{t.id}" hidden>{t.term}</div>' for t in case.terms)
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{case.file} {case.line}</title></head>"
            f"<body><main>{html}</main>{definitions}</body></html>\n")


def test_nu_html_checker_finds_no_errors(tmp_path: Path) -> None:
    java = shutil.which("java")
    require_tool(java is not None, "java is not installed (the Nu HTML Checker needs it)")
    require_tool(VNU.is_file(), f"the Nu HTML Checker is missing: {VNU} (run: make tools)")
    # A page with a known error proves, in the same run, that errors are seen and read.
    canary = tmp_path / "canary.html"
    canary.write_text('<!DOCTYPE html><html lang="en"><head></head><body></body></html>')
    pages = [str(canary)]
    for name in ALL_FILES:
        for case in load_cases(name):
            outcome = run_case(case)
            html = outcome.output if case.expect == "html" else "".join(outcome.htmls)
            page = tmp_path / f"{Path(name).stem}-{case.line}.html"
            page.write_text(_page(case, html), encoding="utf-8")
            pages.append(str(page))
    done = subprocess.run([java, "-jar", str(VNU), "--errors-only", "--format", "json", *pages],
                          capture_output=True, text=True, timeout=300)
    messages = json.loads(done.stderr or done.stdout)["messages"]
    errors = [f"{m.get('url', '?').rsplit('/', 1)[-1]}:{m.get('lastLine', '?')}: "
              f"{m.get('message')}" for m in messages]
    assert len(errors) == 1 and errors[0].startswith("canary.html:1: "), errors


# Anchor text --------------------------------------------------------------------------------

ANCHOR_TEXTS = [
    ("paragraph boundary is one space", "one\n\ntwo\n", "one two"),
    ("soft break is one space", "one\ntwo\n", "one two"),
    ("hard break is one space", "one\\\ntwo\n", "one two"),
    ("hard break by two spaces", "one  \ntwo\n", "one two"),
    ("markup is not text", "*one* **two** [three](x) `four`\n", "one two three four"),
    ("list markers are not text", "- one\n- two\n\n1. three\n", "one two three"),
    ("nested list", "- one\n  - two\n", "one two"),
    ("heading text is text", "# Title\n\nBody\n", "Title Body"),
    ("block quote marker is not text", "> one\n> two\n", "one two"),
    ("table cells", "| a | b |\n| - | - |\n| c | d |\n", "a b c d"),
    ("fenced code keeps its lines", "```py\nx = 1\ny\n```\n", "x = 1\ny"),
    ("indented code", "    code\n", "code"),
    ("image alt is not text", "a ![alt](i.png) b\n", "a  b"),
    ("typed HTML is text", "a <b>c</b>\n", "a <b>c</b>"),
    ("entity", "AT&amp;T &copy;\n", "AT&T ©"),
    ("decomposed character reference becomes NFC", "e&#x301;\n", "\u00e9"),
    ("thematic break adds nothing", "a\n\n---\n\nb\n", "a b"),
    ("empty list item adds nothing", "- a\n-\n- b\n", "a b"),
]


@pytest.mark.parametrize("body, expected", [pytest.param(b, e, id=i) for i, b, e in ANCHOR_TEXTS])
def test_anchor_text(body: str, expected: str) -> None:
    assert build_anchor_text(make_markdown().parse(body)).text == expected


def test_anchor_text_with_unsafe_html_leaves_out_tags_and_html_blocks() -> None:
    md = make_markdown(unsafe_html=True)
    assert build_anchor_text(md.parse("a <b>c</b>\n\n<div>raw</div>\n\nd\n")).text == "a c d"


def test_anchor_text_lines() -> None:
    anchor = build_anchor_text(make_markdown().parse("one\ntwo\n\n```\nx\ny\n```\n"))
    assert anchor.text == "one two x\ny"
    lines = [anchor.line_of(anchor.text.index(word)) for word in ("one", "two", "x", "y")]
    assert lines == [0, 1, 4, 5]


# MatchText -----------------------------------------------------------------------------------

def test_match_text_key_collapses_whitespace_and_maps_quotes() -> None:
    mt = MatchText.of("\u201cA\u201d \u00a0\t b\u2019s\n\nc\u2033")
    assert mt.key == "\"A\" b's c\""


def test_match_text_offsets_round_trip() -> None:
    text = "  ab \u00a0 cd\n\nef  "
    mt = MatchText.of(text)
    assert mt.key == " ab cd ef "
    # every key character maps to where it starts in the original, and back
    starts = [mt.to_orig_start(k) for k in range(len(mt.key))]
    assert starts == [0, 2, 3, 4, 7, 8, 9, 11, 12, 13]
    assert [mt.to_key(o) for o in starts] == list(range(len(mt.key)))
    # an exclusive end after a whitespace run covers the whole run
    assert mt.to_orig_end(0) == 0
    assert mt.to_orig_end(1) == 2
    assert mt.to_orig_end(4) == 7
    assert mt.to_orig_end(len(mt.key)) == len(text)
    # original offsets inside a run map to the run
    assert [mt.to_key(o) for o in (4, 5, 6)] == [3, 3, 3]


def test_match_text_slices_give_the_original_characters() -> None:
    text = "He said \u201cno\u201d\u00a0to\n10\tkm."
    mt = MatchText.of(text)
    k = mt.key.index('"no" to 10 km')
    start, end = mt.to_orig_start(k), mt.to_orig_end(k + len('"no" to 10 km'))
    assert text[start:end] == "\u201cno\u201d\u00a0to\n10\tkm"


@settings(max_examples=500)
@given(st.text(st.sampled_from(" \t\n\r\x0b\x0c\x1c\x85\u00a0\u2003\u3000a\u0301_'"), max_size=16))
def test_match_text_keys_the_whitespace_runs_that_are_not_one_space(text: str) -> None:
    """The runs the key collapses are exactly those of the plain definition: two whitespace
    characters or more, or one that is not " " (matching.py spells it to be searched faster)."""
    runs = [m.span() for m in _UNLIKE_A_SPACE.finditer(text)]
    assert runs == [m.span() for m in re.finditer(r"\s{2,}|[^\S ]", text)]
    assert MatchText.of(text).key == re.sub(r"\s{2,}|[^\S ]", " ", text)


def test_the_other_whitespace_is_every_character_but_the_space_that_s_matches() -> None:
    found = [chr(c) for c in range(sys.maxunicode + 1)
             if chr(c) != " " and re.fullmatch(r"\s", chr(c))]
    assert OTHER_WHITESPACE == "".join(found)


@settings(max_examples=500)
@given(st.text(st.sampled_from(" \t\n\x1f\x85\u00a0\u2003\u3000a'\"\u2018\u2019\u201a\u201b\u2032"
                               "\u201c\u201d\u201e\u201f\u2033"), max_size=16))
def test_a_text_is_keyed_as_a_text_with_runs_is(text: str) -> None:
    """The text without whitespace runs keyed at once, and quotation marks made plain by
    replacement, give what the runs' general path and ``str.translate`` give."""
    assert vars(MatchText.of(text)) == vars(MatchText.with_runs(text))
    with_runs = vars(MatchText.with_runs(text))
    assert with_runs["key"] == re.sub(r"\s{2,}|[^\S ]", " ", text).translate(QUOTES)
    assert plain_quotes(text) == text.translate(QUOTES)


def test_match_text_without_whitespace_is_the_identity() -> None:
    mt = MatchText.of("abc")
    assert (mt.key, mt.to_orig_start(2), mt.to_orig_end(3), mt.to_key(1)) == ("abc", 2, 3, 1)


def test_normalize_query() -> None:
    assert normalize_query("  Cafe\u0301 \u2018x\u2019\n\n y ") == "Caf\u00e9 'x' y"
    assert normalize_query(" \t\n") == ""


# find_all, preceded_by, followed_by ----------------------------------------------------------

@pytest.mark.parametrize("key, needle, expected", [
    ("aaa", "aa", [0, 1]),
    ("aaaa", "aa", [0, 1, 2]),
    ("abab ab", "ab", [0, 2, 5]),
    ("abcabc", "bca", [1]),
    ("abc", "d", []),
    ("ababa", "aba", [0, 2]),
])
def test_find_all_counts_overlapping_occurrences(key: str, needle: str, expected: list) -> None:
    assert find_all(key, needle) == expected


@pytest.mark.parametrize("key, start, prefix, expected", [
    ("armed attack", 6, "armed", True),  # across one space
    ("counterattack", 7, "counter", True),  # no space at all
    ("armed attack", 6, "armed a", False),  # a prefix may not reach into the quote
    ("armed and attack", 10, "armed", False),  # text in between
    ("an armed attack", 9, "an armed", True),
    ("attack", 0, "x", False),  # nothing before the start of the text
    (" attack", 1, "", True),
    ("xarmed attack", 7, "armed", True),  # a prefix may start inside a word
])
def test_preceded_by(key: str, start: int, prefix: str, expected: bool) -> None:
    assert preceded_by(key, start, prefix) is expected


@pytest.mark.parametrize("key, end, suffix, expected", [
    ("the right of", 9, "of", True),
    ("the rightful", 9, "ful", True),
    ("the right, of", 9, "of", False),
    ("the right, of", 9, ", of", True),
    ("the right", 9, "of", False),  # nothing after the end of the text
    ("the right of x", 9, "of x", True),
])
def test_followed_by(key: str, end: int, suffix: str, expected: bool) -> None:
    assert followed_by(key, end, suffix) is expected


# anchor_notes: locations and numbering ---------------------------------------------------------

def _anchor(body: str, notes: list[Note], body_line: int = 0):
    diags = Diagnostics()
    anchor = build_anchor_text(make_markdown().parse(body))
    spans = anchor_notes(anchor, notes, source_path="sources/s.md", body_line=body_line,
                         diags=diags)
    return spans, diags


def test_source_lines_count_the_front_matter() -> None:
    note = Note(id="a", quote="cat", note="", location=Location("annotations/s.yaml", 7, 12))
    _, diags = _anchor("one\n\ncat and cat\n", [note], body_line=4)
    assert diags.format().splitlines()[:3] == [
        'annotations/s.yaml:7:12: error: quote "cat" occurs 2 times in sources/s.md',
        "    sources/s.md:7: one [cat] and cat",
        "    sources/s.md:7: one cat and [cat]",
    ]


def test_a_note_without_location_is_reported_at_the_source() -> None:
    _, diags = _anchor("text\n", [Note(id="a", quote="nothing like it", note="")])
    assert diags.errors[0].location == Location("sources/s.md")


def test_many_occurrences_are_listed_up_to_the_limit() -> None:
    note = Note(id="a", quote="x", note="", location=Location("a.yaml", 1, 1))
    _, diags = _anchor("x " * 25 + "\n", [note])
    (error,) = diags.errors
    assert error.message == 'quote "x" occurs 25 times in sources/s.md'
    assert len(error.details) == MAX_LISTED + 1
    assert error.details[-1] == f"and {25 - MAX_LISTED} more"


def test_spans_are_numbered_by_start_then_longest_first() -> None:
    notes = [Note(id=i, quote=q, note="") for i, q in
             [("c", "four"), ("b", "two three"), ("a", "one two three four"), ("d", "two")]]
    spans, diags = _anchor("one two three four\n", notes)
    assert not diags.items
    assert [(s.note.id, s.number) for s in spans] == [("a", 1), ("b", 2), ("d", 3), ("c", 4)]


# closest_passage -----------------------------------------------------------------------------

def test_closest_passage_finds_a_near_miss() -> None:
    key = MatchText.of("Nothing in the present Charter shall impair the inherent right of "
                       "individual or collective self-defence if an armed attack occurs").key
    start, end = closest_passage(key, "the inherent right of individual or colective self defence")
    assert key[start:end].startswith("the inherent right of individual")


def test_closest_passage_gives_nothing_for_an_unrelated_quote() -> None:
    assert closest_passage("the inherent right of self-defence", "zzzz qqqq") is None
    assert closest_passage("", "anything") is None


@pytest.mark.parametrize(("key", "quote"), [
    ("Friends, the tide", "Friends, the tide is turning, and the lamps are lit."),
    ("tide tide", "<svg onload=alert(1)> tide t"),
    ("ab", "xxxxxxxab"),
])
def test_closest_passage_of_a_quote_longer_than_the_text(key: str, quote: str) -> None:
    """The window at the end of the text is shorter than the quote: difflib raised IndexError
    when asked to look past it (found by tests/test_fuzz.py)."""
    found = closest_passage(key, quote)
    assert found is None or 0 <= found[0] < found[1] <= len(key)


def _big_text(size: int) -> str:
    words = ("the of and to in a is that for it as was with be by on not he this are or his "
             "from at which shall parties treaty charter").split()
    state, out, length = 12345, [], 0
    while length < size:
        state = (state * 1103515245 + 12345) % 2**31
        word = words[state % len(words)]
        out.append(word)
        length += len(word) + 1
    return " ".join(out)[:size]


@pytest.mark.parametrize("quote", [
    "the of and to in a is that " * 10,  # only common pieces, no good match
    "the inherent right of individual or collective self-defence shall not be impaired",
    "x" * 400,
    "a",
])
def test_closest_passage_is_bounded_on_a_1_mb_text(quote: str) -> None:
    key = _big_text(1_000_000)
    began = time.perf_counter()
    result = closest_passage(key, quote)
    assert time.perf_counter() - began < 2.0
    assert result is None or 0 <= result[0] < result[1] <= len(key)


def test_closest_passage_in_a_1_mb_text_finds_the_planted_passage() -> None:
    key = _big_text(1_000_000)
    planted = "the inherent right of individual or collective self-defence"
    key = key[:600_000] + " " + planted + " " + key[600_000:]
    began = time.perf_counter()
    start, end = closest_passage(key, "the inherent right of individual or colective self defence")
    assert time.perf_counter() - began < 2.0
    assert key[start:end].startswith("the inherent right")
