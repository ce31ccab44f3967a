"""Tests for glossator.yamlio: text decoding, front matter and YAML with locations."""

from __future__ import annotations

import os
import time

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from glossator import yamlio
from glossator.errors import Diagnostics, Location
from glossator.yamlio import (FORBIDDEN_CHARS, FrontMatter, YamlDoc, load_yaml, read_text,
                              split_front_matter)

HINT_FM = ("    hint: a source starts with a line '---', the YAML keys (title, date, …), "
           "and another line '---'")
LOADERS = [yaml.SafeLoader] + ([yaml.CSafeLoader] if hasattr(yaml, "CSafeLoader") else [])


@pytest.fixture(params=LOADERS, ids=lambda loader: loader.__name__)
def loader(request, monkeypatch):
    """Run a test once with the C loader and once with the pure-Python loader."""
    monkeypatch.setattr(yamlio, "_FAST_LOADER", request.param)
    return request.param


def load(text: str, *, line_offset: int = 0) -> tuple[YamlDoc | None, str]:
    diags = Diagnostics()
    doc = load_yaml(text, "data/x.yaml", diags, line_offset=line_offset)
    assert (doc is None) == bool(diags.errors)
    return doc, diags.format()


def value(text: str) -> object:
    doc, errors = load(text)
    assert errors == ""
    return doc.value


# --- read_text ---------------------------------------------------------------------------

def test_invalid_utf8_is_located_in_code_points():
    diags = Diagnostics()
    data = "title: ok\nname: café ".encode() + b"\xff rest\n"
    assert read_text(data, "sources/a.md", diags) is None
    assert diags.format() == ("sources/a.md:2:12: error: not valid UTF-8 (byte 0xff at offset 22)\n"
                              "    hint: save the file as UTF-8")


def test_invalid_utf8_line_counts_crlf_and_lone_cr_once():
    diags = Diagnostics()
    assert read_text(b"\xef\xbb\xbfa\r\nb\rc\xe9", "a.md", diags) is None
    assert [d.location for d in diags.items] == [Location("a.md", 3, 2)]
    assert diags.items[0].message == "not valid UTF-8 (byte 0xe9 at offset 9)"


def test_utf16_gets_its_own_hint():
    diags = Diagnostics()
    assert read_text("hi".encode("utf-16"), "a.md", diags) is None
    assert diags.items[0].hints == ("the file looks like UTF-16; save it as UTF-8",)


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x0b", "\x0c", "\x1f", "\x7f", "\x85", "\x9f",
                                  "\ufdd0", "\ufffe", "\U0001ffff", "\U0010ffff"])
def test_characters_no_page_may_hold_are_refused_and_located(char):
    """HTML calls them parse errors and XML 1.0 forbids them: a page or feed.xml with one is
    broken, so no input may hold one (found by tests/test_fuzz.py: U+001F in a source)."""
    diags = Diagnostics()
    assert read_text(f"ok\r\nab{char}c\n".encode(), "sources/a.md", diags) is None
    kind = "noncharacter" if ord(char) >= 0xFDD0 else "control character"
    assert diags.format() == (f"sources/a.md:2:3: error: the {kind} U+{ord(char):04X} is not "
                              "allowed in text\n"
                              "    hint: delete it (most editors do not show it)")


def test_tab_line_feed_and_the_rest_of_unicode_are_text():
    diags = Diagnostics()
    text = "\ta\u00a0\u2028\ufeff\ufffd\U0001F600\U000E0001\n"
    assert read_text(text.encode(), "a.md", diags) == text and diags.items == []


def test_many_refused_characters_are_reported_five_at_a_time():
    diags = Diagnostics()
    assert read_text(b"\x01" * 9, "a.md", diags) is None
    assert [(d.location.col, d.message) for d in diags.items][-2:] == [
        (5, "the control character U+0001 is not allowed in text"),
        (6, "more characters that are not allowed follow")]


@pytest.mark.parametrize(("escape", "name"), [("\\x01", "the control character U+0001"),
                                              ("\\ud800", "the surrogate U+D800"),
                                              ("\\uFFFF", "the noncharacter U+FFFF"),
                                              ("\\x85", "the control character U+0085"),
                                              ("\\U0001FFFE", "the noncharacter U+1FFFE"),
                                              ("é\\U0010FFFF", "the noncharacter U+10FFFF")])
