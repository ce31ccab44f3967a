"""Every page of the example site (and of the fixture site, drafts included) is valid HTML.

Checked twice: by the Nu HTML Checker (``vnu.jar``, installed by ``make tools`` from npm; it
needs Java), asserting zero errors, and by html5lib's strict parser (no parse error at all).
Where Java or the jar is missing the Nu check is skipped, except in CI (``CI=true``), where
it fails.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import html5lib
import pytest

from conftest import FIXTURE_SITES, REPO, copy_inputs, require_tool
from glossator.cli import main

VNU_JAR = REPO / ".tools" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The example site and the fixture site (with ``--drafts``), each built once."""
    base = tmp_path_factory.mktemp("html")
    built = {"example": (copy_inputs(REPO, base / "example"), []),
             "basic": (copy_inputs(FIXTURE_SITES / "basic", base / "basic"), ["--drafts"])}
    for name, (site, args) in built.items():
        assert main(["build", *args, str(site)]) == 0, name
    return {name: site / "output" for name, (site, _) in built.items()}


def html_files(output: Path) -> list[Path]:
    files = sorted(output.rglob("*.html"))
    assert files
    return files


def test_nu_html_checker_finds_no_errors(sites: dict[str, Path], tmp_path: Path) -> None:
    java = shutil.which("java")
    require_tool(java is not None, "java is not installed (the Nu HTML Checker needs it)")
    require_tool(VNU_JAR.is_file(), f"the Nu HTML Checker is missing: {VNU_JAR} (run: make tools)")
    # A page with a known error proves, in the same run, that errors are seen and read.
    canary = tmp_path / "canary.html"
    canary.write_text('<!DOCTYPE html><html lang="en"><head></head><body></body></html>')
    files = [f for output in sites.values() for f in html_files(output)]
    done = subprocess.run([str(java), "-jar", str(VNU_JAR), "--errors-only", "--format", "json",
                           str(canary), *map(str, files)], capture_output=True, text=True,
                          timeout=300)
    report = json.loads(done.stderr or done.stdout)
    errors = [f"{m.get('url', '?').rsplit('/output/', 1)[-1]}:{m.get('lastLine', '?')}: "
              f"{m.get('message')}" for m in report["messages"]]
    assert len(errors) == 1 and errors[0].endswith(
        "canary.html:1: Element “head” is missing a required instance of child element "
        "“title”."), errors  # and nothing else


@pytest.mark.parametrize("name", ["example", "basic"])
def test_html5lib_parses_every_page_strictly(name: str, sites: dict[str, Path]) -> None:
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    for path in html_files(sites[name]):
        try:
            parser.parse(path.read_bytes())
        except html5lib.html5parser.ParseError as exc:
            pytest.fail(f"{path.relative_to(sites[name])}: {exc}")


def test_a_missing_tool_skips_outside_ci_and_fails_in_ci(
        monkeypatch: pytest.MonkeyPatch) -> None:
    require_tool(True, "present")  # nothing happens
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no such tool"):
        require_tool(False, "no such tool")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=r"no such tool \(required in CI\)"):
        require_tool(False, "no such tool")
