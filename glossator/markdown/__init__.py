"""Glossator's Markdown: markdown-it-py plus anchoring, glossary links and paragraph numbers.

The rules run in this order on a source body (``render_source``):

1. parse (CommonMark + tables, raw HTML as text unless ``unsafe_html``; a text of plain
   paragraphs without the block parser, ``plain_blocks.py``);
2. safety checks: forbidden link schemes are errors, raw HTML shown as text is a warning;
3. paragraph numbers ``p<N>``;
4. anchor text, then every note anchored to exactly one passage;
5. glossary links in text runs (not in links, code or headings);
6. note asides placed after the blocks that end their passages;
7. rendering, with highlights, links and note numbers woven into the text.

Introductions and notes go through the same steps without 3, 4 and 6 (``render_fragment``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from markdown_it import MarkdownIt

from ..errors import Diagnostics
from ..models import Note
from . import link_urls, paragraph_ends, plain_blocks, plain_inline, soft_breaks, source_lines
from .anchors import Span, anchor_notes
from .anchortext import AnchorText, build_anchor_text
from .blocks import number_blocks, place_notes
from .decorate import Decorator
from .glossary import GlossaryMatcher, link_terms
from .render import ENV_KEY, RenderState, install_rules
from .safety import Where, check_tokens

__all__ = ["make_markdown", "render_source", "render_fragment", "RenderedSource",
           "GlossaryLinking", "Where"]


def make_markdown(*, unsafe_html: bool = False) -> MarkdownIt:
    """The one parser configuration (typographer off: its quote rule is quadratic)."""
    md = MarkdownIt("commonmark", {"html": unsafe_html}).enable("table")
    if not unsafe_html:  # they would return at once (raw HTML is text), block after block
        md.disable(["html_block", "html_inline"])
    paragraph_ends.install(md)
    plain_blocks.install(md)
    soft_breaks.install(md)
    source_lines.install(md)
    md.validateLink = lambda url: True  # Glossator's own, stricter check reports bad links
    link_urls.install(md)
    plain_inline.install(md)  # after soft_breaks: it checks the newline rule is that one
    install_rules(md)
    return md


@dataclass
class GlossaryLinking:
    """How glossary links are made in one document (shared by its contexts)."""

    matcher: GlossaryMatcher | None
    href: Callable[[str], str]
    mode: str = "first"
    used: set[str] = field(default_factory=set)  # term ids linked anywhere in the document


@dataclass
class RenderedSource:
    html: str
    anchor: AnchorText
    spans: list[Span]
    paragraphs: int


def render_source(md: MarkdownIt, body: str, notes: list[Note], *, where: Where,
                  source_path: str, body_line: int, glossary: GlossaryLinking,
                  note_html: Callable[[Span], str], diags: Diagnostics,
                  unsafe_html: bool = False) -> RenderedSource:
    env: dict = {}
    tokens = md.parse(body, env)
    check_tokens(tokens, where, diags, unsafe_html=unsafe_html)
    paragraphs = number_blocks(tokens)
    anchor = build_anchor_text(tokens)
    spans = anchor_notes(anchor, notes, source_path=source_path, body_line=body_line,
                         diags=diags)
    links = _links(tokens, anchor, glossary)
    tokens = place_notes(tokens, spans)
    decorator = Decorator(spans=spans, links=links, glossary_href=glossary.href)
    env[ENV_KEY] = RenderState(decorator=decorator, note_html=note_html, permalinks=True)
    html = md.renderer.render(tokens, md.options, env)
    return RenderedSource(html, anchor, spans, paragraphs)


def render_fragment(md: MarkdownIt, text: str, *, where: Where, glossary: GlossaryLinking | None,
                    diags: Diagnostics, unsafe_html: bool = False) -> str:
    """An introduction, a note or a definition: Markdown with glossary links, no anchoring."""
    env: dict = {}
    tokens = md.parse(text, env)
    check_tokens(tokens, where, diags, unsafe_html=unsafe_html)
    anchor = build_anchor_text(tokens)
    links = _links(tokens, anchor, glossary) if glossary else []
    decorator = Decorator(links=links, glossary_href=glossary.href if glossary else str)
    env[ENV_KEY] = RenderState(decorator=decorator)
    return md.renderer.render(tokens, md.options, env)


def _links(tokens, anchor: AnchorText, glossary: GlossaryLinking | None) -> list:
    if glossary is None or glossary.matcher is None:
        return []
    return link_terms(tokens, anchor.match, glossary.matcher, mode=glossary.mode,
                      used=glossary.used)
