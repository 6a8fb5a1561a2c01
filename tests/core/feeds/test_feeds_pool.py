"""A refresh with many feeds due parses them in worker processes (feeds_pool.py): it stores
exactly what parsing inline stores, for good, broken and hostile feeds alike, and a worker
pool that breaks leaves the refresh to parse inline (real 127.0.0.1 server)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest

from feeds_support import (
    BROKEN_RSS,
    FAST,
    LMSYS_RSS,
    VLLM_ATOM,
    Route,
    delayed,
    fixed_now,
    open_catalogue,
    rss,
    serve,
)
from tuiguide.core.feeds import pool as feeds_pool
from tuiguide.core.feeds import refresh as feeds
from tuiguide.core.feeds.fetch import FetchSettings
from tuiguide.core.feeds.inbox import entries
from tuiguide.core.store.catalogue import Catalogue

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



def follow_with_one_held(cat, server, gate: threading.Event) -> None:
    follow_all(cat, server)
    server.routes["/held.xml"] = delayed(rss("Held", [("h1", "Late post", "https://h.example/1")]),
                                      gate)
    feeds.insert_feed(cat, server.url("/held.xml"))


def test_parsed_feeds_are_stored_while_a_slow_feed_is_still_loading(tmp_path: Path,
                                                                     server) -> None:
    """Each feed lands in the Inbox as soon as a worker has parsed it, not when the slowest
    feed of the refresh has answered."""
    gate = threading.Event()
    cat = open_catalogue(tmp_path / "c.db")
    follow_with_one_held(cat, server, gate)
    cat.close()
    seen: list[int] = []
    all_but_one = threading.Event()

    def progress(p: feeds.RefreshProgress) -> None:
        seen.append(p.done)
        if p.done == FEEDS:
            all_but_one.set()

    def run() -> None:
        with Catalogue.open(tmp_path / "c.db", seed=False, now=fixed_now) as cat:
            settings = FetchSettings(timeout=30, connect_timeout=5, max_parallel=8)
            feeds.refresh(cat, settings=settings, progress=progress)

    refresher = threading.Thread(target=run)
    refresher.start()
    try:
        assert all_but_one.wait(20), f"only {len(seen)} feeds stored while one was still loading"
        assert feeds_pool.workers_for(FEEDS + 1) is not None
    finally:
        gate.set()
        refresher.join(30)
    assert seen == list(range(1, FEEDS + 2))


def _processes_with(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker.encode() in (entry / "environ").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs Linux /proc")
def test_a_killed_refresh_leaves_no_worker_processes(tmp_path: Path, server) -> None:
    """``kill -9`` of ``tuiguide refresh`` (a cron timeout) mid-refresh: its parsing workers
    end too, and whoever waits on the command's output is not kept waiting by them."""
    gate = threading.Event()
    db = tmp_path / "c.db"
    with open_catalogue(db) as cat:
        follow_with_one_held(cat, server, gate)
    marker = f"TUIGUIDE_TEST_RUN={uuid.uuid4().hex}"
    name, value = marker.split("=")
    env = {**os.environ, name: value, "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1"}
    cron = subprocess.Popen(
        [sys.executable, "-m", "tuiguide", "--db", str(db), "refresh", "--timeout", "60"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
    )
    try:
        deadline = time.monotonic() + 30
        while True:  # wait until the workers have parsed (and the command stored) feeds
            with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
                if conn.execute("SELECT count(*) FROM feed_entries").fetchone()[0]:
                    break
            assert cron.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        assert len(_processes_with(marker)) >= 2, "the refresh started no worker processes"
        cron.send_signal(signal.SIGKILL)
        cron.communicate(timeout=10)  # the workers hold its stdout and stderr until they end
        deadline = time.monotonic() + 10
        while _processes_with(marker) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _processes_with(marker) == []
    finally:
        gate.set()
        for pid in _processes_with(marker):
            os.kill(pid, signal.SIGKILL)
        if cron.poll() is None:
            cron.kill()
            cron.communicate()
