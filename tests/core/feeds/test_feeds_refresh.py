"""Refreshing feeds against a real HTTP server on 127.0.0.1 (no network, no mocked fetch)."""

from __future__ import annotations

import sqlite3
import threading
import time
import tracemalloc
from dataclasses import replace
from pathlib import Path

import pytest

from feeds_support import (
    BROKEN_RSS,
    FAST,
    LMSYS_RSS,
    VLLM_ATOM,
    FeedServer,
    Route,
    gzip_bomb,
    gzip_bytes,
    http_date,
    open_catalogue,
    rss,
    serve,
)
from tuiguide.core.errors import UserError
from tuiguide.core.feeds import refresh as feeds
from tuiguide.core.feeds.inbox import entries, inbox_count, inbox_entries
from tuiguide.core.store.catalogue import Catalogue
from tuiguide.core.store.connection import open_connection


@pytest.fixture
def server():
    yield from serve()


@pytest.fixture
def cat(tmp_path: Path):
    c = open_catalogue(tmp_path / "catalogue.db")
    yield c
    c.close()


def follow(cat: Catalogue, server: FeedServer, path: str, route: Route) -> feeds.Feed:
    server.routes[path] = route
    return feeds.insert_feed(cat, server.url(path))


def by_title(cat: Catalogue) -> dict[str, object]:
    return {e.title: e for e in entries(cat.conn, limit=1000)}


# --------------------------------------------------------------------------- defaults
def test_new_catalogue_follows_the_two_default_blogs(tmp_path: Path):
    with Catalogue.open(tmp_path / "c.db", seed=False) as cat:
        urls = sorted(f.link for f in feeds.list_feeds(cat.conn))
    assert urls == ["https://blog.vllm.ai/feed.xml", "https://lmsys.org/rss.xml"]


def test_removed_default_feed_stays_removed_after_reopening(tmp_path: Path):
    path = tmp_path / "c.db"
    with Catalogue.open(path, seed=False) as cat:
        feeds.remove_feed(cat, "https://lmsys.org/rss.xml")
    with Catalogue.open(path, seed=False) as cat:
        assert [f.link for f in feeds.list_feeds(cat.conn)] == ["https://blog.vllm.ai/feed.xml"]


def test_upgrading_a_schema_1_catalogue_adds_the_defaults_once(tmp_path: Path):
    from tuiguide.core.store.migrations import m0001_core

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    m0001_core.up(conn)
    conn.execute(
        "CREATE TABLE schema_migrations (number INTEGER PRIMARY KEY, name TEXT NOT NULL, "
        "applied_at TEXT NOT NULL)"
    )
    conn.execute("INSERT INTO schema_migrations VALUES (1, 'core', '2025-01-01T00:00:00Z')")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    notices: list[str] = []
    conn = open_connection(path, notices=notices)
    assert conn.execute("SELECT count(*) FROM feeds").fetchone()[0] == 2
    conn.execute("DELETE FROM feeds")
    conn.close()
    assert notices and "old.db" in notices[0]
    with Catalogue.open(path, seed=False) as cat:
        assert feeds.list_feeds(cat.conn) == []


