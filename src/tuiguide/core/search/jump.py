"""Jump anywhere: what the command palette offers for a few typed letters.

Guides and topics are few (tens to hundreds): they are matched fuzzily in Python, the way
palettes do (the letters in order, preferring word starts and runs). Resources can be many:
they come from the full-text index, every typed word matched as a prefix of a title word,
ranked by bm25. Each target carries its display text (cleaned) and the spans to highlight.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tuiguide.core.search.highlight import Marked, highlight_spans
from tuiguide.core.search.query import Term, tokens
from tuiguide.core.store import search as store
from tuiguide.core.text.sanitize import clean_text

if TYPE_CHECKING:
    from tuiguide.core.store.catalogue import Catalogue

MAX_TOPICS = 8
MIN_FUZZY = 2.0  # per letter: scattered letters (1 each) do not count as a match
RANKED_CANDIDATES = 2000  # rank at most this many title matches (a bounded cost at any size)


@dataclass(frozen=True)
class JumpTarget:
    """One place to jump to: ``kind`` is "guide", "topic" or "resource"."""

    kind: str
    id: int
    label: Marked
    detail: str
    score: float
    guide_id: int | None = None
    placement_id: int | None = None  # resources: the place to show it at


def fuzzy_spans(query: str, text: str) -> tuple[float, list[tuple[int, int]]] | None:
    """Score and matched spans when the letters of ``query`` appear in order in ``text``.

    Higher is better: a letter right after the previous match scores 4 (runs of letters win),
    one at a word start 3 (initials), any other 1; below MIN_FUZZY per letter (letters
    scattered inside words) is no match.
    """
    q = "".join(query.lower().split())
    if not q:
        return None
    low = text.lower()
    best: tuple[float, list[int]] | None = None
    # Try each place the first letter occurs; keep the best greedy walk from there.
    for start in [i for i, ch in enumerate(low) if ch == q[0]][:20]:
        positions: list[int] = []
        i, score = start, 0.0
        for ch in q:
            found = low.find(ch, i)
            if found < 0:
                break
            at_word_start = found == 0 or not low[found - 1].isalnum()
            run = bool(positions) and found == positions[-1] + 1
            score += 4 if run else 3 if at_word_start else 1
            positions.append(found)
            i = found + 1
        else:
            score -= 0.01 * start  # earlier is slightly better
            if best is None or score > best[0]:
                best = (score, positions)
    if best is None or best[0] / len(q) < MIN_FUZZY:
        return None
    spans: list[tuple[int, int]] = []
    for p in best[1]:
        if spans and spans[-1][1] == p:
            spans[-1] = (spans[-1][0], p + 1)
        else:
            spans.append((p, p + 1))
    return best[0] / max(1, len(q)), spans


def jump_targets(catalogue: Catalogue, text: str, *, limit: int = 20) -> list[JumpTarget]:
    """Guides, topics and resources matching ``text``, best first (never raises)."""
    text = (text or "")[:200]
    if not text.strip():
        return []
    places: list[JumpTarget] = []
    for guide in catalogue.guides():
        gid, shown = guide.id, clean_text(guide.title)
        found = fuzzy_spans(text, shown)
        if found:
            places.append(JumpTarget("guide", gid, Marked(shown, tuple(found[1])), "Guide",
                                     found[0] + 0.5, gid))
    for tid, gid, number, title, guide_title in store.topic_labels(catalogue):
        shown = clean_text(f"{number}. {title}" if number else title)
        found = fuzzy_spans(text, shown)
        if found:
            places.append(JumpTarget("topic", tid, Marked(shown, tuple(found[1])),
                                     f"Topic · {clean_text(guide_title)}", found[0], gid))
    places.sort(key=lambda t: -t.score)
    out = places[:MAX_TOPICS]
    out += _resources(catalogue, text, limit - len(out))
    return out[:limit]


def _resources(catalogue: Catalogue, text: str, limit: int) -> list[JumpTarget]:
    words = [w for w in tokens(text)][:8]
    if not words or limit <= 0:
        return []
    terms = [Term(w, (w,), prefix=True) for w in words]
    match = "{title} : (" + " ".join(t.fts() for t in terms) + ")"
    # The best of the first RANKED_CANDIDATES matches (in catalogue order): a one-letter
    # query costs the same at any size.
    rows = store.first_matches(catalogue, match, RANKED_CANDIDATES)
    rows.sort(key=lambda r: (r[1], r[0]))
    out = []
    for rid, rank in rows[:limit]:
        item = catalogue.item(rid)
        if item is None:
            continue
        shown = clean_text(item.title, limit=200)
        where = " · ".join(
            part for part in (
                f"Tier {item.tier}" if item.tier else "",
                clean_text(f"{item.topic_number}. {item.topic}" if item.topic_number else item.topic or ""),
            ) if part
        )
        out.append(JumpTarget("resource", rid, Marked(shown, tuple(highlight_spans(shown, terms))),
                              where, -float(rank), item.guide_id, item.placement_id))
    return out
