"""Notes for every reader: keyboard, screen readers, linked highlighting, the hide/show toggle
(remembered on every page), print, colour schemes and reduced motion."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .conftest import NARROW, SEED, WIDE, boxes, emulate

OTHER = "north-atlantic-treaty-article-5/index.html"


def focus_by_keyboard(page: Any, selector: str, limit: int = 80) -> None:
    """Press Tab until ``selector`` has the focus (as a keyboard user would reach it)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def outline(page: Any) -> dict[str, str]:
    return page.evaluate("""() => {
      const style = getComputedStyle(document.activeElement);
      return {style: style.outlineStyle, width: style.outlineWidth, color: style.outlineColor};
    }""")


def test_narrow_notes_work_with_the_keyboard(open_page: Callable[..., Any]) -> None:
    page = open_page(SEED, width=NARROW)
    note = page.locator("#note-apec-da-nang")
    focus_by_keyboard(page, "#ref-apec-da-nang")
    focus = outline(page)  # visible focus
    assert focus["style"] == "solid" and float(focus["width"].removesuffix("px")) >= 2, focus
    page.keyboard.press("Enter")
    assert note.is_visible()
    page.keyboard.press("Escape")  # closes, focus stays on (returns to) the number
    assert not note.is_visible()
    assert page.evaluate("document.activeElement.id") == "ref-apec-da-nang"
    page.keyboard.press(" ")  # Space too, as on a disclosure button
    assert note.is_visible()
    # From inside the note (its first link), Escape closes it and returns to the number.
    focus_by_keyboard(page, "#note-apec-da-nang a.glossary-term")
    page.keyboard.press("Escape")  # the first Escape dismisses the glossary popover…
    assert note.is_visible() and not page.locator(".glossary-popover").is_visible()
    page.keyboard.press("Escape")  # …the second closes the note
    assert not note.is_visible()
    assert page.evaluate("document.activeElement.id") == "ref-apec-da-nang"


def test_notes_are_announced_as_notes_after_their_passage(
        open_page: Callable[..., Any]) -> None:
    page = open_page(SEED, width=WIDE)
    # Every passage points at its note (aria-details), a role=note element named "Note N"
    # that comes after the passage in reading order (never read before the text).
    checks = page.evaluate("""() => Array.from(
      document.querySelectorAll('.source-text mark.annotation'), (mark) => {
        const note = document.getElementById(mark.getAttribute('aria-details'));
        return {note: note && note.getAttribute('role'), label: note && note.ariaLabel,
                after: !!note && !!(mark.compareDocumentPosition(note)
                                     & Node.DOCUMENT_POSITION_FOLLOWING)};
      })""")
    assert len(checks) >= 13
    assert all(c["note"] == "note" and c["after"] and c["label"].startswith("Note ")
               for c in checks), checks
    tree = page.locator("#p1").aria_snapshot()
    assert 'link "Note 1"' in tree and 'mark: conference in Da Nang, Vietnam' in tree
    assert page.get_by_role("note", name="Note 3").is_visible()
    ref = page.locator("#ref-raqqa")
    assert ref.get_attribute("aria-controls") == "note-raqqa"


def test_hovering_or_focusing_a_passage_highlights_its_note_and_back(
        open_page: Callable[..., Any]) -> None:
    page = open_page(SEED, width=WIDE)
    note, ref = page.locator("#note-sovereignty"), page.locator("#ref-sovereignty")
    passage = page.locator("#passage-sovereignty")
    active = "el => el.classList.contains('is-active')"
    assert not note.evaluate(active)
    passage.hover()
    assert note.evaluate(active) and ref.evaluate(active)
    page.mouse.move(5, 5)
    assert not note.evaluate(active)
    note.hover()  # the other way round
    assert passage.evaluate(active) and ref.evaluate(active)
    assert page.locator("mark.is-active").count() == page.locator(
        "mark[data-note='sovereignty']").count()
    page.mouse.move(5, 5)
    ref.focus()
    assert note.evaluate(active) and passage.evaluate(active)
    page.locator("#note-raqqa .note-cite a").focus()  # focus inside another note
    assert not note.evaluate(active)
    assert page.locator("#passage-raqqa").evaluate(active)
    background = page.evaluate("""() => [
      getComputedStyle(document.querySelector('#passage-sovereignty')).backgroundColor,
      getComputedStyle(document.querySelector('#passage-raqqa')).backgroundColor]""")
    assert background[0] != background[1]  # the highlight is visible, not only a class


def test_hiding_notes_is_remembered_on_reload_and_on_other_pages(
        open_page: Callable[..., Any], browser: Any) -> None:
    page = open_page(SEED, width=WIDE)
    toggle = page.get_by_role("button", name="Show notes")
    assert toggle.get_attribute("aria-pressed") == "true"
    focus_by_keyboard(page, ".notes-toggle")
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-pressed") == "false"
    assert toggle.inner_text() == "Show notes"  # a fixed label; the state is aria-pressed
    assert not page.locator("#note-raqqa").is_visible()
    assert not page.locator("#ref-raqqa").is_visible()
    assert page.evaluate("localStorage.getItem('glossator-notes-hidden')") == "true"
    # Applied before the first paint: the class is on <html> before <body> exists.
    page.context.add_init_script("""
      window.__hiddenAtBody = null;
      new MutationObserver((changes, observer) => {
        if (document.body) {
          window.__hiddenAtBody = document.documentElement.classList.contains(
            'js-notes-hidden');
          observer.disconnect();
        }
      }).observe(document, {childList: true, subtree: true});""")
    page.reload()
    assert page.evaluate("window.__hiddenAtBody") is True
    assert not page.locator("#note-raqqa").is_visible()
    assert page.get_by_role("button", name="Show notes").get_attribute("aria-pressed") == "false"
    other = open_page(OTHER, width=NARROW, context=page.context)  # same storage
    assert other.evaluate("window.__hiddenAtBody") is True
    assert not other.locator(".note-ref").first.is_visible()
    other.get_by_role("button", name="Show notes").click()  # shown again, everywhere
    assert other.locator(".note-ref").first.is_visible()
    assert other.evaluate("localStorage.getItem('glossator-notes-hidden')") is None
    page.reload()
    assert page.locator("#note-raqqa").is_visible()


