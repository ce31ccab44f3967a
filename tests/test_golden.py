"""The fixture site ``tests/fixtures/sites/basic/`` builds to exactly ``tests/golden/basic/``.

Every output file is compared byte for byte, except the theme's ``assets/style.css`` and
``assets/glossator.js``, which must equal the package's theme files (their content is the
theme's business, not the build's).

The fixture covers: an organisation author, a mononym, a particle and a suffix; partial dates
(``1863``, ``1789-08``) and a tie on the earliest day broken by the casefolded title; a ``via``
chain of two; tags shared between documents; a draft (absent: its page, its tag, its glossary
back-link); glossary terms used across documents, introductions and notes, one with an accent
and one lower-case (alphabetical order, casefolded, accents ignored); notes picked out with a
``prefix`` and a ``suffix``; a passage crossing emphasis; a term in bold; a link between
documents in a note; the 404 page's absolute links under a sub-path ``base_url``.

To regenerate after a deliberate change of the output::

    GLOSSATOR_UPDATE_GOLDEN=1 pytest tests/test_golden.py

then READ the diff (``git diff tests/golden``) before committing it: the golden tree is the
specification of the output, not a record of whatever the build happens to produce.
"""

from __future__ import annotations

import difflib
import posixpath
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Callable

from conftest import THEME_STATIC, UPDATE_GOLDEN, Run, tree_bytes

GOLDEN = Path(__file__).resolve().parent / "golden" / "basic"
THEME_ASSETS = {"assets/style.css": THEME_STATIC / "style.css",
                "assets/glossator.js": THEME_STATIC / "glossator.js"}


def _write_golden(files: dict[str, bytes]) -> None:
    if GOLDEN.exists():
        shutil.rmtree(GOLDEN)
    for rel, data in files.items():
        path = GOLDEN / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def _diff(rel: str, expected: bytes, actual: bytes) -> str:
    lines = difflib.unified_diff(expected.decode("utf-8", "replace").splitlines(),
                                 actual.decode("utf-8", "replace").splitlines(),
                                 f"golden/{rel}", f"output/{rel}", lineterm="", n=2)
    return "\n".join(list(lines)[:80])


def test_basic_site_matches_the_golden_tree(make_site: Callable[..., Path],
                                            glossator: Callable[..., Run]) -> None:
    site = make_site("basic")
    result = glossator("build", "--no-search", site)
    assert (result.code, result.err) == (0, ""), result.err  # the fixture has no warnings

    actual = tree_bytes(site / "output")
    for rel, theme_file in THEME_ASSETS.items():
        assert actual.pop(rel) == theme_file.read_bytes(), rel
    if UPDATE_GOLDEN:
        _write_golden(actual)
    expected = tree_bytes(GOLDEN)

    assert sorted(actual) == sorted(expected)
    different = [rel for rel in expected if actual[rel] != expected[rel]]
    assert not different, "\n\n".join(_diff(rel, expected[rel], actual[rel])
                                      for rel in different)


# What the golden pages must say, checked on the built output (so a regenerated golden tree
# that breaks the spec fails here even if nobody reads the diff).

BASE_URL = "https://example.org/ellery/"


class _Page(HTMLParser):
    """Links (href/src), ids and the ``href`` of each document card/back-link, in order."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: list[str] = []
        self.canonical: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.append(values["id"] or "")
        if tag == "link" and values.get("rel") == "canonical":
            self.canonical = values.get("href")
            return
        if tag == "link" and (values.get("rel") or "").startswith("schema."):
            return  # a metadata vocabulary's namespace (Dublin Core), not a link to follow
        if (values.get("href") or "").startswith("data:"):
            return  # an inline resource (the empty favicon), not a link
        for name in ("href", "src"):
            if values.get(name) is not None:
                self.links.append(values[name] or "")


def _pages(output: Path) -> dict[str, _Page]:
    return {rel: _Page(data.decode("utf-8")) for rel, data in tree_bytes(output).items()
            if rel.endswith(".html")}


def _cards(html: str) -> list[str]:
    """The document links of a listing, in order."""
    return re.findall(r'<h2><a href="([^"]+)">', html)


def test_basic_output_follows_the_spec(make_site: Callable[..., Path],
                                       glossator: Callable[..., Run]) -> None:
    site = make_site("basic")
    assert glossator("build", "--no-search", site).code == 0
    output = site / "output"
    pages = _pages(output)

    # Newest first; "1863" sorts as 1863-01-01 and ties with the ode, whose casefolded title
    # ("an ode…") comes before "proclamation…".
    home = (output / "index.html").read_text(encoding="utf-8")
    assert _cards(home) == ["ode-to-the-beacon/index.html", "harbour-proclamation/index.html",
                            "letter-on-the-bells/index.html"]

    # The glossary: alphabetical, casefolded, accents ignored; back-links newest first.
    glossary = (output / "glossary" / "index.html").read_text(encoding="utf-8")
    entries = re.findall(r'<div class="glossary-entry" id="([^"]+)">', glossary)
    assert entries == ["almanac", "beacon", "ecluse", "harbour-commission", "lamplighter"]
    appears = dict(re.findall(r'id="([^"]+)">.*?Appears in:\s*(.*?)</p>', glossary, re.S))
    assert re.findall(r'href="([^"]+)"', appears["lamplighter"]) == [
        "../ode-to-the-beacon/index.html", "../harbour-proclamation/index.html",
        "../letter-on-the-bells/index.html"]
    assert re.findall(r'href="([^"]+)"', appears["ecluse"]) == [
        "../harbour-proclamation/index.html"]  # the draft uses it too, but is not published

    # Tags: shared tags list both documents; the draft's tag has no page.
    assert sorted(p for p in pages if p.startswith("tags/")) == [
        "tags/correspondence/index.html", "tags/harbours/index.html", "tags/index.html",
        "tags/public-works/index.html", "tags/verse/index.html"]
    public_works = (output / "tags" / "public-works" / "index.html").read_text(encoding="utf-8")
    assert _cards(public_works) == ["../../harbour-proclamation/index.html",
                                    "../../letter-on-the-bells/index.html"]

    # The draft is nowhere.
    assert not any(b"notes-toward-a-history" in data or "Notes toward" in data.decode()
                   for data in tree_bytes(output).values() if data)

    # Relative links everywhere but 404.html, each to a file (and id) that exists.
    for rel, page in pages.items():
        if rel == "404.html":
            continue
        assert page.canonical == BASE_URL + rel.removesuffix("index.html"), rel
        for url in page.links:
            if url.startswith(("https://example.org/ellery-", "mailto:")):
                continue  # the via chain's external addresses
            assert not url.startswith(("/", "http:", "https:")), (rel, url)
            path, _, fragment = url.partition("#")
            target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), path)) \
                if path else rel
            assert target in pages or (output / target).is_file(), (rel, url)
            if fragment:
                assert fragment in pages[target].ids, (rel, url)

    # 404.html is served at any depth: every link is absolute, under base_url.
    not_found = pages["404.html"]
    assert not_found.canonical is None
    assert "#site-main" in not_found.links  # the skip link stays on the page
    others = [url for url in not_found.links if not url.startswith("#")]
    assert others and all(url.startswith(BASE_URL) for url in others), others