def test_a_refused_character_written_as_an_escape_is_located(loader, escape, name):
    """``title: "\\ud800"`` used to crash the build when the page was encoded as UTF-8, and
    ``"\\x01"`` made feed.xml unreadable (found by probing the fuzz harness's inputs)."""
    _, errors = load(f'a: ok\ntitle: "A {escape} B"\n')
    assert errors == (f"data/x.yaml:2:8: error: this value holds {name}, which is not allowed "
                      "in text\n    hint: remove the escape that writes it")


_SCALAR_CHARS = st.text(st.sampled_from(list("a b\\'\"#:-\t\n") + ["\x85", "\u2028", "\x01",
                                                                        "\ud7ff", "é"]),
                        max_size=12)


@settings(max_examples=400, deadline=None)
@given(_SCALAR_CHARS, st.sampled_from(["plain", "single", "literal", "folded"]))
def test_only_a_double_quoted_scalar_can_write_a_refused_character(text, style):
    """Values are searched for refused characters only in double-quoted scalars, the only
    ones with escapes: in every other style a value holds only what the file holds (and line
    breaks and spaces), which reading the file has searched."""
    scalar = {"plain": text, "single": "'" + text.replace("'", "''") + "'",
              "literal": "|\n  " + text.replace("\n", "\n  "),
              "folded": ">\n  " + text.replace("\n", "\n  ")}[style]
    diags = Diagnostics()
    read = read_text(f"a: {scalar}\n".encode("utf-8", "surrogatepass"), "x.yaml", diags)
    if read is None:
        return
    doc = load_yaml(read, "x.yaml", diags)
    if doc is not None and isinstance(doc.value, dict) and isinstance(doc.value.get("a"), str):
        assert not FORBIDDEN_CHARS.search(doc.value["a"])


def test_the_quick_checks_find_exactly_the_refused_characters():
    """A file is searched with the first plane's class unless its UTF-8 holds a noncharacter
    beyond it (the full class is eight times slower): over every code point, the quick
    class and the UTF-8 detector together find what the full class finds, and nothing else."""
    from glossator.yamlio import _ASTRAL_NONCHARACTER_UTF8, _FORBIDDEN_IN_BMP, FORBIDDEN_CHARS
    for code in range(0x110000):
        char = chr(code)
        refused = FORBIDDEN_CHARS.fullmatch(char) is not None
        if code < 0x10000:
            assert (_FORBIDDEN_IN_BMP.fullmatch(char) is not None) == refused, hex(code)
        else:
            found = _ASTRAL_NONCHARACTER_UTF8.search(char.encode("utf-8")) is not None
            assert found == refused, hex(code)


def test_the_clean_bytes_check_lets_through_no_refused_character():
    """A file whose UTF-8 holds none of the bytes that may begin a refused character is not
    searched at all: over every code point (but the surrogates, which strict UTF-8 refuses
    to decode), each refused character has such a byte in its UTF-8."""
    from glossator.yamlio import _CLEAN_BYTES
    for code in range(0x110000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        if FORBIDDEN_CHARS.fullmatch(char):
            assert char.encode("utf-8").translate(None, _CLEAN_BYTES), hex(code)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=40) | st.text(max_size=20).map(
    lambda t: t.encode("utf-8", "surrogatepass")))
def test_read_text_reports_as_the_full_search_does(data):
    """With the quick check or without it (the searches alone), the same text and the same
    errors."""
    quick, full = Diagnostics(), Diagnostics()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(yamlio, "_CLEAN_BYTES", b"")  # nothing deleted: always searched
        expected = read_text(data, "x.md", full)
    assert read_text(data, "x.md", quick) == expected
    assert quick.format() == full.format()


def test_bom_and_crlf_file_reads_with_right_lines():
    diags = Diagnostics()
    data = b"\xef\xbb\xbf---\r\ntitle: Caf\xc3\xa9\r\ndate: 1863\r\n---\r\nBody\rline\r\n"
    text = read_text(data, "sources/a.md", diags)
    assert text == "---\ntitle: Café\ndate: 1863\n---\nBody\nline\n"
    front = split_front_matter(text, "sources/a.md", diags)
    assert front == FrontMatter("title: Café\ndate: 1863\n", 1, "Body\nline\n", 4)
    doc = load_yaml(front.yaml_text, "sources/a.md", diags, line_offset=front.yaml_line)
    assert diags.items == []
    assert doc.value == {"title": "Café", "date": 1863}
    assert doc.loc("date") == Location("sources/a.md", 3, 7)


