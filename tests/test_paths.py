"""Paths: sources that would share an output, files that are not what they seem, and output
folders whose replacement would destroy something. Fixtures are made here at test time (a
checkout on a filesystem that folds names could not hold them), and every failing build must
leave the published output, and everything around it, exactly as it was.

(Slugs that try to leave the output folder, ``../../etc``, ``/etc/passwd`` and backslashes, are
``tests/invalid/invalid-slug`` and ``tests/invalid/slug-paths``; two names differing only by
case is ``test_invalid.py::test_two_sources_whose_names_differ_only_by_case``.)
"""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path
from typing import Callable

import pytest

from glossator.writer import LOCK_NAME, TRASH_NAME

from conftest import FIXTURE_SITES, STAGING, Run, copy_inputs, snapshot

FAILED = "glossator: build failed with {} error(s); the published output was not changed"
CAFE_NFC = unicodedata.normalize("NFC", "café")
CAFE_NFD = unicodedata.normalize("NFD", "café")


@pytest.fixture
def site(tmp_path: Path, glossator: Callable[..., Run]) -> Path:
    """The minimal fixture site, built once: its output is the published state."""
    root = copy_inputs(FIXTURE_SITES / "minimal", tmp_path / "site")
    assert glossator("build", "--no-search", root).code == 0
    return root


def source_text(title: str) -> str:
    return (f"---\ntitle: {title}\ndate: 1850\nadded: 2024-01-01\npublisher: Gazette\n---\n\n"
            "Friends, the tide is turning.\n")


def build_fails(glossator: Callable[..., Run], site: Path, *args: object) -> list[str]:
    """Build; assert that it failed and touched nothing; return the messages."""
    before = snapshot(site / "output")
    result = glossator("build", "--no-search", *args, site)
    assert result.code == 1, result.err
    assert "Traceback" not in result.err
    assert snapshot(site / "output") == before
    assert not (site / STAGING).exists()
    return result.err.splitlines()


def needs_distinct_names(folder: Path, count: int) -> None:
    if len(list(folder.iterdir())) < count:
        pytest.skip("this filesystem folds Unicode normalization in names: it cannot hold both")


# Two sources, one output path ---------------------------------------------------------------

def test_two_sources_whose_names_differ_only_in_unicode_normalization(
        site: Path, glossator: Callable[..., Run]) -> None:
    (site / "sources" / f"{CAFE_NFC}.md").write_text(source_text("Café one"), encoding="utf-8")
    (site / "sources" / f"{CAFE_NFD}.md").write_text(source_text("Café two"), encoding="utf-8")
    needs_distinct_names(site / "sources", 3)
    first, second = sorted([f"sources/{CAFE_NFC}.md", f"sources/{CAFE_NFD}.md"])
    assert build_fails(glossator, site) == [
        f"{second}:1:1: error: the slug 'cafe' is already used by {first}",
        "    the two file names look the same but their accents are written differently "
        "(Unicode NFC and NFD): retype one of them",
        "    hint: give one of them another `slug:`",
        FAILED.format(1)]


def test_an_annotation_file_named_in_another_normalization_is_explained(
        site: Path, glossator: Callable[..., Run]) -> None:
    """The notes are never silently dropped: an error, which says why the names differ."""
    (site / "sources" / f"{CAFE_NFD}.md").write_text(source_text("Café"), encoding="utf-8")
    (site / "annotations" / f"{CAFE_NFC}.yaml").write_text(
        "notes:\n  - quote: the tide\n    note: A note.\n", encoding="utf-8")
    needs_distinct_names(site / "sources", 2)
    assert build_fails(glossator, site)[:3] == [
        f"annotations/{CAFE_NFC}.yaml:1:1: error: no source for this annotation file: "
        f"sources/{CAFE_NFC}.md does not exist",
        "    the two file names look the same but their accents are written differently "
        "(Unicode NFC and NFD): retype one of them",
        f"    hint: rename it to annotations/{CAFE_NFD}.yaml?"]


# Files that are not what they seem -----------------------------------------------------------

def test_a_symlinked_source_pointing_outside_the_site_is_refused(
        site: Path, tmp_path: Path, glossator: Callable[..., Run]) -> None:
    secret = tmp_path / "secret.md"
    secret.write_text(source_text("Not for publication"), encoding="utf-8")
    (site / "sources" / "leak.md").symlink_to(secret)
    assert build_fails(glossator, site) == [
        "sources/leak.md:1:1: error: this file is a link to a file outside the site",
        "    hint: copy the file into the site instead of linking to it",
        FAILED.format(1)]
    assert not list((site / "output").rglob("leak*"))


