"""The build cache: ``<site>/.glossator-cache/cache.sqlite``.

What a build may reuse from the last one, so that a rebuild does almost nothing when almost
nothing changed:

* ``documents``: per source, the fingerprint of everything its outputs were made from (its
  files, the site config, the glossary's spellings, the definitions it shows, the templates,
  its neighbours, Glossator itself), its summary (what listings, feeds and checks need) and
  the stat of each output file it produced;
* ``inputs``: per input file, its stat and content hash, so unchanged files are not read;
* ``citations``: formatted citations by (style, CSL item);
* ``pages``: per listing page (home, tags, glossary…), the hash of its template context;
* ``site``: the state of every input file at the last good build, the state of the output it
  published, and its warnings: when both states are unchanged, a build has nothing to do.

Nothing in it is trusted blindly: an entry is used only when its fingerprint matches *and*
every output file it names still has the recorded size, mtime and inode. A cache that cannot
be read (corrupt, another format version) is set aside and rebuilt, never an error; a record
that reads but is not of the shape written (a cache edited by hand) is taken as absent
(``tests/test_damaged_cache.py`` gives every record of it other shapes).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from pathlib import Path
from typing import Any, Iterable

CACHE_DIR = ".glossator-cache"
COMPILED_TEMPLATES = "templates"  # Jinja's compiled templates, in CACHE_DIR (templates.py)
PAGE_PARTS = "parts"  # each document's page parts, in CACHE_DIR (docpage.save_parts)
CACHE_FILE = "cache.sqlite"  # in CACHE_DIR
FORMAT = "2"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS inputs (path TEXT PRIMARY KEY, stat TEXT NOT NULL,
                                   digest TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (stem TEXT PRIMARY KEY, fingerprint TEXT NOT NULL,
                                      summary TEXT NOT NULL, files TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS citations (key TEXT PRIMARY KEY, html TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS pages (path TEXT PRIMARY KEY, key TEXT NOT NULL,
                                  stat TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS site (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def digest(*parts: Any) -> str:
    """A stable hash of JSON-serialisable parts."""
    text = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return content_digest(text.encode("utf-8"))


def content_digest(data: bytes) -> str:
    """A stable hash of bytes: an input file's content, a kept body's HTML."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def file_stat(path: Path | str) -> list[int] | None:
    """What identifies a file's version cheaply: size, mtime (ns) and inode."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return [info.st_size, info.st_mtime_ns, info.st_ino]


class BuildCache:
    """One build's view of the cache; changes are saved by :meth:`save` (after a good build)."""

    def __init__(self, root: Path, *, code_version: str):
        self.path = root / CACHE_DIR / CACHE_FILE
        self.code_version = code_version
        self.db: sqlite3.Connection | None = None
        self._documents: dict[str, tuple[str, dict, dict]] = {}
        self._inputs: dict[str, tuple[list[int], str]] = {}
        self._pages: dict[str, tuple[str, list[int]]] = {}
        self._loaded = False
        self._new_documents: dict[str, tuple[str, dict, dict]] = {}
        self._new_inputs: dict[str, tuple[list[int], str]] = {}
        self._new_citations: dict[str, str] = {}
        self._new_pages: dict[str, str] = {}
        self._new_site: dict[str, str] = {}
        self._open()

    # The tables are read on first use: a build with nothing to do reads only ``site``.

    @property
    def documents(self) -> dict[str, tuple[str, dict, dict]]:
        self._ensure_loaded()
        return self._documents

    @property
    def inputs(self) -> dict[str, tuple[list[int], str]]:
        self._ensure_loaded()
        return self._inputs

    @property
    def pages(self) -> dict[str, tuple[str, list[int]]]:
        self._ensure_loaded()
        return self._pages

    def _ensure_loaded(self) -> None:
        if self._loaded or self.db is None:
            return
        self._loaded = True
        try:
            self._load()
        except (sqlite3.Error, ValueError):
            self._documents, self._inputs, self._pages = {}, {}, {}

    # -- reading ------------------------------------------------------------------------

    def _open(self, *, retry: bool = True) -> None:
        try:
            self.path.parent.mkdir(exist_ok=True)
            self.db = sqlite3.connect(self.path, isolation_level=None)
            self.db.executescript(_SCHEMA)
            if self._meta() != {"format": FORMAT, "code": self.code_version}:
                self._reset()
        except (sqlite3.Error, OSError, ValueError):
            self._discard()
            if retry:  # a fresh, empty cache in its place
                self._open(retry=False)

    def _meta(self) -> dict[str, str]:
        assert self.db is not None
        return dict(self.db.execute("SELECT key, value FROM meta"))

    def _load(self) -> None:
        assert self.db is not None
        for path, stat, digest_ in self.db.execute("SELECT path, stat, digest FROM inputs"):
            self._inputs[path] = (json.loads(stat), digest_)
        for path, key, stat in self.db.execute("SELECT path, key, stat FROM pages"):
            self._pages[path] = (key, json.loads(stat))
        for stem, fingerprint, summary, files in self.db.execute(
                "SELECT stem, fingerprint, summary, files FROM documents"):
            entry = _document_entry(fingerprint, summary, files)
            if entry is not None:  # (else as if not cached: rendered again)
                self._documents[stem] = entry

    # The records of file stats (``input_files``, ``output``) are large: 35,000 files at
    # N = 5,000, 3 MB of JSON that took 0.09-0.17 s to write. A patch build, which changes a
    # few files, records only the changes (:meth:`put_site_changes`), read over the record.

    def site(self, key: str) -> Any:
        """A value of the ``site`` table (JSON) with the changes recorded over it since it
        was written, or None."""
        return None if self.db is None else read_site(self.db, key)

    def _site_value(self, key: str) -> Any:
        return None if self.db is None else _site_value(self.db, key)

    def _reset(self) -> None:
        assert self.db is not None
        for table in ("meta", "inputs", "documents", "citations", "pages", "site"):
            self.db.execute(f"DELETE FROM {table}")
        self.db.executemany("INSERT INTO meta VALUES (?, ?)",
                            [("format", FORMAT), ("code", self.code_version)])

    def _discard(self) -> None:
        """An unreadable cache: move it aside and work without one."""
        if self.db is not None:
            self.db.close()
        self.db = None
        self._documents, self._inputs, self._pages = {}, {}, {}
        try:
            if self.path.exists():
                os.replace(self.path, self.path.with_suffix(".corrupt"))
        except OSError:
            pass

    # A rebuild that patches a few documents (:mod:`glossator.patch`) reads only their rows.

    def document_row(self, stem: str) -> tuple[str, dict, dict] | None:
        """One document's entry (fingerprint, summary, files), read alone if the table
        is not loaded."""
        if self._loaded or self.db is None:
            return self.documents.get(stem)
        row = self._row("SELECT fingerprint, summary, files FROM documents WHERE stem = ?", stem)
        return None if row is None else _document_entry(*row)

    def _input_row(self, rel: str) -> tuple[list[int], str] | None:
        if self._loaded or self.db is None:
            return self.inputs.get(rel)
        row = self._row("SELECT stat, digest FROM inputs WHERE path = ?", rel)
        return None if row is None else (json.loads(row[0]), row[1])

    def _row(self, query: str, key: str) -> tuple | None:
        assert self.db is not None
        try:
            return self.db.execute(query, (key,)).fetchone()
        except sqlite3.Error:
            return None

    def input_digest(self, rel: str, path: Path, data: bytes | None = None, *,
                     alone: bool = False) -> str | None:
        """The content hash of an input file, read only when its stat changed. ``alone``:
        look up this file's row only (a build that reads few inputs)."""
        stat = file_stat(path)
        if stat is None:
            return None
        known = self._input_row(rel) if alone else self.inputs.get(rel)
        if known is not None and known[0] == stat and data is None:
            return known[1]
        if data is None:
            data = path.read_bytes()
        value = content_digest(data)
        self._new_inputs[rel] = (stat, value)
        return value

    def document(self, stem: str, fingerprint: str, output_dir: Path) -> dict | None:
        """The cached summary of ``stem`` if its fingerprint matches and its files are intact."""
        entry = self.documents.get(stem)
        if entry is None or entry[0] != fingerprint:
            return None
        return entry[1] if self.files_intact(stem, output_dir) else None

    def files_intact(self, stem: str, output_dir: Path, *, but: str | None = None) -> bool:
        """Whether every output file of ``stem`` (but ``but``) is as the cache recorded it."""
        entry = self.documents.get(stem)
        if entry is None:
            return False
        base = str(output_dir)
        return all(file_stat(os.path.join(base, rel)) == stat
                   for rel, stat in entry[2].items() if rel != but)

    def page(self, path: str, key: str, output_dir: Path) -> bool:
        """Whether the published page at ``path`` was made from a context hashing to ``key``."""
        entry = self.pages.get(path)
        return (entry is not None and entry[0] == key
                and file_stat(os.path.join(str(output_dir), path)) == entry[1])

    # -- writing ------------------------------------------------------------------------

    def put_document(self, stem: str, fingerprint: str, summary: dict,
                     files: Iterable[str]) -> None:
        # encoded when saved, one at a time: a summary's notes are one JSON text already, and
        # encoded here each would be copied (56 MB more at N = 5,000; docs/performance.md)
        self._new_documents[stem] = (fingerprint, summary, dict.fromkeys(files))

    def put_site(self, key: str, value: Any) -> None:
        self._new_site[key] = json.dumps(value, ensure_ascii=False)
        self._new_site[key + _CHANGES] = "null"  # a whole record has none

    def put_site_changes(self, key: str, changes: dict[str, Any]) -> None:
        """Changes to the ``site`` record ``key`` (a mapping), added to those recorded since
        it was written: new values by key, nested mappings changed key by key, and None for
        a key gone (:func:`changes_between` gives them)."""
        recorded = self._site_value(key + _CHANGES)
        merged = _changed(recorded, changes) if isinstance(recorded, dict) else changes
        self._new_site[key + _CHANGES] = json.dumps(merged, ensure_ascii=False)

    def put_page(self, path: str, key: str) -> None:
        self._new_pages[path] = key

    def put_citation(self, key: str, rows: list[list[str]]) -> None:
        """Formatted citations of one item: ``[[style, label, html], …]``."""
        self._new_citations[key] = json.dumps(rows, ensure_ascii=False)

    def save(self, output_dir: Path, stems: Iterable[str] | None) -> None:
        """Record this build (after its output was published); drop documents now gone
        (``stems``: every document there is; None: the same as before)."""
        if self.db is None:
            return
        try:
            self._save(output_dir, None if stems is None else set(stems))
        except (sqlite3.Error, OSError):
            self._discard()

    def _save(self, output_dir: Path, stems: set[str] | None) -> None:
        assert self.db is not None
        db = self.db
        db.execute("BEGIN")
        for stem in set(self.documents) - stems if stems is not None else ():
            db.execute("DELETE FROM documents WHERE stem = ?", (stem,))  # (tables loaded)
        base = str(output_dir)  # os.path.join, not a Path per file: 83 -> 37 ms for 5,000 files
        db.executemany("INSERT OR REPLACE INTO documents VALUES (?, ?, ?, ?)",
                       ((stem, fingerprint, json.dumps(summary, ensure_ascii=False),
                         json.dumps({rel: file_stat(os.path.join(base, rel)) for rel in files}))
                        for stem, (fingerprint, summary, files) in self._new_documents.items()))
        db.executemany("INSERT OR REPLACE INTO inputs VALUES (?, ?, ?)",
                       [(rel, json.dumps(stat), value)
                        for rel, (stat, value) in self._new_inputs.items()])
        db.executemany("INSERT OR REPLACE INTO citations VALUES (?, ?)",
                       list(self._new_citations.items()))
        db.executemany("INSERT OR REPLACE INTO site VALUES (?, ?)", list(self._new_site.items()))
        db.executemany("INSERT OR REPLACE INTO pages VALUES (?, ?, ?)",
                       [(path, key, json.dumps(file_stat(os.path.join(base, path))))
                        for path, key in self._new_pages.items()])
        db.execute("COMMIT")

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None


