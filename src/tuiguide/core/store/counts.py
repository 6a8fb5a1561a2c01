"""Progress counts kept in two small tables, so the topic tree, tier tabs and headers never
aggregate every placement.

- ``placement_counts``: live placements per (guide, topic, section, tier, status);
- ``resource_counts``: distinct resources with a live placement per (guide, tier, status).

Sentinels: section 0 = none; tier -1 = untiered, -2 = every tier; guide 0 = every guide.

The store is their only writer and keeps them in step itself, with no triggers: a bulk write
(a guide import, a restore) calls :func:`recount` once before it commits; a single write wraps
itself in :func:`counts_follow`, which takes the changed resources' share out before the write
and puts it back after.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from tuiguide.core.models import Counts

if TYPE_CHECKING:
    from tuiguide.core.store.catalogue import Catalogue

TIER_NONE, TIER_ALL, ALL_GUIDES = -1, -2, 0
UNTIERED_KEY = 1_000_000
LEAD_RULE = (
    "Across topics a resource is listed and counted once, at its lead placement: its lowest "
    "tier (untiered last), the first such place in guide order; inside a topic every "
    "placement shows."
)

_UPSERT = "ON CONFLICT DO UPDATE SET n = n + excluded.n"
_LIVE = "FROM placements p JOIN resources r ON r.id = p.resource_id WHERE p.removed_at IS NULL"


def _placement_rows(where: str) -> str:
    """Live placements counted per counts key as (g, tp, sec, t, s, n); ``where`` (``AND
    ...``) narrows them."""
    return (
        "SELECT p.guide_id AS g, p.topic_id AS tp, COALESCE(p.section_id, 0) AS sec, "
        f"COALESCE(p.tier, {TIER_NONE}) AS t, r.status AS s, count(*) AS n {_LIVE} {where} "
        "GROUP BY 1, 2, 3, 4, 5"
    )


LEAD_KEY = f"COALESCE(p.tier, {UNTIERED_KEY})"
"""A placement's tier as the reading order sorts it (untiered last): a resource's lead
placement has the lowest."""


def _tier_of(key: str) -> str:
    return f"(CASE WHEN {key} = {UNTIERED_KEY} THEN {TIER_NONE} ELSE {key} END)"


def _resource_rows(where: str) -> str:
    """Distinct resources per (guide, tier, status) in each of the four scopes, as
    (g, t, s, n), each counted once at its lead tier in that scope (its lowest; see
    :data:`LEAD_RULE`); ``where`` (``AND ...``) narrows the placements looked at."""
    return f"""WITH lead AS (
        SELECT p.resource_id AS rid, p.guide_id AS g, min({LEAD_KEY}) AS k, r.status AS s
        {_LIVE} {where} GROUP BY 1, 2),
    everywhere AS (SELECT rid, min(k) AS k, s FROM lead GROUP BY rid)
    SELECT g, {_tier_of("k")} AS t, s, count(*) AS n FROM lead GROUP BY 1, 2, 3
    UNION ALL SELECT g, {TIER_ALL}, s, count(*) FROM lead GROUP BY 1, 3
    UNION ALL SELECT {ALL_GUIDES}, {_tier_of("k")}, s, count(*) FROM everywhere GROUP BY 2, 3
    UNION ALL SELECT {ALL_GUIDES}, {TIER_ALL}, s, count(*) FROM everywhere GROUP BY 3"""


def _each_placement_rows(where: str) -> str:
    """Like :func:`_resource_rows` but counting every live placement (what summing
    ``placement_counts`` gives), to take out again for resources placed more than once."""
    live = (
        f"SELECT p.guide_id AS g, COALESCE(p.tier, {TIER_NONE}) AS t, r.status AS s "
        f"{_LIVE} {where}"
    )
    return f"""WITH each_one AS ({live})
    SELECT g, t, s, count(*) AS n FROM each_one GROUP BY 1, 2, 3
    UNION ALL SELECT g, {TIER_ALL}, s, count(*) FROM each_one GROUP BY 1, 3
    UNION ALL SELECT {ALL_GUIDES}, t, s, count(*) FROM each_one GROUP BY 2, 3
    UNION ALL SELECT {ALL_GUIDES}, {TIER_ALL}, s, count(*) FROM each_one GROUP BY 3"""


_MULTI = (
    "AND p.resource_id IN (SELECT resource_id FROM placements WHERE removed_at IS NULL "
    "GROUP BY resource_id HAVING count(*) > 1)"
)


def recount(catalogue: Catalogue) -> None:
    """Rebuild both count tables from the placements (after a bulk write; one pass each)."""
    conn = catalogue.conn
    conn.execute("DELETE FROM placement_counts")
    conn.execute(
        "INSERT INTO placement_counts (guide_id, topic_id, section_id, tier, status, n) "
        + _placement_rows("")
    )
    conn.execute("DELETE FROM resource_counts")
    # Distinct resources = placements (summed from placement_counts, just rebuilt), with the
    # few resources placed more than once counted at their lead tier instead.
    conn.execute(f"""INSERT INTO resource_counts (guide_id, tier, status, n)
        SELECT g, t, s, sum(n) FROM (
            SELECT guide_id AS g, tier AS t, status AS s, sum(n) AS n
            FROM placement_counts GROUP BY 1, 2, 3
            UNION ALL SELECT guide_id, {TIER_ALL}, status, sum(n) FROM placement_counts GROUP BY 1, 3
            UNION ALL SELECT {ALL_GUIDES}, tier, status, sum(n) FROM placement_counts GROUP BY 2, 3
            UNION ALL SELECT {ALL_GUIDES}, {TIER_ALL}, status, sum(n) FROM placement_counts
            GROUP BY 3
            UNION ALL SELECT g, t, s, -n FROM ({_each_placement_rows(_MULTI)})
            UNION ALL SELECT * FROM ({_resource_rows(_MULTI)})
        ) GROUP BY 1, 2, 3 HAVING sum(n) <> 0""")


def _add_share(catalogue: Catalogue, ids: str, sign: int) -> None:
    """Add (sign 1) or take out (sign -1) the counts of the resources listed in ``ids``
    (a JSON array)."""
    where = "AND p.resource_id IN (SELECT value FROM json_each(?))"
    catalogue.conn.execute(
        "INSERT INTO placement_counts (guide_id, topic_id, section_id, tier, status, n) "
        f"SELECT g, tp, sec, t, s, {sign} * n FROM ({_placement_rows(where)}) WHERE true {_UPSERT}",
        (ids,),
    )
    catalogue.conn.execute(
        "INSERT INTO resource_counts (guide_id, tier, status, n) "
        f"SELECT g, t, s, {sign} * n FROM ({_resource_rows(where)}) WHERE true {_UPSERT}",
        (ids,),
    )


@contextmanager
def counts_follow(catalogue: Catalogue, resource_ids: Iterable[int]) -> Iterator[None]:
    """Within a transaction: keep the counts right across a write that changes only the
    statuses or placements of ``resource_ids`` (their share is taken out, then put back)."""
    ids = json.dumps(sorted(set(resource_ids)))
    _add_share(catalogue, ids, -1)
    yield
    _add_share(catalogue, ids, 1)
def counts_match_tables(catalogue: Catalogue) -> bool:
    """True when the kept counts equal a fresh count (a test and repair aid)."""
    conn = catalogue.conn
    kept = {
        "p": set(conn.execute("SELECT * FROM placement_counts WHERE n <> 0")),
        "r": set(conn.execute("SELECT * FROM resource_counts WHERE n <> 0")),
    }
    fresh = {
        "p": set(conn.execute(_placement_rows(""))),
        "r": {row for row in conn.execute(_resource_rows("")) if row[3]},
    }
    return kept == fresh


# ---------------------------------------------------------------------------- reads
def _filters(
    guide_id: int | None, topic_id: int | None, tier: int | None, statuses: list[str] | None
) -> tuple[str, list[Any]]:
    """WHERE over ``placement_counts`` (tier 0 asks for the untiered ones)."""
    where: list[str] = ["n > 0"]
    params: list[Any] = []
    if guide_id is not None:
        where.append("guide_id = ?")
        params.append(guide_id)
    if topic_id is not None:
        where.append("(topic_id = ? OR section_id = ?)")
        params += [topic_id, topic_id]
    if tier is not None:
        where.append("tier = ?")
        params.append(TIER_NONE if tier == 0 else tier)
    if statuses is not None:
        where.append(f"status IN ({', '.join('?' * len(statuses))})")
        params += statuses
    return " AND ".join(where), params


def topic_counts(
    catalogue: Catalogue, guide_id: int | None
) -> list[tuple[int, int | None, int | None, str, int]]:
    """(topic, section or None, tier or None, status, live placements) for the topic tree."""
    where, params = _filters(guide_id, None, None, None)
    return catalogue.conn.execute(
        "SELECT topic_id, NULLIF(section_id, 0), NULLIF(tier, -1), status, n "
        f"FROM placement_counts WHERE {where}",
        params,
    ).fetchall()


def live_placements(
    catalogue: Catalogue,
    guide_id: int | None = None,
    topic_id: int | None = None,
    tier: int | None = None,
    statuses: list[str] | None = None,
) -> int:
    """How many live placements match (tier 0 = untiered)."""
    where, params = _filters(guide_id, topic_id, tier, statuses)
    return catalogue.conn.execute(
        f"SELECT COALESCE(sum(n), 0) FROM placement_counts WHERE {where}", params
    ).fetchone()[0]


def placements_per_tier(
    catalogue: Catalogue, guide_id: int | None = None, topic_id: int | None = None
) -> dict[int | None, int]:
    """Live placements per tier (None = untiered), for the tier tabs."""
    where, params = _filters(guide_id, topic_id, None, None)
    rows = catalogue.conn.execute(
        f"SELECT NULLIF(tier, -1), sum(n) FROM placement_counts WHERE {where} GROUP BY tier",
        params,
    ).fetchall()
    return {tier: n for tier, n in rows}


def resource_counts(
    catalogue: Catalogue, guide_id: int | None = None, tier: int | None = None
) -> Counts:
    """Distinct resources per status (a URL placed twice counts once, in its lead tier);
    tier None = all, 0 = untiered."""
    table_tier = TIER_ALL if tier is None else TIER_NONE if tier == 0 else tier
    rows = catalogue.conn.execute(
        "SELECT status, n FROM resource_counts WHERE guide_id = ? AND tier = ? AND n > 0",
        (guide_id if guide_id is not None else ALL_GUIDES, table_tier),
    ).fetchall()
    counts = Counts()
    for status, n in rows:
        counts.add(status, n)
    return counts


def open_resource_counts(
    catalogue: Catalogue, guide_id: int | None
) -> list[tuple[int, str, int]]:
    """(tier, status, distinct resources) still to read (todo or reading), tier in the
    table's terms (:data:`TIER_NONE`, :data:`TIER_ALL`)."""
    return catalogue.conn.execute(
        "SELECT tier, status, n FROM resource_counts WHERE guide_id = ? "
        "AND status IN ('todo', 'reading') AND n > 0",
        (guide_id if guide_id is not None else ALL_GUIDES,),
    ).fetchall()


