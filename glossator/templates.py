"""The Jinja environment: the site's ``theme/`` over the built-in theme, file by file.

Autoescaping is on and undefined variables are errors. Any problem in a template (syntax, an
undefined variable, an exception) becomes a diagnostic naming the template file and line.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from typing import Any

import jinja2
import jinja2.meta
from markupsafe import Markup, escape

try:
    from markupsafe import _escape_inner  # MarkupSafe 3: escape() calls it, then Markup()
except ImportError:  # MarkupSafe 2: escape() is one C function already
    _escape_inner = None

from .errors import Diagnostics, Location
from .inventory import THEME_DIR

BUILTIN_THEME = Path(__file__).parent / "theme"


class TemplateFailed(Exception):
    """A template could not be rendered; the diagnostic is already recorded."""


def _compiled_templates(directory: Path | None) -> jinja2.BytecodeCache | None:
    if directory is None:
        return None
    try:
        return _CompiledTemplates(directory)
    except OSError:  # no cache folder (read-only site…): compile every time
        return None


class _CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Jinja's on-disk cache of compiled templates (keyed by each template's source, so an
    edited template is compiled again); a cache that cannot be written is only skipped."""

    def __init__(self, directory: Path):
        directory.mkdir(parents=True, exist_ok=True)
        super().__init__(str(directory))

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except OSError:
            bucket.reset()


_DICT_ATTRIBUTES = frozenset(dir(dict))


_new_str = str.__new__


def _escape(value: Any) -> Markup:
    """``markupsafe.escape``, its three commonest cases without its calls: a ``str``
    escaped, a ``Markup`` as it is, an ``int`` as its digits (which need no escaping).
    markupsafe makes each result through ``Markup.__new__``, a Python method that asks
    whether the text has ``__html__``; the text here is known to be a plain ``str``."""
    kind = type(value)
    if kind is str and _escape_inner is not None:
        return _new_str(Markup, _escape_inner(value))
    if kind is Markup:
        return value  # markupsafe: Markup(value.__html__()), an equal Markup
    if kind is int:
        return _new_str(Markup, str(value))
    return escape(value)


class _Template(jinja2.Template):
    """A template whose ``{{ … }}`` are escaped by :func:`_escape`.

    A compiled template imports ``escape`` from ``jinja2.runtime`` (markupsafe's) into its
    own globals, which its render functions read at every output; the name is replaced
    there, in this template only."""

    @classmethod
    def from_code(cls, environment: jinja2.Environment, code: Any,
                  globals: Any, uptodate: Any = None) -> jinja2.Template:
        template = super().from_code(environment, code, globals, uptodate)
        template.root_render_func.__globals__["escape"] = _escape
        return template


class _Environment(jinja2.Environment):
    """Jinja's environment, with ``a.b`` on a plain dict and a template's context faster,
    and meaning the same.

    Jinja reads ``a.b`` as the attribute ``b`` of ``a`` if it has one, else its item ``"b"``.
    Glossator's contexts are plain dicts, so nearly every ``a.b`` in a template first failed
    as an attribute, raising and catching an ``AttributeError``: a loop over 15 notes' dicts
    took 313 µs, and 121 µs with the item looked up first (docs/performance.md, ninth pass).
    A dict has the attribute ``b`` only when ``b`` is a name of ``dict`` itself (``items``,
    ``get``…): for any other name the item is what Jinja would find, so it is looked up first.

    A template's globals are a ``ChainMap`` over the environment's, which Jinja copies,
    key by key through the chain, into every render's context (11 µs of a note's 28 µs).
    Glossator never changes the globals once a template is loaded (as Jinja advises), so a
    template's are one plain dict: the environment's, with the template's own over them.
    """

    template_class = _Template

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)

    def make_globals(self, d: Any) -> dict[str, Any]:
        return {**self.globals, **(d or {})}


