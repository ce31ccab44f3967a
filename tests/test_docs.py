"""The documentation states what the code does: key tables are generated from the schemas."""

from pathlib import Path

from glossator import docgen, schema

ROOT = Path(__file__).resolve().parent.parent


def test_authoring_guide_tables_match_the_schemas():
    text = (ROOT / "docs" / "authoring.md").read_text(encoding="utf-8")
    assert docgen.update(text) == text, "run: python -m glossator.docgen docs/authoring.md"


def test_every_schema_has_a_table_in_the_authoring_guide():
    text = (ROOT / "docs" / "authoring.md").read_text(encoding="utf-8")
    for name in docgen.SCHEMAS:
        assert f"<!-- schema:{name} -->" in text


def test_a_changed_field_shows_in_the_generated_table():
    field = schema.Field("colour", "text", "A made-up key.", default="blue")
    assert "| `colour` | text | `blue` | A made-up key. |" in docgen.table([field])