def lead_resources(
    catalogue: Catalogue,
    guide_id: int | None = None,
    tiers: Iterable[int] | None = None,
    statuses: list[str] | None = None,
) -> int:
    """How many resources a cross-topic list shows: each once, at its lead tier (tiers
    None = every tier, 0 = untiered; guide None = every guide)."""
    where = ["guide_id = ?", "n > 0"]
    params: list[Any] = [guide_id if guide_id is not None else ALL_GUIDES]
    wanted = None if tiers is None else sorted({TIER_NONE if t == 0 else t for t in tiers})
    if wanted is None:
        where.append(f"tier = {TIER_ALL}")
    else:
        where.append(f"tier IN ({', '.join('?' * len(wanted))})")
        params += wanted
    if statuses is not None:
        where.append(f"status IN ({', '.join('?' * len(statuses))})")
        params += statuses
    return catalogue.conn.execute(
        f"SELECT COALESCE(sum(n), 0) FROM resource_counts WHERE {' AND '.join(where)}", params
    ).fetchone()[0]


def lead_resources_per_tier(
    catalogue: Catalogue, guide_id: int | None = None
) -> dict[int | None, int]:
    """Resources per lead tier (None = untiered), for the tier tabs of a cross-topic list:
    they add up to the list's total."""
    rows = catalogue.conn.execute(
        "SELECT NULLIF(tier, -1), sum(n) FROM resource_counts WHERE guide_id = ? AND tier <> ? "
        "AND n > 0 GROUP BY tier",
        (guide_id if guide_id is not None else ALL_GUIDES, TIER_ALL),
    ).fetchall()
    return {tier: n for tier, n in rows}


def lead_resources_by_status(
    catalogue: Catalogue, guide_id: int | None = None
) -> list[tuple[int | None, str, int]]:
    """(lead tier or None, status, resources): progress per tier where each resource counts
    once (the stats screen)."""
    return catalogue.conn.execute(
        "SELECT NULLIF(tier, -1), status, n FROM resource_counts WHERE guide_id = ? "
        "AND tier <> ? AND n > 0",
        (guide_id if guide_id is not None else ALL_GUIDES, TIER_ALL),
    ).fetchall()
