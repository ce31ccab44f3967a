"""source_lines: a code span, link or image across lines moves what follows it to its line.

The oracle: every line of a generated body carries markers ``q<line>z`` (its own 0-based
line number); each marker that reaches the anchor text must be given that line, and each raw
HTML warning must point at the line its tag is written on."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from glossator.errors import Diagnostics
from glossator.markdown import GlossaryLinking, Where, make_markdown, render_source
from glossator.markdown.anchortext import build_anchor_text
from glossator.markdown.safety import check_tokens
from glossator.models import Note

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MARKER = re.compile(r"q(\d+)z")
TAG = re.compile(r"<b data-q(\d+)z>")

# Pieces of a line, "@" standing for the marker of the line it ends up on, "<@>" for a raw
# HTML tag naming that line; many span lines in the ways that leave no line break in tokens.
PIECES = [
    "@ text", "*@ em*", "`code @`", "`code @\n@ code` @", "`` a\n@ `` @", "`\n@` @",
    "` @\n` @", "` @\n`@",
    "[@ link](http://x.org\n'title @') @", "[@ link](\nhttp://x.org) @",
    "[@](<u v>\n\"t\n@\") @", "![alt @\nalt @](i.png) @", "![a](i.png\n'@') @",
    "[@ ref][lab\nel] @", "[lab\nel] @", "[@ two\nlines](u) @", "*@ em\n@* @", "@  \n@", "@\\\n@",
    "&#10;@", "<@> @", "[<@> x](u\n't') <@>", "`<@>\n` <@>", "![<@>\nx](i) <@>",
]
INDENT = ["", " ", "  "]
line_pieces = st.lists(st.tuples(st.sampled_from(INDENT), st.sampled_from(PIECES)).map("".join),
                       min_size=1, max_size=4).map(" ".join)
paragraph = st.lists(line_pieces, min_size=1, max_size=4).map("\n".join)
block = st.one_of(
    paragraph,
    paragraph.map(lambda p: "- " + p.replace("\n", "\n  ")),
    paragraph.map(lambda p: "> " + p.replace("\n", "\n> ")),
    paragraph.map(lambda p: p + "\n==="),
)
REFERENCE = "[lab el]: http://r.org"


def numbered(body: str) -> str:
    """Each "@" made the marker of its line, each "<@>" a tag naming its line."""
    lines = body.split("\n")
    return "\n".join(line.replace("<@>", f"<b data-q{n}z>").replace("@", f"q{n}z")
                     for n, line in enumerate(lines))


documents = st.lists(block, min_size=1, max_size=3).map(
    lambda blocks: numbered("\n\n".join(blocks + [REFERENCE])))


def marker_lines(md: MarkdownIt, body: str) -> list[tuple[int, int]]:
    """(line written on, line given) of every marker in the anchor text."""
    anchor = build_anchor_text(md.parse(body, {}))
    return [(int(m.group(1)), anchor.line_of(m.start()))
            for m in MARKER.finditer(anchor.text)]


def warning_lines(md: MarkdownIt, body: str) -> list[tuple[int, int]]:
    """(line written on, line reported) of every raw-HTML warning (file line = body line + 1)."""
    diags = Diagnostics()
    check_tokens(md.parse(body, {}), Where("s.md", 1, body.split("\n")), diags,
                 unsafe_html=False)
    found = []
    for d in diags.items:
        tag = TAG.search(d.message)
        assert tag is not None, d.message
        found.append((int(tag.group(1)), d.location.line - 1))
    return found


@SETTINGS
@given(documents)
def test_every_word_of_the_anchor_text_is_given_its_own_line(body):
    lines = marker_lines(make_markdown(), body)
    assert lines, body
    assert [written for written, _ in lines] == [given_ for _, given_ in lines], body


@SETTINGS
@given(documents)
def test_every_raw_html_warning_points_at_its_tags_line(body):
    lines = warning_lines(make_markdown(), body)
    assert [written for written, _ in lines] == [reported for _, reported in lines], body


@SETTINGS
@given(st.lists(paragraph, min_size=1, max_size=3).map(
    lambda blocks: numbered("\n\n".join(blocks + [REFERENCE]).replace("<@>", "<i>\n</i>"))))
def test_raw_inline_html_across_lines_is_counted_when_it_is_allowed(body):
    lines = marker_lines(make_markdown(unsafe_html=True), body)
    assert [written for written, _ in lines] == [given_ for _, given_ in lines], body


@SETTINGS
@given(documents, st.booleans())
def test_tokens_and_html_are_markdown_it_pys(body, unsafe_html):
    plain = MarkdownIt("commonmark", {"html": unsafe_html}).enable("table")
    assert make_markdown(unsafe_html=unsafe_html).render(body) == plain.render(body)


@pytest.mark.parametrize("construct", [
    "`a\nb`", "`` a\n``", "[x](http://e.org\n'title')", "[x](\nhttp://e.org)",
    "![a\nb](i.png)", "[x][lab\nel]",
])
def test_a_passage_and_a_message_after_a_construct_across_lines(construct):
    """What follows a code span, link or image written across two lines is on the second:
    a note's passage there, and a raw-HTML warning, are located on it."""
    body = f"Intro {construct} the quoted passage <span> end.\n\n{REFERENCE}\n"
    diags = Diagnostics()
    result = render_source(make_markdown(), body, [Note(id="n", quote="quoted passage", note="")],
                           where=Where("sources/s.md", 3, body.split("\n")),
                           source_path="sources/s.md", body_line=2,
                           glossary=GlossaryLinking(None, str), note_html=lambda s: "",
                           diags=diags)
    (span,) = result.spans
    assert result.anchor.line_of(span.start) == 1
    column = body.split("\n")[1].index("<span>") + 1
    assert f"sources/s.md:4:{column}: warning: raw HTML shown as text: <span>" in diags.format()


@pytest.mark.parametrize("construct, line, column", [
    ("[x](\njavascript:alert(1))", 2, 1),
    ("[two\nlines](javascript:alert(1))", 2, 8),
    ("![alt\ntext](javascript:alert(1))", 2, 7),
    ("[x](javascript:alert(1))", 1, 11),
])
def test_an_unsafe_address_is_located_on_the_line_it_is_written_on(construct, line, column):
    body = f"Intro {construct} end.\n"
    diags = Diagnostics()
    check_tokens(make_markdown().parse(body, {}), Where("s.md", 1, body.split("\n")), diags,
                 unsafe_html=False)
    (error,) = diags.items
    assert (error.location.line, error.location.col) == (line, column)
    assert error.message.startswith("unsafe ")