class Theme:
    def __init__(self, root: Path, *, compiled_dir: Path | None = None):
        """``compiled_dir``: where compiled templates are kept between builds (None: not)."""
        self.root = root
        self.dirs = [d for d in (root / THEME_DIR, BUILTIN_THEME) if d.is_dir()]
        loader = jinja2.FileSystemLoader([str(d / "templates") for d in self.dirs])
        self.env = _Environment(loader=loader, autoescape=True,
                                undefined=jinja2.StrictUndefined, trim_blocks=True,
                                lstrip_blocks=True, keep_trailing_newline=True,
                                bytecode_cache=_compiled_templates(compiled_dir),
                                # a Theme lasts one build (the live preview makes a new
                                # one when a template changes): no stat per use
                                auto_reload=False)
        self._static: dict[str, Path] | None = None
        self._fingerprint: str | None = None

    def display_path(self, filename: str | None) -> str:
        """A template's path as shown in messages: relative to the site, else to the package."""
        if not filename:
            return "theme"
        path = Path(filename).resolve()
        for base in (self.root.resolve(), BUILTIN_THEME.parent.parent):
            if path.is_relative_to(base):
                return path.relative_to(base).as_posix()
        return str(path)

    def render(self, name: str, context: dict[str, Any], diags: Diagnostics) -> str:
        try:
            return self.env.get_template(name).render(context)
        except jinja2.TemplateSyntaxError as exc:
            diags.error(Location(self.display_path(exc.filename), exc.lineno or 1),
                        f"template syntax error: {exc.message}")
        except jinja2.TemplateNotFound as exc:
            diags.error(Location(THEME_DIR), f"template not found: {exc.name}")
        except Exception as exc:  # an error raised while rendering: locate it in the template
            filename, line = _template_frame(exc)
            diags.error(Location(self.display_path(filename), line),
                        f"template error while rendering {name}: {exc}")
        raise TemplateFailed(name)

    @property
    def asset_names(self) -> list[str]:
        """The names of the files published under ``assets/`` (with Pygments' stylesheet)."""
        return sorted({*self.static_files(), "pygments.css"})

    def static_files(self) -> dict[str, Path]:
        """Static files by name, the site's theme overriding the built-in one."""
        if self._static is not None:
            return self._static
        found: dict[str, Path] = {}
        for theme_dir in reversed(self.dirs):
            static = theme_dir / "static"
            if static.is_dir():
                for path in sorted(static.rglob("*")):
                    if path.is_file() and not path.name.startswith("."):
                        found[path.relative_to(static).as_posix()] = path
        self._static = found
        return found

    def fingerprint(self) -> str:
        """A hash of every template and of the static files' names (the cache's key for
        pages)."""
        if self._fingerprint is not None:
            return self._fingerprint
        digest = hashlib.blake2b("\n".join(self.asset_names).encode(), digest_size=16)
        for theme_dir in self.dirs:
            for path in sorted((theme_dir / "templates").rglob("*")):
                if path.is_file():
                    digest.update(path.relative_to(theme_dir).as_posix().encode())
                    digest.update(path.read_bytes())
        self._fingerprint = digest.hexdigest()
        return self._fingerprint

    def closure_fingerprint(self, name: str) -> str:
        """A hash of the template ``name`` and of every template it includes, imports or
        extends, as this theme resolves them (the whole theme's fingerprint when a name is
        computed at render time, or a template cannot be read or parsed)."""
        digest = hashlib.blake2b(digest_size=16)
        seen: set[str] = set()
        todo = [name]
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            try:
                source, filename, _ = self.env.loader.get_source(self.env, current)
                referenced = list(jinja2.meta.find_referenced_templates(self.env.parse(source)))
            except (jinja2.TemplateError, OSError):
                return self.fingerprint()
            if None in referenced:
                return self.fingerprint()
            digest.update(f"{current}\0{filename}\0{source}\0".encode())
            todo.extend(ref for ref in referenced if ref is not None)
        return digest.hexdigest()


def _template_frame(exc: BaseException) -> tuple[str | None, int]:
    """The innermost template file and line in the exception's traceback."""
    found: tuple[str | None, int] = (None, 1)
    tb = exc.__traceback__ or sys.exc_info()[2]
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if (filename.endswith(".html") or "templates" in filename) and filename != __file__:
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return found
