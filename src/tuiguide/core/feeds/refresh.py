"""Following feeds: add, remove, list, and refresh them into the Inbox.

A refresh fetches every due feed at once (:mod:`tuiguide.core.feeds.fetch`), and as each one
lands parses it (:mod:`tuiguide.core.feeds.pipeline`), stores it in one transaction
(:mod:`tuiguide.core.feeds.record`) and calls ``progress`` so a UI can update its counts
feed by feed. One bad feed never stops the
others: its error, status and backoff are recorded on its row for the user to see.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from tuiguide.core.errors import UserError
from tuiguide.core.feeds import parse_workers, store
from tuiguide.core.feeds.fetch import FetchRequest, FetchResult, run_fetches
from tuiguide.core.feeds.fetch import FetchSettings as FetchSettings
from tuiguide.core.feeds.models import Feed as Feed
from tuiguide.core.feeds.models import FeedOutcome as FeedOutcome
from tuiguide.core.feeds.models import RefreshProgress as RefreshProgress
from tuiguide.core.feeds.models import RefreshReport as RefreshReport
from tuiguide.core.feeds.pipeline import fetch_parse_store
from tuiguide.core.feeds.record import parse_result, record_fetch
from tuiguide.core.text.urls import is_openable, normalise_url

if TYPE_CHECKING:
    from tuiguide.core.feeds.parse import ParsedFeed  # feedparser: imported when parsing
    from tuiguide.core.store.catalogue import Catalogue


# --------------------------------------------------------------------------- reading feeds
def list_feeds(cat: Catalogue) -> list[Feed]:
    return store.list_feeds(cat)


def get_feed(cat: Catalogue, feed_id: int) -> Feed | None:
    return store.get_feed(cat, feed_id)


def count_feeds(cat: Catalogue) -> int:
    return store.feed_count(cat)


def find_feed(cat: Catalogue, spec: str) -> Feed:
    """A feed by ID, URL (any spelling of it) or case-insensitive title."""
    spec = spec.strip()
    if spec.isdigit():
        feed = store.get_feed(cat, int(spec))
        if feed:
            return feed
    feed_id = store.feed_id_for(cat, normalise_url(spec), spec)
    feed = store.get_feed(cat, feed_id) if feed_id is not None else None
    if feed is None:
        raise UserError(f"{spec}: not a feed you follow; see 'tuiguide feeds list'")
    return feed


def check_feed_url(url: str) -> str:
    """The URL, stripped, if it can be fetched; else a :class:`UserError` naming it."""
    url = url.strip()
    if not is_openable(url):
        raise UserError(f"{url or repr(url)}: not a feed URL; give an http:// or https:// address")
    return url


# --------------------------------------------------------------------------- following
def _refuse_followed(cat: Catalogue, link: str) -> str:
    key = normalise_url(link)
    if store.followed_keys(cat, [key]):
        raise UserError(f"{link}: already followed")
    return key


def insert_feed(cat: Catalogue, url: str, title: str = "", site_url: str | None = None) -> Feed:
    """Follow ``url`` (no fetching). Raises when it is not http(s) or already followed."""
    link = check_feed_url(url)
    with store.transaction(cat):
        key = _refuse_followed(cat, link)
        feed_id = store.add_feed(cat, key, link, title.strip(),
                                 site_url if is_openable(site_url) else None, cat.now())
    feed = store.get_feed(cat, feed_id)
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
    _refuse_followed(cat, link)
    if not check:
        return FeedOutcome(insert_feed(cat, link, title), "skipped", message="not fetched yet")
    landed: list[FetchResult] = []
    run_fetches([FetchRequest(0, link)], lambda _req, res: landed.append(res), settings)
    result = landed[0]
    parsed = parse_result(result)
    if not result.ok:
        raise UserError(f"{link}: {result.error}; not added (use --no-check to add it anyway)")
    if parsed is not None and not parsed.is_feed:
        raise UserError(f"{link}: {parsed.problem}; not added")
    with store.transaction(cat):
        feed = insert_feed(cat, link, title)
        return record_fetch(cat, feed, result, parsed)


def remove_feed(cat: Catalogue, spec: str) -> Feed:
    """Stop following a feed; its entries go too (filed ones stay in the guide)."""
    feed = find_feed(cat, spec)
    store.delete_feed(cat, feed.id)
    return feed


def rename_feed(cat: Catalogue, spec: str, title: str) -> Feed:
    feed = find_feed(cat, spec)
    store.set_feed_title(cat, feed.id, " ".join(title.split()), cat.now())
    updated = store.get_feed(cat, feed.id)
    assert updated is not None
    return updated


# --------------------------------------------------------------------------- refresh
def due_feeds(cat: Catalogue, feed_ids: Iterable[int] | None = None, *, force: bool = False
              ) -> tuple[list[Feed], list[Feed]]:
    """Split the chosen feeds (default: all) into (due now, still backing off).

    ``force`` fetches feeds backing off after failures, but not one whose server last
    answered 429 or 503: it asked us to wait (``Retry-After``) and we do.
    """
    feeds = store.list_feeds(cat)
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
    due, waiting = due_feeds(cat, feed_ids, force=force)
    outcomes = [
        FeedOutcome(f, "skipped", message=f"waiting until {f.next_attempt_at} after "
                    f"{f.failures} failure{'s' if f.failures != 1 else ''}")
        for f in waiting
    ]
    store.mark_in_guide(cat, cat.now())
    by_id = {f.id: f for f in due}
    total = len(due)
    done = 0

    def store_one(key: int, result: FetchResult, parsed: ParsedFeed | None) -> None:
        nonlocal done
        outcome = record_fetch(cat, by_id[key], result, parsed)
        outcomes.append(outcome)
        done += 1
        if progress is not None:
            progress(RefreshProgress(done, total, outcome, store.inbox_count(cat)))

    requests = [FetchRequest(f.id, f.link, f.etag, f.last_modified) for f in due]
    fetch_parse_store(requests, store_one, parse_workers.for_refresh(total), settings, stop)
    return RefreshReport(outcomes, store.inbox_count(cat), cancelled=done < total)
