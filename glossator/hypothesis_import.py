"""``import-hypothesis``: the notes of a Hypothesis export into ``annotations/<stem>.yaml``.

The export is a Hypothesis API search result (``{"total": N, "rows": [...]}``). Each row that
is a note on a passage of the document becomes a note: its ``quote`` is the passage as it is
in the document's anchor text (found from the row's ``TextQuoteSelector``), with a ``prefix``
or ``suffix`` only when the quote occurs more than once (the fewest whole words of the
document's own text that pick the right occurrence), the row's text as ``note`` and its user's
display name (else the name in ``acct:name@host``) as ``author``. Tags are not imported (notes
have none). Each note gets an explicit ``id`` made from its quote, and a comment naming the
Hypothesis annotation it came from, by which a second import of the same export skips it.

Skipped, each with a reason: replies, page notes (no selector), highlights without text, notes
on another page, rows already imported, text with an error Glossator would refuse (such as a
``javascript:`` link), and rows whose quote does not anchor: not found (a quote copied from the
live page may take in a note number, a paragraph number or note text) or found several times
with a context (``prefix``/``suffix`` of the page) that does not pick out one occurrence.

The notes are inserted as text at the end of the ``notes`` list (:mod:`glossator.yamledit`),
so the file's comments, blank lines, key order and quoting stay as they were. Before the file
is replaced (atomically), the new text is loaded and the new notes anchored exactly as a build
does; the file is left untouched when that fails.
"""

from __future__ import annotations

import json
import re
import tempfile
from dataclasses import dataclass, field
from os.path import commonprefix
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .errors import BuildFailed, Diagnostics, Location
from .inventory import notes_file
from .loaders import did_you_mean, load_annotations, load_yaml_file
from .markdown import Where, make_markdown, render_fragment
from .markdown.anchors import anchor_notes
from .markdown.anchortext import AnchorText, build_anchor_text
from .markdown.matching import MatchText, find_all, followed_by, normalize_query, preceded_by
from .models import Note, Source
from .site import load_site
from .slugs import slug
from .yamledit import Item, YamlEditError, append_items, replace_file
from .yamlio import YamlDoc

PROVENANCE = re.compile(r"#\s*Hypothesis annotation (\S+)")
NOT_FOUND = ("quote not found in the document's text (a quote copied from the page may take in "
             "a note number, a paragraph number or the text of a note)")


class ImportFailed(BuildFailed):
    """Nothing was imported: the site, the export or the annotation file has a problem."""


@dataclass
class ImportReport:
    path: str  # the annotation file, relative to the site root
    rows: int = 0  # rows in the export
    imported: list[str] = field(default_factory=list)  # ids of the notes added
    messages: list[str] = field(default_factory=list)  # "row <id>: skipped: <reason>"
    warnings: list[str] = field(default_factory=list)
    created: bool = False  # the annotation file did not exist before

    @property
    def skipped(self) -> int:
        return len(self.messages)


@dataclass
class NewNote:
    row_id: str
    provenance: str  # the comment line's text after "# "
    quote: str
    note: str
    start: int  # the passage in the anchor text
    end: int
    prefix: str = ""
    suffix: str = ""
    author: str = ""
    id: str = ""


def import_hypothesis(site_root: Path, export_path: Path, stem: str) -> ImportReport:
    """Append the notes of a Hypothesis export to ``annotations/<stem>.yaml``.

    Raises :class:`ImportFailed` (with located diagnostics) when the site has errors, the
    export cannot be read or the annotation file's ``notes`` cannot be extended; nothing is
    written then.
    """
    diags = Diagnostics()
    data = read_export(export_path, diags)
    site = load_site(site_root, diags)
    if diags.has_errors() or site is None:
        raise ImportFailed(diags)
    rel = notes_file(stem)
    path = site_root / rel
    raw = path.read_bytes().decode("utf-8") if path.exists() else None
    doc = load_yaml_file(site_root, rel, diags) if raw is not None else None
    existing = site.annotations.get(stem)
    rows = _Rows(_source(site.sources, stem, diags), site.config.unsafe_html,
                 set(PROVENANCE.findall(raw or "")), existing.notes if existing else [])
    report = ImportReport(rel, rows=len(data["rows"]), created=raw is None,
                          warnings=_paging_warning(data))
    notes = rows.convert_all(data["rows"], report)
    if notes:
        _name_notes(notes, doc)
        text = _new_text(raw, doc, notes, rows.source)
        _verify(text, rel, rows.source, rows.anchor, notes)
        replace_file(path, text)
        report.imported = [n.id for n in notes]
    return report


def _paging_warning(data: dict[str, Any]) -> list[str]:
    total, rows = data.get("total"), len(data["rows"])
    if isinstance(total, int) and total > rows:
        return [(f"the export holds {rows} of {total} annotations: fetch the others too "
                 "(the Hypothesis API returns its results in pages)")]
    return []


