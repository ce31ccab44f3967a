"""The command line: ``glossator build|check|new|init [SITE_DIR]``; results → exit codes.

Exit status: 0 success, 1 the inputs have errors (or warnings under ``--strict``), 2 usage
errors (argparse), 3 the output could not be written (disk full, permissions).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from . import forkserver
from .errors import ERROR, BuildFailed, Diagnostics
from .scaffold import ScaffoldError, init_site, new_source

if TYPE_CHECKING:
    from .builds import BuildReport

EXIT_OK, EXIT_INPUT, EXIT_USAGE, EXIT_IO = 0, 1, 2, 3


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="glossator", description="Build annotated editions "
                                     "of primary sources as static websites.")
    verbs = parser.add_subparsers(dest="verb", required=True, metavar="VERB")
    for name, text in (("build", "build the site into its output folder"),
                       ("check", "check every input; write nothing")):
        verb = verbs.add_parser(name, help=text, description=text)
        verb.add_argument("site", nargs="?", default=".", type=Path, help="site folder")
        verb.add_argument("--strict", action="store_true", help="treat warnings as errors")
        verb.add_argument("--drafts", action="store_true", help="publish drafts too")
        verb.add_argument("--jobs", type=_jobs, default=0, metavar="N",
                          help="worker processes (default: one per available core; 1: none)")
        if name == "build":
            verb.add_argument("--output", type=Path, help="output folder (default: the "
                              "config's output_dir)")
            verb.add_argument("--no-search", action="store_true",
                              help="skip the search index (quicker builds)")
    serve = verbs.add_parser("serve", help="build, serve on 127.0.0.1 and rebuild on changes")
    serve.add_argument("site", nargs="?", default=".", type=Path, help="site folder")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000; 0: any)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--allow-host", action="append", default=[], metavar="NAME",
                       help="another Host name to answer (repeatable)")
    serve.add_argument("--poll", action="store_true",
                       help="poll for changes (network drives, containers, WSL)")
    serve.add_argument("--drafts", action="store_true", help="publish drafts too")
    serve.add_argument("--jobs", type=_jobs, default=0, metavar="N",
                       help="worker processes (default: one per available core; 1: none)")
    imp = verbs.add_parser("import-hypothesis",
                           help="append the notes of a Hypothesis export to a source's notes")
    imp.add_argument("export", type=Path, help="a Hypothesis API search result (JSON)")
    imp.add_argument("--source", required=True, metavar="STEM",
                     help="the source the annotations are on: sources/STEM.md")
    imp.add_argument("site", nargs="?", default=".", type=Path, help="site folder")
    new = verbs.add_parser("new", help="start a new source and its annotation file")
    new.add_argument("title", help="the document's title")
    new.add_argument("site", nargs="?", default=".", type=Path, help="site folder")
    init = verbs.add_parser("init", help="create a new site that builds at once")
    init.add_argument("directory", type=Path, help="folder to create")
    return parser


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of processes, 1 or more: "
                                         f"{text!r}")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args, extra = parser.parse_known_args(argv)
    if extra and args.verb == "import-hypothesis" and len(extra) == 1 \
            and not extra[0].startswith("-") and args.site == Path("."):
        args.site = Path(extra[0])  # the site folder after the options (argparse cannot)
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if args.verb in ("build", "check", "serve"):
        # the workers' server imports on one core while this process imports on the other
        forkserver.start_early(args.site, args.jobs)
    try:
        if args.verb in ("build", "check"):
            return _build(args)
        if args.verb == "serve":
            from .builds import BuildOptions
            from .preview import serve  # imports watchdog only when serving
            options = BuildOptions(drafts=args.drafts, jobs=args.jobs)
            return serve(args.site.resolve(), options, port=args.port,
                         host=args.host, poll=args.poll, allow_hosts=tuple(args.allow_host))
        if args.verb == "import-hypothesis":
            return _import(args)
        if args.verb == "new":
            for path in new_source(args.site, args.title):
                print(f"created {path}")
            return EXIT_OK
        print(f"created a new site in {init_site(args.directory)}; "
              f"build it with: glossator build {args.directory}")
        return EXIT_OK
    except ScaffoldError as exc:
        print(f"glossator: error: {exc}", file=sys.stderr)
        return EXIT_INPUT


def _build(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from .builds import BuildOptions
    from .uptodate import nothing_to_do
    root = args.site.resolve()
    options = BuildOptions(output=getattr(args, "output", None), drafts=args.drafts,
                           strict=args.strict, check_only=args.verb == "check",
                           search=not getattr(args, "no_search", False), jobs=args.jobs)
    if options.output is not None:
        options.output = options.output.resolve()
    taken = None
    try:
        report, taken = nothing_to_do(root, options)  # before anything is read
        if report is None:  # the build itself only now: most of Glossator's imports
            from .pipeline import build
            report = build(root, replace(options, inputs=taken))
    except BuildFailed as exc:
        _print_diagnostics(exc.diagnostics)
        print(f"glossator: {args.verb} failed with {_counts(exc.diagnostics, args.strict)}; "
              "the published output was not changed", file=sys.stderr)
        return EXIT_IO if exc.output_problem else EXIT_INPUT
    except OSError as exc:
        print(f"glossator: error: cannot write the output: {exc.strerror or exc} "
              f"({exc.filename or 'output'}); the published output was not changed",
              file=sys.stderr)
        return EXIT_IO
    finally:
        if taken is not None:
            taken.close()  # the published output's check, if still running
    _print_diagnostics(report.diagnostics)
    print(_summary(args.verb, report))
    return EXIT_OK


def _counts(diags: Diagnostics, strict: bool) -> str:
    """``2 error(s)``, ``1 error(s) and 3 warning(s)``: as printed (duplicates once)."""
    shown = diags.sorted()
    errors = sum(d.severity == ERROR for d in shown)
    warnings = len(shown) - errors
    text = f"{errors} error(s)"
    if warnings:
        text += f" and {warnings} warning(s)"
        if strict:
            text += " (--strict: warnings count as errors)"
    return text


def _import(args: argparse.Namespace) -> int:
    from .hypothesis_import import import_hypothesis
    try:
        report = import_hypothesis(args.site.resolve(), args.export, args.source)
    except BuildFailed as exc:
        _print_diagnostics(exc.diagnostics)
        print("glossator: import failed; nothing was written", file=sys.stderr)
        return EXIT_INPUT
    for line in report.warnings + report.messages:
        print(line, file=sys.stderr)
    print(f"imported {len(report.imported)} of {report.rows} annotation(s) into {report.path}"
          f" ({report.skipped} skipped)")
    return EXIT_OK


def _print_diagnostics(diags: Diagnostics) -> None:
    if diags.items:
        print(diags.format(), file=sys.stderr)


def _summary(verb: str, report: BuildReport) -> str:
    if verb == "check":
        return f"checked {report.documents} document(s): no errors"
    result = report.result
    where = f"open {report.output_dir / 'index.html'}"
    if result is None or not result.swapped:
        return f"nothing changed in {report.output_dir}; {where}"
    return (f"built {report.documents} document(s), {report.pages} page(s) into "
            f"{report.output_dir} ({len(result.changed)} file(s) written, "
            f"{len(result.removed)} removed); {where}")


if __name__ == "__main__":
    sys.exit(main())
