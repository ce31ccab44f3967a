"""Time Glossator's citation step alone: milliseconds per document, cold, in one process.

    bench/snapshots/<commit>/.venv/bin/python bench/citations.py bench/corpus/1000/glossator
    .venv/bin/python bench/citations.py bench/corpus/1000/glossator   # the working tree

Loads the site, parses the configured CSL styles once (timed apart), then renders every
document's citation block (its CSL-JSON item in each style) once, as a cold build does, and
prints the median and mean milliseconds per document. The target is under 10 ms.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from glossator.citations import CitationRenderer, csl_item
from glossator.errors import Diagnostics
from glossator.site import load_site


def main(argv: list[str]) -> int:
    root = Path(argv[0] if argv else ".").resolve()
    site = load_site(root, Diagnostics())
    if site is None:
        sys.exit(f"no site in {root}")
    start = time.perf_counter()
    renderer = CitationRenderer(site.config.citation_styles)
    setup = time.perf_counter() - start
    times = []
    for source in site.sources:
        item = csl_item(source, site_title=site.config.title,
                        page_url=f"{site.config.base_url}{source.slug}/",
                        editors=site.config.editors)
        start = time.perf_counter()
        renderer.render(item)
        times.append(time.perf_counter() - start)
    print(f"{len(times)} documents, {len(renderer.styles)} styles: style set-up "
          f"{setup * 1000:.0f} ms; per document median {statistics.median(times) * 1000:.2f} ms, "
          f"mean {statistics.mean(times) * 1000:.2f} ms, total {sum(times):.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