# --------------------------------------------------------------------------- formats
def test_both_default_feed_formats_parse_into_plain_inbox_entries(cat, server):
    follow(cat, server, "/vllm.xml", Route(VLLM_ATOM))
    follow(cat, server, "/lmsys.xml", Route(LMSYS_RSS))
    seen: list[feeds.RefreshProgress] = []
    report = feeds.refresh(cat, settings=FAST, progress=seen.append)

    assert [p.done for p in seen] == [1, 2] and {p.total for p in seen} == {2}
    assert seen[-1].inbox_count == report.inbox_count == inbox_count(cat.conn)
    assert not report.failed

    got = by_title(cat)
    dist = got["Distributed Inference with vLLM & Ray: Part 2"]
    assert dist.link == "https://blog.vllm.ai/2025/02/24/distributed-inference.html"
    assert dist.author == "vLLM Team"
    assert dist.published_at == "2025-02-24T08:00:00Z"
    assert dist.summary == "How tensor and pipeline parallelism split a model across GPUs & nodes."
    assert dist.feed_title == "vLLM Blog" and dist.state == "new"
    v1 = got["vLLM V1: A Major Upgrade to vLLM’s Core Architecture"]
    assert v1.summary.startswith("We are thrilled")

    sgl = got["SGLang v0.4: Zero-Overhead Batch Scheduler & Faster Structured Outputs"]
    assert sgl.link == "https://lmsys.org/blog/2024-12-04-sglang-v0-4/"
    assert sgl.author == "The SGLang Team"
    assert sgl.published_at == "2024-12-04T00:00:00Z"
    assert sgl.summary == "" and sgl.feed_title == "LMSYS Org"

    rows = {f.link.rsplit("/", 1)[-1]: f for f in feeds.list_feeds(cat.conn)}
    assert rows["vllm.xml"].title == "vLLM Blog"
    assert rows["vllm.xml"].site_url == "https://blog.vllm.ai/"
    assert rows["vllm.xml"].entry_count == 3 and rows["lmsys.xml"].entry_count == 4
    assert rows["lmsys.xml"].last_status == 200 and rows["lmsys.xml"].state == "ok"
    assert rows["lmsys.xml"].last_success_at == "2025-03-01T12:00:00Z"


def test_inbox_is_newest_first_and_pages(cat, server):
    follow(cat, server, "/vllm.xml", Route(VLLM_ATOM))
    follow(cat, server, "/lmsys.xml", Route(LMSYS_RSS))
    feeds.refresh(cat, settings=FAST)
    dates = [e.sort_at for e in inbox_entries(cat.conn, limit=100)]
    assert dates == sorted(dates, reverse=True) and len(dates) == inbox_count(cat.conn) == 5
    first = inbox_entries(cat.conn, limit=2)
    second = inbox_entries(cat.conn, limit=2, offset=2)
    assert [e.id for e in first + second] == [e.id for e in inbox_entries(cat.conn)][:4]
    assert first[0].title.startswith("Deploying DeepSeek")


def test_entry_already_in_the_guide_stays_out_of_the_inbox(cat, server):
    follow(cat, server, "/vllm.xml", Route(VLLM_ATOM))
    follow(cat, server, "/lmsys.xml", Route(LMSYS_RSS))
    feeds.refresh(cat, settings=FAST)
    got = by_title(cat)
    for title in ("Large Scale Serving: DeepSeek on vLLM", "Towards Deterministic Inference in SGLang"):
        entry = got[title]
        assert entry.state == "in_guide"
        assert entry.resource_id == cat.conn.execute(
            "SELECT id FROM resources WHERE url = ?", (entry.url,)
        ).fetchone()[0]
    inbox_titles = {e.title for e in inbox_entries(cat.conn)}
    assert "Large Scale Serving: DeepSeek on vLLM" not in inbox_titles
    assert len(inbox_titles) == 5


def test_javascript_link_is_kept_as_text_but_never_openable(cat, server):
    follow(cat, server, "/lmsys.xml", Route(LMSYS_RSS))
    feeds.refresh(cat, settings=FAST)
    entry = by_title(cat)["Click me"]
    assert entry.link is None and entry.url is None
    assert entry.raw_link == "javascript:alert(document.cookie)"
    assert entry.as_json()["url"] is None


def test_user_agent_and_conditional_headers(cat, server):
    follow(cat, server, "/vllm.xml", Route(VLLM_ATOM, etag='"abc"', last_modified=http_date(1e9)))
    feeds.refresh(cat, settings=FAST)
    feeds.refresh(cat, settings=FAST)
    first, second = server.hits("/vllm.xml")
    assert first.headers["user-agent"].startswith("tuiguide/") and "(+feed reader)" in (
        first.headers["user-agent"]
    )
    assert "if-none-match" not in first.headers
    assert second.headers["if-none-match"] == '"abc"'
    assert second.headers["if-modified-since"] == http_date(1e9)


