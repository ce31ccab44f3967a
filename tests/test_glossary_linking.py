"""Glossary linking: the fixture file ``glossary.md`` and the matcher underneath it."""

from __future__ import annotations

import re
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from glossator.markdown import make_markdown
from glossator.markdown.anchortext import build_anchor_text
from glossator.markdown.glossary import (_SPECIAL_FOLDS, GlossaryMatcher, Link, link_terms,
                                         text_runs, trie_regex)
from glossator.models import Term

from markdown_fixtures import Case, case_params, check_case


@pytest.mark.parametrize("case", case_params(["glossary.md"]))
def test_fixture(case: Case) -> None:
    check_case(case)


def term(spelling: str, *aliases: str, id: str | None = None, case_sensitive: bool = True) -> Term:
    return Term(id=id or spelling.lower().replace(" ", "-"), term=spelling, definition="",
                aliases=list(aliases), case_sensitive=case_sensitive)


def found(matcher: GlossaryMatcher, text: str) -> list[tuple[str, str]]:
    """``(matched text, term id)`` of every match, in order."""
    return [(text[link.start:link.end], link.term_id) for link in matcher.find(text)]


# trie_regex ------------------------------------------------------------------------------------

@pytest.mark.parametrize("words", [
    ["nation", "new nation", "new"],
    ["a", "ab", "abc", "b"],
    ["U.S.", "U.S.A.", "US"],
    ["x+y", "(x)", "[y]", "a|b", "*"],
    ["café", "cafe", "caf\u00e9s"],
])
def test_trie_regex_matches_exactly_its_words_longest_first(words: list[str]) -> None:
    pattern = re.compile(trie_regex(words))
    for word in words:
        assert pattern.fullmatch(word), word
        longest = max((w for w in words if word.startswith(w)), key=len)
        assert pattern.match(word).group() == longest
    for other in ("", "zz", words[0] + "\u0000"):
        assert not pattern.fullmatch(other)


def test_trie_regex_shares_prefixes() -> None:
    assert trie_regex(["new", "news", "newt"]) == "new(?:s|t)?"
    assert trie_regex(["ab"]) == "ab"


def test_trie_regex_of_a_large_glossary_stays_fast() -> None:
    words = [f"term{n} word{n % 97}" for n in range(5000)]
    pattern = re.compile(trie_regex(words))
    assert pattern.fullmatch(f"term4999 word{4999 % 97}")
    assert pattern.search("x " * 1000 + "term17 word17 y").group() == "term17 word17"


# GlossaryMatcher.find ----------------------------------------------------------------------------

def test_find_returns_original_offsets() -> None:
    matcher = GlossaryMatcher([term("Security Council", id="sc")])
    text = "The Security\u00a0\n Council met."
    (link,) = matcher.find(text)
    assert link == Link(4, 22, "sc")
    assert text[link.start:link.end] == "Security\u00a0\n Council"


def test_find_longest_at_each_position_then_continues_after_it() -> None:
    matcher = GlossaryMatcher([term("nation"), term("new nation"), term("nation state")])
    assert found(matcher, "a new nation state, a nation state, nation") == [
        ("new nation", "new-nation"), ("nation state", "nation-state"), ("nation", "nation")]


def test_find_falls_back_to_a_shorter_term_when_the_longer_lacks_a_boundary() -> None:
    matcher = GlossaryMatcher([term("UN"), term("UN Charter")])
    assert found(matcher, "UN Charters") == [("UN", "un")]


def test_find_word_boundaries() -> None:
    matcher = GlossaryMatcher([term("NATO")])
    words = ("NATO NATOs preNATO NATO2 2NATO NATO_x x_NATO (NATO) NATO\u0301 \u00e9NATO "
             "NATO.").split()
    text = " ".join(words)
    linked = {text[:link.start].count(" ") for link in matcher.find(text)}
    assert [w for i, w in enumerate(words) if i in linked] == [
        "NATO", "NATO_x", "x_NATO", "(NATO)", "NATO."]


