"""The build, as a table of contents.

config → inventory → load everything → render each document → index (cross-document data)
→ render every page → write to staging → swap. Problems are collected throughout; the build
stops before writing when there are errors (or warnings, with ``strict``), so a failed build
never touches the published output.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import inventory as inv
from .citations import CitationRenderer
from .documents import DocumentRenderer, RenderedDocument, RenderedNote
from .errors import BuildFailed, Diagnostics, Location
from .markdown import Where, make_markdown, render_fragment
from .markdown.glossary import GlossaryMatcher
from . import search
from .pages import Index, build_index, render_pages
from .loaders import load_config
from .site import Site, load_site
from .templates import TemplateFailed, Theme
from .writer import OutputCollision, OutputWriter, WriteResult, WriterError


@dataclass
class BuildOptions:
    output: Path | None = None  # overrides the config's output_dir
    drafts: bool = False
    strict: bool = False
    check_only: bool = False
    search: bool = True  # build the Pagefind index (``--no-search`` skips it)


@dataclass
class BuildReport:
    diagnostics: Diagnostics
    output_dir: Path | None = None
    result: WriteResult | None = None
    pages: int = 0
    documents: int = 0
    outputs: dict[str, bytes] = field(default_factory=dict)


def build(root: Path, options: BuildOptions | None = None) -> BuildReport:
    """Build (or, with ``check_only``, just check) the site at ``root``.

    Raises :class:`BuildFailed` carrying every diagnostic when the inputs have errors.
    """
    options = options or BuildOptions()
    diags = Diagnostics()
    site = load_site(root, diags)
    if site is None:  # no usable config: nothing else can be checked
        raise BuildFailed(diags)
    loaded = not diags.errors
    theme = Theme(root)
    # Rendered even when some files failed to load, so that the notes of the valid ones are
    # anchored and one run reports every problem.
    documents = render_documents(site, theme, diags)
    published = [d for d in documents if options.drafts or not d.source.draft]
    definitions = render_definitions(site, diags)
    if loaded:  # else the source that failed to load may be the one using a term
        _warn_unused_terms(site, documents, diags)
    _stop_on_errors(diags)
    index = build_index(published, site.glossary.terms)
    try:
        outputs = render_pages(site, index, theme, definitions, diags)
    except TemplateFailed:
        raise BuildFailed(diags)
    _stop_on_errors(diags, strict=options.strict)
    report = BuildReport(diags, pages=sum(p.endswith(".html") for p in outputs),
                         documents=len(published), outputs=outputs)
    if not options.check_only:
        report.output_dir = options.output or site.config.output_path(root)
        if options.search:
            outputs.update(search_index(site, index, definitions, outputs, report.output_dir,
                                        diags))
        report.result = write_outputs(root, report.output_dir, outputs, diags)
    return report


def search_index(site: Site, index: Index, definitions: dict[str, str],
                 outputs: dict[str, bytes], output_dir: Path,
                 diags: Diagnostics) -> dict[str, bytes]:
    """Pagefind's files: the published ones when no indexed page changed, else a new run."""
    pages = {inv.document_page(d.source.slug): outputs[inv.document_page(d.source.slug)]
             for d in index.documents}
    pages[inv.GLOSSARY_PAGE] = outputs[inv.GLOSSARY_PAGE]
    previous = search.previous_index(output_dir, pages)
    if previous is not None:
        return previous
    records: dict[str, str] = {}
    for doc in index.documents:
        records.update(search.note_records(doc))
    records.update(search.term_records(site.glossary.terms, definitions,
                                       site.config.language))
    try:
        return search.build_index({p: d for p, d in pages.items() if p != inv.GLOSSARY_PAGE},
                                  records)
    except search.SearchFailed as exc:
        diags.error(Location(inv.CONFIG_FILE), f"the search index could not be built: {exc}",
                    hints=["build with --no-search to publish without search"])
        raise BuildFailed(diags)


def output_dir_for(root: Path, options: BuildOptions) -> Path:
    """Where a build of ``root`` writes (``--output``, else the config's ``output_dir``)."""
    if options.output is not None:
        return options.output
    config = load_config(root, Diagnostics())
    return config.output_path(root) if config else root / "output"


def _stop_on_errors(diags: Diagnostics, *, strict: bool = False) -> None:
    if diags.has_errors(strict=strict):
        raise BuildFailed(diags)


def render_documents(site: Site, theme: Theme, diags: Diagnostics) -> list[RenderedDocument]:
    """Every source, drafts included (they are checked even when not published)."""
    config = site.config
    renderer = DocumentRenderer(
        md=make_markdown(unsafe_html=config.unsafe_html), config=config,
        matcher=GlossaryMatcher(site.glossary.terms) if site.glossary.terms else None,
        citations=CitationRenderer(config.citation_styles),
        note_template=lambda note: _note_html(theme, note, diags),
        glossary_href=lambda term_id: f"../{inv.GLOSSARY_PAGE}#{term_id}",
        page_url=lambda s: inv.absolute_url(config.base_url, inv.document_page(s.slug)))
    try:
        return [renderer.render(s, site.annotations.get(s.stem), diags) for s in site.sources]
    except TemplateFailed:
        raise BuildFailed(diags)


def _note_html(theme: Theme, note: RenderedNote, diags: Diagnostics) -> str:
    return theme.render("partials/note.html", {"note": note}, diags)


def render_definitions(site: Site, diags: Diagnostics) -> dict[str, str]:
    """Each glossary definition as HTML (no glossary links inside definitions)."""
    md = make_markdown(unsafe_html=site.config.unsafe_html)
    result = {}
    for term in site.glossary.terms:
        line = term.location.line if term.location else 1
        where = Where(site.glossary.path, line, term.definition.split("\n"))
        result[term.id] = render_fragment(md, term.definition, where=where, glossary=None,
                                          diags=diags, unsafe_html=site.config.unsafe_html)
    return result


def _warn_unused_terms(site: Site, documents: list[RenderedDocument],
                       diags: Diagnostics) -> None:
    used = set().union(*(d.terms_used for d in documents)) if documents else set()
    for term in site.glossary.terms:
        if term.id not in used:
            diags.warning(term.location or Location(site.glossary.path),
                          f"glossary entry '{term.term}' is linked nowhere",
                          hints=["no document, introduction or note uses this term or its "
                                 "aliases (check spelling and case_sensitive)"])


def write_outputs(root: Path, output_dir: Path, outputs: dict[str, bytes],
                  diags: Diagnostics) -> WriteResult:
    """Stage every output, then swap it in atomically (see :mod:`glossator.writer`)."""
    try:
        with OutputWriter(root, output_dir) as writer:
            for path in sorted(outputs):
                writer.write(path, outputs[path])
            return writer.commit()
    except OutputCollision as exc:
        diags.error(Location(inv.CONFIG_FILE), exc.message)
    except WriterError as exc:
        diags.error(Location(inv.CONFIG_FILE), exc.message)
    raise BuildFailed(diags)
