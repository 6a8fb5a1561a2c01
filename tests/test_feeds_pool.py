"""A refresh with many feeds due parses them in worker processes (feeds_pool.py): it stores
exactly what parsing inline stores, for good, broken and hostile feeds alike, and a worker
pool that breaks leaves the refresh to parse inline (real 127.0.0.1 server)."""

from __future__ import annotations

from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest

from feeds_support import BROKEN_RSS, FAST, LMSYS_RSS, VLLM_ATOM, Route, open_catalogue, rss, serve
from tuiguide import feeds, feeds_pool
from tuiguide.inbox import entries

DOCS = [VLLM_ATOM, LMSYS_RSS, BROKEN_RSS, "<html><body>not a feed</body></html>",
        "\ufeff" + rss("BOM <b>feed</b>", [("b1", "A &amp; B <script>x()</script>", "https://b.example/1")])]


@pytest.fixture
def server():
    yield from serve()


FEEDS = feeds_pool.PARALLEL_FROM + 4


def follow_all(cat, server) -> None:
    for i in range(FEEDS):
        doc = DOCS[i % len(DOCS)] if i < len(DOCS) else rss(
            f"Feed {i}", [(f"g{i}-{k}", f"Post {k} of feed {i}", f"https://f{i}.example/{k}")
                          for k in range(30)])
        server.routes[f"/f{i}.xml"] = Route(doc)
        feeds.insert_feed(cat, server.url(f"/f{i}.xml"))


def stored(cat) -> tuple[list[tuple], list[tuple]]:
    feed_rows = cat.conn.execute(
        "SELECT link, title, last_status, error, entry_count, failures FROM feeds ORDER BY link"
    ).fetchall()
    entry_rows = sorted(
        (e.title, e.link, e.author, e.summary, e.state) for e in entries(cat.conn, limit=10_000)
    )
    return feed_rows, entry_rows


def refresh_both(tmp_path: Path, server, monkeypatch) -> tuple:
    results, parallel = [], []
    for name, threshold in (("inline", 10**9), ("workers", feeds_pool.PARALLEL_FROM)):
        monkeypatch.setattr(feeds_pool, "PARALLEL_FROM", threshold)
        cat = open_catalogue(tmp_path / f"{name}.db")
        try:
            follow_all(cat, server)
            report = feeds.refresh(cat, settings=FAST)
            parallel.append(feeds_pool.workers_for(len(report.outcomes)) is not None)
            results.append((stored(cat), sorted(o.result for o in report.outcomes),
                            report.inbox_count))
        finally:
            cat.close()
    return results, parallel


def test_workers_store_what_inline_parsing_stores(tmp_path: Path, server, monkeypatch) -> None:
    (inline, workers), parallel = refresh_both(tmp_path, server, monkeypatch)
    assert parallel == [False, True]
    assert workers == inline
    (feed_rows, entry_rows), outcomes, inbox = workers
    assert "failed" in outcomes and "updated" in outcomes  # the broken and HTML documents
    assert any("not an RSS or Atom feed" in (row[3] or "") for row in feed_rows)
    assert inbox == len([e for e in entry_rows if e[4] == "new"]) > 200
    assert not any("<script>" in (e[3] or "") or "x()" in e[0] for e in entry_rows)


def test_a_broken_worker_pool_falls_back_to_parsing_inline(tmp_path: Path, server,
                                                           monkeypatch) -> None:
    def broken(pool, body, url, content_type):
        future: Future = Future()
        future.set_exception(BrokenProcessPool("a worker died"))
        return future

    cat = open_catalogue(tmp_path / "c.db")
    try:
        follow_all(cat, server)
        monkeypatch.setattr(feeds_pool, "submit", broken)
        report = feeds.refresh(cat, settings=FAST)
        assert sorted(o.result for o in report.outcomes).count("updated") >= len(DOCS)
        assert len(entries(cat.conn, limit=10_000)) > 200
    finally:
        cat.close()


def test_few_feeds_are_parsed_inline() -> None:
    assert feeds_pool.workers_for(feeds_pool.PARALLEL_FROM - 1) is None