# --------------------------------------------------------------------------- 304
def _count_parses(monkeypatch) -> list[bytes]:
    calls: list[bytes] = []
    real = feeds.parse_feed

    def spy(body: bytes, **kwargs):
        calls.append(body)
        return real(body, **kwargs)

    monkeypatch.setattr(feeds, "parse_feed", spy)
    return calls


@pytest.mark.parametrize("validator", ["etag", "last_modified"])
def test_304_costs_no_parsing_and_leaves_entries_alone(cat, server, monkeypatch, validator):
    kwargs = {"etag": '"v1"'} if validator == "etag" else {"last_modified": http_date(1.7e9)}
    follow(cat, server, "/vllm.xml", Route(VLLM_ATOM, **kwargs))
    parses = _count_parses(monkeypatch)
    feeds.refresh(cat, settings=FAST)
    before = [(e.id, e.title, e.state) for e in entries(cat.conn, limit=100)]
    assert len(parses) == 1 and len(before) == 3

    # The server's document changes, but it answers 304 to our validator.
    server.routes["/vllm.xml"].body = rss("Changed", [("x", "Never seen", "https://x.example/n")])
    report = feeds.refresh(cat, settings=FAST)

    assert [o.result for o in report.outcomes] == ["not_modified"]
    assert server.hits("/vllm.xml")[-1].status == 304
    assert len(parses) == 1
    assert [(e.id, e.title, e.state) for e in entries(cat.conn, limit=100)] == before
    feed = feeds.list_feeds(cat.conn)[0]
    assert feed.last_status == 304 and feed.state == "ok" and feed.entry_count == 3


def test_duplicate_entries_across_refreshes_are_stored_once(cat, server):
    follow(cat, server, "/lmsys.xml", Route(LMSYS_RSS))
    first = feeds.refresh(cat, settings=FAST)
    count = cat.conn.execute("SELECT count(*) FROM feed_entries").fetchone()[0]
    second = feeds.refresh(cat, settings=FAST)
    assert first.new_entries == 3 and second.new_entries == 0
    assert cat.conn.execute("SELECT count(*) FROM feed_entries").fetchone()[0] == count == 4

    # A post edited upstream (same guid) is updated in place, not added again.
    server.routes["/lmsys.xml"].body = LMSYS_RSS.replace(
        "Towards Deterministic Inference in SGLang", "Deterministic Inference in SGLang (updated)"
    )
    feeds.refresh(cat, settings=FAST)
    assert cat.conn.execute("SELECT count(*) FROM feed_entries").fetchone()[0] == 4
    assert "Deterministic Inference in SGLang (updated)" in by_title(cat)


def test_same_post_in_two_feeds_is_stored_once(cat, server):
    doc_a = rss("A", [("a-1", "Shared post", "https://shared.example/post/")])
    doc_b = rss("B", [("b-9", "Shared post again", "https://SHARED.example/post?utm_source=b")])
    follow(cat, server, "/a.xml", Route(doc_a))
    follow(cat, server, "/b.xml", Route(doc_b))
    report = feeds.refresh(cat, settings=FAST)
    assert report.new_entries == 1
    assert cat.conn.execute("SELECT count(*) FROM feed_entries").fetchone()[0] == 1


def test_dismissed_entry_does_not_come_back(cat, server):
    from tuiguide.core.feeds.inbox import dismiss

    follow(cat, server, "/lmsys.xml", Route(LMSYS_RSS))
    feeds.refresh(cat, settings=FAST)
    target = inbox_entries(cat.conn)[0]
    dismiss(cat, target.id)
    feeds.refresh(cat, settings=FAST)
    assert target.id not in {e.id for e in inbox_entries(cat.conn)}
    assert inbox_count(cat.conn) == 2


