"""Whole builds of the fixture site: incremental output, atomic failure, drafts, ``check``.

Faults are injected where the writer touches the filesystem (``glossator.writer``'s
``_write_file``, ``_link``, ``_rename``, ``_exchange``, or ``builtins.open`` once writing has
started): CI runs as root, so permissions cannot be taken away with chmod.
"""

from __future__ import annotations

import builtins
import errno
import gc
import operator
import os
import time
import weakref
from pathlib import Path
from typing import Callable

import pytest

from conftest import STAGING, Run, snapshot, tree_bytes
from glossator import pipeline, workers, writer
from glossator.errors import BuildFailed
from glossator.pipeline import BuildOptions, build, survivors_frozen

DRAFT = "notes-toward-a-history/index.html"


def built(make_site: Callable[..., Path], glossator: Callable[..., Run], *args: str) -> Path:
    site = make_site("basic")
    result = glossator("build", "--no-search", *args, site)
    assert (result.code, result.err) == (0, ""), result.err
    return site


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def assert_no_leftovers(site: Path) -> None:
    assert not (site / STAGING).exists()
    assert not (site / writer.OLD_NAME).exists()


# --- incremental builds -----------------------------------------------------------------

def test_a_second_build_with_nothing_changed_touches_nothing(
        make_site: Callable[..., Path], glossator: Callable[..., Run]) -> None:
    site = built(make_site, glossator)
    before = snapshot(site / "output")
    result = glossator("build", "--no-search", site)
    assert result.code == 0
    assert result.out.startswith("nothing changed in ")
    assert snapshot(site / "output") == before  # bytes, inodes, mtimes; the folder's too
    assert_no_leftovers(site)


def test_a_new_title_rewrites_the_pages_showing_it_and_links_the_rest(
        make_site: Callable[..., Path], glossator: Callable[..., Run]) -> None:
    site = built(make_site, glossator)
    before = snapshot(site / "output")
    edit(site / "sources" / "letter-on-the-bells.md", "title: Letter on the Ringing of Bells",
         "title: Letter on the Tolling of Bells")

    result = glossator("build", "--no-search", site)

    assert result.code == 0
    after = snapshot(site / "output")
    assert sorted(after) == sorted(before)
    files = {rel for rel, (data, _, _) in after.items() if data is not None}
    rewritten = {rel for rel in files if after[rel][1] != before[rel][1]}
    assert rewritten == {
        "letter-on-the-bells/index.html",     # the page itself
        "index.html",                         # the list of documents
        "tags/correspondence/index.html",     # its tags' pages
        "tags/public-works/index.html",
        "glossary/index.html",                # "Appears in" of lamplighter
        "ode-to-the-beacon/index.html",       # its "Earlier" link
        "letter-on-the-bells/citation.json",  # its citation downloads
        "letter-on-the-bells/citation.bib",
        "letter-on-the-bells/citation.ris",
        "letter-on-the-bells/annotations.jsonld",  # the collection's label
        "feed.xml",                           # the entry's title
        "notes/index.html",                   # the all-notes page's heading for it
    }
    for rel in rewritten:
        assert after[rel][0] != before[rel][0]
        assert "Tolling" in after[rel][0].decode()
    for rel in files - rewritten:
        assert after[rel] == before[rel], rel  # hard-linked: same bytes, inode and mtime
    assert f"({len(rewritten)} file(s) written, 0 removed)" in result.out
    assert_no_leftovers(site)


def test_a_removed_source_removes_its_page(make_site: Callable[..., Path],
                                           glossator: Callable[..., Run]) -> None:
    site = built(make_site, glossator)
    (site / "sources" / "ode-to-the-beacon.md").unlink()
    (site / "annotations" / "ode-to-the-beacon.yaml").unlink()
    result = glossator("build", "--no-search", site)
    assert result.code == 0
    files = tree_bytes(site / "output")
    assert "ode-to-the-beacon/index.html" not in files
    assert "tags/verse/index.html" not in files  # its only document is gone
    assert not (site / "output" / "ode-to-the-beacon").exists()


def test_output_option_writes_elsewhere(make_site: Callable[..., Path], tmp_path: Path,
                                        glossator: Callable[..., Run]) -> None:
    site = make_site("basic")
    result = glossator("build", "--no-search", "--output", tmp_path / "public", site)
    assert result.code == 0
    assert (tmp_path / "public" / "index.html").is_file()
    assert not (site / "output").exists()


