"""Where inputs are found and where every output goes: the one vocabulary for paths and URLs.

Inputs are named by their path relative to the site root (``sources/speech.md``). Outputs are
named by their path inside the output folder (``speech/index.html``); pages link to each other
with relative URLs (so the site works under any sub-path and from ``file://``), while canonical
URLs, feeds and citations use ``base_url`` with directory-style addresses.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .errors import Diagnostics, Location

SOURCES_DIR = "sources"
ANNOTATIONS_DIR = "annotations"
THEME_DIR = "theme"
GLOSSARY_FILE = "annotations/glossary.yaml"
CONFIG_FILE = "site_config.yaml"


@dataclass
class Inventory:
    root: Path
    sources: list[str] = field(default_factory=list)  # "sources/<stem>.md", sorted
    annotations: list[str] = field(default_factory=list)  # "annotations/<stem>.yaml", sorted
    glossary: str | None = None

    @staticmethod
    def stem(rel: str) -> str:
        return posixpath.splitext(posixpath.basename(rel))[0]


def notes_file(stem: str) -> str:
    """Where the notes of the source ``stem`` are written: ``annotations/<stem>.yaml``."""
    return f"{ANNOTATIONS_DIR}/{stem}.yaml"


def find_inputs(root: Path, diags: Diagnostics) -> Inventory:
    """Every input file of the site at ``root``; files the site cannot use are reported."""
    inv = Inventory(root)
    inv.sources = _files(root, SOURCES_DIR, ".md", diags)
    for rel in _files(root, ANNOTATIONS_DIR, ".yaml", diags):
        if rel == GLOSSARY_FILE:
            inv.glossary = rel
        else:
            inv.annotations.append(rel)
    return inv


def _files(root: Path, folder: str, suffix: str, diags: Diagnostics) -> list[str]:
    base = root / folder
    if not base.is_dir():
        return []
    found = []
    real_root = root.resolve()
    folder_inside = base.resolve().is_relative_to(real_root)
    with os.scandir(base) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            rel = f"{folder}/{entry.name}"
            if entry.name.startswith(".") or _is_folder(entry):
                continue
            suffix_ = os.path.splitext(entry.name)[1]
            if suffix_ != suffix:
                _wrong_suffix(rel, suffix_, suffix, diags)
                continue
            plain = folder_inside and entry.is_file(follow_symlinks=False)  # the usual case
            problem = None if plain else _unusable(Path(entry.path), real_root)
            if problem is not None:
                diags.error(Location(rel), problem[0], hints=[problem[1]])
                continue
            found.append(rel)
    return found


def _is_folder(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:  # a loop of links: not a folder; _unusable says what it is
        return False


def _unusable(path: Path, real_root: Path) -> tuple[str, str] | None:
    """Why an input file cannot be read safely (message, hint), or None."""
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):  # a broken link, or a loop of links (RuntimeError in 3.11)
        return "this file is a link that leads nowhere", "fix the link or delete it"
    if not real.is_relative_to(real_root):
        return ("this file is a link to a file outside the site",
                "copy the file into the site instead of linking to it")
    if not real.is_file():  # a named pipe or a device: reading it could block the build
        return "this is not a regular file", "replace it with a text file"
    return None


def _wrong_suffix(rel: str, actual: str, wanted: str, diags: Diagnostics) -> None:
    near = {".md": (".markdown", ".mdown", ".txt"), ".yaml": (".yml",)}[wanted]
    if actual.lower() in near or actual.lower() == wanted:
        diags.error(Location(rel), f"this file is ignored: files here must end in '{wanted}'",
                    hints=[f"rename it to {rel[:len(rel) - len(actual)]}{wanted}"])


# Output paths ---------------------------------------------------------------------------

HOME = "index.html"
GLOSSARY_PAGE = "glossary/index.html"
NOTES_PAGE = "notes/index.html"
SEARCH_PAGE = "search/index.html"
TAGS_PAGE = "tags/index.html"
NOT_FOUND_PAGE = "404.html"
ASSETS = "assets"


def document_page(slug: str) -> str:
    return f"{slug}/index.html"


def document_file(slug: str, name: str) -> str:
    """Another file published beside a document's page (``<slug>/citation.bib``)."""
    return f"{slug}/{name}"


def notes_page(number: int) -> str:
    """Page ``number`` of the all-notes listing (1: ``notes/index.html``)."""
    return NOTES_PAGE if number == 1 else f"notes/page/{number}/index.html"


def tag_page(tag_slug: str) -> str:
    return f"tags/{tag_slug}/index.html"


def asset(name: str) -> str:
    return f"{ASSETS}/{name}"


def links_from(from_page: str) -> Callable[[str, str], str]:
    """The relative links from output page ``from_page``: ``link(to_path, fragment="")``;
    the page's folder is found once (a listing page links to thousands of paths)."""
    start = posixpath.dirname(from_page) or "."

    def link(to_path: str, fragment: str = "") -> str:
        url = _relative(start, to_path)
        return f"{url}#{fragment}" if fragment else url
    return link


@lru_cache(maxsize=65536)
def _relative(start: str, to_path: str) -> str:
    """``posixpath.relpath(to_path, start)`` for the normalized relative paths of the output
    (no ``.``, ``..`` or empty parts), without its ``abspath`` of both: 5× faster, and an
    all-notes page links to a thousand pages (tests/test_inventory_urls.py)."""
    start_parts = [] if start == "." else start.split("/")
    to_parts = to_path.split("/")
    shared = 0
    for a, b in zip(start_parts, to_parts):
        if a != b:
            break
        shared += 1
    return "/".join([".."] * (len(start_parts) - shared) + to_parts[shared:]) or "."


def absolute_url(base_url: str, to_path: str) -> str:
    """The public address of an output path: ``base_url`` + directory-style path."""
    if to_path == HOME:
        return base_url
    if to_path.endswith("/index.html"):
        to_path = to_path[: -len("index.html")]
    return base_url + to_path