def test_glossary_popover_opens_on_focus_without_a_request_and_is_dismissible(
        open_page: Callable[..., Any]) -> None:
    page = open_page(SEED, width=WIDE)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    popover = page.locator(".glossary-popover")
    focus_by_keyboard(page, ".introduction a.glossary-term[data-term='kremlin']")
    assert popover.is_visible()
    assert page.get_by_role("tooltip").inner_text().startswith("Kremlin")
    assert "fortified complex in central Moscow" in popover.inner_text()
    link = boxes(page, ".introduction a.glossary-term[data-term='kremlin']")[0]
    shown = boxes(page, ".glossary-popover")[0]
    assert shown["top"] >= link["bottom"] or shown["bottom"] <= link["top"]  # beside, not over
    page.keyboard.press("Escape")
    assert not popover.is_visible()
    assert page.evaluate("document.activeElement.dataset.term") == "kremlin"
    page.keyboard.press("Tab")  # focus moves on: the next term's popover
    assert popover.is_visible() and popover.inner_text().startswith("APEC")
    page.locator("#p3 a.glossary-term").first.hover()  # hover, then onto the popover itself
    assert popover.inner_text().startswith("Geneva process")
    box = boxes(page, ".glossary-popover")[0]
    page.mouse.move(box["left"] + 10, box["top"] - page.evaluate("scrollY") + 10)
    page.wait_for_timeout(300)  # longer than the hide delay
    assert popover.is_visible()  # hoverable (WCAG 1.4.13)
    page.mouse.move(5, 5)
    popover.wait_for(state="hidden")
    assert requests == []


def test_printing_shows_every_note_and_hides_the_controls(
        open_page: Callable[..., Any], screenshots: Path) -> None:
    page = open_page(SEED, width=WIDE)
    page.get_by_role("button", name="Show notes").click()  # hidden on screen…
    page.emulate_media(media="print")
    notes = boxes(page, ".source-text .margin-note")
    assert len(notes) == 13
    assert all(n["display"] == "block" and n["height"] > 10 for n in notes)  # …not on paper
    for above, below in itertools.pairwise(notes):
        assert below["top"] >= above["bottom"]
    numbers = page.evaluate("""() => Array.from(
      document.querySelectorAll('.source-text .margin-note .note-number'), (a) =>
        Array.from(a.childNodes).filter((n) => n.nodeType === Node.TEXT_NODE)
          .map((n) => n.textContent).join('') + getComputedStyle(a, '::after').content
          + getComputedStyle(a.querySelector('.note-close')).display)""")
    assert numbers == [f'{n}"."none' for n in range(1, 14)]  # "1." "2." …, no "Close"
    refs = page.locator(".source-text .note-ref")
    assert all(refs.nth(i).is_visible() for i in range(refs.count()))
    for hidden in (".site-header", ".site-footer", ".notes-toggle", ".prev-next", ".permalink",
                   ".skip-link", ".note-cite", ".copy-citation"):
        assert not page.locator(hidden).first.is_visible(), hidden
    for kept in (".title-block", ".introduction", ".source-text", ".citation",
                 ".page-glossary"):
        assert page.locator(kept).is_visible(), kept
    plain = page.evaluate("""() => {
      const term = getComputedStyle(document.querySelector('#p1 a.glossary-term'));
      const text = getComputedStyle(document.querySelector('#p1'));
      return [term.color === text.color, term.textDecorationLine];
    }""")
    assert plain == [True, "none"]  # glossary terms print as plain text
    pdf = page.pdf(format="A4", path=str(screenshots / "document-print.pdf"))
    assert pdf.startswith(b"%PDF") and len(pdf) > 20_000


def test_dark_scheme_follows_the_system_setting(open_page: Callable[..., Any]) -> None:
    colours = {}
    page = open_page(SEED, scheme="light")
    for scheme in ("light", "dark"):
        emulate(page, color_scheme=scheme)
        colours[scheme] = page.evaluate("""() => {
          const body = getComputedStyle(document.body);
          const mark = getComputedStyle(document.querySelector('mark.annotation'));
          return {bg: body.backgroundColor, text: body.color, mark: mark.backgroundColor};
        }""")
    light, dark = colours["light"], colours["dark"]
    assert light["bg"] == "rgb(255, 253, 247)" and dark["bg"] == "rgb(26, 25, 22)"
    assert light["text"] != dark["text"] and light["mark"] != dark["mark"]


def test_reduced_motion_turns_off_transitions(open_page: Callable[..., Any]) -> None:
    durations = """() => Array.from(document.querySelectorAll('*'), (el) => {
      const s = getComputedStyle(el);
      return [s.transitionDuration, s.animationName];
    }).filter(([t, a]) => t.split(',').some(d => parseFloat(d) > 0) || a !== 'none').length"""
    page = open_page(SEED, reduced_motion="no-preference")
    assert page.evaluate(durations) > 20  # marks, note numbers, notes, the toggle
    page.emulate_media(reduced_motion="reduce")
    assert page.evaluate(durations) == 0