_CHANGES = ":changes"  # the key of the changes recorded over a ``site`` record


def read_only(path: Path) -> sqlite3.Connection:
    """A connection to the cache at ``path`` that reads it and never changes it (a worker's,
    or the published output's check): the path as a file URI, so that a folder named with
    ``?``, ``#`` or ``%`` is the folder opened."""
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def _document_entry(fingerprint: Any, summary: str,
                    files: str) -> tuple[str, dict, dict] | None:
    """A ``documents`` row as the cache keeps it, or None when it is not of the shape
    written (a cache edited by hand): a summary that is a mapping, and the stat of each
    output file (a list, or None before the build saved it) by path."""
    try:
        summary_, files_ = json.loads(summary), json.loads(files)
    except (TypeError, ValueError):
        return None
    if not (isinstance(fingerprint, str) and isinstance(summary_, dict)
            and isinstance(files_, dict)
            and all(stat is None or isinstance(stat, list) for stat in files_.values())):
        return None
    return fingerprint, summary_, files_


def read_site(db: sqlite3.Connection, key: str) -> Any:
    """:meth:`BuildCache.site` from a connection to the cache (``published`` opens its own,
    read-only, in a child process)."""
    value = _site_value(db, key)
    changes = _site_value(db, key + _CHANGES) if value is not None else None
    return value if changes is None else _changed(value, changes)


