"""plain_blocks skips markdown-it-py's block parser for texts of plain paragraphs, never
changing the tokens or the env."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from markdown_it import MarkdownIt
from markdown_it.rules_core import block as block_rule

from glossator.markdown import make_markdown, plain_blocks

from markdown_fixtures import exact_tokens, runs
from test_paragraph_ends import STARTS

SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Line starts that keep a text plain (letters, opening quotes and parentheses) and every kind
# of line that starts or ends a block (test_paragraph_ends), at several indentations, with
# blank lines of spaces, trailing spaces (hard breaks), carriage returns and NULs (which the
# normalize rule replaces before the blocks are found)
PLAIN = ["The joint statement", "été *em* [link](/u)", "«Quoted» text", "“Quoted”", "'single",
         "(aside) text", "\"straight\"", "word  ", "word ", "Ünïcode ends.", "x\x00y", "a\rb",
         "a\r\nb", "A line | with a pipe", "Text then <b>", "Text & more"]
lines = st.tuples(st.sampled_from([""] * 12 + [" ", "  ", "    "]),
                  st.sampled_from(PLAIN * 12 + STARTS + [""] * 8 + [" ", "   "])).map("".join)
texts = (st.lists(lines, min_size=0, max_size=10).map("\n".join)
         | st.lists(lines, min_size=1, max_size=10).map(lambda ls: "\n".join(ls) + "\n"))


def with_the_block_parser(unsafe_html: bool = False) -> MarkdownIt:
    """Glossator's parser with markdown-it-py's own core rule ``block``."""
    md = make_markdown(unsafe_html=unsafe_html)
    md.core.ruler.at(plain_blocks.RULE_NAME, block_rule)
    return md


@SETTINGS
@given(texts, st.booleans())
def test_tokens_and_env_are_those_of_the_block_parser(text, unsafe_html):
    assert (exact_tokens(make_markdown(unsafe_html=unsafe_html), text)
            == exact_tokens(with_the_block_parser(unsafe_html), text))


def test_plain_paragraphs_take_the_short_way_and_others_do_not(monkeypatch):
    """Where the text is plain the block parser is not run (the tokens come from
    plain_blocks); where a line could start a block, it is."""
    md = make_markdown()
    calls = runs(md.block, "parse", monkeypatch)
    plain = "The statement was read\naloud; “twice”.\n\n  \n(Then) it was signed.\n"
    tokens = md.parse(plain, {})
    assert calls == []
    assert exact_tokens(md, plain) == exact_tokens(with_the_block_parser(), plain)
    assert [t.type for t in tokens].count("paragraph_open") == 2
    for text in ["- a list", "Text\n- a list", "Text\n  indented", "1. one", "Text\n===",
                 "Text\n\ttab", "> quote", "[ref]: /url"]:
        calls.clear()
        md.parse(text, {})
        assert calls == [1], text


def test_a_parser_with_other_block_rules_keeps_the_block_parser(monkeypatch):
    md = MarkdownIt("commonmark")
    md.block.ruler.before("paragraph", "custom", lambda state, start, end, silent: False)
    assert plain_blocks.install(md) is False
    calls = runs(md.block, "parse", monkeypatch)
    md.parse("Plain text.", {})
    assert calls == [1]
