"""Wiring for ``glossator serve``: the first build, the watcher, the HTTP server.

The logic lives in :mod:`glossator.serve`; this module only connects it to watchdog and to
``http.server`` and runs until interrupted.
"""

from __future__ import annotations

import socket
import sys
import threading
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from . import search
from .cache import CACHE_DIR
from .errors import BuildFailed
from .live import LiveSite
from .pipeline import BuildOptions, BuildReport, build, output_dir_for
from .serve import WATCHED, BackgroundIndexer, LiveState, PreviewApp, Rebuilder, is_watched


class PreviewBuilds:
    """The builds the preview runs: pages first; the search index after, in the background.

    An edit of one document's text or notes is applied by the quick path
    (:class:`~glossator.live.LiveSite`, from the last full build's state); anything else, or
    the first build, is a full build (which keeps its state for the quick path).
    """

    def __init__(self, root: Path, options: BuildOptions):
        self.root, self.options = root, options
        self.output = output_dir_for(root, options)
        self.last: BuildReport | None = None  # the last good full build
        self.live: LiveSite | None = None
        self.lock = threading.Lock()  # held while files are replaced; requests read under it

    def pages(self, paths: frozenset[str] = frozenset()) -> list[str] | None:
        """Publish the pages after the edits ``paths`` (everything when empty), keeping the
        published search index; the problems, if any (None: the quick path changed no
        published file)."""
        if paths and self.live is not None:
            result = self.live.apply(paths)
            if result is not None:
                return result.problems if result.problems or result.written else None
        return self._run(replace(self.options, search=False, keep_state=True))

    def publish_index(self, files: dict[str, bytes]) -> list[str]:
        """Publish a search index made in the background (nothing else is left to do)."""
        if self.live is not None:
            try:
                self.live.publish_index(files)
                return []
            except OSError as exc:
                self.live.stale = True  # the next edit rebuilds it all
                return [f"cannot write the search index: {exc.strerror or exc}"]
        return self._run(replace(self.options, search_files=files))

    def make_index(self) -> dict[str, bytes]:
        """Pagefind over the published site (run in the indexer's thread)."""
        if self.live is not None:
            records = self.live.state.records()
        else:
            assert self.last is not None and self.last.search_records is not None
            records = self.last.search_records()
        return search.index_output(self.output, records, self.root / CACHE_DIR)

    def _run(self, options: BuildOptions) -> list[str]:
        try:
            report = build(self.root, options)
        except BuildFailed as exc:
            return exc.diagnostics.format().splitlines()
        except OSError as exc:
            return [f"cannot write the output: {exc.strerror or exc}"]
        if report.diagnostics.items:
            print(report.diagnostics.format(), file=sys.stderr)
        self.last = report
        self.live = None if report.state is None else LiveSite(report.state, self.lock)
        if self.live is not None:
            self.live.prepare()
        return []


class _Events(FileSystemEventHandler):
    def __init__(self, root: Path, rebuilder: Rebuilder):
        self.root, self.rebuilder = root, rebuilder

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        paths = [event.src_path, getattr(event, "dest_path", "") or ""]
        if any(p and is_watched(self.root, str(p)) for p in paths):
            self.rebuilder.changed(str(paths[0]))


def _handler(app: PreviewApp) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _answer(self, method: str) -> None:
            response = app.respond(method, self.path, dict(self.headers.items()))
            self.send_response(response.status)
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            if method != "HEAD":
                self.wfile.write(response.body)

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            self._answer("GET")

        def do_HEAD(self) -> None:  # noqa: N802
            self._answer("HEAD")

        def do_POST(self) -> None:  # noqa: N802
            self._answer("POST")

        def log_message(self, format: str, *args: object) -> None:
            pass  # quiet: the terminal shows builds and problems
    return Handler


def _watch(observer: BaseObserver, root: Path, handler: FileSystemEventHandler) -> None:
    """Watch the inputs only: the site folder itself (for site_config.yaml, and folders
    created later), and sources/, annotations/ and theme/ with everything in them. Never
    the output, staging or cache folders, which every build rewrites."""
    observer.schedule(handler, str(root), recursive=False)
    for name in WATCHED:
        if (root / name).is_dir():
            observer.schedule(handler, str(root / name), recursive=True)


class _IPv6Server(ThreadingHTTPServer):
    address_family = socket.AF_INET6


def serve(root: Path, options: BuildOptions, *, port: int, host: str, poll: bool,
          allow_hosts: tuple[str, ...]) -> int:
    if host not in ("127.0.0.1", "localhost", "::1"):
        print(f"warning: serving on {host}: other machines can read this preview",
              file=sys.stderr)
    state = LiveState()
    builds = PreviewBuilds(root, options)
    output = builds.output
    rebuilder = Rebuilder(builds.pages, state, publish_index=builds.publish_index)
    indexer = BackgroundIndexer(builds.make_index, rebuilder.index_ready)
    rebuilder.after_build = indexer.request
    rebuilder.rebuild()
    if state.version == 0:
        print("the first build failed; fix the problems above, the preview starts serving "
              "once the site builds", file=sys.stderr)
    app = PreviewApp(output, state, port=port, host=host, allow_hosts=allow_hosts,
                     lock=builds.lock)
    server_class = _IPv6Server if ":" in host else ThreadingHTTPServer
    server = server_class((host, port), _handler(app))
    server.daemon_threads = True
    observer = PollingObserver() if poll else Observer()
    _watch(observer, root, _Events(root, rebuilder))
    observer.start()
    stop = threading.Event()
    threading.Thread(target=rebuilder.loop, args=(stop,), daemon=True).start()
    shown = f"[{host}]" if ":" in host else host
    print(f"serving {output} at http://{shown}:{server.server_address[1]}/ (Ctrl+C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("stopped")
    finally:
        stop.set()
        observer.stop()
        server.server_close()
        indexer.wait_idle(timeout=60)  # leave no Pagefind process behind
    return 0
