"""plain_inline skips markdown-it-py's inline parser for plain text, never changing the
tokens or the env."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from markdown_it import MarkdownIt
from markdown_it.rules_core import inline as inline_rule
from markdown_it.rules_inline import text as text_rule

from glossator.markdown import make_markdown, plain_inline, soft_breaks

from markdown_fixtures import exact_tokens, runs
from test_paragraph_ends import STARTS

SETTINGS = settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Pieces of running text, each inline rule's characters alone and in their constructs, and the
# spaces and tabs around line breaks that the newline rule drops, skips or reads as a hard
# break; lines are also made of the block starts of test_paragraph_ends (headings, lists,
# quotes, tables), so that headings, list items and table cells are inline tokens too
PIECES = ["The joint statement", "été", " ", "  ", "\t", ", - : ; . ? # = + ~ ^ { } ] $ %",
          "“quoted”", "word", "*", "_", "**strong**", "*em*", "_em_", "`", "`code`", "[", "]",
          "[link](/u)", "[ref]", "!", "![img](i.png)", "<", ">", "<https://a.example>",
          "<b>", "</b>", "&", "&amp;", "&#10;", "&NewLine;", "\\", "\\*", "\\\n", "x\x00y",
          "\u00a0", "|"]
line_texts = st.lists(st.sampled_from(PIECES * 3 + STARTS), min_size=0, max_size=6).map(
    "".join)
lines = st.tuples(st.sampled_from(["", "", "", " ", "  ", "\t", "# ", "- ", "> ", "| "]),
                  line_texts, st.sampled_from(["", "", "", " ", "  ", " |"])).map("".join)
texts = (st.lists(lines, min_size=0, max_size=8).map("\n".join)
         | st.lists(lines, min_size=1, max_size=8).map(lambda ls: "\n".join(ls) + "\n"))


def with_the_inline_parser(unsafe_html: bool = False) -> MarkdownIt:
    """Glossator's parser with markdown-it-py's own core rule ``inline`` and inline rule
    ``text``."""
    md = make_markdown(unsafe_html=unsafe_html)
    md.core.ruler.at(plain_inline.RULE_NAME, inline_rule)
    md.inline.ruler.at(plain_inline.TEXT_RULE_NAME, text_rule)
    return md


@SETTINGS
@given(texts, st.booleans())
def test_tokens_and_env_are_those_of_the_inline_parser(text, unsafe_html):
    assert (exact_tokens(make_markdown(unsafe_html=unsafe_html), text)
            == exact_tokens(with_the_inline_parser(unsafe_html), text))


def test_plain_text_takes_the_short_way_and_other_text_does_not(monkeypatch):
    """Where an inline token's text is plain the inline parser is not run (its one text token
    comes from plain_inline); where a rule could act, or a line break change the text, it
    is."""
    md = make_markdown()
    calls = runs(md.inline, "parse", monkeypatch)
    plain = "# A heading\n\nThe statement was read\naloud - twice: “so”.\n\n- an item\n"
    tokens = md.parse(plain, {})
    assert calls == []
    assert exact_tokens(md, plain) == exact_tokens(with_the_inline_parser(), plain)
    texts = [t.children[0].content for t in tokens if t.type == "inline"]
    assert texts == ["A heading", "The statement was read\naloud - twice: “so”.", "an item"]
    for text in ["*em*", "a_b", "`code`", "[link](/u)", "![i](i.png)", "<b>", "&amp;", "a\\b",
                 "line \nbreak", "line  \nbreak", "line\n  indented", "line\n\tindented"]:
        calls.clear()
        md.parse(text, {})
        assert calls, text


def test_a_parser_with_other_inline_rules_keeps_the_inline_parser():
    md = MarkdownIt("commonmark").enable("strikethrough")  # acts at "~", which is plain here
    soft_breaks.install(md)
    assert plain_inline.install(md) is False
    md = MarkdownIt("commonmark")  # markdown-it-py's newline rule makes softbreak tokens
    assert plain_inline.install(md) is False
    md = MarkdownIt("commonmark")
    soft_breaks.install(md)
    assert plain_inline.install(md) is True
