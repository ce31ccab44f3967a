"""What an editor writes never becomes script for a reader (unless the site config says so).

* Raw HTML is text while ``unsafe_html`` is false: markdown-it escapes it; this module warns
  where it appears, so an editor knows why a tag shows up on the page.
* Links and images with a forbidden URL scheme are errors (see :mod:`glossator.urls`); their
  address is removed before rendering, so even ``check`` output stays inert.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

from markdown_it.token import Token

from ..errors import Diagnostics, Location
from ..urls import link_problem
from .source_lines import hidden_lines

RAW_HTML = re.compile(r"<(?:[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?|/[A-Za-z][A-Za-z0-9-]*\s*|!--)>?")
# A complete tag or a comment opening, in a YAML text field (title, publisher…): there a "<"
# before a letter is often just text ("x<y"), and a value never continues on the next line.
HTML_TAG = re.compile(r"<(?:[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?|/[A-Za-z][A-Za-z0-9-]*\s*)>|<!--")
HIDDEN_LINE_TYPES = frozenset({"code_inline", "link_close", "html_inline"})
HTML_HINT = ("raw HTML is shown as text because `unsafe_html` is false in site_config.yaml; "
             "write Markdown instead")


@dataclass
class Where:
    """How to turn a body line into a file location."""

    path: str
    first_line: int  # 1-based file line of the Markdown text's first line
    lines: list[str]
    first_col: int = 1  # 1-based column of the text's lines (indented Markdown inside YAML)
    # The text is a quoted or folded YAML scalar: its lines are not the file's, so every
    # problem in it is located where it starts.
    flat: bool = False

    def locate(self, line: int, *needles: str, last: int | None = None) -> Location:
        """The location of the first of ``needles`` found on body line ``line`` (0-based), or
        on the first of lines ``line`` to ``last`` that has one; else of the line."""
        if self.flat:
            return Location(self.path, self.first_line, self.first_col)
        for at in range(line, max(line, last or line) + 1):
            text = self.lines[at] if 0 <= at < len(self.lines) else ""
            col = next((text.find(n) + 1 for n in needles if n and n in text), 0)
            if col:
                return Location(self.path, self.first_line + at, col + self.first_col - 1)
        return Location(self.path, self.first_line + line, self.first_col)


def check_tokens(tokens: list[Token], where: Where, diags: Diagnostics, *,
                 unsafe_html: bool) -> None:
    """Report forbidden URLs (and neutralise them) and raw HTML shown as text."""
    for token in tokens:
        if token.type != "inline":
            continue
        line = token.map[0] if token.map else 0
        children = token.children or []
        for index, child in enumerate(children):  # (an image's alt text is not HTML)
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            elif child.type in ("link_open", "image"):
                _check_url(children, index, line, where, diags)
                line += hidden_lines(child)  # an image's lines (a link's are on its end)
            elif child.type == "text":
                if not unsafe_html:
                    _check_html(child, line, where, diags)
                line += child.content.count("\n")  # soft breaks kept in the text
            elif child.type in HIDDEN_LINE_TYPES:  # a code span or link across lines
                line += hidden_lines(child)


def _lines_spanned(children: list[Token], index: int) -> int:
    """How many lines past its first the link or image ``children[index]`` ends on."""
    token = children[index]
    if token.type == "image":
        return hidden_lines(token)
    lines = 0
    for child in children[index + 1:]:  # to the link's end (a link holds no link)
        if child.type in ("softbreak", "hardbreak"):
            lines += 1
        elif child.type == "text":
            lines += child.content.count("\n")
        else:
            lines += hidden_lines(child)
        if child.type == "link_close":
            break
    return lines


def _check_url(children: list[Token], index: int, line: int, where: Where,
               diags: Diagnostics) -> None:
    token = children[index]
    attr = "src" if token.type == "image" else "href"
    url = str(token.attrGet(attr) or "")
    problem = link_problem(url, image=token.type == "image")
    if problem is None:
        return
    token.attrSet(attr, "")
    kind = "image" if token.type == "image" else "link"
    # the address as markdown-it gives it is percent-encoded and has its entities decoded:
    # look for it as written, then unescaped, then for what follows its scheme
    needles = (url[:20], unquote(url)[:20], unquote(url).partition(":")[2][:20])
    # on the first line of the link (or image) that has it
    last = line + _lines_spanned(children, index)
    diags.error(where.locate(line, *needles, last=last), f"unsafe {kind} address: {problem}",
                hints=["use an http:// or https:// address, or a relative link"])


def _check_html(token: Token, line: int, where: Where, diags: Diagnostics) -> None:
    """Warn of each tag in the text, line by line (as when soft breaks were tokens)."""
    if "<" not in token.content:  # every tag starts with one; most texts hold none
        return
    for offset, text in enumerate(token.content.split("\n")):
        for match in RAW_HTML.finditer(text):
            tag = match.group()
            diags.warning(where.locate(line + offset, tag), f"raw HTML shown as text: {tag}",
                          hints=[HTML_HINT])
