"""The command line: ``new``, ``init``, ``build.py``, exit statuses, no tracebacks."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest
import yaml

from conftest import Run, run_subprocess, tree_bytes

TITLE = "The Harbour Dues of 1864"
NEW_SOURCE = "sources/the-harbour-dues-of-1864.md"
NEW_NOTES = "annotations/the-harbour-dues-of-1864.yaml"


# --- new -------------------------------------------------------------------------------

def test_new_creates_a_draft_and_its_annotation_file(
        make_site: Callable[..., Path], glossator: Callable[..., Run],
        monkeypatch: pytest.MonkeyPatch) -> None:
    site = make_site("basic")
    monkeypatch.chdir(site)  # the site folder defaults to the current one
    first_day = dt.date.today()
    result = glossator("new", TITLE)
    days = {first_day.isoformat(), dt.date.today().isoformat()}

    assert result.code == 0
    assert result.out.splitlines() == [f"created {NEW_SOURCE}", f"created {NEW_NOTES}"]
    source = (site / NEW_SOURCE).read_text(encoding="utf-8")
    assert source.startswith("---\n")
    front = yaml.safe_load(source.split("---\n")[1])
    assert front["title"] == TITLE
    assert front["draft"] is True
    assert front["publisher"] == "TODO"
    assert str(front["date"]) in days and front["added"] == front["date"]
    assert yaml.safe_load((site / NEW_NOTES).read_text(encoding="utf-8"))["notes"] == []

    built = glossator("build", site)  # the site still builds; the draft is not published
    assert (built.code, built.err) == (0, "")
    assert not (site / "output" / "the-harbour-dues-of-1864").exists()
    with_drafts = glossator("build", "--drafts", "--strict", site)
    assert (with_drafts.code, with_drafts.err) == (0, "")
    page = (site / "output" / "the-harbour-dues-of-1864" / "index.html").read_text()
    assert f"<h1>{TITLE}</h1>" in page


def test_new_refuses_to_overwrite(make_site: Callable[..., Path],
                                  glossator: Callable[..., Run]) -> None:
    site = make_site("basic")
    assert glossator("new", TITLE, site).code == 0
    (site / NEW_SOURCE).write_text("edited\n", encoding="utf-8")
    before = tree_bytes(site)

    result = glossator("new", TITLE, site)

    assert result.code == 1
    assert result.err == (f"glossator: error: {site / NEW_SOURCE} already exists; nothing was "
                          "created\n")
    assert tree_bytes(site) == before


def test_new_refuses_when_only_the_annotation_file_exists(
        make_site: Callable[..., Path], glossator: Callable[..., Run]) -> None:
    site = make_site("basic")
    (site / "annotations" / "the-harbour-dues-of-1864.yaml").write_text("notes: []\n")
    result = glossator("new", TITLE, site)
    assert result.code == 1
    assert result.err.endswith("the-harbour-dues-of-1864.yaml already exists; nothing was "
                               "created\n")
    assert not (site / NEW_SOURCE).exists()


def test_new_outside_a_site_is_an_error(tmp_path: Path, glossator: Callable[..., Run]) -> None:
    result = glossator("new", TITLE, tmp_path)
    assert result.code == 1
    assert "has no site_config.yaml" in result.err
    assert list(tmp_path.iterdir()) == []


# --- init ------------------------------------------------------------------------------

def test_init_makes_a_site_that_builds_at_once(tmp_path: Path,
                                               glossator: Callable[..., Run]) -> None:
    site = tmp_path / "my-edition"
    result = glossator("init", site)
    assert result.code == 0
    assert f"build it with: glossator build {site}" in result.out

    built = glossator("build", "--strict", site)  # not even a warning

    assert (built.code, built.err) == (0, "")
    output = site / "output"
    pages = sorted(rel for rel in tree_bytes(output) if rel.endswith("/index.html")
                   and not rel.startswith(("tags/", "glossary/", "notes/", "search/")))
    assert pages == ["first-amendment/index.html"]
    page = (output / pages[0]).read_text(encoding="utf-8")
    assert page.count('<aside class="margin-note"') == 1
    assert page.count('class="glossary-term"') == 1
    glossary = (output / "glossary" / "index.html").read_text(encoding="utf-8")
    assert glossary.count('<div class="glossary-entry"') == 1


def test_init_refuses_a_folder_that_is_not_empty(tmp_path: Path,
                                                 glossator: Callable[..., Run]) -> None:
    (tmp_path / "notes.txt").write_text("mine\n")
    result = glossator("init", tmp_path)
    assert result.code == 1
    assert result.err == f"glossator: error: {tmp_path} exists and is not empty; nothing was " \
                         "created\n"
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


# --- build.py, subprocesses, usage -----------------------------------------------------

def test_build_py_is_glossator_build_in_its_folder(example_site: Path, tmp_path: Path) -> None:
    via_script = run_subprocess(script=example_site / "build.py", cwd=tmp_path)
    assert (via_script.code, via_script.err) == (0, ""), via_script.err
    assert via_script.out.startswith("built 3 document(s)")

    other = tmp_path / "other"
    example_site.rename(other)  # same inputs, another folder: `glossator build` there
    script_output = tree_bytes(other / "output")
    (other / "output").rename(tmp_path / "from-script")
    via_cli = run_subprocess("build", cwd=other)
    assert via_cli.code == 0, via_cli.err
    assert without_search(tree_bytes(other / "output")) == without_search(script_output)
    assert "pagefind/pagefind.js" in script_output


def without_search(tree: dict[str, bytes]) -> dict[str, bytes]:
    """Pagefind writes its filter and metadata files in no fixed order: compare the rest."""
    return {rel: data for rel, data in tree.items() if not rel.startswith("pagefind/")}


def test_a_user_error_prints_diagnostics_not_a_traceback(make_site: Callable[..., Path]) -> None:
    site = make_site("basic")
    path = site / "sources" / "ode-to-the-beacon.md"
    path.write_text(path.read_text().replace("date: 1863-01-01", "date: 1863-02-30"))
    result = run_subprocess("build", site)
    assert result.code == 1
    assert result.err == (
        "sources/ode-to-the-beacon.md:3:7: error: date: invalid date '1863-02-30': there is no "
        "day 30 in that month\n"
        "glossator: build failed with 1 error(s); the published output was not changed\n")


@pytest.mark.parametrize("style, message", [
    ("no-such-style", "unknown citation style 'no-such-style'"),
    ("agora", "citation style 'agora' has no bibliography: it formats citations in running "
              "text only, and a page's citation is a bibliography entry")])
def test_an_unusable_citation_style_is_a_located_error(
        style: str, message: str, make_site: Callable[..., Path],
        glossator: Callable[..., Run]) -> None:
    """Reported where the config names it, with the inputs' other errors: never a crash of
    the citation renderer."""
    site = make_site("basic")
    config = site / "site_config.yaml"
    config.write_text(config.read_text().replace("  - apa\n", f"  - {style}\n  - apa\n"),
                      encoding="utf-8")
    page = site / "sources" / "ode-to-the-beacon.md"
    page.write_text(page.read_text().replace("date: 1863-01-01", "date: 1863-02-30"))
    for verb in ("build", "check"):
        result = glossator(verb, site)
        assert result.code == 1, result.err
        assert result.err.startswith(f"site_config.yaml:9:5: error: {message}\n"), result.err
        assert "sources/ode-to-the-beacon.md:3:7: error: date:" in result.err
        assert "Traceback" not in result.err
    assert not (site / "output").exists()


def test_a_folder_without_a_site(tmp_path: Path, glossator: Callable[..., Run]) -> None:
    result = glossator("build", tmp_path)
    assert result.code == 1
    assert result.err.splitlines()[:2] == [
        "site_config.yaml:1:1: error: no site_config.yaml in this folder",
        f"    hint: is {tmp_path} the site's root folder? `glossator init DIR` creates a new site",
    ]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("args", [[], ["publish"], ["build", "--output"], ["check", "--output",
                                                                           "x"],
                                  ["build", "--jobs", "0"], ["build", "--jobs", "many"],
                                  ["serve", "--jobs", "-2"]])
def test_usage_errors_exit_2(args: list[str], glossator: Callable[..., Run]) -> None:
    result = glossator(*args)
    assert result.code == 2
    assert result.err.startswith("usage: glossator")


def test_jobs_one_builds_what_the_default_pool_builds(example_site: Path, tmp_path: Path,
                                                      glossator: Callable[..., Run]) -> None:
    single = glossator("build", "--no-search", "--jobs", "1", "--output",
                       str(tmp_path / "one"), str(example_site))
    pooled = glossator("build", "--no-search", "--jobs", "2", "--output",
                       str(tmp_path / "two"), str(example_site))
    assert (single.code, pooled.code) == (0, 0), single.err + pooled.err
    assert tree_bytes(tmp_path / "one") == tree_bytes(tmp_path / "two")


@pytest.mark.parametrize("argv, jobs", [(["build"], 0), (["build", "--jobs", "3"], 3),
                                        (["check", "--jobs", "1"], 1)])
def test_jobs_reaches_the_build(argv: list[str], jobs: int, tmp_path: Path,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    from glossator import cli, forkserver, pipeline
    from glossator.errors import Diagnostics
    from glossator.pipeline import BuildReport
    seen, started = [], []

    def fake_build(root: Path, options: object) -> BuildReport:
        seen.append(options)
        return BuildReport(Diagnostics(), output_dir=tmp_path / "output")
    monkeypatch.setattr(pipeline, "build", fake_build)
    monkeypatch.setattr(forkserver, "start_early", lambda *args: started.append(args))
    assert cli.main([*argv, str(tmp_path)]) == 0
    assert [options.jobs for options in seen] == [jobs]
    assert started == [(tmp_path, jobs)]  # before the build, with what it was given


def test_the_command_line_imports_the_pipeline_only_to_build() -> None:
    """So that the workers' server, started first, imports while the command line does."""
    code = "import sys, glossator.cli; print(sorted(m for m in sys.modules if 'pipeline' in m))"
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True)
    assert found.stdout.strip() == "[]"


