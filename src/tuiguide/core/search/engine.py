"""Search: raw user input -> safe FTS5 query + filters -> ranked, paged, highlighted results.

The query language is :mod:`tuiguide.core.search.query`, highlighting
:mod:`tuiguide.core.search.highlight`, the results :mod:`tuiguide.core.search.results`; this
module resolves filters to ids, decides how to rank, and asks the store
(:mod:`tuiguide.core.store.search`) for the rows. A query with filters and no words lists the
matching items in guide order. The names callers use are importable from here.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import TYPE_CHECKING

from tuiguide.core.models import Item
from tuiguide.core.search import article_hits
from tuiguide.core.search.highlight import Marked, Span, highlight_spans, mark, snippet
from tuiguide.core.search.query import ParsedQuery, Term, parse_query, tokens
from tuiguide.core.search.results import EntryHit, Hit, SearchResults
from tuiguide.core.store import article_search
from tuiguide.core.store import search as store
from tuiguide.core.store.search_index import RESOURCE_COLUMNS

if TYPE_CHECKING:
    from tuiguide.core.store.catalogue import Catalogue

__all__ = [
    "RANK_LIMIT", "EntryHit", "Hit", "Marked", "ParsedQuery", "SearchResults", "Span", "Term",
    "highlight_spans", "mark", "parse_query", "search", "snippet", "tokens",
]

RANK_LIMIT = 3000
"""Ranking costs a few microseconds per match; a query matching more resources than this (a
first letter, a very common word) is ranked in two parts: matches in the best field (the
title), by relevance when they are few enough, then the rest in catalogue order."""


def search(
    catalogue: Catalogue,
    query: str | ParsedQuery,
    *,
    limit: int = 50,
    offset: int = 0,
    as_you_type: bool = False,
    rank_limit: int | None = RANK_LIMIT,
) -> SearchResults:
    """Run a query (raw text or parsed); never raises on what the user typed.

    ``rank_limit``: above this many matches, rank in two parts (see :data:`RANK_LIMIT`);
    None ranks every match exactly (the CLI, where a slower answer does not matter).
    """
    parsed = query if isinstance(query, ParsedQuery) else parse_query(query, as_you_type=as_you_type)
    results = SearchResults(query=parsed, offset=max(0, offset), limit=max(0, limit))
    try:
        if parsed.scope in ("inbox", "feeds"):
            return _search_entries(catalogue, parsed, results)
        if parsed.is_empty or parsed.invalid:
            return results
        scope = _scope(catalogue, parsed)
        if scope is None:
            return results
        if parsed.dead is not None or article_hits.ARTICLE_FIELD in parsed.fields:
            return _restricted(catalogue, parsed, results, scope, rank_limit)
        if not parsed.has_text:
            results.mode = "guide"
            results.total, items = store.filtered_page(
                catalogue, scope, noted="note" in parsed.fields,
                limit=results.limit, offset=results.offset,
            )
            results.hits = [Hit(item, 0.0, (), {}) for item in items]
            return results
        results = _ranked(catalogue, parsed, results, scope, rank_limit)
        return _article_only(catalogue, parsed, results, scope, rank_limit)
    except sqlite3.OperationalError as exc:  # pragma: no cover - the parser prevents it
        parsed.problems.append(f"search failed: {exc}")
        results.hits, results.entries, results.total = [], [], 0
        return results


# ---------------------------------------------------------------------------- filters
def _word_prefix_match(spec: str, title: str) -> bool:
    """Every word of ``spec`` starts some word of ``title`` (case/accents folded)."""
    want = tokens(spec)
    have = tokens(title)
    return bool(want) and all(any(h.startswith(w) for h in have) for w in want)


def _resolve_topics(catalogue: Catalogue, query: ParsedQuery) -> list[tuple[int, int]]:
    """(topic id, guide id) of the topics and sections the ``topic:`` values name."""
    rows = store.live_topic_names(catalogue)
    found_all: list[tuple[int, int]] = []
    for spec in query.topics:
        number = spec.strip().rstrip(".")
        found = [(tid, gid) for tid, gid, num, _ in rows if num is not None and num == number]
        if not found:
            found = [(tid, gid) for tid, gid, _, title in rows if _word_prefix_match(spec, title)]
        if not found:
            query.problems.append(f"no topic matches topic:{spec}")
            query.invalid = True
        found_all += found
    return found_all


def _resolve_guides(catalogue: Catalogue, query: ParsedQuery) -> list[int]:
    rows = store.guide_names(catalogue)
    ids: list[int] = []
    for spec in query.guides:
        low = spec.strip().lower()
        found = [gid for gid, slug, _ in rows if str(gid) == low or slug == low]
        if not found:
            found = [
                gid for gid, slug, title in rows
                if slug.startswith(low) or _word_prefix_match(spec, title)
            ]
        if not found:
            query.problems.append(f"no guide matches guide:{spec}")
            query.invalid = True
        ids += found
    return ids


def _scope(catalogue: Catalogue, parsed: ParsedQuery) -> store.SearchScope | None:
    """Resolve topic/guide names to ids; None when the filters can match nothing."""
    topics = _resolve_topics(catalogue, parsed) if parsed.topics else []
    guide_ids = _resolve_guides(catalogue, parsed) if parsed.guides else []
    if parsed.invalid:
        return None
    topic_ids = [tid for tid, gid in topics if not guide_ids or gid in guide_ids]
    if topics and not topic_ids:
        parsed.problems.append("no topic of that name in that guide")
        parsed.invalid = True
        return None
    return store.SearchScope(topic_ids, guide_ids, list(parsed.tiers), list(parsed.statuses),
                             tags=list(parsed.tags))


# ---------------------------------------------------------------------------- ranking
def _spans_of(values: dict[str, str | None], terms: Sequence[Term]) -> dict[str, tuple[Span, ...]]:
    return {
        name: tuple(highlight_spans(value or "", terms, name)) for name, value in values.items()
    }


def _ranked(
    catalogue: Catalogue, parsed: ParsedQuery, results: SearchResults, scope: store.SearchScope,
    rank_limit: int | None,
) -> SearchResults:
    text = parsed.text_expression()
    columns = parsed.fields or list(RESOURCE_COLUMNS)
    facets = scope.facets()
    tail = f" AND {facets}" if facets else ""
    full = "{" + " ".join(columns) + "} : (" + text + ")" + tail
    results.mode = "ranked"
    results.total = store.count_matches(catalogue, full, scope.tags)
    limit, offset = results.limit, results.offset
    if rank_limit is None or results.total <= rank_limit:
        page = store.match_page(catalogue, full, limit, offset, ranked=True, tags=scope.tags)
    else:
        # Broad query: best-field matches first (ranked when few enough), then the rest.
        best = "{" + columns[0] + "} : (" + text + ")" + tail
        n_best = store.count_matches(catalogue, best, scope.tags)
        page = []
        if offset < n_best:
            page = store.match_page(catalogue, best, limit, offset, ranked=n_best <= rank_limit,
                                    tags=scope.tags)
        rest = f"({full}) NOT ({{{columns[0]}}} : ({text}))"
        page += store.match_page(
            catalogue, rest, limit - len(page), max(0, offset - n_best), ranked=False,
            tags=scope.tags,
        )
        results.exact = False
    if not page:
        return results
    items = _display_items(catalogue, [rid for rid, _ in page], scope, parsed.terms)
    terms = tuple(parsed.terms)
    for rid, score in page:
        item = items.get(rid)
        if item is None:  # changed under us between the two queries
            continue
        spans = _spans_of(
            {"title": item.title, "author": item.author, "description": item.description,
             "note": item.note},
            terms,
        )
        results.hits.append(Hit(item, -float(score), terms, spans))
    return results


def _display_items(
    catalogue: Catalogue, rids: list[int], scope: store.SearchScope, terms: Sequence[Term]
) -> dict[int, Item]:
    """Each resource at the place that fits the filters and shows the matched words best.

    A resource placed in several topics is shown once: at the first place (in guide order)
    whose own title matches a word, else whose text matches, else simply the first place.
    """
    places: dict[int, list[Item]] = {}
    for item in store.places_of(catalogue, rids, scope):
        places.setdefault(item.id, []).append(item)

    def quality(item: Item) -> int:
        if highlight_spans(item.title, terms, "title"):
            return 0
        return 1 if highlight_spans(f"{item.author or ''} {item.description}", terms) else 2

    # min keeps the first of equals
    return {rid: options[0] if len(options) == 1 else min(options, key=quality)
            for rid, options in places.items()}


# ---------------------------------------------------------------------------- feed entries
def _search_entries(
    catalogue: Catalogue, parsed: ParsedQuery, results: SearchResults
) -> SearchResults:
    """Feed entries: the Inbox (``in:inbox``) or every entry (``in:feeds``), newest first
    when there are no words, else by relevance."""
    results.mode = "inbox"
    if parsed.has_filters:
        parsed.problems.append("tier:, status:, topic: and guide: do not apply to feed entries")
    inbox_only = parsed.scope == "inbox"
    if not parsed.has_text:
        results.total, entries = store.entry_page(
            catalogue, inbox_only=inbox_only, limit=results.limit, offset=results.offset
        )
        results.entries = [EntryHit(entry, 0.0, (), {}) for entry in entries]
        return results
    columns = [c for c in parsed.fields if c in ("title", "author")]
    if "description" in parsed.fields or "note" in parsed.fields:
        columns.append("summary")
    match = parsed.text_expression({"description": "summary", "note": "summary"})
    if columns:
        match = "{" + " ".join(columns) + "} : (" + match + ")"
    results.total, page = store.entry_matches(
        catalogue, match, inbox_only=inbox_only, limit=results.limit, offset=results.offset
    )
    terms = tuple(parsed.terms)
    for entry, score in page:
        spans = _spans_of(
            {"title": entry.title, "author": entry.author, "description": entry.summary}, terms
        )
        spans["summary"] = spans.pop("description")
        results.entries.append(EntryHit(entry, -float(score), terms, spans))
    return results


# ---------------------------------------------------------------------------- article text
def _restricted(
    catalogue: Catalogue, parsed: ParsedQuery, results: SearchResults, scope: store.SearchScope,
    rank_limit: int | None,
) -> SearchResults:
    """``dead:`` or ``in:article``: the documents' matches (fields other than article, or
    every field; none for ``in:article`` alone) within the restriction, then the resources
    found only in their article text. No words: the restricted resources by id."""
    fields = [f for f in parsed.fields if f != article_hits.ARTICLE_FIELD]
    only_articles = bool(parsed.fields) and not fields
    where = article_search.Restriction(scope.sql(), dead=parsed.dead,
                                       stored=only_articles and not parsed.has_text)
    results.mode = "ranked" if parsed.has_text else "guide"
    if not (parsed.has_text and only_articles):
        match = None
        if parsed.has_text:
            match = "{" + " ".join(fields or RESOURCE_COLUMNS) + "} : (" + parsed.text_expression() + ")"
        cap = None if rank_limit is None else article_hits.COUNT_LIMIT
        results.total, page = article_search.document_matches(
            catalogue, match, where, limit=results.limit, offset=results.offset, cap=cap)
        _add_hits(catalogue, parsed, results, scope, page, {})
        if not parsed.has_text:
            results.exact = results.total != cap
            return results
        where = article_search.Restriction(scope.sql(), exclude=match, dead=parsed.dead)
    return _article_only(catalogue, parsed, results, scope, rank_limit, where)


def _article_only(
    catalogue: Catalogue, parsed: ParsedQuery, results: SearchResults, scope: store.SearchScope,
    rank_limit: int | None, where: article_search.Restriction | None = None,
) -> SearchResults:
    """Add the resources found only in their stored article after the documents' matches
    (``results.total`` of them), each with its matching sentence."""
    if not article_hits.searches_articles(parsed) or results.mode != "ranked":
        return results
    if rank_limit is not None and where is None and results.total > article_hits.SKIP_ABOVE:
        results.exact = False  # while typing, a page this long needs no article-only hits
        return results
    if where is None:
        columns = parsed.fields or list(RESOURCE_COLUMNS)
        exclude = "{" + " ".join(columns) + "} : (" + parsed.text_expression() + ")"
        facets = scope.facets()
        exclude += f" AND {facets}" if facets else ""  # fewer to set aside
        where = article_search.Restriction(scope.sql(), exclude=exclude)
    shown = len(results.hits)
    documents = results.total
    want = results.limit - shown if results.offset + shown >= documents else 0
    match = article_hits.article_expression(parsed)
    cap = scan = None
    if rank_limit is not None:  # while typing: bounded work, however many articles match
        cap, scan = article_hits.COUNT_LIMIT, article_hits.SCAN_LIMIT
    count = article_search.article_count(catalogue, match, where, cap, scan)
    # Ranking scores every matching article before the filters: only when they are few.
    raw = article_search.raw_count(catalogue, match, (scan or 0) + 1) if scan else 0
    ranked = rank_limit is None or raw <= min(rank_limit, article_hits.RANK_LIMIT)
    page = article_search.article_matches(
        catalogue, match, where, limit=max(0, want), offset=max(0, results.offset - documents),
        ranked=ranked, scan=scan, snippets=article_hits.SNIPPETS if scan else None)
    results.total = documents + count
    cut = scan is not None and raw > scan
    results.exact = results.exact and ranked and count != cap and not cut
    sentences = {rid: article_hits.sentence(text) if text is not None else article_hits.UNSHOWN
                 for rid, _, text in page}
    _add_hits(catalogue, parsed, results, scope, [(rid, rank) for rid, rank, _ in page], sentences)
    return results


def _add_hits(
    catalogue: Catalogue, parsed: ParsedQuery, results: SearchResults, scope: store.SearchScope,
    page: Sequence[tuple[int, float]], sentences: dict[int, str],
) -> None:
    if not page:
        return
    terms = tuple(parsed.terms)
    items = _display_items(catalogue, [rid for rid, _ in page], scope, terms)
    for rid, score in page:
        item = items.get(rid)
        if item is None:
            continue
        spans = _spans_of({"title": item.title, "author": item.author,
                           "description": item.description, "note": item.note}, terms)
        results.hits.append(Hit(item, -float(score), terms, spans, sentences.get(rid)))
