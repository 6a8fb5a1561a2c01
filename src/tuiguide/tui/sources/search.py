"""Search results as list sources: the browse screen's list and detail pane show them like any
other list, with the matched words highlighted.

A query is run at the tier the tabs show (the tab and a ``tier:`` filter combine: both must
hold). Rows are plain :class:`~tuiguide.core.models.Item` (or, for ``in:inbox`` / ``in:feeds``,
:class:`~tuiguide.core.feeds.inbox.InboxEntry`), so every key that works on a list works on results:
status keys, open/copy, notes, filing and dismissing feed entries.

Highlighting never parses markup: the text is cleaned (``clean_text``), the spans of the
matched words are computed on that clean text, and styled as ``Text`` spans.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.console import Group, RenderableType
from rich.rule import Rule
from rich.text import Text

from tuiguide.core.feeds.inbox import InboxEntry
from tuiguide.core.models import Item
from tuiguide.core.search.engine import (
    Marked,
    ParsedQuery,
    SearchResults,
    Term,
    mark,
    parse_query,
    search,
    snippet,
)
from tuiguide.core.search.query import sentence
from tuiguide.core.store.catalogue import Catalogue
from tuiguide.tui.sources.base import ItemSource, ListSource
from tuiguide.tui.sources.inbox import InboxSource
from tuiguide.tui.widgets import render
from tuiguide.tui.widgets.item_list import PAGE_SIZE
from tuiguide.tui.widgets.render import GLYPH_STYLES, GLYPHS, TITLE_STYLES, fit, safe, tier_label
from tuiguide.views.marked import marked_text

SEARCH_KEY = "search"
MATCH_STYLE = "bold reverse"
"""How a matched word looks (like ``less``): visible on any theme, on the cursor row too."""
TIERS = (1, 2, 3)


# ---------------------------------------------------------------------------- running a query
def parse_at_tier(text: str, tier: int | None) -> ParsedQuery:
    """The query as typed (last word a prefix), narrowed to the tier tab when one is chosen."""
    parsed = parse_query(text, as_you_type=True)
    if tier is None or parsed.scope != "all":
        return parsed
    if parsed.tiers and tier not in parsed.tiers:
        asked = ", ".join(str(t) if t else "none" for t in parsed.tiers)
        parsed.problems.append(
            f"The query asks for tier:{asked} but the Tier {tier} tab is chosen. Press 0 for all tiers."
        )
        parsed.invalid = True
    else:
        parsed.tiers = [tier]
    return parsed


def run_query(
    catalogue: Catalogue, text: str, tier: int | None, *, offset: int = 0, limit: int = PAGE_SIZE
) -> SearchResults:
    return search(catalogue, parse_at_tier(text, tier), limit=limit, offset=offset)


def tier_counts_of(catalogue: Catalogue, text: str) -> dict[int | None, int] | None:
    """Matches per tier tab (counts only, a few ms each at 50k); None for feed entries."""
    if parse_query(text, as_you_type=True).scope != "all":
        return None
    counts: dict[int | None, int] = {None: run_query(catalogue, text, None, limit=0).total}
    for tier in TIERS:
        counts[tier] = run_query(catalogue, text, tier, limit=0).total
    return counts


@dataclass
class Prefetched:
    """A query's first page and tab counts, computed off the UI thread."""

    text: str
    tier: int | None
    results: SearchResults
    counts: dict[int | None, int] | None


def prefetch(catalogue: Catalogue, text: str, tier: int | None) -> Prefetched:
    results = run_query(catalogue, text, tier)
    return Prefetched(text, tier, results, tier_counts_of(catalogue, text))


def make_search_source(
    catalogue: Catalogue, text: str, tier: int | None, *, prefetched: Prefetched | None = None
) -> ListSource:
    """The source for ``text``: feed entries for ``in:inbox``/``in:feeds``, else resources."""
    if parse_query(text, as_you_type=True).scope in ("inbox", "feeds"):
        return EntrySearchSource(catalogue, text, prefetched=prefetched)
    return ItemSearchSource(catalogue, text, tier, prefetched=prefetched)


