"""Search SQL over stored article text and link health: the ``in:article`` words and the
``dead:`` filter, next to the documents' own matches (:mod:`tuiguide.core.store.search`).

Articles are keyed by a resource's normalised URL, so a match in ``articles_fts`` becomes a
resource through ``resources.url``. Only resources that sit in a guide (have a search
document) are found, and the filters' facets expression narrows them like any other result.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from tuiguide.core.store.search_index import DOCUMENTS, DOCUMENTS_FTS

if TYPE_CHECKING:
    from tuiguide.core.store.catalogue import Catalogue

ARTICLES_FTS = "articles_fts"
MARK_START, MARK_END = "\x02", "\x03"
"""What FTS5's snippet() puts around a matched word (never in cleaned article text)."""
SNIPPET_TOKENS = 48
DEAD_IDS = ("SELECT r.id FROM resources r JOIN link_checks c ON c.url = r.url "
            "WHERE c.state = 'dead'")


@dataclass(frozen=True)
class Restriction:
    """Which resources may match: those placed within ``scope`` (conditions over placements
    ``p`` and resources ``r``, as :meth:`SearchScope.sql` gives them), not those whose
    document matches ``exclude``, dead or alive when ``dead`` is set, with a stored article
    when ``stored``."""

    scope: tuple[list[str], list[Any]] = (["p.removed_at IS NULL"], [])
    exclude: str | None = None
    dead: bool | None = None
    stored: bool = False

    def sql(self, column: str) -> tuple[str, list[Any]]:
        """As conditions on the resource id ``column`` (each checked per row, by index;
        ``column`` must not be qualified by ``p`` or ``r``, the scope's own names)."""
        conds, params = self.scope
        where = [f"EXISTS (SELECT 1 FROM placements p JOIN resources r ON r.id = p.resource_id "
                 f"WHERE p.resource_id = {column} AND {' AND '.join(conds)})"]
        params = list(params)
        if self.exclude:
            where.append(
                f"{column} NOT IN (SELECT rowid FROM {DOCUMENTS_FTS} WHERE {DOCUMENTS_FTS} MATCH ?)")
            params.append(self.exclude)
        if self.dead is not None:
            where.append(f"{column} {'' if self.dead else 'NOT '}IN ({DEAD_IDS})")
        if self.stored:
            where.append(f"EXISTS (SELECT 1 FROM resources r JOIN articles a ON a.url = r.url "
                         f"WHERE r.id = {column})")
        return " AND ".join(where), params


def _matched(scan: int | None, ranked: bool = False) -> str:
    """The articles matching ``?`` as ``f`` (rowid, rank: bm25 when ``ranked``, which costs
    tens of microseconds a long text): every one, or only the first ``scan`` in storage
    order (each costs a few index lookups once filters apply)."""
    limit = "" if scan is None else f" LIMIT {int(scan)}"
    return (f"(SELECT rowid, {'rank' if ranked else '0.0 AS rank'} FROM {ARTICLES_FTS} "
            f"WHERE {ARTICLES_FTS} MATCH ?{limit}) f")


def raw_count(catalogue: Catalogue, match: str, most: int) -> int:
    """Articles matching ``match``, counted up to ``most`` (no filter: the index alone)."""
    return catalogue.conn.execute(
        f"SELECT count(*) FROM (SELECT 1 FROM {ARTICLES_FTS} WHERE {ARTICLES_FTS} MATCH ? "
        f"LIMIT {int(most)})", (match,)).fetchone()[0]


def article_count(catalogue: Catalogue, match: str, where: Restriction,
                  cap: int | None = None, scan: int | None = None) -> int:
    """How many resources' stored articles match the FTS5 expression ``match`` (counted up
    to ``cap``, among the first ``scan`` matching articles, when given)."""
    cond, params = where.sql("res.id")
    limit = "" if cap is None else f" LIMIT {int(cap)}"
    return catalogue.conn.execute(
        f"SELECT count(*) FROM (SELECT 1 FROM {_matched(scan)} JOIN articles a ON a.id = f.rowid "
        f"JOIN resources res ON res.url = a.url WHERE {cond}{limit})",
        (match, *params)).fetchone()[0]


