"""A refresh with many feeds due parses them in worker processes (a standard
``ProcessPoolExecutor``, parse_workers.py): it stores exactly what parsing inline stores, for
good, broken and hostile feeds alike; a worker pool that breaks or cannot start leaves the
refresh to parse inline; each feed is stored as soon as it is parsed; the workers serve the
next refresh and stop on shutdown; and Ctrl-C ends ``tuiguide refresh`` with its workers
(real 127.0.0.1 server, real subprocess)."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
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
from tuiguide.core.feeds import parse_workers
from tuiguide.core.feeds import refresh as feeds
from tuiguide.core.feeds.fetch import FetchSettings
from tuiguide.core.feeds.inbox import entries
from tuiguide.core.store.catalogue import Catalogue

DOCS = [VLLM_ATOM, LMSYS_RSS, BROKEN_RSS, "<html><body>not a feed</body></html>",
        "\ufeff" + rss("BOM <b>feed</b>", [("b1", "A &amp; B <script>x()</script>", "https://b.example/1")])]


@pytest.fixture
def server():
    yield from serve()


@pytest.fixture(autouse=True)
def own_workers():
    """Each test starts without worker processes (another test's may still run) and leaves
    none behind."""
    parse_workers.shutdown()
    yield
    parse_workers.shutdown()


FEEDS = parse_workers.PARALLEL_FROM + 4


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
        (e.title, e.link, e.author, e.summary, e.state) for e in entries(cat, limit=10_000)
    )
    return feed_rows, entry_rows


def count_worker_parses(monkeypatch) -> list[bool]:
    """Record, for each body handed to the workers, whether a worker took it."""
    taken: list[bool] = []
    submit = parse_workers.ParseWorkers.submit

    def spy(self, body, url, content_type):
        future = submit(self, body, url, content_type)
        taken.append(future is not None)
        return future

    monkeypatch.setattr(parse_workers.ParseWorkers, "submit", spy)
    return taken


def test_workers_store_what_inline_parsing_stores(tmp_path: Path, server, monkeypatch) -> None:
    taken = count_worker_parses(monkeypatch)
    results, in_workers = [], []
    for name, threshold in (("inline", 10**9), ("workers", parse_workers.PARALLEL_FROM)):
        monkeypatch.setattr(parse_workers, "PARALLEL_FROM", threshold)
        taken.clear()
        cat = open_catalogue(tmp_path / f"{name}.db")
        try:
            follow_all(cat, server)
            report = feeds.refresh(cat, settings=FAST)
            in_workers.append(sum(taken))
            results.append((stored(cat), sorted(o.result for o in report.outcomes),
                            report.inbox_count))
        finally:
            cat.close()
    inline, workers = results
    assert in_workers[0] == 0 and in_workers[1] > 0  # bodies went to worker processes
    assert workers == inline
    (feed_rows, entry_rows), outcomes, inbox = workers
    assert "failed" in outcomes and "updated" in outcomes  # the broken and HTML documents
    assert any("not an RSS or Atom feed" in (row[3] or "") for row in feed_rows)
    assert inbox == len([e for e in entry_rows if e[4] == "new"]) > 200
    assert not any("<script>" in (e[3] or "") or "x()" in e[0] for e in entry_rows)
    assert multiprocessing.active_children(), "the workers are kept for the next refresh"
    parse_workers.shutdown()
    assert multiprocessing.active_children() == []


def test_a_broken_worker_pool_falls_back_to_parsing_inline(tmp_path: Path, server,
                                                           monkeypatch) -> None:
    def broken(self, body, url, content_type):
        future: Future = Future()
        future.set_exception(BrokenProcessPool("a worker died"))
        return future

    cat = open_catalogue(tmp_path / "c.db")
    try:
        follow_all(cat, server)
        monkeypatch.setattr(parse_workers.ParseWorkers, "submit", broken)
        report = feeds.refresh(cat, settings=FAST)
        assert sorted(o.result for o in report.outcomes).count("updated") >= len(DOCS)
        assert len(entries(cat, limit=10_000)) > 200
    finally:
        cat.close()


def test_workers_that_cannot_start_leave_the_refresh_to_parse_inline(tmp_path: Path, server,
                                                                      monkeypatch) -> None:
    """No POSIX semaphores (some containers), a stderr without a file descriptor (the TUI):
    the executor cannot start, and every feed is still parsed and stored."""
    def cannot_start(self):
        raise OSError(38, "Function not implemented")

    taken = count_worker_parses(monkeypatch)
    monkeypatch.setattr(parse_workers.ParseWorkers, "_start", cannot_start)
    cat = open_catalogue(tmp_path / "c.db")
    try:
        follow_all(cat, server)
        report = feeds.refresh(cat, settings=FAST)
        assert not any(taken) and len(report.outcomes) == FEEDS
        assert len(entries(cat, limit=10_000)) > 200
    finally:
        cat.close()


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
        assert multiprocessing.active_children(), "no worker processes parsed the feeds"
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


@contextmanager
def refresh_while_parsing(tmp_path: Path, server, *, stored_feeds: int,
                          new_session: bool = False) -> Iterator[tuple[subprocess.Popen[bytes],
                                                                        str, Path]]:
    """``tuiguide refresh`` in a subprocess, once its parsing workers have stored
    ``stored_feeds`` feeds while one feed is held open: yields (the command, the marker in its
    workers' environment, the catalogue). Afterwards nothing it started is left running."""
    gate = threading.Event()
    db = tmp_path / "c.db"
    with open_catalogue(db) as cat:
        follow_with_one_held(cat, server, gate)
    marker = f"TUIGUIDE_TEST_RUN={uuid.uuid4().hex}"
    name, value = marker.split("=")
    env = {**os.environ, name: value, "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1"}
    cron = subprocess.Popen(
        [sys.executable, "-m", "tuiguide", "--db", str(db), "refresh", "--timeout", "60"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, start_new_session=new_session,
    )
    try:
        deadline = time.monotonic() + 30
        while True:  # wait until the workers have parsed (and the command stored) feeds
            with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
                stored = conn.execute(
                    "SELECT count(DISTINCT feed_id) FROM feed_entries").fetchone()[0]
            if stored >= stored_feeds:
                break
            assert cron.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        assert len(_processes_with(marker)) >= 2, "the refresh started no worker processes"
        yield cron, marker, db
    finally:
        gate.set()
        for pid in _processes_with(marker):
            os.kill(pid, signal.SIGKILL)
        if cron.poll() is None:
            cron.kill()
            cron.communicate()


def wait_until_gone(marker: str) -> None:
    """Until no process carries ``marker`` (10 s at most); then none may."""
    deadline = time.monotonic() + 10
    while _processes_with(marker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _processes_with(marker) == []


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs Linux /proc")
def test_ctrl_c_ends_a_refresh_cleanly(tmp_path: Path, server) -> None:
    """Ctrl-C (SIGINT to the whole process group, as a terminal sends it) while
    ``tuiguide refresh`` waits on a slow feed: it ends at once without a traceback, its
    worker processes end with it, and every feed it stored is whole."""
    with refresh_while_parsing(tmp_path, server, stored_feeds=3, new_session=True) as (
            cron, marker, db):
        os.killpg(cron.pid, signal.SIGINT)
        _out, err = cron.communicate(timeout=20)  # no process is left holding its output
        assert cron.returncode != 0
        assert b"Traceback" not in err, err.decode(errors="replace")
        wait_until_gone(marker)
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    per_feed = dict(conn.execute(
        "SELECT f.link, count(e.id) FROM feeds f JOIN feed_entries e ON e.feed_id = f.id "
        "GROUP BY f.id"))
    sizes = dict(conn.execute("SELECT link, entry_count FROM feeds WHERE entry_count > 0"))
    conn.close()
    assert per_feed and all(per_feed[link] == sizes[link] for link in per_feed)


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs Linux /proc")
def test_a_killed_refresh_leaves_no_worker_processes(tmp_path: Path, server) -> None:
    """``kill -9`` of ``tuiguide refresh`` alone (a cron timeout, the OOM killer) mid-refresh:
    its parsing workers end too, and whoever waits on the command's output is not kept
    waiting by them or by multiprocessing's resource tracker."""
    with refresh_while_parsing(tmp_path, server, stored_feeds=1) as (cron, marker, _db):
        cron.send_signal(signal.SIGKILL)
        cron.communicate(timeout=10)  # the workers hold its stdout and stderr until they end
        wait_until_gone(marker)