def read_export(path: Path, diags: Diagnostics) -> dict[str, Any]:
    """The export's JSON (``rows`` a list); problems are located errors."""
    where = Location(str(path))
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        diags.error(where, f"cannot read the Hypothesis export: {exc.strerror}")
        return {"rows": []}
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        line, col = (exc.lineno, exc.colno) if isinstance(exc, json.JSONDecodeError) else (1, 1)
        diags.error(Location(str(path), line, col), f"not a JSON file: {exc}")
        return {"rows": []}
    if not isinstance(data, dict) or not isinstance(data.get("rows"), list):
        diags.error(where, "not a Hypothesis export: expected {\"total\": N, \"rows\": [...]}",
                    hints=["save the result of the Hypothesis API's /api/search"])
        return {"rows": []}
    return data


def _source(sources: list[Source], stem: str, diags: Diagnostics) -> Source:
    for source in sources:
        if source.stem == stem:
            return source
    diags.error(Location(f"sources/{stem}.md"), f"no source sources/{stem}.md",
                hints=did_you_mean(stem, [s.stem for s in sources]))
    raise ImportFailed(diags)


def anchor_text(source: Source, *, unsafe_html: bool) -> AnchorText:
    """The anchor text of ``source``'s body, as a build computes it."""
    return build_anchor_text(make_markdown(unsafe_html=unsafe_html).parse(source.body, {}))


# Rows ----------------------------------------------------------------------------------------

class _Rows:
    """Turns export rows into new notes for one source, or into reasons to skip them."""

    def __init__(self, source: Source, unsafe_html: bool, done: set[str],
                 existing: list[Note]):
        self.source, self.unsafe_html, self.done = source, unsafe_html, done
        self.anchor = anchor_text(source, unsafe_html=unsafe_html)
        self.match = MatchText.of(self.anchor.text)
        self.written = {(normalize_query(n.quote), n.note.strip()) for n in existing}

    def convert_all(self, rows: list, report: ImportReport) -> list[NewNote]:
        notes = []
        for index, row in enumerate(rows):
            result = self.convert(row)
            if isinstance(result, str):
                row_id = row.get("id") if isinstance(row, dict) else None
                report.messages.append(f"row {row_id or f'#{index + 1}'}: skipped: {result}")
            else:
                self.done.add(result.row_id)
                self.written.add((normalize_query(result.quote), result.note.strip()))
                notes.append(result)
        return notes

    def convert(self, row: Any) -> NewNote | str:
        """The note a row becomes, or why it is skipped."""
        target = row.get("target") if isinstance(row, dict) else None
        if not isinstance(target, list) or not target or not isinstance(target[0], dict):
            return "not an annotation (no target)"
        if row.get("references"):
            return "a reply to another annotation"
        selectors = [s for s in target[0].get("selector") or [] if isinstance(s, dict)]
        quote = next((s for s in selectors if s.get("type") == "TextQuoteSelector"), None)
        text = str(row.get("text") or "").replace("\r\n", "\n").strip()
        if not selectors:
            return "a page note (it quotes no passage)"
        if quote is None or not str(quote.get("exact") or "").strip():
            return "no quoted passage (no TextQuoteSelector)"
        if not text:
            return "a highlight without a note"
        return self._checked(row, str(target[0].get("source") or row.get("uri") or ""),
                             quote, text)

    def _checked(self, row: dict, uri: str, quote: dict, text: str) -> NewNote | str:
        if uri and not _same_page(uri, self.source.slug):
            return f"annotates another page ({uri})"
        if str(row.get("id")) in self.done:
            return "already imported"
        problem = _markdown_problem(text, self.unsafe_html)
        if problem:
            return f"its text would not build: {problem}"
        note = _anchored(row, quote, text, self.match)
        if not isinstance(note, str) and (normalize_query(note.quote),
                                          note.note.strip()) in self.written:
            return "already imported (the file has a note with this quote and text)"
        return note


def _same_page(uri: str, page_slug: str) -> bool:
    parts = [p for p in urlsplit(uri).path.split("/") if p]
    if parts and parts[-1] in ("index.html", "index.htm"):
        parts.pop()
    return bool(parts) and parts[-1] == page_slug


def _markdown_problem(text: str, unsafe_html: bool) -> str | None:
    diags = Diagnostics()
    render_fragment(make_markdown(unsafe_html=unsafe_html), text,
                    where=Where("note", 1, text.split("\n")), glossary=None, diags=diags,
                    unsafe_html=unsafe_html)
    return diags.errors[0].message if diags.errors else None


def _anchored(row: dict, quote: dict, text: str, match: MatchText) -> NewNote | str:
    needle = normalize_query(str(quote["exact"]))
    found = find_all(match.key, needle)
    if not found:
        return NOT_FOUND
    k = found[0] if len(found) == 1 else _by_context(match.key, found, len(needle), quote)
    if k is None:
        return (f"the quote occurs {len(found)} times in the document's text and its context "
                "on the page does not pick out one")
    start, end = match.to_orig_start(k), match.to_orig_end(k + len(needle))
    note = NewNote(str(row["id"]), _provenance(row), _tidy(match.text[start:end]),
                   text + "\n", start, end, author=_author(row))
    note.prefix, note.suffix = _shortest_context(match, found, k, len(needle))
    return note


