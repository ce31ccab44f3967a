"""``glossator serve``: live preview while editing.

Three parts, each testable without sockets or sleeps:

* :class:`LiveState`: the version of the last good build and the problems of the last failed
  one; browsers long-poll it.
* :class:`Rebuilder`: the one build loop. File events only record a time; the loop builds once
  the events have been quiet for the debounce window, so a save-all or an editor's atomic save
  is one rebuild, and builds never overlap.
* :class:`PreviewApp`: answers requests: files from the output folder only (no ``..``, no
  escape through symlinks), ``421`` for unknown ``Host`` values, a live-reload script and the
  error overlay injected into HTML as it is served (so ``output/`` stays identical to
  ``build``'s).
"""

from __future__ import annotations

import html
import json
import mimetypes
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable
from urllib.parse import parse_qs, unquote, urlsplit

POLL_PATH = "/__glossator__/poll"
POLL_TIMEOUT = 25.0
DEBOUNCE = 0.1  # seconds of quiet after the last file event before a rebuild


@dataclass
class LiveState:
    version: int = 0
    problems: list[str] = field(default_factory=list)
    _changed: threading.Condition = field(default_factory=threading.Condition, repr=False)

    def succeeded(self) -> None:
        with self._changed:
            self.version += 1
            self.problems = []
            self._changed.notify_all()

    def failed(self, problems: list[str]) -> None:
        with self._changed:
            self.problems = problems
            self._changed.notify_all()

    def snapshot(self) -> dict:
        with self._changed:
            return {"version": self.version, "problems": list(self.problems)}

    def wait_for_change(self, version: int, problems: list[str] | None,
                        timeout: float) -> dict:
        """Block until the state differs from what the browser has, or ``timeout``."""
        with self._changed:
            self._changed.wait_for(lambda: self.version != version or self.problems != problems,
                                   timeout=timeout)
            return {"version": self.version, "problems": list(self.problems)}


class Rebuilder:
    """Debounced, serialised rebuilds. ``build`` is given the paths of the file events since
    the last rebuild (none for the first build: everything) and returns the problems (empty
    on success; None when no published file changed, so no page needs reloading)."""

    def __init__(self, build: Callable[[frozenset[str]], list[str] | None], state: LiveState,
                 *,
                 debounce: float = DEBOUNCE, clock: Callable[[], float] = time.monotonic,
                 log: Callable[[str], None] = print,
                 publish_index: Callable[[dict[str, bytes]], list[str]] | None = None,
                 after_build: Callable[[], None] | None = None):
        self.build, self.state, self.debounce = build, state, debounce
        self.clock, self.log = clock, log
        self.publish_index, self.after_build = publish_index, after_build
        self._last_event: float | None = None
        self._paths: set[str] = set()  # what the events since the last rebuild named
        self._index: dict[str, bytes] | None = None  # a search index waiting to be published
        self._lock = threading.Lock()
        self._wake = threading.Event()

    def index_ready(self, files: dict[str, bytes]) -> None:
        """A search index made in the background (called from the indexer's thread)."""
        with self._lock:
            self._index = files
        self._wake.set()

    def publish_pending_index(self) -> bool:
        """Publish a waiting search index, unless page edits are waiting (they go first)."""
        with self._lock:
            if self._index is None or self._last_event is not None:
                return False
            files, self._index = self._index, None
        if self.publish_index is not None:
            problems = self.publish_index(files)
            self.log("search index updated" if not problems else "\n".join(problems))
        return True

    def changed(self, path: str) -> None:
        """Record a file event (called from the watcher's thread)."""
        with self._lock:
            self._last_event = self.clock()
            self._paths.add(path)
        self._wake.set()

    def due(self) -> bool:
        with self._lock:
            return (self._last_event is not None
                    and self.clock() - self._last_event >= self.debounce)

    def run_pending(self) -> bool:
        """Rebuild if events are pending and quiet for the debounce window."""
        if not self.due():
            return False
        with self._lock:
            self._last_event = None
            paths, self._paths = frozenset(self._paths), set()
        self.rebuild(paths)
        return True

    def rebuild(self, paths: frozenset[str] = frozenset()) -> None:
        started = self.clock()
        problems = self.build(paths)
        if problems is None:  # the edit changed no published file
            if not self.state.snapshot()["problems"]:
                return  # nothing to reload
            problems = []  # an edit undone: the overlay goes, as after any good build
        if problems:
            self.state.failed(problems)
            self.log("\n".join(problems))
            self.log("build failed: still serving the last good build")
        else:
            self.state.succeeded()
            self.log(f"built in {self.clock() - started:.2f} s; reloading open pages")
            if self.after_build is not None:
                self.after_build()

    def loop(self, stop: threading.Event) -> None:
        while not stop.is_set():
            self._wake.wait(timeout=0.5)
            self._wake.clear()
            while not stop.is_set() and self._last_event is not None:
                if not self.run_pending():
                    time.sleep(self.debounce / 4)
            if not stop.is_set():
                self.publish_pending_index()


