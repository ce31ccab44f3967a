"""Pathological inputs, shared by ``tests/test_pathological.py`` and ``bench/pathological.py``.

Each maker takes a size ``n`` and returns the files of a one-document site (relative path ->
text). Two ways to time them:

* :func:`document_seconds`: the stage whose work grows with the document (read and check
  the source and its notes, render each note, parse, anchor, link the glossary, render the
  body), without the build's constant costs (citation styles, templates, worker processes);
* :func:`build_seconds`: a whole ``glossator check`` (every stage but writing).
"""

from __future__ import annotations

import gc
import json
import shutil
import tempfile
import time
from pathlib import Path
from typing import Callable

from glossator.config import SiteConfig
from glossator.errors import BuildFailed, Diagnostics
from glossator.loaders import load_annotations, load_glossary, load_source
from glossator.markdown import GlossaryLinking, Where, make_markdown, render_fragment, render_source
from glossator.markdown.glossary import GlossaryMatcher
from glossator.pipeline import BuildOptions, build

CONFIG = "title: Pathological\nbase_url: https://example.org/p/\n"
FRONT = "---\ntitle: A Document\ndate: 1850-06-01\nadded: 2024-01-01\npublisher: Gazette\n---\n\n"
GLOSSARY = "terms:\n  - term: tide\n    definition: The sea, rising and falling.\n"
SOURCE, NOTES = "sources/doc.md", "annotations/doc.yaml"
Files = dict[str, str]


def _site(body: str, notes: str) -> Files:
    return {"site_config.yaml": CONFIG, SOURCE: FRONT + body, NOTES: notes,
            "annotations/glossary.yaml": GLOSSARY}


def quotation_marks(n: int) -> Files:
    """``n`` quotation marks, straight and curly, in one paragraph around the tide; a note
    quotes a passage made of them (the anchoring equivalences map each one)."""
    marks = ('"“”\'‘’' * (n // 6 + 1))[:n]
    body = f'The tide "{marks[:n // 2]}" turns "{marks[n // 2:]}" here.\n'
    quote = json.dumps(f'turns "{marks[n // 2:n // 2 + 12]}', ensure_ascii=False)
    notes = f"notes:\n  - quote: {quote}\n    note: Marks.\n"  # JSON: a YAML "…" scalar
    return _site(body, notes)


def wrapped_paragraph(n: int) -> Files:
    """One paragraph of ``n`` short lines, half of them ending in a space (each soft break
    is kept in the paragraph's one text token: soft_breaks.py); a note on the last line."""
    body = "\n".join(f"the tide {i} " if i % 2 else f"the tide {i}" for i in range(n)) + "\n"
    notes = f"notes:\n  - quote: the tide {n - 2} the tide {n - 1}\n    note: The end.\n"
    return _site(body, notes)


def wide_table(n: int) -> Files:
    """A table of ``n`` columns (header, delimiter and two rows); a note on the last cell."""
    header = "|" + "".join(f" h{i} |" for i in range(n))
    rule = "|" + " --- |" * n
    rows = ["|" + "".join(f" the tide {r}.{i} |" for i in range(n)) for r in range(2)]
    body = "\n".join([header, rule, *rows]) + "\n"
    notes = f"notes:\n  - quote: the tide 1.{n - 1}\n    note: The last cell.\n"
    return _site(body, notes)


def many_notes(n: int) -> Files:
    """``n`` sentences and ``n`` notes, each anchored to its own sentence."""
    body = "\n\n".join(f"Sentence {i} says that the tide reached mark {i}." for i in range(n))
    notes = "notes:\n" + "".join(f"  - quote: the tide reached mark {i}.\n"
                                 f"    note: Note *{i}* on the [mark](#p{i + 1}).\n"
                                 for i in range(n))
    return _site(body + "\n", notes)


PARAGRAPH = ("Friends, the tide is *turning*, and the lamps of the [quay](https://example.org) "
             "are lit; `the bells` ring as they rang in 1850, when the harbour was new and the "
             "mole had not yet been built. ") * 2


def big_source(megabytes: float) -> Files:
    """A source of about ``megabytes`` MB: paragraphs with emphasis, links, code and the
    glossary term; three notes, one needing a prefix."""
    count = max(1, int(megabytes * 1_000_000 / (len(PARAGRAPH) + 2)))
    body = "\n\n".join(f"{PARAGRAPH}Paragraph {i}." for i in range(count)) + "\n"
    notes = ("notes:\n  - quote: Paragraph 0.\n    note: The first.\n"
             f"  - quote: Paragraph {count - 1}.\n    note: The last.\n"
             f"  - quote: the lamps\n    prefix: Paragraph {count // 2}. Friends, the tide is "
             "turning, and\n    note: One in the middle.\n")
    return _site(body, notes)


# Timing -----------------------------------------------------------------------------------

def write(files: Files) -> Path:
    root = Path(tempfile.mkdtemp(prefix="glossator-pathological-"))
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def render_document(root: Path) -> tuple[int, str]:
    """The document stage, as a build runs it; returns (notes anchored, diagnostics)."""
    diags = Diagnostics()
    config = SiteConfig(title="Pathological", base_url="https://example.org/p/")
    md = make_markdown()
    source = load_source(root, SOURCE, config, diags)
    notes = load_annotations(root, NOTES, diags)
    glossary = load_glossary(root, "annotations/glossary.yaml", diags)
    assert source is not None and notes is not None, diags.format()
    linking = GlossaryLinking(GlossaryMatcher(glossary.terms), lambda term: f"#{term}")
    for note in notes.notes:
        where = note.note_location
        render_fragment(md, note.note, glossary=linking, diags=diags,
                        where=Where(NOTES, where.line if where else 1, note.note.split("\n")))
    rendered = render_source(md, source.body, notes.notes, glossary=linking, diags=diags,
                             where=Where(SOURCE, source.body_line + 1, source.body.split("\n")),
                             source_path=SOURCE, body_line=source.body_line,
                             note_html=lambda span: "<aside></aside>")
    return len(rendered.spans), diags.format()


def best_of(runs: int, action: Callable[[], object]) -> float:
    """The shortest of ``runs`` timings of ``action()`` (noise only ever adds time). The
    garbage of earlier tests is collected first, not during a timing."""
    best = float("inf")
    for _ in range(runs):
        gc.collect()
        started = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - started)
    return best


def document_seconds(files: Files, *, repeat: int = 1, runs: int = 2) -> float:
    """Seconds for ``repeat`` document stages of ``files`` (the best of ``runs``)."""
    root = write(files)
    try:
        return best_of(runs, lambda: [render_document(root) for _ in range(repeat)])
    finally:
        shutil.rmtree(root)


def build_seconds(files: Files, *, runs: int = 1, **options: object) -> float:
    """Seconds for a whole build (``check`` unless ``check_only=False``) of a fresh copy of
    the site (no output, no build cache): the best of ``runs``. The build must succeed."""
    best = float("inf")
    for _ in range(runs):
        root = write(files)
        try:
            started = time.perf_counter()
            build(root, BuildOptions(**{"check_only": True, **options}))
            best = min(best, time.perf_counter() - started)
        except BuildFailed as failed:
            raise AssertionError(failed.diagnostics.format()) from None
        finally:
            shutil.rmtree(root)
    return best
