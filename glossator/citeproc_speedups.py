"""Faster citeproc-py, with output identical to the unpatched library.

Profiling a build (docs/performance.md) showed citeproc-py spending most of its time in
``CitationStylesElement.xpath_search`` (about 300 XPath evaluations per bibliography entry,
the same handful of expressions on the same elements each time), in the recursive
``calls_variable`` checks of groups, which walk the same macros again for every entry, and
in the conditions of ``cs:choose``: about 80 ``cs:if`` tested per entry and style, most of
them failing the same way for every item of the same kind.

A style does not change while it renders, so most of this is a pure function of the element
it is called on: :func:`apply` memoises XPath results, ``calls_variable``, an element's root,
its named children, and a locale's options, keyed by the element itself. lxml hands out the
same Python proxy for a node for as long as that proxy is alive, and the cache keeps its keys
(and results) alive, so a node is always found under the same key; a node reached through a
proxy that was never cached is simply a miss, never a wrong answer.

Each rendered element passes its text through ``strip_periods``, ``case``, five font steps,
``quote`` and ``wrap``, and each reads the element's attributes to find, almost always, that it
has nothing to do; which of them apply is worked out once per element. ``get_macro`` finds a
macro once per style and name.

A term is looked up once per style and arguments, its singular text made once per term, and
a name's options (when no sort key overrides them) read once per name element and context:
citeproc-py finds each through XPath on every use.

A ``cs:choose`` remembers which branch it took for what its conditions read of the item: its
type, which of the tested variables are present, the values of the ``is-numeric`` ones and
whether the ``is-uncertain-date`` ones are uncertain. A choose whose conditions test the
cite (``locator``, ``position``) is rendered as citeproc-py renders it.

A child that cannot print anything for the item at hand is not rendered at all. From the
style alone, each element is given the item variables without which it prints nothing (a
group: those of its children that call a variable; a macro or a choose: those of all its
children; names: its roles and its substitute's), or none when it may print without them (a
term, a value, a label). Where the item has none of them, citeproc-py would render the child
only to drop it (it raises ``VariableError`` or returns ``None``, and changes no state); about
a third of the ``cs:text`` renders of an entry are skipped so.

A ``cs:text``, ``cs:group`` or ``cs:names`` is rendered in one call that skips the steps known
to change nothing for it (and reads the item's language only for a text case). Where two
strings are joined, ``normalize_seam`` reads the characters at the seam from their segments,
not from the two strings made whole (which made an entry's text again at every seam).

``tests/test_citeproc_speedups.py`` renders a corpus of items, and runs of generated items of
many shapes, in several styles with and without the patch and compares the output byte for
byte.

Observed with citeproc-py 0.11.1."""

from __future__ import annotations

from typing import Any, Callable

import citeproc.string
from citeproc import model, source
from citeproc.string import SEAM_PUNCTUATION, MixedString, String, _strip_first_char, join

_ORIGINALS: dict[tuple[type, str], Callable] = {}
_XPATH_CACHE: dict[tuple[Any, str], list[Any]] = {}
_CALLS_VARIABLE_CACHE: dict[Any, bool] = {}


def _xpath_search(self: Any, expression: str) -> list[Any]:
    key = (self, expression)
    found = _XPATH_CACHE.get(key)
    if found is None:
        found = _XPATH_CACHE[key] = self.xpath(expression, namespaces=self.nsmap)
    return found


def _memoised_calls_variable(original: Callable) -> Callable:
    def calls_variable(self: Any) -> bool:
        key = self
        result = _CALLS_VARIABLE_CACHE.get(key)
        if result is None:
            result = _CALLS_VARIABLE_CACHE[key] = original(self)
        return result
    calls_variable.__wrapped__ = original  # type: ignore[attr-defined]
    return calls_variable


def _classes_defining(name: str) -> list[type]:
    return [cls for cls in vars(model).values()
            if isinstance(cls, type) and name in vars(cls)]


class _Reference:
    """``CitationItem.reference``, looked up once per item instead of on every variable: the
    first lookup keeps the reference in the item's ``__dict__``, where the next ones find it
    (a descriptor without ``__set__`` gives way to it)."""

    def __get__(self, item: Any, owner: type | None = None) -> Any:
        if item is None:
            return self
        found = item.bibliography.source[item.key]
        item.__dict__["reference"] = found
        return found