class BackgroundIndexer:
    """Rebuilds the search index in its own thread, one run at a time; a request made during
    a run starts another run after it (so the last edit is always indexed)."""

    def __init__(self, make_index: Callable[[], dict[str, bytes]],
                 ready: Callable[[dict[str, bytes]], None],
                 log: Callable[[str], None] = print):
        self.make_index, self.ready, self.log = make_index, ready, log
        self._requested = False
        self._running = False
        self._lock = threading.Lock()
        self._idle = threading.Event()
        self._idle.set()

    def request(self) -> None:
        with self._lock:
            self._requested = True
            if self._running:
                return
            self._running = True
            self._idle.clear()
        threading.Thread(target=self._run, daemon=True).start()

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait until no index is being built (for a clean shutdown)."""
        return self._idle.wait(timeout)

    def _run(self) -> None:
        while True:
            with self._lock:
                if not self._requested:
                    self._running = False
                    self._idle.set()
                    return
                self._requested = False
            try:
                self.ready(self.make_index())
            except Exception as exc:  # a failed index must not stop the preview
                self.log(f"the search index could not be built: {exc}")


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes


class PreviewApp:
    def __init__(self, output_dir: Path, state: LiveState, *, port: int,
                 host: str = "127.0.0.1", allow_hosts: tuple[str, ...] = (),
                 lock: threading.Lock | None = None):
        self.output_dir = output_dir
        self.state = state
        # held by the quick path while it replaces files: a request sees all of an edit or
        # none of it (a full build swaps the whole folder in one rename)
        self.lock = lock or threading.Lock()
        names = {"127.0.0.1", "localhost", "[::1]", _bracket(host), *allow_hosts}
        self.allowed_hosts = {n.lower() for n in names} | {f"{n}:{port}".lower() for n in names}

    def respond(self, method: str, target: str, headers: dict[str, str]) -> Response:
        host = next((v for k, v in headers.items() if k.lower() == "host"), "")
        if host.lower() not in self.allowed_hosts:
            return _text(421, "421 Misdirected Request: unknown Host header\n")
        if method not in ("GET", "HEAD"):
            return _text(405, "405 Method Not Allowed\n", {"Allow": "GET, HEAD"})
        url = urlsplit(target)
        if url.path == POLL_PATH:
            return self._poll(parse_qs(url.query))
        with self.lock:
            path = self._resolve(url.path)
            if path is None:
                return self._not_found()
            return self._file(path, status=200)

    def _resolve(self, url_path: str) -> Path | None:
        """The file a URL path names inside the output folder, or None."""
        text = unquote(url_path)
        if "\x00" in text or "\\" in text:
            return None
        parts = [p for p in text.split("/") if p not in ("", ".")]
        if ".." in parts:
            return None
        candidate = self.output_dir.joinpath(*parts)
        if candidate.is_dir():
            candidate = candidate / "index.html"
        root = os.path.realpath(self.output_dir)
        real = os.path.realpath(candidate)
        if os.path.commonpath([root, real]) != root or not os.path.isfile(real):
            return None
        return candidate

    def _not_found(self) -> Response:
        page = self.output_dir / "404.html"
        if page.is_file():
            return self._file(page, status=404)
        return _text(404, "404 Not Found\n")

    def _file(self, path: Path, *, status: int) -> Response:
        try:
            body = path.read_bytes()
        except OSError:  # swapped away between the check and the read: ask again
            return _text(503, "503 Rebuilding, try again\n", {"Retry-After": "1"})
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if kind == "text/html":
            body = inject(body, self.state.snapshot())
            kind += "; charset=utf-8"
        return Response(status, {"Content-Type": kind, "Cache-Control": "no-store"}, body)

    def _poll(self, query: dict[str, list[str]]) -> Response:
        try:
            version = int(query.get("version", ["-1"])[0])
        except ValueError:
            version = -1
        try:
            problems = json.loads(query.get("problems", ["[]"])[0] or "[]")
        except ValueError:  # a malformed query: answer with the current state
            problems = None
        state = self.state.wait_for_change(version, problems, POLL_TIMEOUT)
        return Response(200, {"Content-Type": "application/json", "Cache-Control": "no-store"},
                        json.dumps(state).encode("utf-8"))


def _bracket(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def _text(status: int, text: str, extra: dict[str, str] | None = None) -> Response:
    headers = {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}
    return Response(status, {**headers, **(extra or {})}, text.encode("utf-8"))


# What is injected into every HTML page served ----------------------------------------------

OVERLAY_STYLE = ("position:fixed;inset:0 0 auto 0;max-height:70vh;overflow:auto;z-index:2147483647;"
                 "margin:0;padding:1rem 1.25rem;background:#2b0a0a;color:#fff;"
                 "font:14px/1.5 ui-monospace,monospace;white-space:pre-wrap;"
                 "border-bottom:4px solid #ff6b6b")

CLIENT = """(function () {
  "use strict";
  var state = %(state)s;
  function overlay(problems) {
    var box = document.getElementById("glossator-overlay");
    if (!problems.length) { if (box) box.remove(); return; }
    if (!box) {
      box = document.createElement("pre");
      box.id = "glossator-overlay";
      box.setAttribute("role", "alert");
      box.setAttribute("style", %(style)s);
      document.body.appendChild(box);
    }
    box.textContent =
      "Glossator: the last edit does not build (showing the last good build)\\n\\n" +
      problems.join("\\n");
  }
  function poll() {
    var url = "%(poll)s?version=" + state.version +
      "&problems=" + encodeURIComponent(JSON.stringify(state.problems));
    fetch(url, {cache: "no-store"}).then(function (r) { return r.json(); }).then(function (next) {
      if (next.version !== state.version) { location.reload(); return; }
      state = next;
      overlay(state.problems);
      poll();
    }, function () { setTimeout(poll, 2000); });
  }
  overlay(state.problems);
  poll();
})();"""


def inject(page: bytes, state: dict) -> bytes:
    """The page with the live-reload client (and the overlay, when the last build failed)."""
    data = json.dumps(state).replace("<", "\\u003c")
    script = CLIENT % {"state": data, "style": json.dumps(OVERLAY_STYLE), "poll": POLL_PATH}
    tag = f'<script data-glossator-live="1">{script}</script>'
    if state["problems"]:
        shown = html.escape("\n".join(state["problems"]))
        tag = (f'<pre id="glossator-overlay" role="alert" style="{OVERLAY_STYLE}">Glossator: '
               f"the last edit does not build (showing the last good build)\n\n{shown}</pre>"
               + tag)
    text = page.decode("utf-8", errors="replace")
    at = text.rfind("</body>")
    text = text[:at] + tag + text[at:] if at != -1 else text + tag
    return text.encode("utf-8")


# Watching and serving ------------------------------------------------------------------------

WATCHED = ("sources", "annotations", "theme", "site_config.yaml")


def is_watched(root: Path, path: str) -> bool:
    try:
        rel = Path(path).resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return bool(rel.parts) and rel.parts[0] in WATCHED