def test_a_symlinked_sources_folder_outside_the_site_is_refused_file_by_file(
        tmp_path: Path, glossator: Callable[..., Run]) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "speech.md").write_text(source_text("Elsewhere"), encoding="utf-8")
    root = tmp_path / "site"
    root.mkdir()
    (root / "site_config.yaml").write_text("title: T\nbase_url: https://example.org/t/\n")
    (root / "sources").symlink_to(outside, target_is_directory=True)
    result = glossator("check", root)
    assert result.code == 1
    assert result.err.splitlines()[0] == ("sources/speech.md:1:1: error: this file is a link to "
                                          "a file outside the site")


def test_broken_links_loops_and_pipes_are_located_errors_not_crashes_or_hangs(
        site: Path, glossator: Callable[..., Run]) -> None:
    """A loop of links raised RuntimeError (a traceback) and a named pipe called ``*.md`` made
    the build wait forever (found while auditing the inventory)."""
    sources = site / "sources"
    (sources / "broken.md").symlink_to(sources / "missing.md")
    (sources / "loop.md").symlink_to(sources / "loop.md")
    os.mkfifo(sources / "pipe.md")
    assert build_fails(glossator, site) == [
        "sources/broken.md:1:1: error: this file is a link that leads nowhere",
        "    hint: fix the link or delete it",
        "sources/loop.md:1:1: error: this file is a link that leads nowhere",
        "    hint: fix the link or delete it",
        "sources/pipe.md:1:1: error: this is not a regular file",
        "    hint: replace it with a text file",
        FAILED.format(3)]


# Output folders whose replacement would destroy something -----------------------------------

def _set_output_dir(site: Path, value: str) -> str:
    """Append ``output_dir`` to the config; return where its value is (``path:line:col``)."""
    config = site / "site_config.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text + f'output_dir: "{value}"\n', encoding="utf-8")
    line = text.count("\n") + 1
    return f"site_config.yaml:{line}:{len('output_dir: ') + 1}"


@pytest.mark.parametrize(("value", "problem"), [
    (".", "the output folder {site} is the site folder itself; choose a subfolder such as "
          "'output'"),
    ("..", "the output folder {parent} contains the site folder {site}; choose a subfolder "
           "such as 'output'"),
    ("{parent}", "the output folder {parent} contains the site folder {site}; choose a "
                 "subfolder such as 'output'"),
    ("sources", "the output folder {site}/sources is inside the site's sources/ folder, which "
                "building would overwrite"),
    ("annotations/out", "the output folder {site}/annotations/out is inside the site's "
                        "annotations/ folder, which building would overwrite"),
    (TRASH_NAME, f"the output folder {{site}}/{TRASH_NAME} is inside {TRASH_NAME}, which "
                 "glossator uses for its own work; choose a subfolder such as 'output'"),
    ("mine", "the output folder {site}/mine is not empty and was not made by glossator (it "
             "has no .glossator-output file); empty or delete it, or choose another output "
             "folder"),
    ("site_config.yaml", "the output path {site}/site_config.yaml exists and is not a folder"),
])
def test_a_dangerous_output_dir_is_refused_before_anything_is_deleted(
        site: Path, tmp_path: Path, glossator: Callable[..., Run], value: str,
        problem: str) -> None:
    (site / "mine").mkdir()
    (site / "mine" / "thesis.tex").write_text("years of work")
    (tmp_path / "neighbour.txt").write_text("not the site's")
    where = _set_output_dir(site, value.format(parent=tmp_path))
    everything = snapshot(tmp_path)  # the site, its output, its neighbours
    del everything["site/site_config.yaml"]

    messages = build_fails(glossator, site)

    after = snapshot(tmp_path)
    after.pop("site/site_config.yaml")
    for name in (LOCK_NAME, ".glossator-cache"):  # the build's own bookkeeping may appear
        after = {k: v for k, v in after.items() if not k.startswith(f"site/{name}")}
        everything = {k: v for k, v in everything.items()
                      if not k.startswith(f"site/{name}")}
    assert after == everything
    # located at the output_dir setting
    assert messages == [f"{where}: error: "
                        + problem.format(site=site, parent=tmp_path), FAILED.format(1)]


def test_an_output_option_pointing_at_the_sources_is_refused(
        site: Path, glossator: Callable[..., Run]) -> None:
    before = snapshot(site / "sources")
    messages = build_fails(glossator, site, "--output", site / "sources")
    assert messages[0].startswith(f"--output:1:1: error: the output folder "
                                  f"{site}/sources is inside the site's sources/ folder")
    assert snapshot(site / "sources") == before
