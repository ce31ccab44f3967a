"""soft_breaks keeps each soft line break as a "\\n" in the text: markdown-it-py's tokens with
its text and soft breaks joined, and everything render_source returns unchanged."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.rules_inline.newline import newline as markdown_it_newline

from glossator.errors import Diagnostics
from glossator.markdown import GlossaryLinking, Where, make_markdown, render_source, soft_breaks
from glossator.markdown.anchortext import build_anchor_text
from glossator.markdown.glossary import GlossaryMatcher
from glossator.models import Note, Term

from markdown_fixtures import tokens

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def without_rule(unsafe_html: bool = False) -> MarkdownIt:
    """Glossator's parser with markdown-it-py's own ``newline`` rule back."""
    md = make_markdown(unsafe_html=unsafe_html)
    md.inline.ruler.at("newline", markdown_it_newline)
    return md


# Lines that end in every way a line can (spaces, a backslash, a tab, inside markup), followed
# by lines that start in every way (indented, with markup), inside every kind of block.
ENDS = ["", " ", "  ", "   ", "\t", " \t", "\\", "*", "**", "[a", "`x", "<b", "&amp;"]
WORDS = ["text", "*em* text", "**strong**", "a [link](u) b", "![alt](i.png)", "`code`",
         "<span>", "<b class=x", "term", "Term here", "x_y_", "[a\nb](u)", "&#65;"]
LEAD = ["", " ", "  ", "\t", "   "]
line = st.tuples(st.sampled_from(LEAD), st.sampled_from(WORDS), st.sampled_from(ENDS)).map("".join)
paragraph = st.lists(line, min_size=1, max_size=6).map("\n".join)
block = st.one_of(
    paragraph,
    paragraph.map(lambda p: "- " + p.replace("\n", "\n  ")),
    paragraph.map(lambda p: "> " + p.replace("\n", "\n> ")),
    paragraph.map(lambda p: "> " + p),  # lazy continuation lines
    paragraph.map(lambda p: p + "\n==="),  # a setext heading of several lines
    paragraph.map(lambda p: "| a | b |\n|---|---|\n| " + p.replace("\n", " |\n| ")),
)
documents = st.lists(block, min_size=1, max_size=4).map("\n\n".join)


@SETTINGS
@given(documents, st.booleans())
def test_tokens_are_markdown_it_pys_with_soft_breaks_joined(text, unsafe_html):
    plain = MarkdownIt("commonmark", {"html": unsafe_html}).enable("table")
    assert tokens(make_markdown(unsafe_html=unsafe_html), text) == tokens(plain, text)


def test_a_wrapped_paragraph_is_one_text_token():
    text = "\n".join(f"line {n} of wrapped text, " for n in range(40))
    (inline,) = [t for t in make_markdown().parse(text) if t.type == "inline"]
    assert [c.type for c in inline.children] == ["text"]
    assert inline.children[0].content.count("\n") == 39
    assert make_markdown().render(text) == MarkdownIt("commonmark").render(text)


def test_hard_breaks_stay_tokens():
    (inline,) = [t for t in make_markdown().parse("a  \nb\\\nc \nd") if t.type == "inline"]
    assert [(c.type, c.content) for c in inline.children] == [
        ("text", "a"), ("hardbreak", ""), ("text", "b"), ("hardbreak", ""), ("text", "c\nd")]


def test_the_rule_is_not_installed_where_soft_breaks_render_as_br():
    md = MarkdownIt("commonmark", {"breaks": True})
    assert not soft_breaks.install(md)
    assert md.inline.ruler.__rules__[[r.name for r in md.inline.ruler.__rules__]
                                     .index("newline")].fn is markdown_it_newline
    assert "<br />" in md.render("a\nb")
    md = MarkdownIt("commonmark")
    md.inline.ruler.__rules__ = [r for r in md.inline.ruler.__rules__ if r.name != "newline"]
    assert not soft_breaks.install(md)
    md = MarkdownIt("commonmark").disable("text_join")
    assert not soft_breaks.install(md)
    assert "softbreak" in [c.type for c in md.parse("a\nb")[1].children]


# Everything render_source returns is the same as with softbreak tokens ----------------------

@st.composite
def annotated(draw):
    """A body, notes quoting passages of it (many across its line breaks), glossary terms."""
    body = draw(documents)
    text = build_anchor_text(without_rule().parse(body, {})).text
    notes = []
    for number in range(draw(st.integers(0, 3))):
        start = draw(st.integers(0, max(0, len(text) - 1)))
        quote = text[start:start + draw(st.integers(1, 30))]
        notes.append(Note(id=f"n{number}", quote=quote, note=""))
    terms = draw(st.sampled_from([
        [], [Term(id="term", term="term", definition="", aliases=["text text"],
                  case_sensitive=False)],
        [Term(id="here", term="Here term", definition="")]]))
    return body, notes, terms


def rendered(md: MarkdownIt, body: str, notes: list[Note], terms: list[Term]):
    diags = Diagnostics()
    result = render_source(md, body, notes, where=Where("sources/s.md", 3, body.split("\n")),
                           source_path="sources/s.md", body_line=2,
                           glossary=GlossaryLinking(GlossaryMatcher(terms) if terms else None,
                                                    lambda t: f"/g/#{t}", "all"),
                           note_html=lambda s: f"<aside>{s.note.id}</aside>", diags=diags)
    return (result.html, result.anchor.text, result.anchor.line_marks,
            [(s.note.id, s.start, s.end, s.number) for s in result.spans], result.paragraphs,
            diags.format())


@SETTINGS
@given(annotated())
def test_render_source_returns_the_same(case):
    body, notes, terms = case
    assert rendered(make_markdown(), body, notes, terms) == rendered(without_rule(), body, notes,
                                                                     terms)


def test_messages_point_at_the_line_after_a_soft_break():
    body = "first line\nsecond <span> line\nthird [x](javascript:alert(1))\n"
    ours, theirs = (rendered(md, body, [Note(id="n", quote="missing", note="")], [])
                    for md in (make_markdown(), without_rule()))
    assert ours == theirs
    assert "sources/s.md:4:8: warning: raw HTML shown as text: <span>" in ours[-1]
    assert "sources/s.md:5:" in ours[-1] and "unsafe link address" in ours[-1]


def test_a_mark_and_a_glossary_link_across_a_soft_break_stay_one_element():
    body = "We read the Here\nterm and the quoted\npassage here.\n"
    notes = [Note(id="n", quote="the quoted passage", note="")]
    terms = [Term(id="here", term="Here term", definition="")]
    ours = rendered(make_markdown(), body, notes, terms)
    assert ours == rendered(without_rule(), body, notes, terms)
    assert '<a class="glossary-term" href="/g/#here"' in ours[0]
    assert ">Here\nterm</a>" in ours[0]
    assert 'aria-details="note-n">the quoted\npassage</mark>' in ours[0]


@pytest.mark.parametrize("reference", ["&#10;", "&#x0A;", "&NewLine;"])
def test_a_line_break_written_as_a_character_reference_starts_no_line(reference):
    """It shows as a space, as a soft break does, but the text after it is on the same source
    line: messages and passages are located as for a space there, and marks and glossary
    links run across it as across a soft break."""
    body = f"We read the Here{reference}term and the quoted{reference}passage.\n<span> here\n"
    notes = [Note(id="n", quote="the quoted passage", note="")]
    terms = [Term(id="here", term="Here term", definition="")]
    ours = rendered(make_markdown(), body, notes, terms)
    spaced = rendered(make_markdown(), body.replace(reference, " "), notes, terms)
    assert ours[1:] == spaced[1:]  # anchor text, line marks, passages, paragraphs, messages
    assert "sources/s.md:4:1: warning: raw HTML shown as text: <span>" in ours[-1]
    assert ">Here\nterm</a>" in ours[0]
    assert 'aria-details="note-n">the quoted\npassage</mark>' in ours[0]
