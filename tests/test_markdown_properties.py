"""Properties of anchoring and glossary linking on random Markdown documents.

(a) a passage that occurs exactly once anchors to itself, whatever markup it crosses, and the
    marks of its note hold exactly its text; (b) the output is always valid HTML whose text is
    the anchor text; (c) glossary links never overlap and each link's text is a spelling of
    the term it links to, under the matching equivalences.
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from glossator.errors import Diagnostics
from glossator.markdown import GlossaryLinking, Where, make_markdown, render_fragment, render_source
from glossator.markdown.anchors import Span
from glossator.markdown.anchortext import build_anchor_text
from glossator.markdown.glossary import GlossaryMatcher, link_terms
from glossator.markdown.matching import MatchText, find_all, normalize_query
from glossator.models import Note, Term

from markdown_fixtures import check_structure, highlighted, parse_strict, squash, visible_text

SETTINGS = settings(max_examples=200, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
MD = make_markdown()

# Documents -----------------------------------------------------------------------------------

LETTERS = "abcdefghijklmnopqrstuvwxyzABCXYZéüßøжΩ" + "‘’“”'\"" + "<>&"
words = st.text(LETTERS, min_size=1, max_size=7).filter(lambda w: w[0].isalpha())
spaces = st.sampled_from([" ", " ", " ", "\u00a0", "  "])


@st.composite
def phrase(draw, *, breaks: bool = True) -> str:
    """Inline Markdown: words, emphasis, links, inline code and line breaks."""
    pieces = []
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["word", "word", "word", "em", "strong", "link", "code",
                                     "image", "soft", "hard"] if breaks else
                                    ["word", "word", "em", "strong", "link", "code", "image"]))
        ws = draw(st.lists(words, min_size=1, max_size=3))
        text = " ".join(ws)
        if kind == "em":
            text = f"*{text}*"
        elif kind == "strong":
            text = f"**{text}**"
        elif kind == "link":
            text = f"[{text}](https://example.org/{len(pieces)})"
        elif kind == "code":
            text = f"`{ws[0]}`"
        elif kind == "image":
            text = f"![{text}](i.png)"
        elif kind == "soft":
            text = f"{ws[0]}\n{text}"
        elif kind == "hard":
            text = f"{ws[0]}\\\n{text}"
        pieces.append(text)
    return draw(spaces).join(pieces)


@st.composite
def block(draw) -> str:
    kind = draw(st.sampled_from(["para", "para", "list", "olist", "loose", "nested", "code",
                                 "heading", "quote", "table"]))
    if kind == "para":
        return draw(phrase())
    if kind == "loose":  # list items of several paragraphs
        first, second = draw(phrase()), draw(phrase(breaks=False))
        return f"- {first}\n\n  {second}\n- {draw(phrase(breaks=False))}"
    if kind == "nested":
        return "- {}\n  - {}\n- {}".format(*(draw(phrase(breaks=False)) for _ in range(3)))
    if kind == "table":
        cells = draw(st.lists(phrase(breaks=False), min_size=4, max_size=4))
        return "| {} | {} |\n| - | - |\n| {} | {} |".format(*cells)
    if kind in ("list", "olist"):
        items = draw(st.lists(phrase(breaks=False), min_size=1, max_size=3))
        marker = "-" if kind == "list" else "1."
        return "\n".join(f"{marker} {item}" for item in items)
    if kind == "code":
        lines = draw(st.lists(st.lists(words, min_size=1, max_size=4).map(" ".join),
                              min_size=1, max_size=3))
        language = draw(st.sampled_from(["", "python", "html", "nosuchlanguage"]))
        return f"```{language}\n" + "\n".join(lines) + "\n```"
    if kind == "heading":
        return "## " + draw(phrase(breaks=False))
    return "> " + draw(phrase()).replace("\n", "\n> ") + "\n>\n> " + draw(phrase(breaks=False))


documents = st.lists(block(), min_size=1, max_size=5).map(lambda bs: "\n\n".join(bs) + "\n")


def render(body: str, notes: list[Note], terms: list[Term] | None = None, mode: str = "first"):
    diags = Diagnostics()
    linking = GlossaryLinking(GlossaryMatcher(terms) if terms else None,
                              lambda term_id: f"/glossary/#{term_id}", mode)
    rendered = render_source(MD, body, notes, where=Where("sources/p.md", 1, body.split("\n")),
                             source_path="sources/p.md", body_line=0, glossary=linking,
                             note_html=lambda s: f'<aside id="note-{s.note.id}">{s.number}</aside>',
                             diags=diags)
    return rendered, diags


def anchor_text_of(body: str) -> str:
    rendered, _ = render(body, [])
    return rendered.anchor.text


# Passages ------------------------------------------------------------------------------------

def unique_passage(text: str, start: int, length: int) -> tuple[int, int] | None:
    """``[start, end)`` of a passage beginning at a non-space ``start``, grown until its quote
    occurs exactly once (or None)."""
    key = MatchText.of(text).key
    while start < len(text) and text[start].isspace():
        start += 1
    if start == len(text):
        return None
    end = min(len(text), start + max(1, length))
    while end <= len(text):
        passage = text[start:end]
        if not passage[-1].isspace() and len(find_all(key, normalize_query(passage))) == 1:
            return start, end
        end += 1
    return None


def quote_variant(passage: str, style: int) -> str:
    """How an editor might have typed the passage: other spaces, other quotation marks."""
    if style == 1:
        return re.sub(r"\s+", " ", passage)
    if style == 2:
        return re.sub(r"\s+", "\n  ", passage).replace("\u2019", "'").replace("\u201c", '"')
    if style == 3:
        return passage.replace("'", "\u2019").replace('"', "\u201d")
    return passage


@SETTINGS
@given(body=documents, data=st.data())
def test_a_unique_passage_anchors_to_itself(body: str, data) -> None:
    text = anchor_text_of(body)
    assume(text.strip())
    start = data.draw(st.integers(0, len(text) - 1), label="start")
    length = data.draw(st.integers(1, 60), label="length")
    found = unique_passage(text, start, length)
    assume(found is not None)
    start, end = found
    passage = text[start:end]
    quote = quote_variant(passage, data.draw(st.integers(0, 3), label="style"))
    rendered, diags = render(body, [Note(id="p", quote=quote, note="")])
    assert not diags.errors, diags.format()
    (span,) = rendered.spans
    assert (span.start, span.end) == (start, end)
    assert rendered.anchor.text[span.start:span.end] == passage
    assert highlighted(rendered.html, "p") == squash(passage)
    check_structure(rendered.html, rendered)


@SETTINGS
@given(body=documents, data=st.data())
def test_overlapping_and_nested_passages_each_anchor_to_themselves(body: str, data) -> None:
    text = anchor_text_of(body)
    assume(text.strip())
    spans = []
    for label in ("first", "second", "third"):
        start = data.draw(st.integers(0, len(text) - 1), label=f"{label} start")
        found = unique_passage(text, start, data.draw(st.integers(1, 40), label=f"{label} length"))
        if found is not None:
            spans.append(found)
    assume(spans)
    notes = [Note(id=f"n{i}", quote=text[s:e], note="") for i, (s, e) in enumerate(spans)]
    rendered, diags = render(body, notes)
    assert not diags.errors, diags.format()
    assert sorted((s.start, s.end) for s in rendered.spans) == sorted(spans)
    for span in rendered.spans:
        assert highlighted(rendered.html, span.note.id) == squash(text[span.start:span.end])
    check_structure(rendered.html, rendered)


@SETTINGS
@given(body=documents, quotes=st.lists(st.text(LETTERS + " \n", min_size=1, max_size=12),
                                       max_size=3))
def test_any_quotes_give_valid_html_or_located_errors(body: str, quotes: list[str]) -> None:
    notes = [Note(id=f"n{i}", quote=q, note="") for i, q in enumerate(quotes)]
    rendered, diags = render(body, notes)
    check_structure(rendered.html, rendered)  # parses strictly, text is the anchor text
    anchored = {s.note.id for s in rendered.spans}
    assert len(anchored) + len(diags.errors) == len(notes)  # each note: anchored or an error
    key = MatchText.of(rendered.anchor.text).key
    for note in notes:
        count = len(find_all(key, normalize_query(note.quote))) if note.quote.strip() else 0
        assert (note.id in anchored) == (count == 1)


# Glossary ------------------------------------------------------------------------------------

@st.composite
def glossary(draw, text: str) -> list[Term]:
    """Terms drawn from the document's own words (so that they match) and a few others."""
    pool = re.findall(r"\w+(?:\s\w+)?", text) or ["x"]
    terms = []
    for i in range(draw(st.integers(1, 6))):
        spelling = draw(st.sampled_from(pool) | words)
        aliases = draw(st.lists(st.sampled_from(pool) | words, max_size=2))
        terms.append(Term(id=f"t{i}", term=spelling, definition="", aliases=aliases,
                          case_sensitive=draw(st.booleans())))
    return _without_clashes(terms)