# --------------------------------------------------------------------------- failures
def test_a_server_that_never_answers_times_out_while_the_others_finish(cat, server):
    follow(cat, server, "/hang.xml", Route(hang=True))
    follow(cat, server, "/vllm.xml", Route(VLLM_ATOM))
    follow(cat, server, "/lmsys.xml", Route(LMSYS_RSS))
    order: list[str] = []
    started = time.monotonic()
    report = feeds.refresh(
        cat, settings=FAST, progress=lambda p: order.append(p.outcome.feed.link.rsplit("/", 1)[-1])
    )
    elapsed = time.monotonic() - started
    assert order[-1] == "hang.xml" and sorted(order[:2]) == ["lmsys.xml", "vllm.xml"]
    (failed,) = report.failed
    assert failed.message == "timed out after 1.5 s"
    assert elapsed < FAST.timeout * 4  # generous: the point is it did not hang
    hang = feeds.find_feed(cat.conn, server.url("/hang.xml"))
    assert hang.state == "failing" and hang.error == "timed out after 1.5 s"
    assert hang.last_status is None and hang.last_success_at is None
    assert inbox_count(cat.conn) == 5


def test_a_server_that_drips_bytes_hits_the_total_deadline(cat, server):
    """Each read arrives well within a per-read timeout; only the total deadline stops it."""

    def drip(handler):
        body = LMSYS_RSS.encode()
        handler.send_response(200)
        handler.send_header("Content-Type", "application/rss+xml")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        for i in range(0, len(body), 16):
            if server.stopping.is_set():
                return
            handler.wfile.write(body[i : i + 16])
            handler.wfile.flush()
            time.sleep(0.2)

    follow(cat, server, "/drip.xml", Route(handler=drip))
    started = time.monotonic()
    (failed,) = feeds.refresh(cat, settings=FAST).failed
    assert failed.message == "timed out after 1.5 s"
    assert time.monotonic() - started < FAST.timeout * 4
    assert cat.conn.execute("SELECT count(*) FROM feed_entries").fetchone()[0] == 0


def test_gzip_bomb_is_refused_with_bounded_memory(cat, server):
    inflated = 64 * 1024 * 1024
    bomb = gzip_bomb(inflated)
    assert len(bomb) < inflated // 500
    follow(cat, server, "/bomb.xml", Route(bomb, headers={"Content-Encoding": "gzip"}))
    tracemalloc.start()
    try:
        report = feeds.refresh(cat, settings=FAST)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    (failed,) = report.failed
    assert failed.message == "response larger than 1 MB (refused)"
    assert peak < 8 * 1024 * 1024, f"peak {peak} bytes while refusing a {inflated}-byte body"
    assert cat.conn.execute("SELECT count(*) FROM feed_entries").fetchone()[0] == 0


def test_gzip_encoded_feed_under_the_cap_is_read(cat, server):
    follow(cat, server, "/gz.xml", Route(gzip_bytes(LMSYS_RSS), headers={"Content-Encoding": "gzip"}))
    report = feeds.refresh(cat, settings=FAST)
    assert not report.failed and report.new_entries == 3


def test_plain_body_over_the_cap_is_refused(cat, server):
    big = rss("Big", [(f"g{i}", "x" * 2000, f"https://big.example/{i}") for i in range(800)])
    follow(cat, server, "/big.xml", Route(big))
    (failed,) = feeds.refresh(cat, settings=FAST).failed
    assert failed.message == "response larger than 1 MB (refused)"


def test_404_is_recorded_and_the_feed_backs_off(cat, server):
    follow(cat, server, "/gone.xml", Route(status=404, body="nope", content_type="text/plain"))
    follow(cat, server, "/lmsys.xml", Route(LMSYS_RSS))
    report = feeds.refresh(cat, settings=FAST)
    (failed,) = report.failed
    assert failed.message == "HTTP 404 Not Found"
    gone = feeds.find_feed(cat.conn, server.url("/gone.xml"))
    assert (gone.last_status, gone.failures, gone.state) == (404, 1, "failing")
    assert gone.next_attempt_at == "2025-03-01T12:01:00Z"  # one minute after the first failure

    again = feeds.refresh(cat, settings=FAST)
    assert [o.feed.id for o in again.skipped] == [gone.id]
    assert len(server.hits("/gone.xml")) == 1
    forced = feeds.refresh(cat, settings=FAST, force=True)
    assert len(server.hits("/gone.xml")) == 2
    assert feeds.find_feed(cat.conn, server.url("/gone.xml")).failures == 2
    assert forced.failed[0].feed.next_attempt_at == "2025-03-01T12:02:00Z"


