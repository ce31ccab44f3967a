"""Absolute times of the pathological inputs at the sizes of the reliability issue.

    .venv/bin/python bench/pathological.py            # best of 3 runs each; a Markdown table
    .venv/bin/python bench/pathological.py --runs 1

The inputs are those of ``tests/test_pathological.py`` (``tests/pathological_inputs.py``), which
asserts their growth; this records what they cost, for the table in ``docs/reliability.md``:

- the **document stage** (read and check the source and its notes, render each note, parse,
  anchor, link the glossary, render the body), without the build's constant costs;
- a whole **``glossator check``** (every stage but writing);
- a whole **``glossator build --no-search``** into an empty output folder.

Each time is the best of ``--runs`` (noise only ever adds time).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import pathological_inputs as inputs  # noqa: E402

CASES = [
    ("20,000 quotation marks in one paragraph", inputs.quotation_marks, 20_000),
    ("a table of 4,000 columns", inputs.wide_table, 4_000),
    ("10,000 notes on one document", inputs.many_notes, 10_000),
    ("a 5 MB source", inputs.big_source, 5),
]


def broken_notes(n: int) -> inputs.Files:
    files = inputs.many_notes(n)
    files[inputs.NOTES] = files[inputs.NOTES].replace("reached mark", "passed mark")
    return files


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next((line.split(":", 1)[1].strip() for line in info
                        if line.startswith("model name")), cpu)
    except OSError:
        pass
    return (f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"Machine: {machine()}\n")
    print("| input | size | document stage | `glossator check` | `glossator build --no-search` |")
    print("|---|---:|---:|---:|---:|")
    for label, make, n in CASES:
        files = make(n)
        size = f"{len(files[inputs.SOURCE].encode()) / 1e6:.2f} MB"
        stage = inputs.document_seconds(files, runs=args.runs)
        check = inputs.build_seconds(files, runs=args.runs)
        written = inputs.build_seconds(files, runs=args.runs, check_only=False, search=False)
        print(f"| {label} | {size} | {stage:.2f} s | {check:.2f} s | {written:.2f} s |",
              flush=True)
    files = broken_notes(10_000)
    stage = inputs.document_seconds(files, runs=args.runs)
    print(f"| 10,000 notes, none found (a failing build) | "
          f"{len(files[inputs.SOURCE].encode()) / 1e6:.2f} MB | {stage:.2f} s | | |")


if __name__ == "__main__":
    main()
