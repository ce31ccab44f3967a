"""The Jinja environment: its compiled-template cache (``Theme(compiled_dir=…)``), and ``a.b``
on a dict looked up as Jinja does, item first."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest
from hypothesis import given
from hypothesis import strategies as st

from glossator.errors import Diagnostics
from glossator.templates import Theme, _Environment


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
