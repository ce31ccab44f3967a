"""Full-text search with Pagefind: documents, notes and glossary entries as results.

Pagefind indexes HTML files, one result per file. Documents are indexed from their pages
(notes, definitions and the citation block left out); each note and each glossary entry gets
a small *record* file of its own, so that it is a result of its own, filtered by ``type``
(``document``, ``note``, ``glossary``) and ``tag``. A record's ``target`` metadata is the
address it opens (the document at the note, the glossary at the entry), relative to the
site's root, and the search page links there. Records are made from the documents'
summaries when the index is built, written into the staged site for Pagefind's run, and
never published.

Pagefind runs once over the whole staged site (``python -m pagefind``); its files are
returned as ``{"pagefind/…": bytes}`` for the writer. When no page changed, the published
index is kept as it is (Pagefind has no incremental mode and costs seconds on large sites).
"""

from __future__ import annotations

import html
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from . import inventory as inv
from .documents import DocumentSummary
from .models import Term

SEARCH_DIR = "pagefind"
RECORDS_IN_STAGING = ".glossator-search-records"  # present only while Pagefind runs
# Page parts that are not the document's own text (notes and definitions have records).
EXCLUDED = (".margin-note", ".permalink", ".note-ref", ".page-glossary", ".citation",
            ".prev-next", ".notes-toggle", ".visually-hidden")


class SearchFailed(Exception):
    """Pagefind could not be run or failed; the message says why."""


def _record(*, lang: str, title: str, body: str, kind: str, target: str,
            tags: list[str] = (), context: str = "") -> str:
    """One search record: a page whose only text is ``body``."""
    esc = html.escape
    filters = "".join(f'<span data-pagefind-filter="tag">{esc(t)}</span>' for t in tags)
    return (f'<!DOCTYPE html><html lang="{esc(lang)}"><head><meta charset="utf-8">'
            f"<title>{esc(title)}</title></head><body>"
            f'<main data-pagefind-body>'
            f'<div data-pagefind-ignore hidden>'
            f'<span data-pagefind-meta="target">{esc(target)}</span>'
            f'<span data-pagefind-meta="context">{esc(context)}</span>'
            f'<span data-pagefind-filter="type">{kind}</span>{filters}</div>'
            f"<h1>{esc(title)}</h1>{body}</main></body></html>")


def note_records(doc: DocumentSummary) -> dict[str, str]:
    """A record per note: its passage and text; it opens the document at the note."""
    s = doc.source
    records = {}
    for note in doc.notes:
        target = inv.document_page(s.slug) + f"#note-{note['id']}"
        body = f"<blockquote>{html.escape(note['passage'])}</blockquote>{note['html']}"
        records[f"notes/{s.slug}/{note['id']}.html"] = _record(
            lang=s.language, title=f"Note {note['number']}: {_shortened(note['passage'])}",
            body=body, kind="note", target=target, tags=s.tags, context=s.title)
    return records


def _shortened(text: str, limit: int = 60) -> str:
    """``text`` cut at a word boundary before ``limit`` characters, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def term_records(terms: list[Term], definitions: dict[str, str], language: str) -> dict[str, str]:
    """A record per glossary entry; it opens the glossary at the entry."""
    return {f"glossary/{t.id}.html": _record(
        lang=language, title=t.term, body=definitions[t.id] + "".join(
            f"<p>{html.escape(a)}</p>" for a in t.aliases),
        kind="glossary", target=f"{inv.GLOSSARY_PAGE}#{t.id}", context="Glossary")
        for t in terms}


def site_records(documents: list[DocumentSummary], terms: list[Term],
                 definitions: dict[str, str], language: str) -> dict[str, str]:
    """Every record of a site: its documents' notes and its glossary entries."""
    records = term_records(terms, definitions, language)
    for doc in documents:
        records.update(note_records(doc))
    return records


def index_staged_site(staging: Path, records: dict[str, str], *,
                      background: bool = False) -> dict[str, bytes]:
    """Run Pagefind over the staged pages and the records; return its files.

    The records are written into the staged site for the run, and removed again before
    anything is published. ``background``: Pagefind runs at the lowest CPU priority.
    """
    with tempfile.TemporaryDirectory(prefix="pagefind-", dir=staging.parent) as tmp:
        out = Path(tmp) / "index"
        folder = staging / RECORDS_IN_STAGING
        try:
            for rel, text in records.items():
                path = folder / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
            _run_pagefind(staging, out, background=background)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return {f"{SEARCH_DIR}/{p.relative_to(out).as_posix()}": p.read_bytes()
                for p in sorted(out.rglob("*")) if p.is_file()}


def index_output(output_dir: Path, records: dict[str, str], work_dir: Path) -> dict[str, bytes]:
    """Pagefind's files for the published site (read, never changed: ``serve`` runs this in
    the background while the site is being served, Pagefind at the lowest CPU priority so
    that the next rebuild is not slowed down). ``work_dir`` is on the same filesystem as the
    output, for hard links."""
    work_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="pagefind-", dir=work_dir) as tmp:
        site = Path(tmp) / "site"
        shutil.copytree(output_dir, site, copy_function=os.link,
                        ignore=shutil.ignore_patterns(SEARCH_DIR))
        return index_staged_site(site, records, background=True)


def keep_index(writer: Any, output_dir: Path) -> None:
    """Publish the current index again, as it is (when no page changed, or no search)."""
    index_dir = output_dir / SEARCH_DIR
    if index_dir.is_dir():
        for path in sorted(index_dir.rglob("*")):
            if path.is_file():
                writer.keep(f"{SEARCH_DIR}/{path.relative_to(index_dir).as_posix()}")


def pagefind_command(tree: Path, out: Path, *, background: bool = False) -> list[str]:
    """Pagefind's command line; in the ``background``, under ``nice -n 19`` where there is one."""
    command = [sys.executable, "-m", "pagefind", "--site", str(tree), "--output-path", str(out),
               "--exclude-selectors", ", ".join(EXCLUDED), "--silent"]
    nice = shutil.which("nice") if background else None
    return [nice, "-n", "19", *command] if nice else command


def _run_pagefind(tree: Path, out: Path, *, background: bool = False) -> None:
    command = pagefind_command(tree, out, background=background)
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=3600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SearchFailed(f"could not run Pagefind: {exc}") from exc
    if result.returncode != 0 or not (out / "pagefind.js").is_file():
        detail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no output"]
        raise SearchFailed(f"Pagefind failed: {detail[0]}")