def _by_context(key: str, found: list[int], length: int, quote: dict) -> int | None:
    """The occurrence whose surroundings agree best with the selector's prefix and suffix."""
    prefix = normalize_query(str(quote.get("prefix") or ""))
    suffix = normalize_query(str(quote.get("suffix") or ""))
    scores = {k: len(commonprefix([key[:k].rstrip()[::-1], prefix[::-1]]))
              + len(commonprefix([key[k + length:].lstrip(), suffix])) for k in found}
    best = max(scores.values())
    winners = [k for k, score in scores.items() if score == best]
    return winners[0] if best > 0 and len(winners) == 1 else None


def _shortest_context(match: MatchText, found: list[int], k: int, n: int) -> tuple[str, str]:
    """The fewest whole words of prefix, or of suffix, that make occurrence ``k`` the only one.

    Words are those of the key (white space collapsed), so a prefix may start, and a suffix
    end, in the middle of a word of the text only where the quote itself does.
    """
    if len(found) == 1:
        return "", ""
    key = match.key
    head, tail = key[:k].rstrip(" "), key[k + n:].lstrip(" ")
    before, after, tail_at = head.split(" "), tail.split(" "), len(key) - len(tail)
    for words in range(1, max(len(before), len(after)) + 1):
        prefix, suffix = " ".join(before[-words:]), " ".join(after[:words])
        options = []
        if prefix and [j for j in found if preceded_by(key, j, prefix)] == [k]:
            options.append((len(prefix), 0, _original(match, len(head) - len(prefix), prefix)))
        if suffix and [j for j in found if followed_by(key, j + n, suffix)] == [k]:
            options.append((len(suffix), 1, _original(match, tail_at, suffix)))
        if options:
            _, kind, value = min(options)
            return (value, "") if kind == 0 else ("", value)
    return "", ""


def _original(match: MatchText, k: int, value: str) -> str:
    """The text's own characters for the key's ``value`` at ``k`` (curly quotes and all)."""
    return _tidy(match.text[match.to_orig_start(k):match.to_orig_end(k + len(value))])


def _tidy(text: str) -> str:
    return " ".join(text.split())


def _author(row: dict) -> str:
    name = str((row.get("user_info") or {}).get("display_name") or "").strip()
    account = re.fullmatch(r"acct:([^@]+)@.*", str(row.get("user") or ""))
    return name or (account.group(1) if account else "")


def _provenance(row: dict) -> str:
    user = str(row.get("user") or "").removeprefix("acct:")
    day = str(row.get("created") or "")[:10]
    return f"Hypothesis annotation {row['id']}" + (f" by {user}" if user else "") + (
        f", {day}" if day else "")


def _name_notes(notes: list[NewNote], doc: YamlDoc | None) -> None:
    """Explicit ids from each quote's first words, unique among the file's ids and defaults."""
    items = (doc.value or {}).get("notes") if doc is not None and isinstance(doc.value, dict) \
        else None
    items = items if isinstance(items, list) else []
    taken = {str(item.get("id")) for item in items if isinstance(item, dict) and "id" in item}
    taken |= {f"n{i}" for i in range(1, len(items) + len(notes) + 1)}
    for note in notes:
        base = "-".join(slug(note.quote).split("-")[:5])[:40].strip("-") or "hypothesis"
        note.id, number = base, 1
        while note.id in taken:
            number += 1
            note.id = f"{base}-{number}"
        taken.add(note.id)


# Writing -------------------------------------------------------------------------------------

def _new_text(raw: str | None, doc: YamlDoc | None, notes: list[NewNote],
              source: Source) -> str:
    items = [Item([(k, v) for k, v in (("id", n.id), ("quote", n.quote), ("prefix", n.prefix),
                                       ("suffix", n.suffix), ("note", n.note),
                                       ("author", n.author)) if v], n.provenance)
             for n in notes]
    try:
        return append_items(raw, doc, "notes", items, header=f"Notes on {source.path}",
                            blocks=frozenset({"note"}))
    except YamlEditError as exc:
        diags = Diagnostics()
        diags.error(exc.location, exc.message, hints=[exc.hint])
        raise ImportFailed(diags) from exc


def _verify(text: str, rel: str, source: Source, anchor: AnchorText,
            notes: list[NewNote]) -> None:
    """Load ``text`` as a build would and anchor the new notes; they must land exactly."""
    diags = Diagnostics()
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / rel).parent.mkdir(parents=True)
        (Path(tmp) / rel).write_text(text, encoding="utf-8")
        loaded = load_annotations(Path(tmp), rel, diags)
    wanted = {n.id: (n.start, n.end) for n in notes}
    new = [n for n in (loaded.notes if loaded else []) if n.id in wanted]
    spans = anchor_notes(anchor, new, source_path=source.path, body_line=source.body_line,
                         diags=diags)
    if diags.has_errors() or {s.note.id: (s.start, s.end) for s in spans} != wanted:
        diags.error(Location(rel), "the imported notes would not anchor as intended; "
                    "nothing was written (please report this)")
        raise ImportFailed(diags)
