"""The reader's edition in a real browser: fixtures for ``tests/browser/``.

* ``site`` (session): the example site, copied to a temporary folder and built once, served
  by a ``ThreadingHTTPServer`` on 127.0.0.1 at a free port. The same output is served at the
  root (``site.url("…")``) and under a sub-path (``site.url("…", sub=True)``), and a missing
  path answers 404 with ``404.html``, as static hosts do. The copy's ``base_url`` is the
  sub-path's address, so even the 404 page's absolute links lead somewhere real. Every
  answer carries a strict Content-Security-Policy (no inline script or style).
* ``browser`` (session): headless Chromium (Debian's, never a downloaded one) through
  Playwright for Python. Outside CI a missing Chromium or Playwright skips these tests with
  the reason; under ``CI=true`` it fails them (``require_tool``).
* ``open_page(path, width=…, scheme=…, js=…, reduced_motion=…, sub=…)``: a fresh browser
  context (own storage) and page, loaded. Every console error, uncaught exception, failed
  request, answer of 400 or more and request leaving 127.0.0.1 is recorded in
  ``page.problems``; the fixture fails the test at teardown if any is left (a test that
  expects one, the 404 page, takes it out of the list).

Screenshots for a person to look at go to ``screenshots/`` at the repository's root
(git-ignored).
"""

from __future__ import annotations

import functools
import os
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from conftest import REPO, copy_inputs, require_tool

from glossator.cli import main

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
SUB_PATH = "/some/sub/path/"
SCREENSHOTS = REPO / "screenshots"
SEED = "joint-statement-syria-2017-11-11/index.html"  # the seed document: 13 notes
WIDE, NARROW = 1400, 390


# The site, built once and served ------------------------------------------------------------

# What a careful host may send: no inline script or style, nothing from elsewhere. Pagefind
# compiles WebAssembly; the favicon is a data: URL. A violation is a console error.
CSP = ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
       "img-src 'self' data:; object-src 'none'; base-uri 'none'")


class _Handler(SimpleHTTPRequestHandler):
    """Static files of one folder, at ``/`` and at ``SUB_PATH``; 404.html for missing paths;
    every answer with the strict Content-Security-Policy above."""

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", CSP)
        super().end_headers()

    def translate_path(self, path: str) -> str:
        if urlsplit(path).path.startswith(SUB_PATH):
            path = path[len(SUB_PATH) - 1:]
        return super().translate_path(path)

    def send_error(self, code: int, message: str | None = None,
                   explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass


@dataclass
class Site:
    output: Path
    origin: str  # http://127.0.0.1:PORT

    def url(self, path: str = "", *, sub: bool = False) -> str:
        return f"{self.origin}{SUB_PATH if sub else '/'}{path}"


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    folder = copy_inputs(REPO, tmp_path_factory.mktemp("browser") / "example")
    output = folder / "output"
    handler = functools.partial(_Handler, directory=str(output))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    origin = f"http://127.0.0.1:{server.server_port}"
    config = folder / "site_config.yaml"
    text, count = re.subn(r"(?m)^base_url: .*$", f"base_url: {origin}{SUB_PATH}",
                          config.read_text(encoding="utf-8"))
    assert count == 1
    config.write_text(text, encoding="utf-8")
    try:
        assert main(["build", str(folder)]) == 0
        threading.Thread(target=server.serve_forever, daemon=True).start()
        yield Site(output, origin)
        server.shutdown()
    finally:
        server.server_close()


# The browser ------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require_tool(False, "Playwright for Python is not installed (pip install -e '.[test]')")
    require_tool(os.access(CHROMIUM, os.X_OK),
                 f"Chromium is missing: {CHROMIUM} (on Debian: apt-get install chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Problems(list):
    """What went wrong while pages were open (console errors, failed requests…)."""

    def take(self, pattern: str) -> list[str]:
        """Remove and return the problems matching ``pattern`` (a regular expression)."""
        taken = [p for p in self if re.search(pattern, p)]
        self[:] = [p for p in self if p not in taken]
        return taken


@pytest.fixture
def open_page(browser: Any, site: Site) -> Iterator[Callable[..., Any]]:
    contexts: list[Any] = []
    problems = Problems()

    def elsewhere(request: Any) -> None:
        if request.url.startswith("http") and urlsplit(request.url).hostname != "127.0.0.1":
            problems.append(f"request to another host: {request.url}")

    def watch(page: Any) -> None:
        page.on("console", lambda m: m.type == "error" and problems.append(
            f"console error on {page.url}: {m.text}"))
        page.on("pageerror", lambda e: problems.append(f"uncaught exception on {page.url}: {e}"))
        page.on("requestfailed", lambda r: problems.append(
            f"request failed: {r.url} ({r.failure})"))
        page.on("response", lambda r: r.status >= 400 and problems.append(
            f"HTTP {r.status}: {r.url}"))
        page.on("request", elsewhere)

    def open_(path: str = SEED, *, width: int = WIDE, height: int = 900,
              scheme: str = "light", js: bool = True, reduced_motion: str = "no-preference",
              sub: bool = False, context: Any = None) -> Any:
        if context is None:
            context = browser.new_context(
                viewport={"width": width, "height": height}, color_scheme=scheme,
                java_script_enabled=js, reduced_motion=reduced_motion)
            context.set_default_timeout(5000)
            contexts.append(context)
        page = context.new_page()
        watch(page)
        page.problems = problems
        page.goto(site.url(path, sub=sub))
        return page

    yield open_
    found = list(problems)  # before closing: requests cut short by the closing do not count
    for context in contexts:
        context.close()
    assert not found, "\n".join(found)


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS


# Geometry helpers -----------------------------------------------------------------------------

BOXES = """(selector) => Array.from(document.querySelectorAll(selector), (el) => {
  const r = el.getBoundingClientRect();
  return {id: el.id, note: el.dataset.note || null, top: r.top + scrollY,
          bottom: r.bottom + scrollY, left: r.left, right: r.right, width: r.width,
          height: r.height, display: getComputedStyle(el).display};
})"""


def boxes(page: Any, selector: str) -> list[dict[str, Any]]:
    """The page-relative boxes of every element matching ``selector``, in document order."""
    return page.evaluate(BOXES, selector)


def settle(page: Any) -> None:
    """Wait until no CSS transition runs (after a change of colour scheme, say)."""
    page.wait_for_function("() => document.getAnimations().every("
                           "(a) => a.playState !== 'running')")


def emulate(page: Any, **media: Any) -> None:
    """``page.emulate_media(**media)``, then wait for the transitions it started."""
    page.emulate_media(**media)
    settle(page)
