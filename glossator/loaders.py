"""Text → validated models, every problem located.

Each loader reads one kind of input file, validates it against its schema
(:mod:`glossator.schema`) and returns plain models (:mod:`glossator.models`); problems go to the
shared :class:`~glossator.errors.Diagnostics` and the loader carries on, so one run reports
everything.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import replace
from pathlib import Path

from . import schema
from .config import SiteConfig, config_from_yaml
from .errors import Diagnostics, Location
from .inventory import CONFIG_FILE, Inventory, notes_file
from .models import Annotations, Glossary, Note, Source, Term, Via
from .slugs import RESERVED_SLUGS, slug
from .yamlio import FrontMatter, YamlDoc, load_yaml, read_text, split_front_matter

NOTE_ID = re.compile(r"^[a-z0-9-]+$")


def read_file(root: Path, rel: str, diags: Diagnostics) -> str | None:
    """The text of an input file: UTF-8, BOM removed, line ends normalised, NFC."""
    try:
        data = (root / rel).read_bytes()
    except OSError as exc:
        diags.error(Location(rel), f"cannot read this file: {exc.strerror}")
        return None
    text = read_text(data, rel, diags)
    return None if text is None else unicodedata.normalize("NFC", text)


def load_yaml_file(root: Path, rel: str, diags: Diagnostics) -> YamlDoc | None:
    text = read_file(root, rel, diags)
    return None if text is None else load_yaml(text, rel, diags)


def load_config(root: Path, diags: Diagnostics) -> SiteConfig | None:
    if not (root / CONFIG_FILE).is_file():
        diags.error(Location(CONFIG_FILE), "no site_config.yaml in this folder",
                    hints=[f"is {root} the site's root folder? `glossator init DIR` creates a "
                           "new site"])
        return None
    return config_from_yaml(load_yaml_file(root, CONFIG_FILE, diags), diags)


# Sources ------------------------------------------------------------------------------------

def _read_source_file(root: Path, rel: str, diags: Diagnostics) -> FrontMatter | None:
    """A source file read and split into its front matter and its Markdown body."""
    text = read_file(root, rel, diags)
    return None if text is None else split_front_matter(text, rel, diags)


def load_source(root: Path, rel: str, config: SiteConfig, diags: Diagnostics) -> Source | None:
    parts = _read_source_file(root, rel, diags)
    if parts is None:
        return None
    doc = load_yaml(parts.yaml_text, rel, diags, line_offset=parts.yaml_line)
    if doc is None:
        return None
    if doc.value is None:
        diags.error(Location(rel), "the front matter is empty",
                    hints=["a source needs at least title, date, added and publisher"])
        return None
    values = schema.check_mapping(doc, (), schema.SOURCE, diags, what="the front matter")
    if values is None or any(f.required and f.name not in values for f in schema.SOURCE):
        return None
    stem = Inventory.stem(rel)
    values["via"] = _load_via(doc, diags)
    values["language"] = values.get("language") or config.language
    values["slug"] = _source_slug(doc, stem, values.get("slug"), diags)
    if values["slug"] is None:
        return None
    locations = {(key,): doc.key_loc(key) for key in doc.value}
    locations.update({("tags", i): doc.loc("tags", i) for i in range(len(values["tags"]))})
    return Source(stem=stem, path=rel, body=parts.body, body_line=parts.body_line,
                  location=Location(rel), field_locations=locations, **values)


def read_body(root: Path, source: Source, diags: Diagnostics) -> Source | None:
    """``source`` (loaded by :func:`load_source`, without its body) with its body read from
    its file again: a build's load phase keeps only the front matter, and the worker that
    renders the document reads the body itself (docs/performance.md, fourteenth pass)."""
    parts = _read_source_file(root, source.path, diags)
    if parts is None:
        return None
    return replace(source, body=parts.body, body_line=parts.body_line)


def _source_slug(doc: YamlDoc, stem: str, explicit: str | None, diags: Diagnostics) -> str | None:
    value = explicit or slug(stem)
    where = doc.loc("slug") if explicit else Location(doc.path)
    if not value:
        diags.error(where, f"the file name '{stem}' gives an empty slug",
                    hints=["add `slug:` with lower-case letters, digits and hyphens"])
        return None
    if value in RESERVED_SLUGS:
        diags.error(where, f"the slug '{value}' is reserved for the site's own pages",
                    hints=[f"add `slug:` with another name (reserved: "
                           f"{', '.join(sorted(RESERVED_SLUGS))})"])
        return None
    return value


def _load_via(doc: YamlDoc, diags: Diagnostics) -> list[Via]:
    entries = doc.value.get("via") or []
    if not isinstance(entries, list):
        diags.error(doc.loc("via"), "via: expected a list of publications",
                    hints=["each item is a mapping with at least `publisher:`"])
        return []
    result = []
    for i in range(len(entries)):
        values = schema.check_mapping(doc, ("via", i), schema.VIA, diags, what="a via entry")
        if values is None or "publisher" not in values:
            continue
        if not values.get("url") and "url" not in entries[i]:  # a bad one is an error already
            diags.warning(doc.loc("via", i), f"via entry '{values['publisher']}' has no url",
                          hints=["add `url:` so readers can find the republication"])
        result.append(Via(**values))
    return result


# Annotations -------------------------------------------------------------------------------

def load_annotations(root: Path, rel: str, diags: Diagnostics) -> Annotations | None:
    doc = load_yaml_file(root, rel, diags)
    if doc is None:
        return None
    stem = Inventory.stem(rel)
    if doc.value is None:
        return Annotations(stem, rel)
    values = schema.check_mapping(doc, (), schema.ANNOTATIONS, diags, what="an annotation file")
    if values is None:
        return None
    notes = doc.value.get("notes")
    if notes is not None and not isinstance(notes, list):
        diags.error(doc.loc("notes"), "notes: expected a list of notes",
                    hints=["each note starts with '- quote: …'"])
        notes = []
    return Annotations(stem, rel, values["introduction"], _load_notes(doc, notes or [], diags),
                       introduction_start=doc.content_start("introduction"),
                       introduction_flat=doc.style("introduction") != "|")


def _load_notes(doc: YamlDoc, items: list, diags: Diagnostics) -> list[Note]:
    notes: list[Note] = []
    for i in range(len(items)):
        values = schema.check_mapping(doc, ("notes", i), schema.NOTE, diags, what="a note")
        if values is None or "quote" not in values or "note" not in values:
            continue
        note_id = values.pop("id") or f"n{i + 1}"
        if not NOTE_ID.match(note_id):
            diags.error(doc.loc("notes", i, "id"), f"invalid note id '{note_id}'",
                        hints=["use lower-case letters, digits and hyphens"])
            continue
        if not values["quote"].strip():
            diags.error(doc.loc("notes", i, "quote"), "empty quote",
                        hints=["quote the passage the note is about"])
            continue
        notes.append(Note(id=note_id, location=doc.loc("notes", i, "quote"),
                          note_location=doc.content_start("notes", i, "note"),
                          note_flat=doc.style("notes", i, "note") != "|",
                          prefix_location=doc.loc("notes", i, "prefix"),
                          suffix_location=doc.loc("notes", i, "suffix"), **values))
    _check_note_ids(doc, items, notes, diags)
    return notes


def _check_note_ids(doc: YamlDoc, items: list, notes: list[Note], diags: Diagnostics) -> None:
    """An explicit id must not collide with another note's id, given or default."""
    ids: dict[str, int] = {}
    for i, item in enumerate(items):
        explicit = item.get("id") if isinstance(item, dict) else None
        note_id = str(explicit) if explicit is not None else f"n{i + 1}"
        if note_id in ids:
            first = ids[note_id]
            where = doc.loc("notes", i, "id") if explicit is not None else doc.loc("notes", i)
            first_default = not isinstance(items[first], dict) or items[first].get("id") is None
            details = [f"note {first + 1} (line {doc.loc('notes', first).line}) has the same id"
                       + (" by default (a note without `id:` is n<its number>)"
                          if first_default else "")]
            if explicit is None:
                details.append(f"this note has no `id:`, so its id is {note_id} by default")
            diags.error(where, f"duplicate note id '{note_id}'", details=details,
                        hints=["give each note its own `id:`"])
            notes[:] = [n for n in notes if n.id != note_id]
        else:
            ids[note_id] = i


