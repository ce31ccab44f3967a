"""Warm rebuilds of Glossator commits, alternated in the same minutes.

    python3 bench/warm_alternate.py --size 5000 --rounds 9 \\
        --glossator bench/snapshots/<a> --glossator bench/snapshots/<b>

``rebuilds.py`` times one Glossator's rebuilds one after another; on a machine whose speed
drifts (by half within an hour, seen here) that cannot tell two commits apart when they
differ by a tenth of a second. This script builds each Glossator given (``--glossator``,
repeatable: snapshots from ``bench/snapshot.sh``) once, cold, on its own copy of the corpus,
then in each round, the order rotating, times for each of them a rebuild with nothing
changed and one after an edit (``--edits``, of ``rebuilds.py``'s; the edit is then undone
and rebuilt, untimed). It prints each round, then per commit and edit the median wall and
CPU time of the process tree (``proctree.measure``). The copies are in a temporary folder,
deleted at the end.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from proctree import Measurement, measure
from rebuilds import EDITS, _restore, _snapshot

BENCH = Path(__file__).resolve().parent


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=5000, help="documents (5000)")
    parser.add_argument("--rounds", type=int, default=9, help="rounds (9)")
    parser.add_argument("--edits", default="nothing,note",
                        help=f"comma-separated, of {','.join(EDITS)} (nothing,note)")
    parser.add_argument("--glossator", type=Path, action="append", required=True,
                        metavar="DIR", help="a folder with .venv/bin/glossator (repeatable)")
    return parser.parse_args(argv)


def label(folder: Path) -> str:
    commit = folder / "COMMIT"
    return commit.read_text().strip() if commit.exists() else folder.name


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    corpus = BENCH / "corpus" / str(args.size) / "glossator"
    if not corpus.is_dir():
        sys.exit(f"{corpus} is missing: run make_corpus.py {args.size} first")
    edits = args.edits.split(",")
    times: dict[tuple[str, str], list[Measurement]] = {}
    with tempfile.TemporaryDirectory(prefix="glossator-warm-") as tmp:
        log = Path(tmp) / "log"
        builds = []
        for folder in args.glossator:
            site = Path(tmp) / label(folder)
            shutil.copytree(corpus, site, ignore=shutil.ignore_patterns("output", ".glossator-*"))
            cmd = [str(folder.resolve() / ".venv" / "bin" / "glossator"), "build", "--no-search"]
            cold = measure(cmd, site, timeout=1200, log=log)
            if cold.returncode:
                sys.exit(f"{label(folder)}: the cold build failed:\n{cold.stderr_tail}")
            print(f"{label(folder)}: cold build {cold.wall:.1f} s", flush=True)
            builds.append((label(folder), cmd, site, _snapshot(site)))
        for number in range(args.rounds):
            shift = number % len(builds)
            for name, cmd, site, saved in builds[shift:] + builds[:shift]:
                for edit_name in edits:
                    edit = EDITS[edit_name][1]
                    if edit is not None:
                        edit(site)
                    run = measure(cmd, site, timeout=1200, log=log)
                    if run.returncode:
                        sys.exit(f"{name}, {edit_name}: the rebuild failed:\n{run.stderr_tail}")
                    times.setdefault((name, edit_name), []).append(run)
                    _restore(saved)
                    if edit is not None:
                        measure(cmd, site, timeout=1200, log=log)  # back to the published state
            print(f"round {number + 1}: " + ", ".join(
                f"{name} {edit} {runs[-1].wall:.2f} s" for (name, edit), runs in times.items()),
                flush=True)
    for (name, edit), runs in times.items():
        walls = [m.wall for m in runs]
        print(f"{name} {edit:8} median wall {statistics.median(walls):.3f} s "
              f"(min {min(walls):.2f}, max {max(walls):.2f}), "
              f"CPU {statistics.median(m.cpu for m in runs):.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
