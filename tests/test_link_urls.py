"""The shortcut for plain link destinations gives what markdown-it-py's ``normalizeLink`` does."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it.common.normalize_url import normalizeLink

from glossator.markdown import make_markdown
from glossator.markdown.link_urls import PLAIN, normalize_link

REPO = Path(__file__).resolve().parent.parent

# every character mdurl treats specially somewhere, and some it encodes
TRICKY = list(":/?#@%[]!$&'()*+,;=.-_~ \t\\\"<>^`{|}") + ["é", "ß", "\u3002", "％", "\x7f"]
piece = st.text(st.sampled_from(list("aZ09-") + TRICKY), max_size=12)
label = st.text(st.sampled_from("aZ09-"), min_size=1, max_size=6)
host = st.lists(label, min_size=1, max_size=4).map(".".join)
scheme = st.sampled_from(["http://", "https://", "HTTP://", "mailto:", "ftp://", "//",
                          "javascript:", "", "a+b:", ""])
urls = st.one_of(
    st.builds(lambda s, h, p: s + h + p, scheme, host, piece),
    st.builds(lambda s, h, p, q: f"{s}{h}{p}?{q}", scheme, host, piece, piece),
    st.builds(lambda s, p: s + p, scheme, piece),
    st.text(max_size=30),
)


@settings(max_examples=1000, deadline=None)
@given(urls)
def test_the_shortcut_gives_what_markdown_it_gives(url: str) -> None:
    assert normalize_link(url) == normalizeLink(url)


PLAIN_URLS = [
    "https://archive.example.org/calistan/7741",
    "https://web.archive.org/web/2017/https://example.org/a?b=1&c=2#frag",
    "http://a-b.c0.d/~user/(x)/it's;v=1,2+3$*!",
    "#note-apec-da-nang", "../other-document/#p3", "/tags/syria/", "", "?q", "a@b/c:d",
]
OTHER_URLS = [
    "https://exa mple.org", "https://xn--bcher-kva.example/ü", "https://例え.jp/",
    "https://a.b:8080/", "https://user@a.b/", "HTTPS://a.b/", "https://[::1]/",
    "https://a.b/%41%zz", "mailto:me@example.org", "//a.b/c", "javascript:alert(1)",
    "https://-a.b/", "https://a_b.c/", "https://" + "a" * 64 + ".org/",
    # mdurl reads a host in these too, and drops one longer than 255 characters
    "//" + ".".join(["a" * 60] * 5) + "/x", "x-y:" + ".".join(["a" * 60] * 5),
]


@pytest.mark.parametrize("url", PLAIN_URLS)
def test_plain_destinations_take_the_shortcut(url: str) -> None:
    assert PLAIN.fullmatch(url)
    assert normalize_link(url) == url == normalizeLink(url)


@pytest.mark.parametrize("url", OTHER_URLS)
def test_other_destinations_go_through_markdown_it(url: str) -> None:
    assert not PLAIN.fullmatch(url)
    assert normalize_link(url) == normalizeLink(url)


@pytest.mark.parametrize("start", ["https://", "//", "x-y:"])
def test_a_host_longer_than_mdurl_keeps_is_not_taken_as_it_is(start: str) -> None:
    url = start + ".".join(["a" * 60] * 5) + "/x"  # 304 characters of host: dropped
    assert normalize_link(url) == normalizeLink(url) != url


def test_the_parser_uses_the_shortcut_with_the_same_html(monkeypatch) -> None:
    md = make_markdown()
    assert md.normalizeLink is normalize_link
    sources = sorted((REPO / "sources").glob("*.md")) + sorted((REPO / "annotations").glob("*"))
    text = "\n\n".join(path.read_text(encoding="utf-8") for path in sources)
    text += "\n\n" + "\n".join(f"[{i}]({url}) ![{i}](<{url}>) <{url}>"
                                 for i, url in enumerate(PLAIN_URLS + OTHER_URLS))
    text += "\n\n" + "\n".join(f"[r{i}]: {url}" for i, url in enumerate(PLAIN_URLS))
    assert len(re.findall(r"\]\(", text)) >= 40
    html = md.render(text)
    monkeypatch.setattr(md, "normalizeLink", normalizeLink)
    assert md.render(text) == html
