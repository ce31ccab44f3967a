"""What a build is asked to do (:class:`BuildOptions`) and what it reports
(:class:`BuildReport`): plain data, importable without the build itself (the command line
reads both before it knows whether the build has anything to do, :mod:`glossator.uptodate`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from .errors import Diagnostics
from .writer import WriteResult

if TYPE_CHECKING:
    from .live import SiteState
    from .published import PublishedCheck


@dataclass
class BuildOptions:
    output: Path | None = None  # overrides the config's output_dir
    drafts: bool = False
    strict: bool = False
    check_only: bool = False
    search: bool = True  # run Pagefind (without it, a published index is kept as it is)
    jobs: int = 0  # worker processes; 0: one per available core
    # a search index made beforehand (by ``serve``, in the background) to publish as it is
    search_files: dict[str, bytes] | None = None
    # hand the build's state to the live preview's quick path (``BuildReport.state``); the
    # build then runs even when nothing changed, to have a state to hand over
    keep_state: bool = False
    # what the command line took just before this build (``uptodate.nothing_to_do``), so
    # that the build does not take it again (for one build only: a later build takes its
    # own); None: the build takes it itself
    inputs: Inputs | None = None


@dataclass
class Inputs:
    """The input files' stats (``uptodate.input_files``), taken before anything was read,
    the last good build's record of them as it was read then (None: not read), and the
    check of the published output started then in a child process (None: not started)."""

    files: dict[str, Any]
    recorded: Any = None
    published: PublishedCheck | None = None

    def close(self) -> None:
        """Stop the published output's check, if it runs (its answer is not needed)."""
        if self.published is not None:
            self.published.close()


@dataclass
class BuildReport:
    diagnostics: Diagnostics
    output_dir: Path | None = None
    result: WriteResult | None = None
    pages: int = 0
    documents: int = 0
    rendered: int = 0  # documents rendered (the others came from the cache)
    outputs: dict[str, bytes] = field(default_factory=dict)  # ``check`` only: what it made
    search_records: Callable[[], dict[str, str]] | None = None  # for an index made later
    state: SiteState | None = None  # with ``keep_state``: what the live preview reuses
    patched: bool = False  # a few documents' files replaced in place (glossator.patch)