_reference = _Reference()


# --- string seams, from the characters at the seam ---------------------------------------------
# ``normalize_seam(left, other)`` compares the last character of ``left`` with the first of
# ``other``, and found them as ``str(left)[-1]`` and ``str(other)[0]``: a mixed string made
# whole for one character, again at every seam of a join, which makes the entry's text over
# and over. Here the two characters are read from the strings' segments.

def _last_char(value: Any) -> str:
    """``str(value)[-1:]``, from its segments."""
    if isinstance(value, MixedString):
        for segment in reversed(value):
            char = _last_char(segment)
            if char:
                return char
        return ""
    return (value if isinstance(value, str) else str(value))[-1:]


def _first_char(value: Any) -> str:
    """``str(value)[:1]``, from its segments."""
    if isinstance(value, MixedString):
        for segment in value:
            char = _first_char(segment)
            if char:
                return char
        return ""
    return (value if isinstance(value, str) else str(value))[:1]


def _normalize_seam(left: Any, other: Any) -> Any:
    """``citeproc.string.normalize_seam``: ``other`` without its first character where it
    would double a space or a punctuation mark at the seam."""
    last, first = _last_char(left), _first_char(other)
    if not last or not first:
        return other
    if last == first and (first == " " or first in SEAM_PUNCTUATION):
        return _strip_first_char(other)
    return other


# --- cs:choose: the branch taken, by the item values its conditions read ------------------------

_BRANCH_CACHE: dict[tuple[Any, ...], Any] = {}
_CHOOSE_PLAN: dict[Any, Any] = {}
_UNPLANNED = ("locator", "position")  # conditions on the cite, not on the item alone
_NONE = object()


def _plan(choose: Any) -> tuple | None:
    """What the conditions of ``choose``'s branches read from an item, or None when one of
    them reads more than the item's variables (the cite's locator or position)."""
    type_test, present, numeric, dates = False, [], [], []
    for branch in choose.iterchildren():
        attrib = branch.attrib
        if any(name in attrib for name in _UNPLANNED):
            return None
        type_test = type_test or "type" in attrib
        present += [v.replace("-", "_") for v in attrib.get("variable", "").split()]
        numeric += [v.replace("-", "_") for v in attrib.get("is-numeric", "").split()]
        dates += [v.replace("-", "_") for v in attrib.get("is-uncertain-date", "").split()]
    if "locator" in present:
        return None
    return (type_test, frozenset(present), tuple(dict.fromkeys(numeric)),
            tuple(dict.fromkeys(dates)))


def _condition_inputs(plan: tuple, reference: Any) -> tuple:
    type_test, present, numeric, dates = plan
    values = dict.get
    return (values(reference, "type") if type_test else None,
            present.intersection(reference),  # which of the tested variables it has
            tuple(str(values(reference, name)) if name in reference else _NONE
                  for name in numeric) if numeric else (),
            tuple(_circa(reference, name) for name in dates) if dates else ())


def _circa(reference: Any, name: str) -> Any:
    date = dict.get(reference, name)
    return date.get("circa", False) if hasattr(date, "get") else False


def _branch_taken(choose: Any, item: Any, context: Any) -> Any:
    """The first branch whose condition holds, found as ``If.render`` finds it (None if none)."""
    for branch in choose.iterchildren():
        if not isinstance(branch, model.If):  # cs:else
            return branch
        results: list[Any] = []
        if "type" in branch.attrib:
            results += branch._type(item)
        if "variable" in branch.attrib:
            results += branch._variable(item)
        if "is-numeric" in branch.attrib:
            results += branch._is_numeric(item)
        if "is-uncertain-date" in branch.attrib:
            results += branch._is_uncertain_date(item)
        match = branch.get("match")
        if match == "any":
            holds = any(results)
        elif match == "none":
            holds = not any(results)
        else:
            holds = all(results)
        if holds:
            return branch
    return None


