"""The Jinja environment: its compiled-template cache (``Theme(compiled_dir=…)``), and ``a.b``
on a dict looked up as Jinja does, item first."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest
from hypothesis import given
from hypothesis import strategies as st

from glossator.errors import Diagnostics
from markupsafe import Markup, escape

from glossator import templates
from glossator.templates import Theme, _Environment, _escape


def site_with_template(root: Path, text: str) -> Path:
    (root / "theme" / "templates").mkdir(parents=True, exist_ok=True)
    (root / "theme" / "templates" / "hello.html").write_text(text, encoding="utf-8")
    return root


def render(theme: Theme) -> str:
    return theme.render("hello.html", {"name": "Ada"}, Diagnostics())


def test_compiled_templates_are_reused_and_an_edited_template_is_compiled_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = site_with_template(tmp_path / "site", "Hello, {{ name }}!\n")
    compiled = tmp_path / "compiled"
    assert render(Theme(root, compiled_dir=compiled)) == "Hello, Ada!\n"
    assert any(compiled.iterdir())

    again = Theme(root, compiled_dir=compiled)
    def no_compiling(*args: object, **kwargs: object) -> None:
        raise AssertionError("compiled again although the template did not change")
    monkeypatch.setattr(again.env, "compile", no_compiling)
    assert render(again) == "Hello, Ada!\n"

    site_with_template(root, "Goodbye, {{ name }}.\n")
    assert render(Theme(root, compiled_dir=compiled)) == "Goodbye, Ada.\n"


def test_a_cache_folder_that_cannot_be_made_or_read_only_means_compiling(
        tmp_path: Path) -> None:
    root = site_with_template(tmp_path / "site", "Hello, {{ name }}!\n")
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    assert render(Theme(root, compiled_dir=blocked / "compiled")) == "Hello, Ada!\n"
    compiled = tmp_path / "compiled"
    render(Theme(root, compiled_dir=compiled))
    for path in compiled.iterdir():
        path.write_bytes(b"garbage")  # a corrupt entry is compiled again, not an error
    assert render(Theme(root, compiled_dir=compiled)) == "Hello, Ada!\n"


NAMES = ["title", "notes", "x", "items", "get", "keys", "values", "copy", "pop", "__class__",
         "__len__", "__doc__", "missing"]


def attribute_of(environment: jinja2.Environment, value: object, name: str) -> str:
    """``value.<name>`` as the template shows it, or the kind of error it raises."""
    template = environment.from_string(f"{{{{ value.{name} }}}}")
    try:
        return template.render(value=value)
    except Exception as exc:  # StrictUndefined: a missing name is an error in both
        return f"error: {type(exc).__name__}"


@given(st.dictionaries(st.sampled_from(NAMES), st.one_of(st.integers(), st.text(max_size=5))),
       st.sampled_from(NAMES))
def test_a_dicts_attribute_is_what_jinja_finds(value: dict, name: str) -> None:
    """Item first on a plain dict, except where dict itself has the name (``d.items`` is the
    method even when ``d`` has an item "items"): as Jinja's own environment."""
    ours = _Environment(undefined=jinja2.StrictUndefined, autoescape=True)
    jinjas = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True)
    assert attribute_of(ours, value, name) == attribute_of(jinjas, value, name)


def test_a_dict_item_named_like_a_dict_method_does_not_hide_the_method() -> None:
    ours = _Environment(undefined=jinja2.StrictUndefined)
    template = ours.from_string("{{ d.title }} {{ d.items() | list | length }} {{ d.get('x') }}")
    assert template.render(d={"title": "T", "items": 5, "get": 6, "x": 7}) == "T 4 7"


class Html:
    """An object with ``__html__``, as markupsafe knows it."""

    def __html__(self) -> str:
        return "<b>safe</b>"


class Text(str):
    """A str subclass: not one of the cases ``_escape`` takes on itself."""


VALUES = st.one_of(st.text(), st.text().map(Markup), st.integers(), st.booleans(), st.none(),
                   st.floats(allow_nan=False), st.text().map(Text), st.just(Html()))


@given(VALUES)
def test_escaping_is_markupsafes(value: object) -> None:
    ours, theirs = _escape(value), escape(value)
    assert ours == theirs
    assert type(ours) is type(theirs) is Markup


def test_templates_escape_text_without_markupsafes_own_calls(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Output is escaped by ``_escape`` (markupsafe's ``escape`` only for what it does not
    take on itself), in a template compiled now and in one read back compiled."""
    calls: list[object] = []

    def counted(value: object) -> Markup:
        calls.append(value)
        return escape(value)
    monkeypatch.setattr(templates, "escape", counted)
    root = site_with_template(tmp_path / "site",
                              "{{ name }} {{ html }} {{ n }} {{ x }}|{{ name | safe }}\n")
    context = {"name": "<Ada & Bob>", "html": Markup("<i>it</i>"), "n": 3, "x": 1.5}
    for _ in range(2):  # compiled, then read back from the compiled templates' folder
        theme = Theme(root, compiled_dir=tmp_path / "compiled")
        assert theme.render("hello.html", context, Diagnostics()) == (
            "&lt;Ada &amp; Bob&gt; <i>it</i> 3 1.5|<Ada & Bob>\n")
        assert calls == [1.5]
        calls.clear()
    assert any((tmp_path / "compiled").iterdir())


def test_a_templates_globals_are_the_environments_with_its_own_over_them() -> None:
    environment = _Environment(undefined=jinja2.StrictUndefined)
    environment.globals["site"] = "S"
    template = environment.from_string("{{ site }} {{ own }} {{ range(2) | list }}",
                                       globals={"own": "O"})
    assert template.render() == "S O [0, 1]"
    assert "own" not in environment.globals  # the environment's are not changed
    shadowing = environment.from_string("{{ site }}", globals={"site": "mine"})
    assert shadowing.render() == "mine"
