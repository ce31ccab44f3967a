"""Located problems (diagnostics), one collector, one formatter.

Every problem a user can cause is reported as a :class:`Diagnostic`::

    annotations/speech.yaml:12:11: error: quote not found in sources/speech.md
        hint: the closest passage is on line 9: "four score and seven"

Paths are relative to the site root with forward slashes; line and column are 1-based and
count code points. Problems without a position use ``1:1``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Location:
    """A place in an input file (1-based line and column, in code points)."""

    path: str
    line: int = 1
    col: int = 1

    def shifted(self, lines: int) -> Location:
        return Location(self.path, self.line + lines, self.col)


@dataclass(frozen=True)
class Diagnostic:
    location: Location
    severity: str
    message: str
    hints: tuple[str, ...] = ()
    details: tuple[str, ...] = ()

    def sort_key(self) -> tuple:
        loc = self.location
        return (loc.path, loc.line, loc.col, self.severity != ERROR, self.message)

    def format(self) -> str:
        loc = self.location
        lines = [f"{loc.path}:{loc.line}:{loc.col}: {self.severity}: {self.message}"]
        lines += [f"    {d}" for d in self.details]
        lines += [f"    hint: {h}" for h in self.hints]
        return "\n".join(lines)


@dataclass
class Diagnostics:
    """Collects every problem of a run; the build stops once, at the end of a stage."""

    items: list[Diagnostic] = field(default_factory=list)

    def error(self, location: Location, message: str, *, hints: Iterable[str] = (),
              details: Iterable[str] = ()) -> None:
        self.items.append(Diagnostic(location, ERROR, message, tuple(hints), tuple(details)))

    def warning(self, location: Location, message: str, *, hints: Iterable[str] = (),
                details: Iterable[str] = ()) -> None:
        self.items.append(Diagnostic(location, WARNING, message, tuple(hints), tuple(details)))

    def extend(self, other: Diagnostics) -> None:
        self.items.extend(other.items)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == WARNING]

    def has_errors(self, *, strict: bool = False) -> bool:
        return bool(self.errors) or (strict and bool(self.warnings))

    def sorted(self) -> list[Diagnostic]:
        unique = dict.fromkeys(self.items)  # the same problem found twice is reported once
        return sorted(unique, key=Diagnostic.sort_key)

    def format(self) -> str:
        return "\n".join(d.format() for d in self.sorted())


class BuildFailed(Exception):
    """Raised to stop a build whose inputs have errors; carries every diagnostic found."""

    def __init__(self, diagnostics: Diagnostics, *, output_problem: bool = False):
        super().__init__(f"{len(diagnostics.errors)} error(s)")
        self.diagnostics = diagnostics
        self.output_problem = output_problem  # the output could not be written (exit 3)