def _without_clashes(terms: list[Term]) -> list[Term]:
    """Drop spellings another entry claims (the glossary loader reports those as errors)."""
    seen: set[str] = set()
    kept = []
    for term in terms:
        spellings = [s for s in [term.term, *term.aliases] if normalize_query(s)]
        keys = {normalize_query(s).lower() for s in spellings}
        if not spellings or keys & seen:
            continue
        seen |= keys
        kept.append(term)
    return kept


def _spells(term: Term, text: str) -> bool:
    for spelling in [term.term, *term.aliases]:
        want, got = normalize_query(spelling), normalize_query(text)
        if want == got or (not term.case_sensitive and want.lower() == got.lower()):
            return True
    return False


@SETTINGS
@given(body=documents, data=st.data())
def test_glossary_links_never_overlap_and_spell_their_term(body: str, data) -> None:
    text = anchor_text_of(body)
    terms = data.draw(glossary(text), label="terms")
    assume(terms)
    mode = data.draw(st.sampled_from(["first", "all"]), label="mode")
    rendered, diags = render(body, [], terms, mode)
    assert not diags.errors
    check_structure(rendered.html, rendered)
    tree = parse_strict(rendered.html)
    by_id = {t.id: t for t in terms}
    parents = {child: parent for parent in tree.iter() for child in parent}
    links = [a for a in tree.iter("a") if a.get("class") == "glossary-term"]
    for link in links:
        link_text = "".join(link.itertext())
        assert _spells(by_id[link.get("data-term")], link_text), (link_text, link.get("data-term"))
        ancestor = parents.get(link)
        while ancestor is not None:  # never inside a link, code or a heading
            assert ancestor.tag not in ("a", "code", "pre", "h1", "h2", "h3", "h4", "h5", "h6")
            ancestor = parents.get(ancestor)
    if mode == "first":
        ids = [link.get("data-term") for link in links]
        assert len(ids) == len(set(ids))


