"""What one fetch does to a feed: its entries stored and its row updated on success, its
validators kept on a 304, its error and backoff recorded on a failure. One transaction each,
so a feed is stored whole or not at all, whatever happens to the process."""

from __future__ import annotations

from concurrent.futures import BrokenExecutor
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from tuiguide.core.feeds import store
from tuiguide.core.feeds.merge import store_entries
from tuiguide.core.feeds.models import Feed, FeedOutcome
from tuiguide.core.text.stamps import parse_utc_or_none, utc_stamp

if TYPE_CHECKING:
    from concurrent.futures import Future

    from tuiguide.core.feeds.fetch import FetchResult
    from tuiguide.core.feeds.parse import ParsedFeed
    from tuiguide.core.store.catalogue import Catalogue

BACKOFF_BASE = 60.0  # seconds after the first failure; doubles with each further one
BACKOFF_MAX = 6 * 3600.0
RETRY_AFTER_MAX = 24 * 3600.0


def backoff_seconds(failures: int) -> float:
    """Wait after ``failures`` consecutive failures: 1 min, 2, 4, ... up to 6 h."""
    if failures <= 0:
        return 0.0
    return min(BACKOFF_BASE * 2 ** min(failures - 1, 20), BACKOFF_MAX)


def parse_result(result: FetchResult, future: Future[ParsedFeed] | None = None
                 ) -> ParsedFeed | None:
    """The fetched body parsed (by a worker when ``future`` is given; here if that worker
    died), None when no body came. A problem is recorded, never raised."""
    if not result.ok or result.not_modified or result.body is None:
        return None
    # feedparser is imported on first use: the app's start-up need not pay for it.
    from tuiguide.core.feeds.parse import ParsedFeed, parse_feed

    try:
        if future is not None:
            try:
                return future.result()
            except BrokenExecutor:
                pass
        return parse_feed(result.body, url=result.final_url, content_type=result.content_type)
    except Exception as exc:  # feedparser on hostile bytes: record, never crash the refresh
        parsed = ParsedFeed(is_feed=False)
        parsed.problem = f"could not parse the feed ({exc.__class__.__name__}: {exc})"[:300]
        return parsed


def _fail(cat: Catalogue, feed: Feed, status: int | None, error: str,
          retry_after: float | None = None) -> None:
    now_s = cat.now()
    now = parse_utc_or_none(now_s) or datetime.now(UTC)
    failures = feed.failures + 1
    wait = backoff_seconds(failures)
    if retry_after is not None:
        wait = max(wait, min(retry_after, RETRY_AFTER_MAX))
    store.record_failure(cat, feed.id, status=status, error=error, failures=failures,
                         next_attempt_at=utc_stamp(now + timedelta(seconds=wait)), now=now_s)


def record_fetch(cat: Catalogue, feed: Feed, result: FetchResult, parsed: ParsedFeed | None
                 ) -> FeedOutcome:
    """Record one fetch on the feed's row and store its entries (one transaction)."""
    now = cat.now()
    with store.transaction(cat):
        if not result.ok:
            _fail(cat, feed, result.status, result.error or "failed", result.retry_after)
            outcome, new, message = "failed", 0, result.error
        elif result.not_modified:
            store.record_not_modified(cat, feed.id, etag=result.etag,
                                      last_modified=result.last_modified, now=now)
            outcome, new, message = "not_modified", 0, None
        elif parsed is None or not parsed.is_feed:
            problem = parsed.problem if parsed else "empty response"
            _fail(cat, feed, result.status, problem or "not a feed")
            outcome, new, message = "failed", 0, problem
        else:
            new = store_entries(cat, feed.id, parsed.entries, now)
            store.record_success(
                cat, feed.id, status=result.status, problem=parsed.problem,
                entry_count=len(parsed.entries), etag=result.etag,
                last_modified=result.last_modified, title=parsed.title,
                site_url=parsed.site_url, now=now,
            )
            outcome, message = "updated", parsed.problem
    fresh = store.get_feed(cat, feed.id)
    assert fresh is not None
    return FeedOutcome(fresh, outcome, new, message)
