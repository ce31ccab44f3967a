"""Pathological inputs stay linear: time(4n) / time(n) < 8, measured in the same test.

Quadratic work would give 16; the bound leaves room for noise (each time is the best of its
runs: noise only ever adds time) and for the small super-linear term of anchoring, which looks
for every quote across the whole text in C (see docs/reliability.md). The inputs are in
``pathological_inputs.py``; ``bench/pathological.py`` records the absolute times of whole
builds at the sizes of the issue (20,000 quotation marks, 4,000 columns, 10,000 notes, 5 MB).

Cheap inputs are timed on the document stage, repeated until the smaller size takes a quarter
of a second; the others on a whole ``glossator check``.
"""

from __future__ import annotations

import math

from glossator.markdown.anchors import MAX_CLOSEST_SEARCHES

import pathological_inputs as inputs

MAX_GROWTH = 8


def assert_linear(small: float, large: float) -> None:
    assert large / small < MAX_GROWTH, f"n: {small:.3f} s, 4n: {large:.3f} s"


def document_growth(files_n: inputs.Files, files_4n: inputs.Files) -> tuple[float, float]:
    # best of two: a first run that pays a one-off cost (seen: 4x) would leave too few
    # repetitions, and single timings of a twentieth of a second are all noise
    once = inputs.document_seconds(files_n, runs=2)
    repeat = max(1, math.ceil(0.25 / max(once, 1e-4)))
    # the two sizes alternated, each the best of its three runs: a slow spell of a shared
    # machine then slows both, where timing n, then 4n, let one spell make 4.1x read 8.1x
    small = large = math.inf
    for _ in range(3):
        small = min(small, inputs.document_seconds(files_n, repeat=repeat, runs=1))
        large = min(large, inputs.document_seconds(files_4n, repeat=repeat, runs=1))
    return small, large


def test_quotation_marks() -> None:
    assert_linear(*document_growth(inputs.quotation_marks(20_000),
                                   inputs.quotation_marks(80_000)))


def test_a_paragraph_of_many_lines() -> None:
    assert_linear(*document_growth(inputs.wrapped_paragraph(20_000),
                                   inputs.wrapped_paragraph(80_000)))


def test_a_wide_table() -> None:
    assert_linear(*document_growth(inputs.wide_table(1_000), inputs.wide_table(4_000)))


def test_many_notes_on_one_document() -> None:
    small = inputs.build_seconds(inputs.many_notes(2_500), runs=2)
    large = inputs.build_seconds(inputs.many_notes(10_000), runs=1)
    assert_linear(small, large)


def test_a_5_mb_source() -> None:
    files = inputs.big_source(5)
    assert len(files[inputs.SOURCE].encode()) > 5_000_000
    small = inputs.build_seconds(inputs.big_source(1.25), runs=2)
    large = inputs.build_seconds(files, runs=1)
    assert_linear(small, large)


def broken_notes(n: int) -> inputs.Files:
    """``n`` notes whose quotes are all wrong (the source text was replaced, say)."""
    files = inputs.many_notes(n)
    files[inputs.NOTES] = files[inputs.NOTES].replace("reached mark", "passed mark")
    return files


def test_many_notes_not_found_stay_linear_and_say_why_the_hints_stop() -> None:
    """Each closest-passage search reads the whole text: 2,000 broken notes took 7.6 s and
    10,000 about three minutes, before the searches were limited per source."""
    small, large = (inputs.document_seconds(broken_notes(n), runs=2) for n in (1_000, 4_000))
    assert_linear(small, large)
    root = inputs.write(broken_notes(MAX_CLOSEST_SEARCHES + 2))
    anchored, messages = inputs.render_document(root)
    assert anchored == 0
    reports = messages.split("annotations/doc.yaml:")[1:]
    assert [("the closest passage" in r, "has its text changed?" in r) for r in reports] == (
        [(True, False)] * MAX_CLOSEST_SEARCHES + [(False, True), (False, False)])
    assert (f"hint: more than {MAX_CLOSEST_SEARCHES} quotes are not found in sources/doc.md: "
            "has its text changed? (no closest passage is looked for from here on)"
            in reports[MAX_CLOSEST_SEARCHES])