def _choose_render(self: Any, item: Any, context: Any = None, delimiter: str = "",
                   **kwargs: Any) -> Any:
    plan = _CHOOSE_PLAN.get(self, _NONE)
    if plan is _NONE:
        plan = _CHOOSE_PLAN[self] = _plan(self)
    if plan is None:
        return _ORIGINALS[(model.Choose, "render")](self, item, context=context,
                                                     delimiter=delimiter, **kwargs)
    try:
        key = (self, _condition_inputs(plan, item.reference))
        branch = _BRANCH_CACHE.get(key, _NONE)
    except TypeError:  # an unhashable value
        key, branch = None, _NONE
    if branch is _NONE:
        branch = _branch_taken(self, item, context)
        if key is not None:
            _BRANCH_CACHE[key] = branch
    if branch is None:
        return None
    return branch.render_children(item, context=context, delimiter=delimiter, **kwargs)


# --- children that cannot print anything for this item, skipped (see the module's docstring) --
# Only Names elements are ever changed by citeproc-py (it adds a cs:name to a cs:names that has
# none), so the children of the elements below, and what they read, can be kept.

_READS: dict[Any, frozenset[str] | None] = {}
_CHILDREN: dict[Any, tuple[tuple[Any, frozenset[str] | None, bool], ...]] = {}
_SPECIAL = ("citation-number", "locator", "year-suffix")


def _reads(element: Any) -> frozenset[str] | None:
    """The item keys without which ``element`` prints nothing, or None if it may print
    something without any of them."""
    try:
        return _READS[element]
    except KeyError:
        pass
    found = _READS[element] = _work_out_reads(element)
    return found


def _all_read(children: Any) -> frozenset[str] | None:
    keys: set[str] = set()
    for child in children:
        reads = _reads(child)
        if reads is None:
            return None
        keys |= reads
    return frozenset(keys)


def _work_out_reads(element: Any) -> frozenset[str] | None:
    get = element.get
    if isinstance(element, model.Group):
        # a group prints nothing unless a child that calls a variable prints something
        calling = [child for child in element.iterchildren() if child.calls_variable()]
        return _all_read(calling or element.iterchildren())
    if isinstance(element, (model.Choose, model.If, model.Else, model.Macro, model.Substitute)):
        return _all_read(element.iterchildren())
    if isinstance(element, model.Text):
        variable = get("variable")
        if variable is not None:
            if variable in _SPECIAL:
                return None
            if variable.startswith("page"):
                return frozenset({"page"})
            keys = {variable.replace("-", "_")}
            if get("form") == "short":
                keys.add((variable + "-short").replace("-", "_"))
            return frozenset(keys)
        if "macro" in element.attrib:
            return _reads(element.get_macro(get("macro")))
        return None
    if isinstance(element, model.Date):
        variable = get("variable")
        return None if variable is None else frozenset({variable.replace("-", "_")})
    if isinstance(element, model.Number):
        variable = get("variable")
        if variable is None or variable in _SPECIAL:
            return None
        return frozenset({"page" if variable == "page-first" else variable})
    if isinstance(element, model.Names):
        substitute = element.substitute()
        rest = frozenset() if substitute is None else _reads(substitute)
        if rest is None:
            return None
        return frozenset(get("variable", "").split()) | rest
    return None


def _children(element: Any) -> tuple[tuple[Any, frozenset[str] | None, bool], ...]:
    try:
        return _CHILDREN[element]
    except KeyError:
        pass
    found = _CHILDREN[element] = tuple((child, _reads(child), isinstance(child, model.Choose))
                                       for child in element.iterchildren())
    return found


def _render_children(self: Any, item: Any, delimiter: str = "", **kwargs: Any) -> Any:
    output = []
    present = item.reference.keys()
    for child, reads, is_choose in _children(self):
        if reads is not None and present.isdisjoint(reads):
            continue
        try:
            if is_choose:
                text = child.render(item, delimiter=delimiter, **kwargs)
            else:
                text = child.render(item, **kwargs)
            if text is not None:
                output.append(text)
        except model.VariableError:
            pass
    if output:
        return join(output, delimiter)
    return None


