"""Loading a whole site, and the checks that span several files."""

from __future__ import annotations

import difflib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from .config import SiteConfig
from .documents import DocumentSummary
from .errors import Diagnostics, Location
from .inventory import Inventory, find_inputs
from .loaders import load_annotations, load_config, load_glossary, load_source
from .models import Annotations, Glossary, Source
from .slugs import slug


@dataclass
class Site:
    root: Path
    config: SiteConfig
    sources: list[Source]  # every valid source, drafts included
    annotations: dict[str, Annotations]  # by stem
    glossary: Glossary
    tags: dict[str, str] = field(default_factory=dict)  # tag slug -> display name

    def published(self, *, drafts: bool) -> list[Source]:
        return [s for s in self.sources if drafts or not s.draft]


def load_site(root: Path, diags: Diagnostics) -> Site | None:
    config = load_config(root, diags)
    if config is None:
        return None
    inventory = find_inputs(root, diags)
    sources = [s for rel in inventory.sources
               if (s := load_source(root, rel, config, diags)) is not None]
    orphans = check_orphans(inventory, diags)
    annotations = {a.stem: a for rel in inventory.annotations
                   if Inventory.stem(rel) not in orphans
                   and (a := load_annotations(root, rel, diags)) is not None}
    glossary = load_glossary(root, inventory.glossary, diags)
    sources = unique_slugs(sources, diags)
    tags = tag_names(sources, diags)
    return Site(root, config, sources, annotations, glossary, tags)


def check_orphans(inventory: Inventory, diags: Diagnostics) -> set[str]:
    """An annotation file without its source is an error: a rename must not drop notes.

    Returns the stems of such files (they are not used).
    """
    stems = [Inventory.stem(rel) for rel in inventory.sources]
    known = set(stems)
    orphans = set()
    for rel in inventory.annotations:
        stem = Inventory.stem(rel)
        if stem in known:
            continue
        orphans.add(stem)
        hints = [f"rename it to annotations/{close[0]}.yaml?" for close in
                 [difflib.get_close_matches(stem, stems, n=1, cutoff=0.5)] if close]
        hints.append("each annotations/<name>.yaml pairs with sources/<name>.md")
        details = [NORMALIZATION_DETAIL] if _nfc(stem) in map(_nfc, stems) else []
        diags.error(Location(rel), f"no source for this annotation file: "
                    f"sources/{stem}.md does not exist", hints=hints, details=details)
    return orphans


NORMALIZATION_DETAIL = ("the two file names look the same but their accents are written "
                        "differently (Unicode NFC and NFD): retype one of them")


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def unique_slugs(sources: list[Source], diags: Diagnostics) -> list[Source]:
    """Two sources with one slug (or one output path, up to case) are errors naming both."""
    seen: dict[str, Source] = {}
    kept = []
    for source in sources:
        key = source.slug.casefold()
        if key in seen:
            first = seen[key].path
            details = ([NORMALIZATION_DETAIL] if first != source.path
                       and _nfc(first) == _nfc(source.path) else [])
            diags.error(source.loc("slug"), f"the slug '{source.slug}' is already used by "
                        f"{first}", hints=["give one of them another `slug:`"],
                        details=details)
            continue
        seen[key] = source
        kept.append(source)
    return kept


def tag_names(sources: list[Source], diags: Diagnostics) -> dict[str, str]:
    """Tag slug -> the first spelling; two spellings with one slug are an error."""
    names: dict[str, tuple[str, Source]] = {}
    for source in sources:
        here: set[str] = set()
        for i, tag in enumerate(source.tags):
            tag_slug = slug(tag)
            if not tag_slug:
                diags.error(source.loc("tags", i), f"the tag '{tag}' gives an empty slug",
                            hints=["use a tag with letters or digits"])
                continue
            first = names.setdefault(tag_slug, (tag, source))
            if first[0] == tag and tag_slug in here:
                diags.error(source.loc("tags", i), f"the tag '{tag}' is listed twice",
                            hints=["remove one of them"])
            here.add(tag_slug)
            if first[0] != tag:
                diags.error(source.loc("tags", i), f"the tag '{tag}' has the same slug "
                            f"'{tag_slug}' as the tag '{first[0]}' in {first[1].path}",
                            hints=[f"write it '{first[0]}' in both files"])
    return {tag_slug: name for tag_slug, (name, _) in names.items()}


def warn_unused_terms(glossary: Glossary, documents: Iterable[DocumentSummary],
                      diags: Diagnostics) -> None:
    """A warning for each glossary entry that no document, introduction or note links."""
    used = {t for d in documents for t in d.terms_used}
    for term in glossary.terms:
        if term.id not in used:
            diags.warning(term.location or Location(glossary.path),
                          f"glossary entry '{term.term}' is linked nowhere",
                          hints=["no document, introduction or note uses this term "
                                 "or its aliases (check spelling and case_sensitive)"])
