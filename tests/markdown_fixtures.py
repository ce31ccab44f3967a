"""Shared helpers for the Markdown fixture tests (anchoring, glossary links, blocks, code).

A fixture file (``tests/fixtures/markdown/*.md``) is a list of cases in the markdown-it style::

    title of the case
    .
    <input: a small YAML document, see below>
    .
    <expected: the exact HTML, or the exact diagnostics>
    .

Text before a case's title line (each fixture file opens with such an introduction) is ignored.

The input YAML is treated as if it were ``annotations/doc.yaml``, so a diagnostic about a
note points at the line and column of its ``quote`` *in the input section* (line 1 is the line
right after the first ``.``). Its keys:

``body``          Markdown: the body of ``sources/doc.md`` (which has no front matter, so body
                  line N is file line N), or the fragment text when ``context: fragment``.
``notes``         list of ``{id, quote, prefix, suffix, note}``; ``id`` defaults to ``n<i>``.
``terms``         list of ``{id, term, aliases, case_sensitive}``; ``id`` defaults to the slug.
``mode``          glossary ``first`` (default) or ``all``.
``context``       ``body`` (default: ``render_source``) or ``fragment`` (``render_fragment``, as
                  for an introduction, a note or a definition).
``introduction``  Markdown rendered as a fragment before the body (same glossary linking).
``unsafe_html``   ``true`` to let raw HTML through.
``expect``        ``html`` (default) or ``diagnostics`` (every diagnostic, formatted).
``xfail``         a reason: the case states the spec but the implementation does not meet it.

The runner writes each note as ``<aside id="note-ID">NUMBER</aside>`` and a line break
(the number followed by the note's own Markdown, rendered as a fragment, when the note has a
``note:``), glossary hrefs as ``/glossary/#ID``, and, when there is an introduction, the
introduction's HTML first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import html5lib
import pytest
from markdown_it import MarkdownIt
from markdown_it.utils import read_fixture_file

from glossator.errors import Diagnostics
from glossator.markdown import (
    GlossaryLinking,
    RenderedSource,
    Where,
    make_markdown,
    render_fragment,
    render_source,
)
from glossator.markdown.anchors import Span
from glossator.markdown.glossary import GlossaryMatcher
from glossator.markdown.source_lines import LINE_STARTS, LINES
from glossator.models import Note, Term
from glossator.slugs import slug
from glossator.yamlio import load_yaml

FIXTURES = Path(__file__).parent / "fixtures" / "markdown"
ANNOTATIONS = "annotations/doc.yaml"
SOURCE = "sources/doc.md"
KEYS = {"body", "notes", "terms", "mode", "context", "introduction", "unsafe_html", "expect",
        "xfail"}


@dataclass
class Case:
    """One fixture case, loaded."""

    file: str
    line: int
    title: str
    body: str
    expected: str
    notes: list[Note] = field(default_factory=list)
    terms: list[Term] = field(default_factory=list)
    mode: str = "first"
    context: str = "body"
    introduction: str = ""
    unsafe_html: bool = False
    expect: str = "html"
    xfail: str = ""


@dataclass
class Outcome:
    """What a case produced."""

    output: str  # compared with the expected section
    htmls: list[str]  # every rendered HTML (body, introduction, notes), for validity checks
    diags: Diagnostics
    rendered: RenderedSource | None = None


def load_cases(name: str) -> list[Case]:
    """Every case of ``fixtures/markdown/<name>``."""
    path = FIXTURES / name
    return [load_case(name, line, title, given, expected)
            for line, title, given, expected in read_fixture_file(path)]


def load_case(file: str, line: int, title: str, given: str, expected: str) -> Case:
    diags = Diagnostics()
    doc = load_yaml(given, ANNOTATIONS, diags)
    assert doc is not None and not diags.items, f"{file}:{line + 1}: bad input\n{diags.format()}"
    values = doc.value
    unknown = set(values) - KEYS
    assert not unknown, f"{file}:{line + 1}: unknown keys {sorted(unknown)}"
    notes = [_note(doc, i, item) for i, item in enumerate(values.get("notes") or [])]
    terms = [_term(item) for item in values.get("terms") or []]
    return Case(file=file, line=line + 1, title=title, body=values.get("body") or "",
                expected=expected, notes=notes, terms=terms, mode=values.get("mode", "first"),
                context=values.get("context", "body"),
                introduction=values.get("introduction") or "",
                unsafe_html=bool(values.get("unsafe_html")),
                expect=values.get("expect", "html"), xfail=values.get("xfail") or "")


def _note(doc, i: int, item: dict) -> Note:
    return Note(id=str(item.get("id") or f"n{i + 1}"), quote=str(item["quote"]),
                note=str(item.get("note") or ""), prefix=str(item.get("prefix") or ""),
                suffix=str(item.get("suffix") or ""),
                location=doc.loc("notes", i, "quote"),
                prefix_location=doc.loc("notes", i, "prefix"),
                suffix_location=doc.loc("notes", i, "suffix"))


def _term(item: dict) -> Term:
    term = str(item["term"])
    return Term(id=str(item.get("id") or slug(term)), term=term, definition="",
                aliases=[str(a) for a in item.get("aliases") or []],
                case_sensitive=item.get("case_sensitive", True))


def glossary_href(term_id: str) -> str:
    return f"/glossary/#{term_id}"


def run_case(case: Case) -> Outcome:
    """Render a case the way a document page does."""
    md = make_markdown(unsafe_html=case.unsafe_html)
    diags = Diagnostics()
    matcher = GlossaryMatcher(case.terms) if case.terms else None
    linking = GlossaryLinking(matcher, glossary_href, case.mode)
    if case.context == "fragment":
        html = render_fragment(md, case.body, where=Where(ANNOTATIONS, 1, case.body.split("\n")),
                               glossary=linking, diags=diags, unsafe_html=case.unsafe_html)
        return Outcome(_output(case, html, diags), [html], diags)
    assert case.context == "body", f"unknown context {case.context!r}"
    htmls: list[str] = []
    intro = ""
    if case.introduction:
        intro = render_fragment(md, case.introduction, where=Where(ANNOTATIONS, 1, []),
                                glossary=linking, diags=diags, unsafe_html=case.unsafe_html)
        htmls.append(intro)

    def note_html(span: Span) -> str:
        inner = ""
        if span.note.note:
            inner = render_fragment(md, span.note.note, where=Where(ANNOTATIONS, 1, []),
                                    glossary=linking, diags=diags, unsafe_html=case.unsafe_html)
            htmls.append(inner)
            inner = " " + inner.strip()
        return f'<aside id="note-{span.note.id}">{span.number}{inner}</aside>\n'

    rendered = render_source(md, case.body, case.notes,
                             where=Where(SOURCE, 1, case.body.split("\n")), source_path=SOURCE,
                             body_line=0, glossary=linking, note_html=note_html, diags=diags,
                             unsafe_html=case.unsafe_html)
    htmls.insert(0, rendered.html)
    return Outcome(_output(case, intro + rendered.html, diags), htmls, diags, rendered)


def _output(case: Case, html: str, diags: Diagnostics) -> str:
    if case.expect == "diagnostics":
        return diags.format() + "\n"
    assert case.expect == "html", f"unknown expect {case.expect!r}"
    return html


def case_params(files: list[str]) -> list:
    """One pytest parameter per case of the fixture files, xfail cases marked strict."""
    params = []
    for name in files:
        for case in load_cases(name):
            marks = [pytest.mark.xfail(reason=case.xfail, strict=True)] if case.xfail else []
            params.append(pytest.param(case, id=f"{name}:{case.line}", marks=marks))
    return params


def check_case(case: Case) -> None:
    """The output is the expected one, valid HTML, and meets the structural rules."""
    outcome = run_case(case)
    for html in outcome.htmls:
        parse_strict(html)  # raises on any parse error
    if case.expect == "html":
        assert not outcome.diags.errors, outcome.diags.format()
    if outcome.rendered is not None:
        check_structure(outcome.rendered.html, outcome.rendered, raw_html=case.unsafe_html)
    assert outcome.output == case.expected, f"{case.file}:{case.line}: {case.title}"


# HTML checks ---------------------------------------------------------------------------------

BLOCKS = frozenset({"p", "li", "ul", "ol", "div", "pre", "blockquote", "table", "thead", "tbody",
                    "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "br"})
WHITESPACE_RUN = re.compile(r"\s+")


def parse_strict(html: str):
    """The fragment's element tree; html5lib's strict mode raises on any parse error."""
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    return parser.parseFragment(html)


def squash(text: str) -> str:
    """``text`` with every whitespace run made one space, stripped (the matching equivalence)."""
    return WHITESPACE_RUN.sub(" ", text).strip()


def segments(html: str) -> list[tuple[str, frozenset[str]]]:
    """The page text a reader sees, as ``(text, ids of the notes whose marks hold it)``.

    Permalinks, note numbers and notes are left out; a block boundary or ``<br>`` is a space.
    """
    out: list[tuple[str, frozenset[str]]] = []

    def walk(element, notes: frozenset[str]) -> None:
        tag = element.tag
        if tag == "aside" or (tag == "a" and element.get("class") in ("permalink", "note-ref")):
            return
        if tag == "mark":
            notes = notes | {element.get("data-note")}
        if tag in BLOCKS:
            out.append((" ", notes))
        if element.text:
            out.append((element.text, notes))
        for child in element:
            if isinstance(child.tag, str):
                walk(child, notes)
            if child.tail:
                out.append((child.tail, notes))
        if tag in BLOCKS:
            out.append((" ", notes))

    tree = parse_strict(html)
    if tree.text:
        out.append((tree.text, frozenset()))
    for child in tree:
        if isinstance(child.tag, str):
            walk(child, frozenset())
        if child.tail:
            out.append((child.tail, frozenset()))
    return out


def visible_text(html: str) -> str:
    """What a reader sees of the fragment, whitespace runs squashed."""
    return squash("".join(text for text, _ in segments(html)))


def highlighted(html: str, note_id: str) -> str:
    """The text from the first to the last character marked for ``note_id``, squashed.

    Between those, every character must be marked too (whitespace at a block boundary aside):
    the marks of one note cover one contiguous passage.
    """
    parts = segments(html)
    marked = [i for i, (_, notes) in enumerate(parts) if note_id in notes]
    if not marked:
        return ""
    between = parts[marked[0]:marked[-1] + 1]
    gaps = [text for text, notes in between if note_id not in notes and text.strip()]
    assert not gaps, f"text inside the passage of {note_id} is not marked: {gaps}"
    return squash("".join(text for text, _ in between))


def elements(html: str, tag: str) -> list:
    """Every ``tag`` element of the fragment, in document order."""
    return list(parse_strict(html).iter(tag))


def check_structure(html: str, rendered: RenderedSource, *, raw_html: bool = False) -> None:
    """What the spec requires of every rendered source body, whatever its content.

    * the page text is the anchor text (unless raw HTML adds text of its own);
    * each anchored note's marks hold exactly its passage, split only where an element comes
      in between, and the note is rendered once,
      outside ``<p>`` and ``<a>``, numbered in reading order;
    * the paragraphs, list items and code blocks are ``p1``…``pN``, each with its permalink.
    """
    tree = parse_strict(html)
    if not raw_html:
        assert visible_text(html) == squash(rendered.anchor.text)
    for span in rendered.spans:
        passage = rendered.anchor.text[span.start:span.end]
        assert highlighted(html, span.note.id) == squash(passage), span.note.id
    for parent in tree.iter():  # a mark is split only where an element comes in between
        for one, two in zip(parent, list(parent)[1:]):
            assert not (one.tag == two.tag == "mark" and not one.tail
                        and one.get("data-note") == two.get("data-note")), "needless split"
    numbers = [span.number for span in sorted(rendered.spans, key=lambda s: (s.start, -s.end))]
    assert numbers == sorted(numbers) == list(range(1, len(numbers) + 1))
    parents = {child: parent for parent in tree.iter() for child in parent}
    for span in rendered.spans:
        found = [e for e in tree.iter("aside") if e.get("id") == f"note-{span.note.id}"]
        assert len(found) == 1, f"note {span.note.id} rendered {len(found)} times"
        ancestor = parents.get(found[0])
        while ancestor is not None:
            assert ancestor.tag not in ("p", "a"), f"note {span.note.id} inside <{ancestor.tag}>"
            ancestor = parents.get(ancestor)
    numbered = [e for e in tree.iter() if isinstance(e.tag, str)
                and re.fullmatch(r"p\d+", e.get("id") or "")]
    assert [e.get("id") for e in numbered] == [f"p{n}" for n in range(1, rendered.paragraphs + 1)]
    for e in numbered:
        links = [a for a in e if a.tag == "a" and a.get("class") == "permalink"]
        assert [a.get("href") for a in links] == [f"#{e.get('id')}"]
        assert text_of(links[0]).strip(), "a permalink must be visible"


def text_of(element) -> str:
    return "".join(element.itertext())


# Tokens --------------------------------------------------------------------------------------

def joined(children: list[dict]) -> list[dict]:
    """Inline tokens (as dicts) with each run of text and soft breaks made one text token."""
    out: list[dict] = []
    in_run = False
    for child in children:
        if child["type"] in ("text", "softbreak"):
            piece = child["content"] if child["type"] == "text" else "\n"
            if in_run:
                out[-1]["content"] += piece
            else:
                out.append({**child, "type": "text", "tag": "", "content": piece})
            in_run = True
            continue
        in_run = False
        child = {**child, "meta": without_line_meta(child["meta"])}
        out.append({**child, "children": joined(child["children"])} if child["children"]
                   else child)
    return out


def without_line_meta(meta: dict) -> dict:
    """A token's meta less the source lines Glossator records (``source_lines.py``)."""
    return {k: v for k, v in meta.items() if k not in (LINE_STARTS, LINES)}


def tokens(md: MarkdownIt, text: str) -> tuple[list[dict], dict]:
    """The tokens as dicts, soft breaks joined to their text (a no-op for Glossator's parser),
    the source lines Glossator records left out, and the env the parse filled (link reference
    definitions)."""
    env: dict = {}
    found = [t.as_dict() for t in md.parse(text, env)]
    return [{**t, "children": joined(t["children"])} if t["children"] else t
            for t in found], env


def exact_tokens(md: MarkdownIt, text: str) -> tuple[list[dict], dict]:
    """The tokens as dicts, exactly as the parser made them, and the env the parse filled:
    what a parser's shortcut (``plain_blocks``, ``plain_inline``) must leave as they were."""
    env: dict = {}
    return [t.as_dict() for t in md.parse(text, env)], env


def runs(owner: object, name: str, monkeypatch) -> list:
    """One entry for each call of ``owner.name`` from now on (``md.block``, ``"parse"``)."""
    calls: list = []
    function = getattr(owner, name)
    monkeypatch.setattr(owner, name, lambda *args: calls.append(1) or function(*args))
    return calls