def _group_process(self: Any, item: Any, context: Any = None, **kwargs: Any) -> Any:
    output = []
    variable_called = False
    variable_rendered = False
    delimiter = self.get("delimiter", "")
    present = item.reference.keys()
    for child, reads, is_choose in _children(self):
        variable_called = variable_called or child.calls_variable()
        if reads is not None and present.isdisjoint(reads):
            continue
        try:
            if is_choose:
                child_text = child.render(item, context=context, delimiter=delimiter, **kwargs)
            else:
                child_text = child.render(item, context=context, **kwargs)
            if child_text is not None:
                output.append(child_text)
                variable_rendered = variable_rendered or child.calls_variable()
        except model.VariableError:
            pass
    if output and (not variable_called or variable_rendered):
        return self.join(output)
    raise model.VariableError


# --- small pure lookups, once per element ----------------------------------------------------

_ROOT_CACHE: dict[Any, Any] = {}
_CHILD_CACHE: dict[tuple[Any, str], Any] = {}
_LOCALE_OPTION_CACHE: dict[tuple[Any, str], Any] = {}


def _get_root(self: Any) -> Any:
    root = _ROOT_CACHE.get(self)
    if root is None:
        root = _ROOT_CACHE[self] = self.getroottree().getroot()
    return root


def _child(self: Any, name: str) -> Any:
    """``element.layout``, ``element.name``…: the first child of that name. Only a child
    found is kept: citeproc-py adds a ``cs:name`` to a ``cs:names`` that has none."""
    key = (self, name)
    child = _CHILD_CACHE.get(key)
    if child is None:
        child = self.find("cs:" + name, self.nsmap)
        if child is not None:
            _CHILD_CACHE[key] = child
    return child


def _get_formatter(self: Any) -> Any:
    root = _get_root(self)
    if isinstance(root, model.Locale):
        return root.style.formatter
    return root.formatter


def _locale_get_option(self: Any, name: str) -> Any:
    key = (self, name)
    value = _LOCALE_OPTION_CACHE.get(key, _NONE)
    if value is _NONE:
        try:
            value = _ORIGINALS[(model.Locale, "get_option")](self, name)
        except IndexError as error:
            value = error
        _LOCALE_OPTION_CACHE[key] = value
    if isinstance(value, IndexError):
        raise IndexError(*value.args)
    return value


# --- steps that would change nothing, skipped ------------------------------------------------
# An element's attributes do not change: whether each step applies is worked out once per
# element, and a step that applies runs as citeproc-py (with the fixes) runs it.

_FORMATTING = (("font-style", "normal", "font_style"),
               ("font-variant", "normal", "font_variant"),
               ("font-weight", "normal", "font_weight"),
               ("text-decoration", "none", "text_decoration"),
               ("vertical-align", "baseline", "vertical_align"))
_FORMAT_STEPS: dict[Any, tuple[str, ...]] = {}
_AFFIXED: dict[Any, bool] = {}
_QUOTED: dict[Any, bool] = {}
_CASED: dict[Any, bool] = {}
_STRIPPED: dict[Any, bool] = {}
_MACROS: dict[tuple[Any, str], Any] = {}


def _format(self: Any, string: Any) -> Any:
    if isinstance(string, (int, float)):
        string = str(string)
    steps = _FORMAT_STEPS.get(self)
    if steps is None:
        steps = _FORMAT_STEPS[self] = tuple(
            method for attribute, default, method in _FORMATTING
            if self.get(attribute, default) != default)
    for method in steps:
        string = getattr(self, method)(string)
    return string


def _wrap(self: Any, string: Any) -> Any:
    """Without a prefix or suffix, ``Affixed.wrap`` returns its text (the seam checks and
    the additions of ``""`` leave it as it is)."""
    affixed = _AFFIXED.get(self)
    if affixed is None:
        affixed = _AFFIXED[self] = bool(self.get("prefix") or self.get("suffix"))
    if string is None or not affixed:
        return string
    return _ORIGINALS[(model.Affixed, "wrap")](self, string)


def _quote(self: Any, string: Any) -> Any:
    quoted = _QUOTED.get(self)
    if quoted is None:
        # citeproc-py reads this option on every call, quoted or not, and fails where a
        # locale lacks it; reading it once keeps that failure
        self.get_locale_option("punctuation-in-quote").lower()
        quoted = _QUOTED[self] = self.get("quotes", "false").lower() == "true"
    if not quoted:
        return string
    return _ORIGINALS[(model.Quoted, "quote")](self, string)


