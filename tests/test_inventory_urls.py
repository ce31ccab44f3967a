"""Relative links between output pages: the quick path computation against posixpath."""

from __future__ import annotations

import posixpath

from hypothesis import given, settings
from hypothesis import strategies as st

from glossator import inventory as inv

parts = st.sampled_from(["a", "b", "notes", "page", "2", "index.html", "é", "tags", "x y"])
paths = st.lists(parts, min_size=1, max_size=5).map("/".join)


@settings(max_examples=500, deadline=None)
@given(paths, paths)
def test_relative_links_are_posixpaths_relpath(from_page: str, to_path: str) -> None:
    start = posixpath.dirname(from_page) or "."
    assert inv.links_from(from_page)(to_path) == posixpath.relpath(to_path, start)


def test_relative_urls_between_the_pages_of_a_site() -> None:
    assert inv.links_from("index.html")("notes/index.html") == "notes/index.html"
    assert inv.links_from("notes/page/2/index.html")("notes/index.html") == "../../index.html"
    assert inv.links_from("a/index.html")("a/index.html", "n1") == "index.html#n1"
    assert inv.links_from("a/b/index.html")("a") == ".."
    assert inv.links_from("a/index.html")("assets/site.css") == "../assets/site.css"
