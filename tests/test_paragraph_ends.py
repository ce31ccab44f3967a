"""paragraph_ends changes how often markdown-it-py's rules are called, never the tokens (compared
with soft breaks joined to their text, the one change soft_breaks.py makes)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock

from glossator.markdown import make_markdown, paragraph_ends

from markdown_fixtures import tokens

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ROOT = Path(__file__).resolve().parent.parent


def plain(unsafe_html: bool) -> MarkdownIt:
    """The parser as markdown-it-py makes it, with none of Glossator's changes."""
    return MarkdownIt("commonmark", {"html": unsafe_html}).enable("table")


# Lines of every kind that starts or ends a block, and of running text, at every indentation;
# a document is a run of them, so that each kind lands inside paragraphs, lists, block quotes,
# tables and after setext headings' first lines.
STARTS = ["text", "more text *em*", "1. one", "2) two", "10. ten", "0. zero", "9) nine",
          "٣. arabic digit", "- item", "+ item", "* item", "-", "*", "---", "***", "___",
          "- - -", "===", "=", "# h", "#no", "###### six", "####### seven", "> quote", ">",
          "```", "```py", "~~~", "``", "<div>", "<!-- c -->", "<span>x</span>", "</p>", "<x",
          "| a | b |", "|---|---|", "---|---", ":-:|", ":--- | ---:", ":-|-:", ":", "a | b",
          "[ref]: /url", "[ref]", "![img](i.png)", "\\- escaped", "&amp;", "`code`", "_em_",
          "__strong__", "\u00a0nbsp", "\ttab", "x\ty", ""]
lines = st.tuples(st.sampled_from(["", " ", "  ", "   ", "    ", "     ", "> ", "- ", "1. ",
                                   "  - ", "> > "]),
                  st.sampled_from(STARTS)).map("".join)
documents = st.lists(lines, min_size=1, max_size=14).map("\n".join) | st.lists(
    lines, min_size=1, max_size=14).map(lambda ls: "\n".join(ls) + "\n")


@SETTINGS
@given(documents, st.booleans())
def test_tokens_are_markdown_it_pys_own(text, unsafe_html):
    assert tokens(make_markdown(unsafe_html=unsafe_html), text) == tokens(plain(unsafe_html), text)


def every_line_after_a_paragraph() -> list[str]:
    """Each kind of line as the second line of a paragraph (and after a table's header row),
    at each indentation, at the top level and in a list item and a block quote."""
    found = []
    for start in STARTS:
        for indent in ("", " ", "   ", "    "):
            line = indent + start
            found += [f"text\n{line}\n", f"text\na | b\n{line}\n", f"- text\n  {line}\n",
                      f"- text\n{line}\n", f"> text\n> {line}\n", f"> text\n{line}\n",
                      f"1. text\n   a | b\n   {line}"]
    return found


@pytest.mark.parametrize("unsafe_html", [False, True])
def test_each_kind_of_line_ends_a_paragraph_as_before(unsafe_html):
    ours, theirs = make_markdown(unsafe_html=unsafe_html), plain(unsafe_html)
    for text in every_line_after_a_paragraph():
        assert tokens(ours, text) == tokens(theirs, text), text


@pytest.mark.parametrize("path", sorted((ROOT / "sources").glob("*.md"))
                         + sorted((ROOT / "docs").glob("*.md")), ids=lambda p: p.name)
def test_real_documents_parse_the_same(path):
    text = path.read_text(encoding="utf-8")
    assert tokens(make_markdown(), text) == tokens(plain(False), text)


def test_the_terminators_are_asked_only_where_they_may_apply():
    """Running text no longer calls the seven terminators on each line after the first."""
    md = plain(False)
    calls = []
    for rule in list(md.block.ruler.__rules__):
        if rule.name in paragraph_ends.STARTS or rule.name == "table":
            def counted(state, line, end, silent, _original=rule.fn, _name=rule.name):
                calls.append((_name, line))
                return _original(state, line, end, silent)
            md.block.ruler.at(rule.name, counted, {"alt": rule.alt})
    text = "\n".join(f"line {n} of running text" for n in range(40)) + "\n- a list\n"
    md.parse(text)
    assert len([line for _, line in calls if 0 < line < 40]) == 2 * 7 * 39  # lheading, paragraph
    calls.clear()
    assert paragraph_ends.install(md)
    assert [t.type for t in md.parse(text)][:3] == ["paragraph_open", "inline", "paragraph_close"]
    assert [line for _, line in calls if 0 < line < 39] == []
    assert {name for name, line in calls if line == 39} == {"table"}  # line 40 starts with "-"
    assert ("list", 40) in calls  # the line that ends the paragraph is still asked about


def test_an_unknown_terminator_leaves_the_parser_as_it_was():
    md = plain(False)

    def aside(state, start, end, silent):  # a plugin's block that may interrupt a paragraph
        return False
    md.block.ruler.before("paragraph", "aside", aside, {"alt": ["paragraph"]})
    before = [(r.name, list(r.alt)) for r in md.block.ruler.__rules__]
    assert not paragraph_ends.install(md)
    assert [(r.name, list(r.alt)) for r in md.block.ruler.__rules__] == before


def test_raw_html_rules_are_off_only_when_raw_html_is_text():
    assert "html_block" not in make_markdown().block.ruler.get_active_rules()
    assert "html_inline" not in make_markdown().inline.ruler.get_active_rules()
    assert "html_block" in make_markdown(unsafe_html=True).block.ruler.get_active_rules()
    assert "html_inline" in make_markdown(unsafe_html=True).inline.ruler.get_active_rules()


def test_lheading_reads_the_lines_only_where_one_may_be_an_underline(monkeypatch):
    """markdown-it-py's lheading is asked only about paragraphs with a line that starts with
    "=" or "-"; elsewhere the answer (no heading) and the state it leaves are the same."""
    asked = []
    original = paragraph_ends.lheading_rule
    md = make_markdown()  # (installed where the rule is markdown-it-py's)

    def counted(state, start, end, silent):
        asked.append(start)
        return original(state, start, end, silent)
    monkeypatch.setattr(paragraph_ends, "lheading_rule", counted)
    text = "Running text\nover two lines\n\nA heading\n===\n\nText\n- a list item\n"
    assert tokens(md, text) == tokens(plain(False), text)
    assert asked == [3, 6]  # the second and third paragraphs, not the first
    state = StateBlock("Running text\nover two lines\n", md, {}, [])
    assert paragraph_ends.lheading(state, 0, 2, False) is False
    theirs = StateBlock("Running text\nover two lines\n", md, {}, [])
    assert original(theirs, 0, 2, False) is False
    assert state.parentType == theirs.parentType == "paragraph"
