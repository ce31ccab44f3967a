"""Cold builds of Glossator commits and of a peer, alternated in the same minutes.

    python3 bench/alternate.py --size 1000 --rounds 5 \\
        --glossator bench/snapshots/33bda87 --glossator bench/snapshots/53b8938
    python3 bench/alternate.py --size 5000 --rounds 2 --glossator bench/snapshots/53b8938

On a shared machine the speed drifts (by a third within half an hour, seen here), so a full
``run.py`` is a poor judge of a change of a few per cent, or of a ratio to a peer whose builds
ran minutes apart. This script builds each Glossator given (``--glossator``, repeatable: clean
snapshots from ``bench/snapshot.sh``) and the peer (``--peer``, default MkDocs) one right after
the other, the order rotating each round, each cold as ``run.py`` makes it (the last output
moved aside, files flushed to disk before the build; ``run.py``'s ``Tool`` and
``proctree.measure``). It prints each build's wall and CPU time and the peak RSS of its
process tree, then per build its median, and each Glossator's ratio to the peer: of the
medians, and the median of the per-round ratios. Nothing is written but the corpus
(``make_corpus.py``, if missing) and ``bench/trash/`` (deleted at the end); with ``--in
DIR``, a copy of the corpus and its trash in DIR (deleted at the end).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

import run
from proctree import measure


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1000, help="documents (1000)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds (5)")
    parser.add_argument("--glossator", type=Path, action="append", required=True,
                        metavar="DIR", help="a folder with .venv/bin/glossator (repeatable)")
    parser.add_argument("--peer", default="mkdocs", choices=run.PEERS + ["none"],
                        help="the peer built in each round (mkdocs)")
    parser.add_argument("--jobs", type=int, help="passed to `glossator build --jobs`")
    parser.add_argument("--timeout", type=float, default=600.0)
    parser.add_argument("--in", dest="place", type=Path, metavar="DIR",
                        help="build a copy of the corpus made in DIR, deleted at the end: "
                             "on a tmpfs (/dev/shm), the disk's file creation, whose cost "
                             "varies with what was deleted in the last minutes, is left out")
    return parser.parse_args(argv)


def copied(corpus: Path, place: Path) -> Path:
    """A copy of ``corpus``'s inputs in a new folder in ``place`` (no tool's output), with
    the run's trash beside it (``Tool.reset`` moves outputs there: the same filesystem)."""
    folder = Path(tempfile.mkdtemp(prefix=f"glossator-bench-{corpus.name}-", dir=place))
    outputs = {tool.site: set(tool.clean) for tool in run.TOOLS.values()}

    def leave_out(directory: str, names: list[str]) -> set[str]:
        here = Path(directory)
        return (outputs.get(here.name, set()) & set(names)) if here.parent == corpus else set()
    shutil.copytree(corpus, folder / corpus.name, ignore=leave_out)
    run.TRASH = folder / "trash"
    return folder / corpus.name


def builds(args: argparse.Namespace) -> list[tuple[str, run.Tool, argparse.Namespace]]:
    """(label, tool, the arguments its command is made from) of each build of a round."""
    out = []
    for folder in args.glossator:
        folder = folder.resolve()
        label = (folder / "COMMIT").read_text().strip() if (folder / "COMMIT").exists() else (
            folder.name)
        out.append((label, run.TOOLS["glossator"],
                    argparse.Namespace(glossator=folder, jobs=args.jobs)))
    if args.peer != "none":
        out.append((args.peer, run.TOOLS[args.peer],  # (its command ignores these)
                    argparse.Namespace(glossator=run.REPO, jobs=None)))
    return out


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    corpus = run.make_corpus(args.size)
    if args.place is not None:
        corpus = copied(corpus, args.place)
    order = builds(args)
    walls: dict[str, list[float]] = {label: [] for label, _, _ in order}
    shutil.rmtree(run.TRASH, ignore_errors=True)
    try:
        with tempfile.TemporaryDirectory() as logs:
            for number in range(args.rounds):
                shift = number % len(order)
                for label, tool, tool_args in order[shift:] + order[:shift]:
                    site = corpus / tool.site
                    tool.reset(site)
                    m = measure(tool.command(tool_args), site, timeout=args.timeout,
                                log=Path(logs) / f"{label}-{number}.log")
                    if m.returncode != 0 or m.timed_out:
                        sys.exit(f"{label} failed in round {number + 1}:\n{m.stderr_tail}")
                    walls[label].append(m.wall)
                    print(f"round {number + 1} {label:10} wall {m.wall:7.2f} s, "
                          f"cpu {m.cpu:7.1f} s, peak RSS of the tree "
                          f"{m.peak_rss_main / 2**20:6.0f} MB", flush=True)
    finally:
        shutil.rmtree(run.TRASH, ignore_errors=True)
        if args.place is not None:
            shutil.rmtree(corpus.parent, ignore_errors=True)
    for label, values in walls.items():
        print(f"{label:10} median wall {statistics.median(values):7.2f} s "
              f"({', '.join(f'{v:.2f}' for v in values)})")
    if args.peer != "none":
        peer = walls[args.peer]
        for label, values in walls.items():
            if label == args.peer:
                continue
            per_round = [g / p for g, p in zip(values, peer)]
            of_medians = statistics.median(values) / statistics.median(peer)
            print(f"{label} / {args.peer}: {of_medians:.2f} (medians); per round "
                  f"{', '.join(f'{r:.2f}' for r in per_round)}, median "
                  f"{statistics.median(per_round):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
