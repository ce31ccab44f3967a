"""Adding items to a list in an editor's YAML file as text, so nothing else in it changes.

A YAML round trip (load, change, dump) would re-flow block scalars, change quoting and drop
or move comments that editors chose. Instead the new items are written as lines and inserted
at the end of the list, in the file's own indentation and line ends; every other byte stays.
The positions come from :class:`~glossator.yamlio.YamlDoc` (the file as Glossator loads it).

Supported shapes of the list's key: absent (``key:`` is appended at the end of the file), empty
(``key:``, ``key: []``, ``key: null``) or a block list (``- …`` items). A non-empty flow list
(``[a, b]``) is refused with a hint. Every scalar is written in a form that reads back exactly:
a literal block (``|``) for the keys asked for, else plain, else double-quoted.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from .errors import Location
from .yamlio import YamlDoc

_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")  # the line breaks yamlio counts


class YamlEditError(Exception):
    def __init__(self, location: Location, message: str, hint: str):
        super().__init__(message)
        self.location, self.message, self.hint = location, message, hint


@dataclass
class Item:
    """One mapping to add: its (key, value) pairs in order, and a comment line above it."""

    fields: list[tuple[str, str]]
    comment: str = ""


def yaml_scalar(value: str, *, block_indent: int | None = None) -> str:
    """``value`` as a YAML scalar that reads back exactly (a ``|`` block when indented)."""
    if block_indent is not None and value.endswith("\n"):
        pad = " " * block_indent
        block = "|\n" + "".join(pad + line + "\n" if line else "\n"
                                for line in value[:-1].split("\n"))
        if _reads_back(block, value):
            return block.rstrip("\n")
    if "\n" not in value and _reads_back(value, value):
        return value
    return yaml.dump(value, default_style='"', allow_unicode=True, width=10**9).rstrip("\n")


def _reads_back(written: str, value: str) -> bool:
    try:
        return yaml.safe_load(f"k: {written}\n") == {"k": value}
    except yaml.YAMLError:
        return False


def item_lines(item: Item, *, dash: int, content: int, blocks: frozenset[str]) -> list[str]:
    """The item as lines without line ends: ``-`` at column ``dash``, keys at ``content``."""
    lines = [" " * dash + "# " + item.comment] if item.comment else []
    for i, (key, value) in enumerate(item.fields):
        lead = " " * dash + "-" + " " * (content - dash - 1) if i == 0 else " " * content
        written = yaml_scalar(value, block_indent=content + 2 if key in blocks else None)
        lines.extend((f"{lead}{key}: {written}").split("\n"))
    return lines


def append_items(raw: str | None, doc: YamlDoc | None, key: str, items: list[Item], *,
                 header: str = "", blocks: frozenset[str] = frozenset()) -> str:
    """The text of a file with ``items`` added at the end of its top-level list ``key``.

    ``raw`` is the file's text as read (None: a new file starting with the comment
    ``header``); ``doc`` is the same file loaded by :func:`glossator.yamlio.load_yaml`.
    """
    if raw is None:
        lines = ([f"# {header}"] if header else []) + [f"{key}:"]
        lines += [line for item in items for line in item_lines(item, dash=2, content=4,
                                                               blocks=blocks)]
        return "\n".join(lines) + "\n"
    lines = _LINES.findall(raw)
    newline = "\r\n" if "\r\n" in raw else "\n"
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += newline
    at, dash, content = _insertion_point(lines, doc, key, newline)
    added = [line + newline for item in items
             for line in item_lines(item, dash=dash, content=content, blocks=blocks)]
    return "".join(lines[:at] + added + lines[at:])


def _insertion_point(lines: list[str], doc: YamlDoc | None, key: str,
                     newline: str) -> tuple[int, int, int]:
    """(line index to insert at, dash column, key column); rewrites ``key: []`` to ``key:``."""
    mapping = doc.value if doc is not None and isinstance(doc.value, dict) else None
    if mapping is None or key not in mapping:
        lines.append(f"{key}:{newline}")
        return len(lines), 2, 4
    assert doc is not None
    if not mapping[key]:
        return _empty_list(lines, doc, key, newline)
    start = doc.loc(key)
    if lines[start.line - 1][start.col - 1:start.col] != "-":
        raise YamlEditError(start, f"cannot add to this `{key}` list",
                            "write it as a block list, each item starting with '- '")
    return _after_last_item(lines, doc, key), start.col - 1, doc.loc(key, 0).col - 1


def _empty_list(lines: list[str], doc: YamlDoc, key: str, newline: str) -> tuple[int, int, int]:
    where = doc.key_loc(key)
    empty = re.match(rf"^(\ufeff?\s*{re.escape(key)}\s*:)[ \t]*(?:\[[ \t]*\]|~|null|Null|NULL)?"
                     r"([ \t]*#.*)?$", lines[where.line - 1].rstrip("\r\n"))
    if empty is None:
        raise YamlEditError(where, f"cannot add to this `{key}` list",
                            f"write `{key}:` on a line of its own, then the list")
    comment = empty.group(2) or ""
    if comment.startswith("#"):
        comment = " " + comment  # a comment needs white space before it
    lines[where.line - 1] = empty.group(1) + comment + newline
    return where.line, where.col + 1, where.col + 3


def _after_last_item(lines: list[str], doc: YamlDoc, key: str) -> int:
    """The line index after the list's last item (its own trailing comments included)."""
    items = doc.value[key]
    last = len(items) - 1
    paths = [(key, last, k) for k in items[last]] if isinstance(items[last], dict) \
        and items[last] else [(key, last)]
    # a block mapping "ends" at the next token, after any comments; its last value does not
    end = max((doc.end_loc(*path) for path in paths), key=lambda loc: (loc.line, loc.col))
    at = end.line - 1 if end.col == 1 else end.line  # a block scalar ends at a line start
    dash, j = doc.loc(key).col - 1, at
    while j < len(lines):
        stripped = lines[j].strip()
        if stripped.startswith("#") and len(lines[j]) - len(lines[j].lstrip()) > dash:
            at = j = j + 1
        elif not stripped:
            j += 1
        else:
            break
    return at


def replace_file(path: Path, text: str) -> None:
    """Write ``path`` atomically: a temporary file in the same folder, then a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