# --- split_front_matter ------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("---\ntitle: x\n", "a.md:1:1: error: front matter opened here is never closed\n"
                        "    hint: did you forget the closing '---'?"),
    ("title: x\n---\n", "a.md:1:1: error: missing front matter\n" + HINT_FM),
    ("", "a.md:1:1: error: empty file\n" + HINT_FM),
    ("\n  \n", "a.md:1:1: error: empty file\n" + HINT_FM),
    ("\n---\ntitle: x\n---\n", "a.md:1:1: error: missing front matter\n" + HINT_FM +
     "\n    hint: remove the blank lines before the opening '---'"),
])
def test_front_matter_errors(text, expected):
    diags = Diagnostics()
    assert split_front_matter(text, "a.md", diags) is None
    assert diags.format() == expected


@pytest.mark.parametrize("text, expected", [
    ("---\na: 1\n---\nbody\n", FrontMatter("a: 1\n", 1, "body\n", 3)),
    ("---  \na: 1\n...\t\n\nbody", FrontMatter("a: 1\n", 1, "\nbody", 3)),
    ("---\n---\n", FrontMatter("", 1, "", 2)),
    ("---\na: 1\nb: 2\n---", FrontMatter("a: 1\nb: 2\n", 1, "", 4)),
    ("---\na: '--- x'\n----\n---\nz", FrontMatter("a: '--- x'\n----\n", 1, "z", 4)),
])
def test_front_matter_split(text, expected):
    diags = Diagnostics()
    assert split_front_matter(text, "a.md", diags) == expected
    assert diags.items == []


# --- YAML syntax errors --------------------------------------------------------------------

def test_syntax_error_counts_lines_from_top_of_markdown_file(loader):
    diags = Diagnostics()
    front = split_front_matter("---\ntitle: x\nsubtitle: a: b\n---\nbody\n", "sources/x.md", diags)
    assert load_yaml(front.yaml_text, "sources/x.md", diags, line_offset=front.yaml_line) is None
    assert diags.format() == (
        "sources/x.md:3:12: error: YAML syntax error: mapping values are not allowed here\n"
        "    hint: put the value in quotes if it contains ': '")


@pytest.mark.parametrize("text, expected", [
    ("a:\n\tb: 1\n", "data/x.yaml:2:1: error: YAML syntax error: found character '\\t' that "
                     "cannot start any token\n"
                     "    hint: indent with spaces: YAML does not allow tabs"),
    ("a: 1\nb\nc: 2\n", "data/x.yaml:3:1: error: YAML syntax error: could not find expected ':'\n"
                        "    while scanning a key starting at line 2, column 1\n"
                        "    hint: write 'key: value'; to continue a long value on the next "
                        "line, indent it"),
    ('a: "abc\nb: 2\n', "data/x.yaml:3:1: error: YAML syntax error: found unexpected end of text\n"
                        "    while scanning a quoted value starting at line 1, column 4\n"
                        "    hint: check that every quote, '[' and '{' is closed"),
    ("a:\n  b: 1\n c: 2\n", "data/x.yaml:3:2: error: YAML syntax error: expected the end of the "
                            "indented block, but found a nested mapping\n"
                            "    while parsing a mapping starting at line 1, column 1\n"
                            "    hint: check the indentation (the keys of a mapping, and the '-' "
                            "of a list, line up) and that nothing follows a closing quote"),
    ("a: [1, 2\nb: 3\n", "data/x.yaml:2:2: error: YAML syntax error: expected ',' or ']', but "
                         "got ':'\n    while parsing a [...] list starting at line 1, column 4\n"
                         "    hint: check the brackets; put values containing ',' or ':' in "
                         "quotes"),
    ("a: \x07\n", "data/x.yaml:1:4: error: YAML syntax error: character U+0007 is not allowed\n"
                  "    hint: delete it (most editors do not show it)"),
    ("a: 1\n---\nb: 2\n", "data/x.yaml:2:1: error: a YAML file holds one document, but a second "
                          "one starts here\n"
                          "    hint: remove the '---' line, or split the file in two"),
])
def test_syntax_error_messages(loader, text, expected):
    assert load(text) == (None, expected)


