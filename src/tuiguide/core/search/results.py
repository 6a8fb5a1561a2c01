"""Search results: the resources (or feed entries) found, with where the words matched.

``spans`` index the raw fields (for ``--json``); the display helpers clean the text for the
terminal first and find the spans again in what is shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tuiguide.core.models import Item
from tuiguide.core.search.highlight import Marked, Span, mark, snippet
from tuiguide.core.search.query import FIELDS, ParsedQuery, Term

if TYPE_CHECKING:
    from tuiguide.core.feeds.inbox import InboxEntry


@dataclass(frozen=True)
class Hit:
    """One resource found. ``spans`` index the raw ``item`` fields (for JSON); use
    :meth:`title` / :meth:`snippet` for display (cleaned text, spans recomputed)."""

    item: Item
    score: float
    terms: tuple[Term, ...]
    spans: dict[str, tuple[Span, ...]]
    article: str | None = None  # the matching sentence of the stored article text

    @property
    def matched(self) -> tuple[str, ...]:
        """The fields a word matched in: title, author, description, note (and article,
        for a resource found through its stored text)."""
        return tuple(f for f in FIELDS if self.spans.get(f)) + (("article",) if self.article else ())

    def title(self, limit: int | None = None) -> Marked:
        return mark(self.item.title, self.terms, field_name="title", limit=limit)

    def author(self, limit: int | None = None) -> Marked:
        return mark(self.item.author, self.terms, field_name="author", limit=limit)

    def field(self, name: str, *, multiline: bool = True) -> Marked:
        """Any field (description, note...) cleaned, with its matches (the detail pane)."""
        return mark(getattr(self.item, name), self.terms, field_name=name, multiline=multiline)

    def snippet(self, width: int = 120) -> tuple[str, Marked] | None:
        """("description" | "note", window around the first match), when one matched."""
        for name in ("description", "note"):
            if self.spans.get(name):
                found = snippet(getattr(self.item, name), self.terms, width, name)
                if found:
                    return name, found
        if self.article:
            return "article", (snippet(self.article, self.terms, width)
                               or mark(self.article, self.terms, limit=width))
        return None

    def as_json(self) -> dict[str, Any]:
        data = self.item.as_json()
        data["score"] = round(self.score, 4)
        data["matched"] = list(self.matched)
        data["highlights"] = {k: [list(s) for s in v] for k, v in self.spans.items() if v}
        if self.article:
            data["article_match"] = self.article
        return data


@dataclass(frozen=True)
class EntryHit:
    """One feed entry found (``in:inbox`` / ``in:feeds``)."""

    entry: InboxEntry
    score: float
    terms: tuple[Term, ...]
    spans: dict[str, tuple[Span, ...]]

    @property
    def matched(self) -> tuple[str, ...]:
        return tuple(f for f in ("title", "author", "summary") if self.spans.get(f))

    def title(self, limit: int | None = None) -> Marked:
        return mark(self.entry.title, self.terms, field_name="title", limit=limit)

    def snippet(self, width: int = 120) -> Marked | None:
        return snippet(self.entry.summary, self.terms, width, "description")

    def as_json(self) -> dict[str, Any]:
        data = self.entry.as_json()
        data["score"] = round(self.score, 4)
        data["matched"] = list(self.matched)
        data["highlights"] = {k: [list(s) for s in v] for k, v in self.spans.items() if v}
        return data


@dataclass
class SearchResults:
    query: ParsedQuery
    hits: list[Hit] = field(default_factory=list)
    entries: list[EntryHit] = field(default_factory=list)
    total: int = 0
    offset: int = 0
    limit: int = 0
    # "ranked": by relevance; "guide": filters only, in guide order; "inbox"; "empty".
    mode: str = "empty"
    # False when a very broad query was ranked in two parts (see RANK_LIMIT).
    exact: bool = True

    @property
    def problems(self) -> list[str]:
        return self.query.problems

    @property
    def terms(self) -> tuple[Term, ...]:
        return tuple(self.query.terms)

    def as_json(self) -> dict[str, Any]:
        return {
            "query": self.query.raw,
            "mode": self.mode,
            "exact": self.exact,
            "total": self.total,
            "offset": self.offset,
            "limit": self.limit,
            "problems": list(self.problems),
            "results": [h.as_json() for h in (self.entries if self.mode == "inbox" else self.hits)],
        }
