"""Scale support: the kept progress counts and search documents agree with a fresh
computation after any mix of the store's writes (status, notes, re-imports that add, drop,
move and retier items, filing from the Inbox, restores), and bench/make_catalogue.py builds
the promised synthetic catalogue."""

from __future__ import annotations

import importlib.util
import random
import statistics
import sys
from pathlib import Path

import pytest

from tuiguide.core.backup.export import export_data
from tuiguide.core.backup.restore import merge_export, parse_export
from tuiguide.core.models import STATUSES, Counts
from tuiguide.core.search.engine import search
from tuiguide.core.store.catalogue import Catalogue
from tuiguide.core.store.counts import counts_match_tables
from tuiguide.core.store.search_index import index_matches_tables
from tuiguide.core.store.writes import NewResource

ROOT = Path(__file__).resolve().parents[3]


def _load_make_catalogue():
    spec = importlib.util.spec_from_file_location("make_catalogue", ROOT / "bench" / "make_catalogue.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_catalogue"] = module
    spec.loader.exec_module(module)
    return module


make_catalogue = _load_make_catalogue()


# ---------------------------------------------------------------------------- reference counts
def reference_topic_counts(cat: Catalogue, guide_id: int | None) -> dict:
    where, params = "p.removed_at IS NULL", []
    if guide_id is not None:
        where += " AND p.guide_id = ?"
        params.append(guide_id)
    out: dict = {}
    for topic_id, section_id, tier, status, n in cat.conn.execute(
        "SELECT p.topic_id, p.section_id, p.tier, r.status, count(*) FROM placements p "
        f"JOIN resources r ON r.id = p.resource_id WHERE {where} GROUP BY 1, 2, 3, 4",
        params,
    ):
        for tid in (topic_id, section_id):
            if tid is not None:
                key = (tid, tier, status)
                out[key] = out.get(key, 0) + n
    return out


def api_topic_counts(cat: Catalogue, guide_id: int | None) -> dict:
    live_topics = {row[0] for row in cat.conn.execute("SELECT id FROM topics WHERE removed_at IS NULL")}
    ref_keys = {}
    for t in cat.topics(guide_id):
        for tier, counts in t.by_tier.items():
            for status in STATUSES:
                n = getattr(counts, status)
                if n:
                    ref_keys[(t.id, tier, status)] = n
    assert set(k[0] for k in ref_keys) <= live_topics
    return ref_keys


LEAD_TIER = "COALESCE(min(COALESCE(p.tier, 1000000)), 0)"
"""A resource's lead tier (its lowest; untiered = 1000000) among the placements grouped."""


def reference_guide_counts(cat: Catalogue, guide_id: int | None, tier: int | None) -> Counts:
    """Distinct resources; with a tier, those whose lead tier (lowest, untiered last) in
    scope is that tier: each resource counts in one tier."""
    where, params = ["p.removed_at IS NULL"], []
    if guide_id is not None:
        where.append("p.guide_id = ?")
        params.append(guide_id)
    having = ""
    if tier is not None:
        having = f"HAVING {LEAD_TIER} = {1000000 if tier == 0 else int(tier)}"
    counts = Counts()
    for status, n in cat.conn.execute(
        "SELECT status, count(*) FROM (SELECT r.id, r.status AS status FROM placements p "
        f"JOIN resources r ON r.id = p.resource_id WHERE {' AND '.join(where)} "
        f"GROUP BY r.id {having}) GROUP BY status",
        params,
    ):
        counts.add(status, n)
    return counts


def reference_count_items(cat: Catalogue, guide_id, topic_id, tier, status) -> int:
    where, params = ["p.removed_at IS NULL"], []
    if guide_id is not None:
        where.append("p.guide_id = ?")
        params.append(guide_id)
    if topic_id is not None:
        where.append("(p.topic_id = ? OR p.section_id = ?)")
        params += [topic_id, topic_id]
    if tier is not None:
        where.append("p.tier IS NULL" if tier == 0 else f"p.tier = {int(tier)}")
    if status is not None:
        statuses = [status] if isinstance(status, str) else list(status)
        where.append(f"r.status IN ({', '.join('?' * len(statuses))})")
        params += statuses
    if topic_id is None:  # across topics: each resource once, in its lead tier
        return sum(
            getattr(reference_guide_counts(cat, guide_id, tier), s)
            for s in (STATUSES if status is None else [status] if isinstance(status, str)
                      else status)
        )
    where = " AND ".join(where)
    return cat.conn.execute(
        "SELECT count(*) FROM placements p JOIN resources r ON r.id = p.resource_id "
        f"WHERE {where}",
        params,
    ).fetchone()[0]


