"""Citation downloads of a document page: CSL-JSON, biblatex and RIS.

Each format is made from the page's CSL-JSON item (:func:`glossator.citations.csl_item`), the
one citeproc-py formats on the page, so the three downloads and the citation block agree. The
item describes the page of this edition and credits the original publication; the original
publisher is kept in every format (``original-publisher``; ``origpublisher`` and ``note``;
``N1``), also when the text came through republications (``via``), which none of them names.

``citation.json``
    The item itself, in a one-item array (CSL-JSON files are arrays), UTF-8, indented by two
    spaces, keys in the item's order.

``citation.bib``
    A biblatex ``@online`` entry keyed by the slug. Persons are ``von Last, Jr., First``;
    organisations and mononyms are braced (``{{United Nations General Assembly}}``) so they
    are never split into name parts. The site's title goes in ``organization``: biblatex's
    manual lists it among the fields of ``@online`` (the organisation that published an
    online resource), and not ``publisher``, which its standard styles ignore for this type.
    ``origpublisher``, ``origdate``, ``origtitle`` and ``origlocation`` hold the original; the
    same facts are repeated in ``note`` because plain BibTeX styles print none of the
    ``orig*`` fields. ``langid`` is the babel/polyglossia name of the language when the
    BCP 47 tag maps to a language biblatex localises (``en-GB`` → ``british``); otherwise it
    is left out, because an unknown ``langid`` is an error in babel. The LaTeX specials
    ``& % $ # _ { } ~ ^ \\`` are escaped in every field except ``url``, which biblatex reads
    verbatim.

``citation.ris``
    ``TY  - ELEC`` with the tags in the order Zotero writes them, CRLF line ends (the RIS
    specification's; Zotero writes them and rispy and Zotero read either). Editors are ``A2``
    (the RIS secondary author): Zotero maps ``ED`` to an editor, which a Zotero web page
    cannot have, and so turns the edition's editors into authors of the page; ``A2`` is
    ignored there instead. The original publisher and date are in ``N1``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from .models import PartialDate

CITATION_FILES = ("citation.json", "citation.bib", "citation.ris")

_LATEX = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
          "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
          "^": r"\textasciicircum{}"}
_LONE_BRACES = {"{": r"\textbraceleft{}", "}": r"\textbraceright{}"}
_LIST_SEPARATOR = re.compile(r"\band\b", re.IGNORECASE)  # splits biblatex lists and names
_NAME_SEPARATOR = re.compile(r"\band\b|,", re.IGNORECASE)  # also splits a name's parts
_URL_UNSAFE = {"{": "%7B", "}": "%7D", "\\": "%5C", " ": "%20"}
BABEL_NAMES = {
    "en": "english", "en-us": "american", "en-gb": "british", "en-au": "australian",
    "en-ca": "canadian", "en-nz": "newzealand", "fr": "french", "fr-ca": "canadien",
    "de": "ngerman", "de-at": "naustrian", "de-ch": "nswissgerman", "es": "spanish",
    "it": "italian", "pt": "portuguese", "pt-br": "brazilian", "nl": "dutch",
    "ru": "russian", "uk": "ukrainian", "pl": "polish", "cs": "czech", "sk": "slovak",
    "sl": "slovene", "hr": "croatian", "sr": "serbian", "bg": "bulgarian", "sv": "swedish",
    "da": "danish", "nb": "norsk", "no": "norsk", "nn": "nynorsk", "fi": "finnish",
    "et": "estonian", "lv": "latvian", "lt": "lithuanian", "hu": "magyar", "ro": "romanian",
    "el": "greek", "la": "latin", "ca": "catalan", "eu": "basque", "gl": "galician",
    "is": "icelandic", "tr": "turkish", "he": "hebrew", "af": "afrikaans",
}


# CSL-JSON ------------------------------------------------------------------------------------

def citation_json(item: dict[str, Any]) -> str:
    """``citation.json``: the CSL-JSON item in a one-item array."""
    return json.dumps([item], ensure_ascii=False, indent=2) + "\n"


# Shared facts ---------------------------------------------------------------------------------

def _one_line(text: str) -> str:
    return " ".join(text.split())


def _date(value: dict[str, Any]) -> PartialDate:
    return PartialDate(*value["date-parts"][0])


def original_note(item: dict[str, Any]) -> str:
    """``Originally published by U.S. Department of State, 11 November 2017``."""
    when = _date(item["original-date"]).display()
    return f"Originally published by {_one_line(item['original-publisher'])}, {when}"


def babel_name(language: str) -> str | None:
    """The biblatex ``langid`` of a BCP 47 tag (``en-GB`` → ``british``), or None."""
    tag = language.lower()
    parts = tag.split("-")
    regions = [p for p in parts[1:] if len(p) == 2 and p.isalpha()]
    if regions and f"{parts[0]}-{regions[0]}" in BABEL_NAMES:
        return BABEL_NAMES[f"{parts[0]}-{regions[0]}"]
    return BABEL_NAMES.get(parts[0])


# biblatex ------------------------------------------------------------------------------------

_ESCAPE = str.maketrans(_LATEX)
_ESCAPE_LONE_BRACES = str.maketrans({**_LATEX, **_LONE_BRACES})


def latex_escape(text: str) -> str:
    """``text`` with the LaTeX specials escaped; braces stay balanced for BibTeX."""
    return text.translate(_ESCAPE if _balanced(text) else _ESCAPE_LONE_BRACES)


def _balanced(text: str) -> bool:
    if "{" not in text and "}" not in text:
        return True
    depth = 0
    for c in text:
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def _protect(text: str, *, name_part: bool = False) -> str:
    """Brace a list item containing ``and`` (or a name part containing ``and`` or a comma)."""
    escaped = latex_escape(_one_line(text))
    separator = _NAME_SEPARATOR if name_part else _LIST_SEPARATOR
    return "{" + escaped + "}" if separator.search(text) else escaped


def bib_name(name: dict[str, str]) -> str:
    """One CSL name in biblatex form: ``van Beethoven, Jr., Ludwig`` or ``{Organisation}``."""
    if "literal" in name:
        return "{" + latex_escape(_one_line(name["literal"])) + "}"
    particle, family = name.get("non-dropping-particle", ""), name["family"]
    parts = [" ".join(_protect(p, name_part=True) for p in (particle, family) if p)]
    if name.get("suffix"):
        parts += [_protect(name["suffix"], name_part=True),
                  _protect(name.get("given", ""), name_part=True)]
    elif name.get("given"):
        parts.append(_protect(name["given"], name_part=True))
    return ", ".join(parts).rstrip()


def _bib_names(names: Iterable[dict[str, str]]) -> str:
    return " and ".join(bib_name(n) for n in names)


def _bib_fields(item: dict[str, Any]) -> list[tuple[str, str]]:
    """(field, value as written between the braces), in the entry's order."""
    fields = []
    if item.get("author"):
        fields.append(("author", _bib_names(item["author"])))
    if item.get("editor"):
        fields.append(("editor", _bib_names(item["editor"])))
    fields.append(("title", latex_escape(_one_line(item["title"]))))
    fields.append(("date", _date(item["issued"]).iso()))
    fields.append(("url", "".join(_URL_UNSAFE.get(c, c) for c in item["URL"])))
    fields.append(("organization", _protect(item["container-title"])))
    fields.append(("origtitle", latex_escape(_one_line(item["original-title"]))))
    fields.append(("origpublisher", _protect(item["original-publisher"])))
    if item.get("original-publisher-place"):
        fields.append(("origlocation", _protect(item["original-publisher-place"])))
    fields.append(("origdate", _date(item["original-date"]).iso()))
    langid = babel_name(item.get("language", ""))
    if langid:
        fields.append(("langid", langid))
    fields.append(("note", latex_escape(original_note(item))))
    return fields


