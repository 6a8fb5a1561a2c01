"""``study_walk.next_step`` (the TUI's ``N``) against its definition on the full Up next list.

Random guides (several guides and topics, all tiers and untiered, resources placed twice,
every status) in a real catalogue file; from every row of every list and at every tier
filter, the step must land where the plain definition says: the successor in the full list
for an open resource, else the first non-reading item placed after the row.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tuiguide.core.store.catalogue import Catalogue
from tuiguide.core.study.upnext import up_next
from tuiguide.core.study.walk import next_step

PLACE = (
    "SELECT COALESCE(p.tier, 1000000), g.position, g.id, t.position, t.id, p.position "
    "FROM placements p JOIN guides g ON g.id = p.guide_id JOIN topics t ON t.id = p.topic_id "
    "WHERE p.id = ?"
)


def random_guide(rng: random.Random, number: int, urls: list[str]) -> str:
    lines = [f"# Guide {number}", ""]
    for topic in range(1, rng.randint(2, 4) + 1):
        lines += [f"## {topic}. Topic {number}.{topic}", ""]
        for _ in range(rng.randint(0, 2)):  # untiered, at the top of the topic
            lines.append(f"- [U{len(lines)}]({rng.choice(urls)}) - A. d")
        for tier in sorted(rng.sample([1, 2, 3], rng.randint(1, 3))):
            lines += ["", f"#### Tier {tier}", ""]
            for _ in range(rng.randint(1, 4)):
                lines.append(f"- [T{len(lines)}]({rng.choice(urls)}) - A. d")
        lines.append("")
    return "\n".join(lines) + "\n"


def expected(cat: Catalogue, order, resource_id: int, placement_id: int):
    ids = [item.id for item in order]
    if resource_id in ids:
        index = ids.index(resource_id) + 1
    else:
        place = cat.conn.execute(PLACE, (placement_id,)).fetchone()
        index = next(
            (i for i, item in enumerate(order)
             if item.status != "reading"
             and cat.conn.execute(PLACE, (item.placement_id,)).fetchone() > place),
            len(order),
        )
    wrapped = index >= len(order)
    return (order[0 if wrapped else index].id, 0 if wrapped else index, wrapped)


@pytest.mark.parametrize("seed", range(6))
def test_next_step_matches_the_full_order(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    urls = [f"https://example.com/{n}" for n in range(40)]
    with Catalogue.open(tmp_path / "walk.db", seed=False) as cat:
        for number in range(1, rng.randint(1, 3) + 1):
            cat.import_text(random_guide(rng, number, urls), source=f"g{number}.md")
        resource_ids = [row[0] for row in cat.conn.execute("SELECT id FROM resources")]
        for rid in resource_ids:
            cat.set_status(rid, rng.choice(["todo", "todo", "reading", "done", "skipped"]))
        rows = cat.conn.execute(
            "SELECT resource_id, id FROM placements WHERE removed_at IS NULL"
        ).fetchall()
        assert rows
        for tier in (None, 1, 2, 3, 0):
            order = up_next(cat, limit=10_000, tier=tier)
            for resource_id, placement_id in rows:
                step = next_step(cat, resource_id, placement_id, tier=tier)
                if not order:
                    assert step is None
                    continue
                assert step is not None
                got = (step.item.id, step.index, step.wrapped)
                assert got == expected(cat, order, resource_id, placement_id), (
                    tier, resource_id, placement_id
                )
                assert order[step.index].placement_id == step.item.placement_id
            if order:  # from nowhere: the first item
                assert next_step(cat, None, tier=tier).item.id == order[0].id