@pytest.mark.parametrize("sources, jobs, cached, started", [
    (8, 2, False, True), (8, 0, False, None), (7, 2, False, False), (8, 1, False, False),
    (None, 2, False, False), (8, 2, True, False)])
def test_the_workers_server_is_started_early_only_for_a_first_build_that_will_use_it(
        sources: int | None, jobs: int, cached: bool, started: bool | None, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """More than one job, at least 8 sources, and no cache: a rebuild (with a cache) most
    often needs no pool, and a server started for nothing would outlive it."""
    import multiprocessing.forkserver

    from glossator import forkserver
    from glossator.cache import CACHE_DIR
    if cached:
        (tmp_path / CACHE_DIR).mkdir()
    calls = []
    monkeypatch.setattr(multiprocessing.forkserver, "ensure_running", lambda: calls.append(1))
    if sources is not None:
        (tmp_path / "sources").mkdir()
        for n in range(sources):
            (tmp_path / "sources" / f"doc-{n}.md").write_text("---\ntitle: T\n---\nText\n")
        (tmp_path / "sources" / "notes.txt").write_text("not a source")
    if started is None:  # the default: one worker per core
        started = forkserver.default_jobs() > 1
    assert forkserver.start_early(tmp_path, jobs) is started
    assert calls == ([1] if started else [])


# --- import-hypothesis ---------------------------------------------------------------------

HYPOTHESIS_EXPORT = (Path(__file__).parent / "fixtures" / "hypothesis"
                     / "joint-statement-search.json")
STEM = "joint-statement-syria-2017-11-11"


def test_import_hypothesis_with_the_site_folder_after_the_options(
        example_site: Path, glossator: Callable[..., Run]) -> None:
    notes = example_site / "annotations" / f"{STEM}.yaml"
    before = notes.read_text(encoding="utf-8")
    result = glossator("import-hypothesis", HYPOTHESIS_EXPORT, "--source", STEM, example_site)
    assert result.code == 0
    assert result.out.startswith("imported 5 of 12 annotation(s) into "
                                 f"annotations/{STEM}.yaml (7 skipped)")
    assert "skipped: a reply to another annotation" in result.err
    after = notes.read_text(encoding="utf-8")
    assert after.startswith(before)  # appended: the editor's comments and order are kept
    assert glossator("build", example_site, "--strict").code == 0


def test_import_hypothesis_for_an_unknown_source_writes_nothing(
        example_site: Path, glossator: Callable[..., Run]) -> None:
    before = tree_bytes(example_site / "annotations")
    result = glossator("import-hypothesis", HYPOTHESIS_EXPORT, "--source", "no-such-source",
                       example_site)
    assert result.code == 1
    assert "nothing was written" in result.err
    assert tree_bytes(example_site / "annotations") == before


def test_python_m_glossator_builds_with_a_pool_of_workers(tmp_path: Path) -> None:
    """Twelve documents: enough for the process pool (the example site, with three, is built
    in one process whatever ``--jobs`` says); the workers, forked from a fork server, give
    the same bytes as one process."""
    from test_incremental import make
    site = make(tmp_path / "site")
    pooled = run_subprocess("build", "--no-search", "--jobs", "2", "--output", "two", "site",
                            cwd=tmp_path)
    single = run_subprocess("build", "--no-search", "--jobs", "1", "--output", "one", "site",
                            cwd=tmp_path)
    assert (pooled.code, single.code) == (0, 0), pooled.err + single.err
    assert "built 12 document(s)" in pooled.err + pooled.out
    assert tree_bytes(tmp_path / "two") == tree_bytes(tmp_path / "one")
    assert not (site / "two").exists()
