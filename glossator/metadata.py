"""Machine-readable metadata in a document page's ``<head>``.

For reference managers (Zotero's embedded-metadata translator reads the Highwire Press
``citation_*`` tags and Dublin Core), search engines and link previews:

* **Highwire Press**: ``citation_title``; one ``citation_author`` per *person*, written
  "Family, Given" (an organisation goes to ``DC.creator`` only: Zotero would split "The White
  House" into a first and a last name); ``citation_publication_date`` (the original's date,
  ``YYYY/MM/DD`` to its precision); ``citation_publisher`` (the original publisher);
  ``citation_public_url``; ``citation_language``; ``citation_keywords``. No journal, book or
  conference tags, which would make Zotero guess another item type.
* **Dublin Core**: ``DC.title``, ``DC.creator``, ``DC.date``, ``DC.publisher``, ``DC.source``
  (the original's URL, when known), ``DC.rights``, ``DC.language``, ``DC.type`` = ``webpage``.
* **Open Graph**: ``og:type`` = ``website`` (with ``DC.type``, what makes Zotero save the page
  as a Web Page rather than guess a journal article), ``og:site_name``, ``og:title``,
  ``og:description``, ``og:url``.
* **schema.org JSON-LD**: the page as a ``CreativeWork`` based on (``isBasedOn``) the original
  document, published by this site, with the edition's editors, ``creditText``,
  ``copyrightNotice`` from ``rights`` and ``license`` only from ``license_url``.
  :func:`script_json` makes it safe inside ``<script>`` whatever the titles contain.
"""

from __future__ import annotations

import json
from typing import Any

from .config import SiteConfig
from .models import Author, PartialDate, Source

_SCRIPT_UNSAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                                "\u2028": "\\u2028", "\u2029": "\\u2029"})


def highwire_date(date: PartialDate) -> str:
    return "/".join(f"{p:02d}" if i else f"{p:04d}" for i, p in enumerate(date.parts))


def _person(author: Author) -> str:
    family = f"{author.particle} {author.family}".strip()
    name = f"{family}, {author.given}" if author.given else family
    return f"{name}, {author.suffix}" if author.suffix else name


def head_tags(source: Source, *, config: SiteConfig, page_url: str,
              description: str) -> list[dict[str, str]]:
    """``<meta>`` tags as ``{"name" or "property": …, "content": …}``, in a stable order."""
    tags: list[tuple[str, str, str]] = [("name", "citation_title", source.title)]
    tags += [("name", "citation_author", _person(a)) for a in source.authors if a.is_person]
    tags += [("name", "citation_publication_date", highwire_date(source.date)),
             ("name", "citation_publisher", source.publisher),
             ("name", "citation_public_url", page_url),
             ("name", "citation_language", source.language)]
    if source.tags:
        tags.append(("name", "citation_keywords", "; ".join(source.tags)))
    tags.append(("name", "DC.title", source.title))
    tags += [("name", "DC.creator", a.display()) for a in source.authors]
    tags += [("name", "DC.date", source.date.iso()), ("name", "DC.publisher", source.publisher)]
    if source.url:
        tags.append(("name", "DC.source", source.url))
    if source.rights:
        tags.append(("name", "DC.rights", source.rights))
    tags += [("name", "DC.language", source.language), ("name", "DC.type", "webpage"),
             ("property", "og:type", "website"), ("property", "og:site_name", config.title),
             ("property", "og:title", source.title),
             ("property", "og:description", description), ("property", "og:url", page_url)]
    return [{attr: name, "content": content} for attr, name, content in tags]


def _agent(author: Author) -> dict[str, str]:
    kind = "Person" if author.is_person else "Organization"
    return {"@type": kind, "name": author.display()}


def credit_text(source: Source, config: SiteConfig) -> str:
    return (f"Originally published by {source.publisher}, {source.date.display()}. "
            f"Annotated edition: {config.title}.")


def json_ld(source: Source, *, config: SiteConfig, page_url: str,
            description: str) -> dict[str, Any]:
    original: dict[str, Any] = {"@type": "CreativeWork", "name": source.title,
                                "datePublished": source.date.iso(),
                                "publisher": {"@type": "Organization",
                                              "name": source.publisher}}
    if source.url:
        original["url"] = source.url
    if source.authors:
        original["author"] = [_agent(a) for a in source.authors]
    if source.place:
        original["locationCreated"] = {"@type": "Place", "name": source.place}
    data: dict[str, Any] = {
        "@context": "https://schema.org", "@type": "CreativeWork", "@id": page_url,
        "url": page_url, "name": source.title, "description": description,
        "inLanguage": source.language, "datePublished": source.added.isoformat(),
        "isBasedOn": original,
        "publisher": {"@type": "Organization", "name": config.title, "url": config.base_url},
        "creditText": credit_text(source, config)}
    if config.editors:
        data["editor"] = [_agent(e) for e in config.editors]
    if source.authors:
        data["author"] = [_agent(a) for a in source.authors]
    if source.tags:
        data["keywords"] = list(source.tags)
    if source.rights:
        data["copyrightNotice"] = source.rights
    if source.license_url:
        data["license"] = source.license_url
    return data


def script_json(data: Any) -> str:
    """JSON that cannot end or alter a ``<script>`` element (``</script>``, ``<!--``, U+2028)."""
    text = json.dumps(data, ensure_ascii=False)
    return text.translate(_SCRIPT_UNSAFE)
