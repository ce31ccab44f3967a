"""Render rules: markdown-it's output, with Glossator's decorations woven in.

Per-render data lives in ``env["glossator"]`` (a :class:`RenderState`); without it the rules
fall back to markdown-it's defaults, so the same parser renders plain fragments too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token

from .anchors import Span
from .anchortext import code_block_text
from .blocks import NOTES_TOKEN
from .decorate import Decorator
from .highlight import code_tokens, fence_language
from .soft_breaks import NEWLINE_REFERENCE

ENV_KEY = "glossator"


@dataclass
class RenderState:
    decorator: Decorator = field(default_factory=Decorator)
    note_html: Callable[[Span], str] = lambda span: ""
    permalinks: bool = False


def _state(env: dict) -> RenderState | None:
    return env.get(ENV_KEY) if isinstance(env, dict) else None


def permalink(number: int) -> str:
    return (f'<a class="permalink" href="#p{number}" aria-label="Paragraph {number}">'
            f'¶\u00a0{number}</a>')


def _open_with_permalink(default_rule_name: str) -> Callable:
    def rule(self, tokens: list[Token], idx: int, options, env) -> str:
        token = tokens[idx]
        html = self.renderToken(tokens, idx, options, env)
        state = _state(env)
        if state and state.permalinks and "pnum" in token.meta and not token.hidden:
            html += permalink(token.meta["pnum"])
        return html
    rule.__name__ = default_rule_name
    return rule


def _continues(tokens: list[Token], idx: int) -> bool:
    """The next token is more anchor text in the same element (a highlight may run on)."""
    following = tokens[idx + 1] if idx + 1 < len(tokens) else None
    return (following is not None and following.type in ("text", "softbreak", NEWLINE_REFERENCE)
            and "anchor" in following.meta)


def render_text(self, tokens: list[Token], idx: int, options, env) -> str:
    state = _state(env)
    token = tokens[idx]
    if state is None:
        return escapeHtml(token.content)
    return state.decorator.text(token.content, token.meta.get("anchor"),
                                more=_continues(tokens, idx))


def render_softbreak(self, tokens: list[Token], idx: int, options, env) -> str:
    state = _state(env)
    if state is None:
        return "\n"
    return state.decorator.text("\n", tokens[idx].meta.get("anchor"),
                                more=_continues(tokens, idx))


def render_code_inline(self, tokens: list[Token], idx: int, options, env) -> str:
    state = _state(env)
    token = tokens[idx]
    attrs = self.renderAttrs(token)
    if state is None:
        return f"<code{attrs}>{escapeHtml(token.content)}</code>"
    dec = state.decorator
    dec.code_depth += 1
    inner = dec.text(token.content, token.meta.get("anchor"))
    dec.code_depth -= 1
    return f"<code{attrs}>{inner}</code>{dec.flush()}"


def render_link_open(self, tokens: list[Token], idx: int, options, env) -> str:
    state = _state(env)
    if state is not None:
        state.decorator.link_depth += 1
    return self.renderToken(tokens, idx, options, env)


def render_link_close(self, tokens: list[Token], idx: int, options, env) -> str:
    state = _state(env)
    html = self.renderToken(tokens, idx, options, env)
    if state is None:
        return html
    state.decorator.link_depth -= 1
    return html + state.decorator.flush()


def render_code_block(self, tokens: list[Token], idx: int, options, env) -> str:
    """A code block: Pygments classes, highlights inside, a wrapper carrying ``p<N>``."""
    token = tokens[idx]
    state = _state(env)
    code = code_block_text(token) if state else token.content
    language = fence_language(token.info) if token.type == "fence" else ""
    body = _highlighted(code, language, token.meta.get("anchor"), state)
    lang_attr = f' class="language-{escapeHtml(language)}"' if language else ""
    label = f"Code ({escapeHtml(language)})" if language else "Code"
    pre = (f'<div class="highlight" role="region" tabindex="0" aria-label="{label}">'
           f'<pre><code{lang_attr}>{body}</code></pre></div>')
    if state is None or "pnum" not in token.meta:
        return pre + "\n"
    number = token.meta["pnum"]
    link = permalink(number) if state.permalinks else ""
    return f'<div class="code-block" id="p{number}">{link}{pre}</div>\n'


def _highlighted(code: str, language: str, start: int | None,
                 state: RenderState | None) -> str:
    out = []
    offset = start
    dec = state.decorator if state else None
    for css, value in code_tokens(code, language):
        if dec is None:
            inner = escapeHtml(value)
        else:  # inside a Pygments span a note number waits for the span's end
            dec.code_depth += bool(css)
            inner = dec.text(value, offset)
            dec.code_depth -= bool(css)
        out.append(f'<span class="{css}">{inner}</span>' if css else inner)
        if dec is not None:
            out.append(dec.flush())
        if offset is not None:
            offset += len(value)
    return "".join(out)


def render_table_open(self, tokens: list[Token], idx: int, options, env) -> str:
    """A table scrolls in a focusable region, so a keyboard can scroll it (WCAG 2.1.1)."""
    return ('<div class="table-scroll" role="region" tabindex="0" aria-label="Table">'
            + self.renderToken(tokens, idx, options, env))


def render_table_close(self, tokens: list[Token], idx: int, options, env) -> str:
    return self.renderToken(tokens, idx, options, env) + "</div>\n"


def render_notes(self, tokens: list[Token], idx: int, options, env) -> str:
    state = _state(env)
    if state is None:
        return ""
    return "".join(state.note_html(span) for span in tokens[idx].meta["spans"])


def install_rules(md: MarkdownIt) -> None:
    rules = {
        "text": render_text,
        NEWLINE_REFERENCE: render_text,
        "softbreak": render_softbreak,
        "code_inline": render_code_inline,
        "link_open": render_link_open,
        "link_close": render_link_close,
        "fence": render_code_block,
        "code_block": render_code_block,
        "table_open": render_table_open,
        "table_close": render_table_close,
        "paragraph_open": _open_with_permalink("paragraph_open"),
        "list_item_open": _open_with_permalink("list_item_open"),
        NOTES_TOKEN: render_notes,
    }
    for name, rule in rules.items():
        md.add_render_rule(name, rule)
