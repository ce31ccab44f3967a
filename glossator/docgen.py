"""Keeps the key tables of ``docs/authoring.md`` in step with :mod:`glossator.schema`.

The tables sit between ``<!-- schema:NAME -->`` and ``<!-- /schema -->`` markers;
``python -m glossator.docgen docs/authoring.md`` rewrites them, and a test fails when they
differ from what the schemas say.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from . import schema

SCHEMAS = {"source": schema.SOURCE, "via": schema.VIA, "annotations": schema.ANNOTATIONS,
           "note": schema.NOTE, "glossary": schema.GLOSSARY, "term": schema.TERM,
           "site": schema.SITE}
_BLOCK = re.compile(r"(<!-- schema:(\w+) -->\n)(.*?)(<!-- /schema -->)", re.DOTALL)


def _default(field: schema.Field) -> str:
    if field.required:
        return "**required**"
    value = field.default
    if value is None or value == "" or value == []:
        return ""
    return f"`{value}`" if isinstance(value, str) else f"`{json.dumps(value)}`"


def table(fields: list[schema.Field]) -> str:
    rows = ["| key | value | default | meaning |", "|---|---|---|---|"]
    rows += [f"| `{f.name}` | {f.kind} | {_default(f)} | {f.doc} |" for f in fields]
    return "\n".join(rows) + "\n"


def update(text: str) -> str:
    def replace(match: re.Match) -> str:
        name = match.group(2)
        if name not in SCHEMAS:
            raise KeyError(f"unknown schema table: {name}")
        return match.group(1) + table(SCHEMAS[name]) + match.group(4)
    return _BLOCK.sub(replace, text)


def main(argv: list[str]) -> int:
    path = Path(argv[0] if argv else "docs/authoring.md")
    text = path.read_text(encoding="utf-8")
    new = update(text)
    if new != text:
        path.write_text(new, encoding="utf-8")
        print(f"updated {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
