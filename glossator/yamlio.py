"""Reading what editors write: UTF-8 text, Markdown front matter, and YAML with locations.

YAML is read from PyYAML's *event stream* (the C parser when available) and turned into plain
``dict``/``list``/``str``/``int``/``float``/``bool``/``None`` values here, never by PyYAML's
constructors: anchors, aliases and explicit tags are refused before anything is expanded or
built. Mapping keys are always strings (their text), timestamps stay strings, and the position
of every node is kept in :class:`YamlDoc` so later stages can report located errors.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass, field
from typing import Any, Callable

import yaml
from yaml import events as ev
from yaml.constructor import SafeConstructor
from yaml.nodes import ScalarNode

from .errors import Diagnostics, Location

_FAST_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CORE = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_CORE + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
_CONVERTERS: dict[str, Callable[[ScalarNode], Any]] = {
    _CORE + name: getattr(SafeConstructor(), f"construct_yaml_{name}")
    for name in ("int", "float", "bool", "null")}
FRONT_MATTER_HINT = ("a source starts with a line '---', the YAML keys (title, date, …), "
                     "and another line '---'")
_OPEN = re.compile(r"---[ \t]*(?:\n|\Z)")
_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)
_SKIP, _NO_KEY = object(), object()
_NODE_EVENTS = frozenset({ev.ScalarEvent, ev.MappingStartEvent, ev.SequenceStartEvent,
                          ev.AliasEvent})
_END_EVENTS = frozenset({ev.MappingEndEvent, ev.SequenceEndEvent})
KeyPath = tuple[Any, ...]
# What neither an HTML page nor an XML feed may hold: C0 controls but tab and line feed (and
# carriage return, which reading turns into line feeds), DEL, C1 controls, surrogates and
# the noncharacters. Refused in every input, raw or written as a YAML escape ("\x01").
_FORBIDDEN_BMP_RANGES = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
_ASTRAL_NONCHARACTERS = "".join(chr(plane << 16 | 0xFFFE) + chr(plane << 16 | 0xFFFF)
                                for plane in range(1, 17))
FORBIDDEN_CHARS = re.compile("[" + _FORBIDDEN_BMP_RANGES + _ASTRAL_NONCHARACTERS + "]")
# The same without the noncharacters beyond the first plane (U+1FFFE, U+1FFFF … U+10FFFF),
# whose class makes a search about eight times slower; enough for a text that holds no
# character beyond the first plane: one in ASCII, or a file whose UTF-8 holds no such
# noncharacter (F0–F4, then 8F, 9F, AF or BF, then BF, then BE or BF).
_FORBIDDEN_IN_BMP = re.compile("[" + _FORBIDDEN_BMP_RANGES + "]")
_ASTRAL_NONCHARACTER_UTF8 = re.compile(rb"[\xf0-\xf4][\x8f\x9f\xaf\xbf]\xbf[\xbe\xbf]")
MAX_REPORTED_CHARS = 5
# Every byte but those that are, or begin in UTF-8, a character that may be forbidden: the C0
# controls but tab, line feed and carriage return, DEL, and the lead bytes C2 (U+0080–U+00BF,
# the C1 controls among them), EF (U+F000–U+FFFF: the noncharacters U+FDD0–U+FDEF, U+FFFE and
# U+FFFF) and F0–F4 (beyond the first plane). Surrogates are not valid UTF-8. Deleting these
# bytes leaves nothing of a file that has none of them: most files, checked then in 3 µs
# instead of the searches' 100 µs for 8 KB.
_CLEAN_BYTES = bytes(byte for byte in range(256)
                     if not ((byte < 0x20 and byte not in b"\t\n\r") or byte == 0x7F
                             or byte in (0xC2, 0xEF) or 0xF0 <= byte <= 0xF4))


def read_text(data: bytes, path: str, diags: Diagnostics) -> str | None:
    """Decode UTF-8 strictly, drop a leading BOM and turn CRLF and lone CR into LF; refuse
    characters no web page may hold (:data:`FORBIDDEN_CHARS`), each located."""
    try:
        text = _normalise(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        prefix = _normalise(data[:exc.start].decode("utf-8"))
        line, col = prefix.count("\n") + 1, len(prefix) - prefix.rfind("\n")
        hints = ["save the file as UTF-8"]
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            hints = ["the file looks like UTF-16; save it as UTF-8"]
        diags.error(Location(path, line, col),
                    f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})",
                    hints=hints)
        return None
    if not data.translate(None, _CLEAN_BYTES):
        return text
    forbidden = (FORBIDDEN_CHARS if _ASTRAL_NONCHARACTER_UTF8.search(data)
                 else _FORBIDDEN_IN_BMP)
    found = list(itertools.islice(forbidden.finditer(text), MAX_REPORTED_CHARS + 1))
    if not found:
        return text
    lines = _Lines(text, path, 0)
    for match in found[:MAX_REPORTED_CHARS]:
        diags.error(lines.at(match.start()), f"{char_name(match.group())} is not allowed "
                    "in text", hints=["delete it (most editors do not show it)"])
    if len(found) > MAX_REPORTED_CHARS:
        diags.error(lines.at(found[-1].start()), "more characters that are not allowed follow",
                    hints=["search the file for control characters"])
    return None


def char_name(char: str) -> str:
    """``the control character U+0001``: what kind of forbidden character ``char`` is."""
    code = ord(char)
    kind = ("surrogate" if 0xD800 <= code <= 0xDFFF else
            "noncharacter" if code >= 0xFDD0 else "control character")
    return f"the {kind} U+{code:04X}"


def _normalise(text: str) -> str:
    text = text[1:] if text.startswith("\ufeff") else text
    return text.replace("\r\n", "\n").replace("\r", "\n")


@dataclass(frozen=True)
class FrontMatter:
    """A Markdown source split in two; lines are 0-based offsets from the top of the file."""

    yaml_text: str
    yaml_line: int
    body: str
    body_line: int


def split_front_matter(text: str, path: str, diags: Diagnostics) -> FrontMatter | None:
    """Split ``---``/YAML/``---`` (or ``...``) from the Markdown body that follows."""
    start = Location(path, 1, 1)
    if not text.strip():
        diags.error(start, "empty file", hints=[FRONT_MATTER_HINT])
        return None
    opened = _OPEN.match(text)
    if opened is None:
        hints = [FRONT_MATTER_HINT]
        if _OPEN.match(text.lstrip("\n")):
            hints.append("remove the blank lines before the opening '---'")
        diags.error(start, "missing front matter", hints=hints)
        return None
    closed = _CLOSE.search(text, opened.end())
    if closed is None:
        diags.error(start, "front matter opened here is never closed",
                    hints=["did you forget the closing '---'?"])
        return None
    body_line = text.count("\n", 0, closed.start()) + 1
    return FrontMatter(text[opened.end():closed.start()], 1, text[closed.end() + 1:], body_line)


class _Lines:
    """Turns code-point offsets into file locations (lines split at LF only)."""

    def __init__(self, text: str, path: str, line_offset: int):
        self.path, self.offset = path, line_offset
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def at(self, index: int) -> Location:
        line = bisect.bisect_right(self.starts, index) - 1
        return Location(self.path, line + 1 + self.offset, index - self.starts[line] + 1)


@dataclass(eq=False)
class YamlDoc:
    """A loaded YAML value and where each part of it was written (key paths like
    ``("notes", 0, "quote")``); locations fall back to the nearest ancestor, then the start."""

    value: Any
    path: str
    _text: str = field(default="", repr=False)
    _lines: _Lines | None = field(default=None, repr=False)
    _starts: dict[KeyPath, int] = field(default_factory=dict, repr=False)
    _ends: dict[KeyPath, int] = field(default_factory=dict, repr=False)
    _keys: dict[KeyPath, int] = field(default_factory=dict, repr=False)
    _styles: dict[KeyPath, str | None] = field(default_factory=dict, repr=False)

    def _nearest(self, table: dict[KeyPath, int], keys: KeyPath) -> Location:
        lines = self._lines or _Lines("", self.path, 0)
        for n in range(len(keys), -1, -1):
            if keys[:n] in table:
                return lines.at(table[keys[:n]])
        return lines.at(0)

    def loc(self, *keys: Any) -> Location:
        """Start of the value at ``keys`` (its tag or anchor, if any, else its first character)."""
        return self._nearest(self._starts, keys)

    def key_loc(self, *keys: Any) -> Location:
        """Start of the mapping key naming ``keys`` (the value's start for list items)."""
        if keys in self._keys and self._lines is not None:
            return self._lines.at(self._keys[keys])
        return self.loc(*keys)

    def end_loc(self, *keys: Any) -> Location:
        """End of the value at ``keys`` (just after its last character)."""
        return self._nearest(self._ends, keys)

    def raw(self, *keys: Any) -> str | None:
        """The scalar exactly as written (``no`` for ``language: no``, quotes included)."""
        if keys not in self._styles:
            return None
        return self._text[self._starts[keys]:self._ends[keys]]

    def style(self, *keys: Any) -> str | None:
        """Scalar style: None (plain or not a scalar), ``'``, ``"``, ``|`` or ``>``."""
        return self._styles.get(keys)

    def content_start(self, *keys: Any) -> Location:
        """Where the scalar's text itself starts: after an opening quote, or, for a block
        scalar, at the indentation of its first line (Markdown inside YAML is located so)."""
        start = self.loc(*keys)
        style = self._styles.get(keys)
        if style in ('"', "'"):
            return Location(start.path, start.line, start.col + 1)
        if style not in ("|", ">") or self._lines is None:
            return start
        first = self._line_text(start.line - self._lines.offset)  # the line after "|"
        return Location(start.path, start.line + 1, len(first) - len(first.lstrip(" ")) + 1)

    def _line_text(self, index: int) -> str:
        """The text of 0-based line ``index`` of the YAML."""
        starts = self._lines.starts if self._lines else []
        if not 0 <= index < len(starts):
            return ""
        end = self._text.find("\n", starts[index])
        return self._text[starts[index]:end if end != -1 else len(self._text)]


class _Builder:
    """Builds plain values from a YAML event stream, recording where every node starts."""

    def __init__(self, text: str, lines: _Lines, loader: type):
        self.loader_class, self.lines, self.diags = loader, lines, Diagnostics()
        self.doc = YamlDoc(None, lines.path, text, lines)
        self.stack: list[list[Any]] = []  # [container, path or None, pending key, first keys]
        self.documents = 0

    def run(self) -> YamlDoc:
        self.loader = loader = self.loader_class(self.doc._text)
        check, get, node, end = loader.check_event, loader.get_event, self._node, self._end
        try:
            while check():
                event = get()
                kind = type(event)
                if kind in _NODE_EVENTS:  # about 60 % of the events, scalars most of them
                    node(event)
                elif kind in _END_EVENTS:
                    end(event)
                elif kind is ev.DocumentStartEvent and not self._document(event):
                    break
        finally:
            loader.dispose()
        return self.doc

    def _document(self, event: ev.DocumentStartEvent) -> bool:
        self.documents += 1
        if self.documents > 1:
            self._error(event, "a YAML file holds one document, but a second one starts here",
                        "remove the '---' line, or split the file in two")
        return self.documents == 1

    def _end(self, event: ev.CollectionEndEvent) -> None:
        path = self.stack.pop()[1]
        if path is not None:
            self.doc._ends[path] = event.end_mark.index

    def _node(self, event: ev.NodeEvent) -> None:
        if event.anchor is not None or isinstance(event, ev.AliasEvent):
            self._error(event, "YAML anchors and aliases are not supported",
                        "write the value out in full")
        value: Any = None
        if isinstance(event, ev.ScalarEvent):
            value = self._scalar(event)
        elif isinstance(event, ev.CollectionStartEvent):
            is_map = isinstance(event, ev.MappingStartEvent)
            if event.tag not in (None, "!"):
                self._tag_ok(event, event.tag == _CORE + ("map" if is_map else "seq"))
            value = {} if is_map else []
        path = self._place(value, event)
        if path is not None:
            self.doc._starts[path] = event.start_mark.index
            if isinstance(event, ev.ScalarEvent):
                self.doc._ends[path] = event.end_mark.index
                self.doc._styles[path] = event.style or None
        if isinstance(event, ev.CollectionStartEvent):
            self.stack.append([value, path, _NO_KEY, {}])

    def _scalar(self, event: ev.ScalarEvent) -> Any:
        tag, text = event.tag, event.value
        # raw ones are refused when the file is read, and only a double-quoted scalar has
        # escapes that could write one
        bad = (event.style == '"'
               and (_FORBIDDEN_IN_BMP if text.isascii() else FORBIDDEN_CHARS).search(text))
        if bad:
            self._error(event, f"this value holds {char_name(bad.group())}, which is not "
                        "allowed in text", "remove the escape that writes it")
            return None
        if tag == "!" or tag == _CORE + "str":
            return text
        if tag is None and not event.implicit[0]:  # quoted or block: a string, as PyYAML
            return text                           # resolves it
        if tag is None:
            tag = self.loader.resolve(ScalarNode, text, event.implicit)
        elif not self._tag_ok(event, tag in _SCALAR_TAGS):
            return None
        elif self.loader.resolve(ScalarNode, text, (True, False)) != tag:
            self._error(event, f"'{text}' is not a valid {_short(tag)}")
            return None
        convert = _CONVERTERS.get(tag)
        try:
            return convert(ScalarNode(tag, text)) if convert else text
        except (ValueError, KeyError, OverflowError):  # e.g. '0b_' or a 5000-digit number
            return text

    def _tag_ok(self, event: ev.NodeEvent, allowed: bool) -> bool:
        if not allowed:
            self._error(event, f"unsupported YAML tag '{_short(event.tag)}'", "remove the tag")
        return allowed

    def _place(self, value: Any, event: ev.NodeEvent) -> KeyPath | None:
        """Put a new node into its parent; returns its key path (None when it is discarded)."""
        if not self.stack:
            self.doc.value = value
            return ()
        frame = self.stack[-1]
        container, parent, key = frame[0], frame[1], frame[2]
        if isinstance(container, list):
            container.append(value)
            return None if parent is None else parent + (len(container) - 1,)
        if key is _NO_KEY:
            frame[2] = self._key(frame, event)
            return None
        frame[2] = _NO_KEY
        if key is _SKIP or parent is None:
            return None
        container[key] = value
        return parent + (key,)

    def _key(self, frame: list[Any], event: ev.NodeEvent) -> Any:
        if not isinstance(event, ev.ScalarEvent):
            if not isinstance(event, ev.AliasEvent):
                self._error(event, "a mapping key must be text, not a list or mapping",
                            "write 'key: value'")
            return _SKIP
        key, index, first = event.value, event.start_mark.index, frame[3]
        if key == "<<" and not event.style and event.tag is None:
            self._error(event, "YAML merge keys ('<<') are not supported",
                        "write the value out in full")
            return _SKIP
        if key in first:
            line = self.lines.at(first[key]).line
            self._error(event, f"duplicate key '{key}'", details=[f"first defined on line {line}"])
            return _SKIP
        first[key] = index
        if frame[1] is not None:
            self.doc._keys[frame[1] + (key,)] = index
        return key

    def _error(self, event: ev.Event, message: str, hint: str | None = None, *,
               details: list[str] | None = None) -> None:
        self.diags.error(self.lines.at(event.start_mark.index), message,
                         hints=[hint] if hint else [], details=details or [])


def _short(tag: str | None) -> str:
    tag = tag or "!"
    return "!!" + tag[len(_CORE):] if tag.startswith(_CORE) else tag


def load_yaml(text: str, path: str, diags: Diagnostics, *, line_offset: int = 0) -> YamlDoc | None:
    """Parse one YAML document into plain values; None (and located errors) on any problem.
    ``text`` is as :func:`read_text` gives it: without the characters it refuses (a value is
    searched for them again only where an escape may write one).

    ``line_offset`` is added to every line (front matter is counted from the top of the file).
    """
    lines = _Lines(text, path, line_offset)
    loaders = [_FAST_LOADER] + ([yaml.SafeLoader] if _FAST_LOADER is not yaml.SafeLoader else [])
    failure: Exception | None = None
    for loader in loaders:  # the pure-Python loader only runs again to explain a syntax error
        builder = _Builder(text, lines, loader)
        try:
            doc = builder.run()
        except (yaml.YAMLError, UnicodeError) as exc:
            failure = exc
            continue
        diags.extend(builder.diags)
        return None if builder.diags.items else doc
    diags.extend(builder.diags)
    _report_syntax(failure, lines, diags)
    return None


_WORDS = (("'<scalar>'", "a value"), ("'<block mapping start>'", "a nested mapping"),
          ("'<block sequence start>'", "a nested list"), ("'?'", "a key"),
          ("'<block end>'", "the end of an indented block"), ("'<stream end>'", "the end"),
          ("<block end>", "the end of the indented block"), ("the node content", "a value"),
          ("'<document start>'", "'---'"), ("'<document end>'", "'...'"), ("'<tag>'", "a tag"),
          ("'<anchor>'", "an anchor"), ("'<alias>'", "an alias"), ("stream", "text"),
          ("block collection", "list"), ("block mapping", "mapping"), ("block node", "value"),
          ("flow node", "value"), ("flow sequence", "[...] list"),
          ("flow mapping", "{...} mapping"), ("simple key", "key"), ("scalar", "value"))
_HINTS = (("'\\t'", "indent with spaces: YAML does not allow tabs"),
          ("mapping values are not allowed", "put the value in quotes if it contains ': '"),
          ("cannot start any token", "put the value in quotes"),
          ("could not find expected ':'",
           "write 'key: value'; to continue a long value on the next line, indent it"),
          ("<block end>", "check the indentation (the keys of a mapping, and the '-' of a list, "
                          "line up) and that nothing follows a closing quote"),
          ("end of stream", "check that every quote, '[' and '{' is closed"),
          ("expected ',' or", "check the brackets; put values containing ',' or ':' in quotes"),
          ("unknown escape", "in double quotes write a backslash as '\\\\', or use single quotes"))


def _human(text: str) -> str:
    for jargon, words in _WORDS:
        text = text.replace(jargon, words)
    return text


def _report_syntax(exc: Exception | None, lines: _Lines, diags: Diagnostics) -> None:
    """Report a YAML syntax error at its problem mark, in words an editor can act on."""
    if isinstance(exc, yaml.reader.ReaderError):
        code = ord(exc.character) if isinstance(exc.character, str) else exc.character
        diags.error(lines.at(exc.position), f"YAML syntax error: character U+{code:04X} is not "
                    "allowed", hints=["delete it (most editors do not show it)"])
        return
    problem = getattr(exc, "problem", None) or "this is not valid YAML"
    context, context_mark = getattr(exc, "context", None), getattr(exc, "context_mark", None)
    mark = getattr(exc, "problem_mark", None) or context_mark
    details = []
    if context and context_mark is not None and context_mark.index != mark.index:
        where = lines.at(context_mark.index)
        details.append(f"{_human(context)} starting at line {where.line}, column {where.col}")
    hints = [hint for key, hint in _HINTS if key in problem][:1]
    diags.error(lines.at(mark.index) if mark is not None else lines.at(0),
                f"YAML syntax error: {_human(problem)}", hints=hints, details=details)