def _site_value(db: sqlite3.Connection, key: str) -> Any:
    try:
        row = db.execute("SELECT value FROM site WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None
    except (sqlite3.Error, ValueError):
        return None


def changes_between(old: Any, new: Any) -> dict[str, Any]:
    """What :meth:`BuildCache.put_site_changes` needs to make mapping ``old`` into ``new``:
    the keys whose values differ, nested mappings compared key by key, None for a key gone."""
    changes: dict[str, Any] = {key: None for key in old if key not in new}
    for key, value in new.items():
        before = old.get(key)
        if before == value:
            continue
        both = isinstance(before, dict) and isinstance(value, dict)
        changes[key] = changes_between(before, value) if both else value
    return changes


def _changed(value: Any, changes: Any) -> Any:
    """``value`` with ``changes`` applied (each a mapping, changed in place)."""
    if not (isinstance(value, dict) and isinstance(changes, dict)):
        return changes
    for key, change in changes.items():
        if change is None:
            value.pop(key, None)
        else:
            value[key] = _changed(value.get(key), change) if isinstance(change, dict) else change
    return value


def tree_state(root: Path) -> dict[str, list[int]]:
    """Every file under ``root`` (relative POSIX path -> size, mtime, inode); {} if missing."""
    found: dict[str, list[int]] = {}
    pending = [("", str(root))]
    while pending:
        rel, path = pending.pop()
        try:
            entries = list(os.scandir(path))
        except OSError:
            continue
        for entry in entries:
            name = f"{rel}/{entry.name}" if rel else entry.name
            if entry.is_dir(follow_symlinks=False):
                pending.append((name, entry.path))
            else:
                info = entry.stat(follow_symlinks=False)
                found[name] = [info.st_size, info.st_mtime_ns, info.st_ino]
    return found