def test_a_combining_mark_that_does_not_compose_ends_no_term() -> None:
    # U+0489 (an enclosing mark) has no precomposed form: after NFC it still follows the
    # letter, so "UN Charter" + mark is no match, and the shorter "UN" is found instead.
    matcher = GlossaryMatcher([term("UN"), term("UN Charter")])
    assert found(matcher, "UN Charter\u0489 and NATO\u0489 UN Charter") == [
        ("UN", "un"), ("UN Charter", "un-charter")]
    assert found(GlossaryMatcher([term("UN")]), "UN\u0489") == []


def test_find_case_rules() -> None:
    matcher = GlossaryMatcher([term("US", id="us"),
                               term("détente", "relaxation", case_sensitive=False)])
    assert found(matcher, "us US Us DÉTENTE Relaxation") == [
        ("US", "us"), ("DÉTENTE", "détente"), ("Relaxation", "détente")]


def test_find_quote_and_whitespace_equivalences() -> None:
    matcher = GlossaryMatcher([term("People’s  Republic", id="pr"), term('"Big Three"', id="b3")])
    assert found(matcher, "People's Republic, People\u2019s\tRepublic, \u201cBig Three\u201d") == [
        ("People's Republic", "pr"), ("People\u2019s\tRepublic", "pr"),
        ("\u201cBig Three\u201d", "b3")]


def test_find_a_term_given_decomposed() -> None:
    matcher = GlossaryMatcher([term("E\u0301lyse\u0301e", id="elysee")])
    assert found(matcher, "the \u00c9lys\u00e9e") == [("\u00c9lys\u00e9e", "elysee")]


def test_find_mixes_case_sensitive_and_insensitive_terms_leftmost_longest() -> None:
    matcher = GlossaryMatcher([term("Council", id="c"),
                               term("security council", id="sc", case_sensitive=False)])
    assert found(matcher, "Security Council, Council") == [
        ("Security Council", "sc"), ("Council", "c")]


def test_a_case_insensitive_match_is_looked_up_as_written() -> None:
    """The case-insensitive search runs over the lower-cased text; the term is looked up
    with the text as written, so a lower-case case-sensitive spelling does not take it."""
    matcher = GlossaryMatcher([term("ion", id="ion-exact"),
                               term("ION", id="ion-any", case_sensitive=False)])
    assert found(matcher, "Ion ion ION") == [("Ion", "ion-any"), ("ion", "ion-exact"),
                                             ("ION", "ion-any")]


def test_letters_that_re_ignorecase_holds_equal_beyond_lower_casing() -> None:
    """"ſtate" matches "state" under re.IGNORECASE but is no spelling of it: no link, and
    the text it covers holds no other (as when every search used re.IGNORECASE)."""
    matcher = GlossaryMatcher([term("state council", id="sc", case_sensitive=False),
                               term("council", id="c", case_sensitive=False)])
    assert found(matcher, "ſtate council") == []
    assert found(matcher, "State Council") == [("State Council", "sc")]
    # and the other way round: a spelling with such a letter
    dotless = GlossaryMatcher([term("ıstanbul treaty", id="it", case_sensitive=False),
                               term("treaty", id="t", case_sensitive=False)])
    assert found(dotless, "istanbul treaty") == []


def test_a_letter_that_re_ignorecase_holds_equal_to_others_stays_one_lower_cased() -> None:
    """So the matcher need only look for them in the lower-cased text."""
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if _SPECIAL_FOLDS.search(char):
            assert _SPECIAL_FOLDS.search(char.lower()), hex(code)


def test_without_pythons_table_of_folds_every_letter_beyond_ascii_counts(monkeypatch) -> None:
    from glossator.markdown.glossary import _special_folds
    monkeypatch.delattr(re, "_casefix")  # as if a later Python had none
    monkeypatch.setitem(sys.modules, "re._casefix", None)
    fallback = _special_folds()
    assert fallback.search("é") and fallback.search("ſ") and not fallback.search("state")


def test_a_text_that_lower_casing_lengthens_keeps_its_offsets() -> None:
    """"İ".lower() is two characters: such a text is searched with re.IGNORECASE."""
    matcher = GlossaryMatcher([term("istanbul", id="ist", case_sensitive=False),
                               term("treaty", id="t", case_sensitive=False)])
    text = "İSTANBUL, the Treaty of İstanbul"
    assert found(matcher, text) == [("Treaty", "t")]  # "İ" is not "i": as re.IGNORECASE has it
    assert found(matcher, "the Istanbul treaty") == [("Istanbul", "ist"), ("treaty", "t")]


