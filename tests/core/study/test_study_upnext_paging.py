""""Up next" paged by segments (reading, then todo tier by tier) and counted from the
trigger-kept tables gives exactly what ranking every placement gives, on random guides with
links placed twice (same guide and across guides, different tiers), sections, untiered items,
removed placements and every status."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tuiguide.core.models import STATUSES
from tuiguide.core.store.catalogue import Catalogue
from tuiguide.core.study.upnext import up_next, up_next_count, up_next_tier_counts

# The reading order as one ranking over every placement (the definition; slow at 50k).
_KEY = (
    "(r.status <> 'reading'), COALESCE(p.tier, 1000000), g.position, g.id, "
    "t.position, t.id, p.position, p.id"
)


def reference_order(cat: Catalogue, guide_id: int | None, tier: int | None) -> list[int]:
    where, params = "p.removed_at IS NULL AND r.status IN ('todo', 'reading')", []
    if guide_id is not None:
        where += " AND p.guide_id = ?"
        params.append(guide_id)
    # A tier filter keeps the resources whose first place (their lead) is in that tier: it
    # does not change which place comes first, so the tiers add up to the whole list.
    tier_where = ""
    if tier == 0:
        tier_where = " AND ptier IS NULL"
    elif tier is not None:
        tier_where = f" AND ptier = {int(tier)}"
    rows = cat.conn.execute(
        f"""SELECT pid FROM (
            SELECT p.id AS pid, ROW_NUMBER() OVER (PARTITION BY p.resource_id ORDER BY {_KEY}) rn,
                   p.tier AS ptier, {_KEY.replace("p.id", "p.id AS k")}
            FROM placements p JOIN resources r ON r.id = p.resource_id
            JOIN guides g ON g.id = p.guide_id JOIN topics t ON t.id = p.topic_id
            WHERE {where})
        WHERE rn = 1{tier_where}""",
        params,
    ).fetchall()
    ids = [row[0] for row in rows]
    # Sort in Python by the same key (the inner ORDER BY of a subquery is not guaranteed).
    keys = {
        pid: key
        for pid, *key in cat.conn.execute(
            f"SELECT p.id, {_KEY} FROM placements p JOIN resources r ON r.id = p.resource_id "
            "JOIN guides g ON g.id = p.guide_id JOIN topics t ON t.id = p.topic_id"
        )
    }
    return sorted(ids, key=lambda pid: keys[pid])


def reference_count(cat: Catalogue, guide_id: int | None, tier: int | None) -> int:
    return len({cat.conn.execute("SELECT resource_id FROM placements WHERE id = ?", (pid,))
                .fetchone()[0] for pid in reference_order(cat, guide_id, tier)})


def random_guide(rng: random.Random, number: int, urls: list[str], keep: float = 1.0) -> str:
    lines = [f"# Guide {number}", "", "A random guide for the paging test.", ""]
    for t in range(rng.randint(3, 6)):
        lines += [f"## {t + 1}. Topic {number}-{t}", ""]
        sections = [None] if rng.random() < 0.6 else ["Part A", "Part B"]
        for section in sections:
            if section:
                lines += [f"### {section}", ""]
            for tier in (None, 1, 2, 3):
                picks = [u for u in rng.choices(urls, k=rng.randint(0, 6)) if rng.random() < keep]
                if not picks or (tier is None and section):
                    continue
                if tier is not None:
                    lines += [f"#### Tier {tier}", ""]
                for url in picks:
                    lines += [f"- [Title of {url.rsplit('/', 1)[1]}]({url}) - Ann. About it.", ""]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("seed", range(6))
def test_pages_and_counts_match_the_ranking(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    urls = [f"https://example.com/r{i}" for i in range(90)]
    cat = Catalogue.open(tmp_path / "c.db", seed=False)
    try:
        first = random_guide(rng, 1, urls)
        cat.import_text(first, source="guide-1")
        cat.import_text(random_guide(rng, 2, urls), source="guide-2")
        # Re-import guide 1 with entries dropped: their placements are marked removed.
        kept = "\n".join(line for line in first.splitlines() if not line.startswith("- [")
                         or rng.random() < 0.8) + "\n"
        cat.import_text(kept, source="guide-1")
        ids = [row[0] for row in cat.conn.execute("SELECT id FROM resources")]
        for rid in ids:
            status = rng.choice([*STATUSES, "todo", "reading"])
            if status != "todo":
                cat.set_status(rid, status)
        assert cat.conn.execute(
            "SELECT count(*) FROM placements WHERE removed_at IS NOT NULL").fetchone()[0]
        guides = [None, *(g.id for g in cat.guides())]
        for guide_id in guides:
            for tier in (None, 0, 1, 2, 3):
                want = reference_order(cat, guide_id, tier)
                assert up_next_count(cat, guide_id, tier=tier) == reference_count(cat, guide_id, tier)
                got = [i.placement_id for i in up_next(cat, guide_id, limit=10_000, tier=tier)]
                assert got == want, (guide_id, tier)
                for offset in {0, 1, 3, 7, len(want) // 2, len(want) - 1, len(want), len(want) + 5}:
                    for limit in (1, 4, 25):
                        page = up_next(cat, guide_id, limit=limit, offset=max(offset, 0), tier=tier)
                        assert [i.placement_id for i in page] == want[offset:offset + limit]
            by_tier = up_next_tier_counts(cat, guide_id)
            for tier in (1, 2, 3):
                assert by_tier.get(tier, 0) == reference_count(cat, guide_id, tier)
            assert by_tier.get(None, 0) == reference_count(cat, guide_id, 0)
    finally:
        cat.close()


def test_a_status_change_moves_a_resource_between_segments(tmp_path: Path) -> None:
    rng = random.Random(42)
    urls = [f"https://example.com/r{i}" for i in range(40)]
    cat = Catalogue.open(tmp_path / "c.db", seed=False)
    try:
        cat.import_text(random_guide(rng, 1, urls), source="g")
        order = [i.id for i in up_next(cat, limit=1000)]
        last = order[-1]
        cat.set_status(last, "reading")
        assert [i.id for i in up_next(cat, limit=1)] == [last]
        cat.set_status(last, "done")
        assert last not in [i.id for i in up_next(cat, limit=1000)]
        assert up_next_count(cat) == len(order) - 1 == reference_count(cat, None, None)
    finally:
        cat.close()


def test_notes_list_reads_each_item_as_item_does(tmp_path: Path) -> None:
    """The Notes list (two queries a page) shows each resource exactly as Catalogue.item does
    (its first live placement; a resource left in no guide still listed)."""
    from tuiguide.core.study.upnext import noted_count, noted_items

    rng = random.Random(7)
    urls = [f"https://example.com/r{i}" for i in range(60)]
    clock = iter(f"2025-02-{d:02d}T{h:02d}:00:00Z" for d in range(1, 29) for h in range(24))
    cat = Catalogue.open(tmp_path / "c.db", seed=False, now=lambda: next(clock))
    try:
        first = random_guide(rng, 1, urls)
        cat.import_text(first, source="guide-1")
        cat.import_text(random_guide(rng, 2, urls), source="guide-2")
        ids = [row[0] for row in cat.conn.execute("SELECT id FROM resources ORDER BY id")]
        for rid in rng.sample(ids, 30):
            cat.set_note(rid, f"note on {rid}")
        # Drop half of guide 1's entries: some noted resources keep only removed placements.
        cat.import_text("\n".join(line for line in first.splitlines()
                                  if not line.startswith("- [") or rng.random() < 0.5) + "\n",
                        source="guide-1")
        noted = [row[0] for row in cat.conn.execute(
            "SELECT resource_id FROM notes ORDER BY updated_at DESC, resource_id DESC")]
        assert noted_count(cat) == len(noted) == 30
        want = [cat.item(rid) for rid in noted]
        assert any(item.removed for item in want)  # the case a join could get wrong
        for offset, limit in ((0, 100), (0, 7), (7, 7), (25, 10), (30, 5)):
            assert noted_items(cat, limit=limit, offset=offset) == want[offset:offset + limit]
    finally:
        cat.close()
