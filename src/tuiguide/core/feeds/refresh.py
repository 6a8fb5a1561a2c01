"""Following feeds: add, remove, list, and refresh them into the Inbox.

A refresh fetches every due feed at once (:mod:`tuiguide.core.feeds.fetch`), and as each one
lands parses it (:mod:`tuiguide.core.feeds.parse`), stores its entries in one transaction and
calls ``progress`` so a UI can update its counts feed by feed. One bad feed never stops the
others: its error, status and backoff are recorded on its row for the user to see.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import BrokenExecutor, Future, as_completed
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from tuiguide.core.errors import UserError
from tuiguide.core.feeds import pool as feeds_pool
from tuiguide.core.feeds.fetch import (
    FetchRequest,
    FetchResult,
    FetchSettings,
    fetch_in_background,
    run_fetches,
)
from tuiguide.core.store.connection import transaction
from tuiguide.core.text.urls import is_openable, normalise_url

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

    from tuiguide.core.feeds.parse import (  # feedparser: imported when parsing
        ParsedEntry,
        ParsedFeed,
    )
    from tuiguide.core.store.catalogue import Catalogue

BACKOFF_BASE = 60.0  # seconds after the first failure; doubles with each further one
BACKOFF_MAX = 6 * 3600.0
RETRY_AFTER_MAX = 24 * 3600.0

_FEED_COLUMNS = (
    "f.id, f.url, f.link, f.title, f.site_url, f.last_status, f.last_checked_at, "
    "f.last_success_at, f.error, f.entry_count, f.failures, f.next_attempt_at, f.created_at, "
    "(SELECT count(*) FROM feed_entries e WHERE e.feed_id = f.id AND e.state = 'new' "
    " AND (e.url IS NULL OR NOT EXISTS (SELECT 1 FROM resources r WHERE r.url = e.url))), "
    "(SELECT count(*) FROM feed_entries e WHERE e.feed_id = f.id), f.etag, f.last_modified"
)


@dataclass(frozen=True)
class Feed:
    """One followed feed and the state of its last refresh."""

    id: int
    url: str
    link: str
    title: str
    site_url: str | None
    last_status: int | None
    last_checked_at: str | None
    last_success_at: str | None
    error: str | None
    entry_count: int
    failures: int
    next_attempt_at: str | None
    created_at: str
    new_count: int = 0
    stored_count: int = 0
    etag: str | None = None
    last_modified: str | None = None

    @property
    def name(self) -> str:
        """What to call the feed: its title, else its URL."""
        return self.title or self.link

    @property
    def state(self) -> str:
        """'new' (never fetched), 'ok', 'warning' (parsed with problems) or 'failing'."""
        if self.last_checked_at is None:
            return "new"
        if self.failures:
            return "failing"
        return "warning" if self.error else "ok"

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "url": self.link,
            "title": self.title,
            "site_url": self.site_url,
            "state": self.state,
            "last_status": self.last_status,
            "last_checked_at": self.last_checked_at,
            "last_success_at": self.last_success_at,
            "error": self.error,
            "entry_count": self.entry_count,
            "new": self.new_count,
            "stored": self.stored_count,
            "failures": self.failures,
            "next_attempt_at": self.next_attempt_at,
        }


@dataclass(frozen=True)
class FeedOutcome:
    """What one refresh did to one feed."""

    feed: Feed
    result: str  # 'updated' | 'not_modified' | 'failed' | 'skipped'
    new_entries: int = 0
    message: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.feed.id,
            "url": self.feed.link,
            "title": self.feed.title,
            "result": self.result,
            "new": self.new_entries,
            "status": self.feed.last_status,
            "message": self.message,
        }


@dataclass(frozen=True)
class RefreshProgress:
    """Handed to the progress callback after each feed lands."""

    done: int
    total: int
    outcome: FeedOutcome
    inbox_count: int


@dataclass
class RefreshReport:
    outcomes: list[FeedOutcome]
    inbox_count: int
    cancelled: bool = False

    @property
    def new_entries(self) -> int:
        return sum(o.new_entries for o in self.outcomes)

    @property
    def failed(self) -> list[FeedOutcome]:
        return [o for o in self.outcomes if o.result == "failed"]

    @property
    def skipped(self) -> list[FeedOutcome]:
        return [o for o in self.outcomes if o.result == "skipped"]

    def as_json(self) -> dict[str, Any]:
        return {
            "feeds": [o.as_json() for o in self.outcomes],
            "new": self.new_entries,
            "failed": len(self.failed),
            "skipped": len(self.skipped),
            "inbox": self.inbox_count,
            "cancelled": self.cancelled,
        }


# --------------------------------------------------------------------------- time helpers
def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _format_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def backoff_seconds(failures: int) -> float:
    """Wait after ``failures`` consecutive failures: 1 min, 2, 4, ... up to 6 h."""
    if failures <= 0:
        return 0.0
    return min(BACKOFF_BASE * 2 ** min(failures - 1, 20), BACKOFF_MAX)


# --------------------------------------------------------------------------- reading feeds
def _row_to_feed(row: tuple[Any, ...]) -> Feed:
    return Feed(*row)


def list_feeds(conn: sqlite3.Connection) -> list[Feed]:
    rows = conn.execute(
        f"SELECT {_FEED_COLUMNS} FROM feeds f ORDER BY f.title = '', lower(f.title), f.id"
    ).fetchall()
    return [_row_to_feed(r) for r in rows]


def get_feed(conn: sqlite3.Connection, feed_id: int) -> Feed | None:
    row = conn.execute(f"SELECT {_FEED_COLUMNS} FROM feeds f WHERE f.id = ?", (feed_id,)).fetchone()
    return _row_to_feed(row) if row else None


def find_feed(conn: sqlite3.Connection, spec: str) -> Feed:
    """A feed by ID, URL (any spelling of it) or case-insensitive title."""
    spec = spec.strip()
    if spec.isdigit():
        feed = get_feed(conn, int(spec))
        if feed:
            return feed
    row = conn.execute(
        "SELECT id FROM feeds WHERE url = ? OR link = ? OR lower(title) = lower(?) "
        "ORDER BY url = ? DESC LIMIT 1",
        (normalise_url(spec), spec, spec, normalise_url(spec)),
    ).fetchone()
    if row is None:
        raise UserError(f"{spec}: not a feed you follow; see 'tuiguide feeds list'")
    feed = get_feed(conn, row[0])
    assert feed is not None
    return feed


def check_feed_url(url: str) -> str:
    """The URL, stripped, if it can be fetched; else a :class:`UserError` naming it."""
    url = url.strip()
    if not is_openable(url):
        raise UserError(f"{url or repr(url)}: not a feed URL; give an http:// or https:// address")
    return url


# --------------------------------------------------------------------------- writes
def insert_feed(cat: Catalogue, url: str, title: str = "", site_url: str | None = None) -> Feed:
    """Follow ``url`` (no fetching). Raises when it is not http(s) or already followed."""
    link = check_feed_url(url)
    key = normalise_url(link)
    now = cat.now()
    with transaction(cat.conn):
        existing = cat.conn.execute("SELECT link FROM feeds WHERE url = ?", (key,)).fetchone()
        if existing:
            raise UserError(f"{link}: already followed")
        feed_id = cat.conn.execute(
            "INSERT INTO feeds (url, link, title, site_url, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (key, link, title.strip(), site_url if is_openable(site_url) else None, now, now),
        ).lastrowid
    feed = get_feed(cat.conn, feed_id)
    assert feed is not None
    return feed


def add_feed(
    cat: Catalogue,
    url: str,
    *,
    title: str = "",
    check: bool = True,
    settings: FetchSettings | None = None,
) -> FeedOutcome:
    """Follow a feed. With ``check``, fetch it first and refuse one that fails or is no feed.

    On success the feed's first entries are already in the Inbox.
    """
    link = check_feed_url(url)
    if cat.conn.execute("SELECT 1 FROM feeds WHERE url = ?", (normalise_url(link),)).fetchone():
        raise UserError(f"{link}: already followed")
    if not check:
        return FeedOutcome(insert_feed(cat, link, title), "skipped", message="not fetched yet")
    landed: list[FetchResult] = []
    run_fetches([FetchRequest(0, link)], lambda _req, res: landed.append(res), settings)
    result = landed[0]
    parsed = _parse_result(result)
    if not result.ok:
        raise UserError(f"{link}: {result.error}; not added (use --no-check to add it anyway)")
    if parsed is not None and not parsed.is_feed:
        raise UserError(f"{link}: {parsed.problem}; not added")
    with transaction(cat.conn):
        feed = insert_feed(cat, link, title)
        return _store(cat, feed, result, parsed)


def remove_feed(cat: Catalogue, spec: str) -> Feed:
    """Stop following a feed; its entries go too (filed ones stay in the guide)."""
    feed = find_feed(cat.conn, spec)
    with transaction(cat.conn):
        cat.conn.execute("DELETE FROM feed_entries WHERE feed_id = ?", (feed.id,))
        cat.conn.execute("DELETE FROM feeds WHERE id = ?", (feed.id,))
    return feed


def rename_feed(cat: Catalogue, spec: str, title: str) -> Feed:
    feed = find_feed(cat.conn, spec)
    with transaction(cat.conn):
        cat.conn.execute(
            "UPDATE feeds SET title = ?, updated_at = ? WHERE id = ?",
            (" ".join(title.split()), cat.now(), feed.id),
        )
    updated = get_feed(cat.conn, feed.id)
    assert updated is not None
    return updated


# --------------------------------------------------------------------------- refresh
def parse_feed(body: bytes, *, url: str = "", content_type: str = "") -> ParsedFeed:
    """:func:`tuiguide.core.feeds.parse.parse_feed`, imported on first use (feedparser is ~30 ms
    the app's start-up need not pay)."""
    from tuiguide.core.feeds.parse import parse_feed as parse

    return parse(body, url=url, content_type=content_type)


def _parse_result(result: FetchResult, future: Future[ParsedFeed] | None = None
                  ) -> ParsedFeed | None:
    """The parsed body (from a worker's ``future`` when given); a problem, never a raise."""
    from tuiguide.core.feeds.parse import ParsedFeed

    if not result.ok or result.not_modified or result.body is None:
        return None
    try:
        if future is not None:
            try:
                return future.result()
            except BrokenExecutor:  # a worker died: parse here instead
                pass
        return parse_feed(result.body, url=result.final_url, content_type=result.content_type)
    except Exception as exc:  # feedparser on hostile bytes: record, never crash the refresh
        parsed = ParsedFeed(is_feed=False)
        parsed.problem = f"could not parse the feed ({exc.__class__.__name__}: {exc})"[:300]
        return parsed


def _fail(cat: Catalogue, feed: Feed, status: int | None, error: str,
          retry_after: float | None = None) -> None:
    now_s = cat.now()
    now = _parse_time(now_s) or datetime.now(UTC)
    failures = feed.failures + 1
    wait = backoff_seconds(failures)
    if retry_after is not None:
        wait = max(wait, min(retry_after, RETRY_AFTER_MAX))
    cat.conn.execute(
        "UPDATE feeds SET last_status = ?, last_checked_at = ?, error = ?, failures = ?, "
        "next_attempt_at = ?, updated_at = ? WHERE id = ?",
        (status, now_s, error, failures, _format_time(now + timedelta(seconds=wait)), now_s,
         feed.id),
    )


def _store(cat: Catalogue, feed: Feed, result: FetchResult, parsed: ParsedFeed | None) -> FeedOutcome:
    """Record one fetch on the feed's row and store its entries (one transaction)."""
    conn = cat.conn
    now = cat.now()
    with transaction(conn):
        if not result.ok:
            _fail(cat, feed, result.status, result.error or "failed", result.retry_after)
            outcome, new, message = "failed", 0, result.error
        elif result.not_modified:
            conn.execute(
                "UPDATE feeds SET last_status = 304, last_checked_at = ?, last_success_at = ?, "
                "failures = 0, next_attempt_at = NULL, "
                "error = CASE WHEN failures > 0 THEN NULL ELSE error END, "
                "etag = ?, last_modified = ?, updated_at = ? WHERE id = ?",
                (now, now, result.etag, result.last_modified, now, feed.id),
            )
            outcome, new, message = "not_modified", 0, None
        elif parsed is None or not parsed.is_feed:
            problem = parsed.problem if parsed else "empty response"
            _fail(cat, feed, result.status, problem or "not a feed")
            outcome, new, message = "failed", 0, problem
        else:
            new = _store_entries(cat, feed.id, parsed.entries, now)
            conn.execute(
                "UPDATE feeds SET last_status = ?, last_checked_at = ?, last_success_at = ?, "
                "error = ?, failures = 0, next_attempt_at = NULL, entry_count = ?, "
                "etag = ?, last_modified = ?, "
                "title = CASE WHEN title = '' THEN ? ELSE title END, "
                "site_url = COALESCE(?, site_url), updated_at = ? WHERE id = ?",
                (result.status, now, now, parsed.problem, len(parsed.entries), result.etag,
                 result.last_modified, parsed.title, parsed.site_url, now, feed.id),
            )
            outcome, message = "updated", parsed.problem
    fresh = get_feed(conn, feed.id)
    assert fresh is not None
    return FeedOutcome(fresh, outcome, new, message)


def _store_entries(cat: Catalogue, feed_id: int, entries: Iterable[ParsedEntry], now: str) -> int:
    """Insert unseen entries, refresh known ones; return how many reached the Inbox.

    What is already stored is read once per feed (a few queries), not once per entry; the
    in-memory copy follows each write, so every entry sees what the ones before it wrote.
    """
    conn = cat.conn
    entries = list(entries)
    known: dict[str, tuple[int, str | None]] = {
        identity: (entry_id, url)
        for identity, entry_id, url in conn.execute(
            "SELECT identity, id, url FROM feed_entries WHERE feed_id = ?", (feed_id,)
        )
    }
    # Rows (any feed) holding each link a new entry has, and the guide's resources.
    urls = sorted({e.url for e in entries if e.url and e.identity not in known})
    rows_with_url: dict[str | None, int] = {}
    resources: dict[str, int] = {}
    for i in range(0, len(urls), 500):  # (SQLite's bound-parameter limit)
        chunk = urls[i : i + 500]
        marks = ", ".join("?" * len(chunk))
        rows_with_url.update(conn.execute(
            f"SELECT url, count(*) FROM feed_entries WHERE url IN ({marks}) GROUP BY url", chunk
        ))
        resources.update(
            conn.execute(f"SELECT url, id FROM resources WHERE url IN ({marks})", chunk)
        )

    # (the search index follows feed_entries by its own triggers)
    return _write_entries(conn, feed_id, entries, now, known, rows_with_url, resources)


def _write_entries(
    conn: sqlite3.Connection,
    feed_id: int,
    entries: list[ParsedEntry],
    now: str,
    known: dict[str, tuple[int, str | None]],
    rows_with_url: dict[str | None, int],
    resources: dict[str, int],
) -> int:
    """The writes of :func:`_store_entries`, entry by entry, keeping its lookups current."""

    def moved(old: str | None, new_url: str | None) -> None:
        rows_with_url[old] = rows_with_url.get(old, 0) - 1
        rows_with_url[new_url] = rows_with_url.get(new_url, 0) + 1

    new = 0
    for e in entries:
        sort_at = e.published_at if e.published_at and e.published_at <= now else now
        stored = known.get(e.identity)
        if stored is not None:
            entry_id, old_url = stored
            # Only rows that changed are written (search triggers re-index what is written).
            conn.execute(
                "UPDATE feed_entries SET url = ?, link = ?, raw_link = ?, title = ?, author = ?, "
                "summary = ?, published_at = ? WHERE id = ? AND (url IS NOT ? OR link IS NOT ? "
                "OR raw_link IS NOT ? OR title IS NOT ? OR author IS NOT ? OR summary IS NOT ? "
                "OR published_at IS NOT ?)",
                (e.url, e.link, e.raw_link, e.title, e.author, e.summary, e.published_at,
                 entry_id, e.url, e.link, e.raw_link, e.title, e.author, e.summary,
                 e.published_at),
            )
            if old_url != e.url:
                moved(old_url, e.url)
                known[e.identity] = (entry_id, e.url)
            continue
        if e.url and rows_with_url.get(e.url, 0) > 0:
            continue  # the same post through another feed (or a changed guid): stored once
        resource = resources.get(e.url) if e.url else None
        state = "in_guide" if resource else "new"
        entry_id = conn.execute(
            "INSERT INTO feed_entries (feed_id, identity, url, link, raw_link, title, author, "
            "summary, published_at, sort_at, state, state_at, resource_id, fetched_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (feed_id, e.identity, e.url, e.link, e.raw_link, e.title, e.author, e.summary,
             e.published_at, sort_at, state, now if resource else None, resource, now),
        ).lastrowid
        known[e.identity] = (entry_id, e.url)
        rows_with_url[e.url] = rows_with_url.get(e.url, 0) + 1
        if state == "new":
            new += 1
    return new


