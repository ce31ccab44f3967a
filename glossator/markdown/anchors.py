"""Anchoring notes to passages (modelled on the W3C TextQuoteSelector).

A note anchors when its ``quote``, narrowed by ``prefix``/``suffix``, occurs exactly once in the
anchor text. Zero or several occurrences are located errors; there is never a silent or fuzzy
placement.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from ..errors import Diagnostics, Location
from ..models import Note
from .anchortext import AnchorText
from .matching import MatchText, find_all, followed_by, normalize_query, preceded_by

MAX_LISTED = 10
# Looking for the closest passage reads the whole text; past this many quotes not found in one
# source (its text has probably changed) the rest are reported without it, so that a build of
# 10,000 broken notes stays linear in their number.
MAX_CLOSEST_SEARCHES = 25
CONTEXT = 30
_HINT_DISAMBIGUATE = ("add a `prefix` (the text right before the passage) or a `suffix` "
                      "(the text right after it) to choose one")


@dataclass(frozen=True)
class Span:
    """A note anchored to ``[start, end)`` of the anchor text, numbered in reading order."""

    note: Note
    start: int
    end: int
    number: int = 0


@dataclass
class AnchorContext:
    """What error messages need to point into the source."""

    anchor: AnchorText
    match: MatchText
    source_path: str
    body_line: int  # 0-based line of the file where the Markdown body starts
    closest_searches: int = MAX_CLOSEST_SEARCHES  # how many more may be made

    def file_line(self, offset: int) -> int:
        return self.body_line + self.anchor.line_of(offset) + 1


def anchor_notes(anchor: AnchorText, notes: list[Note], *, source_path: str, body_line: int,
                 diags: Diagnostics) -> list[Span]:
    """Anchor every note; return the spans numbered in reading order."""
    ctx = AnchorContext(anchor, anchor.match, source_path, body_line)
    spans = []
    for order, note in enumerate(notes):
        span = _anchor_one(ctx, note, diags)
        if span is not None:
            spans.append((span, order))
    # reading order: by passage start; an enclosing passage before the ones it contains
    spans.sort(key=lambda so: (so[0].start, -so[0].end, so[1]))
    return [Span(s.note, s.start, s.end, n) for n, (s, _) in enumerate(spans, start=1)]


def _anchor_one(ctx: AnchorContext, note: Note, diags: Diagnostics) -> Span | None:
    where = note.location or Location(ctx.source_path)
    quote = normalize_query(note.quote)
    if not quote:
        diags.error(where, "empty quote", hints=["quote the passage the note is about"])
        return None
    key = ctx.match.key
    found = find_all(key, quote)
    candidates = _narrow(key, found, len(quote), note, ctx, diags)
    if candidates is None:
        return None
    if len(candidates) == 1:
        k = candidates[0]
        start = ctx.match.to_orig_start(k)
        return Span(note, start, ctx.match.to_orig_end(k + len(quote)))
    if not candidates:
        _report_not_found(ctx, note, quote, where, diags)
    else:
        _report_ambiguous(ctx, note, candidates, len(quote), where, diags)
    return None


def _narrow(key: str, found: list[int], length: int, note: Note, ctx: AnchorContext,
            diags: Diagnostics) -> list[int] | None:
    """Apply prefix and suffix; report one that rules out every occurrence of the quote.

    Like any quote that does not anchor, the error is at the ``quote`` (where the note's
    passage is named); the message says which of prefix or suffix is wrong.
    """
    for kind, value, test in (("prefix", note.prefix, preceded_by),
                              ("suffix", note.suffix, followed_by)):
        wanted = normalize_query(value)
        if not wanted or not found:
            continue
        offset = 0 if kind == "prefix" else length
        kept = [k for k in found if test(key, k + offset, wanted)]
        if not kept:
            loc = note.location or Location(ctx.source_path)
            times = "once" if len(found) == 1 else f"{len(found)} times"
            where = "before" if kind == "prefix" else "after"
            diags.error(loc, f"{kind} {_show(value)} does not match: the quote occurs {times} "
                        f"in {ctx.source_path} but never with this text right {where} it",
                        details=_occurrence_lines(ctx, found, length))
            return None
        found = kept
    return found


def _show(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return f'"{text}"' if len(text) <= limit else f'"{text[:limit - 1]}…"'


def _occurrence_lines(ctx: AnchorContext, found: list[int], length: int) -> list[str]:
    lines = []
    for k in found[:MAX_LISTED]:
        start, end = ctx.match.to_orig_start(k), ctx.match.to_orig_end(k + length)
        lines.append(f"{ctx.source_path}:{ctx.file_line(start)}: {_in_context(ctx, start, end)}")
    if len(found) > MAX_LISTED:
        lines.append(f"and {len(found) - MAX_LISTED} more")
    return lines


def _in_context(ctx: AnchorContext, start: int, end: int) -> str:
    """The passage in brackets with some text either side: `…before [passage] after…`."""
    text = ctx.anchor.text
    left = max(0, start - CONTEXT)
    right = min(len(text), end + CONTEXT)
    passage = text[start:end]
    if len(passage) > 2 * CONTEXT:
        passage = passage[:CONTEXT] + "…" + passage[-CONTEXT:]
    shown = ("…" if left else "") + text[left:start] + "[" + passage + "]" + text[end:right] + (
        "…" if right < len(text) else "")
    return " ".join(shown.split())


def _report_ambiguous(ctx: AnchorContext, note: Note, found: list[int], length: int,
                      where: Location, diags: Diagnostics) -> None:
    diags.error(where, f"quote {_show(note.quote)} occurs {len(found)} times in "
                f"{ctx.source_path}", details=_occurrence_lines(ctx, found, length),
                hints=[_HINT_DISAMBIGUATE])


def _report_not_found(ctx: AnchorContext, note: Note, quote: str, where: Location,
                      diags: Diagnostics) -> None:
    hints = []
    closest = closest_passage(ctx.match.key, quote) if ctx.closest_searches > 0 else None
    ctx.closest_searches -= 1
    if ctx.closest_searches == -1:
        hints.append(f"more than {MAX_CLOSEST_SEARCHES} quotes are not found in "
                     f"{ctx.source_path}: has its text changed? (no closest passage is "
                     "looked for from here on)")
    if closest is not None:
        start = ctx.match.to_orig_start(closest[0])
        end = ctx.match.to_orig_end(closest[1])
        passage = " ".join(ctx.anchor.text[start:end].split())
        hints.append(f"the closest passage is on line {ctx.file_line(start)} of "
                     f"{ctx.source_path}: {_show(passage, 120)}")
    hints.append("a quote must be the passage exactly as a reader sees it on the page "
                 "(spaces and quotation mark styles may differ)")
    diags.error(where, f"quote {_show(note.quote)} not found in {ctx.source_path}",
                hints=hints)


MAX_WINDOWS = 32  # candidate passages compared with difflib
MAX_HITS = 2000  # occurrences of the quote's pieces looked at
PIECE = 4  # length of the pieces of the quote looked up in the text


def closest_passage(key: str, quote: str) -> tuple[int, int] | None:
    """Key offsets ``[start, end)`` of the passage most like ``quote``, or None.

    Candidates are the quote-sized windows where short pieces of the quote occur, lined up
    with the quote (:func:`_candidates`). Among them, the longest common substring, grown to
    the quote's length around it, wins when it shares enough; otherwise the best ``difflib``
    ratio, when at least 0.6. The work does not grow with the text beyond one ``str.count``
    per piece of the quote: at most ``MAX_HITS`` occurrences, ``MAX_WINDOWS`` comparisons.
    """
    if not key or not quote:
        return None
    q = quote[:400]
    width = len(q)
    windows = [(start, difflib.SequenceMatcher(None, q, key[start:start + width],
                                               autojunk=False))
               for start in _candidates(key, q)]
    longest, longest_at = 0, 0
    for start, sm in windows:
        m = sm.find_longest_match(0, len(q), 0, len(sm.b))  # a window may be cut by the end
        if m.size > longest:
            longest, longest_at = m.size, start + m.b - m.a
    if longest >= max(4, len(q) // 3):
        start = min(max(0, longest_at), max(0, len(key) - width))
        return start, min(len(key), start + width)
    best, best_at = 0.0, None
    for start, sm in windows:
        if sm.real_quick_ratio() <= best or sm.quick_ratio() <= best:
            continue
        ratio = sm.ratio()
        if ratio > best:
            best, best_at = ratio, start
    if best_at is None or best < 0.6:
        return None
    return best_at, min(len(key), best_at + width)


def _candidates(key: str, q: str) -> list[int]:
    """Starts of the windows most supported by occurrences of the quote's pieces.

    Each occurrence of a piece (rarest pieces first) votes for the window that lines it up
    with its place in the quote.
    """
    size = min(PIECE, max(2, len(q) // 3), len(q))  # short quotes: shorter pieces
    first: dict[str, int] = {}
    for i in range(len(q) - size + 1):
        first.setdefault(q[i:i + size], i)
    counted = sorted((key.count(piece), i, piece) for piece, i in first.items())
    last = max(0, len(key) - len(q))
    votes: dict[int, int] = {}
    budget = MAX_HITS
    for count, i, piece in counted:
        if count == 0:
            continue
        at = key.find(piece)
        while at != -1 and budget > 0:
            start = min(max(0, at - i), last)
            votes[start] = votes.get(start, 0) + 1
            budget -= 1
            at = key.find(piece, at + 1)
        if budget <= 0:
            break
    ranked = sorted(votes, key=lambda start: (-votes[start], start))
    return ranked[:MAX_WINDOWS]
