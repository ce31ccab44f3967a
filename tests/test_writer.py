"""Tests for the output writer: staging, hard links, atomic swap, lock, refusals, faults."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from glossator import writer
from glossator.writer import (LOCK_NAME, MARKER, OLD_NAME, SPARE_NAME, STAGING_NAME, TRASH_NAME,
                              BuildLocked, OutputCollision, OutputRefused, OutputWriter,
                              WriteResult, WriterError)

FIRST = {"index.html": b"<h1>v1</h1>", "css/site.css": b"body{}", "gone.txt": b"old"}
SECOND = {"index.html": b"<h1>v2</h1>", "css/site.css": b"body{}", "js/new.js": b"1;"}


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    for name in ("sources", "annotations", "theme"):
        (root / name).mkdir(parents=True)
    return root


def build(site: Path, files: dict[str, bytes], output: str | Path = "output") -> WriteResult:
    with OutputWriter(site, Path(output)) as out:
        for rel_path, data in files.items():
            out.write(rel_path, data)
        return out.commit()


def snapshot(root: Path) -> dict[str, tuple[bytes | None, int, int]]:
    """Every entry (and the folder itself, as ''): bytes (None for folders), inode, mtime."""
    info = root.stat()
    found = {"": (None, info.st_ino, info.st_mtime_ns)}
    for path in root.rglob("*"):
        info = path.lstat()
        data = path.read_bytes() if path.is_file() else None
        found[path.relative_to(root).as_posix()] = (data, info.st_ino, info.st_mtime_ns)
    return found


def contents(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def fail_with(code: int, *, when: object = lambda *args: True, real: object = None):
    """A stand-in for a filesystem call that raises OSError(code) when ``when(*args)``."""
    def fake(*args):
        if when(*args):
            raise OSError(code, os.strerror(code), str(args[0]))
        return real(*args)
    return fake


def assert_clean(site: Path) -> None:
    assert not (site / STAGING_NAME).exists()
    assert not (site / OLD_NAME).exists()


# --- building ---

def test_first_build_creates_output_with_marker(site: Path) -> None:
    result = build(site, FIRST)
    assert contents(site / "output") == {**FIRST, MARKER: b""}
    assert result == WriteResult(changed=sorted(FIRST), unchanged=[], removed=[], swapped=True)
    assert (site / LOCK_NAME).exists()  # the lock file stays (git-ignored)
    assert_clean(site)


def test_identical_rebuild_touches_nothing(site: Path) -> None:
    build(site, FIRST)
    before = snapshot(site / "output")
    result = build(site, dict(reversed(FIRST.items())))
    assert snapshot(site / "output") == before  # bytes, inodes and mtimes, folder included
    assert result == WriteResult(changed=[], unchanged=sorted(FIRST), removed=[], swapped=False)
    assert_clean(site)


def test_changed_file_gets_new_inode_unchanged_keep_theirs(site: Path) -> None:
    build(site, FIRST)
    before = snapshot(site / "output")
    result = build(site, SECOND)
    after = snapshot(site / "output")
    assert contents(site / "output") == {**SECOND, MARKER: b""}
    assert after["css/site.css"][1] == before["css/site.css"][1]  # hard-linked
    assert after["css/site.css"][2] == before["css/site.css"][2]
    assert after[MARKER][1] == before[MARKER][1]
    assert after["index.html"][1] != before["index.html"][1]
    assert "gone.txt" not in after
    assert result == WriteResult(changed=["index.html", "js/new.js"], unchanged=["css/site.css"],
                                 removed=["gone.txt"], swapped=True)
    assert_clean(site)


def test_dropping_a_file_alone_swaps(site: Path) -> None:
    build(site, FIRST)
    result = build(site, {"index.html": FIRST["index.html"]})
    assert contents(site / "output") == {"index.html": FIRST["index.html"], MARKER: b""}
    assert not (site / "output" / "css").exists()  # emptied folders go too
    assert result.swapped and result.removed == ["css/site.css", "gone.txt"]


def test_stale_empty_folder_in_output_is_dropped(site: Path) -> None:
    build(site, FIRST)
    (site / "output" / "leftover").mkdir()
    result = build(site, FIRST)
    assert result.swapped and result.changed == [] and result.removed == []
    assert not (site / "output" / "leftover").exists()


def test_missing_marker_in_ours_gets_added(site: Path) -> None:
    (site / "output").mkdir()  # empty folder: accepted, gets the marker
    result = build(site, FIRST)
    assert result.swapped
    assert (site / "output" / MARKER).read_bytes() == b""


def exchange_or_skip(a: Path, b: Path) -> None:
    """Exchange two folders with the real renameat2; skip where this system cannot."""
    try:
        writer._exchange(a, b)
    except OSError as exc:
        if exc.errno in writer._NO_EXCHANGE:
            pytest.skip(f"RENAME_EXCHANGE unsupported here: {exc}")
        raise


def test_exchange_swaps_two_folders(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x").write_bytes(b"x")
    (tmp_path / "b").mkdir()
    exchange_or_skip(tmp_path / "a", tmp_path / "b")
    assert (tmp_path / "b" / "x").read_bytes() == b"x"
    assert list((tmp_path / "a").iterdir()) == []


def test_exchange_reports_errno(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    exchange_or_skip(tmp_path / "a", tmp_path / "a")  # same path: a no-op that succeeds
    with pytest.raises(OSError) as caught:
        writer._exchange(tmp_path / "a", tmp_path / "missing")
    assert caught.value.errno == errno.ENOENT


def test_swap_uses_exchange_not_renames(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (site / "probe-a").mkdir()
    (site / "probe-b").mkdir()
    exchange_or_skip(site / "probe-a", site / "probe-b")
    build(site, FIRST)
    renames: list[tuple[Path, Path]] = []
    real_rename = writer._rename
    monkeypatch.setattr(writer, "_rename",
                        lambda a, b: (renames.append((a, b)), real_rename(a, b)))
    build(site, SECOND)
    # besides the exchange, one rename: the previous output becomes the spare tree (a first
    # build leaves none)
    assert [(a.name, b.name) for a, b in renames] == [(STAGING_NAME, SPARE_NAME)]
    assert contents(site / "output") == {**SECOND, MARKER: b""}
    renames.clear()
    build(site, FIRST)
    # and from then on two: the spare tree becomes staging, the previous output the next spare
    assert [(a.name, b.name) for a, b in renames] == [(SPARE_NAME, STAGING_NAME),
                                                      (STAGING_NAME, SPARE_NAME)]
    assert contents(site / "output") == {**FIRST, MARKER: b""}


def test_exchange_fallback_to_two_renames(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(site, FIRST)
    monkeypatch.setattr(writer, "_exchange", fail_with(errno.ENOSYS))
    renames: list[tuple[str, str]] = []
    real_rename = writer._rename
    def spy(a: Path, b: Path) -> None:
        renames.append((a.name, b.name))
        real_rename(a, b)
    monkeypatch.setattr(writer, "_rename", spy)
    result = build(site, SECOND)
    assert result.swapped
    assert renames == [("output", OLD_NAME), (STAGING_NAME, "output"),
                       (OLD_NAME, SPARE_NAME)]  # the previous output kept as the spare tree
    assert contents(site / "output") == {**SECOND, MARKER: b""}
    assert_clean(site)


def test_output_outside_site_and_nested_missing_parents(site: Path, tmp_path: Path) -> None:
    build(site, FIRST, output=tmp_path / "public" / "html")
    assert contents(tmp_path / "public" / "html") == {**FIRST, MARKER: b""}
    assert not (site / "output").exists()


def test_symlinked_output_keeps_the_link(site: Path, tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (site / "output").symlink_to(tmp_path / "real")
    build(site, FIRST)
    assert (site / "output").is_symlink()
    assert contents(tmp_path / "real") == {**FIRST, MARKER: b""}


@pytest.mark.parametrize("code", [errno.EXDEV, errno.EPERM])
def test_link_impossible_falls_back_to_copy(site: Path, monkeypatch: pytest.MonkeyPatch,
                                            code: int) -> None:
    build(site, FIRST)
    before = snapshot(site / "output")
    monkeypatch.setattr(writer, "_link", fail_with(code))
    result = build(site, SECOND)
    after = snapshot(site / "output")
    assert after["css/site.css"][0] == b"body{}"
    assert after["css/site.css"][1] != before["css/site.css"][1]  # copied, not linked
    assert result.unchanged == ["css/site.css"]


# --- failures leave the output as it was ---

def _fault_points(code: int) -> dict[str, dict[str, object]]:
    return {
        "write": {"_write_file": fail_with(code, when=lambda p, d: p.name == "new.js",
                                           real=writer._write_file)},
        "marker": {"_link": fail_with(code, when=lambda s, d: d.name == MARKER,
                                      real=writer._link)},
        "link": {"_link": fail_with(code)},
        "mkdir": {"_makedirs": fail_with(code, when=lambda p: os.path.basename(p) == "js",
                                         real=writer._makedirs),
                  "_mkdir": fail_with(code, when=lambda p: os.path.basename(p) == "js",
                                      real=writer._mkdir)},
        "exchange": {"_exchange": fail_with(code)},
        "fallback-first-rename": {"_exchange": fail_with(errno.ENOSYS),
                                  "_rename": fail_with(code)},
        "fallback-second-rename": {
            "_exchange": fail_with(errno.ENOSYS),
            "_rename": fail_with(code, when=lambda a, b: a.name == STAGING_NAME,
                                 real=writer._rename)},
    }


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EACCES])
@pytest.mark.parametrize("point", list(_fault_points(errno.ENOSPC)))
def test_fault_leaves_output_identical(site: Path, monkeypatch: pytest.MonkeyPatch,
                                       point: str, code: int) -> None:
    build(site, FIRST)
    before = snapshot(site / "output")
    for name, fake in _fault_points(code)[point].items():
        monkeypatch.setattr(writer, name, fake)
    with pytest.raises(OSError) as caught:
        build(site, SECOND)
    assert caught.value.errno == code
    assert snapshot(site / "output") == before
    assert_clean(site)
    monkeypatch.undo()
    assert build(site, SECOND).swapped  # the lock was released


# --- the spare tree: the previous output's folders, reused for staging ---

NESTED_1 = {"doc/a/index.html": b"a1", "doc/a/notes.json": b"n", "doc/b/index.html": b"b1",
            "doc/gone/deep/index.html": b"g", "index.html": b"i1"}
NESTED_2 = {"doc/a/index.html": b"a2", "doc/a/notes.json": b"n", "doc/b/index.html": b"b1",
            "index.html": b"i1"}


def folders_made(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The folders the writer makes from now on, as they are made."""
    made: list[str] = []
    for name in ("_mkdir", "_makedirs"):
        real = getattr(writer, name)
        monkeypatch.setattr(writer, name, lambda path, real=real: (made.append(str(path)),
                                                                   real(path)))
    return made


