"""How long the live preview takes to show an edit (the `serve` issue's benchmark).

On a generated site (default: the 1,000-document corpus of ``bench/make_corpus.py``), this
runs the preview's own machinery in-process — the watchdog observer (native, not polling),
the debounced rebuild loop, the background search indexer — without the HTTP server, then
saves one annotation file at a time (changing one note's text) and measures:

* **rebuild → reload**: from the start of the debounced rebuild to the reload notification
  (``LiveState.succeeded``), the issue's measure; target under 100 ms median;
* **save → reload**: from the file save to the notification (adds the file event's delivery
  and the debounce window).

Usage: ``.venv/bin/python bench/rebuild_latency.py [--size 1000] [--edits 15]``. It works on a
copy of the corpus in a temporary folder; the corpus must exist (``make_corpus.py``).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import threading
import time
from pathlib import Path

from glossator.cache import CACHE_DIR
from glossator.pipeline import BuildOptions
from glossator.preview import PreviewBuilds, _Events, _watch
from glossator.serve import DEBOUNCE, BackgroundIndexer, LiveState, Rebuilder
from watchdog.observers import Observer

BENCH = Path(__file__).resolve().parent


class Timed(Rebuilder):
    """The preview's rebuild loop, recording when each rebuild starts."""

    starts: list[float]

    def rebuild(self, paths: frozenset[str] = frozenset()) -> None:
        self.starts.append(time.perf_counter())
        super().rebuild(paths)


def edit(path: Path, n: int) -> None:
    """Change the text of the first note in an annotation file (a different text each time)."""
    text = path.read_text(encoding="utf-8")
    marker = "    note: |\n"
    at = text.index(marker) + len(marker)
    indent = text[at:len(text) - len(text[at:].lstrip(" "))]
    path.write_text(text[:at] + f"{indent}Edit {n}.\n" + text[at:], encoding="utf-8")


def measure(site: Path, edits: int) -> dict[str, list[float]]:
    state, done = LiveState(), threading.Event()
    notified: list[float] = []
    original = state.succeeded

    def succeeded() -> None:
        original()
        notified.append(time.perf_counter())
        done.set()
    state.succeeded = succeeded  # type: ignore[method-assign]
    builds = PreviewBuilds(site, BuildOptions())
    rebuilder = Timed(builds.pages, state, log=lambda _: None,
                      publish_index=builds.publish_index)
    rebuilder.starts = []
    indexer = BackgroundIndexer(builds.make_index, rebuilder.index_ready, log=lambda _: None)
    rebuilder.after_build = indexer.request
    rebuilder.rebuild()  # the first, full build
    stop = threading.Event()
    threading.Thread(target=rebuilder.loop, args=(stop,), daemon=True).start()
    observer = Observer()
    _watch(observer, site, _Events(site, rebuilder))
    observer.start()
    time.sleep(1.0)
    files = sorted((site / "annotations").glob("*.yaml"))
    files = [f for f in files if f.name != "glossary.yaml"]
    saved: list[float] = []
    try:
        for n in range(edits):
            done.clear()
            saved.append(time.perf_counter())
            edit(files[(n * 37) % len(files)], n)
            if not done.wait(timeout=60):
                raise RuntimeError(f"no reload after edit {n}")
            time.sleep(0.5)  # let the background indexer's publication pass
    finally:
        stop.set()
        observer.stop()
        indexer.wait_idle(timeout=600)
    starts = rebuilder.starts[-edits:]
    return {"rebuild_to_reload": [(b - a) * 1000 for a, b in zip(starts, notified[-edits:])],
            "save_to_reload": [(b - a) * 1000 for a, b in zip(saved, notified[-edits:])]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--edits", type=int, default=15)
    args = parser.parse_args()
    corpus = BENCH / "corpus" / str(args.size) / "glossator"
    tmp = Path(tempfile.mkdtemp(prefix="glossator-latency-"))
    site = tmp / "site"
    shutil.copytree(corpus, site, ignore=shutil.ignore_patterns("output", CACHE_DIR))
    try:
        results = measure(site, args.edits)
    finally:  # background deletions and indexing may still be running: do not wait for them
        shutil.rmtree(tmp, ignore_errors=True)
    for name, values in results.items():
        print(f"{name}: median {statistics.median(values):.0f} ms, min {min(values):.0f}, "
              f"max {max(values):.0f} (n={len(values)}; debounce window "
              f"{DEBOUNCE * 1000:.0f} ms)")


if __name__ == "__main__":
    main()