def citation_bib(item: dict[str, Any]) -> str:
    """``citation.bib``: one biblatex ``@online`` entry keyed by the slug."""
    body = ",\n".join(f"  {key} = {{{value}}}" for key, value in _bib_fields(item))
    return f"@online{{{item['id']},\n{body},\n}}\n"


# RIS -----------------------------------------------------------------------------------------

def ris_name(name: dict[str, str]) -> str:
    """One CSL name in RIS form: ``van Beethoven, Ludwig, Jr.`` or the literal name."""
    if "literal" in name:
        return _one_line(name["literal"])
    family = " ".join(p for p in (name.get("non-dropping-particle", ""), name["family"]) if p)
    parts = [family, name.get("given", ""), name.get("suffix", "")]
    while parts and not parts[-1]:
        parts.pop()
    return ", ".join(_one_line(p) for p in parts)


def _ris_lines(item: dict[str, Any]) -> list[tuple[str, str]]:
    added = _date(item["issued"])
    lines = [("TY", "ELEC"), ("TI", _one_line(item["title"]))]
    lines += [("AU", ris_name(n)) for n in item.get("author", [])]
    lines.append(("T2", _one_line(item["container-title"])))
    lines += [("A2", ris_name(n)) for n in item.get("editor", [])]
    day = "/".join(f"{p:02d}" for p in added.parts[1:])
    lines.append(("DA", f"{added.year:04d}/{day}/"))
    lines.append(("PY", f"{added.year:04d}"))
    lines.append(("LA", item.get("language", "")))
    lines.append(("UR", item["URL"]))
    lines.append(("N1", original_note(item)))
    return [(tag, value) for tag, value in lines if value]


def citation_ris(item: dict[str, Any]) -> str:
    """``citation.ris``: one ``ELEC`` record, CRLF line ends."""
    lines = [f"{tag}  - {value}" for tag, value in _ris_lines(item)]
    return "\r\n".join([*lines, "ER  - ", ""])


def citation_files(item: dict[str, Any]) -> dict[str, str]:
    """File name → text of every citation download of a page (see :data:`CITATION_FILES`)."""
    return {"citation.json": citation_json(item), "citation.bib": citation_bib(item),
            "citation.ris": citation_ris(item)}