# --- failures leave the published output alone ------------------------------------------

def _error(code: int, path: object = "output") -> OSError:
    return OSError(code, os.strerror(code), str(path))


def _fail_write(monkeypatch: pytest.MonkeyPatch, after: int = 0) -> None:
    """Writing a file fails with ENOSPC once ``after`` files have been written."""
    calls = []

    def fake(path: Path, data: bytes) -> None:
        calls.append(path)
        if len(calls) > after:
            raise _error(errno.ENOSPC, path)
        real(path, data)
    real = writer._write_file
    monkeypatch.setattr(writer, "_write_file", fake)


def _fail_link(monkeypatch: pytest.MonkeyPatch) -> None:
    def fake(src: Path, dst: Path) -> None:
        raise _error(errno.EACCES, dst)
    monkeypatch.setattr(writer, "_link", fake)


def _fail_exchange(monkeypatch: pytest.MonkeyPatch) -> None:
    def fake(a: Path, b: Path) -> None:
        raise _error(errno.EACCES, a)
    monkeypatch.setattr(writer, "_exchange", fake)


def _fail_second_rename(monkeypatch: pytest.MonkeyPatch) -> None:
    """No RENAME_EXCHANGE here: output -> old succeeds, staging -> output fails."""
    def no_exchange(a: Path, b: Path) -> None:
        raise _error(errno.ENOSYS, a)

    def rename(src: Path, dst: Path) -> None:
        if Path(src).name == STAGING:
            raise _error(errno.ENOSPC, dst)
        real(src, dst)
    real = writer._rename
    monkeypatch.setattr(writer, "_exchange", no_exchange)
    monkeypatch.setattr(writer, "_rename", rename)


def _fail_open(monkeypatch: pytest.MonkeyPatch) -> None:
    """``open`` refuses every file in the staging folder (reading the inputs still works)."""
    real = builtins.open

    def fake(file, *args, **kwargs):
        if isinstance(file, (str, os.PathLike)) and STAGING in Path(file).parts:
            raise _error(errno.EACCES, file)
        return real(file, *args, **kwargs)
    monkeypatch.setattr(builtins, "open", fake)


FAULTS = {
    "write-enospc": (_fail_write, "No space left on device"),
    "link-eacces": (_fail_link, "Permission denied"),
    "exchange-eacces": (_fail_exchange, "Permission denied"),
    "rename-enospc-restores": (_fail_second_rename, "No space left on device"),
    "open-eacces": (_fail_open, "Permission denied"),
}


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_a_write_failure_leaves_the_output_as_it_was(
        fault: str, make_site: Callable[..., Path], glossator: Callable[..., Run],
        monkeypatch: pytest.MonkeyPatch) -> None:
    inject, reason = FAULTS[fault]
    site = built(make_site, glossator)
    before = snapshot(site / "output")
    edit(site / "sources" / "letter-on-the-bells.md", "Sir,", "Dear Sir,")
    # and its front matter: a full build, which swaps a whole new tree in (a failure while
    # patching a few files in place is tested in test_patch.py)
    edit(site / "sources" / "letter-on-the-bells.md", "Three parish clerks", "Three clerks")
    inject(monkeypatch)

    result = glossator("build", "--no-search", site)

    monkeypatch.undo()
    assert result.code == 3
    assert result.err.startswith(f"glossator: error: cannot write the output: {reason} (")
    assert result.err.rstrip().endswith("the published output was not changed")
    assert "Traceback" not in result.err
    assert snapshot(site / "output") == before
    assert_no_leftovers(site)
    assert glossator("build", "--no-search", site).code == 0  # and the next build works
    assert "Dear Sir," in (site / "output" / "letter-on-the-bells" / "index.html").read_text()


def test_a_first_build_that_fails_to_write_creates_no_output(
        make_site: Callable[..., Path], glossator: Callable[..., Run],
        monkeypatch: pytest.MonkeyPatch) -> None:
    site = make_site("basic")
    _fail_write(monkeypatch, after=3)  # mid-way through staging
    result = glossator("build", "--no-search", site)
    assert result.code == 3
    assert not (site / "output").exists()
    assert_no_leftovers(site)


