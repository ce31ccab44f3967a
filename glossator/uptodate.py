"""A rebuild with nothing to do, told without the build.

When no input file (sources, annotations, theme, config), no option and not Glossator itself
changed since the last good build, and the published output is as that build left it, a
build has nothing to do: it says so, and shows that build's warnings again. Whether that is
so is decided from the files' stats and the build cache's ``site`` records alone.

The command line asks :func:`nothing_to_do` before it imports the build
(:mod:`glossator.pipeline`): the parser, the citation styles, the templates and the rest
took 0.25–0.39 s to import, a third of such a rebuild at N = 5,000 (docs/performance.md). It
does not even read the config: when the config file is unchanged, the output folder is the
one the last build recorded. The published output's stats, the longest part, are taken
meanwhile in a child process (:mod:`glossator.published`). What it took to tell (the input
files' stats, the last build's record of them, and that check, which a patch build needs
too) it hands to the build, which does not take it again. The build itself asks
:func:`unchanged_record` the same question, after reading the config, for the callers that
go to it directly (the preview).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import inventory as inv
from .builds import BuildOptions, BuildReport, Inputs
from .cache import CACHE_DIR, CACHE_FILE, BuildCache, file_stat, tree_state
from .errors import BuildFailed, Diagnostic, Diagnostics
from .fingerprints import code_version
from .published import PublishedCheck, output_as_left
from .serialize import DAMAGED_RECORD, diagnostic_from_json
from .writer import WriteResult

INPUT_FOLDERS = (inv.SOURCES_DIR, inv.ANNOTATIONS_DIR, inv.THEME_DIR)


def may_have_nothing_to_do(options: BuildOptions) -> bool:
    """Whether a build with these options may stop at once when nothing changed: not a
    ``check`` (it reports on the inputs), nor a preview's build that needs the build's state
    or publishes a search index of its own."""
    return not (options.check_only or options.keep_state or options.search_files is not None)


def input_files(root: Path) -> dict[str, Any]:
    """Every input file's stat by folder, the config's and Glossator's own version: taken
    once, before anything is read (so an edit made during the build is seen by the next),
    by :func:`nothing_to_do` and then handed to the build (``BuildOptions.inputs``), or by
    the build."""
    files: dict[str, Any] = {name: tree_state(root / name) for name in INPUT_FOLDERS}
    return {**files, "config": file_stat(root / inv.CONFIG_FILE), "code": code_version()}


def input_state(files: dict[str, Any], options: BuildOptions,
                output_dir: Path) -> dict[str, Any]:
    """What a build's outputs are made from, as the cache records it: the input ``files``
    (:func:`input_files`) and the options."""
    return {**files, "options": [options.drafts, options.search, str(output_dir)]}


def unchanged_record(cache: BuildCache, recorded: Any, inputs: dict[str, Any],
                     output_dir: Path, check: PublishedCheck | None = None
                     ) -> LastReport | None:
    """The last good build's report (its warnings and counts), when ``inputs`` (an
    :func:`input_state`) are those it ``recorded`` (``cache.site("input_files")``) and its
    published output is as it left it (the answer of ``check``, if started); else None."""
    if recorded != inputs:
        return None
    if not output_as_left(cache, output_dir, check):
        return None
    return report_record(cache)


@dataclass
class LastReport:
    """The last good build's report, as its cache record keeps it."""

    warnings: list[Diagnostic]
    pages: int
    documents: int


def report_record(cache: BuildCache) -> LastReport | None:
    """The last good build's report: its warnings and counts; None when there is no record,
    or it is not of the shape written (a cache edited by hand)."""
    record = cache.site("report")
    if not (isinstance(record, dict) and isinstance(record.get("warnings", []), list)
            and all(isinstance(record.get(count, 0), int) for count in ("pages", "documents"))):
        return None
    try:
        warnings = [diagnostic_from_json(d) for d in record.get("warnings", [])]
    except DAMAGED_RECORD:
        return None
    return LastReport(warnings, record.get("pages", 0), record.get("documents", 0))


def report_again(last: LastReport, diags: Diagnostics, output_dir: Path,
                 result: WriteResult, *, strict: bool) -> BuildReport:
    """The report of a build that published nothing new (or patched a few documents): the
    last good build's warnings again, added to ``diags``, and its counts. Raises
    :class:`BuildFailed` when those warnings stop this build (``strict``)."""
    diags.items.extend(last.warnings)
    if diags.has_errors(strict=strict):
        raise BuildFailed(diags)
    return BuildReport(diags, output_dir, result, pages=last.pages, documents=last.documents)


def nothing_to_do(root: Path,
                  options: BuildOptions) -> tuple[BuildReport | None, Inputs | None]:
    """The report of a build of ``root`` that has nothing to do (None: the build must run,
    and may still find that it has nothing to do, or a patch to make), and what was taken to
    tell, for that build: the input files' stats, the record read and the published
    output's check, still running if it was not needed (None for ``check``, which keeps no
    build cache). The caller closes it (:meth:`Inputs.close`)."""
    if options.check_only:
        return None, None
    cache_file = root / CACHE_DIR / CACHE_FILE
    if not may_have_nothing_to_do(options) or not cache_file.is_file():
        return None, Inputs(input_files(root))
    # the longest part, the published output's stats, is taken meanwhile in a child process
    inputs = Inputs({}, published=PublishedCheck.start(cache_file, options.output))
    try:
        return _nothing_to_do(root, options, inputs), inputs
    except BaseException:
        inputs.close()
        raise


def _nothing_to_do(root: Path, options: BuildOptions, inputs: Inputs) -> BuildReport | None:
    inputs.files = input_files(root)
    cache = BuildCache(root, code_version=code_version())
    try:
        inputs.recorded = last = cache.site("input_files")
        last_options = last.get("options") if isinstance(last, dict) else None
        if not (isinstance(last_options, list) and last_options):
            return None
        # an unchanged config (part of the inputs compared) gives the folder recorded
        output_dir = options.output or Path(str(last_options[-1]))
        record = unchanged_record(cache, last, input_state(inputs.files, options, output_dir),
                                  output_dir, inputs.published)
    finally:
        cache.close()
    if record is None:
        return None
    return report_again(record, Diagnostics(), output_dir, WriteResult(swapped=False),
                        strict=options.strict)
