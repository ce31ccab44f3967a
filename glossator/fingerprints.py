"""What the build cache's keys are made of, besides the input files themselves."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from . import __version__
from .models import Glossary

PACKAGE = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def code_version() -> str:
    """Glossator's version and a hash of its code and built-in theme.

    Any change to Glossator itself (an upgrade, a local edit) invalidates the whole cache.
    """
    digest = hashlib.blake2b(__version__.encode(), digest_size=16)
    for path in sorted(PACKAGE.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".html", ".css", ".js"):
            digest.update(path.relative_to(PACKAGE).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def glossary_spellings(glossary: Glossary) -> list[list]:
    """What glossary linking depends on: every entry's id, spellings and case rule.

    Definitions are left out: a changed definition changes only the pages that show it.
    """
    return [[t.id, t.term, list(t.aliases), t.case_sensitive] for t in glossary.terms]
