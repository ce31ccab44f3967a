"""Link destinations normalised as markdown-it-py does, with a shortcut for plain ones.

markdown-it-py passes every link and image destination through ``normalizeLink``: mdurl parses
it into parts, the host is converted to punycode, the parts are joined again and every
character outside a safe set is percent-encoded. That is about 30 µs a link in pure Python,
0.3-1.1 ms a document of the benchmark's corpus (14 links each; docs/performance.md, eleventh
pass).

A destination made only of characters that mdurl never encodes, without ``%`` (whose escapes
it checks), with an ASCII host of letters, digits and hyphens when it has a scheme, comes out
of those steps unchanged, so it is returned as it is. Anything else (another scheme, a port,
user info, an IPv6 or non-ASCII host, spaces, ``%``…) goes through markdown-it-py's own
function. ``tests/test_link_urls.py`` checks the shortcut against it on generated
destinations, and the HTML of the example site's texts and of links to many destinations.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.common.normalize_url import normalizeLink

# mdurl's encode() keeps ASCII letters and digits and ";/?:@&=+$,-_.!~*'()#"; after the host
# (or where there is none) mdurl's parser reads none of them as structure but "?" and "#",
# which only split the text into parts that are joined again.
_SAFE = r"[A-Za-z0-9;/?:@&=+$,\-_.!~*'()#]"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
PLAIN = re.compile(
    rf"https?://(?P<host>{_LABEL}(?:\.{_LABEL})*)(?:[/?#]{_SAFE}*)?"  # an address with a host,
    rf"|(?![A-Za-z0-9.+-]*:)(?!//){_SAFE}*",  # or no scheme and no host at all
    re.ASCII)
_MAX_HOST = 255  # mdurl drops a longer host name


def normalize_link(url: str) -> str:
    """What markdown-it-py's ``normalizeLink`` returns for ``url``."""
    plain = PLAIN.fullmatch(url)
    if plain and len(plain["host"] or "") <= _MAX_HOST:
        return url
    return normalizeLink(url)


def install(md: MarkdownIt) -> None:
    md.normalizeLink = normalize_link  # type: ignore[method-assign]