def _case(self: Any, text: Any, language: Any = None) -> Any:
    cased = _CASED.get(self)
    if cased is None:
        cased = _CASED[self] = self.get("text-case") is not None
    if not cased:
        return text
    return _ORIGINALS[(model.TextCased, "case")](self, text, language)


def _strip_periods(self: Any, string: Any) -> Any:
    stripped = _STRIPPED.get(self)
    if stripped is None:
        stripped = _STRIPPED[self] = self.get("strip-periods", "false").lower() == "true"
    if not stripped:
        return string
    return _ORIGINALS[(model.StrippedPeriods, "strip_periods")](self, string)


# --- cs:text in one call --------------------------------------------------------------------
# ``Text.render`` calls ``process`` (which reads the item's language on every call) and
# ``markup``, which passes the text through the five steps above. Here the steps known to
# change nothing for this element are not called, and the language is read only for a step
# that uses it (the text case). A step not yet worked out for the element is called, which
# works it out as above (and fails as citeproc-py fails, where a locale lacks an option).

_TEXT_KIND: dict[Any, str] = {}


def _text_kind(element: Any) -> str:
    attrib = element.attrib
    for kind in ("variable", "macro", "term", "value"):  # the order of ``Text.process``
        if kind in attrib:
            return kind
    return ""


def _text_render(self: Any, item: Any, context: Any = None, **kwargs: Any) -> Any:
    kind = _TEXT_KIND.get(self)
    if kind is None:
        kind = _TEXT_KIND[self] = _text_kind(self)
    if context is None:
        context = self
    if kind == "variable":
        text = self._variable(item, context)
    elif kind == "macro":
        text = self.get_macro(self.get("macro")).render(item, context)
    elif kind == "term":
        text = self._term(item)
    elif kind == "value":
        text = String(self.preformat(self.get("value")))
    else:  # none of them: citeproc-py fails as it fails
        return _ORIGINALS[(model.Text, "render")](self, item, context, **kwargs)
    if not text:
        return None
    if _STRIPPED.get(self) is not False:
        text = self.strip_periods(text)
    if _CASED.get(self) is not False:
        try:
            language = item.reference.language[:2]
        except source.VariableError:
            language = self.get_root().get("default-locale", "en")[:2]
        text = self.case(text, language)
    if _FORMAT_STEPS.get(self) != () or isinstance(text, (int, float)):
        text = self.format(text)
    if _QUOTED.get(self) is not False:
        text = self.quote(text)
    if _AFFIXED.get(self) is not False:
        text = self.wrap(text)
    return text


def _render_formatted(self: Any, *args: Any, **kwargs: Any) -> Any:
    """``render`` of a group or names element (``markup``: ``wrap(format(text))``), with the
    steps known to change nothing for the element not called."""
    text = self.process(*args, **kwargs)
    if not text:
        return None
    if _FORMAT_STEPS.get(self) != () or isinstance(text, (int, float)):
        text = self.format(text)
    if _AFFIXED.get(self) is not False:
        text = self.wrap(text)
    return text


def _get_macro(self: Any, name: str) -> Any:
    key = (_get_root(self), name)
    macro = _MACROS.get(key)
    if macro is None:
        macro = _MACROS[key] = _ORIGINALS[(model.CitationStylesElement, "get_macro")](self, name)
    return macro


# --- terms and name options, looked up once ---------------------------------------------------
# A term depends on the style (its locales) and the arguments only; its singular text on the
# term element alone. A name's options, when no sort key overrides them, on the element, the
# option and the element whose ``cs:citation`` or ``cs:bibliography`` gives the defaults.
# citeproc-py finds each again on every use, through XPath, and raises and catches a
# ``TypeError`` for every name option (``None[name]``, the missing sort options).

_TERMS: dict[tuple[Any, ...], Any] = {}
_SINGLE: dict[Any, Any] = {}
_NAME_OPTIONS: dict[tuple[Any, str, Any], Any] = {}


