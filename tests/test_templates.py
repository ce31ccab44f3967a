"""The Jinja environment's compiled-template cache (``Theme(compiled_dir=…)``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from glossator.errors import Diagnostics
from glossator.templates import Theme


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
