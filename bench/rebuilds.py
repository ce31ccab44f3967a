"""Warm rebuilds: what one kind of edit costs once the site has been built.

On a copy of the generated corpus (``make_corpus.py N``), this makes one cold
``glossator build --no-search``, then for each kind of edit below, ``--runs`` times: apply the
edit, rebuild (timed, process tree measured as in ``run.py``), undo the edit, rebuild again
(untimed, so every timed rebuild starts from the same published state). It reports the median
wall time, CPU time, peak RSS and how many files the build wrote.

Edits: nothing; the text of one note; one word of one source; the definition of one glossary
term; the document template (an HTML comment added to every document page, through the site's
``theme/``); the stylesheet (a rule added through ``theme/``).

Usage: ``python3 bench/rebuilds.py [--size 1000] [--runs 3] [--edits note,template]
[--glossator DIR]``.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from proctree import Measurement, measure
from run import edit_one_note

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
THEME = REPO / "glossator" / "theme"


def _replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    if old not in text:
        raise SystemExit(f"{path}: {old!r} not found")
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def edit_source(site: Path) -> None:
    path = min((site / "sources").glob("doc-*.md"))
    body = path.read_text(encoding="utf-8").split("\n---\n", 1)[1]
    word = re.search(r"\b[a-z]{6,}\b", body).group()  # a plain word of the text
    _replace_once(path, f" {word} ", f" {word} indeed ")


def edit_glossary(site: Path) -> None:
    _replace_once(site / "annotations" / "glossary.yaml", "    definition: |\n",
                  "    definition: |\n      Revised for the benchmark.\n")


def edit_template(site: Path) -> None:
    target = site / "theme" / "templates" / "document.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    text = (THEME / "templates" / "document.html").read_text(encoding="utf-8")
    block = "{% block main %}\n"
    assert block in text, "the document template has no main block"
    target.write_text(text.replace(block, block + "<!-- revised for the benchmark -->\n", 1),
                      encoding="utf-8")


def edit_stylesheet(site: Path) -> None:
    target = site / "theme" / "static" / "style.css"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text((THEME / "static" / "style.css").read_text(encoding="utf-8")
                      + "\n/* revised for the benchmark */ .revised { color: inherit; }\n",
                      encoding="utf-8")


EDITS: dict[str, tuple[str, Callable[[Path], object] | None]] = {
    "nothing": ("nothing changed", None),
    "note": ("one note's text", edit_one_note),  # the edit run.py times
    "source": ("one word of one source", edit_source),
    "glossary": ("one glossary definition", edit_glossary),
    "template": ("the document template", edit_template),
    "stylesheet": ("the stylesheet", edit_stylesheet),
}


def _snapshot(site: Path) -> dict[Path, bytes | None]:
    """The files an edit may touch, to restore them byte for byte."""
    paths = [*site.glob("annotations/*.yaml"), *site.glob("sources/*.md"),
             site / "theme" / "templates" / "document.html",
             site / "theme" / "static" / "style.css"]
    return {p: (p.read_bytes() if p.exists() else None) for p in paths}


def _restore(saved: dict[Path, bytes | None]) -> None:
    for path, data in saved.items():
        if data is None:
            path.unlink(missing_ok=True)
        elif not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)


def _written(m: Measurement) -> str:
    found = re.search(r"\((\d+) file\(s\) written, (\d+) removed\)", m.stderr_tail)
    return found.group(1) if found else ("0" if "nothing changed" in m.stderr_tail else "?")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--edits", default=",".join(EDITS),
                        help=f"comma-separated, of {','.join(EDITS)} (default: all)")
    parser.add_argument("--glossator", type=Path, default=REPO,
                        help="a folder with .venv/bin/glossator (default: the working tree)")
    args = parser.parse_args()
    corpus = BENCH / "corpus" / str(args.size) / "glossator"
    if not corpus.is_dir():
        sys.exit(f"{corpus} is missing: run make_corpus.py {args.size} first")
    cmd = [str(args.glossator.resolve() / ".venv" / "bin" / "glossator"), "build", "--no-search"]
    with tempfile.TemporaryDirectory(prefix="glossator-rebuilds-") as tmp:
        site = Path(tmp) / "site"
        shutil.copytree(corpus, site, ignore=shutil.ignore_patterns("output", ".glossator-*"))
        log = Path(tmp) / "log"
        cold = measure(cmd, site, timeout=1200, log=log)
        if cold.returncode:
            sys.exit(f"the cold build failed:\n{cold.stderr_tail}")
        print(f"N = {args.size}: cold build {cold.wall:.2f} s", flush=True)
        print("| edit | runs | median wall (s) | CPU (s) | peak RSS, tree (MB) | files written |")
        print("|---|---:|---:|---:|---:|---:|")
        saved = _snapshot(site)
        for label, edit in (EDITS[name] for name in args.edits.split(",")):
            runs: list[Measurement] = []
            for _ in range(args.runs):
                if edit is not None:
                    edit(site)
                runs.append(measure(cmd, site, timeout=1200, log=log))
                if runs[-1].returncode:
                    sys.exit(f"the rebuild after changing {label} failed:\n"
                             f"{runs[-1].stderr_tail}")
                _restore(saved)
                if edit is not None:
                    measure(cmd, site, timeout=1200, log=log)  # back to the published state
            print(f"| {label} | {len(runs)} | {statistics.median(m.wall for m in runs):.2f} | "
                  f"{statistics.median(m.cpu for m in runs):.2f} | "
                  f"{statistics.median(m.peak_rss for m in runs) / 2**20:.0f} | "
                  f"{_written(runs[len(runs) // 2])} |", flush=True)


if __name__ == "__main__":
    main()