_TERM_WORDS = ["Council", "council", "SC", "détente", "Straße", "İzmir", "ﬁnal", "ǅemal",
               "Σίσυφος", "KELVIN", "state", "ſtate"]
_TEXT_PIECES = _TERM_WORDS + [" ", "  ", "-", ".", "é", "\u0301", "İ", "ß", "ς", "K", "x",
                              "’s", "1", "Ǆ", "ǆ", "ﬀ", "ΣΊΣΥΦΟΣ", "_", "ı", "ſ", "µ", "ϐ",
                              "ẞ", "STATE", "ST", "ﬆ", "ΐ"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.lists(st.sampled_from(_TERM_WORDS), min_size=1, max_size=2),
                          st.booleans()), min_size=1, max_size=6),
       st.lists(st.sampled_from(_TEXT_PIECES), max_size=25))
def test_the_lower_cased_search_finds_what_re_ignorecase_finds(spellings, pieces) -> None:
    """Against the matcher searching case-insensitive terms with re.IGNORECASE throughout."""
    terms = [term(" ".join(words), id=f"t{n}", case_sensitive=sensitive)
             for n, (words, sensitive) in enumerate(spellings)]
    matcher = GlossaryMatcher(terms)
    text = "".join(pieces)
    reference = GlossaryMatcher(terms)
    reference._searches = reference._searches_ignoring_case  # type: ignore[method-assign]
    assert matcher.find(text) == reference.find(text)


def test_find_with_no_terms_or_text() -> None:
    assert GlossaryMatcher([]).find("anything") == []
    assert GlossaryMatcher([term("x")]).find("") == []
    assert GlossaryMatcher([term("  ")]).patterns == []


# text runs and link_terms ---------------------------------------------------------------------

def _links(body: str, terms: list[Term], mode: str = "first"):
    tokens = make_markdown().parse(body)
    anchor = build_anchor_text(tokens)
    used: set[str] = set()
    links = link_terms(tokens, anchor.match, GlossaryMatcher(terms), mode=mode, used=used)
    return [(anchor.text[link.start:link.end], link.term_id) for link in links], used, tokens


def test_text_runs_stop_at_markup_links_and_headings() -> None:
    tokens = make_markdown().parse("# Head\n\na *b* c\nd [e](x) f `g` h\n")
    build_anchor_text(tokens)
    runs = ["".join(t.content or " " for t in run) for run in text_runs(tokens)]
    assert runs == ["a ", "b", " c\nd ", " f ", " h"]  # the soft break is in the text


@pytest.mark.parametrize("body", ["foo**Beacon**", "**Beacon**s", "x`code`Beacon y",
                                  "the *Beacon*master", "a [b](x)Beacon"])
def test_each_run_of_text_is_searched_as_a_text_of_its_own(body: str) -> None:
    # The body's text is keyed once, but a run's ends are word boundaries whatever the
    # anchor text holds next to them ("fooBeacon", "Beacons", "codeBeacon").
    links, _, _ = _links(body, [term("Beacon")])
    assert links == [("Beacon", "beacon")]


def test_link_terms_first_per_entry_and_used_ids() -> None:
    links, used, _ = _links("UN, United Nations, UN.\n\nNATO\n",
                            [term("United Nations", "UN", id="un"), term("NATO"),
                             term("OSCE")])
    assert links == [("UN", "un"), ("NATO", "nato")]
    assert used == {"un", "nato"}


def test_link_terms_all() -> None:
    links, _, _ = _links("UN, United Nations, UN.\n", [term("United Nations", "UN", id="un")],
                         mode="all")
    assert links == [("UN", "un"), ("United Nations", "un"), ("UN", "un")]


def test_link_terms_skip_links_code_and_headings_without_using_the_term() -> None:
    links, _, _ = _links("# NATO\n\n[NATO](x) `NATO`\n\n    NATO\n\nthen NATO\n", [term("NATO")])
    assert links == [("NATO", "nato")]