def is_search_source(source: ListSource | None) -> bool:
    return isinstance(source, (ItemSearchSource, EntrySearchSource))


class _Results:
    """The paging shared by both sources: the first page comes with the count (prefetched
    by a worker, or run here), later pages are queried when the list scrolls to them."""

    catalogue: Catalogue
    text: str
    tier: int | None
    _prefetched: Prefetched | None
    _first: SearchResults | None

    def _run(self, offset: int, limit: int) -> SearchResults:
        return run_query(self.catalogue, self.text, self.tier, offset=offset, limit=limit)

    def _count_results(self) -> int:
        ready = self._prefetched
        self._prefetched = None  # used once: a reload (after a write) queries afresh
        self._first = ready.results if ready is not None else self._run(0, PAGE_SIZE)
        return self._first.total

    def _page_results(self, offset: int, limit: int) -> SearchResults:
        first = self._first
        if first is not None and offset == 0 and limit <= first.limit:
            return first
        return self._run(offset, limit)

    @property
    def results(self) -> SearchResults | None:
        """The first page's results (after ``count()``)."""
        return self._first

    @property
    def problems(self) -> list[str]:
        return list(self._first.problems) if self._first is not None else []

    def _empty(self, what: str) -> str:
        if self.problems:
            return " ".join(sentence(p) for p in self.problems)
        if not self.text.strip():
            return "Type to search."
        if self.tier:
            return f"No Tier {self.tier} {what} match. Press 0 for all tiers."
        return f"No {what} match. Escape goes back."


LABEL_QUERY_CHARS = 24
"""The list title repeats the query (cut: the count after it must stay visible at 80 columns)."""


def _label(text: str) -> str:
    query = " ".join(text.split())
    if len(query) > LABEL_QUERY_CHARS:
        query = query[: LABEL_QUERY_CHARS - 1] + "…"
    return f"Search: {query}"


# ---------------------------------------------------------------------------- resources
class ItemSearchSource(_Results, ItemSource):
    """Resources matching the query, best first (filters only: in guide order)."""

    def __init__(
        self,
        catalogue: Catalogue,
        text: str,
        tier: int | None = None,
        *,
        prefetched: Prefetched | None = None,
        counts: dict[int | None, int] | None = None,
    ) -> None:
        super().__init__(catalogue, tier, key=SEARCH_KEY, label=_label(text))
        self.text = text
        self.terms: tuple[Term, ...] = tuple(parse_query(text, as_you_type=True).terms)
        usable = prefetched is not None and prefetched.text == text and prefetched.tier == tier
        self._prefetched = prefetched if usable else None
        self._first = None
        self._counts = prefetched.counts if usable and prefetched else counts
        self._articles: dict[int, str] = {}  # resource id -> sentence, for article-only hits

    @property
    def empty_message(self) -> str:  # type: ignore[override]
        return self._empty("items")

    def count(self) -> int:
        return self._count_results()

    def page(self, offset: int, limit: int) -> Sequence[Item]:
        hits = self._page_results(offset, limit).hits[:limit]
        self._articles.update((hit.item.id, hit.article) for hit in hits if hit.article)
        return self.with_link_states([hit.item for hit in hits])

    def tier_counts(self) -> dict[int | None, int] | None:
        if self._counts is None:
            self._counts = tier_counts_of(self.catalogue, self.text)
        return self._counts

    def for_tier(self, tier: int | None) -> ListSource:
        return ItemSearchSource(self.catalogue, self.text, tier, counts=self._counts)

    def same_as(self, other: ListSource) -> bool:
        return super().same_as(other) and getattr(other, "text", None) == self.text

    def render_row(self, row: Item, width: int) -> Text:
        return self.marked(row, search_row(row, self.terms, width,
                                           article=self._articles.get(row.id)))

    def render_detail(self, row: Item) -> RenderableType:
        shown = search_detail(row, self.terms, show_guide=self.show_guide)
        sentence = self._articles.get(row.id)
        return shown if sentence is None else Group(shown, *article_match(sentence, self.terms))


