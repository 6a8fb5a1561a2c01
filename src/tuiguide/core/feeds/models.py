"""The records the feeds package hands out: a followed feed, an Inbox entry, and what a
refresh did. Plain data, so the store can map rows into them and the UI and CLI can show
them without importing anything that talks to the database."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

ENTRY_STATES = ("new", "dismissed", "filed", "in_guide")


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
class InboxEntry:
    """One feed entry. ``link`` is set only when it is safe to open (http/https)."""

    id: int
    feed_id: int
    feed_title: str
    feed_url: str
    title: str
    link: str | None
    raw_link: str | None
    url: str | None
    author: str | None
    summary: str
    published_at: str | None
    sort_at: str
    fetched_at: str
    state: str
    resource_id: int | None

    @property
    def feed_name(self) -> str:
        return self.feed_title or self.feed_url

    @property
    def date(self) -> str:
        """The day it was published (or first seen), YYYY-MM-DD."""
        return (self.published_at or self.sort_at)[:10]

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "feed": self.feed_name,
            "feed_id": self.feed_id,
            "title": self.title,
            "url": self.link,
            "raw_link": self.raw_link if self.link is None else None,
            "author": self.author,
            "summary": self.summary,
            "published_at": self.published_at,
            "state": self.state,
            "resource_id": self.resource_id,
        }


@dataclass(frozen=True)
class StoredEntry:
    """What the store holds of one entry a feed brought earlier (to tell what changed)."""

    id: int
    identity: str
    url: str | None
    link: str | None
    raw_link: str | None
    title: str
    author: str | None
    summary: str
    published_at: str | None
    sort_at: str
    fetched_at: str


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
