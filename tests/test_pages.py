"""The page renderer's delegation: pages rendered elsewhere (the build's workers render the
listings) are handed over exactly as if they had been rendered here, in the same order, a
bounded number at a time; a failed one stops everything as it would have here."""

from __future__ import annotations

import functools
import random
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from glossator.errors import Diagnostics
from glossator.loaders import load_config
from glossator.pages import PageJob, PageRenderer, Rendered, SiteInfo
from glossator.templates import TemplateFailed, Theme


@pytest.fixture
def site(tmp_path: Path) -> tuple[SiteInfo, Theme]:
    (tmp_path / "site_config.yaml").write_text("title: Pages\nbase_url: https://example.org/\n")
    templates = tmp_path / "theme" / "templates"
    templates.mkdir(parents=True)
    (templates / "item.html").write_text("{{ page.title }} {{ n }} {{ rel('a/b.html') }}\n")
    (templates / "broken.html").write_text("{{ page.title }} {{ no_such_variable }}\n")
    config = load_config(tmp_path, Diagnostics())
    assert config is not None
    return SiteInfo(config, {}, [], {}), Theme(tmp_path)


def render_elsewhere(site: SiteInfo, theme: Theme, delays: dict[str, float],
                     job: PageJob) -> Rendered:
    """What a worker does with a job (``workers.render_listing_page``), after a delay."""
    time.sleep(delays.get(job.path, 0))
    diags = Diagnostics()
    try:
        return PageRenderer(site, theme, diags).render(job), diags.items
    except TemplateFailed:
        return None, diags.items


def make_pages(pages: PageRenderer, templates: list[str]) -> None:
    """Pages and plain files in turn, as the listings are: each page, then a file."""
    for n, template in enumerate(templates):
        pages.page(f"p{n}/index.html", template, "test", f"Page {n}", n=n)
        pages.put(f"file-{n}.txt", f"file {n}".encode())
    pages.finish()


def outputs(site: SiteInfo, theme: Theme, templates: list[str], *, elsewhere: bool,
            window: int = 3) -> tuple[list[tuple[str, bytes]], list[str], bool, list[int]]:
    """What ``make_pages`` hands over, in order; the diagnostics; whether it failed; and how
    many delegated renders were pending each time another was asked for."""
    emitted: list[tuple[str, bytes]] = []
    diags = Diagnostics()
    pending: list[int] = []
    with ThreadPoolExecutor(4) as executor:
        delegate = None
        if elsewhere:
            # the early pages take longest: later ones finish first
            delays = {f"p{n}/index.html": 0.02 * (len(templates) - n) * random.random()
                      for n in range(len(templates))}
            submit = functools.partial(executor.submit, render_elsewhere, site, theme, delays)

            def delegate(job: PageJob):
                pending.append(pages._delegated)
                return submit(job)
        pages = PageRenderer(site, theme, diags, emit=lambda p, d: emitted.append((p, d)),
                             delegate=delegate, window=window)
        try:
            make_pages(pages, templates)
            failed = False
        except TemplateFailed:
            failed = True
    return emitted, [d.format() for d in diags.items], failed, pending


def test_pages_rendered_elsewhere_come_out_as_if_rendered_here(site) -> None:
    random.seed(7)
    templates = ["item.html"] * 12
    here = outputs(*site, templates, elsewhere=False)
    there = outputs(*site, templates, elsewhere=True, window=3)
    assert there[:3] == here[:3]
    assert [path for path, _ in here[0]] == [path for n in range(12)
                                             for path in (f"p{n}/index.html", f"file-{n}.txt")]
    assert b"Page 4 4 ../a/b.html" in dict(there[0])["p4/index.html"]
    assert len(there[3]) == 12 and max(there[3]) <= 3  # never more than the window pending


def test_a_page_that_fails_elsewhere_stops_the_pages_as_it_would_here(site) -> None:
    random.seed(11)
    templates = ["item.html", "item.html", "broken.html", "item.html", "broken.html",
                 "item.html"]
    here = outputs(*site, templates, elsewhere=False)
    there = outputs(*site, templates, elsewhere=True, window=2)
    assert here[2] and there[2]  # TemplateFailed
    assert there[:2] == here[:2]  # the same pages handed over, the same single error
    assert [path for path, _ in there[0]] == ["p0/index.html", "file-0.txt", "p1/index.html",
                                              "file-1.txt"]
    assert len(there[1]) == 1 and "no_such_variable" in there[1][0]