SNIPPET_MIN = 12
"""Cells below which a result row has no room for the words around a match."""


def search_row(
    item: Item, terms: Sequence[Term], width: int, *, article: str | None = None
) -> Text:
    """A result row laid out like the browse list's (``glyph title ✎ ... author  T1``), the
    matched words highlighted. When only the description or note matched, the words around
    the match get their own column between the title and the author (in italics), so they
    never read as the author, and the author is kept. A result found only in its stored
    article (``article``: the matching sentence) shows ``article: ...`` in that column."""
    glyph = Text(GLYPHS.get(item.status, "?"), style=GLYPH_STYLES.get(item.status, ""))
    tier = Text(tier_label(item.tier).rjust(2), style="dim" if not item.tier else "")
    rest = max(width - 6 - tier.cell_len, 0)
    marked_author = mark(item.author, terms, field_name="author", limit=200)
    author = render.side_column(marked_text(marked_author, MATCH_STYLE, "dim"),
                                render.author_room(rest))
    room = rest - author.cell_len - 2 if author.cell_len else rest
    marked_title = mark(item.title, terms, field_name="title", limit=500)
    title = marked_text(marked_title, MATCH_STYLE, TITLE_STYLES.get(item.status, ""))
    markers = render.row_markers(item)
    found = None
    if article is not None:
        found = _article_side(article, terms, room - room // 2 - 2)
    elif not marked_title.spans and not marked_author.spans:
        found = _snippet(item, terms, room)
    row = Text(" ")
    row.append_text(glyph)
    row.append(" ")
    if found is not None:
        # The title keeps what it needs, up to all but the snippet's least (at least half
        # the room when it is long); the snippet has the rest.
        wanted = title.cell_len + (markers.cell_len + 1 if markers.cell_len else 0)
        title_width = min(wanted, max(room - SNIPPET_MIN - 2, room // 2))
        row.append_text(render.titled(title, markers, title_width))
        row.append("  ")
        row.append_text(fit(found, room - title_width - 2))
    else:
        row.append_text(render.titled(title, markers, room))
    if author.cell_len:
        row.append("  ")
        row.append_text(author)
    row.append("  ")
    row.append_text(tier)
    row.append(" ")
    return fit(row, width)


def _snippet(item: Item, terms: Sequence[Term], room: int) -> Text | None:
    """The words around the first description (else note) match, when the row has room."""
    width = room - room // 2 - 2
    if width < SNIPPET_MIN:
        return None
    for name in ("description", "note"):
        found = snippet(getattr(item, name), terms, width, name)
        if found is not None:
            return marked_text(found, MATCH_STYLE, "italic")
    return None


def _article_side(sentence: str, terms: Sequence[Term], width: int) -> Text | None:
    """The column of a result found only in its article: a label and the match."""
    if width < SNIPPET_MIN:
        return None
    side = Text("article: ", style="dim")
    found = snippet(sentence, terms, max(width - side.cell_len, 12)) or mark(sentence, terms, limit=200)
    side.append_text(marked_text(found, MATCH_STYLE, "italic dim"))
    return side


def article_match(sentence: str, terms: Sequence[Term]) -> list[RenderableType]:
    """The detail pane's part for a result found only in its stored article text."""
    return [Text(), Rule(Text("Found in the stored article (v reads it)"), align="left", style="dim"),
            marked_text(mark(sentence, terms, multiline=False, limit=1000), MATCH_STYLE)]


def search_detail(item: Item, terms: Sequence[Term], *, show_guide: bool = True) -> RenderableType:
    """The detail pane for a result: as in the browse list, with the matches highlighted in
    the title, author, description and (shown as plain text when it matched) the note."""
    head = Text()
    head.append_text(marked_text(mark(item.title, terms, field_name="title", limit=2000), MATCH_STYLE, "bold"))
    head.append("\n")
    head.append_text(safe(item.link, limit=2000, style="underline cyan"))
    if item.author:
        head.append("\nby ", style="dim")
        head.append_text(marked_text(mark(item.author, terms, field_name="author", limit=300), MATCH_STYLE))
    head.append("\n")
    head.append_text(render.where_line(item, show_guide=show_guide))
    head.append("\n")
    head.append_text(render.status_line(item))
    parts: list[RenderableType] = [head]
    if item.description:
        parts.append(Text())
        parts.append(
            marked_text(mark(item.description, terms, field_name="description", multiline=True), MATCH_STYLE)
        )
    if item.note.strip():
        parts.append(Text())
        when = render.date_of(item.note_updated_at)
        parts.append(Rule(Text(f"Note{f' · {when}' if when else ''}"), align="left", style="dim"))
        note = mark(item.note, terms, field_name="note", multiline=True, limit=render.NOTE_DETAIL_CHARS)
        if note.spans:
            parts.append(marked_text(note, MATCH_STYLE))
        else:
            parts.extend(render.note_detail(item.note))
    return Group(*parts)


# ---------------------------------------------------------------------------- feed entries
class EntrySearchSource(_Results, InboxSource):
    """Feed entries matching an ``in:inbox`` / ``in:feeds`` query, drawn like the Inbox (and
    filed or dismissed with its keys), the matched words highlighted."""

    key = SEARCH_KEY
    caption = "Best match first · f file into the guide · x dismiss"

    def __init__(
        self, catalogue: Catalogue, text: str, tier: int | None = None, *,
        prefetched: Prefetched | None = None,
    ) -> None:
        super().__init__(catalogue, None)
        self.text = text
        self.tier = None
        parsed = parse_query(text, as_you_type=True)
        self.label = _label(text)
        self.terms: tuple[Term, ...] = tuple(parsed.terms)
        self._prefetched = prefetched if prefetched is not None and prefetched.text == text else None
        self._first = None

    @property
    def empty_message(self) -> str:  # type: ignore[override]
        return self._empty("feed entries")

    def count(self) -> int:
        return self._count_results()

    def page(self, offset: int, limit: int) -> Sequence[InboxEntry]:
        return [hit.entry for hit in self._page_results(offset, limit).entries[:limit]]

    def tier_counts(self) -> None:
        return None

    def same_as(self, other: ListSource) -> bool:
        return type(self) is type(other) and getattr(other, "text", None) == self.text

    def render_row(self, row: InboxEntry, width: int) -> Text:
        line = super().render_row(row, width)
        _highlight_at(line, 3, mark(row.title, self.terms, field_name="title", limit=500))
        return line

    def render_detail(self, row: InboxEntry) -> RenderableType:
        shown = super().render_detail(row)
        parts = list(shown.renderables) if isinstance(shown, Group) else [shown]
        if parts and isinstance(parts[0], Text):
            _highlight_at(parts[0], 0, mark(row.title, self.terms, field_name="title", limit=2000))
        summary = mark(row.summary, self.terms, field_name="description", multiline=True, limit=4000)
        for part in parts[1:]:
            if isinstance(part, Text) and part.plain == summary.text:
                _highlight_at(part, 0, summary)
        return shown


def _highlight_at(line: Text, start: int, marked: Marked) -> None:
    """Style ``marked``'s matches where its text is drawn in ``line`` from character ``start``
    (only the part actually shown: a title cut with an ellipsis keeps its visible matches)."""
    if not marked.spans:
        return
    drawn = line.plain[start:start + len(marked.text)]
    visible = 0
    for a, b in zip(drawn, marked.text, strict=False):
        if a != b:
            break
        visible += 1
    for s, e in marked.spans:
        if s < visible:
            line.stylize(MATCH_STYLE, start + s, start + min(e, visible))