def assert_counts_agree(cat: Catalogue) -> None:
    assert counts_match_tables(cat)
    guides = [None] + [g.id for g in cat.guides()]
    topics = [None] + [t.id for t in cat.topics()]
    for guide_id in guides:
        live_topics = {row[0] for row in cat.conn.execute("SELECT id FROM topics WHERE removed_at IS NULL")}
        ref = {k: v for k, v in reference_topic_counts(cat, guide_id).items() if k[0] in live_topics}
        assert api_topic_counts(cat, guide_id) == ref
        for tier in (None, 0, 1, 2, 3):
            assert cat.guide_counts(guide_id, tier) == reference_guide_counts(cat, guide_id, tier)
    for topic_id in topics:
        expected: dict = {}
        if topic_id is None:  # the tabs of a list across topics: resources by lead tier
            for tier in (0, 1, 2, 3):
                c = reference_guide_counts(cat, None, tier)
                n = sum(getattr(c, s) for s in STATUSES)
                if n:
                    expected[tier or None] = n
        for tier, n in () if topic_id is None else cat.conn.execute(
            "SELECT p.tier, count(*) FROM placements p WHERE p.removed_at IS NULL "
            + ("AND (p.topic_id = ? OR p.section_id = ?) " if topic_id else "")
            + "GROUP BY p.tier",
            (topic_id, topic_id) if topic_id else (),
        ):
            expected[tier] = n
        assert cat.tier_counts(None, topic_id) == expected
        for tier in (None, 0, 2):
            for status in (None, "todo", ("done", "reading")):
                assert cat.count_items(None, topic_id, tier, status) == reference_count_items(
                    cat, None, topic_id, tier, status
                )


GUIDE_A = """# Guide A

## 1. Alpha

#### Tier 1

- [One](https://x.test/1) - A. One.
- [Two](https://x.test/2) - B. Two.

### Alpha Section

#### Tier 2

- [Three](https://x.test/3) - C. Three.
- [One again](https://x.test/1) - A. One placed twice in a guide.

## 2. Beta

- [Four](https://x.test/4) - D. Untiered.

#### Tier 3

- [Five](https://x.test/5) - E. Five.
"""

GUIDE_B = """# Guide B

## 1. Gamma

#### Tier 2

- [Shared Two](https://x.test/2) - B. Two, in another guide.
- [Six](https://x.test/6) - F. Six.
"""


@pytest.fixture
def cat(tmp_path: Path):
    c = Catalogue.open(tmp_path / "counts.db", seed=False)
    c.import_text(GUIDE_A, source="a")
    c.import_text(GUIDE_B, source="b")
    yield c
    c.close()


def test_counts_follow_status_changes(cat: Catalogue) -> None:
    assert_counts_agree(cat)
    for rid in (1, 2, 5):
        cat.set_status(rid, "done")
        assert_counts_agree(cat)
    cat.set_status(2, "skipped")
    cat.set_status(1, "reading")
    assert_counts_agree(cat)
    assert cat.guide_counts().done == 1 and cat.guide_counts().skipped == 1


def test_counts_follow_reimports_filing_and_restores(cat: Catalogue) -> None:
    cat.set_status(1, "done")
    changed = GUIDE_A.replace("#### Tier 1\n", "#### Tier 2\n").replace(
        "- [Five](https://x.test/5) - E. Five.\n", "")
    cat.import_text(changed, source="a")
    assert_counts_agree(cat)
    cat.import_text(GUIDE_A, source="a")
    assert_counts_agree(cat)
    # Filing from the Inbox: a new link, a link already placed elsewhere, a section.
    beta, section = cat.find_topic("2"), cat.find_topic("alpha section")
    cat.place_resource(NewResource("https://x.test/new", "https://x.test/new", "New", None, "",
                                   "feed"), beta.id, 1)
    cat.place_resource(NewResource("https://x.test/6", "https://x.test/6", "Six", None, "",
                                   "feed"), section.id, None)
    assert_counts_agree(cat)
    assert index_matches_tables(cat)
    # A restore that changes statuses and notes.
    data = export_data(cat)
    data["resources"]["https://x.test/1"].update(status="skipped", status_at="2999-01-01T00:00:00Z")
    data["resources"]["https://x.test/6"] = {"status": "reading", "status_at": "2999-01-01T00:00:00Z",
                                            "note": {"body": "x", "updated_at": "2999-01-01T00:00:00Z"}}
    report = merge_export(cat, parse_export(data))
    assert report.statuses == 2 and report.notes == 1
    assert cat.guide_counts().skipped == 1 and cat.guide_counts().reading == 1
    assert_counts_agree(cat)
    assert index_matches_tables(cat)


def _retier(text: str, rng: random.Random) -> str:
    """A random tier heading of the guide changed to another tier."""
    heads = [i for i, line in enumerate(text.split("\n")) if line.startswith("#### Tier ")]
    lines = text.split("\n")
    if heads:
        lines[rng.choice(heads)] = f"#### Tier {rng.choice([1, 2, 3])}"
    return "\n".join(lines)


def _move(text: str, rng: random.Random) -> str:
    """A random item line moved to another place in the guide (another topic or tier)."""
    lines = text.split("\n")
    items = [i for i, line in enumerate(lines) if line.startswith("- [")]
    line = lines.pop(rng.choice(items))
    lines.insert(rng.choice([i for i, x in enumerate(lines) if x.startswith("- [")]), line)
    return "\n".join(lines)