def test_input_errors_leave_the_output_as_it_was(make_site: Callable[..., Path],
                                                 glossator: Callable[..., Run]) -> None:
    site = built(make_site, glossator)
    before = snapshot(site / "output")
    edit(site / "annotations" / "letter-on-the-bells.yaml", "quote: rung at dusk",
         "quote: rung at noon")
    result = glossator("build", "--no-search", site)
    assert result.code == 1
    assert "annotations/letter-on-the-bells.yaml:3:12: error: quote \"rung at noon\" not " \
           "found in sources/letter-on-the-bells.md" in result.err
    assert snapshot(site / "output") == before
    assert_no_leftovers(site)


# --- drafts ----------------------------------------------------------------------------

def test_drafts_are_published_only_with_the_drafts_option(
        make_site: Callable[..., Path], glossator: Callable[..., Run]) -> None:
    site = built(make_site, glossator)
    assert not (site / "output" / DRAFT).exists()

    result = glossator("build", "--no-search", "--drafts", site)

    assert result.code == 0
    output = site / "output"
    page = (output / DRAFT).read_text(encoding="utf-8")
    assert "<h1>Notes toward a History of the Écluse</h1>" in page
    assert (output / "tags" / "drafts-only" / "index.html").is_file()
    assert '<a href="../notes-toward-a-history/index.html">' in (
        output / "glossary" / "index.html").read_text(encoding="utf-8")
    assert "notes-toward-a-history/index.html" in (output / "index.html").read_text()


@pytest.mark.parametrize(("file", "old", "new", "message"), [
    ("sources/notes-toward-a-history.md", "date: 1901", "date: 1901-13",
     "sources/notes-toward-a-history.md:3:7: error: date: invalid date '1901-13': "
     "there is no month 13"),
    ("sources/notes-toward-a-history.md", "rebuilt twice", "rebuilt [twice](javascript:x)",
     "sources/notes-toward-a-history.md:11:32: error: unsafe link address: javascript: URLs "
     "are not allowed"),
])
def test_an_error_in_a_draft_fails_the_build(
        file: str, old: str, new: str, message: str, make_site: Callable[..., Path],
        glossator: Callable[..., Run]) -> None:
    site = built(make_site, glossator)
    before = snapshot(site / "output")
    edit(site / file, old, new)
    result = glossator("build", "--no-search", site)
    assert result.code == 1
    assert result.err.splitlines()[0] == message
    assert snapshot(site / "output") == before


def test_a_note_on_a_draft_is_anchored_too(make_site: Callable[..., Path],
                                           glossator: Callable[..., Run]) -> None:
    site = built(make_site, glossator)
    (site / "annotations" / "notes-toward-a-history.yaml").write_text(
        "notes:\n  - quote: rebuilt three times\n    note: A misquote.\n", encoding="utf-8")
    result = glossator("build", "--no-search", site)
    assert result.code == 1
    assert result.err.startswith(
        "annotations/notes-toward-a-history.yaml:2:12: error: quote \"rebuilt three times\" "
        "not found in sources/notes-toward-a-history.md\n")


# --- check -----------------------------------------------------------------------------

def test_check_validates_and_writes_nothing(make_site: Callable[..., Path],
                                            glossator: Callable[..., Run]) -> None:
    site = make_site("basic")
    inputs = snapshot(site)
    result = glossator("check", site)
    assert (result.code, result.err) == (0, "")
    assert result.out.startswith("checked ")
    assert snapshot(site) == inputs  # no output folder, no staging, no lock file


def test_check_leaves_an_existing_output_alone(make_site: Callable[..., Path],
                                               glossator: Callable[..., Run]) -> None:
    site = built(make_site, glossator)
    before = snapshot(site / "output")
    edit(site / "sources" / "letter-on-the-bells.md", "Sir,", "Dear Sir,")
    assert glossator("check", site).code == 0
    assert snapshot(site / "output") == before


# --- the garbage collector in the main process ---------------------------------------------------

class _Cycle:
    def __init__(self) -> None:
        self.me = self


def test_objects_that_survive_a_full_collection_are_set_aside_until_the_build_ends() -> None:
    before = gc.get_freeze_count()
    kept = [_Cycle() for _ in range(100)]  # long-lived objects of the build
    with survivors_frozen():
        gc.collect()  # a full collection: its survivors are set aside
        frozen = gc.get_freeze_count()
        assert frozen >= before + len(kept)
        garbage = weakref.ref(kept.pop())  # a cycle that becomes garbage during the build
        gc.collect()
        assert garbage() is not None  # set aside: not collected while the build runs
    assert gc.get_freeze_count() == 0  # everything back in the oldest generation
    gc.collect()
    assert garbage() is None  # and freed once the build is over
    assert not any(getattr(cb, "__name__", "") == "freeze_after_full_collection"
                   for cb in gc.callbacks)


