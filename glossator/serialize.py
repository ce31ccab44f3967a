"""Models to JSON and back, for the build cache (no pickle: a cache file is data, not code)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .errors import Diagnostic, Location
from .models import Author, PartialDate, Source, Via

# what reading back a record of another shape than the one written (a cache edited by
# hand) raises, in the functions below: the caller takes the record as absent
DAMAGED_RECORD = (KeyError, TypeError, ValueError, AttributeError, IndexError, AssertionError)


def location_to_json(loc: Location | None) -> list | None:
    return None if loc is None else [loc.path, loc.line, loc.col]


def location_from_json(data: list | None) -> Location | None:
    return None if data is None else Location(data[0], data[1], data[2])


def diagnostic_to_json(d: Diagnostic) -> dict[str, Any]:
    return {"at": location_to_json(d.location), "severity": d.severity, "message": d.message,
            "hints": list(d.hints), "details": list(d.details)}


def diagnostic_from_json(data: dict[str, Any]) -> Diagnostic:
    location = location_from_json(data["at"])
    assert location is not None
    return Diagnostic(location, data["severity"], data["message"], tuple(data["hints"]),
                      tuple(data["details"]))


def _date(value: PartialDate | None) -> list[int] | None:
    return None if value is None else value.parts


def _partial(parts: list[int] | None) -> PartialDate | None:
    return None if parts is None else PartialDate(*parts)


def source_to_json(s: Source) -> dict[str, Any]:
    """Everything but the Markdown body (listings and checks never need it)."""
    return {
        "stem": s.stem, "path": s.path, "slug": s.slug, "title": s.title,
        "date": _date(s.date), "added": s.added.isoformat(), "publisher": s.publisher,
        "body_line": s.body_line, "authors": [vars(a) for a in s.authors], "url": s.url,
        "via": [{**vars(v), "date": _date(v.date)} for v in s.via], "place": s.place,
        "language": s.language, "summary": s.summary, "rights": s.rights,
        "license_url": s.license_url, "tags": list(s.tags), "draft": s.draft,
        # the places checks across documents may point at (a clashing slug or tag)
        "locations": [[list(k), location_to_json(v)] for k, v in s.field_locations.items()
                      if k[0] in ("slug", "tags")],
    }


def source_from_json(data: dict[str, Any]) -> Source:
    date = _partial(data["date"])
    assert date is not None
    return Source(
        stem=data["stem"], path=data["path"], slug=data["slug"], title=data["title"],
        date=date, added=dt.date.fromisoformat(data["added"]), publisher=data["publisher"],
        body="", body_line=data["body_line"], authors=[Author(**a) for a in data["authors"]],
        url=data["url"], via=[Via(**{**v, "date": _partial(v["date"])}) for v in data["via"]],
        place=data["place"], language=data["language"], summary=data["summary"],
        rights=data["rights"], license_url=data["license_url"], tags=list(data["tags"]),
        draft=data["draft"], location=Location(data["path"]),
        field_locations={tuple(k): location_from_json(v) for k, v in data["locations"]})