def mark_in_guide(conn: sqlite3.Connection, now: str) -> int:
    """Entries still 'new' whose link has since become a resource leave the Inbox."""
    cur = conn.execute(
        "UPDATE feed_entries SET state = 'in_guide', state_at = ?, "
        "resource_id = (SELECT r.id FROM resources r WHERE r.url = feed_entries.url) "
        "WHERE state = 'new' AND url IN (SELECT url FROM resources)",
        (now,),
    )
    return cur.rowcount


def due_feeds(cat: Catalogue, feed_ids: Iterable[int] | None = None, *, force: bool = False
              ) -> tuple[list[Feed], list[Feed]]:
    """Split the chosen feeds (default: all) into (due now, still backing off).

    ``force`` fetches feeds backing off after failures, but not one whose server last
    answered 429 or 503: it asked us to wait (``Retry-After``) and we do.
    """
    feeds = list_feeds(cat.conn)
    if feed_ids is not None:
        wanted = set(feed_ids)
        feeds = [f for f in feeds if f.id in wanted]
    now = cat.now()
    due, waiting = [], []
    for f in feeds:
        held = f.next_attempt_at is not None and f.next_attempt_at > now
        if held and (not force or f.last_status in (429, 503)):
            waiting.append(f)
        else:
            due.append(f)
    return due, waiting


