"""Run the fuzz harness of ``tests/test_fuzz.py`` for longer than CI does.

    .venv/bin/python bench/fuzz.py                          # 2,000 random sites
    GLOSSATOR_FUZZ_EXAMPLES=20000 .venv/bin/python bench/fuzz.py

Each example is a random one-document site built with ``glossator.pipeline.build``; the only
acceptable outcomes are a good build or located diagnostics with the published output
untouched (see the test module). A failure prints the site that caused it and Hypothesis's
smallest version of it: make it a case in ``tests/invalid/`` (or an entry of
``REGRESSIONS`` in the test module), then fix the product.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import test_fuzz  # noqa: E402


BATCH = 500  # examples per Hypothesis run: its memory grows with the examples of a run


def main() -> int:
    examples = int(os.environ.get("GLOSSATOR_FUZZ_EXAMPLES", "2000"))
    started = time.perf_counter()
    built = failed = 0
    for done in range(0, examples, BATCH):
        state = test_fuzz.fuzz(min(BATCH, examples - done))
        built, failed = built + state.get("built", 0), failed + state.get("failed", 0)
        print(f"{done + min(BATCH, examples - done)} sites, {time.perf_counter() - started:.0f} s",
              flush=True)
    print(f"{examples} random sites in {time.perf_counter() - started:.0f} s: {built} built, "
          f"{failed} failed with located problems, no crash")
    return 0


if __name__ == "__main__":
    sys.exit(main())