def test_a_first_build_leaves_no_spare_tree_and_the_next_makes_its_folders(
        site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A first build (a deployment's build is always one) spends nothing on a tree that only
    # a later build could use: that build makes the folders it stages into.
    build(site, NESTED_1)
    assert not (site / SPARE_NAME).exists()
    made = folders_made(monkeypatch)
    build(site, NESTED_2)
    staged = {os.path.relpath(path, site / STAGING_NAME) for path in made}
    assert {"doc/a", "doc/b"} <= staged  # made by the second build
    assert contents(site / "output") == {**NESTED_2, MARKER: b""}
    assert contents(site / SPARE_NAME) == {**NESTED_1, MARKER: b""}  # the first output
    assert_clean(site)


def test_a_build_stages_into_the_folders_of_the_output_before_last(
        site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(site, NESTED_1)
    build(site, NESTED_1 | {"index.html": b"i2"})  # the first output becomes the spare tree
    assert contents(site / SPARE_NAME) == {**NESTED_1, MARKER: b""}
    (site / SPARE_NAME / "doc" / "a" / "stray.html").write_bytes(b"not ours")
    made = folders_made(monkeypatch)
    result = build(site, NESTED_2)
    assert made == []  # every folder came from the spare tree
    assert result.swapped and result.removed == ["doc/gone/deep/index.html"]
    # exactly this build's files: no stray file, no folder of the removed page
    assert contents(site / "output") == {**NESTED_2, MARKER: b""}
    assert sorted(p.relative_to(site / "output").as_posix()
                  for p in (site / "output").rglob("*") if p.is_dir()) == ["doc", "doc/a",
                                                                           "doc/b"]
    assert_clean(site)


def test_an_unchanged_build_keeps_its_staging_as_the_spare_and_touches_nothing(
        site: Path) -> None:
    build(site, NESTED_1)
    build(site, NESTED_2)
    before = snapshot(site / "output")
    assert not build(site, NESTED_2).swapped
    assert snapshot(site / "output") == before
    assert (site / SPARE_NAME / "doc" / "a").is_dir()
    assert build(site, NESTED_1).swapped  # the folder of the page back again is made anew
    assert contents(site / "output") == {**NESTED_1, MARKER: b""}


def test_a_build_that_stops_keeps_its_staging_as_the_spare(
        site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(site, NESTED_1)
    build(site, NESTED_2)
    before = snapshot(site / "output")
    with pytest.raises(ValueError), OutputWriter(site, Path("output")) as out:
        out.write("doc/a/index.html", b"a3")
        raise ValueError("an error in the inputs")  # as a failed render stops a build
    assert snapshot(site / "output") == before
    assert_clean(site)
    assert contents(site / SPARE_NAME) == {"doc/a/index.html": b"a3"}  # folders, and a file
    made = folders_made(monkeypatch)
    build(site, NESTED_1)
    assert made == []  # every folder came from the spare tree, emptied of its file
    assert contents(site / "output") == {**NESTED_1, MARKER: b""}


def test_a_spare_tree_that_cannot_be_emptied_is_replaced_by_a_new_staging(
        site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(site, NESTED_1)
    build(site, NESTED_2)
    monkeypatch.setattr(writer, "_unlink", fail_with(errno.EACCES))
    result = build(site, NESTED_1 | {"index.html": b"i3"})
    assert result.swapped
    assert contents(site / "output") == {**NESTED_1, "index.html": b"i3", MARKER: b""}
    assert_clean(site)


def test_a_symlink_in_place_of_the_spare_tree_is_not_followed(site: Path,
                                                              tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "doc").mkdir(parents=True)
    (elsewhere / "doc" / "keep.txt").write_bytes(b"someone else's")
    (site / SPARE_NAME).symlink_to(elsewhere, target_is_directory=True)
    build(site, NESTED_1)
    build(site, NESTED_2)
    assert contents(site / "output") == {**NESTED_2, MARKER: b""}
    assert contents(elsewhere) == {"doc/keep.txt": b"someone else's"}


def test_failed_cleanup_of_old_tree_does_not_fail_build(site: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    build(site, FIRST)
    real_rename = writer._rename

    def no_trash(a: Path, b: Path) -> None:
        if b.parent.name == TRASH_NAME or b.name == SPARE_NAME:
            raise OSError(errno.EACCES, "Permission denied", str(b))
        real_rename(a, b)
    monkeypatch.setattr(writer, "_rename", no_trash)  # cannot keep it or move it to the trash…
    monkeypatch.setattr(writer, "_rmtree", fail_with(errno.EACCES))  # …nor delete it
    result = build(site, SECOND)
    assert result.swapped
    assert contents(site / "output") == {**SECOND, MARKER: b""}
    assert (site / STAGING_NAME).exists()  # the old tree, left for the next build
    monkeypatch.undo()
    build(site, SECOND)
    assert_clean(site)


@pytest.mark.parametrize("error", [RuntimeError("boom"), KeyboardInterrupt()])
def test_caller_exception_leaves_output_untouched(site: Path, error: BaseException) -> None:
    build(site, FIRST)
    before = snapshot(site / "output")
    with pytest.raises(type(error)):
        with OutputWriter(site, Path("output")) as out:
            out.write("index.html", b"half")
            raise error
    assert snapshot(site / "output") == before
    assert_clean(site)


def test_no_commit_leaves_output_untouched(site: Path) -> None:
    build(site, FIRST)
    before = snapshot(site / "output")
    with OutputWriter(site, Path("output")) as out:
        out.write("index.html", b"never committed")
    assert snapshot(site / "output") == before
    assert_clean(site)


def test_failed_cleanup_does_not_mask_caller_error(site: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(writer, "_rmtree", fail_with(errno.EACCES))
    with pytest.raises(RuntimeError, match="boom") as caught:
        with OutputWriter(site, Path("output")) as out:
            out.write("a.html", b"a")
            raise RuntimeError("boom")
    assert any(STAGING_NAME in note for note in caught.value.__notes__)
    monkeypatch.undo()
    assert build(site, FIRST).changed == sorted(FIRST)  # leftover staging cleared, lock free
    assert "a.html" not in contents(site / "output")


def test_leftover_old_output_is_restored(site: Path) -> None:
    build(site, FIRST)
    os.rename(site / "output", site / OLD_NAME)  # as if killed between the two renames
    result = build(site, FIRST)
    assert result.swapped is False and result.unchanged == sorted(FIRST)
    assert contents(site / "output") == {**FIRST, MARKER: b""}
    assert_clean(site)


# --- refusals ---

def test_refuses_non_empty_folder_without_marker(site: Path) -> None:
    (site / "output").mkdir()
    (site / "output" / "thesis.tex").write_bytes(b"precious")
    with pytest.raises(OutputRefused, match=MARKER):
        build(site, FIRST)
    assert contents(site / "output") == {"thesis.tex": b"precious"}
    assert not (site / STAGING_NAME).exists()
    (site / "output" / "thesis.tex").unlink()
    assert build(site, FIRST).swapped  # the lock was released


def test_an_output_in_the_trash_is_refused_before_it_can_be_emptied(site: Path) -> None:
    """``output_dir: .glossator-trash`` built, and the next build deleted the published site
    in the background (found while auditing the output folder checks)."""
    with pytest.raises(OutputRefused, match=r"inside \.glossator-trash, which glossator uses"):
        build(site, FIRST, output=TRASH_NAME)
    assert not (site / TRASH_NAME).exists()


def test_refuses_output_that_is_a_file(site: Path) -> None:
    (site / "output").write_bytes(b"x")
    with pytest.raises(OutputRefused, match="not a folder"):
        build(site, FIRST)
    assert (site / "output").read_bytes() == b"x"


@pytest.mark.parametrize("output", [".", "..", "sources", "sources/out", "annotations",
                                    "theme/x", STAGING_NAME, OLD_NAME, TRASH_NAME,
                                    f"{TRASH_NAME}/x", ".glossator-cache", "/"])
def test_refuses_dangerous_locations(site: Path, output: str) -> None:
    before = contents(site.parent)
    with pytest.raises(OutputRefused) as caught:
        build(site, {"index.html": b"x"}, output=output)
    assert "output folder" in caught.value.message
    assert contents(site.parent) == before
    assert not (site / LOCK_NAME).exists()  # refused before anything was touched


def test_refuses_site_root_given_as_absolute_path(site: Path) -> None:
    with pytest.raises(OutputRefused, match="site folder itself"):
        OutputWriter(site, site).__enter__()


def test_refuses_other_filesystem(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(writer, "_device", lambda p: 2 if p.name == "site" else 1)
    with pytest.raises(OutputRefused, match="another filesystem"):
        build(site, FIRST, output=site.parent / "elsewhere")
    assert not (site.parent / "elsewhere").exists()


def test_errors_share_a_base_class() -> None:
    for cls in (OutputRefused, BuildLocked):
        assert issubclass(cls, WriterError) and cls("m").message == "m"
    assert isinstance(OutputCollision("a", "A"), WriterError)


# --- the lock ---

def test_second_writer_is_locked_out(site: Path) -> None:
    with OutputWriter(site, Path("output")) as first:
        with pytest.raises(BuildLocked) as caught:
            OutputWriter(site, Path("output")).__enter__()
        first.write("a.html", b"a")
        first.commit()
    assert "another build" in caught.value.message and f"pid {os.getpid()}" in caught.value.message
    assert (site / "output" / "a.html").read_bytes() == b"a"
    assert build(site, FIRST).swapped  # released on exit


def test_lock_held_by_another_process_names_its_pid(site: Path) -> None:
    code = ("import sys; from pathlib import Path; from glossator.writer import OutputWriter\n"
            "with OutputWriter(Path(sys.argv[1]), Path('output')):\n"
            "    print('ready', flush=True); sys.stdin.readline()\n")
    child = subprocess.Popen([sys.executable, "-c", code, str(site)], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "ready"
        with pytest.raises(BuildLocked, match=f"pid {child.pid}"):
            build(site, FIRST)
    finally:
        child.communicate("\n", timeout=30)
    assert child.returncode == 0
    assert build(site, FIRST).swapped


# --- paths and collisions ---

@pytest.mark.parametrize("bad", ["", "/abs.html", "a/../b", "..", "a\\b.html", "a//b", "a/",
                                 "./a", "a/./b", "a\0b", MARKER, ".GLOSSATOR-OUTPUT/x"])
def test_bad_paths_are_programming_errors(site: Path, bad: str) -> None:
    with OutputWriter(site, Path("output")) as out:
        with pytest.raises(ValueError, match="output path"):
            out.write(bad, b"x")


def test_data_must_be_bytes(site: Path) -> None:
    with OutputWriter(site, Path("output")) as out:
        with pytest.raises(TypeError, match="bytes"):
            out.write("a.html", "text")  # type: ignore[arg-type]


@pytest.mark.parametrize("first, second", [
    ("a/index.html", "a/index.html"),
    ("About/index.html", "about/INDEX.html"),
    (unicodedata.normalize("NFC", "café.html"), unicodedata.normalize("NFD", "café.html")),
    ("notes", "notes/index.html"),
    ("notes/index.html", "notes"),
])
def test_collisions_name_both_paths(site: Path, first: str, second: str) -> None:
    with pytest.raises(OutputCollision) as caught:
        with OutputWriter(site, Path("output")) as out:
            out.write(first, b"1")
            out.write(second, b"2")
    assert (caught.value.first, caught.value.second) == (first, second)
    assert repr(first) in caught.value.message and repr(second) in caught.value.message
    assert not (site / "output").exists()
    assert_clean(site)


def test_writer_is_single_use(site: Path) -> None:
    out = OutputWriter(site, Path("output"))
    with pytest.raises(RuntimeError):
        out.write("a.html", b"a")
    with out:
        out.write("a.html", b"a")
        out.commit()
        with pytest.raises(RuntimeError):
            out.write("b.html", b"b")
    with pytest.raises(RuntimeError):
        out.__enter__()
    assert contents(site / "output") == {"a.html": b"a", MARKER: b""}
