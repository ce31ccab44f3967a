"""Generate the benchmark corpus: N annotated documents for Glossator, MkDocs, Pelican, Hugo.

    /work/main/.venv/bin/python bench/make_corpus.py 1000            # → bench/corpus/1000/
    /work/main/.venv/bin/python bench/make_corpus.py 100 --verify    # + a strict Glossator build

Each document is an invented diplomatic text of 1,000–2,000 words (paragraphs with emphasis,
bold, links and inline code, bulleted and numbered lists, block quotes, headings, and now and
then a fenced code block) with 10–20 notes quoting it, plus one 200-term glossary. The output
folder holds four sites with the same Markdown bodies:

    corpus/N/glossator/  site_config.yaml, sources/*.md, annotations/*.yaml (+ glossary.yaml)
    corpus/N/mkdocs/     mkdocs.yml (default theme, search plugin, nav: [index.md]), docs/*.md
    corpus/N/pelican/    pelicanconf.py (Pelican's defaults), content/*.md
    corpus/N/hugo/       hugo.toml, two minimal layouts, content/docs/*.md

The corpus is deterministic: document i is drawn from ``Random(f"{seed}:doc:{i}")``, so it is
the same at every N from 100 up (the 100-document corpus is the first 100 documents of the
1,000 one; below 100, each document also names more glossary terms, so that all are used).
Every quote is checked while generating with Glossator's own anchoring (the anchor text of
the parsed body, the matching key, ``find_all`` and the prefix/suffix rules) to anchor exactly
once; ``--verify`` also runs ``glossator build --strict --no-search`` on the result.

Needs Glossator importable: run it with Glossator's virtualenv (``/work/main/.venv``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from multiprocessing import Pool
from pathlib import Path

import vocabulary as V

from glossator.markdown import make_markdown
from glossator.markdown.anchortext import build_anchor_text
from glossator.markdown.matching import (
    MatchText,
    find_all,
    followed_by,
    normalize_query,
    preceded_by,
)
from glossator.slugs import slug

BENCH = Path(__file__).resolve().parent
CORPUS = BENCH / "corpus"
SEED = 20261127
GENERATOR_VERSION = 1  # bump when the output changes, so stale corpora are regenerated
N_TERMS = 200
GUARANTEED_BLOCK = 100  # documents 0..99 between them use every glossary term at least once


# Glossary ---------------------------------------------------------------------------------

@dataclass
class Term:
    term: str
    definition: str
    aliases: list[str] = field(default_factory=list)
    case_sensitive: bool = True


def make_places() -> list[str]:
    """The invented place names (prose only), in a fixed order."""
    return [s + e for e in V.PLACE_ENDS for s in V.PLACE_STARTS]


def make_glossary(seed: int, places: list[str]) -> list[Term]:
    """200 terms: 160 named instruments ("Ashwick Convention") and 40 technical terms."""
    rng = random.Random(f"{seed}:glossary")
    names = [s + e for s in V.TERM_NAME_STARTS for e in V.TERM_NAME_ENDS]
    named = [(n, k) for n in names for k in V.TERM_KINDS]
    rng.shuffle(named)
    tech = [(a, n) for a in V.TECH_ADJECTIVES for n in V.TECH_NOUNS]
    rng.shuffle(tech)
    prose = Prose(rng, places)
    terms = []
    for name, kind in named[:160]:
        aliases = [f"{kind} of {name}"] if rng.random() < 0.3 else []
        terms.append(Term(f"{name} {kind}", prose.definition(), aliases))
    for adj, noun in tech[:N_TERMS - 160]:
        aliases = [f"{adj} {noun}s"] if rng.random() < 0.4 else []
        terms.append(Term(f"{adj} {noun}", prose.definition(), aliases, case_sensitive=False))
    rng.shuffle(terms)
    return terms


# Prose ------------------------------------------------------------------------------------

# A sentence is a list of pieces (kind, text): "w" plain words, "p" a phrase that may be
# emphasised or linked, "t" a glossary term (never decorated), "." punctuation (no space before).
Piece = tuple[str, str]


class Prose:
    """Vocabulary-based sentences, deterministic for a given ``random.Random``."""

    def __init__(self, rng: random.Random, places: list[str]):
        self.rng = rng
        self.places = places

    def fill(self, pattern: str) -> str:
        """``pattern`` with its {place}, {n}, {year}… slots filled at random."""
        r = self.rng
        values = {"place": r.choice(self.places), "n": r.randint(2, 40), "n2": r.randint(1, 9),
                  "year": r.randint(1850, 2020), "month": r.choice(V.MONTHS),
                  "roman": r.choice(V.ROMANS), "topic": r.choice(V.TOPICS),
                  "ordinal": r.choice(V.ORDINALS), "person": self.person(),
                  "p1": r.choice(self.places), "p2": r.choice(self.places),
                  "p3": r.choice(self.places), "day": r.randint(1, 28),
                  "code": f"AR-{r.randint(1850, 2020)}-{r.randint(1, 999):03d}",
                  "prio": r.choice(["ROUTINE", "URGENT"])}
        values["PLACE"] = values["place"].upper()
        values["MONTH"] = values["month"].upper()
        if "{subject}" in pattern or "{object}" in pattern:
            values.update(subject=self.fill(r.choice(V.SUBJECTS)),
                          object=r.choice(V.OBJECTS), verb_past=r.choice(V.VERBS_PAST),
                          prep=self.fill(r.choice(V.PREP_PHRASES)))
        return pattern.format(**values)

    def person(self) -> str:
        return f"{self.rng.choice(V.GIVEN_NAMES)} {self.rng.choice(V.FAMILY_NAMES)}"

    def definition(self) -> str:
        return self.fill(self.rng.choice(V.DEFINITION_PATTERNS))

    def sentence(self) -> list[Piece]:
        """One sentence of the body, in one of several shapes."""
        r = self.rng
        subject = self.fill(r.choice(V.SUBJECTS))
        obj = ("p", r.choice(V.OBJECTS))
        prep = ("p", self.fill(r.choice(V.PREP_PHRASES)))
        shape = r.randrange(6)
        if shape == 0:
            pieces = [("w", subject), ("w", r.choice(V.VERBS_PAST)), obj, prep]
        elif shape == 1:
            pieces = [("w", self.fill(r.choice(V.INTROS))), (".", ","), ("w", subject),
                      ("w", r.choice(V.MODALS)), ("w", r.choice(V.VERBS_BASE)), obj, prep]
        elif shape == 2:
            pieces = [("w", subject), ("w", r.choice(V.VERBS_PAST)), ("w", "that"),
                      ("w", self.fill(r.choice(V.SUBJECTS))), ("w", r.choice(V.MODALS)),
                      ("w", r.choice(V.VERBS_BASE)), obj]
        elif shape == 3:
            pieces = [("w", f"In {r.choice(V.MONTHS)} {r.randint(1850, 2020)}"), (".", ","),
                      ("w", subject), ("w", r.choice(V.VERBS_PAST)), obj, ("w", "and"),
                      ("w", r.choice(V.VERBS_PAST)), ("p", r.choice(V.OBJECTS))]
        elif shape == 4:
            pieces = [("w", subject), (".", ","), ("p", r.choice(V.APPOSITIONS)), (".", ","),
                      ("w", r.choice(V.VERBS_PAST)), obj, prep]
        else:
            return [("w", r.choice(V.CLOSING)[:-1]), (".", ".")]
        pieces.append((".", r.choice([".", ".", ".", ";"]) if shape != 5 else "."))
        if pieces[-1][1] == ";":  # a second clause after the semicolon
            pieces += [("w", "the"), ("w", "text"), ("w", "was"), ("w", "then"),
                       ("p", r.choice(["read aloud", "initialled", "sent to the printers",
                                       "translated", "put to the vote"])), (".", ".")]
        return _capitalise(pieces)

    def term_sentence(self, term: Term) -> list[Piece]:
        """A sentence that names a glossary term (or its alias) in plain text."""
        r = self.rng
        spelling = r.choice([term.term, *term.aliases])
        subject = self.fill(r.choice(V.SUBJECTS))
        verb = r.choice(V.VERBS_PAST)
        prep = self.fill(r.choice(V.PREP_PHRASES))
        return _capitalise([("w", subject), ("w", verb), ("w", "the"), ("t", spelling),
                            ("p", prep), (".", ".")])


def _capitalise(pieces: list[Piece]) -> list[Piece]:
    kind, text = pieces[0]
    return [(kind, text[:1].upper() + text[1:]), *pieces[1:]]


def join_pieces(pieces: list[Piece]) -> str:
    out = ""
    for kind, text in pieces:
        out += text if kind == "." or not out else " " + text
    return out


# Inline decoration ----------------------------------------------------------------------------

def decorate(sentence: list[Piece], rng: random.Random, places: list[str]) -> list[Piece]:
    """Maybe wrap one phrase of the sentence in emphasis, bold, a link or inline code."""
    phrases = [i for i, (kind, _) in enumerate(sentence) if kind == "p"]
    roll = rng.random()
    if not phrases or roll > 0.45:
        return sentence
    i = rng.choice(phrases)
    _, text = sentence[i]
    if roll < 0.15:
        text = f"*{text}*"
    elif roll < 0.25:
        text = f"**{text}**"
    elif roll < 0.40:
        target = f"https://archive.example.org/{slug(rng.choice(places))}/{rng.randint(1, 9999)}"
        text = f"[{text}]({target})"
    else:
        code = f"`AR-{rng.randint(1850, 2020)}-{rng.randint(1, 999):03d}`"
        return sentence[:i + 1] + [("w", "(file"), ("w", code), (".", ")")] + sentence[i + 1:]
    return sentence[:i] + [("m", text)] + sentence[i + 1:]


def wrap(text: str, width: int = 96) -> str:
    """Hard-wrap a paragraph, never starting a line with something Markdown would read as
    block syntax (only words that begin with a letter start a line)."""
    lines, line = [], ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width and word[:1].isalpha():
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return "\n".join(lines)


# Documents --------------------------------------------------------------------------------

@dataclass
class Document:
    stem: str
    meta: dict
    body: str
    notes: list[dict] = field(default_factory=list)
    introduction: str | None = None


def guaranteed_terms(i: int, n: int) -> list[int]:
    """Indices of the glossary terms document i must use, so that every term is used."""
    block = min(n, GUARANTEED_BLOCK)
    return [t for t in range(N_TERMS) if t % block == i % block] if i < block else []


def make_body(prose: Prose, words: int, terms: list[Term], must_use: list[int]) -> str:
    """The Markdown body: blocks until about ``words`` words."""
    r = prose.rng
    used_terms = list(must_use) + [r.randrange(len(terms)) for _ in range(r.randint(6, 12))]
    r.shuffle(used_terms)
    blocks: list[str] = []
    count = 0
    code_block_at = r.randint(3, 12) if r.random() < 0.3 else -1
    while count < words:
        k = len(blocks)
        roll = r.random()
        if k == code_block_at:
            block = code_block(prose)
        elif k > 0 and roll < 0.10 and not blocks[-1].startswith("#"):
            block = "## " + prose.fill(r.choice(V.HEADINGS))
        elif roll < 0.22:
            block = bullet_list(prose, ordered=r.random() < 0.4)
        elif roll < 0.30:
            block = block_quote(prose)
        else:
            term = terms[used_terms.pop()] if used_terms else None
            block = paragraph(prose, term)
        blocks.append(block)
        count += len(block.split())
    while used_terms:  # terms not placed yet: one short paragraph each
        blocks.append(paragraph(prose, terms[used_terms.pop()], sentences=2))
    return "\n\n".join(blocks) + "\n"


def paragraph(prose: Prose, term: Term | None, sentences: int | None = None) -> str:
    r = prose.rng
    sents = [decorate(prose.sentence(), r, prose.places)
             for _ in range(sentences or r.randint(3, 7))]
    if term is not None:
        sents.insert(r.randrange(len(sents) + 1), prose.term_sentence(term))
    return wrap(" ".join(join_pieces(s) for s in sents))


def bullet_list(prose: Prose, ordered: bool) -> str:
    r = prose.rng
    items = [join_pieces(decorate(prose.sentence(), r, prose.places))
             for _ in range(r.randint(3, 6))]
    marks = [f"{k}." if ordered else "-" for k in range(1, len(items) + 1)]
    indent = [" " * (len(m) + 1) for m in marks]
    return "\n".join(f"{m} " + wrap(t, 90).replace("\n", "\n" + ind)
                     for m, t, ind in zip(marks, items, indent))


def block_quote(prose: Prose) -> str:
    r = prose.rng
    text = " ".join(join_pieces(decorate(prose.sentence(), r, prose.places))
                    for _ in range(r.randint(1, 3)))
    return "\n".join("> " + line for line in wrap(text, 90).split("\n"))


def code_block(prose: Prose) -> str:
    lines = [prose.fill(line) for line in prose.rng.sample(V.CODE_LINES, 5)]
    return "```text\n" + "\n".join(lines) + "\n```"


def make_meta(prose: Prose, i: int) -> dict:
    """Front matter: full and partial dates, persons and organisations, tags, some via."""
    r = prose.rng
    year = r.randint(1850, 2020)
    precision = r.random()
    if precision < 0.6:
        date = f"{year}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}"
    elif precision < 0.8:
        date = f"{year}-{r.randint(1, 12):02d}"
    else:
        date = f"{year}"
    meta: dict = {"title": prose.fill(r.choice(V.TITLE_PATTERNS)) + f" (No. {i + 1})",
                  "date": date,
                  "added": f"2026-{r.randint(1, 11):02d}-{r.randint(1, 28):02d}",
                  "publisher": prose.fill(r.choice(V.ORG_PATTERNS)),
                  "authors": [author(prose) for _ in range(r.randint(1, 3))]}
    if r.random() < 0.5:
        meta["url"] = f"https://archive.example.org/documents/{i + 1}"
    if r.random() < 0.4:
        meta["place"] = r.choice(prose.places)
    if r.random() < 0.5:
        meta["summary"] = join_pieces(prose.sentence())
    if r.random() < 0.25:
        meta["via"] = via_chain(prose, year)
    meta["tags"] = r.sample(V.TAGS, r.randint(1, 4))
    return meta


def author(prose: Prose) -> str | dict:
    r = prose.rng
    roll = r.random()
    if roll < 0.2:
        return {"organization": prose.fill(r.choice(V.ORG_PATTERNS))}
    name = prose.person()
    if roll < 0.3:
        given, family = name.split(" ")
        name = f"{given} {r.choice(V.PARTICLES)} {family}"
    elif roll < 0.35:
        name += " " + r.choice(V.SUFFIX_NAMES)
    return name


def via_chain(prose: Prose, year: int) -> list[dict]:
    r = prose.rng
    chain = []
    for publisher, url in r.sample(V.REPUBLISHERS, r.randint(1, 2)):
        year = min(2025, year + r.randint(1, 60))
        entry = {"publisher": publisher, "date": f"{year}-{r.randint(1, 12):02d}", "url": url}
        if r.random() < 0.5:
            entry["note"] = r.choice(V.VIA_NOTES)
        chain.append(entry)
    return chain


# Notes: quotes verified with Glossator's own anchoring --------------------------------------

class AnchorCheck:
    """The anchor text of a body as Glossator computes it, and uniqueness checks on it."""

    def __init__(self, md, body: str):
        tokens = md.parse(body, {})
        self.text = build_anchor_text(tokens).text
        self.match = MatchText.of(self.text)
        self.key = self.match.key
        self.words = [(m.start(), m.end()) for m in re.finditer(r"\S+", self.key)]
        self.marked = _marked_ranges(tokens)

    def count(self, quote: str, prefix: str = "", suffix: str = "") -> int:
        """How many passages the note would match (1 means it anchors)."""
        q = normalize_query(quote)
        found = find_all(self.key, q)
        if prefix:
            found = [k for k in found if preceded_by(self.key, k, normalize_query(prefix))]
        if suffix:
            found = [k for k in found if followed_by(self.key, k + len(q),
                                                     normalize_query(suffix))]
        return len(found)

    def original(self, start: int, end: int) -> str:
        """The anchor text (as a reader sees it) of key offsets ``[start, end)``."""
        return self.text[self.match.to_orig_start(start):self.match.to_orig_end(end)]

    def span(self, first: int, last: int) -> tuple[int, int]:
        """Key offsets of words ``first..last``, trailing punctuation dropped."""
        start, end = self.words[first][0], self.words[last][1]
        while end - start > 1 and self.key[end - 1] in ",.;:)":
            end -= 1
        return start, end

    def word_at(self, offset: int) -> int:
        for i, (s, e) in enumerate(self.words):
            if e > offset:
                return i
        return len(self.words) - 1


def _marked_ranges(tokens) -> list[tuple[int, int]]:
    """Anchor offsets of text inside emphasis, bold, links and inline code."""
    ranges = []
    for token in tokens:
        depth = 0
        for child in token.children or ():
            if child.type.endswith("_open"):
                depth += 1
            elif child.type.endswith("_close"):
                depth -= 1
            elif child.type in ("text", "code_inline") and "anchor" in child.meta and (
                    depth or child.type == "code_inline"):
                start = child.meta["anchor"]
                ranges.append((start, start + len(child.content)))
    return ranges


def pick_notes(check: AnchorCheck, prose: Prose, terms: list[Term]) -> list[dict]:
    """10–20 notes: random passages, passages crossing markup, and short ambiguous phrases
    made unique with a prefix or a suffix."""
    r = prose.rng
    wanted = r.randint(10, 20)
    notes: list[dict] = []
    crossing = [rng_span for rng_span in check.marked]
    r.shuffle(crossing)
    attempts = 0
    while len(notes) < wanted and attempts < 400:
        attempts += 1
        kind = r.random()
        if kind < 0.25 and crossing:
            note = _crossing_note(check, r, crossing.pop())
        elif kind < 0.45:
            note = _ambiguous_note(check, r)
        else:
            note = _random_note(check, r)
        if note is not None:
            note["note"] = note_text(prose, terms)
            notes.append(note)
    for k, note in enumerate(notes):
        if r.random() < 0.15:
            note["id"] = f"note-{k + 1}-{slug(note['quote'])[:24].strip('-')}"
        if r.random() < 0.2:
            note["author"] = prose.person()
    return notes


def _random_note(check: AnchorCheck, r: random.Random) -> dict | None:
    first = r.randrange(len(check.words) - 16)
    last = first + r.randint(2, 14)
    start, end = check.span(first, last)
    quote = check.original(start, end)
    return {"quote": quote} if check.count(quote) == 1 else None


def _crossing_note(check: AnchorCheck, r: random.Random, marked: tuple[int, int]) -> dict | None:
    """A passage that starts before marked-up text and ends inside or after it."""
    k_start, k_end = check.match.to_key(marked[0]), check.match.to_key(marked[1] - 1)
    first = max(0, check.word_at(k_start) - r.randint(1, 4))
    last = min(len(check.words) - 1, check.word_at(k_end) + r.randint(-1, 3))
    if last <= first:
        return None
    start, end = check.span(first, last)
    quote = check.original(start, end)
    return {"quote": quote} if check.count(quote) == 1 else None


def _ambiguous_note(check: AnchorCheck, r: random.Random) -> dict | None:
    """A short phrase that occurs several times, picked out with a prefix or a suffix."""
    for _ in range(20):
        first = r.randrange(1, len(check.words) - 8)
        last = first + r.randint(1, 2)
        start, end = check.span(first, last)
        quote = check.original(start, end)
        if check.count(quote) < 2:
            continue
        use_prefix = r.random() < 0.6
        for extra in range(1, 5):
            if use_prefix:
                p_start, _ = check.words[first - min(extra, first)]
                context = {"prefix": check.original(p_start, start).strip()}
            else:
                _, s_end = check.words[min(len(check.words) - 1, last + extra)]
                context = {"suffix": check.original(end, s_end).strip()}
            if context.get("prefix", "x") and context.get("suffix", "x") and \
                    check.count(quote, **context) == 1:
                return {"quote": quote, **context}
    return None


def note_text(prose: Prose, terms: list[Term]) -> str:
    """A note: one or two short paragraphs, sometimes naming a glossary term or linking."""
    r = prose.rng
    source = prose.fill(r.choice(V.NOTE_SOURCES))
    if r.random() < 0.3:
        source = f"[{source}](https://archive.example.org/notes/{r.randint(1, 99999)})"
    text = f"{r.choice(V.NOTE_OPENINGS)} {source}. " + join_pieces(prose.sentence())
    if r.random() < 0.3:
        text += " " + join_pieces(prose.term_sentence(r.choice(terms)))
    paragraphs = [text]
    if r.random() < 0.2:
        paragraphs.append(join_pieces(prose.sentence()))
    return "\n\n".join(wrap(p, 88) for p in paragraphs)


def make_document(i: int, n: int, seed: int, terms: list[Term], places: list[str]) -> Document:
    rng = random.Random(f"{seed}:doc:{i}")
    prose = Prose(rng, places)
    meta = make_meta(prose, i)
    body = make_body(prose, rng.randint(1000, 2000), terms, guaranteed_terms(i, n))
    check = AnchorCheck(_md(), body)
    notes = pick_notes(check, prose, terms)
    intro = None
    if rng.random() < 0.3:
        intro = wrap(" ".join(join_pieces(prose.sentence()) for _ in range(3)), 88)
    stem = f"doc-{i + 1:05d}-" + slug(meta["title"])[:40].strip("-")
    return Document(stem, meta, body, notes, intro)


_MD = None


def _md():
    """One parser per process (``make_markdown`` is Glossator's configuration)."""
    global _MD
    if _MD is None:
        _MD = make_markdown()
    return _MD


# Writers --------------------------------------------------------------------------------------

def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def block(text: str, indent: int) -> str:
    """A YAML literal block scalar's lines."""
    pad = " " * indent
    return "\n".join(pad + line if line else "" for line in text.split("\n"))


def glossator_source(doc: Document) -> str:
    m = doc.meta
    lines = ["---", f"title: {q(m['title'])}", f"date: {m['date']}", f"added: {m['added']}",
             f"publisher: {q(m['publisher'])}", "authors:"]
    for a in m["authors"]:
        lines.append(f"  - organization: {q(a['organization'])}" if isinstance(a, dict)
                     else f"  - {q(a)}")
    for key in ("url", "place", "summary"):
        if key in m:
            lines.append(f"{key}: {q(m[key])}")
    if "via" in m:
        lines.append("via:")
        for v in m["via"]:
            lines.append(f"  - publisher: {q(v['publisher'])}")
            lines += [f"    {k}: {q(v[k])}" for k in ("date", "url", "note") if k in v]
    lines.append("tags: [" + ", ".join(q(t) for t in m["tags"]) + "]")
    return "\n".join(lines) + "\n---\n\n" + doc.body


def glossator_annotations(doc: Document) -> str:
    out = [f"# Notes on {doc.stem} (generated by bench/make_corpus.py)"]
    if doc.introduction:
        out += ["introduction: |", block(doc.introduction, 2)]
    out.append("notes:")
    for note in doc.notes:
        first = True
        for key in ("id", "quote", "prefix", "suffix"):
            if key in note:
                out.append(f"  {'- ' if first else '  '}{key}: {q(note[key])}")
                first = False
        out += ["    note: |", block(note["note"], 6)]
        if "author" in note:
            out.append(f"    author: {q(note['author'])}")
    return "\n".join(out) + "\n"


def glossary_yaml(terms: list[Term]) -> str:
    out = ["# 200 invented terms (generated by bench/make_corpus.py)", "terms:"]
    for t in terms:
        out.append(f"  - term: {q(t.term)}")
        if t.aliases:
            out.append("    aliases: [" + ", ".join(q(a) for a in t.aliases) + "]")
        out += ["    definition: |", block(wrap(t.definition, 88), 6)]
        if not t.case_sensitive:
            out.append("    case_sensitive: false")
    return "\n".join(out) + "\n"


SITE_CONFIG = """\
title: Glossator Benchmark Edition
base_url: https://bench.example.org/
language: en
description: Invented diplomatic documents with notes, generated for benchmarking.
editors:
  - organization: The Glossator Project
glossary_links: first
"""


def full_date(date: str) -> str:
    """Peers want a full date: a partial one becomes its first day."""
    parts = date.split("-") + ["01", "01"]
    return "-".join(parts[:3])


def author_name(a: str | dict) -> str:
    return a["organization"] if isinstance(a, dict) else a


def mkdocs_page(doc: Document) -> str:
    return f"---\ntitle: {q(doc.meta['title'])}\n---\n\n{doc.body}"


def pelican_page(doc: Document) -> str:
    m = doc.meta
    lines = [f"Title: {m['title']}", f"Date: {full_date(m['date'])}", f"Slug: {doc.stem}",
             "Authors: " + ", ".join(author_name(a) for a in m["authors"]),
             "Tags: " + ", ".join(m["tags"])]
    if "summary" in m:
        lines.append(f"Summary: {m['summary']}")
    return "\n".join(lines) + "\n\n" + doc.body


def hugo_page(doc: Document) -> str:
    m = doc.meta
    return (f"---\ntitle: {q(m['title'])}\ndate: {full_date(m['date'])}\n"
            f"tags: [{', '.join(q(t) for t in m['tags'])}]\n---\n\n{doc.body}")


MKDOCS_YML = """\
site_name: Benchmark Edition
nav:
  - index.md
"""
PELICANCONF = """\
# Pelican's defaults, plus only what a site must say.
AUTHOR = "The Glossator Project"
SITENAME = "Benchmark Edition"
SITEURL = ""
PATH = "content"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
"""
HUGO_TOML = """\
baseURL = "https://bench.example.org/"
languageCode = "en"
title = "Benchmark Edition"
"""
HUGO_SINGLE = """\
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} | {{ site.Title }}</title></head>
<body><main><h1>{{ .Title }}</h1>{{ .Content }}</main></body></html>
"""
HUGO_LIST = """\
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} | {{ site.Title }}</title></head>
<body><main><h1>{{ .Title }}</h1>
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>
</main></body></html>
"""


def write_sites(out: Path, docs: list[Document], terms: list[Term]) -> None:
    """The four sites of one corpus, all with the same Markdown bodies."""
    files: dict[str, str] = {
        "glossator/site_config.yaml": SITE_CONFIG,
        "glossator/annotations/glossary.yaml": glossary_yaml(terms),
        "mkdocs/mkdocs.yml": MKDOCS_YML,
        "mkdocs/docs/index.md": "# Benchmark Edition\n\nInvented documents for benchmarking.\n",
        "pelican/pelicanconf.py": PELICANCONF,
        "hugo/hugo.toml": HUGO_TOML,
        "hugo/layouts/single.html": HUGO_SINGLE,
        "hugo/layouts/list.html": HUGO_LIST,
    }
    for doc in docs:
        files[f"glossator/sources/{doc.stem}.md"] = glossator_source(doc)
        files[f"glossator/annotations/{doc.stem}.yaml"] = glossator_annotations(doc)
        files[f"mkdocs/docs/{doc.stem}.md"] = mkdocs_page(doc)
        files[f"pelican/content/{doc.stem}.md"] = pelican_page(doc)
        files[f"hugo/content/docs/{doc.stem}.md"] = hugo_page(doc)
    for rel, text in files.items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


# Driver -------------------------------------------------------------------------------------

def stamp_of(n: int, seed: int) -> str:
    """What a finished corpus records: its parameters, the generator's version and a hash of
    the word lists (a change to the generating code must bump ``GENERATOR_VERSION``)."""
    words = (BENCH / "vocabulary.py").read_bytes()
    return json.dumps({"n": n, "seed": seed, "version": GENERATOR_VERSION,
                       "vocabulary": hashlib.sha256(words).hexdigest()[:16]}, sort_keys=True)


def _one(args: tuple) -> Document:
    return make_document(*args)


def generate(n: int, seed: int = SEED, out: Path | None = None, force: bool = False,
             processes: int = 2) -> Path:
    """Write corpus ``n`` (unless an identical one is there) and return its folder."""
    out = out or CORPUS / str(n)
    stamp = out / ".stamp"
    if not force and stamp.is_file() and stamp.read_text() == stamp_of(n, seed):
        return out
    if out.exists():
        shutil.rmtree(out)
    places = make_places()
    terms = make_glossary(seed, places)
    jobs = [(i, n, seed, terms, places) for i in range(n)]
    with Pool(processes) as pool:  # imap keeps the order: the result does not depend on it
        docs = list(pool.imap(_one, jobs, chunksize=8))
    write_sites(out, docs, terms)
    stamp.write_text(stamp_of(n, seed))
    return out


def verify(site: Path) -> None:
    """Build the Glossator site with --strict --no-search into a scratch folder."""
    glossator = Path(sys.executable).with_name("glossator")
    with tempfile.TemporaryDirectory() as tmp:
        result = subprocess.run([str(glossator), "build", "--strict", "--no-search", "--output",
                                 str(Path(tmp) / "out"), str(site)],
                                check=False, capture_output=True, text=True)
    if result.returncode != 0 or "warning" in result.stderr:
        sys.exit(f"verification failed:\n{result.stderr[-4000:]}")
    print(result.stdout.strip())


def summary(site: Path) -> str:
    """Words, notes and notes with prefix/suffix, for the record."""
    words = notes = narrowed = 0
    for path in sorted((site / "sources").glob("*.md")):
        words += len(path.read_text(encoding="utf-8").split("\n---\n", 1)[1].split())
    for path in sorted((site / "annotations").glob("doc-*.yaml")):
        text = path.read_text(encoding="utf-8")
        notes += text.count("\n    note: |")
        narrowed += text.count("\n    prefix: ") + text.count("\n    suffix: ")
    docs = len(list((site / "sources").glob("*.md")))
    return (f"{docs} documents, {words / max(docs, 1):.0f} words each on average, "
            f"{notes / max(docs, 1):.1f} notes each ({narrowed} with a prefix or suffix)")


def note_stats(site: Path, limit: int = 200) -> str:
    """How the notes of the first ``limit`` documents anchor: crossing markup, narrowed."""
    import yaml  # Glossator's dependency

    notes = crossing = narrowed = 0
    paths = sorted((site / "sources").glob("*.md"))[:limit]
    for path in paths:
        check = AnchorCheck(_md(), path.read_text(encoding="utf-8").split("\n---\n", 1)[1])
        data = yaml.safe_load((site / "annotations" / f"{path.stem}.yaml").read_text("utf-8"))
        for note in data["notes"]:
            quote = normalize_query(note["quote"])
            found = [k for k in find_all(check.key, quote)
                     if preceded_by(check.key, k, normalize_query(note.get("prefix", "")))
                     and followed_by(check.key, k + len(quote),
                                     normalize_query(note.get("suffix", "")))]
            start = check.match.to_orig_start(found[0])
            end = check.match.to_orig_end(found[0] + len(quote))
            notes += 1
            narrowed += "prefix" in note or "suffix" in note
            crossing += any(s < end and start < e and not (start >= s and end <= e)
                            for s, e in check.marked)
    return (f"first {len(paths)} documents: {notes} notes, "
            f"{crossing} ({100 * crossing / notes:.0f} %) crossing emphasis, links or code, "
            f"{narrowed} ({100 * narrowed / notes:.0f} %) with a prefix or suffix")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", nargs="+", type=int, help="numbers of documents")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--force", action="store_true", help="regenerate even if up to date")
    parser.add_argument("--verify", action="store_true",
                        help="then run `glossator build --strict --no-search` on it")
    parser.add_argument("--stats", action="store_true",
                        help="then report how the notes of the first 200 documents anchor")
    args = parser.parse_args(argv)
    for n in args.sizes:
        site = generate(n, args.seed, force=args.force)
        print(f"{site}: {summary(site / 'glossator')}")
        if args.verify:
            verify(site / "glossator")
        if args.stats:
            print(note_stats(site / "glossator"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
