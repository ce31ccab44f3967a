"""Faster citeproc-py, with output identical to the unpatched library.

Profiling a build (docs/performance.md) showed citeproc-py spending most of its time in
``CitationStylesElement.xpath_search`` (about 300 XPath evaluations per bibliography entry,
the same handful of expressions on the same elements each time) and in the recursive
``calls_variable`` checks of groups, which walk the same macros again for every entry.

A style does not change while it renders, so both are pure functions of the element they are
called on (and the expression): :func:`apply` memoises them, keyed by the element itself.
lxml hands out the same Python proxy for a node for as long as that proxy is alive, and the
cache keeps its keys (and results) alive, so a node is always found under the same key; a
node reached through a proxy that was never cached is simply a miss, never a wrong answer. ``tests/test_citeproc_speedups.py`` renders a corpus of
items in several styles with and without the patch and compares the output byte for byte.

Observed with citeproc-py 0.11.1.
"""

from __future__ import annotations

from typing import Any, Callable

from citeproc import model, source

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


def _reference(self: Any) -> Any:
    """``CitationItem.reference``, looked up once per item instead of on every variable."""
    try:
        return object.__getattribute__(self, "_glossator_reference")
    except AttributeError:
        found = self.bibliography.source[self.key]
        object.__setattr__(self, "_glossator_reference", found)
        return found


def apply() -> None:
    """Install the memoised methods (idempotent)."""
    if _ORIGINALS:
        return
    base = model.CitationStylesElement
    _ORIGINALS[(base, "xpath_search")] = base.xpath_search
    base.xpath_search = _xpath_search
    item = source.CitationItem
    _ORIGINALS[(item, "reference")] = vars(item)["reference"]
    item.reference = property(_reference)
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
