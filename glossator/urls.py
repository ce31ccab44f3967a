"""Which URLs an editor may write, in Markdown links and in YAML ``url`` fields.

Stricter than markdown-it's own check: ``javascript:``, ``vbscript:``, ``file:`` and ``data:``
URLs are refused in links, also when hidden by entities, percent-escapes, control characters or
white space; images may use ``data:image/png|jpeg|gif|webp`` only.
"""

from __future__ import annotations

import html
import re
from urllib.parse import unquote

_IGNORED = re.compile(r"[\x00-\x20\x7f-\x9f\u00ad\u200b-\u200f\u2028\u2029\ufeff]+")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_FORBIDDEN = ("javascript", "vbscript", "livescript", "mocha", "file")
_DATA_IMAGE = re.compile(r"^data:image/(png|jpeg|gif|webp)[;,]")
_WEB_URL = re.compile(r"^https?://[^\s/?#]+[^\s]*$", re.IGNORECASE)


def _reveal(url: str) -> str:
    """The URL as a browser might read its scheme: entities and escapes decoded, junk removed."""
    previous = None
    while previous != url:  # undo nested encodings (&amp;#106; %256A …)
        previous = url
        url = unquote(html.unescape(url))
    return _IGNORED.sub("", url).lower()


def link_problem(url: str, *, image: bool = False) -> str | None:
    """Why ``url`` may not be used in a link (or image), or None when it is fine."""
    revealed = _reveal(url)
    match = _SCHEME.match(revealed)
    if not match:
        return None
    scheme = match.group(1)
    if scheme in _FORBIDDEN:
        return f"{scheme}: URLs are not allowed"
    if scheme == "data" and not (image and _DATA_IMAGE.match(revealed)):
        if image:
            return "data: URLs are allowed only for PNG, JPEG, GIF and WebP images"
        return "data: URLs are not allowed in links"
    return None


def web_url_problem(url: str) -> str | None:
    """Why ``url`` is not an absolute http(s) address (YAML ``url`` fields), or None."""
    problem = link_problem(url)
    if problem:
        return problem
    if not _WEB_URL.match(url):
        return "expected an absolute http:// or https:// address"
    return None