def test_objects_a_host_program_froze_stay_frozen() -> None:
    gc.freeze()  # a program that embeds Glossator froze its own objects before the build
    try:
        theirs = gc.get_freeze_count()
        assert theirs > 0
        kept = [_Cycle() for _ in range(100)]  # long-lived objects of the build
        with survivors_frozen():
            gc.collect()
            # Nothing of the build set aside. The count is not compared for equality: a frozen
            # object whose last reference goes away is freed all the same, and leaves the count.
            assert gc.get_freeze_count() <= theirs < gc.get_freeze_count() + len(kept)
        assert theirs - len(kept) < gc.get_freeze_count() <= theirs  # and theirs not given back
        assert len(kept) == 100
    finally:
        gc.unfreeze()


def test_a_failed_build_also_gives_the_set_aside_objects_back(
        make_site: Callable[..., Path]) -> None:
    site = make_site()
    (site / "sources" / "broken.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    callbacks = list(gc.callbacks)
    with pytest.raises(BuildFailed):
        build(site, BuildOptions(search=False, jobs=1))
    assert gc.get_freeze_count() == 0 and gc.callbacks == callbacks


# --- the process pool ----------------------------------------------------------------------

def sent_to_pool(monkeypatch: pytest.MonkeyPatch) -> list:
    """What the main process hands the pool from now on (tasks, or batches of them)."""
    sent: list = []
    windowed = workers._windowed

    def spy(pool, function, tasks, *, window):
        return windowed(pool, function, (sent.append(t) or t for t in tasks), window=window)
    monkeypatch.setattr(workers, "_windowed", spy)
    return sent


def test_a_body_and_its_notes_go_from_their_files_to_the_render_alone(
        make_site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """The load phase gives the main process each source's front matter; the render task
    reads the body and the notes itself (through the main process, pickled from a worker and
    to another, they cost 1.4-2.1 ms a document)."""
    site = make_site("basic")
    seen: dict[str, tuple[list, list]] = {}
    run_tasks = pipeline.run_tasks

    def spy(function, tasks, **kwargs):
        tasks = list(tasks)
        results = list(run_tasks(function, tasks, **{**kwargs, "count": len(tasks)}))
        seen[function.__name__] = (tasks, results)
        return iter(results)
    monkeypatch.setattr(pipeline, "run_tasks", spy)
    build(site, BuildOptions(search=False))
    loaded = [result.source for result in seen["load_document"][1]]
    assert len(loaded) == 4 and all(source.body == "" for source in loaded)
    renders = seen["render_document"][0]
    assert all(t.reads == "body" and t.source.body == "" and t.annotations is None
               for t in renders)
    assert sorted(t.notes_file for t in renders if t.notes_file) == [
        "annotations/harbour-proclamation.yaml", "annotations/letter-on-the-bells.yaml",
        "annotations/ode-to-the-beacon.yaml"]
    page = (site / "output" / "letter-on-the-bells" / "index.html").read_text("utf-8")
    assert page.count('class="margin-note') > 0 and "rung at dusk" in page


def test_a_document_the_cache_does_not_know_is_hashed_as_its_load_is_taken(
        make_site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """A document the cache does not know is loaded whatever its key, so its files are
    hashed as the pool takes its load, while the workers load the ones before it (a cold
    build hashed all of them before the first load). One the cache knows is hashed first:
    its key says whether it is loaded at all."""
    site = make_site("basic")
    events: list[tuple[str, str]] = []
    input_key, run_tasks = pipeline._Build._input_key, pipeline.run_tasks

    def hashing(self, source_rel, notes_rel, **kwargs):
        events.append(("hash", source_rel))
        return input_key(self, source_rel, notes_rel, **kwargs)

    def taking(function, tasks, **kwargs):
        def taken():
            for task in tasks:
                if function.__name__ == "load_document":
                    events.append(("take", task.source))
                yield task
        return run_tasks(function, taken(), **kwargs)
    monkeypatch.setattr(pipeline._Build, "_input_key", hashing)
    monkeypatch.setattr(pipeline, "run_tasks", taking)
    build(site, BuildOptions(search=False))
    sources = sorted(f"sources/{p.name}" for p in (site / "sources").glob("*.md"))
    assert events == [(kind, rel) for rel in sources for kind in ("hash", "take")]

    events.clear()  # a new document: the others hashed first, then it, as its load is taken
    added = "sources/a-new-letter.md"
    (site / added).write_text((site / sources[1]).read_text("utf-8").replace(
        "title: ", "title: Another ", 1), "utf-8")
    build(site, BuildOptions(search=False))
    assert events == [("hash", rel) for rel in sources] + [("hash", added), ("take", added)]


@pytest.mark.parametrize("batch", [1, 64])
def test_tasks_in_a_pool_give_their_results_in_task_order(
        batch: int, monkeypatch: pytest.MonkeyPatch) -> None:
    sent = sent_to_pool(monkeypatch)
    tasks = iter(range(1000))  # an iterator, taken only as the pool has room
    results = workers.run_tasks(operator.neg, tasks, count=1000, jobs=2, initializer=int,
                                initargs=(), batch=batch)
    assert list(results) == [-n for n in range(1000)]
    if batch == 1:
        assert sent == list(range(1000))
    else:  # in batches, each of the two workers getting several
        assert [n for group in sent for n in group] == list(range(1000))
        assert {len(group) for group in sent[:-1]} == {64} and len(sent) == 16


def test_the_main_process_runs_the_first_tasks_while_the_pool_starts(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """With ``helped``, the main process runs tasks from the first on until the pool's first
    worker runs (here its set-up takes 0.4 s); the pool gets the rest. Each task runs once,
    and the results come in task order."""
    sent = sent_to_pool(monkeypatch)
    tasks = [0.001] * 3000  # 3 s in all: more than the main process has time for
    results = list(workers.run_tasks(time.sleep, iter(tasks), count=len(tasks), jobs=2,
                                     initializer=time.sleep, initargs=(0.4,), helped=True))
    assert results == [None] * len(tasks)
    assert 0 < len(sent) < len(tasks)  # the main process ran the others, the first ones


def test_a_build_loads_with_the_main_process_helping(
        make_site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """The loads are helped (they are short); the renders are not (the workers keep both
    cores busy)."""
    site = make_site("basic")
    asked: dict[str, bool] = {}
    run_tasks = pipeline.run_tasks

    def spy(function, tasks, **kwargs):
        asked[function.__name__] = kwargs.get("helped", False)
        return run_tasks(function, tasks, **kwargs)
    monkeypatch.setattr(pipeline, "run_tasks", spy)
    build(site, BuildOptions(search=False))
    assert asked == {"load_document": True, "render_document": False}


def test_a_worker_sets_its_objects_aside_from_garbage_collection_after_its_set_up() -> None:
    """A worker's objects live as long as the worker: full collections need not scan them.
    The main process's own objects are left as they are, pool or not."""
    frozen = gc.get_freeze_count()
    in_pool = list(workers.run_tasks(operator.call, [gc.get_freeze_count] * 40, jobs=2,
                                     initializer=int, initargs=()))
    assert len(in_pool) == 40 and min(in_pool) > 10_000  # its modules, at least
    serial = list(workers.run_tasks(operator.call, [gc.get_freeze_count] * 3, jobs=1,
                                    initializer=int, initargs=()))
    assert serial == [frozen] * 3 and gc.get_freeze_count() == frozen


def test_a_worker_collects_its_youngest_objects_less_often() -> None:
    """A worker's youngest generation is collected after ``WORKER_GC_THRESHOLD``
    allocations, not Python's 700; the main process keeps its own thresholds."""
    threshold = gc.get_threshold()
    in_pool = list(workers.run_tasks(operator.call, [gc.get_threshold] * 40, jobs=2,
                                     initializer=int, initargs=()))
    assert workers.WORKER_GC_THRESHOLD > threshold[0]
    assert set(in_pool) == {(workers.WORKER_GC_THRESHOLD, *threshold[1:])}
    serial = list(workers.run_tasks(operator.call, [gc.get_threshold] * 3, jobs=1,
                                    initializer=int, initargs=()))
    assert serial == [threshold] * 3 and gc.get_threshold() == threshold


def test_a_batch_is_never_so_large_that_a_worker_goes_without(
        monkeypatch: pytest.MonkeyPatch) -> None:
    sent = sent_to_pool(monkeypatch)
    results = workers.run_tasks(operator.neg, list(range(40)), jobs=2, initializer=int,
                                initargs=(), batch=64)
    assert list(results) == [-n for n in range(40)]
    # 40 tasks, 8 in flight: batches of 5, so that both workers have several
    assert sent == [list(range(n, n + 5)) for n in range(0, 40, 5)]
