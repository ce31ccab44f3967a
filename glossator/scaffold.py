"""``glossator init DIR`` (a new site that builds at once) and ``glossator new "Title"``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .inventory import ANNOTATIONS_DIR, CONFIG_FILE, GLOSSARY_FILE, SOURCES_DIR
from .slugs import RESERVED_SLUGS, slug


class ScaffoldError(Exception):
    pass


def _quoted(text: str) -> str:
    """A YAML double-quoted string."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def new_source(site: Path, title: str, *, today: dt.date | None = None) -> list[Path]:
    """Create ``sources/<slug>.md`` (a draft) and ``annotations/<slug>.yaml``; never overwrite."""
    if not (site / CONFIG_FILE).is_file():
        raise ScaffoldError(f"{site} has no {CONFIG_FILE}: run this in a site's folder")
    name = slug(title)
    if not name:
        raise ScaffoldError(f"the title {title!r} gives an empty file name; use a title with "
                            "letters or digits")
    if name in RESERVED_SLUGS:
        name = f"{name}-document"
    source = site / SOURCES_DIR / f"{name}.md"
    notes = site / ANNOTATIONS_DIR / f"{name}.yaml"
    for path in (source, notes):
        if path.exists():
            raise ScaffoldError(f"{path} already exists; nothing was created")
    day = (today or dt.date.today()).isoformat()
    source.parent.mkdir(parents=True, exist_ok=True)
    notes.parent.mkdir(parents=True, exist_ok=True)
    source.write_text(
        f"---\ntitle: {_quoted(title)}\ndate: {day}  # when the original was issued: "
        f"YYYY, YYYY-MM or YYYY-MM-DD\nadded: {day}\npublisher: TODO\nauthors: []\n"
        f"draft: true\n---\n\nPaste the text of the document here.\n", encoding="utf-8")
    notes.write_text("# Notes on this source: see docs/authoring.md\nintroduction: \"\"\n"
                     "notes: []\n", encoding="utf-8")
    return [source, notes]


SAMPLE_CONFIG = """\
title: My annotated edition
base_url: https://example.org/
language: en
description: Primary sources with notes.
editors:
  - Your Name
"""

SAMPLE_SOURCE = """\
---
title: First Amendment to the United States Constitution
date: 1791-12-15
added: {today}
publisher: United States Congress
place: United States
rights: Public domain.
tags: [Constitutional law]
summary: The amendment protecting religion, speech, the press, assembly and petition.
---

Congress shall make no law respecting an establishment of religion, or prohibiting the free
exercise thereof; or abridging the freedom of speech, or of the press; or the right of the
people peaceably to assemble, and to petition the Government for a redress of grievances.
"""

SAMPLE_NOTES = """\
introduction: |
  A sample source: replace it with your own. The date is the day ratification was completed.
notes:
  - quote: freedom of speech, or of the press
    note: |
      A sample note. Notes anchor to a passage by quoting it.
"""

SAMPLE_GLOSSARY = """\
terms:
  - term: establishment of religion
    definition: |
      A sample glossary entry: a state church, which the clause forbids Congress to set up.
"""


def init_site(directory: Path, *, today: dt.date | None = None) -> Path:
    """A new site with a sample source, one note and one glossary entry."""
    if directory.exists() and any(directory.iterdir()):
        raise ScaffoldError(f"{directory} exists and is not empty; nothing was created")
    day = (today or dt.date.today()).isoformat()
    files = {CONFIG_FILE: SAMPLE_CONFIG,
             f"{SOURCES_DIR}/first-amendment.md": SAMPLE_SOURCE.format(today=day),
             f"{ANNOTATIONS_DIR}/first-amendment.yaml": SAMPLE_NOTES,
             GLOSSARY_FILE: SAMPLE_GLOSSARY,
             ".gitignore": "output/\n.glossator-*\n"}
    for rel, text in files.items():
        path = directory / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return directory
