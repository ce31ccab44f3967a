"""Bad inputs: the exact diagnostics, the exit status, and the published output left alone.

Each folder ``tests/invalid/<case>/`` holds the inputs of a small site (``site_config.yaml``,
``sources/``, ``annotations/``, ``theme/``), the exact expected standard error in
``expected.txt`` (``<site>`` stands for the site's absolute path) and ``case.yaml``:

``exit``    the expected exit status (0 for warnings-only cases);
``args``    extra arguments for ``glossator build`` (e.g. ``[--strict]``);
``shows``   ``{output path: text or list of texts}`` the built file must contain (for cases
            that build);
``lacks``   ``{output path: text or list of texts}`` the built file must not contain;
``xfail``   a reason, while the product does not meet the expectation (strict: remove it once
            the case passes; ``expected.txt`` then holds the right output, written by hand).

Each case first builds the good site ``tests/fixtures/sites/minimal/`` into the same folder
(the last published state), then replaces the inputs with the case's and builds again: the
diagnostics must match exactly, and a failed build must leave the output folder byte for byte,
inode for inode, as it was, with no staging folder left behind. ``glossator check`` must report
the same diagnostics and write nothing.

To regenerate every ``expected.txt`` after a deliberate change of messages, run
``GLOSSATOR_UPDATE_GOLDEN=1 pytest tests/test_invalid.py`` and review the diff: read each
message as an editor would (right line and column? clear? a useful hint?).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Callable

import pytest
import yaml

from conftest import (FIXTURE_SITES, STAGING, UPDATE_GOLDEN, Run, copy_inputs, remove_inputs,
                      snapshot)

INVALID = Path(__file__).resolve().parent / "invalid"
CASES = sorted(p for p in INVALID.iterdir() if (p / "case.yaml").is_file())
CASE_FILES = ("case.yaml", "expected.txt")


def _params() -> list:
    params = []
    for case in CASES:
        spec = yaml.safe_load((case / "case.yaml").read_text(encoding="utf-8"))
        marks = [pytest.mark.xfail(reason=spec["xfail"], strict=True)] if "xfail" in spec else []
        params.append(pytest.param(case, spec, id=case.name, marks=marks))
    return params


def published_site(tmp_path: Path, glossator: Callable[..., Run]) -> Path:
    """A site whose last good build is in its output folder."""
    site = copy_inputs(FIXTURE_SITES / "minimal", tmp_path / "site")
    first = glossator("build", "--no-search", site)  # the search index is not under test here
    assert (first.code, first.err) == (0, ""), first.err
    return site


def replace_inputs(site: Path, case: Path) -> None:
    remove_inputs(site)
    for path in case.iterdir():
        if path.name in CASE_FILES:
            continue
        if path.is_dir():
            shutil.copytree(path, site / path.name)
        else:
            shutil.copy2(path, site / path.name)


def shown(run: Run, site: Path) -> str:
    return run.err.replace(str(site), "<site>")


@pytest.mark.parametrize(("case", "spec"), _params())
def test_invalid_input(case: Path, spec: dict, tmp_path: Path,
                       glossator: Callable[..., Run]) -> None:
    site = published_site(tmp_path, glossator)
    before = snapshot(site / "output")
    replace_inputs(site, case)

    result = glossator("build", *spec.get("args", []), site)

    expected_file = case / "expected.txt"
    if UPDATE_GOLDEN and "xfail" not in spec:
        expected_file.write_text(shown(result, site), encoding="utf-8")
    assert shown(result, site) == expected_file.read_text(encoding="utf-8")
    assert result.code == spec["exit"]
    assert "Traceback" not in result.err
    assert not (site / STAGING).exists()
    if spec["exit"] != 0:
        assert snapshot(site / "output") == before
    for rel, texts in spec.get("shows", {}).items():
        page = (site / "output" / rel).read_text(encoding="utf-8")
        assert [t for t in _listed(texts) if t not in page] == [], rel
    for rel, texts in spec.get("lacks", {}).items():
        page = (site / "output" / rel).read_text(encoding="utf-8")
        assert [t for t in _listed(texts) if t in page] == [], rel


def _listed(texts: str | list[str]) -> list[str]:
    return [texts] if isinstance(texts, str) else texts


@pytest.mark.parametrize(("case", "spec"), _params())
def test_check_reports_the_same_and_writes_nothing(case: Path, spec: dict, tmp_path: Path,
                                                   glossator: Callable[..., Run]) -> None:
    site = replace_inputs_only(tmp_path, case)
    result = glossator("check", *spec.get("args", []), site)
    expected = (case / "expected.txt").read_text(encoding="utf-8")
    assert shown(result, site) == expected.replace("glossator: build failed",
                                                   "glossator: check failed")
    assert result.code == spec["exit"]
    inputs = sorted(p.name for p in case.iterdir() if p.name not in CASE_FILES)
    assert sorted(p.name for p in site.iterdir()) == inputs  # no output, staging or lock


def replace_inputs_only(tmp_path: Path, case: Path) -> Path:
    site = tmp_path / "site"
    site.mkdir()
    replace_inputs(site, case)
    return site


def test_two_sources_whose_names_differ_only_by_case(tmp_path: Path,
                                                     glossator: Callable[..., Run]) -> None:
    """Generated here: a checkout on a case-insensitive filesystem could not hold the pair."""
    site = published_site(tmp_path, glossator)
    before = snapshot(site / "output")
    speech = (site / "sources" / "speech.md").read_text(encoding="utf-8")
    (site / "sources" / "Speech.md").write_text(speech.replace("A Speech", "Another Speech"),
                                                encoding="utf-8")
    if len(list((site / "sources").iterdir())) != 2:
        pytest.skip("this filesystem ignores case: it cannot hold both files")
    result = glossator("build", site)
    assert result.err.splitlines() == [
        "sources/speech.md:1:1: error: the slug 'speech' is already used by sources/Speech.md",
        "    hint: give one of them another `slug:`",
        "glossator: build failed with 1 error(s); the published output was not changed",
    ]
    assert result.code == 1
    assert snapshot(site / "output") == before