def _get_term(self: Any, name: str, form: Any = None, fallback_locale: bool = True,
              zero_padded: bool = False) -> Any:
    key = (_get_root(self), name, form, fallback_locale, zero_padded)
    term = _TERMS.get(key, _NONE)
    if term is _NONE:
        try:
            term = _ORIGINALS[(model.CitationStylesElement, "get_term")](
                self, name, form, fallback_locale, zero_padded)
        except IndexError as error:  # a locale root without the term
            term = error
        _TERMS[key] = term
    if isinstance(term, IndexError):
        raise IndexError(*term.args)
    return term


def _single(self: Any) -> Any:
    text = _SINGLE.get(self)
    if text is None:  # (a String, immutable: the same one serves every use)
        text = _SINGLE[self] = _ORIGINALS[(model.Term, "single")].fget(self)
    return text


def _name_get_option(self: Any, name: str, context: Any = None,
                     sort_options: Any = None) -> Any:
    if sort_options is not None:
        return _ORIGINALS[(model.Name, "get_option")](self, name, context, sort_options)
    key = (self, name, context)
    value = _NAME_OPTIONS.get(key, _NONE)
    if value is _NONE:
        value = _NAME_OPTIONS[key] = _ORIGINALS[(model.Name, "get_option")](self, name,
                                                                           context)
    return value


def apply() -> None:
    """Install the memoised methods (idempotent)."""
    if _ORIGINALS:
        return
    base = model.CitationStylesElement
    _ORIGINALS[(base, "xpath_search")] = base.xpath_search
    base.xpath_search = _xpath_search
    item = source.CitationItem
    _ORIGINALS[(item, "reference")] = vars(item)["reference"]
    item.reference = _reference
    for module in (citeproc.string, model):  # (model imported its own name for it)
        _ORIGINALS[(module, "normalize_seam")] = vars(module)["normalize_seam"]
        module.normalize_seam = _normalize_seam
    for cls, name, replacement in ((model.Choose, "render", _choose_render),
                                   (base, "get_root", _get_root),
                                   (model.SomewhatObjectifiedElement, "__getattr__", _child),
                                   (base, "get_formatter", _get_formatter),
                                   (model.Locale, "get_option", _locale_get_option),
                                   (model.Formatted, "format", _format),
                                   (model.Affixed, "wrap", _wrap),
                                   (model.Quoted, "quote", _quote),
                                   (model.TextCased, "case", _case),
                                   (model.StrippedPeriods, "strip_periods", _strip_periods),
                                   (base, "get_macro", _get_macro),
                                   (model.Parent, "render_children", _render_children),
                                   (model.Group, "process", _group_process),
                                   (base, "get_term", _get_term),
                                   (model.Term, "single", property(_single)),
                                   (model.Name, "get_option", _name_get_option),
                                   (model.Text, "render", _text_render),
                                   (model.Group, "render", _render_formatted),
                                   (model.Names, "render", _render_formatted)):
        # (group and names inherit ``render``: restored, the inherited one is set on them)
        _ORIGINALS[(cls, name)] = vars(cls)[name] if name in vars(cls) else getattr(cls, name)
        setattr(cls, name, replacement)
    for cls in _classes_defining("calls_variable"):
        original = vars(cls)["calls_variable"]
        _ORIGINALS[(cls, "calls_variable")] = original
        cls.calls_variable = _memoised_calls_variable(original)


def restore() -> None:
    """Put citeproc-py back as it was (for the equivalence tests)."""
    for (cls, name), original in _ORIGINALS.items():
        setattr(cls, name, original)
    _ORIGINALS.clear()
    _XPATH_CACHE.clear()
    _CALLS_VARIABLE_CACHE.clear()
    for cache in (_BRANCH_CACHE, _CHOOSE_PLAN, _READS, _CHILDREN, _ROOT_CACHE, _CHILD_CACHE,
                  _LOCALE_OPTION_CACHE, _FORMAT_STEPS, _AFFIXED, _QUOTED, _CASED, _STRIPPED,
                  _MACROS, _TERMS, _SINGLE, _NAME_OPTIONS, _TEXT_KIND):
        cache.clear()
