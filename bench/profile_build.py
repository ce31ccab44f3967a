"""Where a cold build spends its time: per stage, and per library by self time.

Runs ``glossator build --no-search --jobs 1`` in this process on a copy of a generated corpus
(``make_corpus.py N``), under cProfile, and prints

* the wall time of each stage of the pipeline (``_Build._load``, ``_render`` …), unprofiled
  in a first build, and
* the profiled self time grouped by where the code lives (citeproc-py, markdown-it-py,
  Jinja2, PyYAML, Pygments, each Glossator module, the standard library), with the functions
  that take the most.

Usage: ``.venv/bin/python bench/profile_build.py [--size 200] [--top 25]``.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import pstats
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from glossator.pipeline import BuildOptions, _Build, build

BENCH = Path(__file__).resolve().parent
STAGES = ["_load", "_check_across_documents", "_render", "_listings", "_commit", "_save_cache"]


def timed_stages() -> dict[str, float]:
    """Wrap the pipeline's stages to add up their wall time."""
    spent: dict[str, float] = defaultdict(float)
    for name in STAGES:
        original = getattr(_Build, name)

        @functools.wraps(original)
        def wrapper(*args, _original=original, _name=name, **kwargs):
            start = time.perf_counter()
            try:
                return _original(*args, **kwargs)
            finally:
                spent[_name] += time.perf_counter() - start
        setattr(_Build, name, wrapper)
    return spent


def owner(filename: str) -> str:
    """Which library (or Glossator module) a code file belongs to."""
    for marker, name in (("citeproc", "citeproc-py"), ("markdown_it", "markdown-it-py"),
                         ("mdit_py_plugins", "mdit-py-plugins"), ("jinja2", "Jinja2"),
                         ("markupsafe", "Jinja2"), ("yaml", "PyYAML"), ("pygments", "Pygments"),
                         ("lxml", "lxml")):
        if f"/{marker}/" in filename:
            return name
    if "/glossator/" in filename:
        return "glossator/" + filename.rsplit("/glossator/", 1)[1]
    return "Python (standard library, built-ins)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=200,
                        help="documents: the first N of the 1,000-document corpus (200)")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--dump", type=Path, help="also save the profile there (for pstats)")
    args = parser.parse_args()
    corpus = BENCH / "corpus" / "1000" / "glossator"
    if not corpus.is_dir():
        sys.exit(f"{corpus} is missing: run make_corpus.py 1000 first")
    with tempfile.TemporaryDirectory(prefix="glossator-profile-") as tmp:
        site = Path(tmp) / "site"
        shutil.copytree(corpus, site, ignore=shutil.ignore_patterns("output", ".glossator-*"))
        for path in sorted((site / "sources").glob("doc-*.md"))[args.size:]:
            path.unlink()
            (site / "annotations" / f"{path.stem}.yaml").unlink(missing_ok=True)
        options = BuildOptions(search=False, jobs=1)
        spent = timed_stages()
        start = time.perf_counter()
        build(site, options)
        total = time.perf_counter() - start
        print(f"cold build of {args.size} documents, one process: {total:.2f} s "
              f"({1000 * total / args.size:.1f} ms per document)")
        for name in STAGES:
            print(f"  {name.strip('_'):26} {spent[name]:7.2f} s")
        shutil.rmtree(site / "output")
        shutil.rmtree(site / ".glossator-cache")
        profile = cProfile.Profile()
        profile.runcall(build, site, options)
    stats = pstats.Stats(profile)
    if args.dump:
        stats.dump_stats(args.dump)
    by_owner: dict[str, float] = defaultdict(float)
    rows = []
    for (filename, line, func), (_, _, self_time, _, _) in stats.stats.items():
        by_owner[owner(filename)] += self_time
        rows.append((self_time, f"{owner(filename)}: {func} (line {line})"))
    profiled = sum(by_owner.values())
    print(f"\nself time under cProfile ({profiled:.1f} s in all), by owner:")
    for name, seconds in sorted(by_owner.items(), key=lambda kv: -kv[1])[:args.top]:
        print(f"  {100 * seconds / profiled:5.1f} %  {seconds:6.2f} s  {name}")
    print("\nfunctions with the most self time:")
    for seconds, name in sorted(rows, reverse=True)[:args.top]:
        print(f"  {100 * seconds / profiled:5.1f} %  {seconds:6.2f} s  {name}")


if __name__ == "__main__":
    main()