# Glossary ----------------------------------------------------------------------------------

def read_document(root: Path, source_rel: str, config: SiteConfig,
                  diags: Diagnostics) -> tuple[Source, Annotations | None] | None:
    """A source and its notes file, if it has one; None when either does not load (the
    problems are in ``diags``)."""
    source = load_source(root, source_rel, config, diags)
    if source is None:
        return None
    rel = notes_file(source.stem)
    if not (root / rel).is_file():
        return source, None
    notes = load_annotations(root, rel, diags)
    return None if notes is None else (source, notes)


def load_glossary(root: Path, rel: str | None, diags: Diagnostics) -> Glossary:
    if rel is None:
        return Glossary()
    doc = load_yaml_file(root, rel, diags)
    if doc is None or doc.value is None:
        return Glossary(path=rel)
    values = schema.check_mapping(doc, (), schema.GLOSSARY, diags, what="the glossary")
    items = (values or {}).get("terms")
    if not isinstance(items, list):
        if values and "terms" in values:
            diags.error(doc.loc("terms"), "terms: expected a list of terms")
        return Glossary(path=rel)
    terms = [t for i in range(len(items)) if (t := _load_term(doc, i, diags)) is not None]
    return Glossary(_check_terms(doc, terms, diags), rel)


def _load_term(doc: YamlDoc, i: int, diags: Diagnostics) -> Term | None:
    values = schema.check_mapping(doc, ("terms", i), schema.TERM, diags, what="a glossary term")
    if values is None or "term" not in values or "definition" not in values:
        return None
    term_id = values.pop("id") or slug(values["term"])
    if not term_id:
        diags.error(doc.loc("terms", i, "term"), f"the term '{values['term']}' gives an "
                    "empty id", hints=["add `id:` with lower-case letters, digits and hyphens"])
        return None
    return Term(id=term_id, location=doc.loc("terms", i, "term"),
                definition_location=doc.content_start("terms", i, "definition"),
                definition_flat=doc.style("terms", i, "definition") != "|", **values)