@pytest.mark.parametrize("text, line, col", [
    ("é中😀: x: y\n", 1, 7),
    ("k: 'é中😀' x\n", 1, 10),
    ("t: é\nu: [中, 😀\nv: 1\n", 3, 2),
    ("a: 'x\u2028y\x85z'\nb: *r\n", 2, 4),  # YAML 1.1 line breaks in text are not lines
    ("a: x\u2028y\x85z\nb: 1\n", 1, 8),
])
def test_columns_count_code_points_with_both_loaders(loader, text, line, col):
    doc, errors = load(text, line_offset=10)
    assert doc is None
    assert errors.startswith(f"data/x.yaml:{line + 10}:{col}: error: ")


# --- refused YAML features -----------------------------------------------------------------

def test_duplicate_key_names_first_line(loader):
    assert load("title: a\nx: 1\n\ntitle: b\n", line_offset=1) == (
        None, "data/x.yaml:5:1: error: duplicate key 'title'\n    first defined on line 2")


def test_anchors_and_aliases_are_refused(loader):
    assert load("base: &b {a: 1}\nother: *b\n") == (None, (
        "data/x.yaml:1:7: error: YAML anchors and aliases are not supported\n"
        "    hint: write the value out in full\n"
        "data/x.yaml:2:8: error: YAML anchors and aliases are not supported\n"
        "    hint: write the value out in full"))


def test_billion_laughs_is_refused_quickly(loader):
    text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
        f"{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n"
        for p, c in zip("abcdefgh", "bcdefghi"))
    started = time.perf_counter()
    doc, errors = load(text)
    assert time.perf_counter() - started < 0.5
    assert doc is None
    assert errors.startswith("data/x.yaml:1:4: error: YAML anchors and aliases are not supported")


def test_python_object_tag_is_refused_and_never_run(loader, monkeypatch, tmp_path):
    calls = []
    monkeypatch.setattr(os, "system", lambda *args: calls.append(args))
    marker = tmp_path / "ran"
    text = f'x: !!python/object/apply:os.system ["touch {marker}"]\n'
    assert load(text) == (None, "data/x.yaml:1:4: error: unsupported YAML tag "
                                "'!!python/object/apply:os.system'\n    hint: remove the tag")
    assert calls == [] and not marker.exists()


@pytest.mark.parametrize("text, message", [
    ("a: !foo x\n", "unsupported YAML tag '!foo'"),
    ("a: !!binary aGk=\n", "unsupported YAML tag '!!binary'"),
    ("a: !!set {x}\n", "unsupported YAML tag '!!set'"),
    ("a: !!omap [x: 1]\n", "unsupported YAML tag '!!omap'"),
    ("a: !!int abc\n", "'abc' is not a valid !!int"),
    ("? [a]\n: 1\n", "a mapping key must be text, not a list or mapping"),
    ("<<: {a: 1}\n", "YAML merge keys ('<<') are not supported"),
])
def test_refused_tags_and_keys(loader, text, message):
    diags = Diagnostics()
    assert load_yaml(text, "x.yaml", diags) is None
    assert [d.message for d in diags.items] == [message]
    assert diags.items[0].location.line == 1


def test_allowed_explicit_tags(loader):
    assert value("a: !!str 12\nb: !!int '7'\nc: ! 12\nd: !!map {x: !!null ''}\n") == {
        "a": "12", "b": 7, "c": "12", "d": {"x": None}}


# --- values --------------------------------------------------------------------------------

def test_scalar_values(loader):
    text = ("date: 2017-02-30\nlanguage: no\non: yes\nn: 1_000\nf: 1.5\nnull: ~\nq: 'no'\n"
            "bits: 0b_\neq: =\n1: one\n")
    assert value(text) == {"date": "2017-02-30", "language": False, "on": True, "n": 1000,
                           "f": 1.5, "null": None, "q": "no", "bits": "0b_", "eq": "=",
                           "1": "one"}


def test_empty_document_is_none(loader):
    for text in ("", "# only a comment\n", "---\n", "---\n...\n"):
        doc, errors = load(text, line_offset=3)
        assert (doc.value, errors) == (None, "")
        assert doc.loc("title").line in (4, 5)  # the document start or the empty value


