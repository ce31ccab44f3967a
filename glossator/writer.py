"""The output writer: stage a build, hard-link what did not change, swap atomically.

Usage: ``with OutputWriter(site_root, Path("output")) as out: out.write(rel, data) ...;
out.commit()``. Files go to ``<site>/.glossator-staging/``; one whose bytes equal the file in
the current output folder is hard-linked from it (same inode and mtime), the others are
written. ``commit`` then, under the build lock ``<site>/.glossator-lock``, exchanges staging
and output with ``renameat2(RENAME_EXCHANGE)`` on Linux, so the output path never disappears
(two renames where that is unavailable), and keeps the previous tree as ``.glossator-spare``:
the next build empties it of its files and stages into its folders, since creating thousands
of folders is the slowest part of staging on many filesystems (a first build has no previous
tree, and leaves no spare). If nothing changed, the output folder is not touched at all. Any
failure before or during the swap leaves the output folder as it was and deletes staging.
Where a hard link is impossible (EXDEV, EPERM on some filesystems) an unchanged file is
written again: same bytes, new inode and mtime.

:class:`OutputPatch`, for a rebuild that changes a few files only (``glossator/patch.py``),
replaces them in place instead, all or none, under the same lock and checks.

Filesystem effects go through the module-level ``_write_file``, ``_link``, ``_rename``,
``_unlink``, ``_exchange``, ``_mkdir``, ``_makedirs`` and ``_rmtree`` so tests can inject
faults with monkeypatch.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import functools
import json
import os
import shutil
import stat
import subprocess
import sys
import time
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

MARKER = ".glossator-output"
STAGING_NAME = ".glossator-staging"
OLD_NAME = ".glossator-old"
SPARE_NAME = ".glossator-spare"  # the previous output: its folders are reused for staging
TRASH_NAME = ".glossator-trash"  # discarded trees, being deleted in the background
PATCH_NAME = ".glossator-patch"  # the journal of a patch under way (OutputPatch)
NEW_PREFIX = ".glossator-new-"  # a patch's new version of a file, beside it
OLD_PREFIX = ".glossator-old-"  # a patch's link to the version it replaces, beside it
LOCK_NAME = ".glossator-lock"
PROTECTED = ("sources", "annotations", "theme")
AT_FDCWD = -100
RENAME_EXCHANGE = 2
_NO_EXCHANGE = frozenset({errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP})
_NO_LINK = frozenset({errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP, errno.EOPNOTSUPP,
                      errno.ENOSYS})


class WriterError(Exception):
    """A problem with the output the user can fix; ``message`` says what and how."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class OutputRefused(WriterError):
    """The output folder may not be replaced (it is the site, holds inputs, or is not ours)."""


class BuildLocked(WriterError):
    """Another build of the same site holds the lock."""


class OutputCollision(WriterError):
    """Two outputs go to the same destination (maybe only by case or Unicode normalization)."""

    def __init__(self, first: str, second: str) -> None:
        if first == second:
            message = f"the output file {first!r} is produced twice"
        elif _key(first) == _key(second):
            message = (f"the output files {first!r} and {second!r} differ only by case or "
                       "Unicode normalization and would overwrite each other on many systems")
        else:
            message = (f"the output files {first!r} and {second!r} conflict: one would need "
                       "the other's path as a folder")
        super().__init__(message)
        self.first = first
        self.second = second


@dataclass
class WriteResult:
    """What a commit did; paths are relative POSIX paths, sorted. The marker is not listed."""

    changed: list[str] = field(default_factory=list)    # new, or bytes differ
    unchanged: list[str] = field(default_factory=list)  # same bytes (hard-linked if possible)
    removed: list[str] = field(default_factory=list)    # in the old output, not written now
    swapped: bool = False                               # False: output folder left untouched


def _write_file(path: Path | str, data: bytes) -> None:
    with open(path, "xb") as handle:  # "x": never write through an existing (linked) file
        handle.write(data)