def test_recovery_clears_the_error(cat, server):
    follow(cat, server, "/flaky.xml", Route(status=500, body="oops"))
    feeds.refresh(cat, settings=FAST)
    server.routes["/flaky.xml"] = Route(LMSYS_RSS)
    feeds.refresh(cat, settings=FAST, force=True)
    feed = feeds.find_feed(cat.conn, server.url("/flaky.xml"))
    assert (feed.state, feed.error, feed.failures, feed.next_attempt_at) == ("ok", None, 0, None)


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_is_honoured(cat, server, status):
    follow(cat, server, "/busy.xml", Route(status=status, headers={"Retry-After": "600"}))
    report = feeds.refresh(cat, settings=FAST)
    assert report.failed[0].message.startswith(f"HTTP {status}")
    feed = feeds.find_feed(cat.conn, server.url("/busy.xml"))
    assert feed.next_attempt_at == "2025-03-01T12:10:00Z"
    assert [o.result for o in feeds.refresh(cat, settings=FAST).outcomes] == ["skipped"]
    # Even a forced refresh waits: the server asked for it.
    assert [o.result for o in feeds.refresh(cat, settings=FAST, force=True).outcomes] == ["skipped"]
    assert len(server.hits("/busy.xml")) == 1


def test_redirect_loop_fails_after_five_redirects(cat, server):
    server.routes["/loop-a"] = Route(status=302, location="/loop-b")
    follow(cat, server, "/loop-b", Route(status=302, location="/loop-a"))
    (failed,) = feeds.refresh(cat, settings=FAST).failed
    assert failed.message == "too many redirects (more than 5)"
    assert len(server.requests) == 6  # the first request and five redirects


def test_redirects_are_followed(cat, server):
    server.routes["/feed.xml"] = Route(LMSYS_RSS)
    follow(cat, server, "/old", Route(status=301, location="/feed.xml"))
    report = feeds.refresh(cat, settings=FAST)
    assert not report.failed and report.new_entries == 3


def test_malformed_xml_keeps_what_parsed_and_records_the_problem(cat, server):
    follow(cat, server, "/broken.xml", Route(BROKEN_RSS))
    report = feeds.refresh(cat, settings=FAST)
    assert not report.failed
    titles = set(by_title(cat))
    assert {"First good post", "Second good post"} <= titles
    feed = feeds.list_feeds(cat.conn)[0]
    assert feed.state == "warning" and feed.last_success_at is not None
    assert feed.error.startswith("malformed feed: not well-formed")
    assert "kept 3 entries" in feed.error


def test_an_html_page_is_not_a_feed(cat, server):
    page = "<!DOCTYPE html><html><head><title>Blog</title></head><body><p>hi</p></body></html>"
    follow(cat, server, "/blog", Route(page, content_type="text/html; charset=utf-8"))
    (failed,) = feeds.refresh(cat, settings=FAST).failed
    assert failed.message == "not an RSS or Atom feed (the server sent an HTML page)"


def test_unreachable_host_is_reported(cat, server):
    dead = FeedServer()
    url = dead.url("/feed.xml")
    dead.httpd.server_close()  # the port is now closed
    feeds.insert_feed(cat, url)
    (failed,) = feeds.refresh(cat, settings=FAST).failed
    assert failed.message == "connection refused"


def test_one_hostile_feed_does_not_stop_the_rest(cat, server):
    follow(cat, server, "/bomb.xml", Route(gzip_bomb(8 * 1024 * 1024),
                                            headers={"Content-Encoding": "gzip"}))
    follow(cat, server, "/gone.xml", Route(status=404))
    follow(cat, server, "/broken.xml", Route(BROKEN_RSS))
    follow(cat, server, "/junk.xml", Route(b"\x00\xff\xfe garbage \x89PNG", content_type="image/png"))
    follow(cat, server, "/lmsys.xml", Route(LMSYS_RSS))
    report = feeds.refresh(cat, settings=FAST)
    results = {o.feed.link.rsplit("/", 1)[-1]: o.result for o in report.outcomes}
    assert results == {"bomb.xml": "failed", "gone.xml": "failed", "broken.xml": "updated",
                       "junk.xml": "failed", "lmsys.xml": "updated"}