def _check_terms(doc: YamlDoc, terms: list[Term], diags: Diagnostics) -> list[Term]:
    """Ids unique; no spelling (term or alias) claimed by two entries."""
    from .markdown.matching import normalize_query

    kept: list[Term] = []
    ids: dict[str, Term] = {}
    spellings: dict[str, Term] = {}
    for term in terms:
        if term.id in ids:
            _duplicate(diags, term, ids[term.id], f"glossary id '{term.id}'",
                       hint="give one of them another `id:`")
            continue
        clash = False
        for spelling in [term.term, *term.aliases]:
            key = normalize_query(spelling)
            fold = key if term.case_sensitive else key.lower()
            other = spellings.get(key) or spellings.get(key.lower()) or spellings.get(fold)
            if other is not None and other is not term:
                _duplicate(diags, term, other, f"glossary spelling '{spelling}'")
                clash = True
            spellings.setdefault(fold, term)
            alias_id = slug(spelling)
            if spelling != term.term and alias_id in ids and ids[alias_id] is not term:
                _duplicate(diags, term, ids[alias_id], f"alias id '{alias_id}'")
                clash = True
        if not clash:
            ids[term.id] = term
            kept.append(term)
    return kept


def _duplicate(diags: Diagnostics, term: Term, first: Term, what: str, *,
               hint: str = "each term, alias and id belongs to one entry") -> None:
    line = first.location.line if first.location else 1
    diags.error(term.location or Location("annotations/glossary.yaml"),
                f"duplicate {what}: also used by '{first.term}' (line {line})", hints=[hint])


def did_you_mean(name: str, choices: list[str]) -> list[str]:
    close = difflib.get_close_matches(name, choices, n=1, cutoff=0.6)
    return [f"did you mean '{close[0]}'?"] if close else []