def test_locations_raw_and_style(loader):
    text = ('title: "Gettysburg"\nlanguage: no\nnotes:\n  - quote: four score\n'
            "    note: |\n      *Markdown* here\n  - quote: >-\n      folded\n")
    doc, errors = load(text, line_offset=1)
    assert errors == ""
    assert doc.value["notes"][0]["note"] == "*Markdown* here\n"
    assert doc.raw("language") == "no" and doc.style("language") is None
    assert doc.raw("title") == '"Gettysburg"' and doc.style("title") == '"'
    assert doc.loc("notes", 0, "quote") == Location("data/x.yaml", 5, 12)
    assert doc.key_loc("notes", 0, "quote") == Location("data/x.yaml", 5, 5)
    assert doc.end_loc("notes", 0, "quote") == Location("data/x.yaml", 5, 22)
    assert doc.loc("notes", 0, "note") == Location("data/x.yaml", 6, 11)
    assert doc.style("notes", 0, "note") == "|"
    assert doc.content_start("notes", 0, "note") == Location("data/x.yaml", 7, 7)
    assert doc.style("notes", 1, "quote") == ">"
    assert doc.content_start("notes", 1, "quote") == Location("data/x.yaml", 9, 7)
    assert doc.content_start("title") == Location("data/x.yaml", 2, 9)  # after the quote
    assert doc.content_start("language") == Location("data/x.yaml", 3, 11)
    assert doc.loc("notes", 5, "quote") == Location("data/x.yaml", 5, 3)  # nearest ancestor
    assert doc.key_loc("nope") == Location("data/x.yaml", 2, 1)
    assert doc.raw("notes") is None and doc.style("notes") is None


def test_multibyte_locations_match_between_loaders():
    text = "é: 中\n😀😀: [a, 'é中']\nk: x\n"
    results = []
    for loader_class in LOADERS:
        yamlio._FAST_LOADER, saved = loader_class, yamlio._FAST_LOADER
        try:
            doc, _ = load(text)
        finally:
            yamlio._FAST_LOADER = saved
        results.append([doc.loc("😀😀", 1), doc.key_loc("k"), doc.end_loc("é"), doc.raw("😀😀", 1)])
    assert results[0] == [Location("data/x.yaml", 2, 9), Location("data/x.yaml", 3, 1),
                          Location("data/x.yaml", 1, 5), "'é中'"]
    assert all(result == results[0] for result in results)


def test_large_file_loads_in_roughly_linear_time():
    item = "- quote: 'é中😀 four score'\n  n: 12\n  tags: [a, b]\n  note: |\n    text\n"
    times = {}
    for copies in (17_000, 68_000):
        started = time.perf_counter()
        doc, errors = load(item * copies)
        times[copies] = time.perf_counter() - started
        assert errors == "" and len(doc.value) == copies
    assert len((item * 68_000).encode()) > 5_000_000
    assert times[68_000] < 8 * times[17_000] + 0.5


# --- properties ----------------------------------------------------------------------------

YAMLISH = st.text(alphabet=st.sampled_from(list("ab1 :-\n\t'\"[]{},&*!#|>?%@`é中😀\x85\u2028~.")))


@settings(deadline=None, max_examples=300)
@given(text=st.one_of(st.text(), YAMLISH), offset=st.integers(0, 5))
def test_any_text_gives_a_value_or_located_errors(text, offset):
    diags = Diagnostics()
    doc = load_yaml(text, "x.yaml", diags, line_offset=offset)
    if doc is None:
        assert diags.errors
        for problem in diags.errors:
            assert 1 + offset <= problem.location.line <= text.count("\n") + 1 + offset
            assert problem.location.col >= 1
    else:
        assert diags.items == [] and doc.path == "x.yaml"


# PyYAML's emitter writes U+0085/U+2028/U+2029 raw in quoted text, where they read back as
# line breaks (yaml.safe_load gets them wrong too), so they are left out of the round trip;
# so are the characters Glossator refuses in any text (tested below).
TEXT = st.text(st.characters(blacklist_characters="\x85\u2028\u2029", blacklist_categories=["Cs"])
               .filter(lambda char: not yamlio.FORBIDDEN_CHARS.match(char)))
PLAIN = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12)


@settings(deadline=None, max_examples=300)
@given(data=PLAIN, unicode=st.booleans(), flow=st.sampled_from([None, True, False]))
def test_dumped_values_round_trip(data, unicode, flow):
    text = yaml.safe_dump(data, allow_unicode=unicode, default_flow_style=flow)
    assert value(text) == data