def test_counts_and_index_survive_a_random_mix_of_writes(tmp_path: Path) -> None:
    rng = random.Random(7)
    cat = Catalogue.open(tmp_path / "mix.db", seed=False)
    texts = make_catalogue.plan_guides(300, seed=3, guides=3)
    current = list(texts)
    for i, text in enumerate(texts):
        cat.import_text(text, source=f"g{i}")
    conn = cat.conn
    ids = [r[0] for r in conn.execute("SELECT id FROM resources")]
    actions = ["status", "status", "note", "drop", "restore", "retier", "move", "file", "backup"]
    for step in range(72):
        action = rng.choice(actions)
        k = rng.randrange(len(texts))
        if action == "status":
            cat.set_status(rng.choice(ids), rng.choice(STATUSES))
        elif action == "note":
            cat.set_note(rng.choice(ids), rng.choice(["", "a note on kernels", "another"]))
        elif action in ("drop", "retier", "move", "restore"):
            if action == "drop":
                lines = current[k].split("\n")
                current[k] = "\n".join(
                    ln for ln in lines if not ln.startswith("- [") or rng.random() > 0.1)
            elif action == "retier":
                current[k] = _retier(current[k], rng)
            elif action == "move":
                current[k] = _move(current[k], rng)
            else:
                current[k] = texts[k]
            cat.import_text(current[k], source=f"g{k}")
        elif action == "file":
            topic = rng.choice([t for t in cat.topics() if t.guide_id == k + 1] or cat.topics())
            url = rng.choice([f"https://inbox.test/{step}", *[
                r[0] for r in conn.execute("SELECT url FROM resources ORDER BY random() LIMIT 1")]])
            cat.place_resource(NewResource(url, url, f"Filed {step}", None, "", "feed"), topic.id,
                               rng.choice([None, 1, 2, 3]))
        else:
            data = export_data(cat)
            for res in list(data["resources"].values())[:5]:
                res.update(status=rng.choice(STATUSES), status_at=f"2999-01-{1 + step // 24:02d}T{step % 24:02d}:00:00Z")
            merge_export(cat, parse_export(data))
        if step % 8 == 7:
            assert counts_match_tables(cat), f"after step {step} ({action})"
            assert index_matches_tables(cat), f"after step {step} ({action})"
    assert_counts_agree(cat)
    assert index_matches_tables(cat)
    cat.close()


# ---------------------------------------------------------------------------- synthetic catalogue
def test_make_catalogue_builds_the_promised_shape(tmp_path: Path) -> None:
    path = tmp_path / "cat-2k.db"
    stats = make_catalogue.make_catalogue(path, 2000, seed=5)
    assert stats["resources"] == 2000
    assert stats["guides"] >= 3
    assert stats["topics"] >= 30
    assert 2000 < stats["placements"] <= 2100  # a few links sit in two guides
    cat = Catalogue.open(path, seed=False)
    conn = cat.conn
    tiers = dict(conn.execute("SELECT COALESCE(tier, 0), count(*) FROM placements GROUP BY 1"))
    total = sum(tiers.values())
    assert abs(tiers[1] / total - 0.15) < 0.03
    assert abs(tiers[2] / total - 0.75) < 0.03
    assert abs(tiers[3] / total - 0.10) < 0.03
    assert 0 < tiers.get(0, 0) / total < 0.03
    statuses = dict(conn.execute("SELECT status, count(*) FROM resources GROUP BY 1"))
    assert abs((2000 - statuses["todo"]) / 2000 - 0.30) < 0.01
    assert set(statuses) == set(STATUSES)
    notes = conn.execute("SELECT count(*) FROM notes").fetchone()[0]
    assert notes == 100
    assert conn.execute("SELECT count(*) FROM events").fetchone()[0] == 600 + 100
    title_lengths = [r[0] for r in conn.execute("SELECT length(title) FROM resources")]
    desc_lengths = [r[0] for r in conn.execute("SELECT length(description) FROM resources")]
    assert 30 <= statistics.median(title_lengths) <= 60
    assert 90 <= statistics.median(desc_lengths) <= 180
    authors = conn.execute("SELECT count(*) FROM resources WHERE author IS NOT NULL").fetchone()[0]
    assert 0.9 < authors / 2000 < 1.0
    sections = conn.execute("SELECT count(*) FROM topics WHERE parent_id IS NOT NULL").fetchone()[0]
    assert sections > 0
    # Derived data is complete and searchable.
    assert index_matches_tables(cat)
    assert counts_match_tables(cat)
    assert search(cat, "kernel").total > 0
    assert search(cat, "in:notes").total == 100
    cat.close()


def test_make_catalogue_refuses_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    path.write_bytes(b"")
    with pytest.raises(SystemExit):
        make_catalogue.make_catalogue(path, 10)


def test_single_guide_markdown_imports_n_resources(tmp_path: Path) -> None:
    cat = Catalogue.open(tmp_path / "one.db", seed=False)
    report = cat.import_text(make_catalogue.guide_markdown(1500, seed=2), source="one")
    assert report.resources == 1500 and report.placements == 1500
    assert not report.warnings
    cat.close()