def article_matches(catalogue: Catalogue, match: str, where: Restriction, *, limit: int,
                    offset: int, ranked: bool, scan: int | None = None,
                    snippets: int | None = None) -> list[tuple[int, float, str | None]]:
    """One page of (resource id, bm25 rank, snippet with marked words) of the resources whose
    stored article matches ``match``: best first when ``ranked``, else in storage order
    (rank 0; cheap when very many match). Snippets are made for the page's first
    ``snippets`` rows only (None: all; the others get None)."""
    if limit <= 0:
        return []
    cond, params = where.sql("res.id")
    conn = catalogue.conn
    rows = conn.execute(
        f"SELECT res.id, a.id, f.rank FROM {_matched(scan, ranked)} "
        f"JOIN articles a ON a.id = f.rowid JOIN resources res ON res.url = a.url "
        f"WHERE {cond} {'ORDER BY f.rank' if ranked else ''} "
        "LIMIT ? OFFSET ?", (match, *params, limit, offset)).fetchall()
    out: list[tuple[int, float, str | None]] = []
    for i, (rid, aid, rank) in enumerate(rows):
        if snippets is not None and i >= snippets:  # each reads its whole text again
            out.append((rid, rank, None))
            continue
        found = conn.execute(
            f"SELECT snippet({ARTICLES_FTS}, -1, char(2), char(3), '…', {SNIPPET_TOKENS}) "
            f"FROM {ARTICLES_FTS} WHERE {ARTICLES_FTS} MATCH ? AND rowid = ?", (match, aid)
        ).fetchone()
        out.append((rid, rank, found[0] if found else ""))
    return out


def document_matches(catalogue: Catalogue, match: str | None, where: Restriction, *,
                     limit: int, offset: int, cap: int | None = None
                     ) -> tuple[int, list[tuple[int, float]]]:
    """(total, one page of (resource id, rank)) of the documents matching ``match`` (None:
    every document, by id, counted up to ``cap`` when given) within the restriction."""
    conn = catalogue.conn
    if match is None:  # driven by the smallest list that holds every answer
        if where.stored:  # in the order they were stored
            # by id through the url index: a plain join on url makes SQLite filter
            # every resource first
            source, column, order = ("articles a CROSS JOIN resources res ON res.id = "
                                     "(SELECT id FROM resources WHERE url = a.url)", "res.id", "a.id")
            where = replace(where, stored=False)
        elif where.dead:
            source, column, order = ("link_checks c CROSS JOIN resources res ON res.url = c.url",
                                     "res.id", "res.id")
        else:
            source = DOCUMENTS
            column = order = f"{DOCUMENTS}.resource_id"
        cond, params = where.sql(column)
        base = f"FROM {source} WHERE {cond}"
        most = "" if cap is None else f" LIMIT {int(cap)}"
        total = conn.execute(f"SELECT count(*) FROM (SELECT 1 {base}{most})", params).fetchone()[0]
        rows = conn.execute(f"SELECT {column}, 0.0 {base} ORDER BY {order} LIMIT ? OFFSET ?",
                            (*params, limit, offset)).fetchall()
        return total, rows
    cond, params = where.sql(f"{DOCUMENTS_FTS}.rowid")
    base = f"FROM {DOCUMENTS_FTS} WHERE {DOCUMENTS_FTS} MATCH ? AND {cond}"
    total = conn.execute(f"SELECT count(*) {base}", (match, *params)).fetchone()[0]
    rows = conn.execute(f"SELECT rowid, rank {base} ORDER BY rank LIMIT ? OFFSET ?",
                        (match, *params, limit, offset)).fetchall()
    return total, rows