def _read_file(path: Path | str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


_link = os.link
_rename = os.rename
_unlink = os.unlink
_makedirs = functools.partial(os.makedirs, exist_ok=True)
_rmtree = shutil.rmtree


def _mkdir(path: str) -> None:
    try:
        os.mkdir(path)
    except FileExistsError:
        pass


def _device(path: Path) -> int:
    return os.stat(path).st_dev


@functools.lru_cache(maxsize=1)
def _renameat2() -> Callable[..., int] | None:
    """libc's ``renameat2`` (glibc 2.28+), or None where it does not exist."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        func = getattr(ctypes.CDLL(None, use_errno=True), "renameat2")
    except (OSError, AttributeError):
        return None
    func.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    func.restype = ctypes.c_int
    return func


def _exchange(a: Path, b: Path) -> None:
    """Atomically exchange two paths; OSError(ENOSYS or EINVAL) where this is unsupported."""
    func = _renameat2()
    if func is None:
        raise OSError(errno.ENOSYS, "renameat2 is not available", str(a))
    if func(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), str(a), None, str(b))


def _discard(path: Path) -> OSError | None:
    """Delete a folder of ours; return an error rather than raise (the next build retries)."""
    try:
        _rmtree(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        return exc
    return None


_DELETE = "import shutil, sys; shutil.rmtree(sys.argv[1], ignore_errors=True)"


def _spawn_delete(path: Path) -> None:
    """Delete a folder in a detached process (emptying thousands of folders is slow)."""
    subprocess.Popen([sys.executable, "-c", _DELETE, str(path)], start_new_session=True,
                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL)


def _dispose(path: Path, trash: Path) -> None:
    """Move the previous output out of the way at once, and delete it in the background.

    The build does not wait: the tree is no longer in the way of anything (``trash`` is
    ours), and a deletion cut short is finished by a later build.
    """
    if not os.path.lexists(path):
        return
    try:
        _makedirs(trash)
        target = trash / f"{os.getpid()}-{time.monotonic_ns()}"
        _rename(path, target)
        _spawn_delete(target)
    except OSError:
        _discard(path)


def _walk(root: str) -> Iterator[tuple[str, bool, os.DirEntry]]:
    """Every entry under ``root``: its relative POSIX path, whether it is a real folder (not
    a link to one), and the entry. Folders are listed before what they hold."""
    pending = [""]
    while pending:
        rel = pending.pop()
        with os.scandir(os.path.join(root, rel) if rel else root) as entries:
            for entry in entries:
                path = f"{rel}/{entry.name}" if rel else entry.name
                is_dir = entry.is_dir(follow_symlinks=False)
                if is_dir:
                    pending.append(path)
                yield path, is_dir, entry


def _empty_files(root: str) -> set[str]:
    """Delete every file (and symbolic link) under ``root``; return its folders (relative)."""
    folders: set[str] = set()
    for path, is_dir, entry in _walk(root):
        if is_dir:
            folders.add(path)
        else:
            _unlink(entry.path)
    return folders


def _key(rel_path: str) -> str:
    """What two outputs must not share: the path up to case and Unicode normalization."""
    return unicodedata.normalize("NFC", rel_path).casefold()


def _check_rel_path(rel_path: str) -> None:
    """Refuse output paths that are not plain relative POSIX paths (a programming error)."""
    if not isinstance(rel_path, str) or not rel_path:
        raise ValueError(f"output path must be a non-empty string, got {rel_path!r}")
    if rel_path.startswith("/") or "\\" in rel_path or "\0" in rel_path:
        raise ValueError(f"output path must be relative, with '/' separators: {rel_path!r}")
    parts = rel_path.split("/")
    if any(part in ("", ".", "..") for part in parts):
        raise ValueError(f"output path has an empty, '.' or '..' component: {rel_path!r}")
    if _key(parts[0]) == _key(MARKER):
        raise ValueError(f"output path {rel_path!r} is reserved for glossator's marker file")


def _check_location(site: Path, out: Path) -> None:
    """Refuse output folders whose replacement would destroy the site (paths only)."""
    if out == site:
        raise OutputRefused(f"the output folder {out} is the site folder itself; "
                            "choose a subfolder such as 'output'")
    if site.is_relative_to(out):
        raise OutputRefused(f"the output folder {out} contains the site folder {site}; "
                            "choose a subfolder such as 'output'")
    for name in PROTECTED:
        if out.is_relative_to(site / name):
            raise OutputRefused(f"the output folder {out} is inside the site's {name}/ "
                                "folder, which building would overwrite")
    inside = out.relative_to(site).parts[0] if out.is_relative_to(site) else ""
    if inside.startswith(".glossator-"):  # staging, old, trash (emptied in the background)…
        raise OutputRefused(f"the output folder {out} is inside {inside}, which glossator "
                            "uses for its own work; choose a subfolder such as 'output'")


def _check_contents(site: Path, out: Path) -> None:
    """Refuse an existing output glossator did not make, or one on another filesystem."""
    if os.path.lexists(out):
        if not out.is_dir():
            raise OutputRefused(f"the output path {out} exists and is not a folder")
        with os.scandir(out) as entries:
            empty = next(entries, None) is None
        if not empty and not (out / MARKER).is_file():
            raise OutputRefused(f"the output folder {out} is not empty and was not made by "
                                f"glossator (it has no {MARKER} file); empty or delete it, "
                                "or choose another output folder")
    anchor = out
    while not anchor.exists():
        anchor = anchor.parent
    if _device(anchor) != _device(site):
        raise OutputRefused(f"the output folder {out} is on another filesystem than the site "
                            f"{site} (or is a mount point); it cannot be replaced atomically")


def _take_lock(path: Path) -> int:
    """Open and flock the lock file, write our pid in it; BuildLocked if someone holds it."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)  # no O_TRUNC: keep the holder's pid
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
        os.close(fd)
        pid = f"pid {holder}" if holder.isdigit() else "pid unknown"
        raise BuildLocked(f"another build of this site is running ({pid}); wait for it to "
                          f"finish and try again (lock file: {path})") from None
    except BaseException:
        os.close(fd)
        raise
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
    return fd


def _scan(root: Path) -> dict[str, bool]:
    """Every entry under ``root`` (relative POSIX path -> is a real folder); {} if missing."""
    if not root.is_dir():
        return {}
    return {path: is_dir for path, is_dir, _ in _walk(str(root))}


def _same_bytes(path: Path, data: bytes) -> bool:
    """True if ``path`` is a regular file holding exactly ``data`` (size compared first)."""
    try:
        info = os.lstat(path)
        if not stat.S_ISREG(info.st_mode) or info.st_size != len(data):
            return False
        return _read_file(path) == data
    except OSError:  # missing, a folder on the way, unreadable: write the new bytes
        return False


class OutputWriter:
    """Stage one build's output and swap it in on :meth:`commit`; a context manager, used once.

    ``output_dir`` is relative to ``site_root`` or absolute; symbolic links are resolved, so
    a symlinked output folder has its target replaced and the link is kept.
    """

    def __init__(self, site_root: Path, output_dir: Path) -> None:
        self.site_root = Path(site_root).resolve()
        self.output_dir = (self.site_root / output_dir).resolve()  # absolute output_dir wins
        self.staging = self.site_root / STAGING_NAME
        self.old = self.site_root / OLD_NAME
        self.spare = self.site_root / SPARE_NAME
        self.trash = self.site_root / TRASH_NAME
        self.lock_path = self.site_root / LOCK_NAME
        self._lock_fd: int | None = None
        self._used = False
        self._committed = False
        self._files: dict[str, str] = {}    # collision key -> path as written
        self._folders: dict[str, str] = {}  # collision key of a needed folder -> a path in it
        self._changed: list[str] = []
        self._unchanged: list[str] = []
        self._kept: list[str] = []  # unchanged by the caller's account: linked at commit
        self._made: set[str] = {""}  # staged folders already created ("": staging itself)
        self._reused: set[str] = set()  # folders staging had from the spare tree
        self._output_str = str(self.output_dir)
        self._staging_str = str(self.staging)

    def __enter__(self) -> OutputWriter:
        """Check the output folder (OutputRefused), lock (BuildLocked), make a clean staging."""
        if self._used:
            raise RuntimeError("an OutputWriter can only be used for one build")
        self._used = True
        _check_location(self.site_root, self.output_dir)
        self._lock_fd = _take_lock(self.lock_path)
        try:
            self._clear_leftovers()
            _check_contents(self.site_root, self.output_dir)
            self._make_staging()
        except BaseException:
            self._release()
            raise
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        """Release the lock; the output is untouched unless commit() succeeded. A staging
        tree left by a build that stopped (its errors) is kept as the next build's spare,
        which saves it making every folder again; after a filesystem error it is deleted (it
        may hold space the disk needs)."""
        try:
            if exc is not None and not isinstance(exc, OSError):
                self._keep_as_spare(self.staging)
            error = _discard(self.staging)
            if error is not None and exc is not None:
                exc.add_note(f"glossator: could not delete {self.staging}: {error}")
        finally:
            self._release()

    def write(self, rel_path: str, data: bytes) -> None:
        """Stage one file at a relative POSIX path such as ``a/index.html``.

        ValueError for a malformed path; OutputCollision if the destination is taken (compared
        up to case and Unicode normalization).
        """
        self._require_open()
        _check_rel_path(rel_path)
        if not isinstance(data, (bytes, bytearray)):
            raise TypeError(f"output data must be bytes, got {type(data).__name__}")
        self._claim(rel_path)
        same = self._stage(rel_path, bytes(data))
        (self._unchanged if same else self._changed).append(rel_path)

    def keep(self, rel_path: str) -> None:
        """Publish the current output's file at ``rel_path`` again, as it is.

        For callers that know the file is unchanged (a verified build cache): it is neither
        read nor compared, and only hard-linked into staging if the output is swapped at all.
        FileNotFoundError if the current output has no such file.
        """
        self._require_open()
        _check_rel_path(rel_path)
        if not os.path.isfile(os.path.join(self._output_str, rel_path)):
            raise FileNotFoundError(errno.ENOENT, "not in the current output", rel_path)
        self._claim(rel_path)
        self._kept.append(rel_path)

    @property
    def changed(self) -> list[str]:
        """The files written so far whose bytes differ from the current output's."""
        return list(self._changed)

    def commit(self, *, before_swap: Callable[[Path], None] | None = None,
               force: bool = False) -> WriteResult:
        """Swap staging in as the output folder, unless nothing changed; report what changed.

        ``before_swap(staging)`` runs once staging is complete, when there is something to
        swap in (e.g. a search indexer that reads the staged pages); its files, if it writes
        any, must be :meth:`write`-ten, not put in staging directly. ``force`` swaps even if
        nothing written so far changed (``before_swap`` is expected to write something new).
        """
        self._require_open()
        current = _scan(self.output_dir)
        written = set(self._files.values()) | {MARKER}
        swapped = force or bool(self._changed) or current != self._expected_tree(written)
        if swapped:
            self._stage(MARKER, b"")
            for rel_path in self._kept:
                self._link_kept(rel_path)
            if before_swap is not None:
                before_swap(self.staging)
                written = set(self._files.values()) | {MARKER}
        self._committed = True
        removed = sorted(p for p, is_dir in current.items() if not is_dir and p not in written)
        if swapped:
            self._remove_unneeded_folders(written)
            self._swap()
            # the previous output: at old after two renames, at staging after an exchange
            self._keep_as_spare(self.old if os.path.lexists(self.old) else self.staging)
        else:
            self._keep_as_spare(self.staging)  # the unused new tree (its folders, for later)
        _discard(self.staging)
        unchanged = sorted(self._unchanged + self._kept)
        return WriteResult(sorted(self._changed), unchanged, removed, swapped)

    def _link_kept(self, rel_path: str) -> None:
        # plain strings: thousands of files are linked on every swap
        staged = os.path.join(self._staging_str, rel_path)
        existing = os.path.join(self._output_str, rel_path)
        self._folder_for(rel_path)
        if not _try_link(existing, staged):
            _write_file(staged, _read_file(existing))

    def _make_staging(self) -> None:
        """An empty staging tree: the spare tree emptied of its files (its folders are reused;
        those this build does not need are removed before the swap), or a new folder."""
        if os.path.isdir(self.spare) and not os.path.islink(self.spare):
            try:
                _rename(self.spare, self.staging)
                self._reused = _empty_files(self._staging_str)
                self._made.update(self._reused)
                return
            except OSError:
                self._made, self._reused = {""}, set()
                if os.path.lexists(self.staging):
                    _rmtree(self.staging)  # never stage over files left in place
        _makedirs(self.staging)

    def _remove_unneeded_folders(self, written: set[str]) -> None:
        """Remove the reused folders that hold none of this build's files (``written``),
        deepest first. A build that reused no folders (a first build) has none to look for."""
        if not self._reused:
            return
        needed = self._folders_of(written)
        for folder in sorted(self._reused - needed, key=lambda f: f.count("/"), reverse=True):
            try:
                os.rmdir(os.path.join(self._staging_str, folder))
            except FileNotFoundError:
                pass

    def _keep_as_spare(self, tree: Path) -> None:
        """Keep a tree that is no longer published as the next build's spare."""
        if not os.path.lexists(tree):
            return
        try:
            _dispose(self.spare, self.trash)
            _rename(tree, self.spare)
        except OSError:
            _dispose(tree, self.trash)

    def _folder_for(self, rel_path: str) -> None:
        """Create the staged file's folder once (thousands of files share few folders)."""
        folder = rel_path.rpartition("/")[0]
        if folder not in self._made:
            if folder.rpartition("/")[0] in self._made:  # the parent exists: one mkdir
                _mkdir(os.path.join(self._staging_str, folder))
            else:
                _makedirs(os.path.join(self._staging_str, folder))
            self._made.add(folder)

    def _require_open(self) -> None:
        if self._lock_fd is None or self._committed:
            raise RuntimeError("OutputWriter is not open: use it in a with block, before commit()")

    def _release(self) -> None:
        """Unlock; the lock file stays (git-ignored), emptied of our pid."""
        if self._lock_fd is not None:
            fd, self._lock_fd = self._lock_fd, None
            try:
                os.ftruncate(fd, 0)
                fcntl.flock(fd, fcntl.LOCK_UN)  # explicit: a forked child may share the fd
            finally:
                os.close(fd)

    def _clear_leftovers(self) -> None:
        """Delete what a crashed build left; restore the old output if a swap was cut short,
        and the files a patch was replacing if it was (see :class:`OutputPatch`)."""
        _undo_patch(self.site_root / PATCH_NAME)
        if os.path.lexists(self.old):
            if os.path.lexists(self.output_dir):
                _rmtree(self.old)
            else:
                _makedirs(self.output_dir.parent)
                _rename(self.old, self.output_dir)
        if os.path.lexists(self.staging):
            _rmtree(self.staging)
        if os.path.isdir(self.trash) and any(os.scandir(self.trash)):
            _spawn_delete(self.trash)  # what earlier background deletions did not finish

    def _claim(self, rel_path: str) -> None:
        """Reserve the destination of ``rel_path``; OutputCollision if another write has it."""
        key = _key(rel_path)
        parts = key.split("/")
        parents = ["/".join(parts[:i]) for i in range(1, len(parts))]
        other = self._files.get(key) or self._folders.get(key)
        other = other or next((self._files[p] for p in parents if p in self._files), None)
        if other is not None:
            raise OutputCollision(other, rel_path)
        self._files[key] = rel_path
        for parent in parents:
            self._folders.setdefault(parent, rel_path)

    def _stage(self, rel_path: str, data: bytes) -> bool:
        """Link or write one staged file; True if the current output has the same bytes."""
        self._folder_for(rel_path)
        return stage_file(self.staging, self.output_dir, rel_path, data)

    def adopt(self, rel_path: str, same: bool) -> None:
        """Register a file another process staged with :func:`stage_files` (a worker that
        rendered it): its path is checked and claimed like a :meth:`write`."""
        self._require_open()
        _check_rel_path(rel_path)
        self._claim(rel_path)
        (self._unchanged if same else self._changed).append(rel_path)

    @staticmethod
    def _folders_of(written: set[str]) -> set[str]:
        """The folders an output folder holding exactly ``written`` has (relative paths)."""
        folders: set[str] = set()
        for path in written:
            parts = path.split("/")
            folders.update("/".join(parts[:i]) for i in range(1, len(parts)))
        return folders

    @classmethod
    def _expected_tree(cls, written: set[str]) -> dict[str, bool]:
        """The entries of an output folder holding exactly ``written`` (path -> is a folder)."""
        return {**dict.fromkeys(written, False), **dict.fromkeys(cls._folders_of(written), True)}

    def _swap(self) -> None:
        """Put staging at the output path; the previous tree ends at staging or old."""
        out = self.output_dir
        if not os.path.lexists(out):
            _makedirs(out.parent)
            _rename(self.staging, out)
            return
        try:
            _exchange(self.staging, out)
        except OSError as exc:
            if exc.errno not in _NO_EXCHANGE:
                raise
            self._swap_by_renames()

    def _swap_by_renames(self) -> None:
        """Fallback swap: output -> old, staging -> output; undo the first if the second fails."""
        out = self.output_dir
        _rename(out, self.old)
        try:
            _rename(self.staging, out)
        except BaseException as exc:
            try:
                _rename(self.old, out)
            except OSError as undo:
                exc.add_note(f"glossator: restoring {out} failed too ({undo}); the previous "
                             f"output is in {self.old} and the next build will restore it")
            raise


class OutputPatch(OutputWriter):
    """Replace a few files of the published output in place, all of them or none.

    For a rebuild that knows every other published file stands (a few documents edited, see
    :mod:`glossator.patch`): staging a whole tree to swap in would cost a link per file. The
    same checks and lock as :class:`OutputWriter`; :meth:`write` only collects, and
    :meth:`commit` replaces the files whose bytes differ. It first records them in a journal
    (``<site>/.glossator-patch``), writes each new version beside its file
    (``.glossator-new-<name>``) and links each old one aside (``.glossator-old-<name>``),
    then renames the new versions over the files and deletes the journal: that is the
    moment the patch is done. A failure before it puts the old files back; so does the next
    build (of either kind) when a crash left the journal. A file is replaced by a rename, so
    the inodes the spare tree and the build cache hold are never written through.
    """

    def _make_staging(self) -> None:
        self._patch: dict[str, bytes] = {}  # nothing is staged: files are replaced in place

    def write(self, rel_path: str, data: bytes) -> None:
        self._require_open()
        _check_rel_path(rel_path)
        self._claim(rel_path)
        self._patch[rel_path] = bytes(data)

    def keep(self, rel_path: str) -> None:
        raise TypeError("a patch keeps every file it is not given")

    def adopt(self, rel_path: str, same: bool) -> None:
        raise TypeError("a patch stages nothing")

    def commit(self, *, before_swap: Callable[[Path], None] | None = None,
               force: bool = False) -> WriteResult:
        """Replace the files whose bytes differ; ``swapped`` says whether any did."""
        self._require_open()
        if before_swap is not None or force:
            raise TypeError("a patch has no staged tree to hand over")
        self._committed = True
        base = self._output_str
        changed = sorted(rel for rel, data in self._patch.items()
                         if not _same_bytes(Path(base, rel), data))
        unchanged = sorted(set(self._patch) - set(changed))
        if changed:
            journal = self.site_root / PATCH_NAME
            created = [rel for rel in changed if not os.path.lexists(os.path.join(base, rel))]
            for rel in changed:  # what an earlier patch may have failed to delete
                for prefix in (NEW_PREFIX, OLD_PREFIX):
                    if os.path.lexists(aside := _beside(os.path.join(base, rel), prefix)):
                        _unlink(aside)
            _write_journal(journal, {"output": base, "files": changed, "created": created})
            try:
                for rel in changed:
                    target = os.path.join(base, rel)
                    _makedirs(os.path.dirname(target))
                    _write_file(_beside(target, NEW_PREFIX), self._patch[rel])
                for rel in set(changed) - set(created):
                    target = os.path.join(base, rel)
                    _link(target, _beside(target, OLD_PREFIX))
                for rel in changed:
                    target = os.path.join(base, rel)
                    _rename(_beside(target, NEW_PREFIX), target)
                _unlink(journal)  # done: from here on the new files stand
            except BaseException:
                _undo_patch(journal)
                raise
            for rel in set(changed) - set(created):
                try:
                    _unlink(_beside(os.path.join(base, rel), OLD_PREFIX))
                except OSError:
                    pass  # a stray link: the next build's check of the output sees it
        return WriteResult(changed, unchanged, [], swapped=bool(changed))


def _beside(path: str, prefix: str) -> str:
    folder, name = os.path.split(path)
    return os.path.join(folder, prefix + name)


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _write_journal(path: Path, record: dict) -> None:
    temp = path.with_name(path.name + ".new")
    with open(temp, "w", encoding="utf-8") as handle:
        json.dump(record, handle)
    _rename(temp, path)


def _undo_patch(journal: Path) -> None:
    """Put back the files a patch was replacing, if its journal says one was under way."""
    temp = journal.with_name(journal.name + ".new")
    if os.path.lexists(temp):  # a journal cut short while being written: nothing began
        _unlink(temp)
    try:
        with open(journal, encoding="utf-8") as handle:
            record = json.load(handle)
    except FileNotFoundError:
        return
    except (OSError, ValueError):  # not ours to read: there is nothing to put back
        record = {"output": "", "files": [], "created": []}
    base, created = record["output"], set(record["created"])
    for rel in record["files"]:
        target = os.path.join(base, rel)
        new, old = _beside(target, NEW_PREFIX), _beside(target, OLD_PREFIX)
        if os.path.lexists(new):
            _unlink(new)
        if os.path.lexists(old):
            if _same_file(old, target):  # not replaced yet (and rename would do nothing)
                _unlink(old)
            else:
                _rename(old, target)  # the version published before the patch, back
        elif rel in created and os.path.lexists(target):
            _unlink(target)
    _unlink(journal)


def stage_file(staging: Path, output_dir: Path, rel_path: str, data: bytes) -> bool:
    """Link (same bytes as the published file) or write one file into staging, whose folder
    exists.

    Returns whether the published output has the same bytes. Used by the writer, and by the
    workers that render documents, which stage their files themselves (:func:`stage_files`;
    then the writer :meth:`~OutputWriter.adopt`-s them).
    """
    staged = staging / rel_path
    existing = output_dir / rel_path
    same = _same_bytes(existing, data)
    if not (same and _try_link(existing, staged)):
        _write_file(staged, data)
    return same


def stage_files(staging: Path, output_dir: Path, files: dict[str, bytes]) -> dict[str, bool]:
    """:func:`stage_file` for each of ``files`` (relative path -> bytes), each folder made
    once: a document's five files share one folder, and ``os.makedirs`` on a folder that
    exists fails and looks again (0.22 ms a document for five calls, docs/performance.md)."""
    for folder in {os.path.dirname(rel) for rel in files}:
        _makedirs(os.path.join(staging, folder))
    return {rel: stage_file(staging, output_dir, rel, data)
            for rel, data in files.items()}


def _try_link(existing: Path | str, staged: Path | str) -> bool:
    """Hard-link an unchanged file; False where the filesystem cannot (the caller copies)."""
    try:
        _link(existing, staged)
    except OSError as exc:
        if exc.errno not in _NO_LINK:
            raise
        return False
    return True
