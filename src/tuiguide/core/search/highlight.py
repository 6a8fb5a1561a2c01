"""Highlighting: which characters of a shown text the searched words matched.

Results carry character spans, never markup, so the UI styles the matches itself and text
from outside (guides, feeds, notes) is never parsed. Spans are found in the text as it will
be shown (after :func:`clean_text`), stemmed and prefix-aware like the index.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tuiguide.core.search.query import WORD, Term, fold_token
from tuiguide.core.store.stems import stems
from tuiguide.core.text.sanitize import clean_text

Span = tuple[int, int]


def highlight_spans(
    text: str, terms: Sequence[Term], field_name: str | None = None
) -> list[Span]:
    """[start, end) spans of the words of ``text`` that a term matches, as the index
    matches them: same stem (``quantized`` marks "Quantization"), or for the last word a
    stem that starts with it.

    ``field_name`` (title, author, ...) leaves out terms aimed at another field.
    """
    if not text or not terms:
        return []
    wanted: list[str] = []
    prefixes: list[str] = []
    for term in terms:
        if not term.applies_to(field_name):
            continue
        wanted.extend(term.tokens)
        if term.prefix:
            prefixes.append(term.tokens[-1])
    if not wanted:
        return []
    found = [(m.start(), m.end(), m.group()) for m in WORD.finditer(text)]
    stem_of = stems([*wanted, *(w for _, _, w in found)])
    exact = {stem_of[w] for w in wanted}
    starts = [stem_of[p] for p in prefixes] + [fold_token(p) for p in prefixes]
    spans = []
    for start, end, word in found:
        stem = stem_of[word]
        if stem in exact or any(
            stem.startswith(p) or fold_token(word).startswith(p) for p in starts
        ):
            spans.append((start, end))
    return spans


@dataclass(frozen=True)
class Marked:
    """Display-ready text (already passed through clean_text) and the spans to highlight."""

    text: str
    spans: tuple[Span, ...] = ()


def mark(text: str | None, terms: Sequence[Term], *, field_name: str | None = None,
         multiline: bool = False, limit: int | None = None) -> Marked:
    """Clean ``text`` for the terminal and find the matches in what will be shown."""
    shown = clean_text(text or "", multiline=multiline, limit=limit)
    return Marked(shown, tuple(highlight_spans(shown, terms, field_name)))


def snippet(text: str, terms: Sequence[Term], width: int = 120,
            field_name: str | None = None) -> Marked | None:
    """A one-line window of ``text`` around its first match (None when nothing matches)."""
    shown = clean_text(text or "")
    spans = highlight_spans(shown, terms, field_name)
    if not spans:
        return None
    first = spans[0][0]
    start = 0 if first < width // 3 else shown.rfind(" ", 0, first - width // 4) + 1
    end = min(len(shown), start + width)
    if end < len(shown):
        cut = shown.rfind(" ", start + width // 2, end)
        end = cut if cut > 0 else end
    lead = "…" if start > 0 else ""
    tail = "…" if end < len(shown) else ""
    body = shown[start:end]
    shift = len(lead) - start
    kept = tuple((s + shift, e + shift) for s, e in spans if s >= start and e <= end)
    return Marked(lead + body + tail, kept)