# --------------------------------------------------------------------------- limits
def test_at_most_two_requests_per_host_at_once(cat, server):
    active = 0
    peak = 0
    lock = threading.Lock()

    def slow(handler):
        nonlocal active, peak
        with lock:
            active += 1
            peak = max(peak, active)
        time.sleep(0.25)
        with lock:
            active -= 1
        body = rss("Slow", []).encode()
        handler.send_response(200)
        handler.send_header("Content-Type", "application/rss+xml")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    for i in range(5):
        follow(cat, server, f"/slow{i}.xml", Route(handler=slow))
    report = feeds.refresh(cat, settings=replace(FAST, max_parallel=8))
    assert not report.failed
    assert peak == 2


def test_stop_ends_a_refresh_early_and_keeps_what_landed(cat, server):
    follow(cat, server, "/lmsys.xml", Route(LMSYS_RSS))
    follow(cat, server, "/hang.xml", Route(hang=True))
    stop = threading.Event()
    slow = replace(FAST, timeout=20.0)

    def on_progress(p: feeds.RefreshProgress) -> None:
        stop.set()  # the quick feed landed: stop waiting for the hanging one

    started = time.monotonic()
    report = feeds.refresh(cat, settings=slow, progress=on_progress, stop=stop)
    assert time.monotonic() - started < 10
    assert report.cancelled
    assert [o.result for o in report.outcomes] == ["updated"]
    assert inbox_count(cat.conn) == 3


# --------------------------------------------------------------------------- adding
def test_add_feed_fetches_it_first(cat, server):
    server.routes["/lmsys.xml"] = Route(LMSYS_RSS)
    outcome = feeds.add_feed(cat, server.url("/lmsys.xml"), settings=FAST)
    assert outcome.feed.title == "LMSYS Org" and outcome.new_entries == 3
    with pytest.raises(UserError, match="already followed"):
        feeds.add_feed(cat, server.url("/lmsys.xml") + "/", settings=FAST)


@pytest.mark.parametrize(
    ("path", "route", "message"),
    [
        ("/missing.xml", None, "HTTP 404 Not Found; not added"),
        ("/page", Route("<html><body>hi</body></html>", content_type="text/html"),
         "not an RSS or Atom feed (the server sent an HTML page); not added"),
    ],
)
def test_add_feed_refuses_what_is_not_a_feed(cat, server, path, route, message):
    if route is not None:
        server.routes[path] = route
    with pytest.raises(UserError) as err:
        feeds.add_feed(cat, server.url(path), settings=FAST)
    assert str(err.value).startswith(server.url(path) + ": ")
    assert message in str(err.value)
    assert feeds.list_feeds(cat.conn) == []


@pytest.mark.parametrize("url", ["ftp://example.com/feed", "javascript:alert(1)", "feed.xml", ""])
def test_add_feed_refuses_non_web_urls(cat, url):
    with pytest.raises(UserError, match="not a feed URL"):
        feeds.add_feed(cat, url, settings=FAST)


async def test_refresh_called_from_a_running_event_loop(cat, server):
    """The UI may call refresh from async code: fetching moves to a helper thread and the
    results are still stored through this thread's connection."""
    follow(cat, server, "/lmsys.xml", Route(LMSYS_RSS))
    seen: list[int] = []
    report = feeds.refresh(cat, settings=FAST, progress=lambda p: seen.append(p.inbox_count))
    assert seen == [3] and report.new_entries == 3


def test_unchanged_entries_are_not_rewritten(cat, server):
    follow(cat, server, "/lmsys.xml", Route(LMSYS_RSS))
    feeds.refresh(cat, settings=FAST)
    changes = cat.conn.total_changes
    feeds.refresh(cat, settings=FAST)
    # Only the feed's own row is written when nothing in it changed.
    assert cat.conn.total_changes - changes <= 2
