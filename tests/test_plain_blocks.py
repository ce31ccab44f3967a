"""plain_blocks skips markdown-it-py's block parser for texts of plain paragraphs, never
changing the tokens or the env."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glossator.markdown import make_markdown, plain_blocks

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


def parsed(tokens: list) -> list[dict]:
    return [t.as_dict() for t in tokens]


@SETTINGS
@given(texts, st.booleans())
def test_tokens_and_env_are_those_of_md_parse(text, unsafe_html):
    md = make_markdown(unsafe_html=unsafe_html)
    env_fast: dict = {}
    env_slow: dict = {}
    assert parsed(plain_blocks.parse(md, text, env_fast)) == parsed(md.parse(text, env_slow))
    assert env_fast == env_slow


def test_plain_paragraphs_take_the_short_way_and_others_do_not(monkeypatch):
    """Where the text is plain the block parser is not called (its tokens come from
    plain_blocks); where a line could start a block, it is."""
    md = make_markdown()
    calls = []
    parse = md.block.parse
    monkeypatch.setattr(md.block, "parse", lambda *args: calls.append(1) or parse(*args))
    plain = "The statement was read\naloud; “twice”.\n\n  \n(Then) it was signed.\n"
    assert parsed(plain_blocks.parse(md, plain, {})) == parsed(md.parse(plain, {}))
    assert len(calls) == 1  # md.parse's, not plain_blocks'
    blocks = [t.type for t in plain_blocks.parse(md, plain, {})]
    assert blocks.count("paragraph_open") == 2
    for text in ["- a list", "Text\n- a list", "Text\n  indented", "1. one", "Text\n===",
                 "Text\n\ttab", "> quote", "[ref]: /url"]:
        calls.clear()
        plain_blocks.parse(md, text, {})
        assert calls == [1], text


def test_a_parser_with_other_block_rules_is_left_to_md_parse(monkeypatch):
    md = make_markdown()
    md.block.ruler.before("paragraph", "custom", lambda state, start, end, silent: False)
    calls = []
    parse = md.block.parse
    monkeypatch.setattr(md.block, "parse", lambda *args: calls.append(1) or parse(*args))
    plain_blocks.parse(md, "Plain text.", {})
    assert calls == [1]