def _fetch_and_parse(
    requests: list[FetchRequest],
    pool: ProcessPoolExecutor,
    feeds_by_id: dict[int, Feed],
    store: Callable[[Feed, FetchResult, ParsedFeed | None], None],
    settings: FetchSettings | None,
    stop: threading.Event | None,
) -> None:
    """Fetch in a helper thread, parse in the worker processes, store in this thread.

    This thread waits on one queue for both landed bodies and finished parses, so each feed
    is stored as soon as it is parsed, even while a slow feed keeps the fetching going.
    Every feed that landed is stored, even when ``stop`` ends the fetching or it fails.
    """
    import queue

    events: queue.Queue[Any] = queue.Queue()
    parsing: dict[Future[ParsedFeed], tuple[Feed, FetchResult]] = {}
    thread = fetch_in_background(requests, events.put, settings, stop)
    fetching = True
    try:
        while fetching or parsing:
            item = events.get()
            if item is None:
                fetching = False
            elif isinstance(item, BaseException):
                raise item
            elif isinstance(item, Future):
                feed, result = parsing.pop(item)
                store(feed, result, _parse_result(result, item))
            else:
                req, result = item
                feed = feeds_by_id[req.key]
                future = None
                if result.ok and not result.not_modified and result.body:
                    future = feeds_pool.submit(pool, result.body, result.final_url,
                                               result.content_type)
                if future is None:
                    store(feed, result, _parse_result(result))
                else:
                    parsing[future] = (feed, result)
                    future.add_done_callback(events.put)
    finally:
        for future in as_completed(list(parsing)):
            feed, result = parsing.pop(future)
            store(feed, result, _parse_result(result, future))
        thread.join(timeout=5)


