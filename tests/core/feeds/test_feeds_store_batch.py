"""Storing a feed's entries with per-feed lookups (instead of queries per entry) and deferred
search indexing writes exactly what the entry-by-entry version wrote, whatever the mix of
repeated guids, links shared across feeds, links that move, links already in the guide."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tuiguide.core.feeds import refresh as feeds
from tuiguide.core.feeds.parse import ParsedEntry
from tuiguide.core.search.engine import search
from tuiguide.core.store.catalogue import Catalogue
from tuiguide.core.store.connection import transaction
from tuiguide.core.store.search_index import index_matches_tables

NOW = "2025-03-01T12:00:00Z"


def reference_store(cat: Catalogue, feed_id: int, entries: list[ParsedEntry], now: str) -> int:
    """The entry-by-entry version (one to four queries per entry, triggers indexing)."""
    conn = cat.conn
    new = 0
    for e in entries:
        sort_at = e.published_at if e.published_at and e.published_at <= now else now
        row = conn.execute(
            "SELECT id FROM feed_entries WHERE feed_id = ? AND identity = ?", (feed_id, e.identity)
        ).fetchone()
        if row:
            conn.execute(
                "UPDATE feed_entries SET url = ?, link = ?, raw_link = ?, title = ?, author = ?, "
                "summary = ?, published_at = ? WHERE id = ? AND (url IS NOT ? OR link IS NOT ? "
                "OR raw_link IS NOT ? OR title IS NOT ? OR author IS NOT ? OR summary IS NOT ? "
                "OR published_at IS NOT ?)",
                (e.url, e.link, e.raw_link, e.title, e.author, e.summary, e.published_at, row[0],
                 e.url, e.link, e.raw_link, e.title, e.author, e.summary, e.published_at),
            )
            continue
        if e.url and conn.execute(
            "SELECT 1 FROM feed_entries WHERE url = ? LIMIT 1", (e.url,)
        ).fetchone():
            continue
        resource = (
            conn.execute("SELECT id FROM resources WHERE url = ?", (e.url,)).fetchone()
            if e.url else None
        )
        state = "in_guide" if resource else "new"
        conn.execute(
            "INSERT INTO feed_entries (feed_id, identity, url, link, raw_link, title, author, "
            "summary, published_at, sort_at, state, state_at, resource_id, fetched_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (feed_id, e.identity, e.url, e.link, e.raw_link, e.title, e.author, e.summary,
             e.published_at, sort_at, state, now if resource else None,
             resource[0] if resource else None, now),
        )
        if state == "new":
            new += 1
    return new


def random_entries(rng: random.Random, guide_urls: list[str]) -> list[ParsedEntry]:
    out = []
    for _ in range(rng.randint(0, 25)):
        n = rng.randint(0, 30)
        url = rng.choice([None, f"https://blog.example/p{n}", f"https://blog.example/p{n}",
                          rng.choice(guide_urls)])
        out.append(ParsedEntry(
            identity=rng.choice([f"id:{rng.randint(0, 30)}", f"url:{url}"]),
            url=url, link=url, raw_link=url,
            title=f"Post {rng.randint(0, 5)} about kv cache", author=rng.choice([None, "Ann"]),
            summary=rng.choice(["", "A summary about paged attention."]),
            published_at=rng.choice([None, "2025-02-01T00:00:00Z", "2030-01-01T00:00:00Z"]),
        ))
    return out


def snapshot(cat: Catalogue) -> list[tuple]:
    return cat.conn.execute(
        "SELECT id, feed_id, identity, url, link, title, author, summary, published_at, "
        "sort_at, state, state_at, resource_id, fetched_at FROM feed_entries ORDER BY id"
    ).fetchall()


@pytest.mark.parametrize("seed", range(8))
def test_batched_store_writes_what_the_per_entry_store_wrote(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    cats = [Catalogue.open(tmp_path / f"{name}.db", now=lambda: NOW) for name in ("a", "b")]
    try:
        guide_urls = [row[0] for row in cats[0].conn.execute(
            "SELECT url FROM resources ORDER BY id LIMIT 5")]
        feed_ids = []
        for cat in cats:
            cat.conn.execute("DELETE FROM feeds")
            feed_ids.append([feeds.insert_feed(cat, f"https://feeds.example/{i}.xml").id
                             for i in range(3)])
        for _ in range(12):  # refreshes of random feeds with overlapping entries
            which = rng.randrange(3)
            entries = random_entries(rng, guide_urls)
            counts = []
            for cat, store, ids in ((cats[0], reference_store, feed_ids[0]),
                                    (cats[1], feeds._store_entries, feed_ids[1])):
                with transaction(cat.conn):
                    counts.append(store(cat, ids[which], entries, NOW))
            assert counts[0] == counts[1]
            assert snapshot(cats[0]) == snapshot(cats[1])
        assert index_matches_tables(cats[1])
        found = [sorted(h.title() for h in search(cat, "kv cache in:inbox").hits) for cat in cats]
        assert found[0] == found[1]
    finally:
        for cat in cats:
            cat.close()