@SETTINGS
@given(body=documents, data=st.data())
def test_glossary_link_offsets_are_ordered_and_disjoint(body: str, data) -> None:
    tokens = MD.parse(body)
    anchor = build_anchor_text(tokens)
    terms = data.draw(glossary(anchor.text), label="terms")
    assume(terms)
    links = link_terms(tokens, anchor.match, GlossaryMatcher(terms), mode="all")
    for before, after in zip(links, links[1:]):
        assert before.end <= after.start
    for link in links:
        assert _spells({t.id: t for t in terms}[link.term_id], anchor.text[link.start:link.end])


@SETTINGS
@given(body=documents, data=st.data())
def test_passages_and_glossary_links_together(body: str, data) -> None:
    text = anchor_text_of(body)
    assume(text.strip())
    found = unique_passage(text, data.draw(st.integers(0, len(text) - 1), label="start"),
                           data.draw(st.integers(1, 40), label="length"))
    assume(found is not None)
    terms = data.draw(glossary(text), label="terms")
    rendered, diags = render(body, [Note(id="p", quote=text[found[0]:found[1]], note="")],
                             terms, "all")
    assert not diags.errors, diags.format()
    assert [(s.start, s.end) for s in rendered.spans] == [found]
    assert highlighted(rendered.html, "p") == squash(text[found[0]:found[1]])
    check_structure(rendered.html, rendered)


@SETTINGS
@given(body=documents, data=st.data())
def test_fragments_parse_and_show_their_text(body: str, data) -> None:
    text = anchor_text_of(body)
    terms = data.draw(glossary(text), label="terms")
    linking = GlossaryLinking(GlossaryMatcher(terms), lambda t: f"/g/#{t}", "all")
    diags = Diagnostics()
    html = render_fragment(MD, body, where=Where("a.yaml", 1, []), glossary=linking, diags=diags)
    parse_strict(html)
    assert 'id="p' not in html and "permalink" not in html
    assert visible_text(html) == squash(text)


def test_span_type_is_what_render_source_returns() -> None:
    rendered, _ = render("a b c\n", [Note(id="x", quote="b", note="")])
    assert rendered.spans == [Span(rendered.spans[0].note, 2, 3, 1)]