def refresh(
    cat: Catalogue,
    feed_ids: Iterable[int] | None = None,
    *,
    force: bool = False,
    settings: FetchSettings | None = None,
    progress: Callable[[RefreshProgress], None] | None = None,
    stop: threading.Event | None = None,
) -> RefreshReport:
    """Fetch the due feeds concurrently and store each as it lands.

    ``progress`` runs in the calling thread after each feed is stored (so its counts are
    already in the database). Feeds still backing off after failures or a ``Retry-After``
    are skipped unless ``force``. Setting ``stop`` ends the refresh early; feeds already
    stored stay stored.
    """
    from tuiguide.core.feeds.inbox import inbox_count

    due, waiting = due_feeds(cat, feed_ids, force=force)
    outcomes = [
        FeedOutcome(f, "skipped", message=f"waiting until {f.next_attempt_at} after "
                    f"{f.failures} failure{'s' if f.failures != 1 else ''}")
        for f in waiting
    ]
    with transaction(cat.conn):
        mark_in_guide(cat.conn, cat.now())
    by_id = {f.id: f for f in due}
    total = len(due)
    done = 0
    # Many feeds due: bodies are parsed by worker processes as they land (feeds_pool.py).
    pool = feeds_pool.workers_for(total)

    def store(feed: Feed, result: FetchResult, parsed: ParsedFeed | None) -> None:
        nonlocal done
        outcome = _store(cat, feed, result, parsed)
        outcomes.append(outcome)
        done += 1
        if progress is not None:
            progress(RefreshProgress(done, total, outcome, inbox_count(cat.conn)))

    requests = [FetchRequest(f.id, f.link, f.etag, f.last_modified) for f in due]
    if pool is None:
        run_fetches(requests, lambda req, res: store(by_id[req.key], res, _parse_result(res)),
                    settings, stop)
    else:
        _fetch_and_parse(requests, pool, by_id, store, settings, stop)
    cancelled = done < total
    return RefreshReport(outcomes, inbox_count(cat.conn), cancelled=cancelled)
