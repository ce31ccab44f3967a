"""Typography and layout of a document page: margin notes on wide screens, notes opened in
place on narrow ones, with the script and without it; screenshots for a person to look at."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .conftest import NARROW, SEED, WIDE, boxes

CLOSE_3 = re.compile(r"^Note 3 Close\b.*back to the passage$")  # label in name (WCAG 2.5.3)
ALIGN_TOLERANCE = 4  # px between a note's top and its passage's top, when nothing is above
NOTE_IDS = ["apec-da-nang", "deconfliction-mou", "raqqa", "no-military-solution",
            "geneva-process", "unscr-2254-first", "elections-language", "sovereignty",
            "de-escalation", "hamburg", "amman-memorandum", "monitoring-center",
            "single-voice"]


def note_layout(page: Any) -> list[dict[str, Any]]:
    """Each note's box with its passage's top (page coordinates), in reading order."""
    notes = boxes(page, ".source-text .margin-note")
    passages = {b["note"]: b for b in boxes(page, ".source-text mark[id^='passage-']")}
    for note in notes:
        note["passage_top"] = passages[note["note"]]["top"]
    return notes


def check_margin_notes(page: Any) -> float:
    """Every note in the right margin, level with its passage unless the note above is in
    the way, then right below it; no two notes overlap. Returns the worst misalignment of a
    note that had room (px)."""
    column = boxes(page, ".source-text")[0]
    text = boxes(page, ".source-text > :is(p, ul, ol, blockquote, h2, h3, .code-block)")
    notes = note_layout(page)
    assert [n["note"] for n in notes] == NOTE_IDS
    worst = 0.0
    previous_bottom = float("-inf")
    for note in notes:
        assert note["display"] == "block" and note["height"] > 20, note
        assert note["left"] >= column["right"] + 16, note  # in the margin, past a gap
        assert all(note["left"] >= block["right"] for block in text)
        assert note["right"] <= WIDE, note  # inside the window
        assert note["top"] >= previous_bottom, f"{note['note']} overlaps the note above"
        if note["passage_top"] >= previous_bottom:  # room: the first note of a cluster
            offset = abs(note["top"] - note["passage_top"])
            worst = max(worst, offset)
            assert offset <= ALIGN_TOLERANCE, (note["note"], offset)
        else:  # pushed down by the note above: right below it, not further
            assert note["top"] - previous_bottom <= 16, note
        previous_bottom = note["bottom"]
    return worst


def test_wide_notes_sit_in_the_margin_level_with_their_passages(
        open_page: Callable[..., Any]) -> None:
    page = open_page(SEED, width=WIDE)
    worst = check_margin_notes(page)
    print(f"worst alignment of a note with room at {WIDE}px: {worst:.2f}px")
    # The page does not scroll sideways, and the text keeps a readable measure.
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDE
    measure = page.evaluate("""() => {
      const p = document.querySelector('.source-text > p');
      const probe = document.createElement('span');
      probe.style.cssText = 'display:inline-block;width:1ch';
      p.appendChild(probe);
      const ch = probe.getBoundingClientRect().width;
      probe.remove();
      return p.getBoundingClientRect().width / ch;
    }""")
    assert 55 <= measure <= 75, measure


def test_wide_notes_stay_aligned_after_a_resize_and_a_change_of_text_size(
        open_page: Callable[..., Any]) -> None:
    page = open_page(SEED, width=1000)  # the narrowest width with margin notes
    check_margin_notes_at(page, 1000)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1000
    page.set_viewport_size({"width": WIDE, "height": 900})
    page.evaluate("document.documentElement.style.fontSize = '20px'")
    page.wait_for_function("() => new Promise(r => requestAnimationFrame(() => "
                           "requestAnimationFrame(() => r(true))))")
    check_margin_notes(page)


def check_margin_notes_at(page: Any, width: int) -> None:
    notes = note_layout(page)
    column = boxes(page, ".source-text")[0]
    for above, below in itertools.pairwise(notes):
        assert below["top"] >= above["bottom"]
    assert all(n["left"] >= column["right"] and n["right"] <= width for n in notes)


def test_wide_notes_without_javascript_float_in_the_margin_without_overlapping(
        open_page: Callable[..., Any]) -> None:
    page = open_page(SEED, width=WIDE, js=False)
    column = boxes(page, ".source-text")[0]
    paragraphs = boxes(page, ".source-text > p")
    notes = note_layout(page)
    assert len(notes) == len(NOTE_IDS)
    for above, below in itertools.pairwise(notes):
        assert below["top"] >= above["bottom"], (above["note"], below["note"])
    for note in notes:
        assert note["display"] == "block"
        assert all(note["left"] >= p["right"] for p in paragraphs)
        assert note["right"] <= WIDE
    assert notes[-1]["bottom"] <= column["bottom"]  # the section holds its floats


def test_narrow_notes_open_in_place_by_click(open_page: Callable[..., Any]) -> None:
    page = open_page(SEED, width=NARROW)
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW
    notes = page.locator(".source-text .margin-note")
    assert notes.count() == len(NOTE_IDS)
    assert all(not notes.nth(i).is_visible() for i in range(notes.count()))
    ref, note = page.locator("#ref-raqqa"), page.locator("#note-raqqa")
    assert ref.get_attribute("aria-expanded") == "false"
    ref.click()
    assert note.is_visible() and ref.get_attribute("aria-expanded") == "true"
    paragraph, opened = boxes(page, "#p1")[0], boxes(page, "#note-raqqa")[0]
    assert opened["top"] >= paragraph["bottom"] - 1  # right after its paragraph…
    assert opened["left"] >= paragraph["left"] - 1 and opened["right"] <= NARROW  # …in it
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW
    # Its head closes it: "Note 3 … Close", a link whose name starts with that visible text.
    close = note.get_by_role("link", name=CLOSE_3)
    assert close.is_visible()
    close.click()
    assert not note.is_visible() and ref.get_attribute("aria-expanded") == "false"
    assert page.evaluate("document.activeElement.id") == "ref-raqqa"
    ref.click()
    ref.click()  # the number toggles
    assert not note.is_visible()


def test_narrow_notes_open_without_javascript_by_their_address(
        open_page: Callable[..., Any]) -> None:
    page = open_page(SEED, width=NARROW, js=False)
    note = page.locator("#note-raqqa")
    assert not note.is_visible()
    page.locator("#ref-raqqa").click()  # a plain link to #note-raqqa: :target shows it
    page.wait_for_url("**#note-raqqa")
    assert note.is_visible()
    paragraph, opened = boxes(page, "#p1")[0], boxes(page, "#note-raqqa")[0]
    assert opened["top"] >= paragraph["bottom"] - 1
    assert 0 <= page.evaluate("document.getElementById('note-raqqa')"
                              ".getBoundingClientRect().top") < 900  # scrolled into view
    note.get_by_role("link", name=CLOSE_3).click()
    page.wait_for_url("**#passage-raqqa")
    assert not note.is_visible()
    assert page.locator("#note-apec-da-nang").is_hidden()


def test_a_link_to_a_note_shows_it_at_both_widths(open_page: Callable[..., Any]) -> None:
    for width in (NARROW, WIDE):
        page = open_page(f"{SEED}#note-hamburg", width=width)
        assert page.locator("#note-hamburg").is_visible()
        top = page.evaluate("document.getElementById('note-hamburg').getBoundingClientRect().top")
        assert 0 <= top < 200, (width, top)


def test_screenshots_of_the_seed_document(open_page: Callable[..., Any],
                                          screenshots: Path) -> None:
    shots = []
    for width, scheme in ((WIDE, "light"), (NARROW, "light"), (WIDE, "dark")):
        page = open_page(SEED, width=width, scheme=scheme)
        if width == NARROW:
            page.locator("#ref-apec-da-nang").click()
        path = screenshots / f"document-{width}-{scheme}.png"
        page.screenshot(path=str(path), full_page=True)
        shots.append(path)
    for path in shots:
        assert path.stat().st_size > 10_000, path
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
